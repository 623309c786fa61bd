"""Orders the analysis of one answer: audio → words → STAR phases → timings (→ coaching)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from mockint.coach import QuestionLike, coach
from mockint.errors import AudioError
from mockint.model import SAMPLE_RATE_HZ, Analysis, Transcript, Word
from mockint.star import segment
from mockint.timing import answer_duration, time_phases

if TYPE_CHECKING:
    from mockint.transcribe import Transcriber


def analyze_transcript(
    path: str, transcript: Transcript, *, question: QuestionLike | None = None
) -> Analysis:
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
    return replace(analysis, coaching=coach(analysis, question=question))


# Answers are transcribed piece by piece, so memory stays flat however long the file: a piece
# holds PIECE_S seconds of samples (under 10 MB), never the whole recording; the model's working
# memory grows with the piece it is given (about 70 MB more per extra 30 s of dense speech).
# Whisper reads 30 s windows on its own anyway, so pieces cost nothing but their cuts, and
# each cut falls in the pause around the quietest 100 ms of the piece's last CUT_SEARCH_S
# seconds, not in the middle of a word.
PIECE_S = 150.0
CUT_SEARCH_S = 5.0


def analyze_file(path: str | Path, transcriber: Transcriber) -> Analysis:
    """Decode, transcribe and analyze one file; AudioError when there is nothing to analyze."""
    from mockint.audio import iter_decoded_chunks, split_at_quiet_points

    words: list[Word] = []
    n_samples = 0
    pieces = split_at_quiet_points(
        iter_decoded_chunks(path), piece_s=PIECE_S, search_s=CUT_SEARCH_S
    )
    for start, piece in pieces:
        part = transcriber.transcribe(
            piece,
            offset_s=start / SAMPLE_RATE_HZ,
            previous_text=" ".join(w.text for w in words),
        )
        words.extend(part.words)
        n_samples = start + piece.size
    duration_s = n_samples / SAMPLE_RATE_HZ
    # Silence and noise come back from the model as no words at all: its speech detector and
    # no-speech check drop them (white, pink and brown noise, hum, 10 minutes of silence). No
    # word-probability floor is added on top: real speech on a poor line scores as low as
    # anything noise could produce, and such a floor would throw away real answers.
    if not words:
        raise AudioError(str(path), f"no speech found in {duration_s:.1f} s of audio")
    transcript = Transcript(tuple(words), duration_s, transcriber.model_name)
    return analyze_transcript(str(path), transcript)
