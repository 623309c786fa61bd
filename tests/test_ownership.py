"""Ownership: "I" against "we", and the sentences that hide who did the work."""

from __future__ import annotations

from mockint.ownership import pronoun_counts, we_sentences


def test_we_sentences_quotes_team_only_sentences() -> None:
    text = "We decided to rewrite the service. We chose Go. I led the API design."
    assert we_sentences(text) == ("We decided to rewrite the service.", "We chose Go.")


def test_sentence_with_both_i_and_we_is_not_flagged() -> None:
    assert we_sentences("I proposed the rewrite and we built it together.") == ()


def test_our_as_context_is_not_we_as_subject() -> None:
    assert we_sentences("Our service kept crashing at night.") == ()


def test_contractions_and_curly_apostrophes_count() -> None:
    assert we_sentences("We\u2019ve shipped it on time.") == ("We\u2019ve shipped it on time.",)
    assert we_sentences("We'd split it, and I\u2019d review every change.") == ()


def test_pronoun_counts() -> None:
    assert pronoun_counts("I asked my lead, we agreed, and our team shipped it with me.") == (3, 2)
    assert pronoun_counts("The service was slow.") == (0, 0)
