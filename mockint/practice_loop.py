"""The practice loop: ask a question, record the answer while transcribing it, report, follow up.

The imperative shell around mockint.practice: it owns the devices, the model, the store and
the screen, asks the pure functions what to do, and keeps every recording on disk as it goes.
"""

from __future__ import annotations

import contextlib
import signal
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from mockint.errors import MockintError
from mockint.model import SAMPLE_RATE_HZ, Analysis
from mockint.practice import (
    STOP_MESSAGES,
    Choice,
    LiveState,
    RunState,
    StopPolicy,
    StopReason,
    after_question,
    choose_follow_up,
    live_state,
    on_interrupt,
    start_question,
)

if TYPE_CHECKING:
    from mockint.questions import Question
    from mockint.speak import Speaker
    from mockint.store import SessionHandle, SessionStore
    from mockint.transcribe import Transcriber

LIVE_REFRESH_S = 0.25
NO_SPEECH_ADVICE = (
    "no speech was heard: check the microphone (`mockint devices` lists them, "
    "--device picks one) and speak a little louder"
)


class Screen(Protocol):
    """What the loop shows and asks; a rich terminal in use, a recorder of calls in tests."""

    def question(self, text: str, *, heading: str) -> None: ...

    def notice(self, text: str) -> None: ...

    def live(self) -> contextlib.AbstractContextManager[Callable[[LiveState], None]]: ...

    def report(self, analysis: Analysis) -> None: ...

    def choose(self, *, last: bool) -> Choice: ...


class Keys(Protocol):
    """Enter or space pressed during a recording (a no-op without a terminal)."""

    def watch(self, on_press: Callable[[], None]) -> contextlib.AbstractContextManager[None]: ...


RecorderFactory = Callable[[], Any]  # returns a mockint.record.Recorder (or one like it)


@dataclass(frozen=True, slots=True)
class Settings:
    policy: StopPolicy = StopPolicy()
    follow_up: bool = True
    guidance: bool = True
    interactive: bool = False  # a terminal on stdin: keys stop answers, the menu is offered


@dataclass(frozen=True, slots=True)
class Answer:
    """One recorded, analysed and stored answer, with the times the benchmark reads."""

    session_id: str
    question_text: str
    stop_reason: StopReason
    recorded_s: float
    analysis: Analysis
    device_error: str | None = None
    stopped_at: float = 0.0  # time.monotonic() when the last block was taken
    report_ready_at: float = 0.0  # time.monotonic() when the report was on screen


@dataclass
class Ports:
    """The adapters one run uses, built by the CLI (or by a test)."""

    screen: Screen
    speaker: Speaker
    recorder_factory: RecorderFactory
    transcriber: Callable[[], Transcriber]  # blocks until the model is loaded
    store: SessionStore
    keys: Keys
    # Builds the incremental transcriber for one answer; tests pass one with a fake detector.
    stream_factory: Callable[[Transcriber], Any] | None = None
    answers: list[Answer] = field(default_factory=list)


# ------------------------------------------------------------------------------- Ctrl-C


class Interrupts:
    """SIGINT during a recording ends the answer; at any other moment it quits."""

    def __init__(self) -> None:
        self.recording = False
        self.stopping = False
        self.requested = False
        self._on_stop: Callable[[], None] | None = None

    def handle(self, _signum: int = signal.SIGINT, _frame: object = None) -> None:
        if on_interrupt(recording=self.recording, stopping=self.stopping) == "quit":
            raise KeyboardInterrupt
        self.requested = True
        self.stopping = True
        if self._on_stop is not None:
            self._on_stop()

    @contextlib.contextmanager
    def during_recording(self, on_stop: Callable[[], None]) -> Iterator[None]:
        self.recording, self.stopping, self.requested = True, False, False
        self._on_stop = on_stop
        installed = threading.current_thread() is threading.main_thread()
        previous = signal.signal(signal.SIGINT, self.handle) if installed else None
        try:
            yield
        finally:
            self.recording = False
            self._on_stop = None
            if installed:
                signal.signal(signal.SIGINT, previous)

    @contextlib.contextmanager
    def winding_up(self) -> Iterator[None]:
        """After the first Ctrl-C ended an answer, a second one (while it is reported) quits."""
        installed = threading.current_thread() is threading.main_thread()
        previous = signal.signal(signal.SIGINT, self.handle) if installed else None
        try:
            yield
        finally:
            self.stopping = False
            if installed:
                signal.signal(signal.SIGINT, previous)


# ----------------------------------------------------------------------------- recording


@dataclass(frozen=True, slots=True)
class Recorded:
    path: Path
    duration_s: float
    stop_reason: StopReason
    device_error: str | None
    stopped_at: float


def record_live(
    recorder: Any,
    path: Path,
    stream: Any,
    policy: StopPolicy,
    *,
    show: Callable[[LiveState], None],
    keys: Keys,
    interrupts: Interrupts,
    guidance: bool,
) -> Recorded:
    """Record into `path` (a valid WAV throughout) and `stream`, until the policy says stop."""
    from mockint.levels import rms_dbfs
    from mockint.record import IncrementalWavWriter
    from mockint.star import segment

    pressed = threading.Event()

    def key_pressed() -> None:
        pressed.set()
        recorder.stop()

    reason: StopReason | None = None
    last_shown = 0.0
    level_dbfs = -120.0
    with (
        IncrementalWavWriter(path, SAMPLE_RATE_HZ) as writer,
        interrupts.during_recording(recorder.stop),
        keys.watch(key_pressed),
    ):
        for block in recorder:
            writer.write(block)
            if writer.disk_error is not None:
                # Stop here so the saved recording and the report cover the same answer.
                reason = "disk_full"
                recorder.stop()
                break
            stream.feed(block)
            level_dbfs = rms_dbfs(block)
            heard = stream.speech_state()
            reason = policy.decide(
                heard_s=writer.duration_s,
                speech_seen=heard.speech_seen,
                silence_after_speech_s=heard.silence_after_speech_s,
                key_pressed=pressed.is_set(),
                interrupted=interrupts.requested,
            )
            if reason is not None:
                recorder.stop()
                break
            now = time.monotonic()
            if now - last_shown >= LIVE_REFRESH_S:
                last_shown = now
                words = stream.words_so_far()
                labels = segment(words).labels if guidance and words else ()
                show(
                    live_state(
                        words,
                        labels,
                        elapsed_s=writer.duration_s,
                        level_dbfs=level_dbfs,
                        guidance=guidance,
                    )
                )
        stopped_at = time.monotonic()
        if reason is None:
            # The iteration ended on its own: a key or Ctrl-C stopped it, or the device failed.
            if interrupts.requested:
                reason = "interrupted"
            elif pressed.is_set():
                reason = "key"
            elif getattr(recorder, "error", None):
                reason = "device_error"
            else:
                reason = "key"
        duration_s = writer.duration_s
    return Recorded(path, duration_s, reason, getattr(recorder, "error", None), stopped_at)


# ------------------------------------------------------------------------------ analysis


def full_analysis(path: str, transcript: Any, question: Question | None) -> Analysis:
    """Timing, phases and coaching: everything the report shows."""
    from mockint.analysis import analyze_transcript

    return analyze_transcript(path, transcript, question=question)


def analysis_entry(analysis: Analysis, question_text: str, question_id: str | None) -> dict:
    from mockint.render import analysis_to_json

    entry = analysis_to_json(analysis)
    entry["question"] = question_text
    entry["question_id"] = question_id
    return entry


# ------------------------------------------------------------------------------ one answer


def ask(ports: Ports, text: str) -> None:
    """Speak a question; a voice that fails is reported once and the run goes on in text."""
    from mockint.speak import SilentSpeaker

    try:
        ports.speaker.say(text)
    except MockintError as error:
        ports.screen.notice(
            f"cannot speak the question ({error}); showing questions as text from now on "
            "(--no-speak does this from the start; `mockint devices` lists the speakers)"
        )
        ports.speaker = SilentSpeaker()


def answer_one(
    ports: Ports,
    settings: Settings,
    interrupts: Interrupts,
    *,
    question_text: str,
    question: Question | None,
    heading: str,
    follow_up: bool = False,
    story_id: str | None = None,
) -> Answer:
    """Ask, record (transcribing as it goes), report and store one answer."""
    from mockint.streaming import StreamingTranscriber

    ports.screen.question(question_text, heading=heading)
    ask(ports, question_text)
    handle = ports.store.new_session(
        "practice",
        # A follow-up is its own session: it must not count as another try at the question.
        question_id=question.id if question is not None and not follow_up else None,
        question_text=question_text,
        theme=question.themes[0] if question is not None and question.themes else None,
        story_id=story_id,
    )
    transcriber = ports.transcriber()
    make_stream = ports.stream_factory or StreamingTranscriber
    stream = make_stream(transcriber)
    recorder = ports.recorder_factory()
    try:
        recorder.start()
    except MockintError:
        stream.finish()
        raise
    try:
        with ports.screen.live() as show:
            recorded = record_live(
                recorder,
                handle.answer_path,
                stream,
                settings.policy,
                show=show,
                keys=ports.keys,
                interrupts=interrupts,
                guidance=settings.guidance,
            )
    finally:
        recorder.close()
    with interrupts.winding_up():
        if recorded.stop_reason == "device_error" and recorded.device_error:
            ports.screen.notice(f"{recorded.device_error}; what was recorded is kept")
        else:
            ports.screen.notice(STOP_MESSAGES[recorded.stop_reason])
        voice = None
        if recorded.stop_reason == "time_limit":
            # Said while the last words are transcribed, so the report is not held up.
            voice = threading.Thread(target=ask, args=(ports, "Time's up."), daemon=True)
            voice.start()
        transcript = stream.finish()
        analysis = full_analysis(str(handle.answer_path), transcript, question)
        ports.screen.report(analysis)
        report_ready_at = time.monotonic()
        if not transcript.words:
            ports.screen.notice(NO_SPEECH_ADVICE)
        asked = None if follow_up else question
        stored = finish(ports.store, handle, analysis, question_text, asked)
        if voice is not None:
            voice.join()
    answer = Answer(
        stored,
        question_text,
        recorded.stop_reason,
        recorded.duration_s,
        analysis,
        recorded.device_error,
        recorded.stopped_at,
        report_ready_at,
    )
    ports.answers.append(answer)
    return answer


def finish(
    store: SessionStore,
    handle: SessionHandle,
    analysis: Analysis,
    question_text: str,
    question: Question | None,
) -> str:
    entry = analysis_entry(analysis, question_text, question.id if question else None)
    store.finish_session(handle, analysis=entry)
    return handle.id


# ------------------------------------------------------------------------------- the run


def follow_up_text(analysis: Analysis, question: Question | None) -> str | None:
    coaching: Any = analysis.coaching
    follow = getattr(coaching, "follow_up", None)
    return choose_follow_up(
        getattr(follow, "question", None),
        getattr(follow, "reason", None),
        question.follow_ups if question is not None else (),
    )


def run(
    ports: Ports,
    settings: Settings,
    next_question: Callable[[Sequence[str]], Question],
    count: int,
    *,
    story_id: str | None = None,
    interrupts: Interrupts | None = None,
) -> tuple[Answer, ...]:
    """Ask `count` questions (retries are extra), each with its follow-up; the answers."""
    interrupts = interrupts or Interrupts()
    state = RunState(count)
    asked_ids: list[str] = []
    question: Question | None = None
    while not state.done:
        if not state.retry or question is None:
            question = next_question(tuple(reversed(asked_ids)))
            asked_ids.append(question.id)
        state = start_question(state)
        heading = f"Question {state.asked} of {state.count}"
        main = answer_one(
            ports,
            settings,
            interrupts,
            question_text=question.text,
            question=question,
            heading=heading,
            story_id=story_id,
        )
        follow = follow_up_text(main.analysis, question)
        if settings.follow_up and follow and main.analysis.transcript.words:
            answer_one(
                ports,
                settings,
                interrupts,
                question_text=follow,
                question=question,
                heading="Follow-up",
                follow_up=True,
                story_id=story_id,
            )
        choice: Choice
        if settings.interactive:
            choice = ports.screen.choose(last=state.last)
        else:
            choice = "quit" if state.last else "next"
        state = after_question(state, choice)
    return tuple(ports.answers)


# ---------------------------------------------------------------------------- recovery


def recover(store: SessionStore, transcriber: Callable[[], Transcriber]) -> tuple[str, ...]:
    """Finish the sessions a killed run left behind: repair, transcribe, analyse, store."""
    from mockint.audio import decode_file

    finished = []
    for handle in store.recover_orphans():
        meta = store.get(handle.id).meta
        text = meta.get("question_text") or ""
        try:
            samples = decode_file(handle.answer_path)
        except MockintError:
            # Kept as it is for `mockint doctor`; it never blocks a practice run.
            continue
        transcript = transcriber().transcribe(samples)
        analysis = full_analysis(str(handle.answer_path), transcript, None)
        entry = analysis_entry(analysis, text, meta.get("question_id"))
        store.finish_session(handle, analysis=entry)
        finished.append(handle.id)
    return tuple(finished)
