"""A quoted moment in an answer: the words as spoken and when they were said."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from mockint.model import Word


@dataclass(frozen=True, slots=True)
class Evidence:
    """What a finding points at: the quoted text and its time span in the recording."""

    text: str
    start_s: float
    end_s: float


def quote(words: Sequence[Word]) -> Evidence:
    """Evidence spanning `words` (non-empty), quoted as one string."""
    return Evidence(" ".join(w.text for w in words), words[0].start_s, words[-1].end_s)


def clean(text: str) -> str:
    """A word as the rules compare it: lower-case, without surrounding punctuation."""
    return text.replace("\u2019", "'").strip(" \t\"'.,;:!?()[]-…").lower()


def locate(words: Sequence[Word], texts: Sequence[str]) -> tuple[Evidence, ...]:
    """Map each text (a run of the words, in order) back to its first and last word's times."""
    cleaned = [clean(w.text) for w in words]
    found: list[Evidence] = []
    cursor = 0
    for text in texts:
        target = [t for t in (clean(p) for p in text.split()) if t]
        if not target:
            continue
        hit = _find_run(cleaned, target, cursor)
        if hit is None:
            hit = _find_run(cleaned, target, 0)
        if hit is None:
            continue
        first = hit
        last = hit + len(target) - 1
        found.append(Evidence(text, words[first].start_s, words[last].end_s))
        cursor = last + 1
    return tuple(found)


def _find_run(cleaned: Sequence[str], target: Sequence[str], start: int) -> int | None:
    size = len(target)
    for index in range(start, len(cleaned) - size + 1):
        if list(cleaned[index : index + size]) == list(target):
            return index
    return None
