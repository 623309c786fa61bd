"""How long the STAR segmenter takes on a 4-minute answer (600 words), on one core.
Last line: segment_ms=X (median of 20 runs; the goal is under 50 ms)."""

from __future__ import annotations

import statistics
import time
from pathlib import Path

from mockint.corpus import load_corpus
from mockint.star import segment
from mockint.star_features import clear_cue_cache
from mockint.star_model import default_model

CORPUS = Path(__file__).resolve().parent.parent / "tests" / "data" / "star"


def main() -> None:
    answers = sorted(load_corpus([CORPUS]), key=lambda a: -len(a.tokens))
    tokens: list[str] = []
    for answer in answers:
        tokens.extend(answer.tokens)
        if len(tokens) >= 600:
            break
    from mockint.model import Word

    words = tuple(Word(t, i * 0.4, i * 0.4 + 0.3) for i, t in enumerate(tokens[:600]))
    default_model()  # the one-off load is not part of the figure
    timings = []
    for _ in range(20):
        # Start every run cold: the sentence-cue cache would otherwise hold this answer.
        clear_cue_cache()
        start = time.perf_counter()
        segment(words)
        timings.append((time.perf_counter() - start) * 1000)
    print(f"words={len(words)} duration_s={words[-1].end_s:.0f}")
    print(f"segment_ms={statistics.median(timings):.1f}")


if __name__ == "__main__":
    main()
