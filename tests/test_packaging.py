"""The lowest-versions constraints (tools/lowest_versions.py) cover every requirement."""

from __future__ import annotations

import tomllib

from tests.conftest import REPO
from tests.helpers import load_tool


def test_a_lower_bound_becomes_a_pin_and_an_upper_bound_is_dropped():
    project = {
        "dependencies": ["faster-whisper>=1.2.1,<2", "click >= 8.2", "unbounded"],
        "optional-dependencies": {"voice": ["piper-tts>=1.4"]},
    }
    assert load_tool("lowest_versions").lowest_pins(project) == [
        "faster-whisper==1.2.1",
        "click==8.2",
        "piper-tts==1.4",
    ]


def test_every_runtime_and_voice_requirement_declares_a_lower_bound():
    # Without one, the lowest-versions run would not pin it and the floor would go untested.
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    requirements = project["dependencies"] + project["optional-dependencies"]["voice"]
    pins = load_tool("lowest_versions").lowest_pins(project)
    assert [pin.split("==")[0] for pin in pins] == [
        requirement.split(">=")[0].strip() for requirement in requirements
    ]
