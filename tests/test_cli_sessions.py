"""The history commands end to end: sessions, replay, progress, export, delete, doctor."""

from __future__ import annotations

import csv
import io
import json
import stat
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from mockint.cli import cli
from mockint.errors import MockintError
from mockint.store import open_store
from tests.conftest import REAL_AUDIO, REPO
from tests.session_helpers import make_analysis, write_tone_wav

WEAK = {
    "result": "It went fine and we shipped it.",
    "action": "We looked at the logs and we fixed it.",
}


def run(*args: str, input: str | None = None) -> tuple[int, str, str]:
    """Like the console script: a MockintError becomes one `mockint: ...` line and exit 1."""
    result = CliRunner().invoke(cli, list(args), input=input)
    if isinstance(result.exception, MockintError):
        return 1, result.stdout, f"mockint: {result.exception}"
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.stdout, result.stderr


def add_practice(durations=None, texts=None, audio_s=0.3, **question) -> str:
    with open_store() as store:
        handle = store.new_session("practice", **question)
        write_tone_wav(handle.answer_path, duration_s=audio_s)
        return store.finish_session(handle, analysis=make_analysis(durations, texts)).id


def add_analyzed(source: Path) -> str:
    """What `mockint analyze --save` does with each analyzed file."""
    with open_store() as store:
        return store.save_analyzed_file(source, make_analysis(path=str(source)))


@pytest.fixture
def history() -> list[str]:
    """Four attempts at one question, improving, plus one analyzed file."""
    ids = []
    for situation, texts in [(80, WEAK), (62, WEAK), (48, None), (40, None)]:
        ids.append(
            add_practice(
                {"situation": situation, "task": 20, "action": 70, "result": 40},
                texts,
                question_id="conflict-peer",
                question_text="Tell me about a disagreement with a peer.",
                theme="conflict resolution",
                story_id="checkout-outage",
            )
        )
    ids.append(add_analyzed(REAL_AUDIO / "jfk.flac"))
    return ids


def test_sessions_lists_practice_and_analyzed_files(history) -> None:
    code, out, _ = run("sessions")
    assert code == 0
    for session_id in history:
        assert session_id.rsplit("-", 1)[1] in out
    assert "file: jfk.flac" in out
    assert "no numbers" in out


def test_sessions_json_and_filters(history) -> None:
    code, out, _ = run("sessions", "--json")
    document = json.loads(out)
    assert document["schema"] == "mockint.sessions/1"
    assert [s["id"] for s in document["sessions"]] == history
    _, out, _ = run("sessions", "--json", "--theme", "conflict resolution", "--last", "2")
    assert [s["id"] for s in json.loads(out)["sessions"]] == history[2:4]
    _, out, _ = run("sessions", "--json", "--kind", "analyze")
    assert [s["id"] for s in json.loads(out)["sessions"]] == history[4:]
    _, out, _ = run("sessions", "--json", "--story", "checkout-outage", "--since", "2000-01-01")
    assert len(json.loads(out)["sessions"]) == 4
    _, out, _ = run("sessions", "--json", "--question", "nothing like this")
    assert json.loads(out)["sessions"] == []


def test_sessions_with_an_empty_history_says_how_to_start() -> None:
    code, out, _ = run("sessions")
    assert code == 0 and "No sessions yet" in out


def test_progress_shows_the_trend_and_attempts(history) -> None:
    code, out, _ = run("progress", "--question", "conflict-peer")
    assert code == 0
    assert "situation" in out and "nearer the target" in out
    assert "quantified result" in out and "▁▁██" in out
    assert "Story: checkout-outage" in out
    _, out, _ = run("progress", "--json", "--last", "3")
    trends = json.loads(out)
    assert trends["sessions"] == history[2:]  # the last three, oldest first
    (story,) = trends["repeats"]
    assert story["key"] == "story" and len(story["attempts"]) == 4  # all attempts, not the last 3


def test_progress_json_follows_the_stored_durations(history) -> None:
    _, out, _ = run("progress", "--json", "--theme", "conflict resolution")
    trends = json.loads(out)
    assert trends["phases"][0]["phase"] == "situation"
    assert trends["phases"][0]["durations_s"] == [80.0, 62.0, 48.0, 40.0]
    assert trends["phases"][0]["direction"] == "closer"
    assert [f["values"] for f in trends["flags"] if f["flag"] == "lesson"] == [
        [False, False, True, True]
    ]


def test_progress_html_is_written_user_only(history, tmp_path: Path) -> None:
    page = tmp_path / "progress.html"
    code, _, err = run("progress", "--html", str(page))
    assert code == 0 and str(page) in err
    text = page.read_text()
    assert "<svg" in text and "Time per phase" in text
    assert stat.S_IMODE(page.stat().st_mode) == 0o600


def test_replay_no_audio_prints_the_stored_report(history) -> None:
    code, out, _ = run("replay", history[3], "--no-audio")
    assert code == 0
    assert "Tell me about a disagreement with a peer." in out
    assert "situation" in out and "0:40" in out
    assert "I traced the slow queries" in out


def test_replay_refuses_ids_outside_the_data_folder(history) -> None:
    for bad in ("../../etc/passwd", "..", "x/../../y"):
        code, _, err = run("replay", bad, "--no-audio")
        assert code == 1 and err.startswith("mockint: ") and "not a session id" in err


def test_replay_of_an_unknown_session_is_one_clear_line(history) -> None:
    code, _, err = run("replay", "20991231-000000-abcdef", "--no-audio")
    assert code == 1 and "no such session" in err


@pytest.mark.slow
def test_replay_plays_the_stored_answer_from_a_phase(virtual_audio) -> None:
    durations = {"situation": 2, "task": 1, "action": 2, "result": 1}
    session_id = add_practice(durations, audio_s=6.0)
    code, out, _ = run("replay", session_id, "--device", virtual_audio.output_device)
    assert code == 0, out
    played = virtual_audio.played()
    voiced = np.flatnonzero(np.abs(played) > 1e-3)
    assert voiced.size == pytest.approx(6 * 16_000, rel=0.02)
    assert "RESULT" in out  # the last view shown
    virtual_audio.reset()
    code, _, _ = run("replay", "last", "--phase", "result", "--device", virtual_audio.output_device)
    assert code == 0
    voiced = np.flatnonzero(np.abs(virtual_audio.played()) > 1e-3)
    assert voiced.size == pytest.approx(1 * 16_000, rel=0.05)  # only the Result phase


def test_export_one_session_as_json_csv_and_html(history, tmp_path: Path) -> None:
    code, out, _ = run("export", history[0], "--format", "json")
    assert code == 0
    document = json.loads(out)
    assert document["schema"] == "mockint.session/1" and document["id"] == history[0]
    _, out, _ = run("export", history[0], "--format", "csv")
    (row,) = csv.DictReader(io.StringIO(out))
    assert row["id"] == history[0] and row["situation_verdict"] == "long"
    target = tmp_path / "one.html"
    code, _, _ = run("export", history[0], "--format", "html", "--out", str(target))
    page = target.read_text()
    assert code == 0 and page.startswith("<!DOCTYPE html>") and ">looked</span>" in page
    assert (open_store().sessions_dir / history[0] / "answer.wav").as_uri() in page
    assert stat.S_IMODE(target.stat().st_mode) == 0o600


def test_export_all_goes_on_past_a_damaged_session(history) -> None:
    damaged = open_store().sessions_dir / history[1] / "session.json"
    damaged.write_text('{"schema": "mockint.session/1", ')
    code, out, err = run("export", "--all", "--format", "csv")
    assert code == 1
    assert str(damaged) in err and "not valid JSON" in err
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [r["id"] for r in rows] == [i for i in history if i != history[1]]


def test_export_needs_an_id_or_all() -> None:
    code, _, err = run("export")
    assert code == 2 and "SESSION_ID or --all" in err


def test_delete_asks_then_removes_audio_and_entry(history) -> None:
    folder = open_store().sessions_dir / history[0]
    code, _, _ = run("delete", history[0], input="n\n")
    assert code != 0 and folder.exists()
    code, out, _ = run("delete", history[0], input="y\n")
    assert code == 0 and not folder.exists()
    _, out, _ = run("sessions", "--json")
    assert history[0] not in out
    code, _, _ = run("delete", history[1], "--yes")
    assert code == 0
    assert len(json.loads(run("sessions", "--json")[1])["sessions"]) == 3


def test_doctor_rebuilds_a_damaged_index(history, mockint_home: Path) -> None:
    index = mockint_home / "index.sqlite"
    for suffix in ("-wal", "-shm"):
        Path(f"{index}{suffix}").unlink(missing_ok=True)
    index.write_bytes(b"\x00garbage" * 500)
    code, _, err = run("sessions")
    assert code == 1 and "damaged" in err and "mockint doctor" in err
    code, out, _ = run("doctor")
    assert code == 0
    assert "moved to" in out and f"{len(history)} session(s)" in out
    assert [s["id"] for s in json.loads(run("sessions", "--json")[1])["sessions"]] == history


def test_doctor_names_an_unreadable_session_and_fails(history) -> None:
    broken = open_store().sessions_dir / history[2] / "session.json"
    broken.write_bytes(b"\xff\xfe not json")
    code, out, _ = run("doctor")
    assert code == 1
    assert "unreadable" in out and history[2] in out
    assert (broken.parent / "answer.wav").exists()


def test_history_commands_do_not_load_heavy_libraries() -> None:
    code = (
        "import sys; from click.testing import CliRunner; from mockint.cli import cli; "
        "r = CliRunner().invoke(cli, ['sessions', '--json']); assert r.exit_code == 0, r.output; "
        "CliRunner().invoke(cli, ['progress']); "
        "print(sorted(m for m in ('faster_whisper', 'sounddevice', 'numpy') if m in sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "[]"


@pytest.mark.slow
def test_analyze_save_then_reanalyze_keeps_both_analyses() -> None:
    # The one test here that runs the speech model: `analyze --save` stores the file as a
    # session, and --reanalyze runs the current model on the stored copy.
    source = REAL_AUDIO / "jfk.flac"
    code, _, err = run("analyze", "--save", str(source))
    assert code == 0, err
    (listed,) = json.loads(run("sessions", "--json")[1])["sessions"]
    assert listed["kind"] == "analyze" and listed["source_path"] == str(source.resolve())
    first = open_store().get(listed["id"])
    assert first.audio_path is not None and first.audio_path.read_bytes() == source.read_bytes()

    code, out, err = run("replay", "last", "--reanalyze")
    assert code == 0, err
    stored = open_store().get(listed["id"])
    assert "country" in " ".join(w["text"] for w in stored.analysis["words"]).lower()
    assert stored.analysis["path"] == str(stored.audio_path)
    (previous,) = stored.meta["previous_analyses"]
    old = json.loads((stored.folder / previous).read_text())
    assert old["schema"] == "mockint.analysis/1"
    assert old["files"][0]["path"] == str(source)
