"""Coaching in the JSON document and on the terminal."""

from __future__ import annotations

import json
from dataclasses import replace

from rich.console import Console

from mockint.coach import coach
from mockint.html_pages import audio_href, page_paths
from mockint.render import analysis_to_json, terminal_report
from mockint.render_coaching import coaching_renderable, coaching_to_json
from tests.coach_helpers import ACTION, SITUATION, at_pace, good_answer


def _weak_answer():  # type: ignore[no-untyped-def]
    analysis = good_answer(
        situation=at_pace(SITUATION, 95.0),
        action=at_pace("We chose Go. We rewrote it. So, um, " + ACTION, 70.0),
        result=at_pace("It went really well.", 35.0),
    )
    return replace(analysis, coaching=coach(analysis))


def test_coaching_is_added_to_the_file_entry_without_renaming_fields() -> None:
    entry = analysis_to_json(_weak_answer())
    assert {"path", "ok", "error", "duration_s", "model", "words", "phases"} <= set(entry)
    coaching = entry["coaching"]
    for field in (
        "timing",
        "ownership",
        "metrics",
        "lesson",
        "delivery",
        "red_flags",
        "findings",
        "follow_up",
        "top_changes",
        "summary",
    ):
        assert field in coaching
    json.dumps(entry)  # plain JSON types only


def test_json_summary_is_the_three_changes_in_words() -> None:
    analysis = _weak_answer()
    data = coaching_to_json(analysis.coaching)
    assert len(data["summary"]) == 3
    assert data["summary"][0].startswith("Situation ran 1:35")


def _render(renderable: object, width: int = 100) -> str:
    console = Console(width=width, record=True, force_terminal=False, color_system=None)
    console.print(renderable)
    return console.export_text()


def test_terminal_block_is_compact_and_says_what_to_change() -> None:
    text = _render(coaching_renderable(_weak_answer().coaching))
    assert len(text.splitlines()) <= 24  # fits one screen with the timing table above it
    assert "1. Situation ran 1:35" in text
    assert '"We chose Go."' in text
    assert "Next question:" in text and "personally" in text
    assert "transcription keeps about" in text or "transcription keeps only about" in text


def test_terminal_block_for_a_good_answer_says_so() -> None:
    analysis = good_answer()
    text = _render(coaching_renderable(coach(analysis)))
    assert "Nothing major to change" in text
    assert "✓ " in text


def test_full_report_has_table_coaching_and_transcript() -> None:
    text = _render(terminal_report(_weak_answer()), width=120)
    assert text.index("STAR timing") < text.index("Coaching") < text.index("[Situation 0:00]")


def test_one_page_for_one_answer_and_a_folder_for_several(tmp_path) -> None:  # type: ignore[no-untyped-def]
    single = page_paths(tmp_path / "report.html", ["a/answer.wav"])
    assert single == {"a/answer.wav": tmp_path / "report.html"}
    many = page_paths(tmp_path, ["a/answer.wav", "b/answer.wav", "c/other.ogg"])
    assert [p.name for p in many.values()] == ["answer.html", "answer-2.html", "other.html"]


def test_audio_link_is_relative_and_url_quoted(tmp_path) -> None:  # type: ignore[no-untyped-def]
    audio = tmp_path / "my answers" / "take #1.wav"
    audio.parent.mkdir()
    audio.write_bytes(b"")
    assert audio_href(tmp_path / "pages" / "r.html", audio) == "../my%20answers/take%20%231.wav"
