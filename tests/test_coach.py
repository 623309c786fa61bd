"""coach(): every finding on hand-built answers, with a case where it fires and one where not."""

from __future__ import annotations

import json

from mockint.coach import Coaching, coach
from mockint.questions import Question
from mockint.render_coaching import coaching_to_json
from tests.coach_helpers import ACTION, RESULT, SITUATION, TASK, analysis_from, at_pace, good_answer


def question(*themes: str) -> Question:
    return Question("q-test", "Tell me about a time.", tuple(themes), (), (), ())


def kinds(c: Coaching) -> set[str]:
    return {f.kind for f in c.findings}


def problems(c: Coaching) -> set[str]:
    return {f.kind for f in c.findings if f.severity != "good"}


def finding(c: Coaching, kind: str):  # type: ignore[no-untyped-def]
    return next(f for f in c.findings if f.kind == kind)


# --- a good answer ---------------------------------------------------------------------------


def test_well_formed_answer_has_nothing_to_change() -> None:
    c = coach(good_answer())
    assert problems(c) == set()
    assert c.top_changes == ()
    assert {"metric", "lesson", "owned_action", "action_result_share_ok"} <= kinds(c)


# --- timing ----------------------------------------------------------------------------------


def test_long_situation_is_called_out_in_words_with_times() -> None:
    c = coach(good_answer(situation=at_pace(SITUATION, 95.0)))
    f = finding(c, "situation_long")
    assert f.severity == "problem"
    assert "1:35" in f.message and "twice" in f.message and "45 s" in f.message
    assert "0:45" in f.advice
    assert f.evidence[0].start_s == 0.0 and f.evidence[0].end_s > 90
    assert c.top_changes[0].kind == "situation_long"


def test_situation_within_band_is_not_called_out() -> None:
    assert "situation_long" not in kinds(coach(good_answer(situation=at_pace(SITUATION, 44.0))))


def test_each_phase_has_verdict_and_distance_from_target() -> None:
    c = coach(good_answer(action=at_pace(ACTION, 40.0)))
    by_phase = {p.phase: p for p in c.timing.phases}
    assert by_phase["action"].verdict == "short"
    assert by_phase["action"].off_by_s == -20.0
    assert by_phase["task"].verdict == "ok" and by_phase["task"].off_by_s == 0.0
    assert "20 s under" in finding(c, "action_short").message


def test_missing_task_is_a_problem_with_its_follow_up() -> None:
    c = coach(
        analysis_from(
            [
                ("situation", *at_pace(SITUATION, 35.0)),
                ("action", *at_pace(ACTION, 80.0)),
                ("result", *at_pace(RESULT, 45.0)),
            ]
        )
    )
    assert finding(c, "task_missing").severity == "problem"
    assert c.follow_up.question == "What was your specific responsibility?"


def test_answer_length_against_two_to_four_minutes() -> None:
    long_answer = good_answer(action=at_pace(ACTION, 200.0))
    assert "answer_long" in kinds(coach(long_answer))
    short_answer = analysis_from(
        [
            ("situation", SITUATION, 10.0),
            ("task", TASK, 8.0),
            ("action", ACTION, 30.0),
            ("result", RESULT, 20.0),
        ]
    )
    c = coach(short_answer)
    assert "answer_short" in kinds(c)
    assert c.timing.answer_off_by_s < 0
    assert "answer_long" not in kinds(c) and "answer_short" not in kinds(coach(good_answer()))


def test_action_and_result_share() -> None:
    good = coach(good_answer())
    assert good.timing.action_result_share is not None
    assert 0.60 <= good.timing.action_result_share <= 0.70
    low = coach(good_answer(situation=at_pace(SITUATION, 90.0), task=at_pace(TASK, 30.0)))
    assert low.timing.action_result_share is not None and low.timing.action_result_share < 0.6
    assert "60–70%" in finding(low, "action_result_share_low").message
    assert "action_result_share_low" not in kinds(good)


# --- ownership -------------------------------------------------------------------------------

WE_ACTION = "We decided to rewrite the service. We chose Go. We implemented the migration."


def test_we_in_action_is_flagged_with_quoted_sentences_and_times() -> None:
    c = coach(good_answer(action=at_pace(WE_ACTION, 80.0)))
    f = finding(c, "we_in_action")
    assert f.severity == "problem"
    assert [e.text for e in f.evidence] == [
        "We decided to rewrite the service.",
        "We chose Go.",
        "We implemented the migration.",
    ]
    action = next(p for p in c.timing.phases if p.phase == "action")
    assert all(action.start_s <= e.start_s < e.end_s <= action.end_s for e in f.evidence)  # type: ignore[operator]
    assert c.follow_up.question == "What did you personally do, as opposed to the team?"
    action_counts = next(p for p in c.ownership.phases if p.phase == "action")
    assert (action_counts.i_count, action_counts.we_count) == (0, 3)


def test_we_outside_action_is_not_flagged() -> None:
    c = coach(good_answer(situation=at_pace("We had a slow checkout. " + SITUATION, 35.0)))
    assert "we_in_action" not in kinds(c)
    assert next(p for p in c.ownership.phases if p.phase == "situation").we_count >= 1


# --- metrics ---------------------------------------------------------------------------------


def test_result_metric_is_quoted_with_its_time() -> None:
    c = coach(good_answer())
    texts = [e.text for e in c.metrics.result_metrics]
    assert texts == ["from 2 seconds to 300 ms", "by 18%"]
    result = next(p for p in c.timing.phases if p.phase == "result")
    assert all(result.start_s <= e.start_s for e in c.metrics.result_metrics)  # type: ignore[operator]


def test_no_metric_is_a_finding_with_honest_estimate_advice() -> None:
    c = coach(good_answer(result=at_pace("It went really well. That taught me to ask early.", 45)))
    f = finding(c, "no_metric")
    assert f.severity == "problem"
    assert "roughly" in f.advice and "estimate" in f.advice
    assert c.follow_up.question == "What was the measurable impact?"


def test_number_told_only_in_action_is_pointed_out() -> None:
    c = coach(
        good_answer(
            action=at_pace(ACTION + " I cut the query from 2 seconds to 300 ms.", 80),
            result=at_pace("Everyone was happy. That taught me to measure first.", 45),
        )
    )
    assert [e.text for e in c.metrics.other_metrics] == ["from 2 seconds to 300 ms"]
    assert "earlier" in finding(c, "no_metric").advice


# --- lesson ----------------------------------------------------------------------------------


def test_lesson_found_and_quoted() -> None:
    c = coach(good_answer())
    assert c.lesson.present
    assert c.lesson.evidence is not None
    assert c.lesson.evidence.text == "That taught me to measure before guessing at a fix."


def test_missing_lesson_is_a_finding() -> None:
    c = coach(good_answer(result=at_pace("Latency dropped by 40%. And that's what happened.", 45)))
    assert not c.lesson.present
    assert finding(c, "no_lesson").severity == "warning"


# --- delivery --------------------------------------------------------------------------------


def test_fillers_with_times_and_a_stated_reliability() -> None:
    um_action = "So, um, I added tracing, uh, everywhere. Um, then I, uh, found it. " + ACTION
    c = coach(good_answer(action=at_pace(um_action, 80.0)), filler_recall=0.8)
    assert [f.text for f in c.delivery.fillers][:4] == ["um,", "uh,", "Um,", "uh,"]
    assert "80%" in c.delivery.filler_note and "higher" in c.delivery.filler_note


def test_zero_fillers_is_not_a_confident_zero() -> None:
    c = coach(good_answer(), filler_recall=0.8)
    assert c.delivery.fillers == ()
    note = c.delivery.filler_note
    assert "80%" in note and "none" in note


def test_many_fillers_become_a_finding_few_do_not() -> None:
    many = " ".join(["um, I did this."] * 25)
    assert "fillers" in kinds(coach(good_answer(action=at_pace(many + " " + ACTION, 80.0))))
    assert "fillers" not in kinds(coach(good_answer()))


def test_long_pause_is_reported_with_its_time() -> None:
    plain = good_answer()
    assert plain.transcript.words
    paused = analysis_from(
        [
            ("situation", *at_pace(SITUATION, 35.0)),
            ("task", *at_pace(TASK, 20.0)),
            ("action", *at_pace(ACTION, 80.0)),
            ("result", *at_pace(RESULT, 45.0)),
        ],
        pause_after={"path.": 3.5},
    )
    c = coach(paused)
    assert len(c.delivery.pauses) == 1
    pause = c.delivery.pauses[0]
    assert pause.end_s - pause.start_s > 3.0
    assert "path." in pause.text
    assert "long_pauses" in kinds(c) and "long_pauses" not in kinds(coach(plain))


def test_pace_overall_and_per_phase() -> None:
    c = coach(good_answer())
    assert c.delivery.words_per_minute is not None and 120 < c.delivery.words_per_minute < 170
    assert all(p.words_per_minute is not None for p in c.delivery.phases)
    fast = coach(good_answer(action=at_pace(ACTION, 80.0, words_per_s=4.5)))
    assert "pace_fast" in kinds(fast) and "pace_fast" not in kinds(c)


def test_hedging_is_flagged_when_frequent() -> None:
    hedged = "I think I maybe fixed it. I guess it probably helped. " + ACTION
    c = coach(good_answer(action=at_pace(hedged, 80.0)))
    assert len(c.delivery.hedges) == 4
    assert "hedging" in kinds(c) and "hedging" not in kinds(coach(good_answer()))


# --- red flags by theme ----------------------------------------------------------------------

BLAME = "The release slipped because my team didn't execute. " + RESULT


def test_blame_is_a_red_flag_and_tops_the_changes() -> None:
    c = coach(good_answer(result=at_pace(BLAME, 45.0)), question=question("failure and learning"))
    assert [f.kind for f in c.red_flags] == ["blame"]
    assert c.red_flags[0].evidence[0].text == "The release slipped because my team didn't execute."
    assert c.top_changes[0].kind == "blame"
    assert "yours" in c.follow_up.question


def test_conflict_flags_only_for_conflict_questions() -> None:
    went_along = "I went along with it to avoid conflict. " + ACTION
    answer = good_answer(action=at_pace(went_along, 80.0))
    assert [f.kind for f in coach(answer, question=question("conflict resolution")).red_flags] == [
        "avoided_conflict"
    ]
    assert coach(answer, question=question("mentorship")).red_flags == ()


def test_escalating_first_is_flagged_and_talking_first_is_not() -> None:
    first = "I immediately escalated to his manager. " + ACTION
    later = "I sat down with him to talk it over. Then I escalated to his manager. " + ACTION
    q = question("conflict resolution")
    assert "escalated_first" in {
        f.kind for f in coach(good_answer(action=at_pace(first, 80)), question=q).red_flags
    }
    assert coach(good_answer(action=at_pace(later, 80)), question=q).red_flags == ()


def test_failure_theme_flags() -> None:
    q = question("failure and learning")
    none = coach(
        good_answer(situation=at_pace("I can't think of a failure really. " + SITUATION, 35)),
        question=q,
    )
    assert "no_failure" in {f.kind for f in none.red_flags}
    trivial = coach(
        good_answer(situation=at_pace("I was late to a meeting once. " + SITUATION, 35)), question=q
    )
    assert "trivial_failure" in {f.kind for f in trivial.red_flags}
    assert coach(good_answer(), question=q).red_flags == ()


def test_no_lesson_is_a_red_flag_for_a_failure_question_only() -> None:
    answer = good_answer(
        result=at_pace("Latency dropped by 40%. It just didn't work out later.", 45)
    )
    failure = coach(answer, question=question("failure and learning"))
    assert "no_lesson" in {f.kind for f in failure.red_flags}
    assert finding(failure, "no_lesson").severity == "problem"
    other = coach(answer, question=question("technical leadership"))
    assert other.red_flags == ()
    assert finding(other, "no_lesson").severity == "warning"


def test_question_id_and_themes_are_kept() -> None:
    c = coach(good_answer(), question=question("mentorship"))
    assert (c.question_id, c.themes) == ("q-test", ("mentorship",))
    assert coach(good_answer()).question_id is None


# --- summary and follow-up -------------------------------------------------------------------


def test_three_changes_in_order_of_importance() -> None:
    c = coach(
        good_answer(
            situation=at_pace(SITUATION, 95.0),
            action=at_pace(WE_ACTION, 70.0),
            result=at_pace("It went really well and everyone was happy.", 35.0),
        )
    )
    assert len(c.top_changes) == 3
    assert [f.kind for f in c.top_changes] == ["situation_long", "we_in_action", "no_metric"]
    priorities = [f.priority for f in c.top_changes]
    assert priorities == sorted(priorities, reverse=True)


def test_follow_up_for_a_good_answer_is_generic() -> None:
    assert coach(good_answer()).follow_up.reason == "none"


def test_json_is_serialisable_and_keeps_evidence_times() -> None:
    c = coach(good_answer(action=at_pace(WE_ACTION, 80.0)))
    data = json.loads(json.dumps(coaching_to_json(c)))
    assert (
        data["ownership"]["action_we_sentences"][0]["text"] == "We decided to rewrite the service."
    )
    assert {"start_s", "end_s"} <= set(data["ownership"]["action_we_sentences"][0])
    assert data["follow_up"]["question"] == c.follow_up.question
    assert data["delivery"]["filler_count"] == 0
    assert len(data["summary"]) == len(c.top_changes)
