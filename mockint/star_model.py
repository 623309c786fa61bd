"""The STAR segmenter's parameters: a linear phase scorer, boosted trees beside it, trees
that score each gap between units for a phase change, and order-aware transitions.

Everything is fitted offline on the training split of the labelled corpus
(tools/train_star.py) and shipped as JSON, so scoring needs no learning library.
"""

from __future__ import annotations

import functools
import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources
from typing import TYPE_CHECKING

from mockint.model import PHASES, Phase
from mockint.star_features import FEATURE_NAMES
from mockint.star_trees import BoostedTrees, trees_from_json

if TYPE_CHECKING:
    import numpy as np

MODEL_SCHEMA = "mockint.star-model/3"
_NEG_INF = -1e9


@dataclass(frozen=True, slots=True)
class StarModel:
    """Weights per phase: one per cue feature (FEATURE_NAMES), then one per vocabulary word.

    The vocabulary is the training answers' most common words — mostly function words and
    everyday verbs ("was", "then", "so", "now") whose use shifts from phase to phase in any
    story — rather than topic words, so the model does not learn one writer's subjects."""

    weights: dict[Phase, tuple[float, ...]]
    start: dict[str, float]
    transitions: dict[str, dict[str, float]]
    vocabulary: tuple[str, ...] = ()
    trees: BoostedTrees | None = None
    # How much the linear score counts against the trees' (1.0: linear alone). Averaging the
    # two held up better on answers the model never saw than either one alone.
    linear_share: float = 1.0
    # How many units on each side the trees also see, by their cue features. A short
    # sentence that reads the same in any phase ("Each group had a reasonable position.") is
    # placed by what surrounds it; words of the neighbours are left out, since they taught
    # the model its own corpus's phrasing rather than how stories run.
    tree_reach: int = 0
    # Trees that read two neighbouring units side by side and score how likely the phase
    # changes between them; the decoder adds change_weight times that log-probability to
    # every move (or stay). Unit scores alone cannot say "these two sentences go together".
    change_trees: BoostedTrees | None = None
    change_weight: float = 0.0

    def change_log_probs(self, rows: Sequence[tuple[float, ...]]) -> list[tuple[float, float]]:
        """For each gap between units: log P(the phase changes here), log P(it stays)."""
        if self.change_trees is None or self.change_weight == 0.0 or len(rows) < 2:
            return [(0.0, 0.0)] * max(0, len(rows) - 1)
        logits = self.change_trees.raw_scores(change_inputs(rows))[:, 0].tolist()
        # log sigmoid of the logit and of its negative, kept finite for large logits.
        return [(-_softplus(-z), -_softplus(z)) for z in logits]

    def unit_log_scores(
        self, rows: Sequence[tuple[float, ...]], token_sets: Sequence[frozenset[str]]
    ) -> list[dict[Phase, float]]:
        """Phase log-probabilities for every unit of an answer."""
        linear = [
            self.log_scores(row, tokens) for row, tokens in zip(rows, token_sets, strict=True)
        ]
        if self.trees is None or self.linear_share >= 1.0 or not rows:
            return linear
        raw = self.trees.raw_scores(self.tree_inputs(rows, token_sets))
        share = self.linear_share
        scores = []
        for lin, tree_raw in zip(linear, raw.tolist(), strict=True):
            tree_log = _log_softmax(dict(zip(PHASES, tree_raw, strict=True)))
            scores.append({p: share * lin[p] + (1 - share) * tree_log[p] for p in PHASES})
        return scores

    def tree_inputs(
        self, rows: Sequence[tuple[float, ...]], token_sets: Sequence[frozenset[str]]
    ) -> np.ndarray:
        return tree_inputs(rows, token_sets, self.vocabulary, self.tree_reach)

    def log_scores(
        self, features: tuple[float, ...], tokens: frozenset[str] = frozenset()
    ) -> dict[Phase, float]:
        """Log-softmax of the linear scores: how much this unit looks like each phase."""
        n_cues = len(FEATURE_NAMES)
        present = [n_cues + i for i, word in enumerate(self.vocabulary) if word in tokens]
        raw = {
            p: sum(w * f for w, f in zip(self.weights[p][:n_cues], features, strict=True))
            + sum(self.weights[p][i] for i in present)
            for p in PHASES
        }
        return _log_softmax(raw)

    def log_start(self, state: str) -> float:
        probability = self.start.get(state, 0.0)
        return math.log(probability) if probability > 0 else _NEG_INF

    def log_transition(self, prev: str, state: str) -> float:
        probability = self.transitions.get(prev, {}).get(state, 0.0)
        return math.log(probability) if probability > 0 else _NEG_INF

    def to_json(self) -> dict[str, object]:
        return {
            "schema": MODEL_SCHEMA,
            "features": list(FEATURE_NAMES),
            "vocabulary": list(self.vocabulary),
            "weights": {p: list(w) for p, w in self.weights.items()},
            "start": self.start,
            "transitions": self.transitions,
            "linear_share": self.linear_share,
            "tree_reach": self.tree_reach,
            "trees": self.trees.to_json() if self.trees else None,
            "change_trees": self.change_trees.to_json() if self.change_trees else None,
            "change_weight": self.change_weight,
        }


def tree_inputs(
    rows: Sequence[tuple[float, ...]],
    token_sets: Sequence[frozenset[str]],
    vocabulary: Sequence[str],
    reach: int,
) -> np.ndarray:
    """One answer's units as the trees read them, one row each: cue features, one 0/1 per
    vocabulary word, then the cue features of the units 1, 1, 2, 2… before and after (zeros
    past either end of the answer)."""
    import numpy as np

    cues = np.asarray(rows, dtype=np.float64).reshape(len(rows), len(FEATURE_NAMES))
    words = np.array(
        [[1.0 if word in tokens else 0.0 for word in vocabulary] for tokens in token_sets]
    ).reshape(len(rows), len(vocabulary))
    parts = [cues, words]
    for distance in range(1, reach + 1):
        parts.append(_shifted(cues, distance))  # the unit `distance` before
        parts.append(_shifted(cues, -distance))  # the unit `distance` after
    return np.hstack(parts)


def change_inputs(rows: Sequence[tuple[float, ...]]) -> np.ndarray:
    """One row per gap between units, as the change trees read it: the features of the unit
    before, of the unit after, and how they differ."""
    import numpy as np

    x = np.asarray(rows, dtype=np.float64).reshape(len(rows), len(FEATURE_NAMES))
    before, after = x[:-1], x[1:]
    return np.hstack([before, after, after - before])


def _softplus(z: float) -> float:
    return max(z, 0.0) + math.log1p(math.exp(-abs(z)))


def _shifted(cues: np.ndarray, distance: int) -> np.ndarray:
    """Row i of the result is row i - distance of `cues`, or zeros where that is outside."""
    import numpy as np

    out = np.zeros_like(cues)
    if distance > 0:
        out[distance:] = cues[:-distance]
    else:
        out[:distance] = cues[-distance:]
    return out


def _log_softmax(raw: dict[Phase, float]) -> dict[Phase, float]:
    top = max(raw.values())
    norm = top + math.log(sum(math.exp(v - top) for v in raw.values()))
    return {p: v - norm for p, v in raw.items()}


def model_from_json(data: dict) -> StarModel:
    if data.get("schema") != MODEL_SCHEMA or tuple(data["features"]) != FEATURE_NAMES:
        raise ValueError("segmenter model does not match this version's features")
    return StarModel(
        weights={p: tuple(float(v) for v in data["weights"][p]) for p in PHASES},
        start={k: float(v) for k, v in data["start"].items()},
        transitions={
            k: {kk: float(vv) for kk, vv in v.items()} for k, v in data["transitions"].items()
        },
        vocabulary=tuple(data.get("vocabulary", ())),
        trees=trees_from_json(data["trees"]) if data.get("trees") else None,
        linear_share=float(data.get("linear_share", 1.0)),
        tree_reach=int(data.get("tree_reach", 0)),
        change_trees=trees_from_json(data["change_trees"]) if data.get("change_trees") else None,
        change_weight=float(data.get("change_weight", 0.0)),
    )


@functools.cache
def default_model() -> StarModel:
    text = resources.files("mockint").joinpath("data/star_model.json").read_text()
    return model_from_json(json.loads(text))
