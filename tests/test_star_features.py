"""The segmenter's units and cues on hand-built sentences."""

from __future__ import annotations

from mockint.model import Word
from mockint.star_features import (
    FEATURE_NAMES,
    Unit,
    cue_features,
    split_units,
    unit_feature_rows,
)


def _words(text: str, gaps: dict[int, float] | None = None) -> list[Word]:
    words, t = [], 0.0
    for i, token in enumerate(text.split()):
        t += (gaps or {}).get(i, 0.0)
        words.append(Word(token, round(t, 2), round(t + 0.3, 2)))
        t += 0.4
    return words


def _unit(text: str) -> Unit:
    return Unit(0, len(text.split()), text)


def _texts(words: list[Word]) -> list[str]:
    return [u.text for u in split_units(words)]


def test_units_are_cut_at_full_stops_and_long_pauses():
    words = _words("We had a problem. I fixed it over two weeks and then I wrote it up", {10: 1.2})
    assert _texts(words) == [
        "We had a problem.",
        "I fixed it over two weeks",
        "and then I wrote it up",
    ]


def test_a_recogniser_that_drops_the_full_stop_but_keeps_the_capital_still_gets_a_cut():
    words = _words("his crash rate was basically zero We closed the deal in May")
    assert _texts(words) == ["his crash rate was basically zero", "We closed the deal in May"]


def test_a_quoted_sentence_end_is_a_sentence_end():
    words = _words("She said 'we will crash.' So I rolled back.")
    assert _texts(words) == ["She said 'we will crash.'", "So I rolled back."]


def test_proper_names_do_not_cut_a_sentence():
    assert len(split_units(_words("I flew to Berlin with Dana to meet the team."))) == 1


def test_a_sentence_without_its_i_reads_as_an_action():
    assert cue_features(_unit("Wrote the migration myself."))["starts_with_verb"] == 1.0
    assert cue_features(_unit("So then rebuilt the cache layer."))["starts_with_verb"] == 1.0
    assert cue_features(_unit("The cache was slow."))["starts_with_verb"] == 0.0
    assert cue_features(_unit("Needed a plan."))["starts_with_verb"] == 0.0


def test_who_opens_the_sentence_is_a_cue():
    assert cue_features(_unit("So, um, I called five customers."))["starts_with_i"] == 1.0
    assert cue_features(_unit("And we shipped it."))["starts_with_we"] == 1.0
    assert cue_features(_unit("The team shipped it."))["starts_with_i"] == 0.0


def test_result_told_first_is_marked_up_to_the_pivot():
    texts = [
        "We cut checkout latency by half.",
        "Let me back up.",
        "I was on the payments team.",
        "I profiled the service.",
    ]
    words = _words(" ".join(texts))
    units = split_units(words)
    before = FEATURE_NAMES.index("before_pivot")
    assert [row[before] for row in unit_feature_rows(units)] == [1.0, 0.0, 0.0, 0.0]


def test_a_pivot_late_in_the_answer_is_not_a_result_first_opening():
    texts = ["I joined a team.", "It was slow.", "We had outages.", "I was asked to fix it."]
    texts += ["I measured it.", "Here's how I did that.", "I wrote a plan."]
    units = split_units(_words(" ".join(texts)))
    before = FEATURE_NAMES.index("before_pivot")
    assert all(row[before] == 0.0 for row in unit_feature_rows(units))


def test_a_pivot_still_counts_when_the_recogniser_drops_its_ll():
    for pivot in ("I'll walk you through how we did it.", "I walk you through how we did it."):
        assert cue_features(_unit(pivot))["pivot"] == 1.0, pivot
        assert cue_features(_unit(pivot))["result_first_cue"] >= 1.0, pivot


def test_a_pivot_whose_full_stop_was_dropped_still_ends_its_unit():
    heard = _words(
        "We cut the cloud bill by a million a year, and I walk you through how we were "
        "an ad tech company with nine hundred servers."
    )
    texts = _texts(heard)
    assert texts[0].endswith("and I walk you through how"), texts
    assert texts[1].startswith("we were an ad tech company"), texts


def test_a_pivot_that_closes_its_own_sentence_is_not_cut_off_it():
    for sentence in (
        "We cut the cloud bill by a million a year, and I will walk you through how we did it.",
        "So the result was that we lost the customer, that's how this one ends.",
    ):
        assert _texts(_words(sentence)) == [sentence]


def test_a_pivot_deep_into_the_answer_does_not_cut():
    story = " ".join(["We had a slow build and nobody owned it."] * 9)
    texts = _texts(_words(f"{story} It got fixed and I walk you through how we were a team."))
    assert texts[-1] == "It got fixed and I walk you through how we were a team."
