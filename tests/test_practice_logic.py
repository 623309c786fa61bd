"""The practice loop's decisions (pure) and its flow, with fake devices and a fake model."""

from __future__ import annotations

import contextlib
import wave
from collections.abc import Callable, Iterator

import numpy as np
import pytest

from mockint.errors import MockintError
from mockint.model import SAMPLE_RATE_HZ, Transcript, Word
from mockint.practice import (
    LiveState,
    RunState,
    StopPolicy,
    after_question,
    choose_follow_up,
    live_state,
    on_interrupt,
    parse_choice,
    phase_hint,
    start_question,
)
from mockint.practice_loop import Interrupts, Ports, Settings, recover, run
from mockint.questions import Question
from mockint.record import IncrementalWavWriter
from mockint.store import open_store
from mockint.streaming import WINDOW_SAMPLES, StreamingTranscriber
from mockint.transcribe import SpeechPass

# ------------------------------------------------------------------------- stop policy


def test_silence_after_speech_stops_but_silence_before_speech_does_not():
    policy = StopPolicy(silence_stop_s=4.0, max_s=300.0)
    quiet_start = policy.decide(heard_s=30.0, speech_seen=False, silence_after_speech_s=0.0)
    assert quiet_start is None
    assert policy.decide(heard_s=30.0, speech_seen=True, silence_after_speech_s=3.9) is None
    assert policy.decide(heard_s=30.0, speech_seen=True, silence_after_speech_s=4.0) == "silence"


def test_silence_stop_can_be_turned_off():
    policy = StopPolicy(silence_stop_s=None, max_s=300.0)
    assert policy.decide(heard_s=60.0, speech_seen=True, silence_after_speech_s=50.0) is None


def test_time_limit_and_the_order_of_reasons():
    policy = StopPolicy(silence_stop_s=4.0, max_s=10.0)
    assert policy.decide(heard_s=10.0, speech_seen=True, silence_after_speech_s=0.0) == (
        "time_limit"
    )
    both = {"heard_s": 10.0, "speech_seen": True, "silence_after_speech_s": 5.0}
    assert policy.decide(**both) == "time_limit"
    assert policy.decide(**both, key_pressed=True) == "key"
    assert policy.decide(**both, key_pressed=True, interrupted=True) == "interrupted"


def test_ctrl_c_ends_a_recording_once_and_quits_otherwise():
    assert on_interrupt(recording=True, stopping=False) == "stop_answer"
    assert on_interrupt(recording=True, stopping=True) == "quit"
    assert on_interrupt(recording=False, stopping=False) == "quit"


# ---------------------------------------------------------------------------- live view


def _words(texts: str, start_s: float, step_s: float = 0.4) -> list[Word]:
    return [
        Word(t, start_s + i * step_s, start_s + i * step_s + 0.3)
        for i, t in enumerate(texts.split())
    ]


def test_live_view_clocks_the_current_phase_from_its_first_word():
    words = _words("we had a big outage", 2.0) + _words("my job was to fix it", 20.0)
    labels = ("situation",) * 5 + ("task",) * 6
    state = live_state(words, labels, elapsed_s=44.0, level_dbfs=-20.0)
    assert state.phase == "task"
    assert state.phase_elapsed_s == pytest.approx(24.0)
    assert state.target is not None and state.target.max_s == 30
    assert state.hint is None
    late = live_state(words, labels, elapsed_s=46.0, level_dbfs=-20.0)
    assert late.hint == "move on to your action"
    assert late.words_heard == 11 and late.last_words.endswith("fix it")


def test_live_view_without_guidance_shows_no_phase():
    words = _words("we had a big outage", 2.0)
    state = live_state(words, ("situation",) * 5, elapsed_s=10.0, level_dbfs=-30.0, guidance=False)
    assert state.phase is None and state.hint is None
    assert state.elapsed_s == 10.0


def test_phase_hints_near_and_past_the_ceiling():
    from mockint.model import PHASE_TARGETS

    situation = PHASE_TARGETS["situation"]
    assert phase_hint("situation", 30.0, situation) is None
    assert phase_hint("situation", 41.0, situation) == "move on to your task"
    assert phase_hint("situation", 50.0, situation).startswith("over time")
    assert "wrap up" in phase_hint("result", 58.0, PHASE_TARGETS["result"])


# ------------------------------------------------------------------------- run decisions


def test_retry_does_not_use_up_a_question_and_quit_ends_the_run():
    state = start_question(RunState(count=2))
    assert state.asked == 1 and not state.last
    state = after_question(state, "retry")
    assert state.retry and not state.done
    state = start_question(state)
    assert state.asked == 1
    state = after_question(state, "next")
    state = start_question(state)
    assert state.asked == 2 and state.last
    assert after_question(state, "next").done
    assert after_question(RunState(count=5, asked=1), "quit").done


def test_menu_keys():
    assert parse_choice("r", last=False) == "retry"
    assert parse_choice("N", last=False) == "next"
    assert parse_choice("", last=False) == "next"
    assert parse_choice("", last=True) == "quit"
    assert parse_choice("next", last=True) == "quit"
    assert parse_choice("x", last=False) is None


def test_follow_up_probes_the_weakness_the_coach_found_first():
    bank = ("What would you do differently?",)
    assert choose_follow_up("What did it save?", "no_metric", bank) == "What did it save?"
    assert choose_follow_up("Anything else?", "none", bank) == bank[0]
    assert choose_follow_up("Anything else?", "none", ()) == "Anything else?"


# -------------------------------------------------------------------- the loop, faked

SCRIPT = (
    "Last year our checkout service kept failing on weekends. "
    "My task was to make it reliable within a quarter. "
    "I traced every incident, I added a circuit breaker and I moved reads to a replica. "
    "As a result incidents fell from six a month to one and I learned to measure first."
).split()


class EnergyDetector:
    """Speech wherever the fake microphone is loud (the fake audio is noise or zeros)."""

    def probabilities(self, windows: np.ndarray) -> tuple[float, ...]:
        frames = windows.reshape(-1, WINDOW_SAMPLES)
        return tuple(1.0 if float(np.abs(f).mean()) > 0.01 else 0.0 for f in frames)


class ScriptTranscriber:
    """Two words a second of loud audio, from SCRIPT, at their real times."""

    model_name = "fake"

    def __init__(self) -> None:
        self.calls = 0

    def transcribe(
        self,
        samples: np.ndarray,
        *,
        offset_s: float = 0.0,
        previous_text: str = "",
        retry_unsure: bool = True,
    ) -> Transcript:
        self.calls += 1
        words = []
        step = SAMPLE_RATE_HZ // 2
        for i in range(0, len(samples) - step + 1, step):
            if float(np.abs(samples[i : i + step]).mean()) > 0.01:
                start_s = offset_s + i / SAMPLE_RATE_HZ
                text = SCRIPT[int(start_s * 2) % len(SCRIPT)]
                words.append(Word(text, round(start_s, 3), round(start_s + 0.4, 3)))
        return Transcript(tuple(words), len(samples) / SAMPLE_RATE_HZ, self.model_name)

    def transcribe_speech(
        self,
        speech: np.ndarray,
        *,
        offset_s: float = 0.0,
        from_s: float = 0.0,
        peak_before: float = float("-inf"),
        opening: bool,
        one_window: bool,
    ) -> SpeechPass:
        # Hears the whole window, so the next one starts where this one ends.
        start = int(from_s * SAMPLE_RATE_HZ)
        words = self.transcribe(speech[start:], offset_s=offset_s + from_s).words
        end_s = offset_s + len(speech) / SAMPLE_RATE_HZ
        return SpeechPass(words, end_s if one_window else None)


def speech(seconds: float) -> np.ndarray:
    rng = np.random.default_rng(7)
    return (rng.standard_normal(int(seconds * SAMPLE_RATE_HZ)) * 0.1).astype(np.float32)


def silence(seconds: float) -> np.ndarray:
    return np.zeros(int(seconds * SAMPLE_RATE_HZ), dtype=np.float32)


class FakeRecorder:
    """Yields prepared audio in 0.1 s blocks; can fail or run a hook at a given block."""

    sample_rate_hz = SAMPLE_RATE_HZ

    def __init__(
        self,
        audio: np.ndarray,
        *,
        fail_after_s: float | None = None,
        at_block: tuple[int, Callable[[], None]] | None = None,
    ) -> None:
        self.audio = audio
        self.fail_after_s = fail_after_s
        self.at_block = at_block
        self.error: str | None = None
        self.started = self.closed = self.stopped = False

    def start(self) -> None:
        self.started = True

    def stop(self) -> None:
        self.stopped = True

    def close(self) -> None:
        self.closed = True

    def __iter__(self) -> Iterator[np.ndarray]:
        step = SAMPLE_RATE_HZ // 10
        for n, i in enumerate(range(0, len(self.audio), step)):
            if self.stopped:
                return
            if self.fail_after_s is not None and i >= self.fail_after_s * SAMPLE_RATE_HZ:
                self.error = "the microphone stopped sending audio"
                return
            if self.at_block is not None and n == self.at_block[0]:
                self.at_block[1]()
            yield self.audio[i : i + step]


class FakeScreen:
    def __init__(self, choices: tuple[str, ...] = ()) -> None:
        self.questions: list[str] = []
        self.notices: list[str] = []
        self.reports: list = []
        self.states: list[LiveState] = []
        self.choices = list(choices)

    def question(self, text: str, *, heading: str) -> None:
        self.questions.append(text)

    def notice(self, text: str) -> None:
        self.notices.append(text)

    @contextlib.contextmanager
    def live(self) -> Iterator[Callable[[LiveState], None]]:
        yield self.states.append

    def report(self, analysis) -> None:
        self.reports.append(analysis)

    def choose(self, *, last: bool) -> str:
        return self.choices.pop(0)


class FakeSpeaker:
    name = "fake"

    def __init__(self, fail: bool = False) -> None:
        self.said: list[str] = []
        self.fail = fail

    def say(self, text: str) -> None:
        if self.fail:
            raise MockintError("output device 'x': cannot play (no device)")
        self.said.append(text)

    def warm(self) -> None:
        pass


class NoKeys:
    @contextlib.contextmanager
    def watch(self, on_press: Callable[[], None]) -> Iterator[None]:
        yield


QUESTION = Question(
    id="reliability-01",
    text="Tell me about a time you made a system more reliable.",
    themes=("technical debt and quality",),
    principles=("Ownership",),
    companies=("amazon",),
    follow_ups=("What would you do differently next time?",),
)


def make_ports(recorders: list[FakeRecorder], screen=None, speaker=None) -> Ports:
    transcriber = ScriptTranscriber()
    return Ports(
        screen=screen or FakeScreen(),
        speaker=speaker or FakeSpeaker(),
        recorder_factory=lambda: recorders.pop(0),
        transcriber=lambda: transcriber,
        store=open_store(),
        keys=NoKeys(),
        stream_factory=lambda t: StreamingTranscriber(t, detector=EnergyDetector()),
    )


def answer_audio() -> np.ndarray:
    return np.concatenate([silence(1), speech(6), silence(1), speech(6), silence(10)])


def test_a_question_and_its_follow_up_are_recorded_reported_and_stored():
    ports = make_ports([FakeRecorder(answer_audio()), FakeRecorder(answer_audio())])
    settings = Settings(policy=StopPolicy(silence_stop_s=2.0, max_s=60.0))
    answers = run(ports, settings, lambda asked: QUESTION, 1)

    assert [a.stop_reason for a in answers] == ["silence", "silence"]
    assert ports.speaker.said[0] == QUESTION.text
    assert len(ports.speaker.said) == 2  # the question, then the follow-up
    assert answers[1].question_text == ports.speaker.said[1]
    assert len(ports.screen.reports) == 2
    main = ports.store.get(answers[0].session_id)
    assert main.meta["question_id"] == QUESTION.id
    assert main.analysis is not None and len(main.analysis["words"]) > 10
    with wave.open(str(main.audio_path)) as wav:
        # 14 s of answer, then 2 s of silence stopped it.
        assert wav.getnframes() / SAMPLE_RATE_HZ == pytest.approx(16.0, abs=0.25)
    follow = ports.store.get(answers[1].session_id)
    assert follow.meta["question_id"] is None  # not another try at the question
    assert follow.meta["question_text"] == answers[1].question_text
    assert ports.screen.states, "the live view was updated while recording"


def test_no_follow_up_and_time_limit():
    long_answer = np.concatenate([speech(20), silence(1)])
    ports = make_ports([FakeRecorder(long_answer)])
    settings = Settings(policy=StopPolicy(silence_stop_s=2.0, max_s=8.0), follow_up=False)
    (answer,) = run(ports, settings, lambda asked: QUESTION, 1)
    assert answer.stop_reason == "time_limit"
    assert answer.recorded_s == pytest.approx(8.0, abs=0.1)
    assert ports.speaker.said == [QUESTION.text, "Time's up."]
    assert "time's up" in ports.screen.notices


def test_ctrl_c_while_recording_keeps_the_answer_and_still_reports():
    interrupts = Interrupts()
    # The recorder delivers SIGINT's handler call at block 50 (5 s into the answer).
    recorder = FakeRecorder(speech(40), at_block=(50, interrupts.handle))
    ports = make_ports([recorder])
    settings = Settings(policy=StopPolicy(silence_stop_s=None, max_s=60.0), follow_up=False)
    (answer,) = run(ports, settings, lambda asked: QUESTION, 1, interrupts=interrupts)
    assert answer.stop_reason == "interrupted"
    assert answer.recorded_s == pytest.approx(5.0, abs=0.15)
    assert ports.screen.reports and answer.analysis.transcript.words
    assert ports.store.get(answer.session_id).analysis is not None


def test_a_second_ctrl_c_quits():
    interrupts = Interrupts()
    with interrupts.during_recording(lambda: None):
        interrupts.handle()
        assert interrupts.requested
        with pytest.raises(KeyboardInterrupt):
            interrupts.handle()
    with pytest.raises(KeyboardInterrupt), interrupts.winding_up():
        interrupts.handle()


def test_a_microphone_failing_mid_answer_keeps_what_was_recorded():
    ports = make_ports([FakeRecorder(np.concatenate([speech(20)]), fail_after_s=7.0)])
    settings = Settings(policy=StopPolicy(silence_stop_s=2.0, max_s=60.0), follow_up=False)
    (answer,) = run(ports, settings, lambda asked: QUESTION, 1)
    assert answer.stop_reason == "device_error"
    assert answer.recorded_s == pytest.approx(7.0, abs=0.15)
    assert any("microphone stopped" in n for n in ports.screen.notices)
    assert ports.store.get(answer.session_id).analysis["words"]


def test_a_voice_that_fails_falls_back_to_text_and_the_run_goes_on():
    ports = make_ports([FakeRecorder(answer_audio())], speaker=FakeSpeaker(fail=True))
    settings = Settings(policy=StopPolicy(silence_stop_s=2.0, max_s=60.0), follow_up=False)
    (answer,) = run(ports, settings, lambda asked: QUESTION, 1)
    assert any("--no-speak" in n for n in ports.screen.notices)
    assert ports.screen.questions == [QUESTION.text]
    assert answer.analysis.transcript.words


def test_retry_asks_the_same_question_and_next_asks_another():
    other = Question(
        "other-01", "Tell me about a hard deadline.", ("shipping under pressure",), (), (), ()
    )
    screen = FakeScreen(choices=("retry", "next", "quit"))
    ports = make_ports([FakeRecorder(answer_audio()) for _ in range(3)], screen=screen)
    settings = Settings(
        policy=StopPolicy(silence_stop_s=2.0, max_s=60.0), follow_up=False, interactive=True
    )
    asked_with: list[tuple[str, ...]] = []

    def next_question(asked):
        asked_with.append(tuple(asked))
        return QUESTION if not asked else other

    answers = run(ports, settings, next_question, 2)
    assert screen.questions == [QUESTION.text, QUESTION.text, other.text]
    assert asked_with == [(), (QUESTION.id,)]
    assert len(answers) == 3


def test_recovery_finishes_an_answer_a_killed_run_left(tmp_path):
    store = open_store()
    handle = store.new_session("practice", question_id="q-1", question_text="Tell me more.")
    with IncrementalWavWriter(handle.answer_path) as writer:
        writer.write(np.concatenate([speech(4), silence(1)]))
    store.close()  # the run "dies": the session stays open, its lock released

    later = open_store()
    transcriber = ScriptTranscriber()
    recovered = recover(later, lambda: transcriber)
    assert recovered == (handle.id,)
    session = later.get(handle.id)
    assert session.analysis is not None and session.analysis["words"]
    assert session.analysis["question"] == "Tell me more."
    assert recover(later, lambda: transcriber) == ()
