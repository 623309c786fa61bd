"""The HTML report: escaping and structure as text, then clicking it in headless Chromium."""

from __future__ import annotations

import json
import os
import re
import shutil
from dataclasses import replace
from pathlib import Path

import pytest

from mockint.coach import coach
from mockint.render import analysis_to_json
from mockint.report_html import render_html
from tests.cdp import Browser
from tests.coach_helpers import analysis_from
from tests.conftest import REAL_AUDIO

EVIL_WORD = "</script><script>window.__pwned=1</script>"
EVIL_NAME = "<img src=x onerror=window.__pwned=2>.wav"


def _entry(path: str = "answer.wav") -> dict:
    """A short answer timed to fit the 11 s test recording, with hostile text in it."""
    analysis = analysis_from(
        [
            ("situation", "Our build was slow, um, every day.", 2.5),
            ("task", f"I had to fix it {EVIL_WORD} quickly.", 2.0),
            ("action", "We rewrote the cache. We split the tests.", 3.0),
            ("result", "Builds went from 20 minutes to 5 minutes.", 2.5),
        ],
        pause_after={"day.": 0.0},
    )
    analysis = replace(analysis, path=path)
    return analysis_to_json(replace(analysis, coaching=coach(analysis)))


def test_every_user_string_is_escaped() -> None:
    page = render_html(_entry(EVIL_NAME), "answer.wav")
    assert "<script>window.__pwned" not in page
    assert "<img src=x" not in page
    assert "&lt;img src=x onerror=window.__pwned=2&gt;.wav" in page


def test_question_is_shown_escaped() -> None:
    entry = _entry()
    entry["question"] = "Tell me about <b>conflict</b> & how you handled it."
    page = render_html(entry, None)
    assert "Tell me about &lt;b&gt;conflict&lt;/b&gt; &amp; how you handled it." in page
    assert "<b>conflict</b>" not in page


def test_embedded_json_cannot_end_its_script_element() -> None:
    page = render_html(_entry(), None)
    block = re.search(
        r'<script type="application/json" id="mockint-data">(.*?)</script>', page, re.S
    )
    assert block is not None
    assert "<" not in block.group(1)
    data = json.loads(block.group(1))
    assert EVIL_WORD in [w["text"] for w in data["words"]]


def test_page_has_phases_words_and_feedback_wired_to_times() -> None:
    entry = _entry()
    page = render_html(entry, "answer.wav")
    assert '<audio id="player"' in page and 'src="answer.wav"' in page
    for phase in ("situation", "task", "action", "result"):
        start = next(p["start_s"] for p in entry["phases"] if p["phase"] == phase)
        assert f'data-phase="{phase}" data-start="{start:.3f}"' in page
    assert page.count('class="w') == len(entry["words"])
    assert 'class="w filler"' in page  # the "um"
    assert entry["coaching"]["follow_up"]["question"] in page
    assert "http://" not in page and "https://" not in page  # nothing to fetch


def test_page_without_audio_says_so() -> None:
    page = render_html(_entry(), None)
    assert "<audio" not in page
    assert "No audio linked" in page


def test_long_pause_is_marked_in_transcript() -> None:
    analysis = analysis_from(
        [
            ("situation", "The deploy failed again.", 2.0),
            ("action", "I rolled it back.", 2.0),
        ],
        pause_after={"again.": 3.0},
    )
    entry = analysis_to_json(replace(analysis, coaching=coach(analysis)))
    assert "pause 3." in render_html(entry, None)


@pytest.fixture
def page_dir(tmp_path: Path) -> Path:
    from mockint.audio import decode_file, write_wav

    write_wav(tmp_path / "answer.wav", decode_file(REAL_AUDIO / "jfk.flac"))
    return tmp_path


@pytest.mark.slow
def test_clicking_a_phase_seeks_the_player_in_chromium(page_dir: Path) -> None:
    entry = _entry(EVIL_NAME)
    page = page_dir / "report.html"
    page.write_text(render_html(entry, "answer.wav"), encoding="utf-8")
    result_start = next(p["start_s"] for p in entry["phases"] if p["phase"] == "result")
    browser = Browser(page_dir / "profile")
    try:
        browser.open(page.as_uri())
        assert browser.wait_for("document.getElementById('player').readyState >= 1")
        assert browser.evaluate("document.getElementById('player').currentTime") == 0
        # Record where each seek lands: headless playback may race ahead (or to the end)
        # right after, so the seek itself is what shows the click moved the player.
        browser.evaluate(
            "window.__seeks=[];document.getElementById('player').addEventListener('seeking',"
            "function(){window.__seeks.push(this.currentTime)})"
        )

        browser.click('.phase-name[data-phase="result"]')
        seeks = browser.wait_for("window.__seeks.length >= 1 && window.__seeks")
        assert seeks and seeks[0] == pytest.approx(result_start, abs=0.01)

        word = entry["words"][3]
        browser.click("#w3")
        seeks = browser.wait_for("window.__seeks.length >= 2 && window.__seeks")
        assert seeks and seeks[1] == pytest.approx(word["start_s"], abs=0.01)

        assert browser.evaluate("typeof window.__pwned") == "undefined"
        assert EVIL_WORD in browser.evaluate("document.body.innerText")
        assert not [e for e in browser.events if e.get("method") == "Runtime.exceptionThrown"]

        shot = browser.screenshot(page_dir / "report.png")
        assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        artifacts = os.environ.get("MOCKINT_TEST_ARTIFACTS")
        if artifacts:
            Path(artifacts).mkdir(parents=True, exist_ok=True)
            shutil.copy(shot, Path(artifacts) / "report_html.png")
    finally:
        browser.close()


@pytest.mark.slow
def test_analyze_writes_an_html_page_linked_to_the_audio(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from mockint.cli import cli

    audio = tmp_path / "answers" / "jfk.flac"
    audio.parent.mkdir()
    shutil.copy(REAL_AUDIO / "jfk.flac", audio)
    page = tmp_path / "pages" / "jfk.html"
    result = CliRunner().invoke(cli, ["analyze", str(audio), "--html", str(page)])
    assert result.exit_code == 0, result.output
    html = page.read_text(encoding="utf-8")
    assert 'src="../answers/jfk.flac"' in html
    assert "Next question an interviewer would ask" in html
    assert "country" in html  # the transcript is on the page
