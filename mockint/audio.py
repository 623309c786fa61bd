"""Decode answer files to 16 kHz mono samples, and write WAV files; errors name the file."""

from __future__ import annotations

import errno
import itertools
import os
import wave
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from mockint.errors import AudioError
from mockint.model import SAMPLE_RATE_HZ

if TYPE_CHECKING:
    import av
    import numpy as np

# What faster-whisper's decoder (PyAV/FFmpeg) reads and people record answers in.
AUDIO_EXTENSIONS = frozenset(
    {".wav", ".flac", ".mp3", ".m4a", ".ogg", ".oga", ".opus", ".webm", ".aac", ".mp4", ".wma"}
)


def is_audio_path(path: Path) -> bool:
    return path.suffix.lower() in AUDIO_EXTENSIONS


def check_readable(path: Path) -> None:
    """Fail early, with the plain reason, before the decoder reports something cryptic."""
    try:
        path.stat()
    except OSError as error:
        raise AudioError(str(path), _stat_problem(path, error)) from None
    if path.is_dir():
        raise AudioError(str(path), "is a folder, not an audio file")
    if not os.access(path, os.R_OK):
        raise AudioError(str(path), "permission denied (the file is not readable)")
    if path.stat().st_size == 0:
        raise AudioError(str(path), "empty file (0 bytes)")


def _stat_problem(path: Path, error: OSError) -> str:
    if error.errno == errno.ELOOP:
        return "symbolic link loop (the links point at each other, never at a file)"
    if error.errno == errno.EACCES:
        return "permission denied (a folder on the way to it cannot be entered)"
    if error.errno in (errno.ENOENT, errno.ENOTDIR):
        if os.path.islink(path):
            return f"broken symbolic link (its target {os.readlink(path)} does not exist)"
        return "no such file"
    return f"cannot read ({error.strerror or error})"


def decode_file(path: str | Path) -> np.ndarray:
    """The file's audio as float32 mono samples at 16 kHz; AudioError if it cannot be decoded."""
    import numpy as np

    return np.concatenate(list(iter_decoded_chunks(path, chunk_s=60.0)))


def iter_decoded_chunks(path: str | Path, chunk_s: float = 10.0) -> Iterator[np.ndarray]:
    """The file's audio as float32 mono 16 kHz pieces of chunk_s seconds (the last shorter).

    Decoded as it is read, so an hour-long answer never sits in memory whole. Raises
    AudioError, naming the file, if it cannot be decoded or holds no audio at all."""
    path = Path(path)
    check_readable(path)
    import av
    import numpy as np

    chunk = max(1, round(chunk_s * SAMPLE_RATE_HZ))
    pending: list[np.ndarray] = []
    n_pending = 0
    n_total = 0
    try:
        for pcm in _decode_s16(str(path)):
            pending.append(pcm)
            n_pending += pcm.size
            n_total += pcm.size
            while n_pending >= chunk:
                joined = np.concatenate(pending)
                pending, n_pending = [joined[chunk:]], joined.size - chunk
                yield joined[:chunk].astype(np.float32) / 32768.0
    except av.error.InvalidDataError:
        raise AudioError(str(path), "not a readable audio file (unknown or corrupt data)") from None
    except av.error.FFmpegError as error:
        raise AudioError(str(path), f"cannot decode audio ({_first_line(error)})") from None
    except _NoAudioStream as error:
        raise AudioError(str(path), f"not a readable audio file ({error})") from None
    except (OSError, ValueError, IndexError, RuntimeError) as error:
        # e.g. a read failing midway.
        raise AudioError(str(path), f"cannot decode audio ({_first_line(error)})") from None
    if n_total == 0:
        raise AudioError(str(path), "no audio in the file (0 samples decoded)")
    if n_pending:
        yield np.concatenate(pending).astype(np.float32) / 32768.0


# Frames are gathered into groups this many source samples long before resampling, as
# faster-whisper does: fewer resampler calls, and the same samples as its decoder gives.
_GROUP_SAMPLES = 500_000


def _decode_s16(path: str) -> Iterator[np.ndarray]:
    """16-bit mono 16 kHz samples of the first audio stream, group by group."""
    import gc

    import av

    with av.open(path, mode="r", metadata_errors="ignore") as container:
        frames = _frames(container)
        # Spliced or damaged files change channels or rate midway. PyAV's FIFO crashes the
        # whole process on such a frame, so each run of alike frames gets its own.
        for _kind, run in itertools.groupby(frames, key=_frame_kind):
            resampler = av.AudioResampler(format="s16", layout="mono", rate=SAMPLE_RATE_HZ)
            fifo = av.AudioFifo()
            for frame in run:
                frame.pts = None  # lying or missing timestamps must not stop the resampler
                fifo.write(frame)
                if fifo.samples >= _GROUP_SAMPLES:
                    yield from _resample(resampler, fifo.read())
            yield from _drain(resampler, fifo)
    # PyAV frees some resampler buffers only when the garbage collector runs.
    gc.collect()


def _frame_kind(frame: av.AudioFrame) -> tuple[str, str, int]:
    return frame.format.name, frame.layout.name, frame.sample_rate


def _drain(resampler: av.AudioResampler, fifo: av.AudioFifo) -> Iterator[np.ndarray]:
    if fifo.samples:
        yield from _resample(resampler, fifo.read())
    yield from _resample(resampler, None)  # what the resampler holds back


class _NoAudioStream(Exception):
    """The container opened but carries no audio at all."""


def _frames(container: av.container.InputContainer) -> Iterator[av.AudioFrame]:
    """Every decodable frame of the first audio stream. A corrupt packet costs its few
    milliseconds, not the rest of the answer; where the container itself breaks off, the
    audio ends."""
    import av

    if not container.streams.audio:
        # Arbitrary bytes sometimes pass for a subtitle or data container.
        found = ", ".join(sorted({s.type for s in container.streams})) or "no streams"
        raise _NoAudioStream(f"no audio stream in it; {container.format.name} with {found}")
    stream = container.streams.audio[0]
    try:
        for packet in container.demux(stream):
            try:
                frames = packet.decode()
            except av.error.InvalidDataError:
                continue
            yield from frames
    except av.error.InvalidDataError:
        return


def _resample(resampler: av.AudioResampler, frame: av.AudioFrame | None) -> Iterator[np.ndarray]:
    for out in resampler.resample(frame):
        yield out.to_ndarray().reshape(-1)


def quietest_point(samples: np.ndarray, start: int, stop: int, window: int) -> int:
    """Where to cut samples[start:stop] so that no word is split: the middle of the pause
    around its lowest-energy `window` samples."""
    import numpy as np

    region = samples[start:stop].astype(np.float64)
    if region.size <= window:
        return start + region.size // 2
    energy = np.concatenate([[0.0], np.cumsum(region * region)])
    sums = energy[window:] - energy[:-window]
    best = int(np.argmin(sums))
    # The pause is every window within 6 dB of the quietest. Cutting in its middle rather than
    # at its quietest edge leaves the words on both sides some silence: Whisper mishears a
    # word that starts the instant its audio does.
    quiet = sums <= 4.0 * sums[best] + 1e-9 * window
    loud_before = np.flatnonzero(~quiet[:best])
    loud_after = np.flatnonzero(~quiet[best:])
    first = int(loud_before[-1]) + 1 if loud_before.size else 0
    last = best + int(loud_after[0]) - 1 if loud_after.size else sums.size - 1
    return start + (first + last + window) // 2


def split_at_quiet_points(
    chunks: Iterable[np.ndarray], *, piece_s: float, search_s: float, window_s: float = 0.1
) -> Iterator[tuple[int, np.ndarray]]:
    """(first sample, samples) pieces of about piece_s seconds, each cut at the quietest
    window_s in its last search_s seconds; audio up to piece_s long stays one piece."""
    import numpy as np

    piece = round(piece_s * SAMPLE_RATE_HZ)
    search = min(piece, round(search_s * SAMPLE_RATE_HZ))
    window = max(1, round(window_s * SAMPLE_RATE_HZ))
    held = np.zeros(0, dtype=np.float32)
    start = 0
    for chunk in chunks:
        held = np.concatenate([held, chunk])
        while held.size > piece:
            cut = quietest_point(held, piece - search, piece, window)
            yield start, held[:cut]
            held = held[cut:]
            start += cut
    if held.size:
        yield start, held


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
