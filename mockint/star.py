"""Pure STAR segmentation: timed words in, one phase per word and the phase spans out.

Words are grouped into sentence units (star_features), each unit is scored for the four
phases by a linear model and boosted trees over interview cues (star_model, star_trees),
each gap between units is scored for how likely the phase changes there, and an
order-aware Viterbi decode picks the best phase sequence. The decoder prefers
Situation → Task → Action → Result, allows any phase to be skipped, and allows a Result
stated up front (a separate "opening result" state that hands over to the story).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from mockint.model import Phase, PhaseSpan, Segmentation, Word
from mockint.star_features import Unit, split_units, unit_feature_rows, unit_tokens
from mockint.star_model import StarModel, default_model

# Decoder states: the four phases plus a Result told before the story starts.
STATES: tuple[str, ...] = ("opening_result", "situation", "task", "action", "result")
STATE_PHASE: dict[str, Phase] = {
    "opening_result": "result",
    "situation": "situation",
    "task": "task",
    "action": "action",
    "result": "result",
}


def segment(words: Sequence[Word], model: StarModel | None = None) -> Segmentation:
    """Label every word with its STAR phase; phases that never occur are simply absent."""
    if not words:
        return Segmentation((), ())
    model = model or default_model()
    units = split_units(words)
    unit_states = decode(units, model)
    labels: list[Phase] = []
    for unit, state in zip(units, unit_states, strict=True):
        labels.extend([STATE_PHASE[state]] * (unit.end - unit.first))
    return Segmentation(tuple(labels), spans_from_labels(words, labels))


def decode(units: Sequence[Unit], model: StarModel) -> list[str]:
    """Viterbi over units with the model's phase scores and order-aware transitions."""
    n_units = len(units)
    rows = unit_feature_rows(units)
    emissions = model.unit_log_scores(rows, [unit_tokens(u) for u in units])
    weights = [math.log1p(unit.end - unit.first) for unit in units]
    gaps = model.change_log_probs(rows)

    def emit(t: int, state: str) -> float:
        return weights[t] * emissions[t][STATE_PHASE[state]]

    def move(t: int, prev: str, state: str) -> float:
        change, stay = gaps[t - 1]
        return model.log_transition(prev, state) + model.change_weight * (
            stay if prev == state else change
        )

    best = {s: model.log_start(s) + emit(0, s) for s in STATES}
    back: list[dict[str, str]] = []
    for t in range(1, n_units):
        step: dict[str, float] = {}
        pointers: dict[str, str] = {}
        for state in STATES:
            prev, score = max(
                ((p, best[p] + move(t, p, state)) for p in STATES),
                key=lambda item: item[1],
            )
            step[state] = score + emit(t, state)
            pointers[state] = prev
        best = step
        back.append(pointers)
    state = max(STATES, key=lambda s: best[s])
    path = [state]
    for pointers in reversed(back):
        state = pointers[state]
        path.append(state)
    path.reverse()
    return path


def spans_from_labels(words: Sequence[Word], labels: Sequence[Phase]) -> tuple[PhaseSpan, ...]:
    """Contiguous runs of one phase. A span lasts until the next span starts, so the pause
    before a new phase counts toward the phase the speaker was finishing."""
    spans: list[PhaseSpan] = []
    first = 0
    for i in range(1, len(labels) + 1):
        if i == len(labels) or labels[i] != labels[first]:
            end_s = words[i].start_s if i < len(labels) else words[-1].end_s
            spans.append(PhaseSpan(labels[first], first, i, words[first].start_s, end_s))
            first = i
    return tuple(spans)
