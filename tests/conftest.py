"""Shared fixtures: every test gets its own MOCKINT_HOME so no test touches real user data."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import settings

# The virtual sound card (ALSA file plugin) and its `virtual_audio` fixture.
pytest_plugins = ["tests.audio_harness"]

# Generated tests try the same examples on every run, so a run's verdict depends on the code
# alone. Setting MOCKINT_FUZZ_EXAMPLES (see tests/test_fuzz_audio.py) draws fresh ones.
settings.register_profile("fixed", derandomize=True)
settings.register_profile("search", derandomize=False)
settings.load_profile("search" if "MOCKINT_FUZZ_EXAMPLES" in os.environ else "fixed")

REPO = Path(__file__).resolve().parent.parent
SAMPLES = REPO / "samples"
REAL_AUDIO = REPO / "tests" / "data" / "real"  # real human speech; licences in its README


@pytest.fixture(autouse=True)
def mockint_home(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path_factory.mktemp("mockint-home")
    monkeypatch.setenv("MOCKINT_HOME", str(home))
    return home
