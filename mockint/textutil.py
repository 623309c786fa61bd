"""Small pure text helpers shared by the coaching rules: sentences, words, apostrophes."""

from __future__ import annotations

import re

_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")
_WORD = re.compile(r"[a-z0-9']+")


def normalise(text: str) -> str:
    """Lower-case, with typographic apostrophes made plain so patterns match either."""
    return text.replace("\u2019", "'").replace("\u2018", "'").lower()


def sentences(text: str) -> tuple[str, ...]:
    """Split at . ! ? followed by space; speech transcripts rarely have anything subtler."""
    parts = (p.strip() for p in _SENTENCE_END.split(text.strip()))
    return tuple(p for p in parts if p)


def tokens(text: str) -> tuple[str, ...]:
    """Lower-case word tokens, apostrophes kept ("we're" stays one token)."""
    return tuple(_WORD.findall(normalise(text)))
