"""Speaks labelled answers with espeak-ng and transcribes them, so the segmenter is scored
on what a recogniser really hears (misheard words, merged sentences, real timings)."""

from __future__ import annotations

import subprocess
import tempfile
from pathlib import Path

from mockint.corpus import LabelledAnswer
from mockint.errors import MockintError
from mockint.model import Phase, Word
from mockint.star_eval import transfer_labels
from mockint.transcribe import Transcriber


def speak_espeak(text: str, words_per_minute: int, out: Path) -> None:
    try:
        subprocess.run(
            ["espeak-ng", "-v", "en-us", "-s", str(words_per_minute), "-w", str(out), text],
            check=True,
            capture_output=True,
        )
    except FileNotFoundError:
        raise MockintError("espeak-ng: not installed (needed for --spoken)") from None


def spoken_answer(
    answer: LabelledAnswer, transcriber: Transcriber, words_per_minute: int = 150
) -> tuple[tuple[Word, ...], tuple[Phase, ...]]:
    """The recognised words of the answer spoken aloud, with gold phases carried over."""
    from mockint.audio import decode_file

    with tempfile.TemporaryDirectory() as tmp:
        wav = Path(tmp) / f"{answer.id}.wav"
        speak_espeak(answer.text, words_per_minute, wav)
        transcript = transcriber.transcribe(decode_file(wav))
    heard = [w.text for w in transcript.words]
    return transcript.words, transfer_labels(answer.tokens, answer.gold, heard)
