"""Who did it: count "I" against "we" and find sentences told only as the team."""

from __future__ import annotations

from mockint.textutil import sentences, tokens

I_WORDS = frozenset({"i", "i'm", "i've", "i'd", "i'll", "me", "my", "myself", "mine"})
WE_WORDS = frozenset({"we", "we're", "we've", "we'd", "we'll", "us", "our", "ours", "ourselves"})
# Only these make a sentence "told as we": "our" alone ("our service crashed") is context.
_WE_SUBJECTS = frozenset({"we", "we're", "we've", "we'd", "we'll"})


def pronoun_counts(text: str) -> tuple[int, int]:
    """(first-person singular, first-person plural) word counts."""
    words = tokens(text)
    return sum(w in I_WORDS for w in words), sum(w in WE_WORDS for w in words)


def we_sentences(text: str) -> tuple[str, ...]:
    """Sentences with "we" as subject and no "I", "me" or "my": nobody can tell who acted."""
    found = []
    for sentence in sentences(text):
        words = set(tokens(sentence))
        if words & _WE_SUBJECTS and not words & I_WORDS:
            found.append(sentence)
    return tuple(found)
