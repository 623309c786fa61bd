"""Red flags by theme: each rule fires on its phrase, stays quiet otherwise, and respects themes."""

from __future__ import annotations

import pytest

from mockint.redflags import RULES, find_red_flags, rules_for


def kinds(text: str, themes: tuple[str, ...] | None = None) -> list[str]:
    return [hit.rule.kind for hit in find_red_flags(text, themes)]


@pytest.mark.parametrize(
    ("kind", "text"),
    [
        ("blame", "The launch slipped because my team didn't execute."),
        ("blame", "Honestly it was their fault, not mine."),
        ("avoided_conflict", "I just went along with it to avoid conflict."),
        ("avoided_conflict", "I didn't want to rock the boat, so I kept quiet."),
        ("escalated_first", "I immediately escalated to his manager."),
        ("escalated_first", "I escalated it to her director and waited."),
        ("proved_them_wrong", "They were clearly wrong and I proved it with a benchmark."),
        ("no_failure", "To be honest I can't think of a failure."),
        ("trivial_failure", "Once I was late to a meeting with a client."),
        ("trivial_failure", "My biggest failure is that I work too hard."),
    ],
)
def test_rule_fires_on_its_phrase(kind: str, text: str) -> None:
    assert kind in kinds(text)


@pytest.mark.parametrize(
    "text",
    [
        "I owned the mistake, rolled back and wrote the postmortem myself.",
        "I disagreed, so I wrote up my reasons and we talked it through in a one on one.",
        "I sat down with him first. When that did not resolve it, I escalated to his manager.",
        "My biggest failure was a migration I rushed, which took checkout down for an hour.",
        "They were worried about the risk, so I ran a benchmark with them.",
    ],
)
def test_no_flag_on_healthy_answers(text: str) -> None:
    assert kinds(text) == []


def test_quotes_the_sentence_that_tripped_the_rule() -> None:
    hits = find_red_flags("We had a plan. My team didn't deliver on it. I moved on.")
    assert [h.sentence for h in hits] == ["My team didn't deliver on it."]


def test_theme_rules_apply_only_to_their_themes() -> None:
    text = "I went along with it to avoid conflict. I can't think of a failure."
    assert kinds(text, ("mentorship",)) == []
    assert kinds(text, ("conflict resolution",)) == ["avoided_conflict"]
    assert kinds(text, ("failure and learning",)) == ["no_failure"]
    assert sorted(kinds(text)) == ["avoided_conflict", "no_failure"]  # theme unknown: all rules


def test_blame_applies_to_every_theme() -> None:
    assert kinds("It was their fault.", ("mentorship",)) == ["blame"]
    assert {r.kind for r in rules_for(("mentorship",))} == {"blame"}
    assert rules_for(None) == RULES
