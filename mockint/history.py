"""Pure history maths: session records, per-phase trends, flag rates, attempt-by-attempt series."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from mockint.lesson import has_lesson
from mockint.metrics import find_metrics
from mockint.model import ANSWER_TARGET, PHASE_TARGETS, PHASES
from mockint.textutil import tokens

# Words that show the speaker owns the action ("I", not only "we").
_FIRST_PERSON = frozenset({"i", "i'm", "i've", "i'd", "i'll", "me", "my", "myself"})
_SPARK_BLOCKS = "▁▂▃▄▅▆▇█"
_NO_VALUE = "·"

FLAG_NAMES: dict[str, str] = {
    "quantified_result": "quantified result",
    "i_in_action": '"I" in action',
    "lesson": "lesson learned",
}
# What a session's table shows when a flag is missing.
FLAG_WARNINGS: dict[str, str] = {
    "quantified_result": "no numbers",
    "i_in_action": "no I",
    "lesson": "no lesson",
}


@dataclass(frozen=True, slots=True)
class PhaseRecord:
    phase: str
    duration_s: float | None
    verdict: str
    target_min_s: float
    target_max_s: float


@dataclass(frozen=True, slots=True)
class Flags:
    """True is the good outcome for every flag."""

    quantified_result: bool
    i_in_action: bool
    lesson: bool

    def items(self) -> tuple[tuple[str, bool], ...]:
        return tuple((name, getattr(self, name)) for name in FLAG_NAMES)

    def warnings(self) -> tuple[str, ...]:
        return tuple(FLAG_WARNINGS[name] for name, good in self.items() if not good)


@dataclass(frozen=True, slots=True)
class SessionRecord:
    """What the history needs about one stored session (from the index or session.json)."""

    id: str
    kind: str
    created_at: str
    question_id: str | None
    question_text: str | None
    theme: str | None
    story_id: str | None
    duration_s: float | None
    phases: tuple[PhaseRecord, ...]
    flags: Flags | None  # None while a session has no analysis yet
    source_path: str | None = None  # the analyzed file, for `analyze --save` sessions

    def phase(self, name: str) -> PhaseRecord | None:
        return next((p for p in self.phases if p.phase == name), None)


def record_from(meta: dict[str, Any], analysis: dict[str, Any] | None) -> SessionRecord:
    """A SessionRecord from a checked session dict's fields and its analysis entry."""
    phases: tuple[PhaseRecord, ...] = ()
    flags = None
    duration_s = None
    if analysis is not None:
        phases = tuple(_phase_record(p) for p in analysis.get("phases", []))
        flags = compute_flags(analysis)
        # The answer's own span (first to last word) when the analysis has it, else the file's.
        answer = analysis.get("answer") or {}
        duration_s = answer.get("duration_s", analysis.get("duration_s"))
    return SessionRecord(
        id=meta["id"],
        kind=meta["kind"],
        created_at=meta["created_at"],
        question_id=meta.get("question_id"),
        question_text=meta.get("question_text"),
        theme=meta.get("theme"),
        story_id=meta.get("story_id"),
        duration_s=None if duration_s is None else float(duration_s),
        phases=phases,
        flags=flags,
        source_path=meta.get("source_path"),
    )


def _phase_record(entry: dict[str, Any]) -> PhaseRecord:
    duration = entry.get("duration_s")
    return PhaseRecord(
        phase=entry["phase"],
        duration_s=None if duration is None else float(duration),
        verdict=entry["verdict"],
        target_min_s=float(entry["target_min_s"]),
        target_max_s=float(entry["target_max_s"]),
    )


def phase_text(analysis: dict[str, Any], phase: str) -> str:
    return " ".join(w["text"].strip() for w in analysis.get("words", []) if w.get("phase") == phase)


def compute_flags(analysis: dict[str, Any]) -> Flags:
    """The coaching flags progress tracks, recomputed from the words so old sessions compare."""
    result = phase_text(analysis, "result")
    action = phase_text(analysis, "action")
    return Flags(
        quantified_result=bool(find_metrics(result)),
        i_in_action=any(t in _FIRST_PERSON for t in tokens(action)),
        lesson=has_lesson(result),
    )


def sparkline(
    values: Sequence[float | None], *, lo: float | None = None, hi: float | None = None
) -> str:
    """One block character per value, scaled between lo and hi (default: the values' range)."""
    present = [v for v in values if v is not None]
    if not present:
        return _NO_VALUE * len(values)
    low = min(present) if lo is None else lo
    high = max(present) if hi is None else hi
    span = high - low
    out = []
    for value in values:
        if value is None:
            out.append(_NO_VALUE)
            continue
        fraction = 0.5 if span <= 0 else min(max((value - low) / span, 0.0), 1.0)
        out.append(_SPARK_BLOCKS[round(fraction * (len(_SPARK_BLOCKS) - 1))])
    return "".join(out)


def distance_from_band(value_s: float | None, min_s: float, max_s: float) -> float | None:
    """Seconds outside the target band (0 inside it)."""
    if value_s is None:
        return None
    return max(min_s - value_s, value_s - max_s, 0.0)


@dataclass(frozen=True, slots=True)
class PhaseTrend:
    phase: str  # a STAR phase, or "answer" for the whole answer
    target_min_s: float
    target_max_s: float
    durations_s: tuple[float | None, ...]  # oldest first; None where the phase was missing
    in_band: int
    counted: int
    direction: str  # "closer", "further", "steady" or "too few"

    @property
    def latest_s(self) -> float | None:
        return self.durations_s[-1] if self.durations_s else None


@dataclass(frozen=True, slots=True)
class FlagTrend:
    name: str
    values: tuple[bool, ...]  # oldest first
    earlier_rate: float | None
    recent_rate: float | None

    @property
    def rate(self) -> float | None:
        return sum(self.values) / len(self.values) if self.values else None


@dataclass(frozen=True, slots=True)
class AttemptSeries:
    """The same question or story practised more than once, attempt by attempt."""

    key: str  # "question" or "story"
    ident: str
    label: str
    attempts: tuple[SessionRecord, ...]


@dataclass(frozen=True, slots=True)
class Progress:
    sessions: tuple[SessionRecord, ...]  # the analysed sessions considered, oldest first
    answer: PhaseTrend
    phases: tuple[PhaseTrend, ...]
    flags: tuple[FlagTrend, ...]
    repeats: tuple[AttemptSeries, ...]


def progress(records: Iterable[SessionRecord], *, last_n: int = 10) -> Progress:
    """Trends over the last `last_n` analysed sessions, plus every repeated question or story."""
    analysed = sorted((r for r in records if r.flags is not None), key=_age)
    window = tuple(analysed[-last_n:]) if last_n > 0 else tuple(analysed)
    answer = _trend(
        "answer", ANSWER_TARGET.min_s, ANSWER_TARGET.max_s, [r.duration_s for r in window]
    )
    phases = tuple(_phase_trend(name, window) for name in PHASES)
    flags = tuple(
        _flag_trend(name, [bool(getattr(r.flags, name)) for r in window]) for name in FLAG_NAMES
    )
    return Progress(window, answer, phases, flags, repeated_attempts(analysed))


def _phase_trend(name: str, window: Sequence[SessionRecord]) -> PhaseTrend:
    default = PHASE_TARGETS[name]  # type: ignore[index]
    stored = [r.phase(name) for r in window]
    latest = next((p for p in reversed(stored) if p is not None), None)
    min_s = latest.target_min_s if latest else default.min_s
    max_s = latest.target_max_s if latest else default.max_s
    return _trend(name, min_s, max_s, [p.duration_s if p else None for p in stored])


def _trend(name: str, min_s: float, max_s: float, durations: list[float | None]) -> PhaseTrend:
    distances = [distance_from_band(d, min_s, max_s) for d in durations]
    counted = [d for d in distances if d is not None]
    return PhaseTrend(
        phase=name,
        target_min_s=min_s,
        target_max_s=max_s,
        durations_s=tuple(durations),
        in_band=sum(1 for d in counted if d == 0),
        counted=len(counted),
        direction=_direction(distances),
    )


def _direction(distances: list[float | None]) -> str:
    """Compare the earlier half with the later half: is the phase getting nearer its band?"""
    # A missing phase counts as far from the band: leaving out Task is not an improvement.
    worst = max((d for d in distances if d is not None), default=0.0) + 30.0
    scored = [worst if d is None else d for d in distances]
    if len(scored) < 2:
        return "too few"
    half = len(scored) // 2
    earlier = sum(scored[:half]) / half
    later = sum(scored[-half:]) / half
    if abs(earlier - later) < 2.0:  # a couple of seconds is noise in a spoken answer
        return "steady"
    return "closer" if later < earlier else "further"


def _flag_trend(name: str, values: list[bool]) -> FlagTrend:
    half = len(values) // 2
    earlier = values[:half] if half else []
    recent = values[-half:] if half else values
    return FlagTrend(
        name=name,
        values=tuple(values),
        earlier_rate=sum(earlier) / len(earlier) if earlier else None,
        recent_rate=sum(recent) / len(recent) if recent else None,
    )


def repeated_attempts(records: Iterable[SessionRecord]) -> tuple[AttemptSeries, ...]:
    """Questions and stories with two or more analysed attempts, each attempt oldest first."""
    by_key: dict[tuple[str, str], list[SessionRecord]] = {}
    for record in sorted(records, key=_age):
        if record.flags is None:
            continue
        if record.story_id:
            by_key.setdefault(("story", record.story_id), []).append(record)
        if record.question_id or record.question_text:
            ident = record.question_id or record.question_text or ""
            by_key.setdefault(("question", ident), []).append(record)
    series, seen = [], set()
    for (key, ident), attempts in by_key.items():
        ids = tuple(a.id for a in attempts)
        if len(attempts) < 2 or ids in seen:
            continue  # a story always told for the same question would show twice
        seen.add(ids)
        label = ident
        if key == "question":
            label = next((a.question_text for a in reversed(attempts) if a.question_text), ident)
        series.append(AttemptSeries(key, ident, label, tuple(attempts)))
    return tuple(sorted(series, key=lambda s: (s.key != "story", _age(s.attempts[0]))))


def format_clock(seconds: float | None) -> str:
    """1:05 for 65 s; an em dash for no value."""
    if seconds is None:
        return "—"
    whole = max(int(round(seconds)), 0)
    return f"{whole // 60}:{whole % 60:02d}"


def _age(record: SessionRecord) -> tuple[str, str]:
    return (record.created_at, record.id)


def record_json(record: SessionRecord) -> dict[str, Any]:
    """An index row as JSON: what the index keeps and what `sessions --json` prints."""
    return {
        "id": record.id,
        "kind": record.kind,
        "created_at": record.created_at,
        "question_id": record.question_id,
        "question_text": record.question_text,
        "theme": record.theme,
        "story_id": record.story_id,
        "duration_s": record.duration_s,
        "phases": [
            {
                "phase": p.phase,
                "duration_s": p.duration_s,
                "verdict": p.verdict,
                "target_min_s": p.target_min_s,
                "target_max_s": p.target_max_s,
            }
            for p in record.phases
        ],
        "flags": None if record.flags is None else dict(record.flags.items()),
        "source_path": record.source_path,
    }
