"""Synthesise test speech (espeak-ng or the Piper voice) as float32 16 kHz mono samples."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
import wave
from functools import lru_cache
from pathlib import Path

import numpy as np

from mockint.devices import resample

SAMPLE_RATE_HZ = 16_000


def synthesize(text: str, *, voice: str = "espeak", rate_wpm: int = 160) -> np.ndarray:
    """Speech for `text`: voice "espeak" (espeak-ng CLI, at rate_wpm) or "piper"."""
    if voice == "espeak":
        return _espeak(text, rate_wpm)
    if voice == "piper":
        return _piper(text)
    raise ValueError(f"unknown test voice {voice!r} (espeak or piper)")


@lru_cache(maxsize=64)
def _espeak_cached(text: str, rate_wpm: int) -> bytes:
    executable = shutil.which("espeak-ng")
    if executable is None:
        raise RuntimeError("tests need espeak-ng (Debian/Ubuntu: apt install espeak-ng)")
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "speech.wav"
        subprocess.run(
            [executable, "-s", str(rate_wpm), "-w", str(out), text],
            check=True,
            capture_output=True,
        )
        samples, rate_hz = read_wav(out)
    return resample(samples, rate_hz, SAMPLE_RATE_HZ).tobytes()


def _espeak(text: str, rate_wpm: int) -> np.ndarray:
    return np.frombuffer(_espeak_cached(text, rate_wpm), dtype=np.float32).copy()


def _piper(text: str) -> np.ndarray:
    from mockint.speak import load_piper_voice

    voice = load_piper_voice()
    chunks = [
        resample(chunk.audio_float_array, chunk.sample_rate, SAMPLE_RATE_HZ)
        for chunk in voice.synthesize(text)
    ]
    return np.concatenate(chunks).astype(np.float32)


def read_wav(path: Path) -> tuple[np.ndarray, int]:
    """A 16-bit WAV's samples as float32 mono (first channel) and its rate."""
    with wave.open(str(path), "rb") as wav:
        assert wav.getsampwidth() == 2, f"{path}: expected 16-bit samples"
        frames = wav.readframes(wav.getnframes())
        channels = wav.getnchannels()
        rate_hz = wav.getframerate()
    samples = np.frombuffer(frames, dtype="<i2").reshape(-1, channels)[:, 0]
    return samples.astype(np.float32) / 32768.0, rate_hz
