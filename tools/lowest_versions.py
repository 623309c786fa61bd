"""Print pip constraints that pin every runtime dependency (and the voice extra) to the
lower bound pyproject.toml declares, so the suite can be run against the oldest releases
mockint claims to support:

    python -m venv .venv-lowest
    python tools/lowest_versions.py > .venv-lowest/constraints.txt
    .venv-lowest/bin/pip install -e '.[dev]' -c .venv-lowest/constraints.txt
    VIRTUAL_ENV="$PWD/.venv-lowest" bash tests/run.sh

A bound that no longer holds shows up as a failing test rather than as a user's
ImportError.
"""

from __future__ import annotations

import re
import sys
import tomllib
from pathlib import Path

PYPROJECT = Path(__file__).resolve().parent.parent / "pyproject.toml"

# The name and lower bound of "name>=1.2.1" or "name>=1.2.1,<2".
LOWER_BOUND = re.compile(r"^\s*([A-Za-z0-9_.\-]+)\s*>=\s*([0-9][0-9A-Za-z.]*)")


def lowest_pins(project: dict) -> list[str]:
    """`name==lower bound` for each runtime and voice requirement that declares one."""
    requirements = project["dependencies"] + project["optional-dependencies"]["voice"]
    pins = []
    for requirement in requirements:
        match = LOWER_BOUND.match(requirement)
        if match:
            pins.append(f"{match[1]}=={match[2]}")
    return pins


def main() -> None:
    project = tomllib.loads(PYPROJECT.read_text(encoding="utf-8"))["project"]
    sys.stdout.write("".join(f"{pin}\n" for pin in lowest_pins(project)))


if __name__ == "__main__":
    main()
