"""Does an answer close with what the speaker learned or now does differently?"""

from __future__ import annotations

import re

from mockint.textutil import normalise

_LESSON = re.compile(
    r"\b(?:"
    r"learn(?:ed|t|ing)?|lessons?|taught me|teach(?:es)? me|takeaways?|take away|"
    r"reali[sz]ed|i now\b|now i\b|these days i|since then|ever since|from then on|"
    r"going forward|next time|in hindsight|looking back|in retrospect|"
    r"(?:would|i'd) do (?:it )?differently|do (?:it |things )?differently|"
    r"changed (?:how|the way) i|change(?:d)? my approach|made me (?:more|less|a better)|"
    r"reminded me|i always\b|i make sure|i've started|i started to|i never again|"
    r"stuck with me|the key insight|what i took (?:from|away)|took away|"
    r"i (?:now|always) (?:make sure|start|ask|check)"
    r")",
)
# "I didn't learn much", "no real lesson": mentioning a lesson is not having one.
_NO_LESSON = re.compile(
    r"\b(?:didn't|did not|don't|do not|never|nothing to|no real|no)\s+"
    r"(?:really\s+|much\s+|a\s+)?(?:learn|lesson|takeaway|change)",
)


def has_lesson(text: str) -> bool:
    """True when `text` says what was learned or what the speaker now does differently."""
    lowered = normalise(text)
    return bool(_LESSON.search(_NO_LESSON.sub(" ", lowered)))
