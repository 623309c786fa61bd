"""How the answer sounded: pace, filler words, long pauses and hedging, each with its time."""

from __future__ import annotations

from collections.abc import Sequence

from mockint.evidence import Evidence, clean, quote
from mockint.model import Word

# Passed to the transcriber as its initial prompt: Whisper copies the style of its prompt, and a
# prompt full of hesitations makes it keep "um" and "uh" that it otherwise tidies away.
# benchmarks/fillers.py measures the difference.
DISFLUENCY_PROMPT = "Umm, let me think, like, hmm... Okay, so, uh, here's what I'm, like, thinking."

# Share of spoken fillers the bundled model writes down with DISFLUENCY_PROMPT, measured by
# benchmarks/fillers.py on synthetic speech; real speech will differ, so reports say "roughly".
FILLER_RECALL_WITH_PROMPT = 0.79
FILLER_RECALL_WITHOUT_PROMPT = 0.16

LONG_PAUSE_S = 2.0
# A comfortable interview pace; outside it listeners either drift or struggle to keep up.
PACE_MIN_WPM = 120.0
PACE_MAX_WPM = 170.0

_SOUND_FILLERS = frozenset(
    {"um", "umm", "ummm", "uh", "uhh", "uhm", "er", "erm", "ah", "ahh", "hmm", "hm", "mm", "mhm"}
)
_PHRASE_FILLERS: tuple[tuple[str, ...], ...] = (
    ("you", "know"),
    ("sort", "of"),
    ("kind", "of"),
    ("i", "mean"),
    ("basically",),
)
# "like" is a filler only when set off by commas and not a verb or comparison ("I'd like",
# "looks like"): the transcriber's commas are the only cue a text rule has.
_LIKE_OWNERS = frozenset(
    {
        "i",
        "you",
        "we",
        "they",
        "would",
        "i'd",
        "we'd",
        "look",
        "looks",
        "looked",
        "seem",
        "seems",
        "seemed",
        "feel",
        "feels",
        "felt",
        "sound",
        "sounds",
        "something",
        "just",
        "more",
        "much",
        "things",
        "stuff",
        "didn't",
        "don't",
        "really",
    }
)
_HEDGES: tuple[tuple[str, ...], ...] = (
    ("i", "think"),
    ("i", "guess"),
    ("i", "suppose"),
    ("i", "believe"),
    ("maybe",),
    ("perhaps",),
    ("probably",),
    ("somewhat",),
    ("a", "little", "bit"),
    ("i'm", "not", "sure"),
    ("not", "really", "sure"),
    ("hopefully",),
    ("more", "or", "less"),
    ("i", "feel", "like"),
)


def words_per_minute(words: Sequence[Word]) -> float | None:
    """Speaking rate over the words' own span; None when too short to mean anything."""
    return runs_per_minute([words])


def runs_per_minute(runs: Sequence[Sequence[Word]]) -> float | None:
    """Speaking rate over several runs of words (a phase told in two places), gaps excluded."""
    runs = [run for run in runs if run]
    n_words = sum(len(run) for run in runs)
    span_s = sum(run[-1].end_s - run[0].start_s for run in runs)
    if n_words < 3 or span_s < 3.0:
        return None
    return round(n_words * 60.0 / span_s, 1)


def _phrase_hits(
    words: Sequence[Word], phrases: Sequence[tuple[str, ...]]
) -> list[tuple[int, int]]:
    cleaned = [clean(w.text) for w in words]
    hits: list[tuple[int, int]] = []
    index = 0
    while index < len(cleaned):
        for phrase in phrases:
            end = index + len(phrase)
            if tuple(cleaned[index:end]) == phrase:
                hits.append((index, end))
                index = end - 1
                break
        index += 1
    return hits


def _is_filler_like(words: Sequence[Word], index: int) -> bool:
    raw = words[index].text
    before = words[index - 1].text if index else ""
    set_off = raw.rstrip().endswith((",", "...", "…")) or before.rstrip().endswith(
        (",", "...", "…")
    )
    return set_off and clean(before) not in _LIKE_OWNERS


def find_fillers(words: Sequence[Word]) -> tuple[Evidence, ...]:
    """Filler words and phrases in time order ("um", "you know", a comma-set "like")."""
    found = [
        quote(words[i : i + 1]) for i, w in enumerate(words) if clean(w.text) in _SOUND_FILLERS
    ]
    found += [quote(words[i:j]) for i, j in _phrase_hits(words, _PHRASE_FILLERS)]
    found += [
        quote(words[i : i + 1])
        for i, w in enumerate(words)
        if clean(w.text) == "like" and _is_filler_like(words, i)
    ]
    return tuple(sorted(found, key=lambda e: e.start_s))


def find_hedges(words: Sequence[Word]) -> tuple[Evidence, ...]:
    """Phrases that soften a claim ("I think", "maybe", "probably")."""
    return tuple(quote(words[i:j]) for i, j in _phrase_hits(words, _HEDGES))


def find_pauses(words: Sequence[Word], min_s: float = LONG_PAUSE_S) -> tuple[Evidence, ...]:
    """Silences longer than `min_s` between words; the evidence quotes the words either side."""
    return tuple(
        Evidence(f"{before.text} … {after.text}", before.end_s, after.start_s)
        for before, after in zip(words, words[1:], strict=False)
        if after.start_s - before.end_s > min_s
    )
