"""History maths and its renderings: records, trends, flag rates, attempts, sparklines, HTML."""

from __future__ import annotations

import re

from mockint.history import (
    compute_flags,
    distance_from_band,
    progress,
    record_from,
    repeated_attempts,
    sparkline,
)
from mockint.progress_html import render_progress_html
from mockint.sessions_render import progress_to_json, record_to_csv_row, record_to_json
from tests.session_helpers import make_analysis

WEAK = {
    "result": "It went fine and we shipped it.",
    "action": "We looked at the logs and we fixed it.",
}


def record(n: int, durations=None, texts=None, **meta):
    fields = {"id": f"20261126-0100{n:02d}-aaaaaa", "kind": "practice"}
    fields["created_at"] = f"2026-11-26T01:00:{n:02d}Z"
    fields.update(meta)
    return record_from(fields, make_analysis(durations, texts))


def test_flags_come_from_the_words_of_each_phase() -> None:
    good = compute_flags(make_analysis())
    assert (good.quantified_result, good.i_in_action, good.lesson) == (True, True, True)
    weak = compute_flags(make_analysis(texts=WEAK))
    assert (weak.quantified_result, weak.i_in_action, weak.lesson) == (False, False, False)
    assert weak.warnings() == ("no numbers", "no I", "no lesson")


def test_record_takes_the_answer_duration_when_present() -> None:
    analysis = make_analysis()
    analysis["answer"] = {"duration_s": 150.5}
    meta = {"id": "20261126-010000-aaaaaa", "kind": "analyze", "created_at": "x"}
    assert record_from(meta, analysis).duration_s == 150.5
    assert record_from(meta, None).flags is None


def test_sparkline_scales_between_bounds_and_marks_gaps() -> None:
    assert sparkline([0, 5, 10]) == "▁▅█"
    assert sparkline([10, None, 30], lo=0, hi=40) == "▃·▆"
    assert sparkline([100], lo=0, hi=10) == "█"  # clipped, not an error
    assert sparkline([None, None]) == "··"
    assert sparkline([]) == ""


def test_distance_from_band() -> None:
    assert distance_from_band(40, 30, 45) == 0
    assert distance_from_band(20, 30, 45) == 10
    assert distance_from_band(50, 30, 45) == 5
    assert distance_from_band(None, 30, 45) is None


def test_progress_sees_a_phase_come_into_its_band() -> None:
    situations = [90, 75, 60, 50, 40, 38]
    records = [
        record(n, {"situation": s, "task": 20, "action": 70, "result": 40})
        for n, s in enumerate(situations)
    ]
    result = progress(records, last_n=10)
    situation = result.phases[0]
    assert situation.phase == "situation"
    assert situation.durations_s == tuple(float(s) for s in situations)
    assert (situation.in_band, situation.counted) == (2, 6)
    assert situation.direction == "closer"
    assert result.phases[1].direction == "steady"
    worse = progress(
        list(reversed([record(n, {"situation": s}) for n, s in enumerate(situations)]))
    )
    assert worse.sessions[0].id < worse.sessions[-1].id  # sorted oldest first whatever the input


def test_progress_counts_a_missing_phase_as_far_off() -> None:
    records = [
        record(0, {"situation": 35, "task": 20, "action": 70, "result": 40}),
        record(1, {"situation": 35, "task": 20, "action": 70, "result": 40}),
        record(2, {"situation": 35, "task": 0, "action": 70, "result": 40}),
        record(3, {"situation": 35, "task": 0, "action": 70, "result": 40}),
    ]
    task = progress(records).phases[1]
    assert task.durations_s[2:] == (None, None)
    assert task.direction == "further"
    assert task.counted == 2


def test_progress_keeps_the_last_n_and_rates_flags() -> None:
    records = [record(n, texts=WEAK) for n in range(4)] + [record(n) for n in range(4, 8)]
    result = progress(records, last_n=6)
    assert len(result.sessions) == 6
    quantified = next(f for f in result.flags if f.name == "quantified_result")
    assert quantified.values == (False, False, True, True, True, True)
    assert quantified.rate == 4 / 6
    assert quantified.earlier_rate == 1 / 3 and quantified.recent_rate == 1.0


def test_repeated_questions_and_stories_come_attempt_by_attempt() -> None:
    records = [
        record(0, question_id="q1", question_text="Conflict?", story_id="outage"),
        record(1, question_id="q2", question_text="Failure?"),
        record(2, question_id="q1", question_text="Conflict?", story_id="outage"),
        record(3, question_id="q3", story_id="outage"),
    ]
    series = repeated_attempts(records)
    story = next(s for s in series if s.key == "story")
    assert [a.id for a in story.attempts] == [records[0].id, records[2].id, records[3].id]
    question = next(s for s in series if s.key == "question")
    assert question.ident == "q1" and question.label == "Conflict?"
    assert len(question.attempts) == 2
    assert all(s.ident != "q2" for s in series)  # practised once: nothing to compare


def test_the_same_attempts_are_not_listed_twice() -> None:
    records = [record(n, question_id="q1", story_id="outage") for n in range(3)]
    assert len(repeated_attempts(records)) == 1


def test_json_and_csv_rows_carry_phases_and_flags() -> None:
    one = record(1, {"situation": 50, "task": 20, "action": 70, "result": 40}, question_id="q1")
    document = record_to_json(one)
    assert document["phases"][0] == {
        "phase": "situation",
        "duration_s": 50.0,
        "verdict": "long",
        "target_min_s": 30.0,
        "target_max_s": 45.0,
    }
    assert document["flags"]["lesson"] is True
    row = record_to_csv_row(one)
    assert row["situation_verdict"] == "long" and row["question_id"] == "q1"
    trends = progress_to_json(progress([one, record(2)]))
    assert trends["schema"] == "mockint.progress/1"
    assert trends["phases"][0]["durations_s"] == [50.0, 35.0]


def test_progress_page_is_self_contained_with_svg_charts_and_escapes_text() -> None:
    hostile = '<script>alert("x")</script>'
    records = [record(n, question_id="q1", question_text=hostile, theme=hostile) for n in range(3)]
    page = render_progress_html(progress(records))
    assert page.startswith("<!DOCTYPE html>")
    assert page.count("<svg") >= 5 + 3 + 1  # phases and answer, flags, the repeated question
    assert "<script" not in page
    assert "&lt;script&gt;" in page
    assert not re.search(r"(?:src|href)=\"https?://", page)  # nothing fetched from a network
    assert "<polyline" in page and "<circle" in page


def test_progress_page_without_sessions_says_so() -> None:
    assert "No analysed sessions yet" in render_progress_html(progress([]))
