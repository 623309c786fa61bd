"""Batch analysis of audio files: find them, analyze each (in parallel processes if asked),
and hand back one outcome per file in the order given. A bad file never stops the batch."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path

from mockint.audio import is_audio_path
from mockint.errors import MockintError
from mockint.model import Analysis


@dataclass(frozen=True, slots=True)
class Outcome:
    """What happened to one input: an analysis, or the one-line reason it failed."""

    path: str
    analysis: Analysis | None = None
    error: str | None = None
    audio_s: float = 0.0


def find_audio(paths: Sequence[Path]) -> tuple[list[Path], list[Outcome]]:
    """Files to analyze, in a stable order, and outcomes for inputs that hold none.

    A file named explicitly is tried whatever its extension (the decoder decides); inside
    folders only audio extensions are taken. Symbolic links to folders are not followed,
    so a link loop cannot trap the walk."""
    files: list[Path] = []
    problems: list[Outcome] = []
    for path in paths:
        if path.is_dir():
            unlisted: list[Outcome] = []
            found = sorted(_walk_audio(path, unlisted))
            problems.extend(unlisted)
            if not found and not unlisted:
                problems.append(Outcome(str(path), error=f"{path}: no audio files in this folder"))
            files.extend(found)
        elif path.exists() or path.is_symlink():
            files.append(path)
        else:
            problems.append(Outcome(str(path), error=f"{path}: no such file or folder"))
    return files, problems


def _walk_audio(folder: Path, unlisted: list[Outcome]) -> Iterator[Path]:
    def cannot_list(error: OSError) -> None:
        # A folder that cannot be listed may hold answers: say so rather than skip it quietly.
        where = error.filename or str(folder)
        reason = error.strerror or str(error)
        unlisted.append(Outcome(str(where), error=f"{where}: cannot list this folder ({reason})"))

    for root, _dirs, names in os.walk(folder, onerror=cannot_list, followlinks=False):
        for name in names:
            candidate = Path(root) / name
            if is_audio_path(candidate) and not name.startswith("."):
                yield candidate


def probe_duration_s(path: Path) -> float:
    """The container's stated duration, for the progress bar; 0 when unknown or unreadable."""
    try:
        import av

        with av.open(str(path)) as container:
            return float(container.duration or 0) / 1_000_000
    except Exception:  # any decoder complaint just means "unknown" here; analysis reports it
        return 0.0


_worker_model: tuple[str, int] = ("tiny.en", 0)


def _init_worker(model: str, cpu_threads: int) -> None:
    global _worker_model
    _worker_model = (model, cpu_threads)


def analyze_one(path: Path, model: str | None = None, cpu_threads: int | None = None) -> Outcome:
    from mockint.analysis import analyze_file
    from mockint.transcribe import load_transcriber

    name, threads = _worker_model
    try:
        transcriber = load_transcriber(
            model or name, cpu_threads=threads if cpu_threads is None else cpu_threads
        )
        analysis = analyze_file(path, transcriber)
    except MockintError as error:
        return Outcome(str(path), error=str(error))
    except Exception as error:  # a decoder or model failure on one file must not end the batch
        first = (str(error).strip().splitlines() or [type(error).__name__])[0]
        return Outcome(str(path), error=f"{path}: analysis failed ({first})")
    return Outcome(str(path), analysis=analysis, audio_s=analysis.transcript.duration_s)


def analyze_all(
    files: Sequence[Path],
    *,
    model: str,
    jobs: int = 1,
    on_done: Callable[[Outcome], None] = lambda outcome: None,
) -> list[Outcome]:
    """Analyze every file; outcomes come back in input order, on_done fires as each ends."""
    if jobs <= 1 or len(files) <= 1:
        outcomes = []
        for path in files:
            outcome = analyze_one(path, model, 0)
            on_done(outcome)
            outcomes.append(outcome)
        return outcomes
    import multiprocessing

    # Each process gets its share of the cores, so N jobs do not fight over threads.
    threads = max(1, (os.cpu_count() or 1) // jobs)
    results: dict[int, Outcome] = {}
    with ProcessPoolExecutor(
        max_workers=jobs,
        mp_context=multiprocessing.get_context("spawn"),  # no fork under rich's refresh thread
        initializer=_init_worker,
        initargs=(model, threads),
    ) as pool:
        futures = {pool.submit(analyze_one, path): i for i, path in enumerate(files)}
        for future in as_completed(futures):
            outcome = future.result()
            on_done(outcome)
            results[futures[future]] = outcome
    return [results[i] for i in range(len(files))]
