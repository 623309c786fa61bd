"""Pure: an Analysis as the stable JSON document and as a readable terminal report."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from mockint.model import ANALYSIS_SCHEMA, ANSWER_TARGET, Analysis, Phase

PHASE_STYLES: dict[Phase, str] = {
    "situation": "cyan",
    "task": "magenta",
    "action": "green",
    "result": "yellow",
}
VERDICT_STYLES = {"ok": "green", "short": "yellow", "long": "red", "missing": "red bold"}


def clock(seconds: float | None) -> str:
    """Seconds as m:ss, the way people read a stopwatch."""
    if seconds is None:
        return "—"
    whole = int(round(seconds))
    return f"{whole // 60}:{whole % 60:02d}"


def analysis_to_json(analysis: Analysis) -> dict[str, Any]:
    """One entry of the "files" list of the mockint.analysis/1 document."""
    transcript = analysis.transcript
    entry: dict[str, Any] = {
        "path": analysis.path,
        "ok": True,
        "error": None,
        "duration_s": round(transcript.duration_s, 2),
        "model": transcript.model,
        "words": [
            {"text": w.text, "start_s": w.start_s, "end_s": w.end_s, "phase": phase}
            for w, phase in zip(transcript.words, analysis.segmentation.labels, strict=True)
        ],
        "phases": [
            {
                "phase": t.phase,
                "start_s": t.start_s,
                "end_s": t.end_s,
                "duration_s": t.duration_s,
                "target_min_s": t.target.min_s,
                "target_max_s": t.target.max_s,
                "verdict": t.verdict,
            }
            for t in analysis.timings
        ],
        "spans": [
            {
                "phase": s.phase,
                "start_s": s.start_s,
                "end_s": round(s.end_s, 3),
                "first_word": s.first_word,
                "end_word": s.end_word,
            }
            for s in analysis.segmentation.spans
        ],
        "answer": {
            "duration_s": analysis.answer_duration_s,
            "target_min_s": ANSWER_TARGET.min_s,
            "target_max_s": ANSWER_TARGET.max_s,
            "verdict": analysis.answer_verdict,
        },
    }
    if analysis.coaching is not None:
        from mockint.render_coaching import coaching_to_json

        entry["coaching"] = coaching_to_json(analysis.coaching)
    return entry


def failure_to_json(path: str, error: str) -> dict[str, Any]:
    return {"path": path, "ok": False, "error": error}


def document(entries: Iterable[dict[str, Any]]) -> dict[str, Any]:
    return {"schema": ANALYSIS_SCHEMA, "files": list(entries)}


def _target_text(lo: float, hi: float) -> str:
    return f"{clock(lo)}–{clock(hi)}"


def _off_by(duration_s: float | None, lo: float, hi: float) -> str:
    if duration_s is None:
        return ""
    if duration_s < lo:
        return f"{clock(lo - duration_s)} under"
    if duration_s > hi:
        return f"{clock(duration_s - hi)} over"
    return ""


def terminal_report(analysis: Analysis) -> Any:
    """A rich renderable: phase table, coaching (if any), then the transcript by phase."""
    from rich.console import Group
    from rich.table import Table
    from rich.text import Text

    table = Table(title=f"STAR timing — {analysis.path}", title_justify="left", expand=False)
    for column in ("phase", "start", "end", "duration", "target", "verdict", ""):
        table.add_column(column)
    for t in analysis.timings:
        table.add_row(
            Text(t.phase.capitalize(), style=PHASE_STYLES[t.phase]),
            clock(t.start_s),
            clock(t.end_s),
            clock(t.duration_s),
            _target_text(t.target.min_s, t.target.max_s),
            Text(t.verdict, style=VERDICT_STYLES[t.verdict]),
            _off_by(t.duration_s, t.target.min_s, t.target.max_s),
        )
    table.add_section()
    table.add_row(
        "Whole answer",
        clock(analysis.transcript.words[0].start_s if analysis.transcript.words else None),
        clock(analysis.transcript.words[-1].end_s if analysis.transcript.words else None),
        clock(analysis.answer_duration_s),
        _target_text(ANSWER_TARGET.min_s, ANSWER_TARGET.max_s),
        Text(analysis.answer_verdict, style=VERDICT_STYLES[analysis.answer_verdict]),
        _off_by(analysis.answer_duration_s, ANSWER_TARGET.min_s, ANSWER_TARGET.max_s),
    )
    parts: list[Any] = [table]
    if analysis.coaching is not None:
        from mockint.render_coaching import coaching_renderable

        parts.append(coaching_renderable(analysis.coaching))
    parts.append(transcript_text(analysis))
    return Group(*parts)


def transcript_text(analysis: Analysis) -> Any:
    """The transcript with a [Phase m:ss] mark where each phase begins."""
    from rich.text import Text

    text = Text()
    words = analysis.transcript.words
    for span in analysis.segmentation.spans:
        style = PHASE_STYLES[span.phase]
        if text:
            text.append("\n")
        text.append(f"[{span.phase.capitalize()} {clock(span.start_s)}] ", style=f"bold {style}")
        text.append(" ".join(w.text for w in words[span.first_word : span.end_word]), style=style)
    return text
