"""Play samples on a speaker in the background, with pause, resume and a position."""

from __future__ import annotations

import threading
import time
from typing import TYPE_CHECKING, Any

from mockint.devices import default_sample_rate_hz, load_sounddevice, resample, resolve
from mockint.errors import MockintError

if TYPE_CHECKING:
    import numpy as np


class Player:
    """One sound, played through a PortAudio output stream whose callback only copies frames."""

    def __init__(
        self, samples: np.ndarray, sample_rate_hz: int, device: int | str | None = None
    ) -> None:
        import numpy as np

        self._source = np.asarray(samples, dtype=np.float32).reshape(-1)
        self._source_rate_hz = int(sample_rate_hz)
        self._device = device
        self._buffer = self._source
        self._rate_hz = self._source_rate_hz
        self._frame = 0
        self._paused = False
        self._stream: Any = None
        self._callback_stop: type[Exception] = Exception
        self._finished = threading.Event()
        self._finished.set()
        self.first_audio_at: float | None = None  # time.monotonic() of the first callback

    @property
    def duration_s(self) -> float:
        return self._source.size / self._source_rate_hz

    @property
    def position_s(self) -> float:
        """Seconds of the sound handed to the device so far (from the start of the sound)."""
        return self._frame / self._rate_hz

    @property
    def playing(self) -> bool:
        return not self._finished.is_set() and not self._paused

    def play(self, start_s: float = 0.0) -> None:
        """Start playing from start_s; returns at once (see wait())."""
        self.stop()
        self._stream = self._open_stream()
        self._frame = min(max(0, round(start_s * self._rate_hz)), self._buffer.size)
        self._paused = False
        self.first_audio_at = None
        self._finished.clear()
        self._stream.start()

    def pause(self) -> None:
        if self._stream is None or self._finished.is_set() or self._paused:
            return
        self._paused = True  # read by the finished callback: a pause is not the end
        self._stream.stop()

    def resume(self) -> None:
        if self._stream is None or self._finished.is_set() or not self._paused:
            return
        self._paused = False
        self._stream.start()

    def wait(self, timeout_s: float | None = None) -> bool:
        """Block until the sound has played out (or stop()); False if timeout_s passed first."""
        if not self._finished.wait(timeout_s):
            return False
        self._close()
        return True

    def stop(self) -> None:
        if self._stream is not None:
            self._paused = False
            self._stream.abort()
        self._finished.set()
        self._close()

    def __enter__(self) -> Player:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def _close(self) -> None:
        stream, self._stream = self._stream, None
        if stream is not None:
            stream.close()

    def _open_stream(self) -> Any:
        sd = load_sounddevice()
        device = resolve(self._device, "output")
        try:
            return self._stream_at(sd, device, self._source_rate_hz)
        except sd.PortAudioError:
            pass
        # The device refuses our rate (common on Windows' WASAPI): convert to its own.
        rate_hz = default_sample_rate_hz(device, "output")
        try:
            stream = self._stream_at(sd, device, rate_hz)
        except sd.PortAudioError as error:
            raise MockintError(f"output device {self._device!r}: cannot play ({error})") from None
        return stream

    def _stream_at(self, sd: Any, device: int, rate_hz: int) -> Any:
        stream = sd.OutputStream(
            samplerate=rate_hz,
            device=device,
            channels=1,
            dtype="float32",
            callback=self._callback,
            finished_callback=self._on_finished,
        )
        self._rate_hz = rate_hz
        self._callback_stop = sd.CallbackStop
        self._buffer = resample(self._source, self._source_rate_hz, rate_hz)
        return stream

    def _callback(self, outdata: np.ndarray, frames: int, _time: Any, _status: Any) -> None:
        # Runs on PortAudio's thread: copy frames, never wait for anything.
        if self.first_audio_at is None:
            self.first_audio_at = time.monotonic()
        start = self._frame
        chunk = self._buffer[start : start + frames]
        n = chunk.size
        outdata[:n, 0] = chunk
        outdata[n:] = 0.0
        self._frame = start + n
        if n < frames:
            raise self._callback_stop

    def _on_finished(self) -> None:
        if not self._paused:
            self._finished.set()


def play_and_wait(
    samples: np.ndarray, sample_rate_hz: int, device: int | str | None = None
) -> None:
    """Play a sound to its end."""
    with Player(samples, sample_rate_hz, device) as player:
        player.play()
        player.wait()


class StreamPlayer:
    """One output stream fed piece by piece, so speech can start before it is all synthesised.

    When the queue runs dry the stream winds down instead of playing silence, and the next
    piece starts it again: a slow producer makes a pause, never an underrun.
    """

    def __init__(self, sample_rate_hz: int, device: int | str | None = None) -> None:
        import collections

        self.sample_rate_hz = sample_rate_hz
        self._device = device
        self._pieces: collections.deque[np.ndarray] = collections.deque()
        self._current: np.ndarray | None = None
        self._offset = 0
        self._idle = threading.Event()
        self._idle.set()
        self._started = False
        self._stream: Any = None
        self._callback_stop: type[Exception] = Exception
        self._device_rate_hz = sample_rate_hz
        self.first_audio_at: float | None = None  # time.monotonic() when sound first played

    def open(self) -> None:
        """Open the device now, so the first piece does not wait for it."""
        sd = load_sounddevice()
        device = resolve(self._device, "output")
        self._callback_stop = sd.CallbackStop
        failure: Exception | None = None
        for rate_hz in (self.sample_rate_hz, default_sample_rate_hz(device, "output")):
            try:
                self._stream = sd.OutputStream(
                    samplerate=rate_hz,
                    device=device,
                    channels=1,
                    dtype="float32",
                    callback=self._callback,
                    finished_callback=self._idle.set,
                )
            except sd.PortAudioError as error:
                failure = error
                continue
            self._device_rate_hz = rate_hz
            return
        raise MockintError(f"output device {self._device!r}: cannot play ({failure})")

    def feed(self, samples: np.ndarray) -> None:
        """Queue samples (float32, at sample_rate_hz) to play after those already queued."""
        import numpy as np

        if self._stream is None:
            self.open()
        piece = resample(np.asarray(samples, np.float32), self.sample_rate_hz, self._device_rate_hz)
        self._pieces.append(piece)
        self._ensure_running()

    def finish(self, timeout_s: float | None = None) -> None:
        """Wait until everything queued has played, then close the device."""
        deadline = None if timeout_s is None else time.monotonic() + timeout_s
        while self._stream is not None:
            remaining = None if deadline is None else max(0.0, deadline - time.monotonic())
            if not self._idle.wait(remaining) or not self._pieces:
                break
            self._ensure_running()  # a piece came while the stream was winding down
        self.close()

    def close(self) -> None:
        stream, self._stream = self._stream, None
        if stream is not None:
            stream.abort()
            stream.close()

    def __enter__(self) -> StreamPlayer:
        self.open()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def _ensure_running(self) -> None:
        if self._stream.active:
            return
        if self._started:
            self._stream.stop()  # PortAudio restarts a stream only once it is stopped
        self._idle.clear()
        self._stream.start()
        self._started = True

    def _callback(self, outdata: np.ndarray, frames: int, _time: Any, _status: Any) -> None:
        # PortAudio's thread: deque pops are atomic, nothing here waits.
        filled = 0
        while filled < frames:
            if self._current is None or self._offset >= self._current.size:
                if not self._pieces:
                    break
                self._current, self._offset = self._pieces.popleft(), 0
            chunk = self._current[self._offset : self._offset + frames - filled]
            outdata[filled : filled + chunk.size, 0] = chunk
            filled += chunk.size
            self._offset += chunk.size
        outdata[filled:] = 0.0
        if filled and self.first_audio_at is None:
            self.first_audio_at = time.monotonic()
        if filled < frames:
            raise self._callback_stop
