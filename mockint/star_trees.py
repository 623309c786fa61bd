"""Pure: boosted decision trees that add non-linear phase evidence to the linear scorer.

A linear score adds its cues up independently, so it cannot say "a number means Result late
in the answer but Situation in the first breath" or "a short 'I' sentence right after the
scene is the Task". A few hundred shallow trees, fitted offline on the same unit features
and the cues of the units around each one (tools/train_star.py), can. Scoring walks every
tree for all units of an answer at once with numpy index arithmetic, so a long answer still
takes a few milliseconds.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np

LEAF = -1


@dataclass(frozen=True, slots=True)
class Tree:
    """One regression tree in flat arrays. Node 0 is the root; a node whose feature is LEAF
    is a leaf holding `value`; otherwise a unit goes left when its feature value is at most
    the threshold (the convention of the library the trees are fitted with)."""

    phase: int
    feature: tuple[int, ...]
    threshold: tuple[float, ...]
    left: tuple[int, ...]
    right: tuple[int, ...]
    value: tuple[float, ...]


@dataclass(frozen=True, slots=True, eq=False)
class BoostedTrees:
    """Per-phase raw scores: a baseline plus the leaf values of that phase's trees."""

    baseline: tuple[float, ...]
    trees: tuple[Tree, ...]
    _arrays: dict[str, np.ndarray] = field(default_factory=dict, repr=False)

    def raw_scores(self, rows: Sequence[Sequence[float]] | np.ndarray) -> np.ndarray:
        """Raw (pre-softmax) phase scores, one row per unit: shape (units, phases)."""
        import numpy as np

        x = np.asarray(rows, dtype=np.float64)
        a = self._padded()
        n_trees, n_units = len(self.trees), x.shape[0]
        tree_index = np.arange(n_trees)[:, None]
        unit_index = np.arange(n_units)[None, :]
        node = np.zeros((n_trees, n_units), dtype=np.int64)
        for _ in range(int(a["depth"])):
            feature = a["feature"][tree_index, node]
            at_leaf = feature == LEAF
            value = x[unit_index, np.where(at_leaf, 0, feature)]
            go_left = value <= a["threshold"][tree_index, node]
            child = np.where(go_left, a["left"][tree_index, node], a["right"][tree_index, node])
            node = np.where(at_leaf, node, child)
        leaf_values = a["value"][tree_index, node]  # (trees, units)
        return a["baseline"][None, :] + (a["phase_onehot"].T @ leaf_values).T

    def _padded(self) -> dict[str, np.ndarray]:
        """The trees as rectangular arrays, built once (trees differ in size)."""
        if self._arrays:
            return self._arrays
        import numpy as np

        width = max(len(t.feature) for t in self.trees)

        def pad(name: str, fill: float, dtype: type) -> np.ndarray:
            out: np.ndarray = np.full((len(self.trees), width), fill, dtype=dtype)
            for i, tree in enumerate(self.trees):
                values = getattr(tree, name)
                out[i, : len(values)] = values
            return out

        n_phases = len(self.baseline)
        onehot = np.zeros((len(self.trees), n_phases))
        onehot[np.arange(len(self.trees)), [t.phase for t in self.trees]] = 1.0
        self._arrays.update(
            feature=pad("feature", LEAF, np.int64),
            threshold=pad("threshold", 0.0, np.float64),
            left=pad("left", 0, np.int64),
            right=pad("right", 0, np.int64),
            value=pad("value", 0.0, np.float64),
            phase_onehot=onehot,
            baseline=np.asarray(self.baseline, dtype=np.float64),
            depth=np.asarray(max(_depth(t) for t in self.trees)),
        )
        return self._arrays

    def to_json(self) -> dict[str, object]:
        return {
            "baseline": list(self.baseline),
            "trees": [
                {
                    "phase": t.phase,
                    "feature": list(t.feature),
                    "threshold": list(t.threshold),
                    "left": list(t.left),
                    "right": list(t.right),
                    "value": list(t.value),
                }
                for t in self.trees
            ],
        }


def _depth(tree: Tree) -> int:
    """Steps from the root to the deepest leaf."""
    deepest, stack = 0, [(0, 0)]
    while stack:
        node, depth = stack.pop()
        if tree.feature[node] == LEAF:
            deepest = max(deepest, depth)
        else:
            stack += [(tree.left[node], depth + 1), (tree.right[node], depth + 1)]
    return deepest


def trees_from_json(data: dict) -> BoostedTrees:
    return BoostedTrees(
        baseline=tuple(float(v) for v in data["baseline"]),
        trees=tuple(
            Tree(
                phase=int(t["phase"]),
                feature=tuple(int(v) for v in t["feature"]),
                threshold=tuple(float(v) for v in t["threshold"]),
                left=tuple(int(v) for v in t["left"]),
                right=tuple(int(v) for v in t["right"]),
                value=tuple(float(v) for v in t["value"]),
            )
            for t in data["trees"]
        ),
    )
