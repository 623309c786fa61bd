"""The STAR segmenter's parameters: a linear phase scorer and order-aware transitions.

The weights are fitted offline on the training split of the labelled corpus
(tools/train_star.py) and shipped as JSON, so scoring here is plain Python.
"""

from __future__ import annotations

import functools
import json
import math
from dataclasses import dataclass
from importlib import resources

from mockint.model import PHASES, Phase
from mockint.star_features import FEATURE_NAMES

MODEL_SCHEMA = "mockint.star-model/1"
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
        top = max(raw.values())
        norm = top + math.log(sum(math.exp(v - top) for v in raw.values()))
        return {p: v - norm for p, v in raw.items()}

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
        }


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
    )


@functools.cache
def default_model() -> StarModel:
    text = resources.files("mockint").joinpath("data/star_model.json").read_text()
    return model_from_json(json.loads(text))
