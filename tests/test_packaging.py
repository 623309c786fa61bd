"""The lowest-versions constraints (tools/lowest_versions.py) cover every requirement."""

from __future__ import annotations

import importlib.util
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _lowest_versions():
    path = ROOT / "tools" / "lowest_versions.py"
    spec = importlib.util.spec_from_file_location("lowest_versions", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_a_lower_bound_becomes_a_pin_and_an_upper_bound_is_dropped():
    project = {
        "dependencies": ["faster-whisper>=1.2.1,<2", "click >= 8.2", "unbounded"],
        "optional-dependencies": {"voice": ["piper-tts>=1.4"]},
    }
    assert _lowest_versions().lowest_pins(project) == [
        "faster-whisper==1.2.1",
        "click==8.2",
        "piper-tts==1.4",
    ]


def test_every_runtime_and_voice_requirement_declares_a_lower_bound():
    # Without one, the lowest-versions run would not pin it and the floor would go untested.
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    requirements = project["dependencies"] + project["optional-dependencies"]["voice"]
    pins = _lowest_versions().lowest_pins(project)
    assert [pin.split("==")[0] for pin in pins] == [
        requirement.split(">=")[0].strip() for requirement in requirements
    ]
