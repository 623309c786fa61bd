import json

from rich.console import Console

from mockint.analysis import analyze_transcript
from mockint.render import analysis_to_json, clock, document, failure_to_json, terminal_report
from tests.helpers import analysis_with_labels, phased_words, transcript

SEGMENTS = [
    ("situation", "At my last company our deploys took four hours and failed often."),
    ("task", "My job was to make deploys safe and fast."),
    (
        "action",
        "First I measured every step. Then I built a canary pipeline and I wrote the runbook.",
    ),
    ("result", "Deploys dropped from four hours to fifteen minutes. I learned to measure first."),
]


def _analysis():
    words, _gold = phased_words(SEGMENTS)
    return analyze_transcript("answer.wav", transcript(words))


def test_json_entry_has_the_stable_fields():
    entry = analysis_to_json(_analysis())
    assert entry["ok"] is True and entry["error"] is None and entry["path"] == "answer.wav"
    assert {"text", "start_s", "end_s", "phase"} <= set(entry["words"][0])
    assert [p["phase"] for p in entry["phases"]] == ["situation", "task", "action", "result"]
    for phase in entry["phases"]:
        assert {"start_s", "end_s", "duration_s", "target_min_s", "target_max_s", "verdict"} <= set(
            phase
        )
        assert phase["verdict"] in {"short", "ok", "long", "missing"}
    assert {w["phase"] for w in entry["words"]} <= {"situation", "task", "action", "result"}
    json.dumps(document([entry]))  # serializable as is


def test_document_and_failure_shape():
    doc = document([failure_to_json("bad.mp3", "bad.mp3: not audio")])
    assert doc == {
        "schema": "mockint.analysis/1",
        "files": [{"path": "bad.mp3", "ok": False, "error": "bad.mp3: not audio"}],
    }


def test_missing_phase_renders_as_missing_with_null_times():
    words, gold = phased_words([SEGMENTS[0], SEGMENTS[2], SEGMENTS[3]])
    entry = analysis_to_json(analysis_with_labels(words, gold))
    task = next(p for p in entry["phases"] if p["phase"] == "task")
    assert task == {
        "phase": "task",
        "start_s": None,
        "end_s": None,
        "duration_s": None,
        "target_min_s": 15,
        "target_max_s": 30,
        "verdict": "missing",
    }


def test_terminal_report_shows_table_and_phase_marked_transcript():
    console = Console(record=True, width=120, color_system=None)
    console.print(terminal_report(_analysis()))
    text = console.export_text()
    assert "STAR timing — answer.wav" in text
    for label in ("Situation", "Task", "Action", "Result", "Whole answer"):
        assert label in text
    assert "[Action " in text and "canary pipeline" in text


def test_clock_formats_minutes_and_seconds():
    assert clock(95.4) == "1:35"
    assert clock(5) == "0:05"
    assert clock(None) == "—"
