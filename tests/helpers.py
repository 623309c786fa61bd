"""Builders for hand-made transcripts, so core tests need no audio."""

from __future__ import annotations

import importlib.util
from collections.abc import Sequence
from types import ModuleType

from mockint.model import Phase, Transcript, Word
from tests.conftest import REPO


def timed_words(
    text: str,
    *,
    start_s: float = 0.0,
    words_per_s: float = 2.5,
    gap_after: dict[int, float] | None = None,
) -> tuple[Word, ...]:
    """Words at a steady speaking rate (150 words a minute by default), with optional pauses
    after given word indexes."""
    words = []
    t = start_s
    step = 1.0 / words_per_s
    for i, token in enumerate(text.split()):
        words.append(Word(token, round(t, 3), round(t + step * 0.8, 3)))
        t += step + (gap_after or {}).get(i, 0.0)
    return tuple(words)


def phased_words(
    segments: Sequence[tuple[Phase, str]], words_per_s: float = 2.5
) -> tuple[tuple[Word, ...], tuple[Phase, ...]]:
    """Timed words for an answer given as (phase, text) pieces, with the gold labels."""
    words: list[Word] = []
    gold: list[Phase] = []
    for phase, text in segments:
        start_s = words[-1].end_s + 0.4 / words_per_s if words else 0.0
        piece = timed_words(text, start_s=start_s, words_per_s=words_per_s)
        words.extend(piece)
        gold.extend([phase] * len(piece))
    return tuple(words), tuple(gold)


def analysis_with_labels(words: Sequence[Word], labels: Sequence[Phase], path: str = "a.wav"):
    """An Analysis whose phases are given, not segmented: for tests of what follows."""
    from mockint.model import Analysis, Segmentation
    from mockint.star import spans_from_labels
    from mockint.timing import answer_duration, time_phases

    segmentation = Segmentation(tuple(labels), spans_from_labels(words, labels))
    duration_s, verdict = answer_duration(words)
    return Analysis(
        path, transcript(words), segmentation, time_phases(segmentation), duration_s, verdict
    )


def transcript(words: Sequence[Word], model: str = "test") -> Transcript:
    return Transcript(tuple(words), (words[-1].end_s + 0.5) if words else 0.0, model)


def load_tool(name: str) -> ModuleType:
    """A script of tools/ as a module: tools/ is not a package, its scripts are run by path."""
    path = REPO / "tools" / f"{name}.py"
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
