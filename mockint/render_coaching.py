"""Pure: Coaching as JSON fields and as a compact, colored terminal block."""

from __future__ import annotations

import dataclasses
from typing import Any

from mockint.evidence import Evidence
from mockint.findings import Coaching, Finding

SEVERITY_STYLES = {"problem": "bold red", "warning": "yellow", "good": "green"}
SEVERITY_MARKS = {"problem": "✗", "warning": "!", "good": "✓"}
PHASE_LETTERS = {"situation": "S", "task": "T", "action": "A", "result": "R"}


def _plain(value: Any) -> Any:
    """Dataclasses to dicts, tuples to lists, floats rounded: what JSON readers expect."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, tuple | list):
        return [_plain(v) for v in value]
    if isinstance(value, float):
        return round(value, 3)
    return value


def _coaching(c: object) -> Coaching:
    # Analysis.coaching is typed `object` so the model need not import the coach.
    if not isinstance(c, Coaching):
        raise TypeError(f"expected Coaching, got {type(c).__name__}")
    return c


def coaching_to_json(coaching: object) -> dict[str, Any]:
    """The "coaching" field of a file entry in mockint.analysis/1."""
    c = _coaching(coaching)
    data: dict[str, Any] = _plain(c)
    data["delivery"]["filler_count"] = len(c.delivery.fillers)
    data["delivery"]["filler_note"] = c.delivery.filler_note
    data["summary"] = [_change_text(f) for f in c.top_changes]
    return data


def clock(seconds: float | None) -> str:
    if seconds is None:
        return "—"
    whole = int(round(seconds))
    return f"{whole // 60}:{whole % 60:02d}"


def _change_text(f: Finding) -> str:
    return f"{f.message} {f.advice}".strip()


def _at(e: Evidence) -> str:
    return clock(e.start_s)


def _short(text: str, limit: int = 70) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _times(evidence: tuple[Evidence, ...], limit: int = 6) -> str:
    shown = ", ".join(f"{e.text.strip(' ,.')} {_at(e)}" for e in evidence[:limit])
    return shown + (f", +{len(evidence) - limit} more" if len(evidence) > limit else "")


def coaching_renderable(coaching: object) -> Any:
    """About fifteen lines: the three changes, one line per check, the next question."""
    c = _coaching(coaching)
    from rich.console import Group
    from rich.table import Table
    from rich.text import Text

    lines: list[Any] = [Text("Coaching", style="bold underline")]
    if c.top_changes:
        lines.append(Text("Change first:", style="bold"))
        for number, f in enumerate(c.top_changes, 1):
            line = Text(f" {number}. ", style="bold")
            line.append(f.message, style=SEVERITY_STYLES[f.severity])
            if f.evidence:
                line.append(f" [{_at(f.evidence[0])}]", style="dim")
            line.append(f" {f.advice}")
            lines.append(line)
    else:
        lines.append(Text("Nothing major to change: this answer hits the marks.", style="green"))

    grid = Table.grid(padding=(0, 1))
    grid.add_column(style="bold", no_wrap=True)
    grid.add_column()

    def row(label: str, ok: bool | None, body: str) -> None:
        mark = "✓" if ok else ("✗" if ok is False else "·")
        style = "green" if ok else ("red" if ok is False else "dim")
        text = Text(f"{mark} ", style=style)
        text.append(body)
        grid.add_row(label, text)

    t = c.timing
    share = "—" if t.action_result_share is None else f"{t.action_result_share:.0%}"
    row(
        "Timing",
        t.action_result_verdict in ("ok", "long") and t.answer_verdict == "ok",
        f"answer {clock(t.answer_duration_s)} ({t.answer_verdict}, aim 2:00–4:00) · "
        f"Action+Result {share} (aim 60–70%)",
    )
    o = c.ownership
    per_phase = " ".join(f"{PHASE_LETTERS[p.phase]} {p.i_count}/{p.we_count}" for p in o.phases)
    if o.action_we_sentences:
        first = o.action_we_sentences[0]
        row(
            "Ownership",
            False,
            f'I/we {per_phase} · "{_short(first.text, 50)}" {_at(first)}'
            + (
                f" +{len(o.action_we_sentences) - 1} more" if len(o.action_we_sentences) > 1 else ""
            ),
        )
    else:
        row("Ownership", True, f"I/we {per_phase}")
    m = c.metrics
    if m.result_metrics:
        row("Metric", True, _times(m.result_metrics, 3))
    else:
        row("Metric", False, "none in the Result — estimate honestly if you lack the exact number")
    lesson = c.lesson
    if lesson.evidence:
        row("Lesson", True, f'"{_short(lesson.evidence.text, 60)}" {_at(lesson.evidence)}')
    else:
        row("Lesson", False, "no closing lesson")
    d = c.delivery
    pace = " ".join(
        f"{PHASE_LETTERS[p.phase]} {p.words_per_minute:.0f}"
        for p in d.phases
        if p.words_per_minute is not None
    )
    wpm = "—" if d.words_per_minute is None else f"{d.words_per_minute:.0f}"
    row("Pace", None, f"{wpm} words/min ({pace})")
    row(
        "Fillers",
        None,
        (_times(d.fillers) + " · " if d.fillers else "") + d.filler_note,
    )
    row(
        "Pauses",
        not d.pauses,
        "none over 2 s"
        if not d.pauses
        else ", ".join(f"{e.end_s - e.start_s:.1f} s at {_at(e)}" for e in d.pauses[:5]),
    )
    row("Hedging", len(d.hedges) < 3, _times(d.hedges, 4) if d.hedges else "none")
    if c.red_flags:
        for flag in c.red_flags:
            where = (
                f' "{_short(flag.evidence[0].text, 50)}" {_at(flag.evidence[0])}'
                if (flag.evidence)
                else ""
            )
            row("Red flag", False, f"{flag.message.removeprefix('Red flag: ')}{where}")
    else:
        row("Red flags", True, "none found")
    lines.append(grid)
    follow = Text("Next question: ", style="bold")
    follow.append(c.follow_up.question, style="italic")
    lines.append(follow)
    return Group(*lines)
