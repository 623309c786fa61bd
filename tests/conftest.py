"""Shared fixtures: every test gets its own MOCKINT_HOME so no test touches real user data."""

from __future__ import annotations

from pathlib import Path

import pytest

# The virtual sound card (ALSA file plugin) and its `virtual_audio` fixture.
pytest_plugins = ["tests.audio_harness"]

REPO = Path(__file__).resolve().parent.parent
SAMPLES = REPO / "samples"
REAL_AUDIO = REPO / "tests" / "data" / "real"  # real human speech; licences in its README


@pytest.fixture(autouse=True)
def mockint_home(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path_factory.mktemp("mockint-home")
    monkeypatch.setenv("MOCKINT_HOME", str(home))
    return home
