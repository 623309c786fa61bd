"""Replay a stored answer: its audio plays while the transcript and current phase follow along."""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Callable, Iterator
from typing import Any, Protocol

from mockint.history import format_clock
from mockint.replay_view import ReplayView, Timeline, view_at

PHASE_STYLES = {"situation": "cyan", "task": "magenta", "action": "green", "result": "yellow"}
STATE_STYLES = {"under": "yellow", "in band": "green", "over": "red", "": ""}
TICK_S = 0.1  # how often the screen follows the player: smooth enough to read along


class PlayerLike(Protocol):
    """What replay needs from mockint.playback.Player."""

    @property
    def position_s(self) -> float: ...

    def play(self, start_s: float = 0.0) -> None: ...

    def pause(self) -> None: ...

    def resume(self) -> None: ...

    def wait(self, timeout_s: float | None = None) -> bool: ...

    def stop(self) -> None: ...


class KeySource(Protocol):
    def read(self) -> str | None:
        """A key pressed since the last call, without waiting; None if none."""


def run_replay(
    timeline: Timeline,
    player: PlayerLike,
    *,
    start_s: float = 0.0,
    console: Any = None,
    keys: KeySource | None = None,
    on_view: Callable[[ReplayView], None] | None = None,
    tick_s: float = TICK_S,
) -> ReplayView:
    """Play from start_s, redrawing the view until the sound ends or the user quits (q)."""
    from rich.live import Live

    paused = False
    view = view_at(timeline, start_s)
    player.play(start_s)
    try:
        with Live(render_view(timeline, view), console=console, refresh_per_second=12) as live:
            while True:
                finished = player.wait(tick_s)
                view = view_at(timeline, player.position_s)
                if on_view is not None:
                    on_view(view)
                live.update(render_view(timeline, view, paused=paused))
                if finished:
                    break
                key = keys.read() if keys is not None else None
                if key == " ":
                    paused = not paused
                    if paused:
                        player.pause()
                    else:
                        player.resume()
                    live.update(render_view(timeline, view, paused=paused))
                elif key in ("q", "\x1b"):
                    break
    finally:
        player.stop()
    return view


def render_view(timeline: Timeline, view: ReplayView, *, paused: bool = False) -> Any:
    """The replay screen: clock and phase with its target, a phase bar, the transcript lines."""
    from rich.console import Group
    from rich.text import Text

    header = Text()
    header.append("⏸ " if paused else "▶ ", style="bold")
    header.append(f"{format_clock(view.position_s)} / {format_clock(timeline.duration_s)}   ")
    if view.phase is None:
        header.append("before the answer starts", style="dim")
    else:
        phase = view.phase
        header.append(phase.phase.upper(), style=f"bold {PHASE_STYLES[phase.phase]}")
        header.append(
            f"  {format_clock(view.phase_elapsed_s)} of "
            f"{format_clock(phase.target_min_s)}–{format_clock(phase.target_max_s)} "
        )
        header.append(f"({view.phase_state})", style=STATE_STYLES[view.phase_state])
    if paused:
        header.append("   paused — space resumes", style="dim")
    return Group(header, _phase_bar(timeline, view.position_s), _transcript(timeline, view))


def _phase_bar(timeline: Timeline, position_s: float, width: int = 60) -> Any:
    from rich.text import Text

    bar = Text()
    total = timeline.duration_s or 1.0
    cursor = min(int(position_s / total * width), width - 1)
    for cell in range(width):
        at_s = (cell + 0.5) / width * total
        span = next((s for s in reversed(timeline.spans) if s.start_s <= at_s), None)
        style = PHASE_STYLES.get(span.phase, "") if span else "dim"
        if cell == cursor:
            bar.append("●", style=f"bold {style}")
        else:
            bar.append("━", style=style)
    return bar


def _transcript(timeline: Timeline, view: ReplayView, before: int = 2, after: int = 2) -> Any:
    from rich.text import Text

    text = Text()
    if not timeline.lines:
        return Text("(no words in this answer)", style="dim")
    current = view.line_index if view.line_index is not None else -1
    first = max(current - before, 0)
    for index in range(first, min(max(current, 0) + after + 1, len(timeline.lines))):
        line = timeline.lines[index]
        if text:
            text.append("\n")
        style = PHASE_STYLES.get(line.phase or "", "")
        text.append(f"{format_clock(line.start_s):>5} ", style="dim")
        for n in range(line.first_word, line.end_word):
            word = timeline.words[n].text
            if n == view.word_index:
                text.append(word, style=f"bold reverse {style}")
            elif index == current:
                text.append(word, style=style)
            else:
                text.append(word, style="dim")
            text.append(" ")
    return text


class _NoKeys:
    def read(self) -> str | None:
        return None


class _TerminalKeys:
    """Single key presses from a terminal in cbreak mode (no Enter needed)."""

    def __init__(self, fd: int) -> None:
        self.fd = fd

    def read(self) -> str | None:
        import select

        ready, _, _ = select.select([self.fd], [], [], 0)
        return os.read(self.fd, 1).decode(errors="ignore") if ready else None


@contextlib.contextmanager
def terminal_keys() -> Iterator[KeySource]:
    """Keys from stdin when it is a terminal (restored afterwards); otherwise no keys."""
    if not sys.stdin.isatty():
        yield _NoKeys()
        return
    try:
        import termios
        import tty
    except ImportError:  # Windows: replay still plays, space-to-pause is unavailable
        yield _NoKeys()
        return
    fd = sys.stdin.fileno()
    saved = termios.tcgetattr(fd)
    try:
        tty.setcbreak(fd)
        yield _TerminalKeys(fd)
    finally:
        termios.tcsetattr(fd, termios.TCSADRAIN, saved)
