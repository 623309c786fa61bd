"""Pure: split timed words into sentence units and describe each unit by STAR cues.

The cues come from how interviewers describe the four phases: context told as "we" in the
past (Situation), a stated responsibility (Task), "I" plus action verbs and sequencing
(Action), outcomes, numbers, comparisons and lessons (Result). Each feature is a small
number; a linear model over them (star_model.py) turns a unit into phase scores.
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType

from mockint.model import Word

# A unit longer than this many words is cut again at a clause joint, because speakers
# often run a Task into its first Action within one breath.
MAX_UNIT_WORDS = 40
PAUSE_CUT_S = 0.9


@dataclass(frozen=True, slots=True)
class Unit:
    """A sentence-like run of words[first:end], the thing the segmenter labels."""

    first: int
    end: int
    text: str


def _ends_sentence(text: str) -> bool:
    return text.rstrip("\"')”’").endswith((".", "?", "!"))


def split_units(words: Sequence[Word]) -> tuple[Unit, ...]:
    """Sentences by punctuation, also cut at long pauses and, if long, at clause joints."""
    cuts = [0]
    for i, word in enumerate(words[:-1]):
        gap_s = words[i + 1].start_s - word.end_s
        long_pause = gap_s >= PAUSE_CUT_S and i + 1 - cuts[-1] >= 4
        if _ends_sentence(word.text) or long_pause or _starts_sentence(words[i + 1].text):
            cuts.append(i + 1)
    cuts.append(len(words))
    bounds: list[tuple[int, int]] = []
    for first, end in zip(cuts, cuts[1:], strict=False):
        if end > first:
            for part in _split_at_pivot(words, first, end):
                bounds.extend(_split_long(words, *part))
    return tuple(unit_of(words, first, end) for first, end in bounds)


def unit_of(words: Sequence[Word], first: int, end: int) -> Unit:
    """The unit of words[first:end]."""
    return Unit(first, end, " ".join(w.text for w in words[first:end]))


# Capitalised words that almost only open a sentence: a recogniser sometimes drops the full
# stop between two sentences but keeps the capital ("…was basically zero We closed…").
_SENTENCE_OPENERS = frozenset(
    "We The So And But Then It That This Our My After In Each There They He She Now When "
    "Once What Which Also Finally Next First Second Third Looking Basically Honestly".split()
)


def _starts_sentence(text: str) -> bool:
    return text.strip("\"'(") in _SENTENCE_OPENERS


_CLAUSE_JOINT = re.compile(r"^(so|and|but|then|which|because|after|once|when)$", re.I)


def _split_long(words: Sequence[Word], first: int, end: int) -> list[tuple[int, int]]:
    if end - first <= MAX_UNIT_WORDS:
        return [(first, end)]
    middle = (first + end) // 2
    # The clause joint nearest the middle: a word after a comma, or a joining word.
    candidates = [
        i
        for i in range(first + 8, end - 8)
        if words[i - 1].text.endswith((",", ";", ":", "—")) or _CLAUSE_JOINT.match(words[i].text)
    ]
    if not candidates:
        return [(first, end)]
    cut = min(candidates, key=lambda i: abs(i - middle))
    return _split_long(words, first, cut) + _split_long(words, cut, end)


# Where a pivot can still hand over to the story: it comes in the opening breaths.
_PIVOT_REACH_WORDS = 80


def _split_at_pivot(words: Sequence[Word], first: int, end: int) -> list[tuple[int, int]]:
    """Cut a sentence right after a pivot inside it ("…cut the bill by a million a year, and
    I'll walk you through how | we were an ad-tech company…"): a recogniser that misses the
    full stop after the pivot joins the result told first to the situation that follows."""
    if first >= _PIVOT_REACH_WORDS:
        return [(first, end)]
    for cut in range(first + 4, end - 3):
        # The longest pivot is seven words, so only the words just before the cut matter.
        if _PIVOT_AT_END.search(_norm(" ".join(w.text for w in words[max(first, cut - 8) : cut]))):
            # The pivot's own tail ("…walk you | through how") stays with it.
            while cut < end and words[cut].text.lower().strip(".,") in ("through", "how"):
                cut += 1
            if end - cut >= 4:
                return [(first, cut), (cut, end)]
            break
    return [(first, end)]


def _norm(text: str) -> str:
    text = text.lower().replace("’", "'")
    return " " + re.sub(r"[^a-z0-9%$'\s.]", " ", text).replace(". ", " ") + " "


def _count(pattern: re.Pattern[str], text: str) -> int:
    return len(pattern.findall(text))


def _rx(*alternatives: str) -> re.Pattern[str]:
    return re.compile(r"(?<![a-z'])(?:" + "|".join(alternatives) + r")(?![a-z'])")


I_WORDS = _rx("i", "i'm", "i'd", "i've", "i'll", "me", "my", "myself", "mine")
WE_WORDS = _rx("we", "we're", "we'd", "we've", "our", "us", "ourselves")
THEY_WORDS = _rx("they", "their", "them", "he", "she", "his", "her", "the team", "everyone")

SETTING = _rx(
    r"at the time",
    r"back (?:in|then|when)",
    r"(?:a|two|three|few|couple of) (?:years|months) ago",
    r"when i (?:joined|started|was)",
    r"i was (?:a|an|the) [a-z]+",
    r"i was working",
    r"i worked",
    r"was (?:a|an) [a-z]+ (?:company|startup|team)",
    r"we (?:had|were|used to)",
    r"there (?:was|were)",
    r"used to",
    r"had been",
    r"was (?:running|growing|struggling|using|built|based)",
    r"(?:our|the) (?:company|team|org|organization|product|platform|system|service|startup)",
    r"in 20[0-9][0-9]",
    r"previous (?:job|company|role|team)",
    r"last (?:job|company|role)",
    r"every (?:week|day|month|release|time)",
    r"legacy",
    r"context",
    r"background",
    r"the (?:problem|issue|challenge) was",
    r"was (?:slow|broken|flaky|painful|unclear|late)",
    r"(?:customers|users) (?:were|kept|had)",
    r"kept (?:failing|breaking|slipping|growing)",
)
TASK = _rx(
    r"my (?:job|role|task|goal|responsibility|mandate|mission|assignment|charter|focus)",
    r"i was (?:asked|tasked|responsible|assigned|charged|given|brought in|hired|expected)",
    r"i was put in charge",
    r"i (?:needed|had|wanted|was supposed|decided|volunteered|offered|agreed) to",
    r"(?:asked|wanted|needed) me to",
    r"it was (?:up to|on) me",
    r"fell to me",
    r"on the hook",
    r"i owned",
    r"i (?:took|picked) (?:it|this|that|ownership) ?(?:on|up)?",
    r"i was the one",
    r"the goal was",
    r"goal was to",
    r"(?:needed|had) to (?:figure out|find|get|make|decide|deliver)",
    r"was on me",
    r"own(?:ed|ing)? the",
    r"i'm responsible",
    r"in charge of",
    r"lead(?:ing)? the effort",
    r"(?:was|were|is) (?:mine|yours)",
    r"my call",
    r"i(?:'m| am) the one",
    r"has to (?:figure|decide|find|fix|get|make)",
)
SEQUENCE = _rx(
    r"first",
    r"firstly",
    r"second",
    r"secondly",
    r"third",
    r"next",
    r"then",
    r"after that",
    r"finally",
    r"one",
    r"two",
    r"three",
    r"step",
    r"also",
    r"meanwhile",
    r"from there",
    r"so i",
    r"and i",
    r"at that point",
    r"the next",
    r"once",
    r"started by",
    r"to start",
)
I_ACTS = re.compile(
    r"(?<![a-z'])(?:i|we)"
    r"(?: (?:then|also|first|personally|actually|quickly|immediately|eventually|just))?"
    r" (?:[a-z]+ed|wrote|built|set|ran|met|took|made|sat|put|went|got|told|gave|brought|began|"
    r"drove|led|spoke|sent|held|dug|found|chose|kept|broke|spent|did|laid|sought|paired|"
    r"start|go|sit|write|build|set|run|pull|call|ask|tell|propose|schedule|create|talk|reach|"
    r"pair|push|get|put|take|make|decide|bring|work|spend|dig|look)(?![a-z'])"
)
OUTCOME = _rx(
    r"as a result",
    r"in the end",
    r"ultimately",
    r"the result",
    r"the outcome",
    r"ended up",
    r"by the end",
    r"since then",
    r"to this day",
    r"today",
    r"now",
    r"afterwards",
    r"after (?:that|launch)",
    r"went (?:from|down|up)",
    r"dropped",
    r"reduced",
    r"increased",
    r"improved",
    r"cut",
    r"saved",
    r"grew",
    r"down to",
    r"up from",
    r"fell",
    r"rose",
    r"doubled",
    r"halved",
    r"tripled",
    r"shipped",
    r"launched",
    r"delivered",
    r"on time",
    r"promoted",
    r"praised",
    r"recogni[sz]ed",
    r"adopted",
    r"became",
    r"success(?:ful)?",
    r"paid off",
    r"worked",
    r"never (?:again|had)",
    r"zero",
    r"fewer",
    r"faster",
    r"less",
    r"more than",
    r"impact",
    r"win",
    r"won",
)
LESSON = _rx(
    r"learn(?:ed|t)",
    r"lesson",
    r"taught me",
    r"takeaway",
    r"took away",
    r"in hindsight",
    r"looking back",
    r"next time",
    r"differently",
    r"i now",
    r"i always",
    r"i've since",
    r"changed (?:how|the way)",
    r"what i took",
    r"stuck with me",
    r"i realized",
    r"realised",
    r"reminded me",
    r"i'd do",
    r"i would (?:have|do)",
    r"if i did it again",
    r"going forward",
)
NUMBER = re.compile(
    r"(?<![a-z])(?:\$?\d[\d,.]*\s?(?:%|percent|x|k|m|ms|million|thousand|hours?|days?|weeks?|"
    r"minutes?|seconds?|months?)?|half|twice|double|triple|"
    r"(?:ten|twenty|thirty|forty|fifty|hundred|thousand|million)s?)(?![a-z])"
)
COMPARISON = _rx(
    r"from [^ ]+ (?:[^ ]+ )?to",
    r"down from",
    r"up from",
    r"compared to",
    r"versus",
    r"(?:faster|slower|cheaper|better|fewer|lower|higher) than",
    r"percent",
    r"%",
)
PAST_STATE = _rx(r"was", r"were", r"had", r"wasn't", r"weren't", r"didn't have")
FUTURE_MODAL = _rx(r"would", r"could", r"should", r"might", r"will", r"going to")
OPENER = _rx(r"so", r"basically", r"okay", r"yeah", r"well", r"alright", r"um", r"uh")
# Everyday ways of announcing the ending before telling the story ("Long story short, we
# never missed a settlement again.").
ANNOUNCED_ENDING = (
    r"long story short",
    r"spoiler",
    r"(?:the )?bottom line",
    r"(?:the )?upshot",
    r"cut to the chase",
    r"the headline",
    r"in a nutshell",
    r"start with the (?:end|ending|outcome|result)",
)
RESULT_FIRST = _rx(
    r"let me (?:explain|walk|back up|tell|start|go back|rewind)",
    r"i (?:will|can|should) (?:explain|walk|tell|back up|go back|start)",
    r"(?:here's|here is) (?:how|what|the story)",
    r"back up",
    r"to explain",
    r"here's how",
    r"how (?:that|it|we) (?:happened|came|got)",
    r"the short version",
    r"i'll (?:walk|explain|tell)",
    # A recogniser often drops the "'ll" of "I'll walk you through…".
    r"i walk you through",
    r"(?:the )?(?:end|net) result",
    *ANNOUNCED_ENDING,
)

# A short sentence that hands over from an outcome told first to the story behind it.
PIVOT = _rx(
    r"let me (?:back up|explain|start|go back|rewind|walk you|tell you (?:how|what|the))",
    r"i(?:'ll| will| can) (?:explain|walk you|tell you how|back up|go back|start (?:with|from|at))",
    r"i walk you through",
    r"(?:here's|here is|this is) (?:how|what happened|the story|where it)",
    r"how (?:it|that|this|we|i) (?:happened|started|began|came|got|went)",
    r"(?:the )?short version",
    r"that's (?:the|where it) (?:failure|result|outcome|ending|ends|punchline)",
    r"the how",
    r"how we got (?:there|here)",
    r"(?:rewind|back up) a (?:bit|little)",
    r"(?:that's|that is) how (?:this|it|that|the story) (?:one )?(?:ends|ended)",
    # An announced ending hands over the same way: the story comes next.
    *ANNOUNCED_ENDING,
)
_PIVOT_AT_END = re.compile(r"(?:" + PIVOT.pattern + r")\s*$")
# Words a speaker puts before the first real word of a sentence.
_LEAD_IN = {
    "so",
    "and",
    "but",
    "then",
    "also",
    "um",
    "uh",
    "like",
    "well",
    "okay",
    "ok",
    "basically",
    "first",
    "next",
    "finally",
    "after",
    "that",
    "second",
    "third",
    "yeah",
    "oh",
    "just",
}
# Past-tense verbs that do not end in -ed: a sentence that opens with one has dropped its
# "I" ("Wrote the migration myself."), the clipped way people list what they did.
_IRREGULAR_PAST = frozenset(
    "wrote built set ran met took made sat put went got told gave brought began drove led "
    "spoke sent held dug found chose kept broke spent did laid sought paid rewrote rebuilt "
    "redid threw caught taught thought bought sold shut cut split read fought won".split()
)
_NOT_ACTIONS = frozenset("needed wanted used seemed supposed based called named".split())
REPORTED_SPEECH = _rx(
    r"said",
    r"says",
    r"told (?:me|him|her|them|us)",
    r"asked (?:him|her|them|if|whether)",
    r"i'm like",
    r"was like",
    r"goes",
)
PRESENT_STATE = _rx(
    r"is",
    r"are",
    r"still",
    r"now",
    r"today",
    r"to this day",
    r"these days",
    r"has been",
    r"have been",
    r"ever since",
)


def _first_word(text: str) -> str:
    """The first word that is not a lead-in ("so", "and then", "um")."""
    for token in text.split():
        token = token.strip(".,;:!?\"'")
        if token and token not in _LEAD_IN:
            return token
    return ""


CUE_NAMES: tuple[str, ...] = (
    "i_rate",
    "we_rate",
    "they_rate",
    "setting",
    "task",
    "sequence",
    "i_acts",
    "outcome",
    "lesson",
    "number",
    "comparison",
    "past_state",
    "future_modal",
    "opener",
    "result_first_cue",
    "question",
    "i_minus_we",
    "log_len",
    "pivot",
    "starts_with_i",
    "starts_with_we",
    "starts_with_verb",
    "reported_speech",
    "present_state",
)
# Cues of the neighbouring units: a Task sentence is the one right before the actions start.
CONTEXT_CUES: tuple[str, ...] = (
    "setting",
    "task",
    "i_acts",
    "sequence",
    "outcome",
    "lesson",
    "number",
)
FEATURE_NAMES: tuple[str, ...] = (
    "bias",
    "pos",
    "pos2",
    "word_pos",
    "is_first",
    "is_last",
    "near_end",
    "opening_outcome",
    "before_pivot",
    *CUE_NAMES,
    *(f"prev_{name}" for name in CONTEXT_CUES),
    *(f"next_{name}" for name in CONTEXT_CUES),
)


_TOKEN = re.compile(r"[a-z']+")


def unit_tokens(unit: Unit) -> frozenset[str]:
    """The distinct lower-case words of a unit, for the model's small common-word vocabulary."""
    return frozenset(_TOKEN.findall(unit.text.lower().replace("’", "'")))


def cue_features(unit: Unit) -> Mapping[str, float]:
    """What one unit says about its phase, from its words alone."""
    return _cues(unit.text, max(1, unit.end - unit.first))


# Cached because the segmenter scores the same sentences again while it looks for a comma
# to move a change of phase to; read-only because every caller shares the one copy.
@functools.lru_cache(maxsize=4096)
def _cues(unit_text: str, n_words: int) -> Mapping[str, float]:
    text = _norm(unit_text)
    rate = 10.0 / n_words  # cue counts per ten words, so long sentences do not dominate
    first = _first_word(text)
    i_rate = _count(I_WORDS, text) * rate
    we_rate = _count(WE_WORDS, text) * rate
    return MappingProxyType(
        {
            "i_rate": i_rate,
            "we_rate": we_rate,
            "they_rate": _count(THEY_WORDS, text) * rate,
            "setting": min(3, _count(SETTING, text)),
            "task": min(3, _count(TASK, text)),
            "sequence": min(3, _count(SEQUENCE, text)),
            "i_acts": min(3, _count(I_ACTS, text)),
            "outcome": min(3, _count(OUTCOME, text)),
            "lesson": min(3, _count(LESSON, text)),
            "number": min(3, _count(NUMBER, text)),
            "comparison": min(3, _count(COMPARISON, text)),
            "past_state": _count(PAST_STATE, text) * rate,
            "future_modal": _count(FUTURE_MODAL, text) * rate,
            "opener": 1.0 if OPENER.match(text.strip()) else 0.0,
            "result_first_cue": min(2, _count(RESULT_FIRST, text)),
            "question": 1.0 if "?" in unit_text else 0.0,
            "i_minus_we": i_rate - we_rate,
            "log_len": math.log(n_words),
            "pivot": 1.0 if PIVOT.search(text) and n_words <= 40 else 0.0,
            "starts_with_i": 1.0 if first in ("i", "i've", "i'd", "me", "myself") else 0.0,
            "starts_with_we": 1.0 if first in ("we", "we've", "we'd", "our", "us") else 0.0,
            "starts_with_verb": 1.0 if _looks_past_verb(first) else 0.0,
            "reported_speech": min(2, _count(REPORTED_SPEECH, text)),
            "present_state": _count(PRESENT_STATE, text) * rate,
        }
    )


# For measurements that must start cold.
clear_cue_cache = _cues.cache_clear


def _looks_past_verb(word: str) -> bool:
    if word in _NOT_ACTIONS:
        return False
    return word in _IRREGULAR_PAST or (len(word) > 4 and word.endswith("ed"))


def _opening_outcome(cues: Mapping[str, float]) -> float:
    return min(
        3.0, cues["outcome"] + cues["number"] + cues["comparison"] + 2 * cues["result_first_cue"]
    )


def unit_feature_rows(units: Sequence[Unit]) -> list[tuple[float, ...]]:
    """One feature vector per unit, in FEATURE_NAMES order: position, own cues, neighbours'."""
    cues = [cue_features(unit) for unit in units]
    n_units = len(units)
    total_words = max(1, units[-1].end) if units else 1
    empty = dict.fromkeys(CONTEXT_CUES, 0.0)
    # "…and that's the outcome. Let me back up." — what comes before such a pivot near the
    # start is the result told first.
    pivot = next((i for i in range(min(5, n_units)) if cues[i]["pivot"]), -1)
    rows = []
    for i, unit in enumerate(units):
        pos = (i + 0.5) / n_units
        prev = cues[i - 1] if i > 0 else empty
        nxt = cues[i + 1] if i + 1 < n_units else empty
        rows.append(
            (
                1.0,
                pos,
                pos * pos,
                (unit.first + unit.end) / 2 / total_words,
                1.0 if i == 0 else 0.0,
                1.0 if i == n_units - 1 else 0.0,
                1.0 if i >= n_units - 2 else 0.0,
                # An outcome in the first breath is the classic "result first" opening.
                _opening_outcome(cues[i]) if i <= 1 else 0.0,
                1.0 if i < pivot else 0.0,
                *(cues[i][name] for name in CUE_NAMES),
                *(prev[name] for name in CONTEXT_CUES),
                *(nxt[name] for name in CONTEXT_CUES),
            )
        )
    return rows
