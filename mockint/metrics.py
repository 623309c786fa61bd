"""Find quantified results in spoken text: percentages, money, counts, durations, before/after."""

from __future__ import annotations

import re

# Numbers as a transcriber writes them ("12", "1,200", "2.5") or as people say them.
_NUMBER_WORDS = (
    "two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|"
    "sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|"
    "ninety|hundred|a hundred|one hundred|a thousand|thousands|hundreds|a dozen|dozens|"
    "one|a million|millions|half a million|a billion|billions"
)
_DIGITS = r"(?:\d{1,3}(?:\s?,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)"  # "3,000", "3 ,000", "2.5"
_NUM = rf"(?:{_DIGITS}|(?:{_NUMBER_WORDS})(?:[- ](?:{_NUMBER_WORDS}))*)"
_SCALE = r"(?:\s?(?:k|m|mm|bn|b|thousand|million|billion)\b)?"
_APPROX = (
    r"(?:(?:roughly|about|around|approximately|nearly|almost|over|under|more than|less than|"
    r"at least|up to|on the order of|some|by)\s+){0,2}"
)

_TIME_UNITS = (
    r"ms|milliseconds?|seconds?|secs?|minutes?|mins?|hours?|hrs?|days?|weeks?|months?|"
    r"quarters?|years?|sprints?"
)
_COUNT_NOUNS = (
    r"users?|customers?|clients?|engineers?|developers?|people|members?|hires?|reports?|"
    r"requests?|queries|query|transactions?|orders?|signups?|sign-ups?|downloads?|sessions?|"
    r"incidents?|outages?|bugs?|defects?|tickets?|pages?|alerts?|tests?|deploys?|deployments?|"
    r"releases?|services?|servers?|machines?|nodes?|teams?|countries|regions?|markets?|"
    r"accounts?|lines?|points?|stars?|applications?|apps?|percentage points?|escalations?|"
    r"complaints?|errors?|failures?|crashes|crash|records?|rows?|events?|messages?|calls?|"
    r"tb|gb|mb|terabytes?|gigabytes?|megabytes?|qps|rps|rpm|nps|dollars?|euros?|pounds?|bucks"
)
_UNIT = rf"(?:{_TIME_UNITS}|{_COUNT_NOUNS})"
# Allow one describing word between the number and its noun: "3 senior engineers", "2 P0 incidents".
_QUALIFIED_UNIT = rf"(?:[a-z0-9-]+\s+)?{_UNIT}\b"
_RATE = rf"(?:\s*(?:/|per|a|an|each|every)\s*(?:{_TIME_UNITS}|release|deploy|user|request))?"
_AMOUNT = rf"[$€£]?{_NUM}{_SCALE}(?:\s*%|\s+percent)?(?:\s+{_QUALIFIED_UNIT})?{_RATE}"

_PATTERNS = (
    # before -> after: "from 4 hours to 15 minutes", "from 3/month to 1/quarter"
    rf"\bfrom\s+{_APPROX}{_AMOUNT}\s+(?:to|down to|up to|into)\s+{_APPROX}{_AMOUNT}",
    # percentages
    rf"{_APPROX}{_NUM}\s*(?:%|percent\b|per cent\b|percentage points?\b)",
    # money with a currency sign
    rf"{_APPROX}[$€£]\s?{_NUM}{_SCALE}",
    # multipliers: "10x", "three times faster"
    rf"{_APPROX}\b\d+(?:\.\d+)?\s?x\b",
    rf"{_APPROX}\b{_NUM}\s*(?:times|fold)\s+(?:faster|slower|more|less|fewer|cheaper|bigger|"
    r"larger|smaller|higher|lower|the)\b",
    r"\b(?:doubled|tripled|quadrupled|halved|tenfold|in half|by half)\b",
    # counts, durations and rates with a unit
    rf"{_APPROX}\b{_NUM}{_SCALE}\s+{_QUALIFIED_UNIT}{_RATE}",
    # scale: a big number and what it counts ("3,000 loads", "250 stores")
    r"\b(?:\d{1,3}(?:\s?,\d{3})+|\d{3,})\s+(?!(?:of|and|or|to|in|on|at|we|i|the|a|when|"
    r"because|so|but)\b)[a-z]+",
    # bare rates: "3/month", "1 per quarter"
    rf"\b{_NUM}\s*(?:/|per)\s*(?:{_TIME_UNITS})\b",
)
_METRIC = re.compile("|".join(f"(?:{p})" for p in _PATTERNS), re.IGNORECASE)


def _is_metric(phrase: str) -> bool:
    bare = re.sub(_APPROX, "", phrase, count=1, flags=re.IGNORECASE)
    if re.match(r"(?:19|20)\d\d\b", bare):  # a year ("in 2019 we moved"), not an amount
        return False
    # "one day", "a week", "an engineer": ordinary speech, not a measured outcome.
    return not (
        re.match(r"(?:one|a|an)\b", bare, re.IGNORECASE)
        and not re.search(r"\d|%|[$€£]|percent|hundred|thousand|million|billion|dozen", bare)
    )


# "Two years ago I joined…" dates the story; it does not measure anything.
_AGO = re.compile(r"\s+ago\b", re.IGNORECASE)


def _spans(text: str) -> list[tuple[int, int]]:
    # Try a match at every word start so the widest phrase wins over a shorter earlier one.
    spans: list[tuple[int, int]] = []
    for start in range(len(text)):
        if start and (text[start - 1].isalnum() or text[start].isspace()):
            continue
        match = _METRIC.match(text, start)
        if (
            match
            and match.end() > start
            and _is_metric(match.group(0).strip())
            and not _AGO.match(text, match.end())
        ):
            spans.append((start, match.end()))
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start < merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def find_metrics(text: str) -> tuple[str, ...]:
    """Quantified phrases in `text`, in order, as spoken ("from 4 hours to 15 minutes", "30%")."""
    cleaned = text.replace("\u2019", "'")
    return tuple(cleaned[start:end].strip(" ,.;:") for start, end in _spans(cleaned))
