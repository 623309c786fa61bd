"""Full STAR segmentation evaluation on the held-out split: text, then spoken by espeak-ng
at two rates and by the Piper voice, through the bundled model. Last line: the lowest
spoken word accuracy.

    python benchmarks/star_eval.py [--rates 130 170]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

CORPUS = Path(__file__).resolve().parent.parent / "tests" / "data" / "star"


def run(*args: str) -> dict:
    out = subprocess.run(
        [sys.executable, "-m", "mockint", "eval-star", str(CORPUS), "--json", *args],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return json.loads(out)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rates", type=int, nargs="+", default=[130, 170])
    args = parser.parse_args()
    figures = run()
    figures |= run(
        "--spoken", "--voice=espeak", "--voice=piper", *[f"--rate={r}" for r in args.rates]
    )
    for label, by_method in figures.items():
        for method, parts in by_method.items():
            for part, r in parts.items():
                print(
                    f"{label:<16} {method:<9} {part:<4} n={r['answers']:<3} "
                    f"accuracy={r['accuracy']:.3f} median_boundary_s={r['median_boundary_s']:.2f} "
                    f"p90_boundary_s={r['p90_boundary_s']:.2f}"
                )
    spoken = [v["segmenter"]["all"]["accuracy"] for k, v in figures.items() if k != "text"]
    print(f"spoken_accuracy={min(spoken):.3f}")


if __name__ == "__main__":
    main()
