"""Loudness of audio blocks, and the energy rule that ends an answer after trailing silence."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    import numpy as np

FLOOR_DBFS = -120.0
# A quiet room through a laptop microphone sits near -60 dBFS; speech at arm's length
# well above -40. Between the two leaves room for either to drift.
SPEECH_THRESHOLD_DBFS = -45.0


def rms_dbfs(block: np.ndarray) -> float:
    """RMS level of float samples in dB relative to full scale (1.0); FLOOR_DBFS for silence."""
    import numpy as np

    samples = np.asarray(block, dtype=np.float64)
    if samples.size == 0:
        return FLOOR_DBFS
    rms = float(np.sqrt(np.mean(samples * samples)))
    if rms <= 10 ** (FLOOR_DBFS / 20):
        return FLOOR_DBFS
    return max(FLOOR_DBFS, 20.0 * float(np.log10(rms)))


def is_speech(block: np.ndarray, threshold_dbfs: float = SPEECH_THRESHOLD_DBFS) -> bool:
    return rms_dbfs(block) >= threshold_dbfs


def speech_frames(
    samples: np.ndarray,
    sample_rate_hz: int,
    frame_s: float = 0.03,
    threshold_dbfs: float = SPEECH_THRESHOLD_DBFS,
) -> tuple[bool, ...]:
    """Speech (True) or silence for each whole frame_s frame of samples."""
    frame = max(1, round(frame_s * sample_rate_hz))
    n_frames = len(samples) // frame
    return tuple(
        is_speech(samples[i * frame : (i + 1) * frame], threshold_dbfs) for i in range(n_frames)
    )


def meter(level_dbfs: float, width: int = 20, floor_dbfs: float = -60.0) -> str:
    """A text bar for a level, full at 0 dBFS, empty at floor_dbfs."""
    filled = round(width * min(1.0, max(0.0, 1.0 - level_dbfs / floor_dbfs)))
    return "█" * filled + "·" * (width - filled)


Verdict = Literal["silence", "no_speech"]
_EPSILON_S = 1e-6


@dataclass(slots=True)
class SilenceStop:
    """Says when to stop: silence_s of quiet after at least min_speech_s of speech.

    Fed block by block; counts samples, not wall time, so it behaves the same on a
    device that runs faster than real time.
    """

    silence_s: float = 3.0
    min_speech_s: float = 0.5
    no_speech_timeout_s: float = 20.0
    threshold_dbfs: float = SPEECH_THRESHOLD_DBFS
    speech_s: float = field(default=0.0, init=False)
    trailing_silence_s: float = field(default=0.0, init=False)
    elapsed_s: float = field(default=0.0, init=False)

    def update(self, block: np.ndarray, sample_rate_hz: int) -> Verdict | None:
        duration_s = len(block) / sample_rate_hz
        self.elapsed_s += duration_s
        if is_speech(block, self.threshold_dbfs):
            self.speech_s += duration_s
            self.trailing_silence_s = 0.0
        else:
            self.trailing_silence_s += duration_s
        # Sums of block durations drift below round numbers (ten 0.1 s blocks < 1.0 s).
        if self.speech_s >= self.min_speech_s - _EPSILON_S:
            return "silence" if self.trailing_silence_s >= self.silence_s - _EPSILON_S else None
        return "no_speech" if self.elapsed_s >= self.no_speech_timeout_s - _EPSILON_S else None
