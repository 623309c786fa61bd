"""Pure STAR segmentation: timed words in, one phase per word and the phase spans out.

Words are grouped into sentence units (star_features), each unit is scored for the four
phases by a linear model and boosted trees over interview cues (star_model, star_trees),
each gap between units is scored for how likely the phase changes there, and an
order-aware Viterbi decode picks the best phase sequence. The decoder prefers
Situation → Task → Action → Result, allows any phase to be skipped, and allows a Result
stated up front (a separate "opening result" state that hands over to the story). Last,
each change of phase may move to a comma inside one of the two units beside it.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from mockint.model import Phase, PhaseSpan, Segmentation, Word
from mockint.star_features import Unit, split_units, unit_feature_rows, unit_of, unit_tokens
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
    phases = [STATE_PHASE[state] for state in decode(units, model)]
    labels: list[Phase] = []
    for unit, phase in zip(units, phases, strict=True):
        labels.extend([phase] * (unit.end - unit.first))
    for i in range(len(units) - 1):
        if phases[i] != phases[i + 1]:
            moved = _clause_to_move(words, units, i, phases[i], phases[i + 1], model)
            if moved:
                first, end, phase = moved
                labels[first:end] = [phase] * (end - first)
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


# A recogniser that misses a full stop joins the end of one phase to the start of the next
# in one unit ("…you own startup performance, so the first thing I did was…"). Where the
# decode changes phase, a clause after a comma in either unit beside the change moves to the
# other phase when, scored as a unit of its own, it looks at least e^3 (about 20) times
# likelier there, and the rest of its unit still looks like its own phase.
CLAUSE_MOVE_MARGIN = 3.0
CLAUSE_MIN_WORDS = 4


def _clause_to_move(
    words: Sequence[Word],
    units: Sequence[Unit],
    i: int,
    before: Phase,
    after: Phase,
    model: StarModel,
) -> tuple[int, int, Phase] | None:
    """(first word, end word, new phase) of the clause to move across the change of phase
    between units[i] and units[i + 1], or None to leave the change where it is."""
    best: tuple[float, int, int, Phase] | None = None
    for side in (i, i + 1):
        unit = units[side]
        for cut in range(unit.first + CLAUSE_MIN_WORDS, unit.end - CLAUSE_MIN_WORDS + 1):
            if not words[cut - 1].text.endswith(","):
                continue
            head, tail = _split_scores(words, units, side, cut, model)
            if side == i:  # the tail of the earlier unit may open the next phase
                gain, keeps = tail[after] - tail[before], head[before] >= head[after]
                clause = (cut, unit.end, after)
            else:  # the head of the later unit may close the earlier phase
                gain, keeps = head[before] - head[after], tail[after] >= tail[before]
                clause = (unit.first, cut, before)
            if gain > CLAUSE_MOVE_MARGIN and keeps and (best is None or gain > best[0]):
                best = (gain, *clause)
    return best[1:] if best else None


def _split_scores(
    words: Sequence[Word], units: Sequence[Unit], index: int, cut: int, model: StarModel
) -> tuple[dict[Phase, float], dict[Phase, float]]:
    """Phase scores of units[index] cut in two at word `cut`, each part scored as a unit in
    the answer so cut."""
    unit = units[index]
    parts = [unit_of(words, unit.first, cut), unit_of(words, cut, unit.end)]
    cut_units = [*units[:index], *parts, *units[index + 1 :]]
    rows = unit_feature_rows(cut_units)
    # Only the two parts are needed, and the trees see tree_reach units either side of each.
    lo = max(0, index - model.tree_reach)
    hi = min(len(cut_units), index + 2 + model.tree_reach)
    scores = model.unit_log_scores(rows[lo:hi], [unit_tokens(u) for u in cut_units[lo:hi]])
    return scores[index - lo], scores[index + 1 - lo]


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
