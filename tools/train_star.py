"""Fit the STAR segmenter's weights on the corpus's training split; writes
mockint/data/star_model.json. The dev split is never read here.

    python tools/train_star.py tests/data/star --spoken tests/data/star-spoken/train-espeak.jsonl

The boosted trees are fitted with scikit-learn (a development dependency); mockint itself
only reads the exported trees.
"""

from __future__ import annotations

import argparse
import json
import re
from collections import Counter
from pathlib import Path

import numpy as np

from mockint.corpus import load_corpus
from mockint.model import PHASES, Word
from mockint.star import STATES
from mockint.star_features import FEATURE_NAMES, split_units, unit_feature_rows, unit_tokens
from mockint.star_model import StarModel, change_inputs, tree_inputs
from mockint.star_trees import LEAF, BoostedTrees, Tree

OUT = Path(__file__).resolve().parent.parent / "mockint" / "data" / "star_model.json"


VOCABULARY_SIZE = 300

# The trees also read the cues of the two units before and after each one: on answers the
# corpus's writers did not write, this beat both one and three neighbours.
TREE_REACH = 2

# How much the decoder listens to the phase-change trees, chosen by tools/cross_validate_star.py
# (groups of corpus files held out in turn, so neither the dev split nor the outside answers
# have a say). From a quarter to double, accuracy rises by about two tenths of a point, while
# above a half more boundaries end up more than 4 s off: a wrong change sticks further away.
CHANGE_WEIGHT = 0.5


def common_words(answers, size=VOCABULARY_SIZE):
    """The words that occur in the most training answers (document frequency)."""
    frequency = Counter(w for a in answers for w in set(re.findall(r"[a-z']+", a.text.lower())))
    return tuple(sorted(word for word, _count in frequency.most_common(size)))


def text_examples(answers):
    """Each answer as timed words (at a steady speaking rate) with its gold phases."""
    return [(answer.timed_words(), answer.gold) for answer in answers]


def spoken_copies(path):
    """Recognised words of spoken corpus answers (tools/speak_corpus.py) with their phases,
    by answer id, in the file's order."""
    copies = {}
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        words = tuple(Word(text, start, end) for text, start, end in record["words"])
        copies[record["id"]] = (words, tuple(record["phases"]))
    return copies


def spoken_examples(path, train_ids):
    """The spoken copies of the training answers only, so the dev split stays unseen."""
    return [copy for id_, copy in spoken_copies(path).items() if id_ in train_ids]


def unit_phase(unit, gold):
    """The gold phase most of a unit's words have."""
    return Counter(gold[unit.first : unit.end]).most_common(1)[0][0]


def unit_examples(examples, vocabulary=(), tree_reach=TREE_REACH):
    """For every training unit: the linear model's row (cue features, vocabulary flags), the
    trees' row (the same plus neighbours' cues), its phase; and decoder-state sequences."""
    tree_rows, targets, sequences = [], [], []
    for words, gold in examples:
        units = split_units(words)
        states = []
        token_sets = [unit_tokens(unit) for unit in units]
        tree_rows.append(tree_inputs(unit_feature_rows(units), token_sets, vocabulary, tree_reach))
        for unit in units:
            phase = unit_phase(unit, gold)
            targets.append(PHASES.index(phase))
            opening = phase == "result" and all(s == "opening_result" for s in states)
            states.append("opening_result" if opening else phase)
        sequences.append(states)
    x_trees = np.vstack(tree_rows)
    # The linear model's row is the trees' row without the neighbours.
    x = x_trees[:, : len(FEATURE_NAMES) + len(vocabulary)]
    return x, x_trees, np.array(targets), sequences


def change_examples(examples):
    """For every gap between two training units: the change trees' row, and whether the
    gold phase changes there."""
    rows, changed = [], []
    for words, gold in examples:
        units = split_units(words)
        if len(units) < 2:
            continue
        phases = [unit_phase(unit, gold) for unit in units]
        rows.append(change_inputs(unit_feature_rows(units)))
        changed += [int(a != b) for a, b in zip(phases, phases[1:], strict=False)]
    return np.vstack(rows), np.array(changed)


def fit_change_trees(examples) -> BoostedTrees:
    """Boosted trees (the same shallow settings) for "the phase changes between these two
    units", exported as one-class trees whose raw score is the log-odds of a change."""
    from sklearn.ensemble import HistGradientBoostingClassifier

    x, changed = change_examples(examples)
    return export_trees(HistGradientBoostingClassifier(**TREE_SETTINGS).fit(x, changed))


def fit_softmax(x, y, l2=0.3, steps=4000, rate=0.5):
    """Multinomial logistic regression by gradient descent on standardized features."""
    mean = x.mean(axis=0)
    std = x.std(axis=0)
    mean[0], std[0] = 0.0, 1.0  # the bias column stays a constant one
    std[std == 0] = 1.0
    z = (x - mean) / std
    w = np.zeros((z.shape[1], len(PHASES)))
    onehot = np.eye(len(PHASES))[y]
    class_weight = class_weights(y)
    sample_weight = class_weight[y][:, None]
    for _ in range(steps):
        logits = z @ w
        logits -= logits.max(axis=1, keepdims=True)
        p = np.exp(logits)
        p /= p.sum(axis=1, keepdims=True)
        grad = (
            z.T @ ((p - onehot) * sample_weight) / len(y)
            + l2 * np.r_[[0], np.ones(z.shape[1] - 1)][:, None] * w / len(y) * 10
        )
        w -= rate * grad
    # Fold the standardization back in, so scoring uses raw features.
    w_raw = w / std[:, None]
    w_raw[0] -= (mean / std) @ w
    return w_raw


def class_weights(y):
    """Rarer phases (Task) weigh more, so the model does not learn to ignore them; by the
    square root of their rarity, since full inverse weights made it find a Task in answers
    that have none (a one-sentence first Action), and "no Task" is a finding the coaching
    reports."""
    return np.sqrt(len(y) / (len(PHASES) * np.bincount(y, minlength=len(PHASES))))


# Shallow trees, few leaves: enough for two- and three-way interactions of the cues, too
# small to memorise one writer's sentences.
TREE_SETTINGS = {
    "max_iter": 200,
    "learning_rate": 0.1,
    "max_depth": 3,
    "max_leaf_nodes": 8,
    "l2_regularization": 1.0,
    "early_stopping": True,
    "validation_fraction": 0.1,
    "random_state": 0,
}


def fit_trees(x, y) -> BoostedTrees:
    """Gradient-boosted trees on the same unit rows as the linear model, exported flat."""
    from sklearn.ensemble import HistGradientBoostingClassifier

    model = HistGradientBoostingClassifier(**TREE_SETTINGS)
    model.fit(x, y, sample_weight=class_weights(y)[y])
    if list(model.classes_) != list(range(len(PHASES))):
        raise SystemExit("every phase must occur in the training units")
    return export_trees(model)


def export_trees(model) -> BoostedTrees:
    """scikit-learn's fitted predictors as flat Tree records (same split rule: go left when
    the value is at most the threshold; the training rows never hold missing values)."""
    trees = []
    for per_phase in model._predictors:
        for phase, predictor in enumerate(per_phase):
            nodes = predictor.nodes
            trees.append(
                Tree(
                    phase=phase,
                    feature=tuple(LEAF if n["is_leaf"] else int(n["feature_idx"]) for n in nodes),
                    threshold=tuple(float(n["num_threshold"]) for n in nodes),
                    left=tuple(int(n["left"]) for n in nodes),
                    right=tuple(int(n["right"]) for n in nodes),
                    value=tuple(
                        round(float(n["value"]), 6) if n["is_leaf"] else 0.0 for n in nodes
                    ),
                )
            )
    baseline = tuple(float(v) for v in np.ravel(model._baseline_prediction))
    return BoostedTrees(baseline=baseline, trees=tuple(trees))


def count_transitions(sequences):
    allowed = {
        "opening_result": ("opening_result", "situation", "task", "action"),
        "situation": ("situation", "task", "action", "result"),
        "task": ("task", "action", "result"),
        "action": ("action", "result"),
        "result": ("result", "action"),
    }
    start = Counter(seq[0] for seq in sequences)
    moves = Counter((a, b) for seq in sequences for a, b in zip(seq, seq[1:], strict=False))
    start_p = {s: (start[s] + 1) / (len(sequences) + len(STATES)) for s in STATES}
    transitions = {}
    for a, nexts in allowed.items():
        total = sum(moves[(a, b)] + 1 for b in nexts)
        transitions[a] = {b: (moves[(a, b)] + 1) / total for b in nexts}
    return start_p, transitions


def fit_model(
    train,
    spoken_paths=(),
    *,
    l2=10.0,
    vocabulary_size=VOCABULARY_SIZE,
    linear_share=0.5,
    change_weight=CHANGE_WEIGHT,
):
    """The segmenter fitted on these training answers, as written and as heard (the spoken
    copies of the same answers). Returns the model, how many answers and units it was
    fitted on, and the linear weights (a row per cue feature, then per vocabulary word)."""
    train_ids = {a.id for a in train}
    vocabulary = common_words(train, vocabulary_size)
    examples = text_examples(train)
    for path in spoken_paths:
        examples += spoken_examples(path, train_ids)
    x, x_trees, y, sequences = unit_examples(examples, vocabulary)
    w = fit_softmax(x, y, l2=l2)
    start, transitions = count_transitions(sequences)
    model = StarModel(
        weights={p: tuple(round(float(v), 4) for v in w[:, i]) for i, p in enumerate(PHASES)},
        start={k: round(v, 4) for k, v in start.items()},
        transitions={a: {b: round(p, 4) for b, p in bs.items()} for a, bs in transitions.items()},
        vocabulary=vocabulary,
        trees=fit_trees(x_trees, y) if linear_share < 1.0 else None,
        linear_share=linear_share,
        tree_reach=TREE_REACH,
        change_trees=fit_change_trees(examples) if change_weight else None,
        change_weight=change_weight,
    )
    return model, len(examples), len(y), w


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("corpus", nargs="+", type=Path)
    parser.add_argument("--l2", type=float, default=10.0)
    parser.add_argument("--vocabulary", type=int, default=VOCABULARY_SIZE)
    parser.add_argument(
        "--linear-share",
        type=float,
        default=0.5,
        help="weight of the linear score against the trees' (1 = no trees)",
    )
    parser.add_argument(
        "--spoken",
        type=Path,
        action="append",
        default=[],
        help="recognised words of spoken training answers, to learn what a recogniser does "
        "to punctuation and words",
    )
    parser.add_argument(
        "--change-weight",
        type=float,
        default=CHANGE_WEIGHT,
        help="weight of the phase-change trees in the decoder (0 = none)",
    )
    args = parser.parse_args()
    train = [a for a in load_corpus(args.corpus) if a.split == "train"]
    model, n_examples, n_units, w = fit_model(
        train,
        args.spoken,
        l2=args.l2,
        vocabulary_size=args.vocabulary,
        linear_share=args.linear_share,
        change_weight=args.change_weight,
    )
    # One line: the file is generated, and the trees would take tens of thousands of lines.
    OUT.write_text(json.dumps(model.to_json(), separators=(",", ":")) + "\n")
    print(f"trained on {n_examples} answers ({len(train)} texts), {n_units} units; wrote {OUT}")
    if model.trees:
        print(f"{len(model.trees.trees)} trees ({len(model.trees.trees) // len(PHASES)} rounds)")
    if model.change_trees:
        print(f"{len(model.change_trees.trees)} phase-change trees")
    for name, row in zip((*FEATURE_NAMES, *model.vocabulary), w, strict=True):
        print(f"{name:>18} " + " ".join(f"{v:7.2f}" for v in row))


if __name__ == "__main__":
    main()
