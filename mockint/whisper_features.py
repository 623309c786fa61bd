"""Whisper's log-mel spectrogram, computed so that a window cut from a longer recording gets
exactly the numbers the whole recording gives it (an adapter used by transcribe.py).

faster-whisper's own features differ in two ways when the same speech is given with less
or more audio around it, and tiny.en is sensitive enough that either changes a word in
fifty: the spectrogram is computed in float32, whose rounding depends on how many frames
are computed together, and its floor (quieter bins are raised to 80 dB below the loudest)
follows the loudest frame of whatever audio was given, which a recording still growing
cannot know. Here both are steady: float64 throughout (cast to float32 at the end), and a
floor that follows the loudest frame so far, carried in from the audio before.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np

# Whisper's floor: 8 orders of magnitude (80 dB) below the loudest.
FLOOR_BELOW_PEAK = 8.0
NO_PEAK = float("-inf")


class SteadyFeatures:
    """Drop-in for faster-whisper's FeatureExtractor (the attributes it reads are copied).

    Calls made `carrying(peak_before, skip_frames)` are told what the loudest frame of the
    speech before this audio was, and how many leading frames to leave out of the running
    peak (the lead-in before a window, whose first frames see the edge of the audio rather
    than the speech before it). After a call, `peak_before_frame(k)` gives the running peak
    just before frame k, to carry into the next window. Per thread, so one model can serve
    several threads.
    """

    def __init__(self, base: Any) -> None:
        import numpy as np

        self.n_fft: int = base.n_fft
        self.hop_length: int = base.hop_length
        self.chunk_length: int = base.chunk_length
        self.n_samples: int = base.n_samples
        self.nb_max_frames: int = base.nb_max_frames
        self.time_per_frame = base.time_per_frame
        self.sampling_rate = base.sampling_rate
        self.stft = base.stft
        self.mel_filters = base.mel_filters
        self._mel64 = np.asarray(base.mel_filters, dtype=np.float64)
        self._window = np.hanning(self.n_fft + 1)[:-1]
        self._state = threading.local()

    @contextlib.contextmanager
    def carrying(self, peak_before: float, skip_frames: int) -> Iterator[None]:
        self._state.peak_before, self._state.skip_frames = peak_before, skip_frames
        try:
            yield
        finally:
            self._state.peak_before, self._state.skip_frames = NO_PEAK, 0

    def peak_before_frame(self, frame: int) -> float:
        running = self._state.running
        if frame <= 0 or not len(running):
            return float(self._state.last_peak_before)
        return float(running[min(frame, len(running)) - 1])

    def __call__(
        self, waveform: np.ndarray, padding: int = 160, chunk_length: int | None = None
    ) -> np.ndarray:
        import numpy as np

        if chunk_length is not None:
            self.n_samples = chunk_length * self.sampling_rate
            self.nb_max_frames = self.n_samples // self.hop_length
        audio = np.asarray(waveform, dtype=np.float64)
        if padding:
            audio = np.pad(audio, (0, padding))
        spectrum = self.stft(
            audio, self.n_fft, self.hop_length, window=self._window, return_complex=True
        )
        power = self._mel64 @ (np.abs(spectrum[..., :-1]) ** 2)
        log_spec = np.log10(np.clip(power, 1e-10, None))
        peak_before = getattr(self._state, "peak_before", NO_PEAK)
        skip = getattr(self._state, "skip_frames", 0)
        frame_peaks = log_spec.max(axis=0)
        frame_peaks[:skip] = NO_PEAK
        running = np.maximum.accumulate(np.maximum(frame_peaks, peak_before))
        # Frames before any peak (a lead-in, never decoded) take the first floor there is.
        known = np.isfinite(running)
        floor = np.where(known, running, running[known][0] if known.any() else 0.0)
        log_spec = np.maximum(log_spec, floor[None, :] - FLOOR_BELOW_PEAK)
        self._state.running = running
        self._state.last_peak_before = peak_before
        return ((log_spec + 4.0) / 4.0).astype(np.float32)
