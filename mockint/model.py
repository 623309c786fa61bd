"""Frozen data passed between mockint's stages: words, phases, timings, analyses."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from mockint.findings import Coaching

Phase = Literal["situation", "task", "action", "result"]
PHASES: tuple[Phase, ...] = ("situation", "task", "action", "result")

Verdict = Literal["short", "ok", "long", "missing"]

SAMPLE_RATE_HZ = 16_000
ANALYSIS_SCHEMA = "mockint.analysis/1"


@dataclass(frozen=True, slots=True)
class Word:
    """One recognised word with its time in the answer."""

    text: str
    start_s: float
    end_s: float
    probability: float = 1.0


@dataclass(frozen=True, slots=True)
class Transcript:
    words: tuple[Word, ...]
    duration_s: float
    model: str

    @property
    def text(self) -> str:
        return " ".join(w.text for w in self.words)


@dataclass(frozen=True, slots=True)
class Target:
    """The time band a phase (or the whole answer) should fall in."""

    min_s: float
    max_s: float

    def verdict(self, duration_s: float | None) -> Verdict:
        if duration_s is None:
            return "missing"
        if duration_s < self.min_s:
            return "short"
        if duration_s > self.max_s:
            return "long"
        return "ok"


# The timing targets for a senior behavioral answer.
PHASE_TARGETS: dict[Phase, Target] = {
    "situation": Target(30, 45),
    "task": Target(15, 30),
    "action": Target(60, 90),
    "result": Target(30, 60),
}
ANSWER_TARGET = Target(120, 240)


@dataclass(frozen=True, slots=True)
class PhaseSpan:
    """A contiguous run of words in one phase: words[first_word:end_word]."""

    phase: Phase
    first_word: int
    end_word: int
    start_s: float
    end_s: float

    @property
    def duration_s(self) -> float:
        return self.end_s - self.start_s


@dataclass(frozen=True, slots=True)
class Segmentation:
    """One phase per word, and the contiguous spans those labels make."""

    labels: tuple[Phase, ...]
    spans: tuple[PhaseSpan, ...]


@dataclass(frozen=True, slots=True)
class PhaseTiming:
    """A phase's time in the answer against its target; start/end/duration are None when missing."""

    phase: Phase
    start_s: float | None
    end_s: float | None
    duration_s: float | None
    target: Target
    verdict: Verdict


@dataclass(frozen=True, slots=True)
class Analysis:
    """Everything mockint knows about one answer."""

    path: str
    transcript: Transcript
    segmentation: Segmentation
    timings: tuple[PhaseTiming, ...]
    answer_duration_s: float
    answer_verdict: Verdict
    # Filled by the coaching stage (mockint.coach); None when only timing was asked for.
    coaching: Coaching | None = None
