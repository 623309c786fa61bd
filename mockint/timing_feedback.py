"""Timing feedback: each phase and the whole answer against their targets, in words."""

from __future__ import annotations

from collections.abc import Sequence

from mockint.evidence import Evidence, quote
from mockint.findings import Finding, PhaseTimingFeedback, Severity, TimingFeedback
from mockint.model import ANSWER_TARGET, PHASE_TARGETS, Analysis, Phase, Target, Verdict, Word

# The brief's rule of thumb: most of the answer is what you did and what came of it.
ACTION_RESULT_SHARE = Target(0.60, 0.70)


def clock(seconds: float) -> str:
    whole = int(round(seconds))
    return f"{whole // 60}:{whole % 60:02d}"


def phase_words(analysis: Analysis, phase: Phase) -> tuple[Word, ...]:
    return tuple(
        w
        for w, label in zip(analysis.transcript.words, analysis.segmentation.labels, strict=True)
        if label == phase
    )


def words_text(words: Sequence[Word]) -> str:
    return " ".join(w.text for w in words)


def _off_by(duration_s: float | None, target: Target) -> float | None:
    if duration_s is None:
        return None
    if duration_s > target.max_s:
        return round(duration_s - target.max_s, 1)
    if duration_s < target.min_s:
        return round(duration_s - target.min_s, 1)
    return 0.0


def _times_word(ratio: float) -> str:
    if 1.7 <= ratio < 1.85:
        return "nearly twice"
    if 1.85 <= ratio < 2.2:
        return "about twice"
    if 2.8 <= ratio < 3.3:
        return "about three times"
    return f"{ratio:.1f}×"


def timing_feedback(analysis: Analysis) -> tuple[TimingFeedback, list[Finding]]:
    phases = tuple(
        PhaseTimingFeedback(
            t.phase,
            t.start_s,
            t.end_s,
            t.duration_s,
            t.target.min_s,
            t.target.max_s,
            t.verdict,
            _off_by(t.duration_s, t.target),
        )
        for t in analysis.timings
    )
    by_phase = {p.phase: p for p in phases}
    answer_s = analysis.answer_duration_s
    action_result_s = sum(by_phase[p].duration_s or 0.0 for p in ("action", "result"))
    share = round(action_result_s / answer_s, 3) if answer_s > 0 else None
    share_verdict: Verdict = "missing" if share is None else ACTION_RESULT_SHARE.verdict(share)
    timing = TimingFeedback(
        phases,
        answer_s,
        analysis.answer_verdict,
        _off_by(answer_s, ANSWER_TARGET) or 0.0,
        share,
        share_verdict,
    )
    words = analysis.transcript.words
    findings: list[Finding] = []
    answer_start_s = words[0].start_s if words else 0.0

    situation = by_phase.get("situation")
    if situation and situation.verdict == "long" and situation.duration_s is not None:
        ratio = situation.duration_s / situation.target_max_s
        wrap_s = answer_start_s + situation.target_max_s
        into_action_s = wrap_s + PHASE_TARGETS["task"].max_s
        findings.append(
            Finding(
                "situation_long",
                "problem",
                f"Situation ran {clock(situation.duration_s)}, {_times_word(ratio)} its "
                f"{situation.target_max_s:.0f} s ceiling.",
                f"Cut the background to two or three sentences: finish it by {clock(wrap_s)} "
                f"and be into what you did by {clock(into_action_s)}.",
                span_evidence(analysis, "situation"),
                priority=90 if ratio >= 1.5 else 70,
            )
        )
    for p in phases:
        if p.phase == "situation" and p.verdict == "long":
            continue
        finding = _phase_timing_finding(analysis, p)
        if finding:
            findings.append(finding)

    if analysis.answer_verdict in ("long", "short"):
        over = analysis.answer_verdict == "long"
        findings.append(
            Finding(
                f"answer_{analysis.answer_verdict}",
                "warning",
                f"The whole answer took {clock(answer_s)}, "
                f"{clock(abs(timing.answer_off_by_s))} {'over' if over else 'under'} "
                f"the 2–4 minute window.",
                "Trim the background and any repeated points; an interviewer wants room to ask."
                if over
                else "Add the steps you took and the outcome in numbers; there is too little "
                "for a follow-up to dig into.",
                priority=55 if over else 50,
            )
        )
    if share is not None and share_verdict == "short":
        findings.append(
            Finding(
                "action_result_share_low",
                "warning",
                f"Only {share:.0%} of the answer is Action and Result; aim for 60–70%.",
                "Move time from setting the scene to what you did and what changed.",
                priority=60,
            )
        )
    elif share is not None and share_verdict == "ok":
        findings.append(
            Finding(
                "action_result_share_ok",
                "good",
                f"{share:.0%} of the answer is Action and Result, inside the 60–70% band.",
                "",
            )
        )
    return timing, findings


def span_evidence(analysis: Analysis, phase: Phase) -> tuple[Evidence, ...]:
    spans = [s for s in analysis.segmentation.spans if s.phase == phase]
    words = analysis.transcript.words
    return tuple(
        quote(ellipsis(words[s.first_word : s.end_word]))
        for s in spans
        if s.end_word > s.first_word
    )


def ellipsis(words: Sequence[Word], keep: int = 6) -> Sequence[Word]:
    """The first few words of a long run, enough to recognise it; times still span the run."""
    if len(words) <= keep:
        return words
    head = list(words[:keep])
    last = words[-1]
    head[-1] = Word(head[-1].text + " …", head[-1].start_s, last.end_s, head[-1].probability)
    return head


_TIMING_ADVICE: dict[tuple[Phase, str], tuple[str, int]] = {
    ("task", "missing"): ("Say in a sentence what you were responsible for, before the steps.", 65),
    ("action", "missing"): (
        "Tell the steps you personally took; that is what is being scored.",
        95,
    ),
    ("result", "missing"): ("End with what changed, in numbers, and what you learned.", 85),
    ("situation", "missing"): ("Give one or two sentences of context so the stakes are clear.", 30),
    ("action", "short"): ("Walk through three to five concrete steps you took.", 75),
    ("action", "long"): ("Keep the three steps that mattered most; drop the rest.", 45),
    ("result", "short"): ("Spend longer on the outcome: the numbers and what you learned.", 55),
    ("result", "long"): ("State the outcome and the lesson, then stop.", 35),
    ("task", "long"): ("Your responsibility fits in one or two sentences.", 35),
    ("task", "short"): ("Make your own responsibility explicit: what was yours to do?", 25),
    ("situation", "short"): ("A little more context would make the stakes clear.", 15),
}


def _phase_timing_finding(analysis: Analysis, p: PhaseTimingFeedback) -> Finding | None:
    if p.verdict == "ok":
        return None
    advice, priority = _TIMING_ADVICE[(p.phase, p.verdict)]
    name = p.phase.capitalize()
    band = f"{p.target_min_s:.0f}–{p.target_max_s:.0f} s"
    if p.verdict == "missing":
        message = f"No {name} phase was found."
    else:
        assert p.duration_s is not None and p.off_by_s is not None
        direction = "over" if p.off_by_s > 0 else "under"
        message = (
            f"{name} took {p.duration_s:.0f} s, {abs(p.off_by_s):.0f} s {direction} "
            f"its {band} target."
        )
    severity: Severity = "problem" if p.verdict == "missing" else "warning"
    return Finding(
        f"{p.phase}_{p.verdict}",
        severity,
        message,
        advice,
        span_evidence(analysis, p.phase),
        priority,
    )
