"""`mockint devices` and `mockint check` on the virtual sound card, and on a machine without one."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pytest
from click.testing import CliRunner

from mockint.cli import cli
from mockint.cli_devices import CHECK_SENTENCE
from tests.conftest import REPO
from tests.speech import synthesize


def test_devices_lists_the_microphone_and_speaker_with_defaults(virtual_audio):
    result = CliRunner().invoke(cli, ["devices", "--json"])
    assert result.exit_code == 0, result.output
    found = {device["name"]: device for device in json.loads(result.output)["devices"]}
    assert {virtual_audio.input_device, virtual_audio.output_device} <= set(found)
    assert found["default"]["is_default_input"] and found["default"]["is_default_output"]


def test_devices_table_marks_the_default(virtual_audio):
    result = CliRunner().invoke(cli, ["devices"])
    assert result.exit_code == 0, result.output
    assert virtual_audio.input_device in result.output
    assert "default microphone: default" in result.output


@pytest.mark.slow
def test_without_a_sound_card_both_commands_say_what_to_do(virtual_audio):
    env = virtual_audio.no_devices_env()
    for command in (["devices"], ["check", "--voice", "none"]):
        run = subprocess.run(
            [sys.executable, "-m", "mockint", *command],
            capture_output=True,
            text=True,
            cwd=REPO,
            env=env,
            timeout=120,
        )
        assert run.returncode == 1, run.stdout + run.stderr
        output = run.stdout + run.stderr
        assert "mockint devices" in output or "no sound devices" in output


@pytest.mark.slow
def test_check_records_plays_speaks_and_transcribes(virtual_audio, monkeypatch):
    from mockint.speak import SystemSpeaker

    spoken: list[tuple[str, np.ndarray]] = []
    real_synthesize = SystemSpeaker.synthesize

    def synthesize_and_keep(self, text):
        samples, rate_hz = real_synthesize(self, text)
        spoken.append((text, samples))
        return samples, rate_hz

    # The voice's rendering varies by a few milliseconds from run to run, so the sound to
    # compare with is the one this check synthesised, not a second rendering.
    monkeypatch.setattr(SystemSpeaker, "synthesize", synthesize_and_keep)
    answer = synthesize("Hello, this is my microphone check.")
    virtual_audio.feed(answer)
    result = CliRunner().invoke(cli, ["check", "--voice", "system"])
    assert result.exit_code == 0, result.output
    lines = {line.split()[1]: line for line in result.output.splitlines() if line.strip()}
    assert lines["microphone"].startswith("ok") and "dBFS" in lines["microphone"]
    assert lines["speaker"].startswith("ok")
    assert lines["voice"].startswith("ok") and "system voice" in lines["voice"]
    played = virtual_audio.played_streams()
    assert len(played) == 2  # the tone, then the sentence
    tone = played[0][abs(played[0]) > 1e-3]
    assert 0.45 * 16_000 < tone.size < 0.55 * 16_000
    # The sentence reached the speaker whole and unchanged, sample for sample (to the
    # 16-bit device's precision); the stream may add silence before and after it.
    [(text, sound)] = spoken
    assert text == CHECK_SENTENCE
    assert_played_whole(played[1], sound)


def assert_played_whole(played: np.ndarray, sound: np.ndarray) -> None:
    loud_played = np.flatnonzero(np.abs(played) > 1e-3)
    loud_sound = np.flatnonzero(np.abs(sound) > 1e-3)
    assert loud_played.size and loud_sound.size
    offset = loud_played[0] - loud_sound[0]
    assert offset >= 0, "the sound started before its own first sample"
    heard = played[offset : offset + sound.size]
    assert heard.size == sound.size, f"{sound.size - heard.size} samples never played"
    assert np.max(np.abs(heard - sound)) <= 2 / 32768
    assert np.all(np.abs(played[offset + sound.size :]) <= 2 / 32768), "sound after the end"


def test_check_fails_on_a_silent_microphone_and_says_what_to_do(virtual_audio):
    result = CliRunner().invoke(cli, ["check", "--voice", "none", "--seconds", "0.5"])
    assert result.exit_code == 1
    assert "FAIL microphone" in result.output and "muted" in result.output
    assert "ok   voice" in result.output


def test_check_names_an_unknown_microphone(virtual_audio):
    result = CliRunner().invoke(cli, ["check", "--voice", "none", "--input", "nope"])
    assert result.exit_code == 1
    assert "'nope': not found" in result.output
