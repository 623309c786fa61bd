"""find_metrics: numbers that make a result concrete, and ordinary speech that has none."""

from __future__ import annotations

import pytest

from mockint.metrics import find_metrics


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Conversion went up by 12% in a quarter.", "by 12%"),
        ("That was worth approximately $2M a year.", "approximately $2M a year"),
        ("Deploys went from 4 hours to 15 minutes.", "from 4 hours to 15 minutes"),
        ("We handled 10x the traffic on launch day.", "10x"),
        ("I grew the team from 3 to 12 engineers.", "from 3 to 12 engineers"),
        ("P0 incidents fell from 3/month to 1/quarter.", "from 3/month to 1/quarter"),
        ("It saved 20 hours per week of manual work.", "20 hours per week"),
        ("NPS rose by 15 points.", "by 15 points"),
        ("It cut costs by roughly 30 percent.", "by roughly 30 percent"),
        ("on the order of $500K in licences", "on the order of $500K"),
        ("about twelve percent fewer tickets", "about twelve percent"),
        ("the new path was three times faster", "three times faster"),
        ("we cut the p99 in half", "in half"),
        ("The customer booked 3 ,000 loads in a month.", "3 ,000 loads"),
        ("errors dropped from 300 a day to under 20 a week", "from 300 a day to under 20 a week"),
        ("latency went from 800 ms to 120 ms", "from 800 ms to 120 ms"),
    ],
)
def test_finds_quantified_outcomes(text: str, expected: str) -> None:
    assert expected in find_metrics(text)


@pytest.mark.parametrize(
    "text",
    [
        "It went really well and everyone was happy.",
        "One of the engineers helped me one day.",
        "I tried two times before it worked.",
        "In 2019 I joined a small team.",
        "Two years ago I was on the checkout team.",
        "About 18 months ago we moved to Kubernetes.",
        "We moved from Java to Go.",
        "It was a big improvement for the whole team.",
        "",
    ],
)
def test_ignores_speech_without_a_measured_outcome(text: str) -> None:
    assert find_metrics(text) == ()


def test_returns_every_metric_in_order() -> None:
    text = "Latency fell by 40%, which saved about $3K a month and 10 hours a week."
    found = find_metrics(text)
    assert found[0] == "by 40%"
    assert len(found) == 3
    assert [text.index(f) for f in found] == sorted(text.index(f) for f in found)
