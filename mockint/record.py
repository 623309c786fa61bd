"""Record from a microphone into a WAV that stays valid on disk while it grows."""

from __future__ import annotations

import contextlib
import os
import queue
import struct
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO, Literal

from mockint.devices import default_sample_rate_hz, load_sounddevice, resample, resolve
from mockint.errors import MockintError
from mockint.levels import SilenceStop
from mockint.model import SAMPLE_RATE_HZ

if TYPE_CHECKING:
    import numpy as np

HEADER_BYTES = 44
_BYTES_PER_SAMPLE = 2


class Recorder:
    """Microphone blocks of float32 mono samples in [-1, 1], yielded in the calling thread.

    The PortAudio callback only copies each block into a bounded queue; when the reader
    falls more than max_queued_s behind, new blocks are dropped and counted rather than
    letting the callback wait or memory grow without end.
    """

    def __init__(
        self,
        device: int | str | None = None,
        sample_rate_hz: int = SAMPLE_RATE_HZ,
        block_s: float = 0.1,
        *,
        max_queued_s: float = 60.0,
    ) -> None:
        self.device = device
        self.sample_rate_hz = sample_rate_hz
        self.block_s = block_s
        self.error: str | None = None  # why the device stopped early, if it did
        self.dropped_blocks = 0
        self._queue: queue.Queue[np.ndarray] = queue.Queue(
            maxsize=max(1, round(max_queued_s / block_s))
        )
        self._stop = threading.Event()
        self._stream: Any = None
        self._device_rate_hz = sample_rate_hz

    def __enter__(self) -> Recorder:
        self.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def start(self) -> None:
        sd = load_sounddevice()
        device = resolve(self.device, "input")
        try:
            self._stream = self._open(sd, device, self.sample_rate_hz)
        except sd.PortAudioError:
            # The device refuses our rate: record at its own and convert each block.
            try:
                self._stream = self._open(sd, device, default_sample_rate_hz(device, "input"))
            except sd.PortAudioError as error:
                raise MockintError(
                    f"input device {self.device!r}: cannot record ({error}); "
                    "run `mockint devices` to pick another"
                ) from None
        try:
            self._stream.start()
        except sd.PortAudioError as error:
            self.close()
            raise MockintError(
                f"input device {self.device!r}: cannot start recording ({error}); "
                "run `mockint devices` to pick another"
            ) from None

    def _open(self, sd: Any, device: int, rate_hz: int) -> Any:
        stream = sd.InputStream(
            samplerate=rate_hz,
            device=device,
            channels=1,
            # 16-bit is what microphones deliver, so the host stacks pass samples through
            # without a conversion stage of their own; we scale to float in our thread.
            dtype="int16",
            blocksize=round(rate_hz * self.block_s),
            callback=self._callback,
        )
        self._device_rate_hz = rate_hz
        return stream

    def _callback(self, indata: np.ndarray, _frames: int, _time: Any, _status: Any) -> None:
        # PortAudio's thread: copy and hand over, nothing that can wait.
        try:
            self._queue.put_nowait(indata[:, 0].copy())
        except queue.Full:
            self.dropped_blocks += 1

    def stop(self) -> None:
        """End the iteration once the audio captured so far is handed over; any thread."""
        self._stop.set()

    def close(self) -> None:
        stream, self._stream = self._stream, None
        if stream is not None:
            try:
                stream.abort()
            finally:
                stream.close()

    def __iter__(self) -> Iterator[np.ndarray]:
        import numpy as np

        if self._stream is None:
            raise RuntimeError("Recorder.start() (or `with Recorder(...)`) comes first")

        def convert(block: np.ndarray) -> np.ndarray:
            samples = block.astype(np.float32) / 32768.0
            return resample(samples, self._device_rate_hz, self.sample_rate_hz)

        while not self._stop.is_set():
            try:
                block = self._queue.get(timeout=0.25)
            except queue.Empty:
                if not self._stream.active and not self._stop.is_set():
                    # The device went away or failed: end here, keeping what came before.
                    self.error = "the microphone stopped sending audio"
                    return
                continue
            yield convert(block)
        # Stopped (Enter, silence, time limit): the blocks already captured hold the last
        # words, so hand them over rather than drop them.
        while True:
            try:
                yield convert(self._queue.get_nowait())
            except queue.Empty:
                return


class IncrementalWavWriter:
    """A 16-bit mono WAV whose header is rewritten on every flush.

    Audio first, then the sizes, then fsync: a crash at any moment leaves a file whose
    header claims no more than is on disk, and repair_wav() recovers the rest.
    """

    def __init__(
        self, path: str | Path, sample_rate_hz: int = SAMPLE_RATE_HZ, flush_every_s: float = 0.5
    ) -> None:
        self.path = Path(path)
        self.sample_rate_hz = sample_rate_hz
        self.n_samples = 0
        self._flush_every_samples = max(1, round(flush_every_s * sample_rate_hz))
        self._pending: list[bytes] = []
        self._pending_samples = 0
        # Set when the disk refuses more audio (full, or a size limit): the file keeps every
        # sample written before, with a header that matches, and later audio is not written.
        self.disk_error: str | None = None
        try:
            self._file: BinaryIO | None = open(self.path, "wb")  # noqa: SIM115 - closed in close()
        except OSError as error:
            raise MockintError(f"{self.path}: cannot write the recording ({error})") from None
        self._file.write(wav_header(0, sample_rate_hz))
        self._sync()

    @property
    def duration_s(self) -> float:
        return (self.n_samples + self._pending_samples) / self.sample_rate_hz

    def write(self, samples: np.ndarray) -> None:
        import numpy as np

        pcm = (np.clip(samples, -1.0, 1.0) * 32767.0).astype("<i2")
        self._pending.append(pcm.tobytes())
        self._pending_samples += pcm.size
        if self._pending_samples >= self._flush_every_samples:
            self.flush()

    def flush(self) -> None:
        if self._file is None or self.disk_error is not None:
            return
        try:
            if self._pending:
                self._file.seek(0, os.SEEK_END)
                self._file.write(b"".join(self._pending))
                self._file.flush()
                self.n_samples += self._pending_samples
                self._pending, self._pending_samples = [], 0
                self._file.seek(0)
                self._file.write(
                    wav_header(self.n_samples * _BYTES_PER_SAMPLE, self.sample_rate_hz)
                )
            self._sync()
        except OSError as error:
            self._stop_writing(error)

    def _stop_writing(self, error: OSError) -> None:
        """Keep the file as it was after the last good flush and refuse further audio."""
        assert self._file is not None
        self.disk_error = f"{self.path}: cannot write more audio ({error.strerror or error})"
        self._pending, self._pending_samples = [], 0
        good_bytes = len(wav_header(0, self.sample_rate_hz)) + self.n_samples * _BYTES_PER_SAMPLE
        with contextlib.suppress(OSError):
            self._file.truncate(good_bytes)  # drop a half-written block beyond the header's size
            self._file.seek(0)
            self._file.write(wav_header(self.n_samples * _BYTES_PER_SAMPLE, self.sample_rate_hz))
            self._file.flush()

    def _sync(self) -> None:
        assert self._file is not None
        self._file.flush()
        os.fsync(self._file.fileno())

    def close(self) -> None:
        if self._file is None:
            return
        self.flush()
        with contextlib.suppress(OSError):  # a full disk may refuse even the final flush
            self._file.close()
        self._file = None

    def __enter__(self) -> IncrementalWavWriter:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


def wav_header(data_bytes: int, sample_rate_hz: int) -> bytes:
    """The 44-byte header of a PCM16 mono WAV holding data_bytes of samples."""
    return struct.pack(
        "<4sI4s4sIHHIIHH4sI",
        b"RIFF",
        36 + data_bytes,
        b"WAVE",
        b"fmt ",
        16,
        1,  # PCM
        1,  # mono
        sample_rate_hz,
        sample_rate_hz * _BYTES_PER_SAMPLE,
        _BYTES_PER_SAMPLE,
        8 * _BYTES_PER_SAMPLE,
        b"data",
        data_bytes,
    )


def repair_wav(path: str | Path) -> bool:
    """Make the RIFF and data sizes match what is on disk; True if the header was changed.

    For a WAV left behind by a recording that was killed between two flushes.
    """
    path = Path(path)
    try:
        with open(path, "r+b") as file:
            head = file.read(12)
            if len(head) < 12 or head[:4] != b"RIFF" or head[8:12] != b"WAVE":
                raise MockintError(f"{path}: not a WAV file, cannot repair it")
            size = os.fstat(file.fileno()).st_size
            data_size_at, data_start = _find_data_chunk(file, path, size)
            frame_bytes = _frame_bytes(file, path)
            data_bytes = (size - data_start) // frame_bytes * frame_bytes
            file.seek(data_size_at)
            (claimed,) = struct.unpack("<I", file.read(4))
            file.seek(4)
            (riff_claimed,) = struct.unpack("<I", file.read(4))
            riff = data_start - 8 + data_bytes
            if claimed == data_bytes and riff_claimed == riff:
                return False
            file.seek(4)
            file.write(struct.pack("<I", riff))
            file.seek(data_size_at)
            file.write(struct.pack("<I", data_bytes))
            file.truncate(data_start + data_bytes)
            file.flush()
            os.fsync(file.fileno())
            return True
    except OSError as error:
        raise MockintError(f"{path}: cannot repair the recording ({error})") from None


def _find_data_chunk(file: BinaryIO, path: Path, size: int) -> tuple[int, int]:
    """Offsets of the data chunk's size field and of its first sample."""
    offset = 12
    while offset + 8 <= size:
        file.seek(offset)
        chunk_id, chunk_size = struct.unpack("<4sI", file.read(8))
        if chunk_id == b"data":
            return offset + 4, offset + 8
        offset += 8 + chunk_size + (chunk_size & 1)
    raise MockintError(f"{path}: WAV file has no audio data chunk, cannot repair it")


def _frame_bytes(file: BinaryIO, path: Path) -> int:
    file.seek(12)
    chunk_id, _size, _format, channels, _rate, _byte_rate, block_align = struct.unpack(
        "<4sIHHIIH", file.read(22)
    )
    if chunk_id != b"fmt " or block_align < 1 or channels < 1:
        raise MockintError(f"{path}: WAV file has no usable format chunk, cannot repair it")
    return int(block_align)


StopReason = Literal["silence", "max_duration", "no_speech", "stopped", "device_error", "disk_full"]


@dataclass(frozen=True, slots=True)
class Recording:
    path: Path
    duration_s: float
    stop_reason: StopReason
    device_error: str | None = None


def record_answer(
    recorder: Recorder,
    path: str | Path,
    *,
    silence_stop: SilenceStop | None = None,
    max_duration_s: float = 300.0,
    on_block: Callable[[np.ndarray], None] | None = None,
) -> Recording:
    """Record until silence after speech, max_duration_s, recorder.stop() or a device failure.

    The WAV at `path` is valid on disk throughout; whatever was captured is kept.
    """
    stop = silence_stop or SilenceStop()
    reason: StopReason = "stopped"
    with IncrementalWavWriter(path, recorder.sample_rate_hz) as writer:
        for block in recorder:
            writer.write(block)
            if writer.disk_error is not None:
                reason = "disk_full"
                break
            if on_block is not None:
                on_block(block)
            verdict = stop.update(block, recorder.sample_rate_hz)
            if verdict is not None:
                reason = verdict
                break
            if writer.duration_s >= max_duration_s:
                reason = "max_duration"
                break
        else:
            if recorder.error is not None:
                reason = "device_error"
        duration_s = writer.duration_s
    return Recording(Path(path), duration_s, reason, recorder.error)
