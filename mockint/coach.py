"""Coaching feedback for one answer: timing, ownership, metrics, lesson, delivery, red flags.

Pure: an Analysis (timed words, STAR phases, timings) in, a frozen Coaching out. Every finding
carries the words it is about and when they were said, so a report can point at the moment.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from mockint.delivery import (
    FILLER_RECALL_WITH_PROMPT,
    PACE_MAX_WPM,
    PACE_MIN_WPM,
    find_fillers,
    find_hedges,
    find_pauses,
    runs_per_minute,
    words_per_minute,
)
from mockint.evidence import Evidence, locate, quote
from mockint.findings import (
    Coaching,
    DeliveryFeedback,
    Finding,
    FollowUp,
    LessonFeedback,
    MetricFeedback,
    OwnershipFeedback,
    PhaseOwnership,
    PhasePace,
    PhaseTimingFeedback,
    RedFlag,
    TimingFeedback,
)
from mockint.lesson import has_lesson
from mockint.metrics import find_metrics
from mockint.model import (
    PHASES,
    Analysis,
    Word,
)
from mockint.ownership import pronoun_counts, we_sentences
from mockint.redflags import find_red_flags
from mockint.textutil import sentences
from mockint.timing_feedback import (
    ellipsis,
    phase_words,
    timing_feedback,
    words_text,
)

__all__ = [
    "Coaching",
    "DeliveryFeedback",
    "Evidence",
    "Finding",
    "FollowUp",
    "LessonFeedback",
    "MetricFeedback",
    "OwnershipFeedback",
    "PhaseOwnership",
    "PhasePace",
    "PhaseTimingFeedback",
    "RedFlag",
    "TimingFeedback",
    "coach",
    "find_metrics",
    "has_lesson",
    "we_sentences",
]

# More than this many fillers a minute is what listeners notice.
FILLERS_PER_MINUTE_LIMIT = 4.0
HEDGES_LIMIT = 3
LESSON_TAIL_SENTENCES = 3
FAILURE_THEME = "failure and learning"


class QuestionLike(Protocol):
    """What coaching needs from mockint.questions.Question (read-only)."""

    @property
    def id(self) -> str: ...

    @property
    def themes(self) -> tuple[str, ...]: ...


# --- content -------------------------------------------------------------------------------


def _ownership(analysis: Analysis) -> tuple[OwnershipFeedback, list[Finding]]:
    per_phase = []
    for phase in PHASES:
        i_count, we_count = pronoun_counts(words_text(phase_words(analysis, phase)))
        per_phase.append(PhaseOwnership(phase, i_count, we_count))
    action_words = phase_words(analysis, "action")
    quoted = locate(action_words, we_sentences(words_text(action_words)))
    feedback = OwnershipFeedback(tuple(per_phase), quoted)
    action = per_phase[PHASES.index("action")]
    findings: list[Finding] = []
    if quoted:
        heavy = len(quoted) >= 2 or action.we_count > action.i_count
        findings.append(
            Finding(
                "we_in_action",
                "problem" if heavy else "warning",
                f"{len(quoted)} Action sentence{'s' if len(quoted) > 1 else ''} told as "
                f'"we" (Action: {action.i_count} × I, {action.we_count} × we).',
                'Retell those steps with "I": what did you decide, build or say yourself? '
                "Credit the team in one sentence, then own your part.",
                quoted,
                priority=88 if heavy else 68,
            )
        )
    elif action_words and action.i_count > 0:
        findings.append(
            Finding(
                "owned_action",
                "good",
                f"Action is told in the first person ({action.i_count} × I, "
                f"{action.we_count} × we).",
                "",
            )
        )
    return feedback, findings


def _metrics(analysis: Analysis) -> tuple[MetricFeedback, list[Finding]]:
    result_words = phase_words(analysis, "result")
    result_quotes = _metric_quotes(result_words)
    other_words = tuple(
        w
        for w, label in zip(analysis.transcript.words, analysis.segmentation.labels, strict=True)
        if label != "result"
    )
    other_quotes = _metric_quotes(other_words) if not result_quotes else ()
    feedback = MetricFeedback(result_quotes, other_quotes)
    if result_quotes:
        listed = ", ".join(f'"{e.text}"' for e in result_quotes)
        return feedback, [
            Finding("metric", "good", f"The Result is quantified: {listed}.", "", result_quotes)
        ]
    advice = (
        "Give the outcome a number. If you don't have the exact figure, estimate honestly "
        '("roughly 30%", "on the order of $500K"): an honest estimate beats "it went well".'
    )
    if other_quotes:
        advice += " You did mention a number earlier; restate the before and after in the Result."
    where = "The Result has no number in it" if result_words else "There is no Result to measure"
    return feedback, [
        Finding("no_metric", "problem", f"{where}.", advice, other_quotes, priority=85)
    ]


def _metric_quotes(words: Sequence[Word]) -> tuple[Evidence, ...]:
    phrases = find_metrics(words_text(words))
    located = locate(words, phrases)
    if len(located) == len(phrases):
        return located
    # A phrase cut inside a word ("12%," or "$2M.") still deserves its quote: time it roughly.
    found = {e.text for e in located}
    extra = tuple(Evidence(p, words[0].start_s, words[-1].end_s) for p in phrases if p not in found)
    return tuple(sorted(located + extra, key=lambda e: e.start_s))


def _lesson(analysis: Analysis, red_flag_themes: bool) -> tuple[LessonFeedback, list[Finding]]:
    words = analysis.transcript.words
    result_words = phase_words(analysis, "result")
    closing = list(sentences(words_text(result_words)))
    for tail in sentences(words_text(words))[-LESSON_TAIL_SENTENCES:]:
        if tail not in closing:
            closing.append(tail)
    lesson_sentence = next((s for s in closing if has_lesson(s)), None)
    evidence = locate(words, [lesson_sentence])[0] if lesson_sentence else None
    if evidence is None and lesson_sentence:
        evidence = Evidence(lesson_sentence, words[-1].start_s, words[-1].end_s)
    feedback = LessonFeedback(lesson_sentence is not None, evidence)
    if evidence:
        return feedback, [
            Finding("lesson", "good", "The answer closes with what you learned.", "", (evidence,))
        ]
    ending = ellipsis(words[-8:]) if words else ()
    return feedback, [
        Finding(
            "no_lesson",
            "problem" if red_flag_themes else "warning",
            "The answer stops at the outcome without saying what you learned.",
            "Close with one sentence on what you took away or now do differently.",
            (quote(ending),) if ending else (),
            priority=80 if red_flag_themes else 58,
        )
    ]


# --- delivery ------------------------------------------------------------------------------


def _delivery(analysis: Analysis, filler_recall: float) -> tuple[DeliveryFeedback, list[Finding]]:
    words = analysis.transcript.words
    wpm = words_per_minute(words)
    phase_pace = tuple(
        PhasePace(
            phase,
            runs_per_minute(
                [
                    words[s.first_word : s.end_word]
                    for s in analysis.segmentation.spans
                    if s.phase == phase
                ]
            ),
        )
        for phase in PHASES
    )
    fillers = find_fillers(words)
    feedback = DeliveryFeedback(
        wpm, phase_pace, fillers, filler_recall, find_pauses(words), find_hedges(words)
    )
    findings: list[Finding] = []
    if wpm is not None and wpm > PACE_MAX_WPM:
        findings.append(
            Finding(
                "pace_fast",
                "warning",
                f"Pace {wpm:.0f} words a minute is fast (comfortable: "
                f"{PACE_MIN_WPM:.0f}–{PACE_MAX_WPM:.0f}).",
                "Slow down and let the key numbers land with a short pause.",
                priority=40,
            )
        )
    elif wpm is not None and wpm < PACE_MIN_WPM:
        findings.append(
            Finding(
                "pace_slow",
                "warning",
                f"Pace {wpm:.0f} words a minute is slow (comfortable: "
                f"{PACE_MIN_WPM:.0f}–{PACE_MAX_WPM:.0f}).",
                "Rehearse the story until the next step comes without searching for it.",
                priority=35,
            )
        )
    minutes = (analysis.answer_duration_s or 0.0) / 60.0
    rate = len(fillers) / minutes if minutes > 0 else 0.0
    if fillers and rate > FILLERS_PER_MINUTE_LIMIT:
        findings.append(
            Finding(
                "fillers",
                "warning",
                f"Fillers: {rate:.1f} a minute; {feedback.filler_note}.",
                "Replace the filler with a silent beat; a short pause sounds more confident.",
                fillers,
                priority=42,
            )
        )
    if feedback.pauses:
        longest = max(e.end_s - e.start_s for e in feedback.pauses)
        findings.append(
            Finding(
                "long_pauses",
                "warning",
                f"{len(feedback.pauses)} pause{'s' if len(feedback.pauses) > 1 else ''} longer "
                f"than 2 s (longest {longest:.1f} s).",
                "Long silences mid-story usually mean the next step isn't rehearsed yet.",
                feedback.pauses,
                priority=38,
            )
        )
    if len(feedback.hedges) >= HEDGES_LIMIT:
        findings.append(
            Finding(
                "hedging",
                "warning",
                f'{len(feedback.hedges)} hedges ("I think", "maybe", …) soften your claims.',
                "State what you did and what happened plainly; keep hedges for real uncertainty.",
                feedback.hedges,
                priority=36,
            )
        )
    return feedback, findings


# --- red flags, follow-up, summary ---------------------------------------------------------


def _red_flags(
    analysis: Analysis, themes: tuple[str, ...] | None, lesson: LessonFeedback
) -> tuple[RedFlag, ...]:
    words = analysis.transcript.words
    flags = []
    for hit in find_red_flags(words_text(words), themes):
        located = locate(words, [hit.sentence])
        flags.append(
            RedFlag(
                hit.rule.kind,
                tuple(sorted(hit.rule.themes)),
                f"Red flag: {hit.rule.message}.",
                hit.rule.advice,
                located,
            )
        )
    if themes is not None and FAILURE_THEME in themes and not lesson.present:
        tail = ellipsis(words[-8:])
        flags.append(
            RedFlag(
                "no_lesson",
                (FAILURE_THEME,),
                "Red flag: a failure story with no lesson learned.",
                "A failure answer is judged on what you learned; end with what you changed.",
                (quote(tail),) if tail else (),
            )
        )
    return tuple(flags)


_FOLLOW_UPS: dict[str, str] = {
    "blame": "What part of that outcome was yours, and what would you do differently?",
    "no_failure": "Tell me about a decision of yours that turned out wrong. What happened?",
    "trivial_failure": "Can you tell me about a mistake that cost your team or users something?",
    "avoided_conflict": "If you could go back, how would you have raised your disagreement?",
    "escalated_first": "What did you try with them directly before going to their manager?",
    "proved_them_wrong": "How did your working relationship with them look afterwards?",
    "action_missing": "Walk me through what you did, step by step.",
    "we_in_action": "What did you personally do, as opposed to the team?",
    "no_metric": "What was the measurable impact?",
    "task_missing": "What was your specific responsibility?",
    "no_lesson": "What did you learn from it, and what do you do differently now?",
    "result_missing": "How did it turn out?",
    "action_short": "Walk me through the steps you took in more detail.",
}
# Timing problems (a long Situation, a long answer) get no follow-up of their own: an
# interviewer would simply have cut in, and the content gaps are what they probe next.
_DEFAULT_FOLLOW_UP = "What would you do differently if you faced the same situation again?"


def _follow_up(findings: Sequence[Finding], flags: Sequence[RedFlag]) -> FollowUp:
    for flag in flags:
        if flag.kind in _FOLLOW_UPS:
            return FollowUp(_FOLLOW_UPS[flag.kind], flag.kind)
    for finding in findings:
        if finding.severity != "good" and finding.kind in _FOLLOW_UPS:
            return FollowUp(_FOLLOW_UPS[finding.kind], finding.kind)
    return FollowUp(_DEFAULT_FOLLOW_UP, "none")


def coach(
    analysis: Analysis,
    *,
    question: QuestionLike | None = None,
    filler_recall: float = FILLER_RECALL_WITH_PROMPT,
) -> Coaching:
    """Coaching for one analysed answer; `question` (if known) selects theme red flags."""
    themes = tuple(question.themes) if question is not None else None
    timing, timing_findings = timing_feedback(analysis)
    ownership, ownership_findings = _ownership(analysis)
    metrics, metric_findings = _metrics(analysis)
    failure_question = themes is not None and FAILURE_THEME in themes
    lesson, lesson_findings = _lesson(analysis, failure_question)
    flags = _red_flags(analysis, themes, lesson)
    delivery, delivery_findings = _delivery(analysis, filler_recall)

    flag_findings = [
        Finding(f.kind, "problem", f.message, f.advice, f.evidence, priority=100) for f in flags
    ]
    findings = sorted(
        [
            *flag_findings,
            *timing_findings,
            *ownership_findings,
            *metric_findings,
            *lesson_findings,
            *delivery_findings,
        ],
        key=lambda f: (f.severity == "good", -f.priority),
    )
    to_change = _dedupe_kinds([f for f in findings if f.severity != "good"])
    return Coaching(
        question_id=question.id if question is not None else None,
        themes=themes or (),
        timing=timing,
        ownership=ownership,
        metrics=metrics,
        lesson=lesson,
        delivery=delivery,
        red_flags=flags,
        findings=tuple(findings),
        follow_up=_follow_up(findings, flags),
        top_changes=tuple(to_change[:3]),
    )


def _dedupe_kinds(findings: Sequence[Finding]) -> list[Finding]:
    """One change per kind: two blame sentences are one thing to fix."""
    seen: set[str] = set()
    unique = []
    for finding in findings:
        if finding.kind not in seen:
            seen.add(finding.kind)
            unique.append(finding)
    return unique
