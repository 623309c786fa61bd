"""Where the speech is in a recording, as faster-whisper's speech filter finds it, worked out
while the recording grows.

A whole-file pass with the filter on cuts out every pause of 2 s or more, joins the speech
that is left and hears that in 30 s windows. Transcribing while recording gives the same
words only if it hears the same joined speech, so the filter's rules are reproduced here,
on the same Silero probabilities, and this module also says how much of the joined speech
later audio can no longer change.

Pure: probabilities in (one per 512-sample window), spans out.
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from mockint.model import SAMPLE_RATE_HZ

if TYPE_CHECKING:
    import numpy as np

VAD_WINDOW_SAMPLES = 512


@dataclass(frozen=True, slots=True)
class SpeechFilter:
    """faster-whisper's VadOptions defaults, which its whole-file pass uses."""

    threshold: float = 0.5
    # Below this a window ends speech; between the two it continues whatever it follows.
    neg_threshold: float = 0.35
    min_silence_s: float = 2.0
    pad_s: float = 0.4


@dataclass(frozen=True, slots=True)
class SpeechSpans:
    """Spans of speech in recording samples [start, end), padded as the filter pads them.

    settled: samples of the joined speech (the spans laid end to end) that no later audio
    can change. While the recording goes on, the last span is cut off there; once it is
    over (final), every span is whole and settled is their total length.
    """

    spans: tuple[tuple[int, int], ...]
    settled: int
    # Every span is over (the speaker has been quiet for the filter's whole pause): until
    # someone speaks again, the joined speech is complete.
    all_over: bool = True


class SpeechTracker:
    """faster-whisper's speech-filter rules, fed the probabilities as they come, so a long
    recording is not gone over again for every block."""

    def __init__(self, rules: SpeechFilter | None = None) -> None:
        self._rules = rules or SpeechFilter()
        self._closed: list[tuple[int, int]] = []  # raw (unpadded) spans of finished speech
        self._n_windows = 0
        self._triggered = False
        self._start = 0
        self._silence_from = 0

    def add(self, probabilities: Sequence[float]) -> None:
        rules = self._rules
        min_silence = rules.min_silence_s * SAMPLE_RATE_HZ
        for p in probabilities:
            at = VAD_WINDOW_SAMPLES * self._n_windows
            self._n_windows += 1
            if p >= rules.threshold:
                self._silence_from = 0
                if not self._triggered:
                    self._triggered, self._start = True, at
                continue
            if self._triggered and p < rules.neg_threshold:
                self._silence_from = self._silence_from or at
                if at - self._silence_from >= min_silence:
                    self._closed.append((self._start, self._silence_from))
                    self._triggered, self._silence_from = False, 0

    def spans(self, n_samples: int, *, final: bool) -> SpeechSpans:
        """The spans so far of a recording of n_samples. With final=True (every window
        judged, the last partial one padded with zeros) this is get_speech_timestamps (no
        length limits) on the whole recording. Mid-recording, a span still open may yet end
        where the pause it is in began (plus padding) or run on; either way it holds the
        audio up to that point, and is cut off there."""
        pad = int(self._rules.pad_s * SAMPLE_RATE_HZ)
        raw = list(self._closed)
        if self._triggered:
            judged = min(n_samples, VAD_WINDOW_SAMPLES * self._n_windows)
            if final:
                end = n_samples
            elif self._silence_from:
                end = min(judged, self._silence_from + pad)
            else:
                end = judged
            raw.append((self._start, end))
        # Spans are at least min_silence apart, more than two pads: each is padded in full.
        spans = []
        for k, (a, b) in enumerate(raw):
            is_open = k == len(raw) - 1 and self._triggered and not final
            spans.append((max(0, a - pad), b if is_open else min(n_samples, b + pad)))
        return SpeechSpans(
            tuple(spans), sum(b - a for a, b in spans), all_over=final or not self._triggered
        )


def find_speech(
    probabilities: Sequence[float],
    n_samples: int,
    *,
    final: bool,
    rules: SpeechFilter | None = None,
) -> SpeechSpans:
    """The speech spans of a recording of n_samples whose windows have these probabilities
    (see SpeechTracker.spans)."""
    tracker = SpeechTracker(rules)
    tracker.add(probabilities)
    return tracker.spans(n_samples, final=final)


def join_speech(
    audio: np.ndarray, spans: Sequence[tuple[int, int]], start: int, end: int | None = None
) -> np.ndarray:
    """Samples [start, end) of the joined speech; end None: to the end of the last span."""
    import numpy as np

    pieces, at = [], 0
    for a, b in spans:
        span_end = at + b - a
        lo = max(start, at)
        hi = span_end if end is None else min(end, span_end)
        if lo < hi:
            pieces.append(audio[a + lo - at : a + hi - at])
        at = span_end
    return np.concatenate(pieces) if pieces else np.zeros(0, dtype=np.float32)


def recording_time(
    start_s: float, end_s: float, spans: Sequence[tuple[int, int]]
) -> tuple[float, float]:
    """A word's (start, end) in the joined speech, as times in the recording.

    Both ends are moved by the silence cut out before the span holding the word's middle,
    as faster-whisper does, so a word never straddles a cut pause.
    """
    span_ends, silence_before = [], []
    joined = cut = previous_end = 0
    for a, b in spans:
        cut += a - previous_end
        previous_end = b
        joined += b - a
        span_ends.append(joined)
        silence_before.append(cut / SAMPLE_RATE_HZ)
    if not spans:
        return start_s, end_s
    middle = int((start_s + end_s) / 2 * SAMPLE_RATE_HZ)
    k = min(bisect.bisect(span_ends, middle), len(spans) - 1)
    return round(silence_before[k] + start_s, 2), round(silence_before[k] + end_s, 2)
