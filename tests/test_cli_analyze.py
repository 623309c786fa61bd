"""`mockint analyze` end to end with the real bundled model on the bundled samples."""

from __future__ import annotations

import json
import os
import random
import shutil
import subprocess
import sys
import wave
from pathlib import Path

import pytest
from click.testing import CliRunner

from mockint.cli import cli
from tests.conftest import REAL_AUDIO, SAMPLES

pytestmark = pytest.mark.slow

SAMPLE_FILES = sorted(SAMPLES.rglob("*.ogg"))  # the Piper voice, and espeak-ng in espeak/


def _run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, ["analyze", *args], catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture(scope="module")
def samples_document() -> dict:
    result = CliRunner().invoke(
        cli, ["analyze", str(SAMPLES), "--json", "--jobs", "2"], catch_exceptions=False
    )
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def test_every_sample_gets_a_full_document(samples_document):
    doc = samples_document
    assert doc["schema"] == "mockint.analysis/1"
    assert sorted(Path(f["path"]) for f in doc["files"]) == SAMPLE_FILES
    assert len(SAMPLE_FILES) == 8
    answers = json.loads((SAMPLES / "answers.json").read_text())
    for entry in doc["files"]:
        assert entry["ok"] is True and entry["error"] is None and entry["model"] == "tiny.en"
        assert entry["duration_s"] > 50
        words = entry["words"]
        spoken = sum(
            len(text.split()) for _p, text in answers[Path(entry["path"]).stem]["segments"]
        )
        assert 0.85 * spoken <= len(words) <= 1.15 * spoken  # the model heard the answer
        starts = [w["start_s"] for w in words]
        assert starts == sorted(starts) and all(w["end_s"] >= w["start_s"] for w in words)
        assert [p["phase"] for p in entry["phases"]] == ["situation", "task", "action", "result"]
        for phase in entry["phases"]:
            if phase["verdict"] == "missing":
                assert phase["duration_s"] is None
            else:
                assert phase["duration_s"] > 0


@pytest.mark.parametrize("voice_folder", ["", "espeak/"])
def test_well_formed_sample_has_all_four_phases_in_order(samples_document, voice_folder):
    entry = next(
        f
        for f in samples_document["files"]
        if f["path"].endswith(f"samples/{voice_folder}well-formed.ogg")
    )
    present = [p for p in entry["phases"] if p["verdict"] != "missing"]
    assert len(present) == 4
    assert [p["start_s"] for p in present] == sorted(p["start_s"] for p in present)
    assert entry["answer"]["verdict"] == "ok"


@pytest.mark.parametrize("voice_folder", ["", "espeak/"])
def test_samples_show_their_flaw(samples_document, voice_folder):
    """Each sample was written with one flaw; the analysis must find it in both voices."""
    by_name = {
        Path(f["path"]).relative_to(SAMPLES).as_posix(): f for f in samples_document["files"]
    }
    rambling = by_name[f"{voice_folder}rambling-situation.ogg"]
    situation = next(p for p in rambling["phases"] if p["phase"] == "situation")
    assert situation["verdict"] == "long"
    no_metric = by_name[f"{voice_folder}no-metric.ogg"]["coaching"]
    assert no_metric["metrics"]["result_metrics"] == []
    result_first = by_name[f"{voice_folder}result-first.ogg"]
    assert result_first["words"][0]["phase"] == "result"


def test_terminal_report_for_a_sample():
    code, out, err = _run(str(SAMPLES / "result-first.ogg"))
    assert code == 0, err
    assert "STAR timing" in out and "Whole answer" in out
    # This sample opens with its result, then tells the story.
    assert "[Result 0:00]" in out and "[Situation 0:" in out


@pytest.fixture
def bad_inputs(tmp_path: Path) -> dict[str, Path]:
    bad = tmp_path / "bad"
    bad.mkdir()
    # Seeded: a few random byte strings in a thousand pass for a subtitle file, which the
    # lyrics case below covers by name.
    (bad / "random.mp3").write_bytes(random.Random(0).randbytes(4096))
    (bad / "lyrics.mp3").write_text("[00:01.00]This is my answer\n[00:05.00]about the outage\n")
    (bad / "empty.wav").write_bytes(b"")
    (bad / "notes.mp3").write_text("these are my interview notes, not audio\n")
    (bad / "truncated.flac").write_bytes((REAL_AUDIO / "jfk.flac").read_bytes()[:20_000])
    with wave.open(str(bad / "silence.wav"), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(16_000)
        out.writeframes(b"\0\0" * 16_000 * 5)
    (tmp_path / "no-audio").mkdir()
    (tmp_path / "no-audio" / "readme.txt").write_text("nothing to hear")
    return {p.stem: p for p in bad.iterdir()} | {"folder": tmp_path / "no-audio"}


def test_bad_inputs_each_get_one_line_and_the_batch_goes_on(bad_inputs, tmp_path):
    good = tmp_path / "jfk.flac"
    shutil.copy(REAL_AUDIO / "jfk.flac", good)
    inputs = [*sorted(bad_inputs.values()), good, tmp_path / "nowhere.wav"]
    result = CliRunner().invoke(
        cli, ["analyze", "--json", *map(str, inputs)], catch_exceptions=False
    )
    assert result.exit_code == 1
    doc = json.loads(result.stdout)
    by_name = {Path(f["path"]).name: f for f in doc["files"]}
    assert by_name["jfk.flac"]["ok"] is True
    assert "country" in " ".join(w["text"] for w in by_name["jfk.flac"]["words"]).lower()
    expected = {
        "random.mp3": "not a readable audio file",
        "lyrics.mp3": "not a readable audio file (no audio stream in it",
        "empty.wav": "empty file",
        "notes.mp3": "not a readable audio file",
        "truncated.flac": "no speech found",
        "silence.wav": "no speech found",
        "no-audio": "no audio files in this folder",
        "nowhere.wav": "no such file",
    }
    for name, reason in expected.items():
        entry = by_name[name]
        assert entry["ok"] is False
        assert reason in entry["error"] and name in entry["error"]
        assert "\n" not in entry["error"]
    # Each failure is said once on stderr, one line each, no traceback.
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == len(expected)
    assert "Traceback" not in result.stderr


def test_parallel_jobs_give_the_same_document_as_one_job(tmp_path):
    files = [REAL_AUDIO / "jfk.flac", REAL_AUDIO / "librispeech-441-128982-0000.flac"]
    serial = CliRunner().invoke(cli, ["analyze", "--json", *map(str, files)])
    out = tmp_path / "report.json"
    parallel = CliRunner().invoke(
        cli, ["analyze", "--jobs", "2", "--out", str(out), *map(str, files)]
    )
    assert serial.exit_code == 0 and parallel.exit_code == 0

    # Thread counts differ between the two runs, so float sums may differ in the last digits;
    # what the user reads must not.
    def reading(doc: dict) -> list:
        return [
            (
                f["path"],
                [(w["text"], w["phase"]) for w in f["words"]],
                [(p["phase"], p["verdict"]) for p in f["phases"]],
            )
            for f in doc["files"]
        ]

    assert reading(json.loads(out.read_text())) == reading(json.loads(serial.stdout))


def test_console_script_and_module_entry_points(tmp_path):
    env = {**os.environ, "MOCKINT_HOME": str(tmp_path)}
    missing = subprocess.run(
        [sys.executable, "-m", "mockint", "analyze", str(tmp_path / "missing.wav")],
        capture_output=True,
        text=True,
        env=env,
    )
    assert missing.returncode == 1
    assert missing.stderr.strip().endswith("missing.wav: no such file or folder")
    exe = Path(sys.executable).with_name("mockint")
    version = subprocess.run([str(exe), "--version"], capture_output=True, text=True, env=env)
    assert version.returncode == 0 and "mockint" in version.stdout
