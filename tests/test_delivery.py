"""Delivery: pace, fillers, long pauses and hedges, each with the time it happens."""

from __future__ import annotations

from mockint.delivery import (
    find_fillers,
    find_hedges,
    find_pauses,
    runs_per_minute,
    words_per_minute,
)
from mockint.model import Word
from tests.coach_helpers import words_at


def test_fillers_with_times() -> None:
    words = words_at("So, um, I looked at the, uh, logs and, you know, found it.")
    fillers = find_fillers(words)
    assert [f.text for f in fillers] == ["um,", "uh,", "you know,"]
    um = next(w for w in words if w.text == "um,")
    assert (fillers[0].start_s, fillers[0].end_s) == (um.start_s, um.end_s)


def test_like_counts_only_as_a_set_off_filler() -> None:
    assert [f.text for f in find_fillers(words_at("It was, like, a mess."))] == ["like,"]
    assert find_fillers(words_at("I like clean code and it looks like rain.")) == ()
    assert find_fillers(words_at("I would like, if possible, more time.")) == ()


def test_no_fillers_in_clean_speech() -> None:
    assert find_fillers(words_at("I rewrote the query and added an index.")) == ()


def test_pauses_longer_than_two_seconds() -> None:
    words = (
        Word("first", 0.0, 0.4),
        Word("step.", 0.5, 0.9),
        Word("Then", 3.2, 3.5),  # 2.3 s of silence
        Word("I", 3.6, 3.7),
        Word("waited.", 5.6, 6.0),  # 1.9 s: not long
    )
    pauses = find_pauses(words)
    assert len(pauses) == 1
    assert (pauses[0].start_s, pauses[0].end_s) == (0.9, 3.2)
    assert "step." in pauses[0].text and "Then" in pauses[0].text


def test_no_pauses_in_steady_speech() -> None:
    assert find_pauses(words_at("one two three four five six")) == ()


def test_hedges() -> None:
    hedges = find_hedges(words_at("I think it maybe helped, probably a little bit."))
    assert [h.text for h in hedges] == ["I think", "maybe", "probably", "a little bit."]
    assert find_hedges(words_at("I fixed it and it helped.")) == ()


def test_words_per_minute() -> None:
    words = words_at(" ".join(["word"] * 30), words_per_s=2.5)
    assert 140 < words_per_minute(words) < 160  # type: ignore[operator]
    assert words_per_minute(words[:2]) is None


def test_pace_over_two_runs_ignores_the_gap_between_them() -> None:
    first = words_at(" ".join(["a"] * 20), words_per_s=2.0)
    second = words_at(" ".join(["b"] * 20), words_per_s=2.0, start_s=100.0)
    pace = runs_per_minute([first, second])
    assert pace is not None and 115 < pace < 130
