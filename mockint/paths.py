"""Where mockint keeps the user's data: MOCKINT_HOME, else the platform's user data folder."""

from __future__ import annotations

import os
from pathlib import Path

APP_NAME = "mockint"


def data_home() -> Path:
    """The folder holding sessions, stories, settings and model caches (created user-only)."""
    override = os.environ.get("MOCKINT_HOME")
    if override:
        home = Path(override).expanduser()
    else:
        import platformdirs

        home = Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))
    home.mkdir(parents=True, exist_ok=True, mode=0o700)
    return home


def cache_home() -> Path:
    """Rebuildable files (joined model folders) live apart from the user's recordings."""
    override = os.environ.get("MOCKINT_HOME")
    if override:
        cache = Path(override).expanduser() / "cache"
    else:
        import platformdirs

        cache = Path(platformdirs.user_cache_dir(APP_NAME, appauthor=False))
    cache.mkdir(parents=True, exist_ok=True, mode=0o700)
    return cache
