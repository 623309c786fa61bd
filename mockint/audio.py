"""Decode answer files to 16 kHz mono samples, and write WAV files; errors name the file."""

from __future__ import annotations

import os
import wave
from pathlib import Path
from typing import TYPE_CHECKING

from mockint.errors import AudioError
from mockint.model import SAMPLE_RATE_HZ

if TYPE_CHECKING:
    import numpy as np

# What faster-whisper's decoder (PyAV/FFmpeg) reads and people record answers in.
AUDIO_EXTENSIONS = frozenset(
    {".wav", ".flac", ".mp3", ".m4a", ".ogg", ".oga", ".opus", ".webm", ".aac", ".mp4", ".wma"}
)


def is_audio_path(path: Path) -> bool:
    return path.suffix.lower() in AUDIO_EXTENSIONS


def check_readable(path: Path) -> None:
    """Fail early, with the plain reason, before the decoder reports something cryptic."""
    if not path.exists():
        raise AudioError(str(path), "no such file")
    if path.is_dir():
        raise AudioError(str(path), "is a folder, not an audio file")
    if not os.access(path, os.R_OK):
        raise AudioError(str(path), "permission denied (the file is not readable)")
    if path.stat().st_size == 0:
        raise AudioError(str(path), "empty file (0 bytes)")


def decode_file(path: str | Path) -> np.ndarray:
    """The file's audio as float32 mono samples at 16 kHz; AudioError if it cannot be decoded."""
    path = Path(path)
    check_readable(path)
    import av
    from faster_whisper.audio import decode_audio

    try:
        samples = decode_audio(str(path), sampling_rate=SAMPLE_RATE_HZ)
    except av.error.InvalidDataError:
        raise AudioError(str(path), "not a readable audio file (unknown or corrupt data)") from None
    except av.error.FFmpegError as error:
        raise AudioError(str(path), f"cannot decode audio ({_first_line(error)})") from None
    except (OSError, ValueError, IndexError, RuntimeError) as error:
        raise AudioError(str(path), f"cannot decode audio ({_first_line(error)})") from None
    if samples.size == 0:
        raise AudioError(str(path), "no audio in the file (0 samples decoded)")
    return samples


def _first_line(error: BaseException) -> str:
    text = str(error).strip().splitlines()
    return text[0] if text else type(error).__name__


def write_wav(path: str | Path, samples: np.ndarray, sample_rate_hz: int = SAMPLE_RATE_HZ) -> None:
    """Write float samples in [-1, 1] as 16-bit PCM mono WAV (lossless for what we record)."""
    import numpy as np

    pcm = (np.clip(samples, -1.0, 1.0) * 32767.0).astype("<i2")
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(sample_rate_hz)
        out.writeframes(pcm.tobytes())
