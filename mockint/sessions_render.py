"""Pure: session history as rich tables, progress charts in text, and JSON/CSV rows."""

from __future__ import annotations

from datetime import datetime
from pathlib import PurePath
from typing import Any

from mockint.history import (
    FLAG_NAMES,
    AttemptSeries,
    PhaseTrend,
    Progress,
    SessionRecord,
    format_clock,
    record_json,
    sparkline,
)
from mockint.model import PHASES

PHASE_STYLES = {"situation": "cyan", "task": "magenta", "action": "green", "result": "yellow"}
VERDICT_STYLES = {"ok": "green", "short": "yellow", "long": "red", "missing": "red"}
DIRECTION_TEXT = {
    "closer": ("↗ nearer the target", "green"),
    "further": ("↘ drifting from target", "red"),
    "steady": ("→ steady", ""),
    "too few": ("(needs 2+ sessions)", "dim"),
}
CSV_FIELDS = (
    "id",
    "created_at",
    "kind",
    "question_id",
    "question_text",
    "theme",
    "story_id",
    "duration_s",
    *(f"{p}_{field}" for p in PHASES for field in ("duration_s", "verdict")),
    *FLAG_NAMES,
    "source_path",
)


def local_time(created_at: str) -> str:
    """'2026-11-26 01:30' in the user's time zone; the stored text if it does not parse."""
    try:
        return datetime.fromisoformat(created_at).astimezone().strftime("%Y-%m-%d %H:%M")
    except ValueError:
        return created_at


def short_time(created_at: str) -> str:
    """'Nov 26 01:30' this year, '2025-11-26' before: what a table row needs."""
    try:
        moment = datetime.fromisoformat(created_at).astimezone()
    except ValueError:
        return created_at
    if moment.year == datetime.now().year:
        return moment.strftime("%b %d %H:%M")
    return moment.strftime("%Y-%m-%d")


def short_id(session_id: str) -> str:
    """The random end of an id: enough to name a session to replay, export or delete."""
    return session_id.rsplit("-", 1)[-1]


def _shorten(text: str | None, width: int) -> str:
    if not text:
        return "—"
    return text if len(text) <= width else text[: width - 1] + "…"


def _phase_cell(record: SessionRecord, phase: str) -> Any:
    from rich.text import Text

    stored = record.phase(phase)
    # Four characters wide, so the S T A R cells line up under each other.
    if stored is None or stored.verdict == "missing":
        return Text(f"{'—':>4}", style=VERDICT_STYLES["missing"])
    text = f"{format_clock(stored.duration_s):>4}"
    return Text(text, style=VERDICT_STYLES.get(stored.verdict, ""))


def _star_cell(record: SessionRecord) -> Any:
    from rich.text import Text

    cell = Text()
    for index, phase in enumerate(PHASES):
        if index:
            cell.append(" ")
        cell.append_text(_phase_cell(record, phase))
    return cell


def sessions_table(records: tuple[SessionRecord, ...]) -> Any:
    """One row per session, newest last, phase times coloured by verdict."""
    from rich.table import Table
    from rich.text import Text

    table = Table(
        title=f"{len(records)} session(s)",
        title_justify="left",
        box=None,
        header_style="bold underline",
        pad_edge=False,
        expand=True,  # lets the question take the width the fixed columns leave
    )
    table.add_column("id", no_wrap=True)
    table.add_column("date", no_wrap=True)
    table.add_column("question / theme", ratio=3, min_width=14)
    table.add_column("total", justify="right", no_wrap=True)
    table.add_column("S    T    A    R", no_wrap=True)
    table.add_column("flags", ratio=2, min_width=9)
    for record in records:
        question = Text(_shorten(record.question_text or record.question_id, 90))
        if record.kind == "analyze" and not (record.question_text or record.question_id):
            name = PurePath(record.source_path).name if record.source_path else "?"
            question = Text(f"file: {name}", style="dim")
        if record.theme:
            question.append(f"\n{record.theme}", style="dim")
        flags = ", ".join(record.flags.warnings()) if record.flags else "not analysed"
        table.add_row(
            short_id(record.id),
            short_time(record.created_at),
            question,
            format_clock(record.duration_s),
            _star_cell(record),
            Text(flags or "✓", style="yellow" if flags else "green"),
        )
    table.caption = "S T A R: green in the target band, yellow short, red long or missing"
    return table


record_to_json = record_json


def record_to_csv_row(record: SessionRecord) -> dict[str, Any]:
    row: dict[str, Any] = {
        key: getattr(record, key)
        for key in ("id", "created_at", "kind", "question_id", "question_text", "theme")
    }
    row["story_id"] = record.story_id
    row["duration_s"] = record.duration_s
    for phase in PHASES:
        stored = record.phase(phase)
        row[f"{phase}_duration_s"] = stored.duration_s if stored else None
        row[f"{phase}_verdict"] = stored.verdict if stored else None
    for name in FLAG_NAMES:
        row[name] = None if record.flags is None else getattr(record.flags, name)
    row["source_path"] = record.source_path
    return row


def _band(trend: PhaseTrend) -> str:
    return f"{format_clock(trend.target_min_s)}–{format_clock(trend.target_max_s)}"


def _trend_row(trend: PhaseTrend) -> tuple[Any, ...]:
    from rich.text import Text

    # Scale the sparkline so the target band sits in the middle rows of the blocks.
    spread = trend.target_max_s - trend.target_min_s
    line = sparkline(
        trend.durations_s,
        lo=max(trend.target_min_s - spread, 0.0),
        hi=trend.target_max_s + spread,
    )
    label, style = DIRECTION_TEXT[trend.direction]
    name = "whole answer" if trend.phase == "answer" else trend.phase
    return (
        Text(name, style=PHASE_STYLES.get(trend.phase, "bold")),
        _band(trend),
        line,
        format_clock(trend.latest_s),
        f"{trend.in_band}/{trend.counted}" if trend.counted else "—",
        Text(label, style=style),
    )


def _rate(value: float | None) -> str:
    return "—" if value is None else f"{value:.0%}"


def progress_renderable(progress: Progress) -> Any:
    """Timing and coaching-flag trends over the last sessions, then repeated questions."""
    from rich.console import Group
    from rich.table import Table

    if not progress.sessions:
        from rich.text import Text

        return Text("No analysed sessions yet: practise or run `mockint analyze --save`.")
    n = len(progress.sessions)
    timing = Table(
        title=f"Timing over the last {n} session(s), oldest → newest",
        title_justify="left",
        expand=False,
    )
    for column in ("phase", "target", "trend", "latest", "in band", "direction"):
        timing.add_column(column)
    for trend in progress.phases:
        timing.add_row(*_trend_row(trend))
    timing.add_section()
    timing.add_row(*_trend_row(progress.answer))

    flags = Table(title="Coaching flags", title_justify="left", expand=False)
    for column in ("habit", "each session", "overall", "earlier half", "recent half"):
        flags.add_column(column)
    for flag in progress.flags:
        flags.add_row(
            FLAG_NAMES[flag.name],
            "".join("█" if v else "▁" for v in flag.values),
            _rate(flag.rate),
            _rate(flag.earlier_rate),
            _rate(flag.recent_rate),
        )
    parts: list[Any] = [timing, flags]
    parts += [attempts_table(series) for series in progress.repeats]
    return Group(*parts)


def attempts_table(series: AttemptSeries) -> Any:
    from rich import box
    from rich.table import Table
    from rich.text import Text

    title = f"{'Story' if series.key == 'story' else 'Question'}: {_shorten(series.label, 70)}"
    table = Table(title=title, title_justify="left", box=box.SIMPLE_HEAD, expand=False)
    table.add_column("attempt", justify="right")
    table.add_column("date", no_wrap=True)
    table.add_column("total", justify="right")
    for phase in PHASES:
        table.add_column(phase[0].upper(), justify="right")
    table.add_column("flags")
    for number, record in enumerate(series.attempts, start=1):
        warnings = record.flags.warnings() if record.flags else ()
        table.add_row(
            str(number),
            local_time(record.created_at),
            format_clock(record.duration_s),
            *(_phase_cell(record, p) for p in PHASES),
            Text(", ".join(warnings) or "✓", style="yellow" if warnings else "green"),
        )
    return table


def session_report(meta: dict[str, Any], analysis: dict[str, Any] | None) -> Any:
    """A stored session as text: what was asked, phase times against targets, the transcript."""
    from rich.console import Group
    from rich.table import Table
    from rich.text import Text

    header = Text()
    header.append(f"Session {meta['id']}", style="bold")
    header.append(f"  {local_time(meta['created_at'])}  ({meta['kind']})")
    question = meta.get("question_text") or meta.get("question_id")
    if question:
        header.append(f"\nQuestion: {question}")
    if meta.get("theme"):
        header.append(f"\nTheme: {meta['theme']}")
    if meta.get("source_path"):
        header.append(f"\nFrom file: {meta['source_path']}")
    if analysis is None:
        return Group(header, Text("No analysis stored for this session.", style="yellow"))
    table = Table(expand=False)
    for column in ("phase", "start", "duration", "target", "verdict"):
        table.add_column(column)
    for phase in analysis.get("phases", []):
        table.add_row(
            Text(phase["phase"], style=PHASE_STYLES[phase["phase"]]),
            format_clock(phase.get("start_s")),
            format_clock(phase.get("duration_s")),
            f"{format_clock(phase['target_min_s'])}–{format_clock(phase['target_max_s'])}",
            Text(phase["verdict"], style=VERDICT_STYLES[phase["verdict"]]),
        )
    transcript = Text()
    phase = None
    for word in analysis.get("words", []):
        if word.get("phase") != phase:
            phase = word.get("phase")
            transcript.append(
                f"\n[{phase or '—'} {format_clock(word['start_s'])}] ",
                style=f"bold {PHASE_STYLES.get(phase or '', '')}",
            )
        transcript.append(word["text"].strip() + " ", style=PHASE_STYLES.get(phase or "", ""))
    return Group(header, table, transcript)


def progress_to_json(progress: Progress) -> dict[str, Any]:
    def trend(t: PhaseTrend) -> dict[str, Any]:
        return {
            "phase": t.phase,
            "target_min_s": t.target_min_s,
            "target_max_s": t.target_max_s,
            "durations_s": list(t.durations_s),
            "in_band": t.in_band,
            "counted": t.counted,
            "direction": t.direction,
        }

    return {
        "schema": "mockint.progress/1",
        "sessions": [r.id for r in progress.sessions],
        "answer": trend(progress.answer),
        "phases": [trend(t) for t in progress.phases],
        "flags": [
            {
                "flag": f.name,
                "values": list(f.values),
                "rate": f.rate,
                "earlier_rate": f.earlier_rate,
                "recent_rate": f.recent_rate,
            }
            for f in progress.flags
        ],
        "repeats": [
            {
                "key": s.key,
                "id": s.ident,
                "label": s.label,
                "attempts": [record_to_json(r) for r in s.attempts],
            }
            for s in progress.repeats
        ],
    }
