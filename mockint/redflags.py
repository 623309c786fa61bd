"""Phrases that make an interviewer wince, keyed by the question themes where they matter."""

from __future__ import annotations

import re
from dataclasses import dataclass

from mockint.textutil import normalise, sentences


@dataclass(frozen=True, slots=True)
class FlagRule:
    """One red flag: what it is called, the themes it belongs to (empty = any), how to spot it."""

    kind: str
    themes: frozenset[str]
    pattern: re.Pattern[str]
    message: str
    advice: str


CONFLICT_THEMES = frozenset(
    {"conflict resolution", "leading without authority", "cross-functional collaboration"}
)
FAILURE_THEMES = frozenset({"failure and learning"})

_WHO = r"(?:they|he|she|the team|my team|the other team|management|product|qa|the client|ops)"

RULES: tuple[FlagRule, ...] = (
    FlagRule(
        "blame",
        frozenset(),
        re.compile(
            rf"\b(?:(?:it|that) was(?:n't| not)? (?:all |really |entirely )?"
            rf"(?:their|his|her|the other team's|management's|product's) fault"
            rf"|(?:wasn't|was not|not) (?:really )?my fault"
            rf"|{_WHO} (?:dropped the ball|messed (?:it )?up|screwed (?:it )?up|let (?:me|us) down)"
            rf"|{_WHO} (?:didn't|did not|failed to|never) (?:execute|deliver|listen|do their job"
            rf"|follow through|test)"
            rf"|because (?:of )?(?:them|him|her|the other team|management)\b(?! and me)"
            rf"|nobody (?:listened|helped|told me))"
        ),
        "puts the failure on other people",
        "Say what part was yours and what you would do differently; leave the others' part "
        "implied.",
    ),
    FlagRule(
        "avoided_conflict",
        CONFLICT_THEMES,
        re.compile(
            r"\b(?:went along(?: with (?:it|that|them|him|her|the decision))?"
            r"|to avoid (?:a |any )?(?:conflict|confrontation|an argument|a fight|drama|friction)"
            r"|(?:didn't|did not) want to rock the boat"
            r"|kept (?:quiet|my mouth shut|my head down)"
            r"|(?:didn't|did not|never) (?:push back|speak up|say anything|raise it)"
            r"|let it (?:go|slide))"
        ),
        "goes along to keep the peace",
        "Show that you raised the disagreement directly, with your reasons, even if you then "
        "committed to the decision.",
    ),
    FlagRule(
        "escalated_first",
        CONFLICT_THEMES,
        re.compile(
            r"\b(?:(?:first|immediately|straight away|right away|directly)[, ]+"
            r"(?:i )?(?:escalated|went to (?:his|her|their|my) (?:manager|boss|director|vp|lead))"
            r"|(?:escalated|went) (?:it )?(?:straight|directly|right) (?:up )?to "
            r"(?:his|her|their|my)? ?(?:manager|boss|director|vp|lead|leadership))"
        ),
        "escalates before talking to the person",
        "Describe the direct conversation you had first; escalation reads well only as a last "
        "step.",
    ),
    FlagRule(
        "proved_them_wrong",
        frozenset({"conflict resolution", "technical leadership"}),
        re.compile(
            r"\b(?:(?:they|he|she) (?:were|was) (?:clearly|obviously|just|completely|simply) wrong"
            r"|i proved (?:them|him|her) wrong|i won the argument"
            r"|(?:they|he|she) (?:were|was) (?:an idiot|idiots|incompetent|clueless|stupid))"
        ),
        "frames the disagreement as winning against a person",
        "Talk about the problem and the outcome for the team, not about who was right.",
    ),
    FlagRule(
        "no_failure",
        FAILURE_THEMES,
        re.compile(
            r"\b(?:(?:can't|cannot|can not|couldn't) (?:really )?think of (?:a|any|one)"
            r"(?: real| big| major)? (?:failure|mistake|time i failed)"
            r"|(?:i've|i have) never (?:really )?(?:failed|made a (?:big |real )?mistake)"
            r"|(?:don't|do not) (?:really )?have (?:a|any) (?:real )?(?:failures?|mistakes?))"
        ),
        "claims to have no failure to talk about",
        "Pick a real miss with a cost: a slipped launch, an outage, a wrong call you made.",
    ),
    FlagRule(
        "trivial_failure",
        FAILURE_THEMES,
        re.compile(
            r"\b(?:late (?:to|for) (?:a|the|one) meeting|(?:i )?work(?:ed|ing)? too hard"
            r"|too much of a perfectionist|(?:i'm|i am|being) a perfectionist"
            r"|(?:i )?care(?:d)? too much|too detail[- ]oriented|a typo in)"
        ),
        "offers a trivial failure or a strength in disguise",
        "Choose a failure that cost the team or users something, and own your part in it.",
    ),
)


@dataclass(frozen=True, slots=True)
class FlagHit:
    rule: FlagRule
    sentence: str


def rules_for(themes: tuple[str, ...] | None) -> tuple[FlagRule, ...]:
    """Rules that apply to a question with these themes; every rule when the theme is unknown."""
    if themes is None:
        return RULES
    wanted = frozenset(themes)
    return tuple(r for r in RULES if not r.themes or r.themes & wanted)


_ESCALATION = re.compile(
    r"\b(?:escalat\w*|went (?:over (?:his|her|their) head|to (?:his|her|their) "
    r"(?:manager|boss|director|vp)))"
)
_DIRECT_TALK = re.compile(
    r"\b(?:talked|talk|spoke|speak|met|meet|sat down|1:1|one[- ]on[- ]one|asked (?:him|her|them)"
    r"|discussed|reached out|called (?:him|her|them)|walked (?:him|her|them) through"
    r"|conversation|face to face|in person|listened)"
)


def _escalated_before_talking(parts: tuple[str, ...]) -> str | None:
    """The escalating sentence, when no earlier sentence mentions talking to the person."""
    for index, sentence in enumerate(parts):
        if _ESCALATION.search(normalise(sentence)):
            earlier = " ".join(parts[: index + 1])
            head = normalise(earlier)[: normalise(earlier).rfind(normalise(sentence))]
            return None if _DIRECT_TALK.search(head) else sentence
    return None


def find_red_flags(text: str, themes: tuple[str, ...] | None = None) -> tuple[FlagHit, ...]:
    """Every sentence of `text` that trips a rule applying to `themes`, in order."""
    parts = sentences(text)
    hits: list[FlagHit] = []
    for rule in rules_for(themes):
        matched = [s for s in parts if rule.pattern.search(normalise(s))]
        if rule.kind == "escalated_first" and not matched:
            late = _escalated_before_talking(parts)
            matched = [late] if late else []
        hits.extend(FlagHit(rule, sentence) for sentence in matched)
    return tuple(hits)
