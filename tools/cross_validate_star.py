"""Choose the segmenter's decoder settings without looking at the dev split: hold out groups
of corpus files in turn (each file is one batch of writing, in voices of its own), fit on
the training answers of the others, and score the held-out training answers as written and
as heard (their spoken copies) under each setting.

    python tools/cross_validate_star.py tests/data/star \
        --spoken tests/data/star-spoken/train-espeak.jsonl --change-weight 0.25 0.5 1 1.5

Holding out whole files, rather than answers drawn at random, asks what a setting does for
writers the fit has not seen, which is what the answers written outside the project ask.
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from train_star import fit_model, spoken_copies  # noqa: E402

from mockint.corpus import load_corpus  # noqa: E402
from mockint.star import segment  # noqa: E402
from mockint.star_eval import score_answer, summarize  # noqa: E402


def held_out_groups(files: list[Path], folds: int) -> list[list[Path]]:
    """The corpus files in `folds` groups, each file in exactly one (every folds-th file in
    name order, so each group mixes early and late batches)."""
    ordered = sorted(files)
    return [ordered[k::folds] for k in range(folds)]


def score_fold(files, held_out, spoken_paths, change_weights):
    """Scores per (change weight, "text" or "spoken") on the held-out files' training answers."""
    fit_on = [a for a in load_corpus([f for f in files if f not in held_out]) if a.split == "train"]
    model, *_ = fit_model(fit_on, spoken_paths)
    held = [a for a in load_corpus(held_out) if a.split == "train"]
    copies = {id_: copy for path in spoken_paths for id_, copy in spoken_copies(path).items()}
    sets = {
        "text": [(a.timed_words(), a.gold) for a in held],
        "spoken": [copies[a.id] for a in held if a.id in copies],
    }
    scores = {}
    for weight in change_weights:
        decoder = dataclasses.replace(model, change_weight=weight)
        for kind, answers in sets.items():
            scores[(weight, kind)] = [
                score_answer(words, gold, segment(words, decoder).labels) for words, gold in answers
            ]
    return scores


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("corpus", nargs="+", type=Path)
    parser.add_argument("--spoken", type=Path, action="append", default=[])
    parser.add_argument("--folds", type=int, default=3)
    parser.add_argument("--change-weight", type=float, nargs="+", default=[0.25, 0.5, 1.0, 1.5])
    parser.add_argument("--jobs", type=int, default=2, help="folds fitted at once")
    args = parser.parse_args()
    files = sorted(f for c in args.corpus for f in (c.glob("*.jsonl") if c.is_dir() else [c]))
    groups = held_out_groups(files, args.folds)
    with ProcessPoolExecutor(max_workers=args.jobs) as pool:
        folds = list(
            pool.map(
                score_fold,
                [files] * len(groups),
                groups,
                [args.spoken] * len(groups),
                [args.change_weight] * len(groups),
            )
        )
    for key in folds[0]:
        scores = [s for fold in folds for s in fold[key]]
        summary = summarize(scores)
        errors = [e for s in scores for e in s.boundary_errors_s]
        weight, kind = key
        print(
            f"change_weight={weight:<5} {kind:<6} answers={len(scores):<4} "
            f"accuracy={summary.accuracy:.4f} median_boundary_s={summary.median_boundary_s:.1f} "
            f"p90_boundary_s={summary.p90_boundary_s:.1f} "
            f"over_4s={sum(e > 4 for e in errors)}/{len(errors)}"
        )


if __name__ == "__main__":
    main()
