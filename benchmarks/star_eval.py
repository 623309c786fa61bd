"""Full STAR segmentation evaluation on the held-out answers — the corpus's dev split and
the answers written apart from the model's design (star-outside) — as text, then spoken by
espeak-ng and by the Piper voice through the bundled model (or --model). Last line: the
lowest spoken word accuracy.

    python benchmarks/star_eval.py [--rates 150 130 170] [--corpus DIR ...] [--model base]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

DATA = Path(__file__).resolve().parent.parent / "tests" / "data"
CORPORA = [DATA / "star", DATA / "star-outside"]


def run(corpus: Path, *args: str) -> dict:
    out = subprocess.run(
        [sys.executable, "-m", "mockint", "eval-star", str(corpus), "--json", *args],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return json.loads(out)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rates", type=int, nargs="+", default=[150, 130, 170])
    parser.add_argument("--corpus", type=Path, nargs="+", default=CORPORA)
    parser.add_argument("--model", help="recogniser for the spoken runs (default: the bundled one)")
    args = parser.parse_args()
    spoken = []
    for corpus in args.corpus:
        figures = run(corpus)
        figures |= run(
            corpus,
            "--spoken",
            "--voice=espeak",
            "--voice=piper",
            *[f"--rate={r}" for r in args.rates],
            *([f"--model={args.model}"] if args.model else []),
        )
        for label, by_method in figures.items():
            for method, parts in by_method.items():
                for part, r in parts.items():
                    print(
                        f"{corpus.name:<13} {label:<16} {method:<9} {part:<4} "
                        f"n={r['answers']:<3} accuracy={r['accuracy']:.3f} "
                        f"median_boundary_s={r['median_boundary_s']:.2f} "
                        f"p90_boundary_s={r['p90_boundary_s']:.2f}"
                    )
        spoken += [v["segmenter"]["all"]["accuracy"] for k, v in figures.items() if k != "text"]
    print(f"spoken_accuracy={min(spoken):.3f}")


if __name__ == "__main__":
    main()
