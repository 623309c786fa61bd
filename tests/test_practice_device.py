"""`mockint practice` end to end through PortAudio and the virtual sound card (no fakes).

The card's microphone "hears" a synthesised answer; its speaker writes what was played to
files. The card runs faster than real time, so every limit here is in audio time.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import wave
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from mockint.cli import cli
from mockint.store import open_store
from mockint.textutil import tokens
from tests.audio_harness import VirtualAudio
from tests.conftest import REPO
from tests.speech import synthesize

pytestmark = pytest.mark.slow

RATE_HZ = 16_000
QUESTION_ID = "conflict-01"
ANSWER = (
    "In my last job our release pipeline broke almost every week. "
    "I was asked to make it reliable. "
    "I rewrote the deploy scripts and added automatic rollbacks. "
    "As a result, failed releases dropped from four a month to none."
)
ANSWER_WORDS = {"release", "releases", "pipeline", "deploy", "scripts", "rollbacks", "reliable"}


@pytest.fixture(scope="module")
def spoken_answer() -> np.ndarray:
    return synthesize(ANSWER)


def wav_seconds(path: Path) -> float:
    with wave.open(str(path), "rb") as wav:
        return wav.getnframes() / wav.getframerate()


def loud(samples: np.ndarray) -> bool:
    return samples.size > RATE_HZ // 2 and float(np.abs(samples).max()) > 0.05


def sessions(home: Path):
    with open_store(home) as store:
        records = store.list(include_open=True)
        return [store.get(r.id) for r in records]


def run_in_process(*args: str) -> str:
    result = CliRunner().invoke(cli, ["practice", "--voice", "system", *args])
    assert result.exit_code == 0, result.output + repr(result.exception)
    return result.output


def test_practice_asks_records_reports_and_follows_up(
    virtual_audio: VirtualAudio, spoken_answer, mockint_home: Path
):
    virtual_audio.feed(spoken_answer)
    # The real entry point in its own process, as a user runs it.
    process = subprocess.run(
        [
            sys.executable,
            "-m",
            "mockint",
            "practice",
            "--count",
            "1",
            "--question",
            QUESTION_ID,
            "--silence-stop",
            "2",
            "--max-seconds",
            "60",
            "--voice",
            "system",
        ],
        env={**virtual_audio.env(), "MOCKINT_HOME": str(mockint_home)},
        cwd=REPO,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert process.returncode == 0, process.stdout + process.stderr
    assert "STAR timing" in process.stdout  # the report

    streams = virtual_audio.played_streams()
    assert len(streams) >= 2, "the question and the follow-up were not both spoken:\n" + (
        process.stdout + process.stderr
    )
    assert loud(streams[0]) and loud(streams[-1])

    main, follow = sessions(mockint_home)
    assert main.meta["question_id"] == QUESTION_ID
    answer_s = spoken_answer.size / RATE_HZ
    for session in (main, follow):
        recorded_s = wav_seconds(session.audio_path)
        # All of the answer, then about two seconds of silence that ended it.
        assert answer_s + 1.0 <= recorded_s <= answer_s + 4.0
        assert session.analysis is not None and session.analysis["phases"]
        heard = set(tokens(" ".join(w["text"] for w in session.analysis["words"])))
        assert len(heard & ANSWER_WORDS) >= 3, heard
    assert follow.meta["question_text"] != main.meta["question_text"]
    assert "Follow-up" in process.stdout  # the follow-up was shown as well as spoken


def test_silence_stop_ends_the_answer_after_the_chosen_silence(
    virtual_audio: VirtualAudio, spoken_answer, mockint_home: Path
):
    virtual_audio.feed(spoken_answer)
    output = run_in_process("--question", QUESTION_ID, "--silence-stop", "3.5", "--no-follow-up")
    assert "stopped after a silence" in output
    (session,) = sessions(mockint_home)
    answer_s = spoken_answer.size / RATE_HZ
    assert answer_s + 2.5 <= wav_seconds(session.audio_path) <= answer_s + 5.5


def test_time_limit_stops_the_answer_and_says_so(
    virtual_audio: VirtualAudio, spoken_answer, mockint_home: Path
):
    virtual_audio.feed(np.concatenate([spoken_answer, spoken_answer]))
    played_before = len(virtual_audio.played_streams())
    output = run_in_process("--question", QUESTION_ID, "--max-seconds", "6", "--no-follow-up")
    assert "time's up" in output
    (session,) = sessions(mockint_home)
    assert wav_seconds(session.audio_path) == pytest.approx(6.0, abs=0.15)
    assert session.analysis is not None and session.analysis["words"]
    streams = virtual_audio.played_streams()[played_before:]
    assert len(streams) == 2 and all(loud(s) for s in streams)  # the question, "time's up"


def test_ctrl_c_while_answering_keeps_the_answer_and_reports(
    virtual_audio: VirtualAudio, spoken_answer, mockint_home: Path, monkeypatch
):
    virtual_audio.feed(spoken_answer, pad_s=200)
    from mockint.record import IncrementalWavWriter

    write = IncrementalWavWriter.write
    answer_samples = spoken_answer.size + RATE_HZ  # the answer and a second more

    def write_then_interrupt(self, samples):
        write(self, samples)
        if self.n_samples + self._pending_samples >= answer_samples and not hasattr(self, "_hit"):
            self._hit = True
            os.kill(os.getpid(), signal.SIGINT)  # a real Ctrl-C, mid-recording

    monkeypatch.setattr(IncrementalWavWriter, "write", write_then_interrupt)
    output = run_in_process(
        "--question",
        QUESTION_ID,
        "--silence-stop",
        "0",
        "--max-seconds",
        "150",
        "--no-follow-up",
    )
    assert "stopped by Ctrl-C" in output and "STAR timing" in output
    (session,) = sessions(mockint_home)
    assert wav_seconds(session.audio_path) == pytest.approx(answer_samples / RATE_HZ, abs=0.2)
    heard = set(tokens(" ".join(w["text"] for w in session.analysis["words"])))
    assert len(heard & ANSWER_WORDS) >= 3, heard
