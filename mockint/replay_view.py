"""Pure replay view: from a playback position and a stored analysis, what the screen shows."""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from typing import Any

from mockint.errors import MockintError
from mockint.model import PHASES

LINE_CHARS = 64  # transcript lines short enough for an 80-column terminal with a margin


@dataclass(frozen=True, slots=True)
class TimedWord:
    text: str
    start_s: float
    end_s: float
    phase: str | None


@dataclass(frozen=True, slots=True)
class PhaseWindow:
    phase: str
    start_s: float
    end_s: float
    target_min_s: float
    target_max_s: float
    verdict: str


@dataclass(frozen=True, slots=True)
class Span:
    """A stretch of the answer in one phase; a phase may come back (spans), or not (phases)."""

    phase: str
    start_s: float
    end_s: float


@dataclass(frozen=True, slots=True)
class Line:
    """Words [first_word, end_word) of the transcript shown together on one row."""

    first_word: int
    end_word: int
    start_s: float
    phase: str | None


@dataclass(frozen=True, slots=True)
class Timeline:
    words: tuple[TimedWord, ...]
    phases: tuple[PhaseWindow, ...]  # phases present in the answer, in order of start
    spans: tuple[Span, ...]  # in order of start
    lines: tuple[Line, ...]
    duration_s: float

    def line_text(self, line: Line) -> str:
        return " ".join(w.text for w in self.words[line.first_word : line.end_word])


@dataclass(frozen=True, slots=True)
class ReplayView:
    position_s: float
    phase: PhaseWindow | None  # None before the first phase starts
    phase_elapsed_s: float | None  # time into the current phase
    phase_state: str  # "under" (below the band so far), "in band", "over", or ""
    line_index: int | None  # the transcript line being spoken (or last spoken)
    word_index: int | None  # the word being spoken (or last spoken)


def timeline_from_entry(entry: dict[str, Any]) -> Timeline:
    """Build the replay timeline from a checked mockint.analysis/1 file entry."""
    words = tuple(
        TimedWord(w["text"].strip(), float(w["start_s"]), float(w["end_s"]), w.get("phase"))
        for w in entry.get("words", [])
    )
    windows = tuple(
        sorted(
            (
                PhaseWindow(
                    p["phase"],
                    float(p["start_s"]),
                    float(p["end_s"]),
                    float(p["target_min_s"]),
                    float(p["target_max_s"]),
                    p["verdict"],
                )
                for p in entry.get("phases", [])
                if p.get("start_s") is not None and p.get("end_s") is not None
            ),
            key=lambda w: (w.start_s, PHASES.index(w.phase)),  # type: ignore[arg-type]
        )
    )
    spans = tuple(
        sorted(
            (
                Span(s["phase"], float(s["start_s"]), float(s["end_s"]))
                for s in entry.get("spans", [])
            ),
            key=lambda s: s.start_s,
        )
    ) or tuple(Span(w.phase, w.start_s, w.end_s) for w in windows)
    ends = [w.end_s for w in words] + [w.end_s for w in windows]
    duration = float(entry.get("duration_s") or 0.0)
    return Timeline(words, windows, spans, _lines(words), max([duration, *ends]))


def _lines(words: tuple[TimedWord, ...]) -> tuple[Line, ...]:
    """Wrap the transcript, starting a new line where the phase changes."""
    lines: list[Line] = []
    first, length = 0, 0
    for index, word in enumerate(words):
        new_phase = index > first and word.phase != words[first].phase
        too_long = index > first and length + 1 + len(word.text) > LINE_CHARS
        if new_phase or too_long:
            lines.append(Line(first, index, words[first].start_s, words[first].phase))
            first, length = index, 0
        length += len(word.text) + (1 if length else 0)
    if words:
        lines.append(Line(first, len(words), words[first].start_s, words[first].phase))
    return tuple(lines)


def view_at(timeline: Timeline, position_s: float) -> ReplayView:
    """What to show at `position_s`: the phase whose stored span has begun, its clock, the line."""
    starts = [span.start_s for span in timeline.spans]
    span_index = bisect.bisect_right(starts, position_s + 1e-9) - 1
    name = timeline.spans[span_index].phase if span_index >= 0 else None
    phase = next((w for w in timeline.phases if w.phase == name), None)
    elapsed = None
    state = ""
    if phase is not None:
        # Time spoken in this phase so far, over every span of it (a phase can come back).
        elapsed = sum(
            max(0.0, min(position_s, span.end_s) - span.start_s)
            for span in timeline.spans[: span_index + 1]
            if span.phase == name
        )
        if elapsed > phase.target_max_s:
            state = "over"
        elif elapsed >= phase.target_min_s:
            state = "in band"
        else:
            state = "under"
    word_starts = [w.start_s for w in timeline.words]
    word_index = bisect.bisect_right(word_starts, position_s + 1e-9) - 1
    line_starts = [line.first_word for line in timeline.lines]
    line_index = bisect.bisect_right(line_starts, word_index) - 1 if word_index >= 0 else None
    return ReplayView(
        position_s=position_s,
        phase=phase,
        phase_elapsed_s=elapsed,
        phase_state=state,
        line_index=line_index,
        word_index=word_index if word_index >= 0 else None,
    )


def start_position(
    timeline: Timeline, *, phase: str | None = None, from_s: float | None = None
) -> float:
    """Where playback starts: a phase's stored start, a given time, or the beginning."""
    if phase is not None:
        window = next((w for w in timeline.phases if w.phase == phase), None)
        if window is None:
            present = ", ".join(w.phase for w in timeline.phases) or "none"
            raise MockintError(f"{phase}: this answer has no such phase (it has: {present})")
        return window.start_s
    if from_s is not None:
        if from_s < 0 or from_s >= timeline.duration_s:
            raise MockintError(
                f"{from_s:g} s: outside the answer (it lasts {timeline.duration_s:.1f} s)"
            )
        return from_s
    return 0.0


_CLOCK = re.compile(r"^(?:(\d+):)?(?:(\d+):)?(\d+(?:\.\d+)?)$")


def parse_clock(text: str) -> float:
    """Seconds from '80', '1:20', '1:20.5' or '0:01:20'."""
    match = _CLOCK.match(text.strip())
    if not match:
        raise MockintError(f"{text!r}: give a time as seconds or m:ss (for example 1:20)")
    first, second, seconds = match.groups()
    hours, minutes = (first, second) if second is not None else (None, first)
    if (minutes is not None or hours is not None) and float(seconds) >= 60:
        raise MockintError(f"{text!r}: seconds after a colon must be below 60")
    return int(hours or 0) * 3600 + int(minutes or 0) * 60 + float(seconds)
