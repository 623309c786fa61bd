"""Build Analysis objects from hand-labelled answer text, so coaching tests need no audio."""

from __future__ import annotations

from collections.abc import Sequence

from mockint.model import Analysis, Phase, Segmentation, Transcript, Word
from mockint.star import spans_from_labels
from mockint.timing import answer_duration, time_phases


def analysis_from(
    segments: Sequence[tuple[Phase, str, float]],
    *,
    pause_after: dict[str, float] | None = None,
) -> Analysis:
    """An Analysis whose phases are exactly `segments`: (phase, text, seconds to speak it).

    Words are spread evenly over each segment's seconds. `pause_after` adds silence after the
    first word equal to a key (e.g. {"deadline.": 3.0}).
    """
    words: list[Word] = []
    labels: list[Phase] = []
    t = 0.0
    pauses = dict(pause_after or {})
    for phase, text, seconds in segments:
        tokens = text.split()
        step = seconds / len(tokens)
        for token in tokens:
            words.append(Word(token, round(t, 3), round(t + step * 0.85, 3)))
            labels.append(phase)
            t += step
            if token in pauses:
                t += pauses.pop(token)
    transcript = Transcript(tuple(words), round(t + 0.5, 3), "test")
    segmentation = Segmentation(tuple(labels), spans_from_labels(words, labels))
    duration_s, verdict = answer_duration(transcript.words)
    return Analysis(
        path="answer.wav",
        transcript=transcript,
        segmentation=segmentation,
        timings=time_phases(segmentation),
        answer_duration_s=duration_s,
        answer_verdict=verdict,
    )


def words_at(text: str, *, words_per_s: float = 2.5, start_s: float = 0.0) -> tuple[Word, ...]:
    """Evenly timed words for delivery tests."""
    step = 1.0 / words_per_s
    return tuple(
        Word(token, round(start_s + i * step, 3), round(start_s + i * step + step * 0.8, 3))
        for i, token in enumerate(text.split())
    )


SITUATION = (
    "Our checkout service was timing out during peak sales and customers were abandoning carts."
)
TASK = "I was responsible for finding the cause and fixing it before the holiday sale."
ACTION = (
    "I added tracing to every call in the checkout path. I found one slow database query "
    "behind most of the timeouts. I rewrote the query and added an index, and I load tested "
    "it with production traffic. I walked the team through the change before we shipped it."
)
RESULT = (
    "Checkout latency dropped from 2 seconds to 300 ms and abandoned carts fell by 18%. "
    "That taught me to measure before guessing at a fix."
)


NEUTRAL = "This detail mattered for the business then."


def at_pace(text: str, seconds: float, words_per_s: float = 2.4) -> tuple[str, float]:
    """`text` preceded by neutral sentences until it fills `seconds` at a natural pace."""
    pad = max(0, round(seconds * words_per_s) - len(text.split())) // len(NEUTRAL.split())
    return " ".join([NEUTRAL] * pad + [text]), seconds


def good_answer(**overrides: tuple[str, float]) -> Analysis:
    """A well-formed answer at a natural pace; override a phase with (text, seconds)."""
    parts: dict[str, tuple[str, float]] = {
        "situation": at_pace(SITUATION, 35.0),
        "task": at_pace(TASK, 20.0),
        "action": at_pace(ACTION, 80.0),
        "result": at_pace(RESULT, 45.0),
    }
    parts.update(overrides)
    return analysis_from([(phase, text, seconds) for phase, (text, seconds) in parts.items()])
