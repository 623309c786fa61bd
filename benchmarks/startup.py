"""How fast `mockint --help` starts, against a Python that only imports click.

Each run is a fresh process; the two commands take turns so that a busy moment on the
machine slows both alike. Goal: the ratio of the medians at most 2.

    python benchmarks/startup.py [--runs 15]

Last line: startup_ratio=<median mockint --help ÷ median python -c "import click">.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path


def mockint_command() -> list[str]:
    """The installed `mockint` script beside this Python, else the module."""
    script = Path(sys.executable).parent / "mockint"
    if script.is_file():
        return [str(script), "--help"]
    found = shutil.which("mockint")
    return [found, "--help"] if found else [sys.executable, "-m", "mockint", "--help"]


def wall_s(command: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    ours_cmd = mockint_command()
    click_cmd = [sys.executable, "-c", "import click"]
    for command in (ours_cmd, click_cmd):  # warm the file cache
        wall_s(command)
    ours, plain = [], []
    for _ in range(args.runs):
        ours.append(wall_s(ours_cmd))
        plain.append(wall_s(click_cmd))
    ours_s, plain_s = statistics.median(ours), statistics.median(plain)
    print(f"command: {' '.join(ours_cmd)}")
    print(
        f"runs={args.runs} mockint_help_s={ours_s:.3f} (min {min(ours):.3f} max {max(ours):.3f}) "
        f"import_click_s={plain_s:.3f} (min {min(plain):.3f} max {max(plain):.3f})"
    )
    print(f"startup_ratio={ours_s / plain_s:.2f}")


if __name__ == "__main__":
    main()
