"""Pure: how well a segmentation matches the gold phases — word accuracy, per-phase F1 and
boundary error in seconds — plus the position-only baseline to compare against."""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import dataclass

from mockint.model import PHASE_TARGETS, PHASES, Phase, Word
from mockint.star import spans_from_labels

# The corpus tags that make an answer a hard case: a phase skipped, the result told first,
# a rambling situation. Other tags ("lesson_end") describe style, not difficulty.
HARD_CASE_TAGS = frozenset(
    {"no_task", "no_result", "no_situation", "situation_only", "result_first", "rambling_situation"}
)


def is_hard_case(tags: Sequence[str]) -> bool:
    return not HARD_CASE_TAGS.isdisjoint(tags)


@dataclass(frozen=True, slots=True)
class AnswerScore:
    n_words: int
    n_correct: int
    boundary_errors_s: tuple[float, ...]
    # per phase: (true positives, predicted count, gold count), summed later for F1
    counts: dict[Phase, tuple[int, int, int]]


@dataclass(frozen=True, slots=True)
class Report:
    n_answers: int
    accuracy: float
    f1: dict[Phase, float]
    median_boundary_s: float
    p90_boundary_s: float


def score_answer(
    words: Sequence[Word], gold: Sequence[Phase], predicted: Sequence[Phase]
) -> AnswerScore:
    n_correct = sum(g == p for g, p in zip(gold, predicted, strict=True))
    counts = {
        phase: (
            sum(g == p == phase for g, p in zip(gold, predicted, strict=True)),
            sum(p == phase for p in predicted),
            sum(g == phase for g in gold),
        )
        for phase in PHASES
    }
    return AnswerScore(len(gold), n_correct, boundary_errors(words, gold, predicted), counts)


def boundary_errors(
    words: Sequence[Word], gold: Sequence[Phase], predicted: Sequence[Phase]
) -> tuple[float, ...]:
    """For each place the gold answer enters a phase, how far off the nearest predicted
    entry into that phase is. When the prediction never enters the phase, the error is the
    length of the gold stretch it lost."""
    gold_spans = spans_from_labels(words, gold)
    predicted_spans = spans_from_labels(words, predicted)
    errors = []
    for span in gold_spans[1:]:  # the start of the answer is not a boundary
        entries = [p.start_s for p in predicted_spans if p.phase == span.phase]
        if entries:
            errors.append(min(abs(t - span.start_s) for t in entries))
        else:
            errors.append(span.duration_s)
    return tuple(round(e, 3) for e in errors)


def summarize(scores: Sequence[AnswerScore]) -> Report:
    n_words = sum(s.n_words for s in scores)
    f1 = {}
    for phase in PHASES:
        tp = sum(s.counts[phase][0] for s in scores)
        n_pred = sum(s.counts[phase][1] for s in scores)
        n_gold = sum(s.counts[phase][2] for s in scores)
        f1[phase] = 2 * tp / (n_pred + n_gold) if n_pred + n_gold else 1.0
    errors = sorted(e for s in scores for e in s.boundary_errors_s)
    return Report(
        n_answers=len(scores),
        accuracy=sum(s.n_correct for s in scores) / n_words if n_words else 0.0,
        f1=f1,
        median_boundary_s=statistics.median(errors) if errors else 0.0,
        p90_boundary_s=_percentile(errors, 0.9),
    )


def _percentile(sorted_values: Sequence[float], q: float) -> float:
    if not sorted_values:
        return 0.0
    index = min(len(sorted_values) - 1, max(0, round(q * (len(sorted_values) - 1))))
    return sorted_values[index]


def position_baseline(words: Sequence[Word]) -> tuple[Phase, ...]:
    """Cut the answer in the proportions of the phase targets' midpoints, by time."""
    if not words:
        return ()
    midpoints = {p: (t.min_s + t.max_s) / 2 for p, t in PHASE_TARGETS.items()}
    total = sum(midpoints.values())
    start, end = words[0].start_s, words[-1].end_s
    cuts: list[tuple[float, Phase]] = []
    acc = 0.0
    for phase in PHASES:
        acc += midpoints[phase] / total
        cuts.append((start + acc * (end - start), phase))
    labels: list[Phase] = []
    for word in words:
        middle = (word.start_s + word.end_s) / 2
        labels.append(next((p for cut, p in cuts if middle <= cut), "result"))
    return tuple(labels)


def _normal(token: str) -> str:
    return "".join(ch for ch in token.lower() if ch.isalnum())


def transfer_labels(
    gold_tokens: Sequence[str], gold: Sequence[Phase], heard: Sequence[str]
) -> tuple[Phase, ...]:
    """Gold phases for recognised words: align the words heard to the words written and
    take each matched word's phase; a word with no match takes the phase of the nearest
    matched word before it (or after it, at the very start)."""
    import difflib

    matcher = difflib.SequenceMatcher(
        a=[_normal(t) for t in gold_tokens], b=[_normal(t) for t in heard], autojunk=False
    )
    labels: list[Phase | None] = [None] * len(heard)
    for block in matcher.get_matching_blocks():
        for k in range(block.size):
            labels[block.b + k] = gold[block.a + k]
    # Substituted words inherit from the aligned stretch around them.
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "replace":
            for k in range(j2 - j1):
                labels[j1 + k] = gold[min(i2 - 1, i1 + k * (i2 - i1) // max(1, j2 - j1))]
    filled: list[Phase] = []
    last: Phase | None = next((label for label in labels if label is not None), None)
    for label in labels:
        last = label or last
        filled.append(last or gold[0])
    return tuple(filled)
