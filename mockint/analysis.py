"""Orders the analysis of one answer: audio → words → STAR phases → timings (→ coaching)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from mockint.coach import coach
from mockint.errors import AudioError
from mockint.model import Analysis, Transcript
from mockint.star import segment
from mockint.timing import answer_duration, time_phases

if TYPE_CHECKING:
    from mockint.transcribe import Transcriber


def analyze_transcript(path: str, transcript: Transcript, *, question: object = None) -> Analysis:
    """Pure: everything mockint says about an answer, from its timed words."""
    segmentation = segment(transcript.words)
    duration_s, verdict = answer_duration(transcript.words)
    analysis = Analysis(
        path=path,
        transcript=transcript,
        segmentation=segmentation,
        timings=time_phases(segmentation),
        answer_duration_s=duration_s,
        answer_verdict=verdict,
    )
    return replace(analysis, coaching=coach(analysis, question=question))  # type: ignore[arg-type]


def analyze_file(path: str | Path, transcriber: Transcriber) -> Analysis:
    """Decode, transcribe and analyze one file; AudioError when there is nothing to analyze."""
    from mockint.audio import decode_file

    samples = decode_file(path)
    transcript = transcriber.transcribe(samples)
    if not transcript.words:
        raise AudioError(str(path), "no speech found")
    return analyze_transcript(str(path), transcript)
