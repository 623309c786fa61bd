"""Pure decisions of the practice loop: when an answer stops, what the live view says, what next.

No audio, no terminal, no model here: the loop in mockint.practice_loop gathers the facts
(audio time, speech heard, keys, Ctrl-C) and acts on what these functions decide.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from mockint.model import PHASE_TARGETS, PHASES, Phase, Target, Word

StopReason = Literal["key", "silence", "time_limit", "interrupted", "device_error", "disk_full"]

STOP_MESSAGES: dict[StopReason, str] = {
    "key": "stopped when you pressed a key",
    "silence": "stopped after a silence",
    "time_limit": "time's up",
    "interrupted": "stopped by Ctrl-C; your answer is kept",
    "device_error": "the microphone stopped; what was recorded is kept",
    "disk_full": "the disk is full; what was recorded is kept",
}

# How long before a phase's ceiling the live view starts saying "move on".
WARN_BEFORE_CEILING_S = 5.0


@dataclass(frozen=True, slots=True)
class StopPolicy:
    """When an answer ends. Times are audio time (samples heard), not the wall clock."""

    silence_stop_s: float | None = 4.0  # None: never stop on silence
    max_s: float = 300.0

    def decide(
        self,
        *,
        heard_s: float,
        speech_seen: bool,
        silence_after_speech_s: float,
        key_pressed: bool = False,
        interrupted: bool = False,
        device_failed: bool = False,
    ) -> StopReason | None:
        """The reason to stop now, or None to keep recording. Earlier reasons win."""
        if interrupted:
            return "interrupted"
        if device_failed:
            return "device_error"
        if key_pressed:
            return "key"
        if heard_s >= self.max_s:
            return "time_limit"
        if (
            self.silence_stop_s is not None
            and speech_seen
            and silence_after_speech_s >= self.silence_stop_s
        ):
            return "silence"
        return None


InterruptAction = Literal["stop_answer", "quit"]


def on_interrupt(*, recording: bool, stopping: bool) -> InterruptAction:
    """Ctrl-C while an answer records ends that answer (it is kept and reported); any other
    Ctrl-C, including a second one while the answer is still being wound up, quits."""
    return "stop_answer" if recording and not stopping else "quit"


# ---------------------------------------------------------------------------- live view


@dataclass(frozen=True, slots=True)
class LiveState:
    """What the screen shows while someone answers."""

    elapsed_s: float
    level_dbfs: float
    phase: Phase | None  # None until words have been transcribed
    phase_elapsed_s: float | None
    target: Target | None
    hint: str | None
    words_heard: int
    last_words: str


def next_phase(phase: Phase) -> Phase | None:
    index = PHASES.index(phase)
    return PHASES[index + 1] if index + 1 < len(PHASES) else None


def phase_hint(phase: Phase, phase_elapsed_s: float, target: Target) -> str | None:
    """A nudge once a phase nears or passes its ceiling; None while it is on time."""
    following = next_phase(phase)
    if phase_elapsed_s < target.max_s - WARN_BEFORE_CEILING_S:
        return None
    if following is None:
        return "wrap up with what you learned"
    if phase_elapsed_s <= target.max_s:
        return f"move on to your {following}"
    return f"over time — move on to your {following} now"


def live_state(
    words: Sequence[Word],
    labels: Sequence[Phase],
    *,
    elapsed_s: float,
    level_dbfs: float,
    guidance: bool = True,
    last_n_words: int = 8,
) -> LiveState:
    """The live view from the words transcribed so far and their STAR labels (star.segment).

    The current phase is the last word's; its clock runs from that phase's first word to
    now, so it keeps moving while the newest words are still being transcribed.
    """
    tail = " ".join(w.text for w in words[-last_n_words:])
    if not guidance or not words or not labels:
        return LiveState(elapsed_s, level_dbfs, None, None, None, None, len(words), tail)
    phase = labels[-1]
    start_index = len(labels) - 1
    while start_index > 0 and labels[start_index - 1] == phase:
        start_index -= 1
    phase_elapsed_s = max(0.0, elapsed_s - words[start_index].start_s)
    target = PHASE_TARGETS[phase]
    return LiveState(
        elapsed_s,
        level_dbfs,
        phase,
        phase_elapsed_s,
        target,
        phase_hint(phase, phase_elapsed_s, target),
        len(words),
        tail,
    )


# ---------------------------------------------------------------------------- the run


Choice = Literal["retry", "next", "quit"]

CHOICE_KEYS: dict[str, Choice] = {"r": "retry", "n": "next", "q": "quit"}


def parse_choice(text: str, *, last: bool) -> Choice | None:
    """What the user typed at "[r]etry, [n]ext or [q]uit"; Enter means next (quit after the
    last question). None when the text is not a choice."""
    key = text.strip().lower()[:1]
    if not key:
        return "quit" if last else "next"
    choice = CHOICE_KEYS.get(key)
    if choice == "next" and last:
        return "quit"
    return choice


@dataclass(frozen=True, slots=True)
class RunState:
    """Where a practice run is: how many questions were asked of how many, and what is next."""

    count: int
    asked: int = 0
    retry: bool = False  # ask the current question again
    done: bool = False

    @property
    def last(self) -> bool:
        return self.asked >= self.count


def after_question(state: RunState, choice: Choice) -> RunState:
    """The run after a question (and its follow-up) was answered and the user chose."""
    if choice == "quit":
        return RunState(state.count, state.asked, retry=False, done=True)
    if choice == "retry":
        return RunState(state.count, state.asked, retry=True, done=False)
    return RunState(state.count, state.asked, retry=False, done=state.last)


def start_question(state: RunState) -> RunState:
    """Count a question as asked; a retry does not use up another of the --count questions."""
    if state.retry:
        return RunState(state.count, state.asked, retry=False, done=False)
    return RunState(state.count, state.asked + 1, retry=False, done=False)


def choose_follow_up(
    coach_follow_up: str | None, coach_reason: str | None, bank_follow_ups: Sequence[str]
) -> str | None:
    """The follow-up to ask: the coach's when it probes a weakness it found, else the first one
    written for the question, else the coach's general one."""
    if coach_follow_up and coach_reason and coach_reason != "none":
        return coach_follow_up
    if bank_follow_ups:
        return bank_follow_ups[0]
    return coach_follow_up or None
