"""Speaks labelled answers (espeak-ng, or the natural Piper voice) and transcribes them, so
the segmenter is scored on what a recogniser really hears: misheard words, merged
sentences, real timings — and on more than one synthesizer's rhythm."""

from __future__ import annotations

import functools
import subprocess
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from mockint.corpus import LabelledAnswer
from mockint.errors import MockintError
from mockint.model import Phase, Word
from mockint.star_eval import transfer_labels
from mockint.transcribe import Transcriber

if TYPE_CHECKING:
    import numpy as np

    from mockint.speak import PiperSpeaker


def speak_espeak(text: str, words_per_minute: int, out: Path) -> None:
    try:
        subprocess.run(
            ["espeak-ng", "-v", "en-us", "-s", str(words_per_minute), "-w", str(out), text],
            check=True,
            capture_output=True,
        )
    except FileNotFoundError:
        raise MockintError("espeak-ng: not installed (needed for --spoken)") from None


def speak_piper(text: str) -> np.ndarray:
    """The Piper voice's rendering of the text at 16 kHz (it speaks at its own pace)."""
    from mockint.devices import resample
    from mockint.model import SAMPLE_RATE_HZ

    samples, rate_hz = _piper().synthesize(text)
    return resample(samples, rate_hz, SAMPLE_RATE_HZ)


@functools.cache
def _piper() -> PiperSpeaker:
    from mockint.speak import PiperSpeaker

    # Slowed to about 150 words a minute, like a person answering; its own pace is near 220.
    # Repeatable, so two runs of the evaluation hear the same audio and give the same figures.
    return PiperSpeaker(length_scale=1.45, repeatable=True)


def spoken_answer(
    answer: LabelledAnswer,
    transcriber: Transcriber,
    words_per_minute: int = 150,
    voice: str = "espeak",
) -> tuple[tuple[Word, ...], tuple[Phase, ...]]:
    """The recognised words of the answer spoken aloud, with gold phases carried over."""
    from mockint.audio import decode_file

    if voice == "piper":
        samples = speak_piper(answer.text)
    else:
        with tempfile.TemporaryDirectory() as tmp:
            wav = Path(tmp) / f"{answer.id}.wav"
            speak_espeak(answer.text, words_per_minute, wav)
            samples = decode_file(wav)
    transcript = transcriber.transcribe(samples)
    heard = [w.text for w in transcript.words]
    return transcript.words, transfer_labels(answer.tokens, answer.gold, heard)
