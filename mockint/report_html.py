"""Pure: one analysed answer as a self-contained HTML page (timeline, player, transcript, feedback).

The page loads nothing from a network: styles and script are inline, a Content-Security-Policy
forbids any other fetch, and the only outside reference is the answer's own audio. The audio is
linked rather than embedded: a three-minute WAV would add ~8 MB of base64 to every page, and
linking keeps one copy of the user's recording. A caller that wants a single portable file can
pass a data: URL as `audio_href`.
"""

from __future__ import annotations

import base64
import hashlib
import json
from html import escape
from pathlib import PurePath
from typing import Any

PHASES = ("situation", "task", "action", "result")
PHASE_COLORS = {
    "situation": "#2b8cbe",
    "task": "#8856a7",
    "action": "#2ca25f",
    "result": "#d95f0e",
}
SEVERITY_LABELS = {"problem": "Fix", "warning": "Improve", "good": "Keep"}

_STYLE = """
body{font:15px/1.5 system-ui,-apple-system,"Segoe UI",sans-serif;margin:0;color:#1d1d1f;
background:#fafafa}
main{max-width:960px;margin:0 auto;padding:16px 24px 48px}
h1{font-size:20px;margin:8px 0 4px;word-break:break-all}h2{font-size:16px;margin:24px 0 8px}
.muted{color:#666}.num{font-variant-numeric:tabular-nums}
.track{position:relative;height:34px;background:#eee;border-radius:4px;margin:6px 0}
.seg{position:absolute;top:0;bottom:0;border:0;padding:0;color:#fff;font-size:12px;
cursor:pointer;overflow:hidden;white-space:nowrap;border-right:1px solid #fff}
.rows{display:grid;grid-template-columns:90px 1fr 230px;gap:4px 10px;align-items:center}
.bar{position:relative;height:18px;background:#f0f0f0;border-radius:3px}
.band{position:absolute;top:0;bottom:0;background:rgba(0,0,0,.12);border-left:1px dashed #555;
border-right:1px dashed #555}
.fill{position:absolute;top:4px;bottom:4px;left:0;border-radius:2px;opacity:.9}
.phase-name{border:0;background:none;text-align:left;font:inherit;cursor:pointer;padding:0;
font-weight:600}
.verdict-ok{color:#2ca25f}.verdict-long,.verdict-missing{color:#c0392b}.verdict-short{color:#b9770e}
audio{width:100%;margin:8px 0}
.transcript{line-height:2}.transcript .w{cursor:pointer;border-radius:3px;padding:1px 1px}
.transcript .w:hover{outline:1px solid #999}.transcript .now{background:#ffe58a}
.filler{text-decoration:underline wavy #c0392b;font-style:italic}
.pause{display:inline-block;font-size:11px;color:#fff;background:#777;border-radius:8px;
padding:0 6px;margin:0 3px;cursor:pointer}
.mark{font-size:11px;font-weight:700;text-transform:uppercase;margin:0 4px 0 8px;cursor:pointer}
.finding{border-left:4px solid #ccc;padding:4px 10px;margin:6px 0;background:#fff}
.finding.problem{border-color:#c0392b}.finding.warning{border-color:#e0a800}
.finding.good{border-color:#2ca25f}
.ev{font-size:13px;color:#444;cursor:pointer}.ev:hover{text-decoration:underline}
.follow{font-size:17px;font-style:italic;background:#fff;padding:10px;border-radius:6px}
table{border-collapse:collapse}td,th{padding:2px 10px 2px 0;text-align:left}
"""

# Clicking anything with data-start seeks the player there; during playback the word being
# spoken is highlighted. Word times come from the embedded JSON, not from the page's text.
_SCRIPT = """
(function(){
  var player=document.getElementById('player');
  var data=JSON.parse(document.getElementById('mockint-data').textContent);
  var words=document.querySelectorAll('.transcript .w');
  document.addEventListener('click',function(ev){
    var el=ev.target.closest('[data-start]');
    if(!el||!player)return;
    player.currentTime=parseFloat(el.getAttribute('data-start'));
    var p=player.play(); if(p&&p.catch){p.catch(function(){});}
  });
  if(!player)return;
  var current=-1;
  player.addEventListener('timeupdate',function(){
    var t=player.currentTime,i=-1;
    for(var k=0;k<data.words.length;k++){if(data.words[k].start_s<=t)i=k;else break;}
    if(i===current)return;
    if(current>=0&&words[current])words[current].classList.remove('now');
    if(i>=0&&words[i])words[i].classList.add('now');
    current=i;
  });
})();
"""


def _clock(seconds: float | None) -> str:
    if seconds is None:
        return "—"
    whole = int(round(seconds))
    return f"{whole // 60}:{whole % 60:02d}"


def _json_for_script(value: Any) -> str:
    """JSON that cannot close its <script> element or open a comment, whatever the text says."""
    text = json.dumps(value, ensure_ascii=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _script_hash(script: str) -> str:
    digest = hashlib.sha256(script.encode("utf-8")).digest()
    return "sha256-" + base64.b64encode(digest).decode("ascii")


def _attr_start(seconds: float | None) -> str:
    return "" if seconds is None else f' data-start="{seconds:.3f}"'


def _timeline(entry: dict[str, Any]) -> str:
    words = entry.get("words") or []
    answer = entry.get("answer") or {}
    end_s = max(
        float(answer.get("duration_s") or 0.0) + (words[0]["start_s"] if words else 0.0),
        float(entry.get("duration_s") or 0.0),
        1.0,
    )
    segments = []
    for span in entry.get("spans") or []:
        left = 100.0 * span["start_s"] / end_s
        width = max(0.4, 100.0 * (span["end_s"] - span["start_s"]) / end_s)
        phase = span["phase"]
        color = PHASE_COLORS.get(phase, "#999")
        when = f"{_clock(span['start_s'])}–{_clock(span['end_s'])}"
        segments.append(
            f'<button class="seg" data-phase="{escape(phase)}"{_attr_start(span["start_s"])} '
            f'style="left:{left:.2f}%;width:{width:.2f}%;background:{color}"'
            f' title="{escape(phase.capitalize())} {when}">'
            f"{escape(phase[:1].upper())}</button>"
        )
    scale_s = max(
        [240.0]
        + [float(p.get("duration_s") or 0.0) for p in entry.get("phases") or []]
        + [float(answer.get("duration_s") or 0.0)]
    )
    rows = []
    for p in entry.get("phases") or []:
        phase = p["phase"]
        duration_s = p.get("duration_s")
        band_left = 100.0 * p["target_min_s"] / scale_s
        band_width = 100.0 * (p["target_max_s"] - p["target_min_s"]) / scale_s
        fill = 100.0 * (duration_s or 0.0) / scale_s
        verdict = escape(str(p.get("verdict")))
        rows.append(
            f'<button class="phase-name" data-phase="{escape(phase)}"'
            f'{_attr_start(p.get("start_s"))} style="color:{PHASE_COLORS.get(phase, "#333")}">'
            f"{escape(phase.capitalize())}</button>"
            f'<div class="bar"><div class="band" style="left:{band_left:.2f}%;'
            f'width:{band_width:.2f}%"></div><div class="fill" style="width:{fill:.2f}%;'
            f'background:{PHASE_COLORS.get(phase, "#999")}"></div></div>'
            f'<div class="num">{_clock(duration_s)} <span class="muted">target '
            f"{p['target_min_s']:.0f}–{p['target_max_s']:.0f} s</span> "
            f'<b class="verdict-{verdict}">{verdict}</b></div>'
        )
    if answer:
        band_left = 100.0 * answer["target_min_s"] / scale_s
        band_width = 100.0 * (answer["target_max_s"] - answer["target_min_s"]) / scale_s
        fill = 100.0 * float(answer.get("duration_s") or 0.0) / scale_s
        verdict = escape(str(answer.get("verdict")))
        rows.append(
            '<span class="phase-name">Answer</span>'
            f'<div class="bar"><div class="band" style="left:{band_left:.2f}%;'
            f'width:{band_width:.2f}%"></div><div class="fill" style="width:{fill:.2f}%;'
            f'background:#555"></div></div><div class="num">{_clock(answer.get("duration_s"))} '
            f'<span class="muted">target 2:00–4:00</span> <b class="verdict-{verdict}">'
            f"{verdict}</b></div>"
        )
    return (
        '<section id="timeline"><h2>Timeline</h2>'
        f'<div class="track" id="track">{"".join(segments)}</div>'
        '<p class="muted">Bars: time spent in each phase. Shaded: its target band. '
        "Click a phase to hear it.</p>"
        f'<div class="rows">{"".join(rows)}</div></section>'
    )


def _transcript(entry: dict[str, Any]) -> str:
    coaching = entry.get("coaching") or {}
    delivery = coaching.get("delivery") or {}
    filler_spans = [(f["start_s"], f["end_s"]) for f in delivery.get("fillers") or []]
    pauses_after = {round(p["start_s"], 3): p for p in delivery.get("pauses") or []}
    parts = []
    previous_phase = None
    for index, word in enumerate(entry.get("words") or []):
        phase = word.get("phase") or "situation"
        if phase != previous_phase:
            parts.append(
                f'<span class="mark" style="color:{PHASE_COLORS.get(phase, "#333")}"'
                f"{_attr_start(word['start_s'])}>{escape(phase)}</span>"
            )
            previous_phase = phase
        is_filler = any(a - 1e-3 <= word["start_s"] <= b + 1e-3 for a, b in filler_spans)
        classes = "w filler" if is_filler else "w"
        parts.append(
            f'<span class="{classes}" id="w{index}" style="color:{PHASE_COLORS.get(phase, "#333")}"'
            f'{_attr_start(word["start_s"])} title="{_clock(word["start_s"])}">'
            f"{escape(word['text'])}</span> "
        )
        pause = pauses_after.get(round(word["end_s"], 3))
        if pause:
            gap_s = pause["end_s"] - pause["start_s"]
            parts.append(
                f'<span class="pause"{_attr_start(pause["start_s"])} '
                f'title="silence of {gap_s:.1f} s">pause {gap_s:.1f} s</span> '
            )
    return f'<section><h2>Transcript</h2><div class="transcript">{"".join(parts)}</div></section>'


def _evidence(items: list[dict[str, Any]], limit: int = 4) -> str:
    shown = []
    for e in items[:limit]:
        shown.append(
            f'<div class="ev"{_attr_start(e["start_s"])}>{_clock(e["start_s"])} '
            f"“{escape(e['text'])}”</div>"
        )
    if len(items) > limit:
        shown.append(f'<div class="muted">and {len(items) - limit} more</div>')
    return "".join(shown)


def _finding(f: dict[str, Any]) -> str:
    severity = str(f.get("severity"))
    return (
        f'<div class="finding {escape(severity)}"><b>{SEVERITY_LABELS.get(severity, "")}</b> '
        f"{escape(f['message'])} <span>{escape(f.get('advice') or '')}</span>"
        f"{_evidence(f.get('evidence') or [])}</div>"
    )


def _feedback(coaching: dict[str, Any]) -> str:
    if not coaching:
        return (
            "<section><h2>Feedback</h2><p>No coaching was computed for this answer.</p></section>"
        )
    top = coaching.get("top_changes") or []
    changes = (
        "<ol>" + "".join(f"<li>{_finding(f)}</li>" for f in top) + "</ol>"
        if top
        else "<p>Nothing major to change: this answer hits the marks.</p>"
    )
    delivery = coaching.get("delivery") or {}
    pace = ", ".join(
        f"{escape(p['phase'])} {p['words_per_minute']:.0f}"
        for p in delivery.get("phases") or []
        if p.get("words_per_minute") is not None
    )
    wpm = delivery.get("words_per_minute")
    ownership = "".join(
        f"<tr><td>{escape(p['phase'])}</td><td class='num'>{p['i_count']}</td>"
        f"<td class='num'>{p['we_count']}</td></tr>"
        for p in (coaching.get("ownership") or {}).get("phases") or []
    )
    flags = coaching.get("red_flags") or []
    flag_html = (
        "".join(
            f'<div class="finding problem">{escape(f["message"])} {escape(f["advice"])}'
            f"{_evidence(f.get('evidence') or [])}</div>"
            for f in flags
        )
        if flags
        else "<p>None found.</p>"
    )
    others = [
        f
        for f in coaching.get("findings") or []
        if f not in top and f["kind"] not in {fl["kind"] for fl in flags}
    ]
    follow = coaching.get("follow_up") or {}
    return (
        '<section id="feedback"><h2>The three changes that would help most</h2>'
        f"{changes}"
        f'<h2>Next question an interviewer would ask</h2><p class="follow">'
        f"{escape(follow.get('question') or '')}</p>"
        f"<h2>Red flags</h2>{flag_html}"
        "<h2>Delivery</h2>"
        f"<p class='num'>Pace: {'—' if wpm is None else f'{wpm:.0f}'} words a minute"
        f"{' (' + pace + ')' if pace else ''}.<br>Fillers: "
        f"{escape(delivery.get('filler_note') or '')}.</p>"
        f"{_evidence(delivery.get('fillers') or [], limit=12)}"
        f"<p>Pauses over 2 s: {len(delivery.get('pauses') or [])}. "
        f"Hedges: {len(delivery.get('hedges') or [])}.</p>"
        "<h2>Ownership (I / we)</h2><table><tr><th>phase</th><th>I</th><th>we</th></tr>"
        f"{ownership}</table>"
        "<h2>All findings</h2>"
        f"{''.join(_finding(f) for f in others)}</section>"
    )


def _question(entry: dict[str, Any]) -> str:
    text = entry.get("question")
    if not isinstance(text, str) or not text.strip():
        return ""
    return f'<p class="follow">Question: {escape(text)}</p>'


def render_html(entry: dict[str, Any], audio_href: str | None) -> str:
    """A complete HTML page for one file entry of mockint.analysis/1 (with its coaching)."""
    name = PurePath(str(entry.get("path") or "answer")).name
    data = {
        "path": entry.get("path"),
        "words": [
            {"text": w["text"], "start_s": w["start_s"], "end_s": w["end_s"], "phase": w["phase"]}
            for w in entry.get("words") or []
        ],
        "phases": entry.get("phases") or [],
        "coaching": entry.get("coaching"),
    }
    audio = (
        f'<audio id="player" controls preload="auto" src="{escape(audio_href, quote=True)}">'
        "</audio>"
        if audio_href
        else '<p class="muted">No audio linked to this report.</p>'
    )
    csp = (
        "default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
        "media-src 'self' file: data: blob:; "
        f"script-src '{_script_hash(_SCRIPT)}'"
    )
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en"><head><meta charset="utf-8">'
        f'<meta http-equiv="Content-Security-Policy" content="{csp}">'
        '<meta name="viewport" content="width=device-width,initial-scale=1">'
        f"<title>mockint — {escape(name)}</title><style>{_STYLE}</style></head><body><main>"
        f"<h1>{escape(name)}</h1>"
        f"{_question(entry)}"
        f'<p class="muted">{escape(str(entry.get("path") or ""))} · model '
        f"{escape(str(entry.get('model') or '?'))}</p>"
        f"{audio}"
        f"{_timeline(entry)}"
        f"{_feedback(entry.get('coaching') or {})}"
        f"{_transcript(entry)}"
        f'<script type="application/json" id="mockint-data">{_json_for_script(data)}</script>'
        f"<script>{_SCRIPT}</script>"
        "</main></body></html>\n"
    )
