"""Where `analyze --html` writes its pages, and how each page links to its answer's audio."""

from __future__ import annotations

import os
import urllib.parse
from collections.abc import Sequence
from pathlib import Path


def page_paths(target: Path, audio_paths: Sequence[str]) -> dict[str, Path]:
    """One page per answer: `target` itself for a single answer (unless it is a folder), else
    `target/<audio name>.html`, numbered when two answers share a name."""
    if len(audio_paths) == 1 and not target.is_dir() and not str(target).endswith(os.sep):
        return {audio_paths[0]: target}
    pages: dict[str, Path] = {}
    taken: set[str] = set()
    for audio in audio_paths:
        stem = Path(audio).stem or "answer"
        name, n = f"{stem}.html", 2
        while name in taken:
            name, n = f"{stem}-{n}.html", n + 1
        taken.add(name)
        pages[audio] = target / name
    return pages


def audio_href(page: Path, audio: Path) -> str:
    """A link from `page` to `audio`: relative, so page and recording can move together."""
    try:
        relative = os.path.relpath(audio.resolve(), page.resolve().parent)
    except ValueError:  # another drive on Windows: no relative path exists
        return audio.resolve().as_uri()
    return urllib.parse.quote(Path(relative).as_posix())
