"""Level meter and the trailing-silence rule, on synthetic blocks."""

from __future__ import annotations

import numpy as np
import pytest

from mockint.levels import FLOOR_DBFS, SilenceStop, is_speech, meter, rms_dbfs, speech_frames

RATE_HZ = 16_000


def tone(duration_s: float, amplitude: float) -> np.ndarray:
    t = np.arange(int(duration_s * RATE_HZ)) / RATE_HZ
    return (amplitude * np.sin(2 * np.pi * 220 * t)).astype(np.float32)


def test_full_scale_sine_is_minus_three_dbfs():
    assert rms_dbfs(tone(0.1, 1.0)) == pytest.approx(-3.01, abs=0.02)
    assert rms_dbfs(tone(0.1, 0.1)) == pytest.approx(-23.01, abs=0.02)


def test_silence_and_empty_blocks_sit_on_the_floor():
    assert rms_dbfs(np.zeros(1600, np.float32)) == FLOOR_DBFS
    assert rms_dbfs(np.zeros(0, np.float32)) == FLOOR_DBFS


def test_speech_threshold_separates_voice_from_room_noise():
    rng = np.random.default_rng(1)
    room = (rng.standard_normal(1600) * 0.001).astype(np.float32)  # about -60 dBFS
    assert is_speech(tone(0.1, 0.1)) and not is_speech(room)


def test_speech_frames_marks_where_the_voice_is():
    samples = np.concatenate([np.zeros(RATE_HZ // 2), tone(0.5, 0.3), np.zeros(RATE_HZ // 2)])
    frames = speech_frames(samples, RATE_HZ, frame_s=0.1)
    assert frames == (False,) * 5 + (True,) * 5 + (False,) * 5


def test_meter_is_full_at_zero_and_empty_at_the_floor():
    assert meter(0.0, width=10) == "█" * 10
    assert meter(-60.0, width=10) == "·" * 10
    assert meter(-30.0, width=10).count("█") == 5


def feed(stop: SilenceStop, blocks: list[np.ndarray]) -> list[str | None]:
    return [stop.update(block, RATE_HZ) for block in blocks]


def test_stops_after_the_silence_that_follows_speech():
    stop = SilenceStop(silence_s=1.0, min_speech_s=0.3)
    verdicts = feed(stop, [tone(0.1, 0.3)] * 5 + [np.zeros(1600, np.float32)] * 12)
    assert verdicts.index("silence") == 5 + 10 - 1  # the tenth silent block


def test_pauses_shorter_than_the_silence_do_not_stop():
    stop = SilenceStop(silence_s=1.0, min_speech_s=0.3)
    pause = [np.zeros(1600, np.float32)] * 9
    verdicts = feed(stop, ([tone(0.1, 0.3)] * 4 + pause) * 3)
    assert set(verdicts) == {None}


def test_a_cough_is_not_an_answer_and_no_answer_times_out():
    stop = SilenceStop(silence_s=1.0, min_speech_s=0.5, no_speech_timeout_s=3.0)
    blocks = [tone(0.1, 0.3)] * 2 + [np.zeros(1600, np.float32)] * 28
    verdicts = feed(stop, blocks)
    assert "silence" not in verdicts
    assert verdicts[-1] == "no_speech" and verdicts[:-1] == [None] * 29
