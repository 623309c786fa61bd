"""The segmenter's boosted trees: the flat format walks units to the right leaves, and trees
exported from the fitting library score exactly as that library does."""

from __future__ import annotations

import importlib.util
import json
import math
from pathlib import Path

import numpy as np
import pytest

from mockint.star_model import default_model, model_from_json
from mockint.star_trees import LEAF, BoostedTrees, Tree, trees_from_json

TOOLS = Path(__file__).resolve().parent.parent / "tools"


def _train_star():
    spec = importlib.util.spec_from_file_location("train_star", TOOLS / "train_star.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# Phase 0's tree: x0 <= 0.5 → 1.0; else x1 <= 2.0 → 2.0, else 3.0. Phase 1's tree: one leaf.
_TREES = BoostedTrees(
    baseline=(0.1, -0.2),
    trees=(
        Tree(
            0,
            (0, LEAF, 1, LEAF, LEAF),
            (0.5, 0, 2.0, 0, 0),
            (1, 0, 3, 0, 0),
            (2, 0, 4, 0, 0),
            (0, 1.0, 0, 2.0, 3.0),
        ),
        Tree(1, (LEAF,), (0.0,), (0,), (0,), (5.0,)),
    ),
)


def test_each_unit_lands_in_its_leaf_and_phases_add_their_own_trees() -> None:
    raw = _TREES.raw_scores([[0.0, 9.0], [0.5, 9.0], [1.0, 2.0], [1.0, 2.5]])
    expected = [[1.1, 4.8], [1.1, 4.8], [2.1, 4.8], [3.1, 4.8]]
    assert np.allclose(raw, expected), raw


def test_trees_survive_their_json_form() -> None:
    again = trees_from_json(json.loads(json.dumps(_TREES.to_json())))
    rows = [[0.2, 1.0], [0.7, 1.0], [0.7, 7.0]]
    assert again.raw_scores(rows).tolist() == _TREES.raw_scores(rows).tolist()


def test_exported_trees_score_like_the_library_that_fitted_them() -> None:
    from sklearn import ensemble  # a development dependency, like the training tool

    rng = np.random.default_rng(0)
    x = np.c_[rng.integers(0, 2, (600, 3)), rng.normal(size=(600, 3)), rng.integers(0, 4, 600)]
    y = (x[:, 0] + (x[:, 3] > 0) + (x[:, 6] >= 2) + rng.integers(0, 2, 600)).astype(int) % 4
    fitted = ensemble.HistGradientBoostingClassifier(max_iter=30, max_depth=3, random_state=0)
    fitted.fit(x, y)
    trees = _train_star().export_trees(fitted)
    probe = np.r_[x[:50], rng.normal(size=(50, 7)) * 3]
    raw = trees.raw_scores(probe.tolist())
    expected = np.log(fitted.predict_proba(probe))
    ours = raw - np.log(np.exp(raw).sum(axis=1, keepdims=True))
    assert np.abs(ours - expected).max() < 1e-5


def test_the_shipped_model_blends_trees_with_the_linear_score() -> None:
    model = default_model()
    assert model.trees is not None and 0.0 < model.linear_share < 1.0
    row = tuple([1.0] + [0.0] * (len(model.weights["task"]) - len(model.vocabulary) - 1))
    tokens = frozenset({"i", "was", "asked", "to"})
    (blended,) = model.unit_log_scores([row], [tokens])
    linear = model.log_scores(row, tokens)
    assert math.fsum(math.exp(v) for v in blended.values()) <= 1.0 + 1e-9
    assert blended != pytest.approx(linear)
    linear_only = model_from_json({**model.to_json(), "linear_share": 1.0})
    assert linear_only.unit_log_scores([row], [tokens]) == [linear]
