"""Session history commands: sessions, replay, progress, export, delete, doctor."""

from __future__ import annotations

import csv
import io
import json
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from mockint.model import PHASES
from mockint.transcribe import DEFAULT_MODEL

if TYPE_CHECKING:
    from mockint.store import SessionStore, StoredSession

_DATE = click.DateTime(formats=["%Y-%m-%d"])


def _filters(function: Any) -> Any:
    """The options every history command shares for choosing sessions."""
    options = [
        click.option("--theme", help="Only sessions on this theme (for example 'mentorship')."),
        click.option("--question", help="A question id, or words from the question's text."),
        click.option("--story", help="Only attempts at this story id."),
        click.option("--since", type=_DATE, help="From this date (YYYY-MM-DD, inclusive)."),
        click.option("--until", type=_DATE, help="Up to this date (YYYY-MM-DD, inclusive)."),
        click.option(
            "--kind",
            type=click.Choice(["practice", "analyze"]),
            help="Only practice answers, or only files kept by `analyze --save`.",
        ),
    ]
    for option in reversed(options):
        function = option(function)
    return function


def _list(store: Any, filters: dict[str, Any], **extra: Any) -> tuple[Any, ...]:
    """The sessions the shared filter options choose, oldest first."""
    since, until = filters.get("since"), filters.get("until")
    records: tuple[Any, ...] = store.list(
        theme=filters.get("theme"),
        question=filters.get("question"),
        story=filters.get("story"),
        kind=filters.get("kind"),
        since=since.date().isoformat() if since else None,
        until=until.date().isoformat() if until else None,
        **extra,
    )
    return records


def _console(stderr: bool = False) -> Any:
    from rich.console import Console

    return Console(stderr=stderr, highlight=False)


@click.command()
@_filters
@click.option("--last", "limit", type=click.IntRange(min=1), help="Only the N most recent.")
@click.option("--json", "as_json", is_flag=True, help="Write JSON (mockint.sessions/1).")
def sessions(limit: int | None, as_json: bool, **filters: Any) -> None:
    """List past sessions: date, question, theme, time per phase and coaching flags."""
    from mockint.sessions_render import record_to_json, sessions_table
    from mockint.store import open_store

    with open_store() as store:
        records = _list(store, filters, limit=limit)
    if as_json:
        document = {
            "schema": "mockint.sessions/1",
            "sessions": [record_to_json(r) for r in records],
        }
        click.echo(json.dumps(document, indent=2, ensure_ascii=False))
        return
    console = _console()
    if not records:
        console.print(
            "No sessions yet. Practise, or keep an analysis with `mockint analyze --save`."
        )
        return
    console.print(sessions_table(records))


@click.command()
@click.argument("session_id")
@click.option("--phase", type=click.Choice(PHASES), help="Start where this phase starts.")
@click.option("--from", "from_time", metavar="TIME", help="Start at this time (80, 1:20).")
@click.option("--no-audio", is_flag=True, help="Print the stored report instead of playing.")
@click.option(
    "--reanalyze",
    is_flag=True,
    help="Analyze the stored audio again with this version (the old analysis is kept).",
)
@click.option("--model", default=DEFAULT_MODEL, show_default=True, help="Model for --reanalyze.")
@click.option("--device", help="Output device (name or index; see `mockint devices`).")
def replay(
    session_id: str,
    phase: str | None,
    from_time: str | None,
    no_audio: bool,
    reanalyze: bool,
    model: str,
    device: str | None,
) -> None:
    """Play a past answer with its transcript and current phase following along.

    SESSION_ID is an id from `mockint sessions`, a unique start of one, or 'last'.
    Space pauses and resumes; q stops.
    """
    from mockint.sessions_render import session_report
    from mockint.store import open_store

    console = _console()
    with open_store() as store:
        stored = store.get(store.resolve(session_id))
        if reanalyze:
            stored = _reanalyze(store, stored, model)
            console.print(f"Re-analysed {stored.id}; the earlier analysis is kept beside it.")
            console.print(session_report(stored.meta, stored.analysis))
            return
    if no_audio:
        console.print(session_report(stored.meta, stored.analysis))
        return
    _play(stored, phase=phase, from_time=from_time, device=device, console=console)


def _play(
    stored: StoredSession,
    *,
    phase: str | None,
    from_time: str | None,
    device: str | None,
    console: Any,
) -> None:
    from rich.text import Text

    from mockint.audio import decode_file
    from mockint.errors import MockintError
    from mockint.model import SAMPLE_RATE_HZ
    from mockint.playback import Player
    from mockint.replay import run_replay, terminal_keys
    from mockint.replay_view import parse_clock, start_position, timeline_from_entry

    if stored.analysis is None:
        raise MockintError(f"{stored.folder}: this session has no analysis to replay yet")
    if stored.audio_path is None:
        raise MockintError(f"{stored.folder}: the answer audio is missing")
    timeline = timeline_from_entry(stored.analysis)
    start_s = start_position(
        timeline, phase=phase, from_s=parse_clock(from_time) if from_time else None
    )
    samples = decode_file(stored.audio_path)
    question = stored.meta.get("question_text")
    if question:
        console.print(Text.assemble(("Question: ", "bold"), question))
    with terminal_keys() as keys:
        run_replay(
            timeline,
            # A number names a device by its index in `mockint devices`.
            Player(samples, SAMPLE_RATE_HZ, int(device) if device and device.isdigit() else device),
            start_s=start_s,
            console=console,
            keys=keys,
        )


def _reanalyze(store: SessionStore, stored: StoredSession, model: str) -> StoredSession:
    from mockint.analysis import analyze_file
    from mockint.errors import MockintError
    from mockint.render import analysis_to_json
    from mockint.transcribe import load_transcriber

    if stored.audio_path is None:
        raise MockintError(f"{stored.folder}: no answer audio to analyze again")
    analysis = analyze_file(stored.audio_path, load_transcriber(model))
    return store.replace_analysis(stored.id, analysis_to_json(analysis))


@click.command()
@_filters
@click.option(
    "--last",
    "last_n",
    type=click.IntRange(min=1),
    default=10,
    show_default=True,
    help="How many recent sessions the trends cover.",
)
@click.option(
    "--html",
    "html_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Also write a page with charts to this file.",
)
@click.option("--json", "as_json", is_flag=True, help="Write the trends as JSON.")
def progress(last_n: int, html_path: Path | None, as_json: bool, **filters: Any) -> None:
    """How your timing and coaching flags change over your recent sessions."""
    from mockint.history import progress as compute
    from mockint.sessions_render import progress_renderable, progress_to_json
    from mockint.store import open_store

    with open_store() as store:
        records = _list(store, filters)
    result = compute(records, last_n=last_n)
    if html_path is not None:
        from mockint.progress_html import render_progress_html

        _write_private(html_path, render_progress_html(result))
        _console(stderr=True).print(f"Wrote {html_path}")
    if as_json:
        click.echo(json.dumps(progress_to_json(result), indent=2, ensure_ascii=False))
    else:
        _console().print(progress_renderable(result))


@click.command()
@click.argument("session_id", required=False)
@click.option("--all", "export_all", is_flag=True, help="Export every session.")
@click.option(
    "--format", "fmt", type=click.Choice(["json", "csv", "html"]), default="json", show_default=True
)
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write to this file (user-only) instead of standard output.",
)
@click.pass_context
def export(
    ctx: click.Context, session_id: str | None, export_all: bool, fmt: str, out: Path | None
) -> None:
    """Export one session (SESSION_ID) or --all of them as JSON, CSV or HTML."""
    from mockint.errors import MockintError
    from mockint.store import open_store

    if bool(session_id) == export_all:
        raise click.UsageError("give either a SESSION_ID or --all")
    errors: list[str] = []
    with open_store() as store:
        ids = [r.id for r in store.list()] if export_all else [store.resolve(session_id or "")]
        loaded = []
        for one in ids:
            try:
                loaded.append(store.get(one))
            except MockintError as error:
                if not export_all:
                    raise
                errors.append(str(error))  # go on past a damaged session, say so at the end
    text = _export_text(loaded, fmt, export_all)
    if out is not None:
        _write_private(out, text)
        _console(stderr=True).print(f"Wrote {len(loaded)} session(s) to {out}")
    else:
        click.echo(text, nl=not text.endswith("\n"))
    for message in errors:
        click.echo(f"mockint: {message}", err=True)
    ctx.exit(1 if errors else 0)


def _export_text(loaded: list[StoredSession], fmt: str, export_all: bool) -> str:
    from mockint.sessions_render import CSV_FIELDS, record_to_csv_row

    if fmt == "json":
        if not export_all:
            return json.dumps(loaded[0].meta, indent=2, ensure_ascii=False) + "\n"
        document = {"schema": "mockint.export/1", "sessions": [s.meta for s in loaded]}
        return json.dumps(document, indent=2, ensure_ascii=False) + "\n"
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=CSV_FIELDS)
        writer.writeheader()
        for stored in loaded:
            writer.writerow(record_to_csv_row(stored.record))
        return buffer.getvalue()
    from mockint.errors import MockintError
    from mockint.history import progress as compute
    from mockint.progress_html import render_progress_html
    from mockint.report_html import render_html

    if export_all:
        return render_progress_html(
            compute([s.record for s in loaded], last_n=0), title="mockint: all sessions"
        )
    stored = loaded[0]
    if stored.analysis is None:
        raise MockintError(f"{stored.folder}: no analysis stored, nothing to show as HTML")
    audio = stored.audio_path.as_uri() if stored.audio_path else None
    return render_html(stored.analysis, audio)


@click.command()
@click.argument("session_id")
@click.option("--yes", "-y", is_flag=True, help="Do not ask for confirmation.")
def delete(session_id: str, yes: bool) -> None:
    """Delete a session: its recording, transcript, analysis and index entry."""
    from mockint.store import open_store

    with open_store() as store:
        full_id = store.resolve(session_id)
        if not yes:
            click.confirm(f"Delete session {full_id} and its recording?", abort=True)
        store.delete(full_id)
    click.echo(f"Deleted {full_id}.")


@click.command()
@click.pass_context
def doctor(ctx: click.Context) -> None:
    """Check the session history and rebuild its index from the session folders."""
    ctx.exit(0 if check_sessions(_console()) else 1)


def check_sessions(console: Any) -> bool:
    """Rebuild the index, report what could not be read; True when everything is sound."""
    from mockint.store import open_store

    with open_store() as store:
        _remove_stale_temp_files(store.sessions_dir)
        report = store.rebuild_index()
        integrity = store.integrity()
        orphans = store.recover_orphans()
        console.print(f"Session folder: {store.sessions_dir}")
        if report.moved_aside is not None:
            console.print(f"The index was damaged; it was moved to {report.moved_aside}.")
        console.print(f"Index rebuilt: {len(report.indexed)} session(s); integrity {integrity}.")
        for line in report.unreadable:
            console.print(f"[red]unreadable:[/red] {line}", markup=True)
        for handle in orphans:
            console.print(
                f"[yellow]unfinished:[/yellow] {handle.folder} has a recording without an "
                "analysis; the next practice run finishes it",
                markup=True,
            )
    return not report.unreadable and integrity == "ok"


def _remove_stale_temp_files(sessions_dir: Path, older_than_s: float = 3600.0) -> None:
    """Temp files a killed write left behind (a live write's temp file lasts milliseconds)."""
    cutoff = time.time() - older_than_s
    for temp in sessions_dir.glob("*/.*.tmp"):
        if temp.stat().st_mtime < cutoff:
            temp.unlink(missing_ok=True)


def _write_private(path: Path, text: str) -> None:
    from mockint.store import write_atomic

    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(path, text.encode())
