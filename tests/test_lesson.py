"""has_lesson: an answer that closes on what was learned or changed."""

from __future__ import annotations

import pytest

from mockint.lesson import has_lesson


@pytest.mark.parametrize(
    "text",
    [
        "That experience taught me to agree on success criteria first.",
        "The lesson for me was to measure before proposing a fix.",
        "What I took away is to start with the incident data.",
        "Since then I always write the rollback plan before the rollout.",
        "Looking back, I would involve support much earlier.",
        "I learned to ask what is needed on day one.",
        "Next time I would pair with the data team from the start.",
    ],
)
def test_recognises_a_lesson(text: str) -> None:
    assert has_lesson(text)


@pytest.mark.parametrize(
    "text",
    [
        "And that's what happened.",
        "It went really well and everyone was happy.",
        "It just didn't work out.",
        "I didn't really learn much from it.",
        "We shipped it on the Friday.",
    ],
)
def test_no_lesson(text: str) -> None:
    assert not has_lesson(text)
