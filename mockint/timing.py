"""Pure: each STAR phase's time in the answer, judged against its target band."""

from __future__ import annotations

from collections.abc import Sequence

from mockint.model import (
    ANSWER_TARGET,
    PHASE_TARGETS,
    PHASES,
    PhaseTiming,
    Segmentation,
    Verdict,
    Word,
)


def time_phases(segmentation: Segmentation) -> tuple[PhaseTiming, ...]:
    """One timing per phase, in STAR order. A phase told in two places (a Result stated up
    front and again at the end) counts both stretches; a phase never told is missing."""
    timings = []
    for phase in PHASES:
        spans = [span for span in segmentation.spans if span.phase == phase]
        target = PHASE_TARGETS[phase]
        if not spans:
            timings.append(PhaseTiming(phase, None, None, None, target, "missing"))
            continue
        duration_s = round(sum(span.duration_s for span in spans), 2)
        timings.append(
            PhaseTiming(
                phase,
                spans[0].start_s,
                spans[-1].end_s,
                duration_s,
                target,
                target.verdict(duration_s),
            )
        )
    return tuple(timings)


def answer_duration(words: Sequence[Word]) -> tuple[float, Verdict]:
    """The spoken answer's length, first word to last (silence before and after is not the
    candidate's time), and its verdict against the whole-answer target."""
    if not words:
        return 0.0, "missing"
    duration_s = round(words[-1].end_s - words[0].start_s, 2)
    return duration_s, ANSWER_TARGET.verdict(duration_s)
