"""The frozen findings the coach hands to reports: each carries its evidence and times."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from mockint.evidence import Evidence
from mockint.model import Phase, Verdict

Severity = Literal["problem", "warning", "good"]


@dataclass(frozen=True, slots=True)
class Finding:
    """One thing to change (or keep): which rule, how much it matters, the words it is about."""

    kind: str
    severity: Severity
    message: str
    advice: str
    evidence: tuple[Evidence, ...] = ()
    priority: int = 0  # higher = changes the interviewer's impression more


@dataclass(frozen=True, slots=True)
class PhaseTimingFeedback:
    phase: Phase
    start_s: float | None
    end_s: float | None
    duration_s: float | None
    target_min_s: float
    target_max_s: float
    verdict: Verdict
    off_by_s: float | None  # + over the ceiling, - under the floor, 0 inside, None if missing


@dataclass(frozen=True, slots=True)
class TimingFeedback:
    phases: tuple[PhaseTimingFeedback, ...]
    answer_duration_s: float
    answer_verdict: Verdict
    answer_off_by_s: float
    action_result_share: float | None
    action_result_verdict: Verdict


@dataclass(frozen=True, slots=True)
class PhaseOwnership:
    phase: Phase
    i_count: int
    we_count: int


@dataclass(frozen=True, slots=True)
class OwnershipFeedback:
    phases: tuple[PhaseOwnership, ...]
    action_we_sentences: tuple[Evidence, ...]


@dataclass(frozen=True, slots=True)
class MetricFeedback:
    result_metrics: tuple[Evidence, ...]
    other_metrics: tuple[Evidence, ...]  # numbers told outside the Result


@dataclass(frozen=True, slots=True)
class LessonFeedback:
    present: bool
    evidence: Evidence | None


@dataclass(frozen=True, slots=True)
class PhasePace:
    phase: Phase
    words_per_minute: float | None


@dataclass(frozen=True, slots=True)
class DeliveryFeedback:
    words_per_minute: float | None
    phases: tuple[PhasePace, ...]
    fillers: tuple[Evidence, ...]
    filler_recall: float  # share of spoken fillers transcription is measured to keep
    pauses: tuple[Evidence, ...]
    hedges: tuple[Evidence, ...]

    @property
    def filler_note(self) -> str:
        caught = f"{self.filler_recall:.0%}"
        if not self.fillers:
            return (
                f"no fillers transcribed; transcription keeps only about {caught} of them, "
                "so listen back before taking this as none"
            )
        return (
            f"{len(self.fillers)} transcribed; transcription keeps about {caught} of fillers, "
            "so the true count may be higher"
        )


@dataclass(frozen=True, slots=True)
class RedFlag:
    kind: str
    themes: tuple[str, ...]  # the question themes it belongs to; empty = any question
    message: str
    advice: str
    evidence: tuple[Evidence, ...]


@dataclass(frozen=True, slots=True)
class FollowUp:
    question: str
    reason: str  # the finding kind it probes


@dataclass(frozen=True, slots=True)
class Coaching:
    """Everything the coach says about one answer."""

    question_id: str | None
    themes: tuple[str, ...]
    timing: TimingFeedback
    ownership: OwnershipFeedback
    metrics: MetricFeedback
    lesson: LessonFeedback
    delivery: DeliveryFeedback
    red_flags: tuple[RedFlag, ...]
    findings: tuple[Finding, ...]  # every finding, most important first
    follow_up: FollowUp
    top_changes: tuple[Finding, ...]  # up to three, in the order to work on them
