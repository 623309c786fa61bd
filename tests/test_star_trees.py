"""The segmenter's boosted trees: the flat format walks units to the right leaves, and trees
exported from the fitting library score exactly as that library does."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest

from mockint.model import Word
from mockint.star_features import FEATURE_NAMES, split_units, unit_feature_rows, unit_tokens
from mockint.star_model import change_inputs, default_model, model_from_json, tree_inputs
from mockint.star_trees import LEAF, BoostedTrees, Tree, trees_from_json
from tests.helpers import load_tool


def _units(text: str):
    words = tuple(Word(w, i * 0.4, i * 0.4 + 0.3) for i, w in enumerate(text.split()))
    return split_units(words)


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
    trees = load_tool("train_star").export_trees(fitted)
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


def test_tree_rows_carry_the_cues_of_two_units_either_side() -> None:
    n_cues = len(FEATURE_NAMES)
    rows = [tuple(float(10 * unit + f) for f in range(n_cues)) for unit in range(4)]
    tokens = [frozenset({"so"}), frozenset(), frozenset({"we", "so"}), frozenset({"we"})]
    x = tree_inputs(rows, tokens, ("so", "we"), reach=2)
    assert x.shape == (4, n_cues + 2 + 4 * n_cues)
    own, words = x[:, :n_cues], x[:, n_cues : n_cues + 2]
    before_1, after_1, before_2, after_2 = np.split(x[:, n_cues + 2 :], 4, axis=1)
    assert own.tolist() == [list(r) for r in rows]
    assert words.tolist() == [[1, 0], [0, 0], [1, 1], [0, 1]]
    zeros = [0.0] * n_cues
    assert before_1.tolist() == [zeros, list(rows[0]), list(rows[1]), list(rows[2])]
    assert after_1.tolist() == [list(rows[1]), list(rows[2]), list(rows[3]), zeros]
    assert before_2.tolist() == [zeros, zeros, list(rows[0]), list(rows[1])]
    assert after_2.tolist() == [list(rows[2]), list(rows[3]), zeros, zeros]
    assert tree_inputs(rows[:1], tokens[:1], ("so", "we"), reach=2)[0, n_cues + 2 :].sum() == 0


def test_the_shipped_trees_place_a_unit_by_its_neighbours() -> None:
    model = default_model()
    assert model.tree_reach == 2
    assert model_from_json(json.loads(json.dumps(model.to_json()))).tree_reach == 2
    units = _units(
        "We were a small team running payments. "
        "Each group had its own view. "
        "I rewrote the retry logic and added idempotency keys."
    )
    rows = unit_feature_rows(units)
    tokens = [unit_tokens(u) for u in units]
    middle_trees = model.trees.raw_scores(model.tree_inputs(rows, tokens))[1]
    # The same middle sentence, with only the cues of the sentence after it changed to those
    # of a scene-setting one: the trees' verdict on the middle sentence moves.
    changed = [rows[0], rows[1], rows[0]]
    moved = model.trees.raw_scores(model.tree_inputs(changed, tokens))[1]
    assert np.abs(moved - middle_trees).max() > 0.05


def test_change_rows_set_each_unit_beside_the_next() -> None:
    n_cues = len(FEATURE_NAMES)
    rows = [tuple(float(10 * unit + f) for f in range(n_cues)) for unit in range(3)]
    x = change_inputs(rows)
    assert x.shape == (2, 3 * n_cues)
    before, after, difference = np.split(x, 3, axis=1)
    assert before.tolist() == [list(rows[0]), list(rows[1])]
    assert after.tolist() == [list(rows[1]), list(rows[2])]
    assert difference.tolist() == [[10.0] * n_cues] * 2


def test_exported_change_trees_give_the_library_s_log_odds() -> None:
    from sklearn import ensemble

    rng = np.random.default_rng(1)
    x = np.c_[rng.integers(0, 2, (500, 2)), rng.normal(size=(500, 3))]
    y = ((x[:, 0] + (x[:, 2] > 0.3) + rng.integers(0, 2, 500)) >= 2).astype(int)
    fitted = ensemble.HistGradientBoostingClassifier(max_iter=25, max_depth=3, random_state=0)
    fitted.fit(x, y)
    trees = load_tool("train_star").export_trees(fitted)
    probe = np.r_[x[:40], rng.normal(size=(40, 5)) * 3]
    raw = trees.raw_scores(probe.tolist())
    assert raw.shape == (80, 1)
    assert np.abs(raw[:, 0] - fitted.decision_function(probe)).max() < 1e-5


def test_the_shipped_model_scores_every_gap_for_a_phase_change() -> None:
    model = default_model()
    assert model.change_trees is not None and model.change_weight > 0.0
    again = model_from_json(json.loads(json.dumps(model.to_json())))
    units = _units(
        "We were a small team running payments. "
        "My manager asked me to own the outage reviews. "
        "I rewrote the retry logic and added idempotency keys. "
        "I also paired with the on-call engineer on the alerts."
    )
    rows = unit_feature_rows(units)
    gaps = model.change_log_probs(rows)
    assert gaps == again.change_log_probs(rows)
    assert len(gaps) == len(units) - 1
    for change, stay in gaps:
        assert math.exp(change) + math.exp(stay) == pytest.approx(1.0)
    # Two action sentences in a row are likelier to stay in one phase than the scene and
    # the responsibility after it.
    assert gaps[2][0] < gaps[0][0]


def test_cross_validation_holds_out_every_corpus_file_once_in_groups_of_mixed_batches() -> None:
    files = [Path(f"corpus-{letter}.jsonl") for letter in "nmlkjihgfecba"]
    groups = load_tool("cross_validate_star").held_out_groups(files, 3)
    assert sorted(f for group in groups for f in group) == sorted(files)
    assert [len(group) for group in groups] == [5, 4, 4]
    # Neighbouring batches (written alike) fall in different groups.
    assert groups[0][:2] == [Path("corpus-a.jsonl"), Path("corpus-e.jsonl")]
