"""Keeps Whisper's sampled retries independent of earlier decodes (an adapter used by
transcribe.py).

When a greedy decode of a window looks unsure (repetitive, or unlikely), faster-whisper
decodes it again by sampling at a rising temperature. CTranslate2 draws those samples from a
random generator that each of its worker threads seeds once, the first time it samples, and
never again: a global reseed reaches only threads not yet started. So a sampled retry went
on from wherever the previous one left the generator, and the same recording could be heard
differently after another file, or in another batch order. CTranslate2 offers no way to
reseed a running worker, but a model built afresh has fresh workers; building one costs
about 0.2 s for tiny.en and 0.3 s for base, paid only after a decode that sampled.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Iterator
from typing import Any


class FreshAfterSampling:
    """Stands in for faster-whisper's CTranslate2 model (`WhisperModel.model`), passing every
    call on, and noting whether a generate call sampled. Decode inside `decoding()`: it
    rebuilds the model with `build` first if the last decode sampled."""

    def __init__(self, model: Any, build: Callable[[], Any]) -> None:
        self._model = model
        self._build = build
        # One decode at a time: a rebuild must not pull the model from under another thread.
        self._lock = threading.Lock()
        self.sampled = False
        self.rebuilds = 0

    @contextlib.contextmanager
    def decoding(self) -> Iterator[None]:
        with self._lock:
            if self.sampled:
                self._model = self._build()
                self.sampled = False
                self.rebuilds += 1
            yield

    def generate(self, *args: Any, **kwargs: Any) -> Any:
        # faster-whisper asks for sampling with top-k 0 (the whole vocabulary); CTranslate2's
        # default of 1 is greedy, and a beam search draws nothing at random.
        if kwargs.get("sampling_topk", 1) != 1:
            self.sampled = True
        return self._model.generate(*args, **kwargs)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._model, name)
