"""Pure: the progress page as one self-contained HTML file with inline SVG charts (no scripts)."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from mockint.history import (
    FLAG_NAMES,
    AttemptSeries,
    FlagTrend,
    PhaseTrend,
    Progress,
    SessionRecord,
    format_clock,
)
from mockint.model import PHASES
from mockint.sessions_render import local_time

COLOURS = {
    "situation": "#1f8fb3",
    "task": "#a3359c",
    "action": "#2e8b3d",
    "result": "#b8860b",
    "answer": "#444444",
}
VERDICT_COLOURS = {"ok": "#2e8b3d", "short": "#c98a00", "long": "#c0392b", "missing": "#c0392b"}
WIDTH, HEIGHT = 560, 200
PAD_LEFT, PAD_RIGHT, PAD_TOP, PAD_BOTTOM = 48, 12, 12, 28

_CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;margin:2rem auto;max-width:1200px;
color:#222;padding:0 1rem}
h1{font-size:1.5rem}h2{font-size:1.15rem;margin-top:2rem}
.grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(560px,1fr));gap:1rem}
figure{margin:0;border:1px solid #ddd;border-radius:6px;padding:.5rem}
figcaption{font-weight:600;margin-bottom:.25rem}
table{border-collapse:collapse;font-size:.9rem}
td,th{border-bottom:1px solid #eee;padding:.25rem .5rem;text-align:left}
.ok{color:#2e8b3d}.short{color:#c98a00}.long,.missing{color:#c0392b}
.muted{color:#777}svg text{font-size:11px;fill:#555}
"""


def render_progress_html(progress: Progress, *, title: str = "mockint progress") -> str:
    """The whole page: timing charts per phase, flag-rate charts, repeated attempts, sessions."""
    sessions = progress.sessions
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f"<title>{escape(title)}</title><style>{_CSS}</style></head><body>",
        f"<h1>{escape(title)}</h1>",
    ]
    if not sessions:
        parts.append("<p>No analysed sessions yet.</p></body></html>")
        return "\n".join(parts)
    first, last = local_time(sessions[0].created_at), local_time(sessions[-1].created_at)
    parts.append(
        f'<p class="muted">{len(sessions)} session(s), {escape(first)} to {escape(last)}. '
        "Shaded bands are the target time for each phase.</p>"
    )
    parts.append('<h2>Time per phase</h2><div class="grid">')
    for trend in (*progress.phases, progress.answer):
        parts.append(_trend_figure(trend, sessions))
    parts.append('</div><h2>Coaching habits</h2><div class="grid">')
    for flag in progress.flags:
        parts.append(_flag_figure(flag, sessions))
    parts.append("</div>")
    if progress.repeats:
        parts.append("<h2>Attempt by attempt</h2>")
        for series in progress.repeats:
            parts.append(_attempts_section(series))
    parts.append("<h2>Sessions</h2>")
    parts.append(_sessions_table(sessions))
    parts.append("</body></html>")
    return "\n".join(parts)


def _scale(value: float, lo: float, hi: float, out_lo: float, out_hi: float) -> float:
    if hi <= lo:
        return (out_lo + out_hi) / 2
    return out_lo + (value - lo) / (hi - lo) * (out_hi - out_lo)


def _x_positions(n: int) -> list[float]:
    left, right = PAD_LEFT + 10, WIDTH - PAD_RIGHT - 10
    return (
        [(left + right) / 2] if n == 1 else [left + i * (right - left) / (n - 1) for i in range(n)]
    )


def _svg_open(label: str) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'width="{WIDTH}" height="{HEIGHT}" role="img" aria-label="{escape(label)}">'
    )


def _axes(y_lo: float, y_hi: float, ticks: Sequence[tuple[float, str]], n: int) -> list[str]:
    bottom, top = HEIGHT - PAD_BOTTOM, PAD_TOP
    out = [
        f'<line x1="{PAD_LEFT}" y1="{bottom}" x2="{WIDTH - PAD_RIGHT}" y2="{bottom}" '
        'stroke="#999"/>',
        f'<line x1="{PAD_LEFT}" y1="{top}" x2="{PAD_LEFT}" y2="{bottom}" stroke="#999"/>',
    ]
    for value, text in ticks:
        y = _scale(value, y_lo, y_hi, bottom, top)
        out.append(
            f'<line x1="{PAD_LEFT - 4}" y1="{y:.1f}" x2="{PAD_LEFT}" y2="{y:.1f}" stroke="#999"/>'
            f'<text x="{PAD_LEFT - 6}" y="{y + 4:.1f}" text-anchor="end">{escape(text)}</text>'
        )
    for index, x in enumerate(_x_positions(n)):
        out.append(f'<text x="{x:.1f}" y="{HEIGHT - 8}" text-anchor="middle">{index + 1}</text>')
    return out


def _trend_figure(trend: PhaseTrend, sessions: Sequence[SessionRecord]) -> str:
    name = "Whole answer" if trend.phase == "answer" else trend.phase.capitalize()
    colour = COLOURS[trend.phase]
    values = [v for v in trend.durations_s if v is not None]
    y_hi = max([trend.target_max_s * 1.25, *values]) * 1.05
    y_lo = 0.0
    bottom, top = HEIGHT - PAD_BOTTOM, PAD_TOP
    band_top = _scale(trend.target_max_s, y_lo, y_hi, bottom, top)
    band_bottom = _scale(trend.target_min_s, y_lo, y_hi, bottom, top)
    svg = [_svg_open(f"{name} duration per session")]
    svg.append(
        f'<rect x="{PAD_LEFT}" y="{band_top:.1f}" width="{WIDTH - PAD_LEFT - PAD_RIGHT}" '
        f'height="{band_bottom - band_top:.1f}" fill="{colour}" fill-opacity="0.12"/>'
    )
    ticks = [
        (0.0, "0:00"),
        (trend.target_min_s, format_clock(trend.target_min_s)),
        (trend.target_max_s, format_clock(trend.target_max_s)),
    ]
    svg += _axes(y_lo, y_hi, ticks, len(trend.durations_s))
    xs = _x_positions(len(trend.durations_s))
    points = [
        (x, _scale(v, y_lo, y_hi, bottom, top), v, s)
        for x, v, s in zip(xs, trend.durations_s, sessions, strict=False)
        if v is not None
    ]
    if len(points) > 1:
        path = " ".join(f"{x:.1f},{y:.1f}" for x, y, _, _ in points)
        svg.append(f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2"/>')
    for x, y, value, session in points:
        inside = trend.target_min_s <= value <= trend.target_max_s
        fill = VERDICT_COLOURS["ok"] if inside else VERDICT_COLOURS["long"]
        svg.append(
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4" fill="{fill}">'
            f"<title>{escape(session.id)}: {format_clock(value)}</title></circle>"
        )
    for x, stored, session in zip(xs, trend.durations_s, sessions, strict=False):
        if stored is None:  # a missing phase: a cross on the axis
            svg.append(
                f'<text x="{x:.1f}" y="{bottom - 4}" text-anchor="middle" fill="#c0392b">✕'
                f"<title>{escape(session.id)}: missing</title></text>"
            )
    svg.append("</svg>")
    caption = (
        f"{escape(name)} — target {format_clock(trend.target_min_s)}–"
        f"{format_clock(trend.target_max_s)}, in band {trend.in_band}/{trend.counted}"
    )
    return f"<figure><figcaption>{caption}</figcaption>{''.join(svg)}</figure>"


def _flag_figure(flag: FlagTrend, sessions: Sequence[SessionRecord]) -> str:
    """Each session as a filled or hollow mark, and the running rate as a line."""
    name = FLAG_NAMES[flag.name]
    bottom, top = HEIGHT - PAD_BOTTOM, PAD_TOP
    svg = [_svg_open(f"{name} per session")]
    svg += _axes(0.0, 1.0, [(0.0, "0%"), (0.5, "50%"), (1.0, "100%")], len(flag.values))
    xs = _x_positions(len(flag.values))
    running, total = [], 0
    for index, value in enumerate(flag.values):
        total += value
        running.append(total / (index + 1))
    if len(xs) > 1:
        path = " ".join(
            f"{x:.1f},{_scale(r, 0.0, 1.0, bottom, top):.1f}"
            for x, r in zip(xs, running, strict=True)
        )
        svg.append(f'<polyline points="{path}" fill="none" stroke="#555" stroke-width="2"/>')
    for x, value, session in zip(xs, flag.values, sessions, strict=False):
        y = _scale(1.0 if value else 0.0, 0.0, 1.0, bottom, top)
        fill = VERDICT_COLOURS["ok"] if value else "white"
        state = "yes" if value else "no"
        svg.append(
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="5" fill="{fill}" stroke="#2e8b3d">'
            f"<title>{escape(session.id)}: {state}</title></circle>"
        )
    svg.append("</svg>")
    rate = "—" if flag.rate is None else f"{flag.rate:.0%}"
    return (
        f"<figure><figcaption>{escape(name.capitalize())} — {rate} of sessions "
        f"(line: running rate)</figcaption>{''.join(svg)}</figure>"
    )


def _phase_cells(record: SessionRecord) -> str:
    cells = []
    for phase in PHASES:
        stored = record.phase(phase)
        verdict = stored.verdict if stored else "missing"
        text = format_clock(stored.duration_s) if stored else "—"
        cells.append(f'<td class="{escape(verdict)}">{escape(text)}</td>')
    return "".join(cells)


def _flag_cell(record: SessionRecord) -> str:
    warnings = record.flags.warnings() if record.flags else ("not analysed",)
    return f"<td>{escape(', '.join(warnings) or '✓')}</td>"


def _attempts_section(series: AttemptSeries) -> str:
    kind = "Story" if series.key == "story" else "Question"
    bottom, top = HEIGHT - PAD_BOTTOM, PAD_TOP
    durations = [
        [p.duration_s if (p := r.phase(name)) else None for r in series.attempts] for name in PHASES
    ]
    present = [v for row in durations for v in row if v is not None]
    y_hi = max(present, default=60.0) * 1.15 or 60.0
    svg = [_svg_open(f"{kind} {series.label}: phase durations per attempt")]
    svg += _axes(
        0.0,
        y_hi,
        [(float(t), format_clock(t)) for t in range(0, int(y_hi) + 1, 30)],
        len(series.attempts),
    )
    xs = _x_positions(len(series.attempts))
    for name, row in zip(PHASES, durations, strict=True):
        points = [
            (x, _scale(v, 0.0, y_hi, bottom, top))
            for x, v in zip(xs, row, strict=True)
            if v is not None
        ]
        if len(points) > 1:
            path = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
            svg.append(
                f'<polyline points="{path}" fill="none" stroke="{COLOURS[name]}" stroke-width="2"/>'
            )
        for x, y in points:
            svg.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="{COLOURS[name]}"/>')
    svg.append("</svg>")
    legend = (
        " ".join(f'<span style="color:{COLOURS[name]}">━ {name}</span>' for name in PHASES)
        + " — time per phase, attempt by attempt"
    )
    rows = "".join(
        f"<tr><td>{number}</td><td>{escape(local_time(r.created_at))}</td>"
        f"<td>{escape(format_clock(r.duration_s))}</td>{_phase_cells(r)}{_flag_cell(r)}</tr>"
        for number, r in enumerate(series.attempts, start=1)
    )
    return (
        f"<h3>{kind}: {escape(series.label)}</h3><figure><figcaption>{legend}</figcaption>"
        f"{''.join(svg)}</figure>"
        "<table><tr><th>attempt</th><th>date</th><th>total</th><th>S</th><th>T</th><th>A</th>"
        f"<th>R</th><th>flags</th></tr>{rows}</table>"
    )


def _sessions_table(sessions: Sequence[SessionRecord]) -> str:
    rows = "".join(
        f"<tr><td>{index}</td><td>{escape(r.id)}</td><td>{escape(local_time(r.created_at))}</td>"
        f"<td>{escape(r.question_text or r.question_id or '—')}</td>"
        f"<td>{escape(r.theme or '—')}</td><td>{escape(format_clock(r.duration_s))}</td>"
        f"{_phase_cells(r)}{_flag_cell(r)}</tr>"
        for index, r in enumerate(sessions, start=1)
    )
    return (
        "<table><tr><th>#</th><th>id</th><th>date</th><th>question</th><th>theme</th>"
        "<th>total</th><th>S</th><th>T</th><th>A</th><th>R</th><th>flags</th></tr>"
        f"{rows}</table>"
    )
