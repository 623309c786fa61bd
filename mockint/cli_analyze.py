"""`mockint analyze`: STAR timing reports for recorded answers, for people or for tools."""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import click

from mockint.transcribe import DEFAULT_MODEL

if TYPE_CHECKING:
    from rich.console import Console

    from mockint.batch import Outcome


@click.command()
# readable=False: an unreadable file is reported per file by the batch, not fatal to it.
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path, readable=False))
@click.option(
    "--json", "as_json", is_flag=True, help="Write one JSON document (mockint.analysis/1)."
)
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the JSON document to this file instead of standard output.",
)
@click.option(
    "--jobs",
    "-j",
    type=click.IntRange(1, 64),
    default=1,
    show_default=True,
    help="Analyze this many files at once, in separate processes.",
)
@click.option(
    "--model",
    default=DEFAULT_MODEL,
    show_default=True,
    help="Speech model: tiny.en (bundled), base or small (optional packages), "
    "a folder holding a converted model, or a faster-whisper model name.",
)
@click.option(
    "--save", is_flag=True, help="Also keep each analyzed answer in your session history."
)
@click.option(
    "--html",
    "html_target",
    type=click.Path(path_type=Path),
    help="Also write an HTML report (player, timeline, transcript, feedback) to this file; "
    "with several answers, to this folder, one page each.",
)
@click.pass_context
def analyze(
    ctx: click.Context,
    paths: tuple[Path, ...],
    as_json: bool,
    out: Path | None,
    jobs: int,
    model: str,
    save: bool,
    html_target: Path | None,
) -> None:
    """Analyze recorded answers: files, or folders searched for audio files.

    Each answer is transcribed on this machine, split into Situation, Task, Action and
    Result, and each phase's time is judged against its target. Any format FFmpeg reads
    works (wav, flac, mp3, m4a, ogg, webm). Exits non-zero if any file failed.
    """
    from rich.console import Console

    from mockint.batch import analyze_all, find_audio
    from mockint.render import analysis_to_json, document, failure_to_json, terminal_report

    stdout = Console()
    stderr = Console(stderr=True)
    files, problems = find_audio(list(paths))
    with _progress(stderr, files) as report_done:
        outcomes = analyze_all(files, model=model, jobs=jobs, on_done=report_done)
    outcomes = problems + outcomes

    saved: dict[str, str] = {}
    if save:
        saved = _save(outcomes, stderr)

    if as_json or out:
        entries = []
        for outcome in outcomes:
            if outcome.analysis is None:
                entries.append(failure_to_json(outcome.path, outcome.error or "failed"))
            else:
                entry = analysis_to_json(outcome.analysis)
                if outcome.path in saved:
                    entry["session_id"] = saved[outcome.path]
                entries.append(entry)
        text = json.dumps(document(entries), indent=2, ensure_ascii=False)
        if out:
            _write_atomically(out, text + "\n")
        else:
            click.echo(text)
    else:
        for outcome in outcomes:
            if outcome.analysis is not None:
                stdout.print(terminal_report(outcome.analysis))
                stdout.print()
    if html_target is not None:
        _write_html(html_target, [o for o in outcomes if o.analysis is not None], stderr)
    for outcome in outcomes:
        if outcome.error:
            click.echo(f"error: {outcome.error}", err=True)
    ctx.exit(1 if any(outcome.error for outcome in outcomes) else 0)


@contextlib.contextmanager
def _progress(console: Console, files: list[Path]) -> Iterator[Callable[[Outcome], None]]:
    """A progress bar over files and audio seconds, shown only on a terminal."""
    if not console.is_terminal or not files:
        yield lambda outcome: None
        return
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    from mockint.batch import probe_duration_s

    total_s = sum(probe_duration_s(path) for path in files)
    progress = Progress(
        TextColumn("[bold]analyzing"),
        BarColumn(),
        TextColumn("{task.fields[n_done]}/{task.fields[n_files]} files"),
        TextColumn("{task.completed:.0f}/{task.total:.0f} s of audio"),
        TimeElapsedColumn(),
        console=console,
        transient=True,
    )
    task = progress.add_task("analyze", total=max(total_s, 1.0), n_done=0, n_files=len(files))
    n_done = 0

    def advance(outcome: Outcome) -> None:
        nonlocal n_done
        n_done += 1
        progress.update(task, advance=outcome.audio_s, n_done=n_done)

    with progress:
        yield advance


def _save(outcomes, console) -> dict[str, str]:  # type: ignore[no-untyped-def]
    """Store each analyzed answer in the history; a failure to save is said, not fatal."""
    from mockint.errors import MockintError
    from mockint.render import analysis_to_json
    from mockint.store import open_store

    store = open_store()
    saved = {}
    for outcome in outcomes:
        if outcome.analysis is None:
            continue
        try:
            saved[outcome.path] = store.save_analyzed_file(
                Path(outcome.path), analysis_to_json(outcome.analysis)
            )
        except MockintError as error:
            click.echo(f"error: {error}", err=True)
    return saved


def _write_html(target: Path, analyzed, console) -> None:  # type: ignore[no-untyped-def]
    """One self-contained page per analyzed answer, linking to the answer's own audio."""
    from mockint.html_pages import audio_href, page_paths
    from mockint.render import analysis_to_json
    from mockint.report_html import render_html

    if not analyzed:
        return
    if len(analyzed) > 1:
        target.mkdir(parents=True, exist_ok=True)
    pages = page_paths(target, [o.path for o in analyzed])
    for outcome in analyzed:
        page = pages[outcome.path]
        entry = analysis_to_json(outcome.analysis)
        _write_atomically(page, render_html(entry, audio_href(page, Path(outcome.path))))
        console.print(f"HTML report: {page}", highlight=False)


def _write_atomically(path: Path, text: str) -> None:
    """Write beside the target and rename, so a crash never leaves half a report."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
