"""The practice loop on a terminal: the question, a live recording view, reports, the menu."""

from __future__ import annotations

import contextlib
import os
import sys
import threading
from collections.abc import Callable, Iterator
from typing import Any

from mockint.levels import meter
from mockint.model import Analysis
from mockint.practice import Choice, LiveState, parse_choice
from mockint.render import clock

STOP_KEYS = (b"\n", b"\r", b" ")


def live_renderable(state: LiveState, *, key_hint: bool) -> Any:
    """The recording view: clock, level meter, the phase and its clock against its target."""
    from rich.console import Group
    from rich.text import Text

    head = Text()
    head.append("● REC ", style="bold red")
    head.append(clock(state.elapsed_s), style="bold")
    head.append("  ")
    head.append(meter(state.level_dbfs), style="green")
    lines: list[Any] = [head]
    if state.phase is not None and state.target is not None:
        phase = Text()
        phase.append(state.phase.capitalize(), style="bold")
        phase.append(f" {clock(state.phase_elapsed_s)} / {clock(state.target.max_s)}")
        if state.hint:
            phase.append(f" — {state.hint}", style="yellow")
        lines.append(phase)
    if state.last_words:
        lines.append(Text(f"… {state.last_words}", style="dim"))
    finish = "Enter or space finishes the answer; " if key_hint else ""
    lines.append(Text(f"{finish}Ctrl-C also ends it (twice quits)", style="dim"))
    return Group(*lines)


class TerminalScreen:
    """The Screen of mockint.practice_loop on a rich console."""

    def __init__(self, console: Any, *, interactive: bool) -> None:
        self.console = console
        self.interactive = interactive

    def question(self, text: str, *, heading: str) -> None:
        from rich.panel import Panel

        self.console.print()
        self.console.print(Panel(text, title=heading, title_align="left", expand=False))

    def notice(self, text: str) -> None:
        self.console.print(f"[yellow]{text}[/yellow]")

    @contextlib.contextmanager
    def live(self) -> Iterator[Callable[[LiveState], None]]:
        if not self.console.is_terminal:
            self.console.print("recording… (answer now)")
            yield lambda state: None
            return
        from rich.live import Live

        first = LiveState(0.0, -120.0, None, None, None, None, 0, "")
        with Live(
            live_renderable(first, key_hint=self.interactive),
            console=self.console,
            refresh_per_second=8,
            transient=False,
        ) as live:

            def show(state: LiveState) -> None:
                live.update(live_renderable(state, key_hint=self.interactive))

            yield show

    def report(self, analysis: Analysis) -> None:
        from mockint.render import terminal_report

        self.console.print(terminal_report(analysis))

    def choose(self, *, last: bool) -> Choice:
        options = "[r]etry this question or [q]uit"
        if not last:
            options = "[r]etry, [n]ext question or [q]uit"
        default = "quit" if last else "next"
        while True:
            try:
                text = self.console.input(f"{options} (Enter: {default}) ")
            except EOFError:
                return "quit"
            choice = parse_choice(text, last=last)
            if choice is not None:
                return choice


class TerminalKeys:
    """Enter or space ends an answer: stdin in cbreak mode (Ctrl-C still signals) on a thread."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled

    @contextlib.contextmanager
    def watch(self, on_press: Callable[[], None]) -> Iterator[None]:
        if not self.enabled:
            yield
            return
        if os.name == "nt":  # pragma: no cover - Windows console
            with _watch_windows(on_press):
                yield
            return
        with _watch_posix(on_press):
            yield


@contextlib.contextmanager
def _watch_posix(on_press: Callable[[], None]) -> Iterator[None]:
    import select
    import termios
    import tty

    fd = sys.stdin.fileno()
    saved = termios.tcgetattr(fd)
    done = threading.Event()

    def loop() -> None:
        while not done.is_set():
            ready, _, _ = select.select([fd], [], [], 0.1)
            if ready:
                key = os.read(fd, 1)
                if key in STOP_KEYS:
                    on_press()
                    return

    tty.setcbreak(fd)
    thread = threading.Thread(target=loop, name="mockint-keys", daemon=True)
    thread.start()
    try:
        yield
    finally:
        done.set()
        thread.join(timeout=1.0)
        termios.tcsetattr(fd, termios.TCSADRAIN, saved)


@contextlib.contextmanager
def _watch_windows(on_press: Callable[[], None]) -> Iterator[None]:  # pragma: no cover
    import msvcrt
    import time

    done = threading.Event()

    def loop() -> None:
        while not done.is_set():
            # msvcrt exists only on Windows; type-checked on Linux it has no such functions.
            if msvcrt.kbhit() and msvcrt.getwch() in ("\r", "\n", " "):  # type: ignore[attr-defined]
                on_press()
                return
            time.sleep(0.05)

    thread = threading.Thread(target=loop, name="mockint-keys", daemon=True)
    thread.start()
    try:
        yield
    finally:
        done.set()
        thread.join(timeout=1.0)
