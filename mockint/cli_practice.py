"""`mockint practice`: a spoken mock interview, one question (and its follow-up) at a time."""

from __future__ import annotations

import contextlib
import random
import sys
import threading
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

import click

from mockint.errors import MockintError
from mockint.transcribe import DEFAULT_MODEL

if TYPE_CHECKING:
    from mockint.questions import Question, QuestionBank
    from mockint.transcribe import Transcriber

RECENT_SESSIONS = 30


@click.command()
@click.option("--theme", help="Ask about this theme (e.g. 'conflict', 'mentorship').")
@click.option(
    "--company",
    help="Ask what this company asks: amazon, google or startup.",
)
@click.option("--principle", help="Ask about one Amazon leadership principle.")
@click.option(
    "--principles",
    help="An Amazon loop: comma-separated principles, every one probed over --count questions.",
)
@click.option("--question", "question_id", help="Ask this question (see `mockint questions`).")
@click.option("--story", "story_id", help="Practise this story against a question it fits.")
@click.option(
    "--count",
    type=click.IntRange(1, 50),
    default=1,
    show_default=True,
    help="Questions in a row.",
)
@click.option("--device", "--input", "device", help="Microphone: number or part of its name.")
@click.option(
    "--output-device", "--output", "output_device", help="Speaker: number or part of its name."
)
@click.option(
    "--voice",
    type=click.Choice(["auto", "piper", "system"]),
    default="auto",
    show_default=True,
    help="Voice reading the questions: Piper if installed (auto), or the system's.",
)
@click.option("--no-speak", is_flag=True, help="Show questions as text only.")
@click.option("--quiet-timer", is_flag=True, help="No live phase guidance: a realistic run.")
@click.option(
    "--silence-stop",
    type=click.FloatRange(0),
    default=4.0,
    show_default=True,
    help="End an answer after this many seconds of silence following speech (0: never).",
)
@click.option(
    "--max-seconds",
    type=click.FloatRange(5),
    default=300.0,
    show_default=True,
    help='End an answer at this length, with a spoken "time\'s up".',
)
@click.option("--no-follow-up", is_flag=True, help="Skip the follow-up question.")
@click.option(
    "--model", default=DEFAULT_MODEL, show_default=True, help="Speech model (as for analyze)."
)
@click.option("--seed", type=int, hidden=True, help="Seed the question choice (for tests).")
def practice(
    theme: str | None,
    company: str | None,
    principle: str | None,
    principles: str | None,
    question_id: str | None,
    story_id: str | None,
    count: int,
    device: str | None,
    output_device: str | None,
    voice: str,
    no_speak: bool,
    quiet_timer: bool,
    silence_stop: float,
    max_seconds: float,
    no_follow_up: bool,
    model: str,
    seed: int | None,
) -> None:
    """Practise answering out loud: hear a question, answer, get your report at once.

    While you answer, a live view shows the time, your level and which STAR phase you are
    in against its target. Finish with Enter or space, or just stop talking (see
    --silence-stop); Ctrl-C also ends the answer and keeps it. Then comes the full report,
    a follow-up question, and the choice to retry, go on or quit. Every answer is kept in
    your session history (`mockint sessions`).
    """
    from rich.console import Console

    from mockint.live_view import TerminalKeys, TerminalScreen
    from mockint.practice import StopPolicy
    from mockint.practice_loop import Ports, Settings, recover, run
    from mockint.store import open_store

    if question_id and (story_id or principles):
        raise click.UsageError("--question cannot be combined with --story or --principles")
    if story_id and principles:
        raise click.UsageError("--story cannot be combined with --principles")

    console = Console()
    interactive = sys.stdin.isatty()
    loader = ModelLoader(model)
    loader.start()
    store = open_store()
    rng = random.Random(seed)
    bank = _bank()
    next_question, story = _question_source(
        bank, store, rng, count, theme, company, principle, principles, question_id, story_id
    )
    for session_id in recover(store, loader.get):
        console.print(
            f"[yellow]recovered an answer an earlier run left unfinished: session {session_id}"
            "[/yellow]"
        )
    ports = Ports(
        screen=TerminalScreen(console, interactive=interactive),
        speaker=_speaker(console, "none" if no_speak else voice, output_device),
        recorder_factory=lambda: _recorder(device),
        transcriber=loader.get,
        store=store,
        keys=TerminalKeys(enabled=interactive),
    )
    settings = Settings(
        policy=StopPolicy(silence_stop_s=silence_stop or None, max_s=max_seconds),
        follow_up=not no_follow_up,
        guidance=not quiet_timer,
        interactive=interactive,
    )
    try:
        answers = run(ports, settings, next_question, count, story_id=story)
    finally:
        store.close()
    console.print(f"saved {len(answers)} answer(s): " + ", ".join(a.session_id for a in answers))


class ModelLoader:
    """Loads the speech model on a thread while the first question is spoken, then warms it.

    get() waits for the load only: the warm-up's one decode may still be running when the
    first answer starts, and the first chunk simply queues behind it in the model.
    """

    def __init__(self, model: str) -> None:
        self.model = model
        self._thread = threading.Thread(target=self._load, name="mockint-model", daemon=True)
        self._loaded = threading.Event()
        self._transcriber: Transcriber | None = None
        self._error: BaseException | None = None

    def start(self) -> None:
        self._thread.start()

    def _load(self) -> None:
        from mockint.streaming import warm_up
        from mockint.transcribe import load_transcriber

        try:
            self._transcriber = load_transcriber(self.model)
        except BaseException as error:  # noqa: BLE001 - raised again on the caller's thread
            self._error = error
        finally:
            self._loaded.set()
        if self._transcriber is not None:
            with contextlib.suppress(Exception):  # a failed warm-up only costs time later
                warm_up(self._transcriber)

    def get(self) -> Transcriber:
        self._loaded.wait()
        if self._error is not None:
            raise self._error
        assert self._transcriber is not None
        return self._transcriber


def _bank() -> QuestionBank:
    from mockint.cli_bank import load_user_bank

    return load_user_bank()


def _recent_ids(store: Any) -> tuple[str, ...]:
    """Questions practised lately, most recent first."""
    records = store.list(kind="practice", limit=RECENT_SESSIONS)
    return tuple(dict.fromkeys(r.question_id for r in reversed(records) if r.question_id))


def _question_source(
    bank: QuestionBank,
    store: Any,
    rng: random.Random,
    count: int,
    theme: str | None,
    company: str | None,
    principle: str | None,
    principles: str | None,
    question_id: str | None,
    story_id: str | None,
) -> tuple[Callable[[Sequence[str]], Question], str | None]:
    """A function giving the next question (avoiding those just asked), and the story, if any."""
    recent = _recent_ids(store)
    if question_id:
        question = bank.get(question_id)
        return (lambda _asked: question), None
    if story_id:
        from mockint.stories import load_stories, question_for_story, stories_path

        stories = {s.id: s for s in load_stories(stories_path())}
        if story_id not in stories:
            raise MockintError(f"{stories_path()}: no story with id {story_id!r}")
        story = stories[story_id]
        return (
            lambda asked: question_for_story(bank, story, rng, avoid_ids=(*asked, *recent))
        ), story_id
    if principles:
        names = [p.strip() for p in principles.split(",") if p.strip()]
        loop = list(bank.pick_loop(rng, names, count, avoid_ids=recent))

        def from_loop(asked: Sequence[str]) -> Question:
            return loop[min(len(asked), len(loop) - 1)]

        return from_loop, None
    return (
        lambda asked: bank.pick(
            rng,
            theme=theme,
            company=company,
            principle=principle,
            avoid_ids=(*asked, *recent),
        )
    ), None


def _speaker(console: Any, voice: str, device: str | None) -> Any:
    """The voice, warmed now; one that cannot start is reported and replaced by text."""
    from mockint.speak import SilentSpeaker, make_speaker

    speaker = make_speaker(voice, _device_arg(device))
    try:
        speaker.warm()
    except MockintError as error:
        console.print(f"[yellow]{error}; showing questions as text[/yellow]")
        return SilentSpeaker()
    return speaker


def _recorder(device: str | None) -> Any:
    from mockint.record import Recorder

    return Recorder(_device_arg(device))


def _device_arg(device: str | None) -> int | str | None:
    if device is None:
        return None
    return int(device) if device.isdigit() else device
