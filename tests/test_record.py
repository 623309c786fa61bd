"""Recorder through the virtual microphone; the crash-safe WAV writer; repair of stale headers."""

from __future__ import annotations

import os
import signal
import struct
import subprocess
import sys
import textwrap
import wave
from pathlib import Path

import numpy as np
import pytest

from mockint.errors import MockintError
from mockint.levels import SilenceStop
from mockint.record import (
    HEADER_BYTES,
    IncrementalWavWriter,
    Recorder,
    record_answer,
    repair_wav,
    wav_header,
)
from tests.audio_harness import correlation
from tests.conftest import REPO
from tests.speech import read_wav, synthesize

RATE_HZ = 16_000


@pytest.fixture(scope="module")
def spoken_answer() -> np.ndarray:
    return synthesize("I split the migration into three steps and shipped each one safely.")


@pytest.mark.slow
def test_recording_holds_what_the_microphone_heard(virtual_audio, spoken_answer, tmp_path):
    virtual_audio.feed(spoken_answer)
    path = tmp_path / "answer.wav"
    with Recorder(virtual_audio.input_device) as recorder:
        result = record_answer(recorder, path, silence_stop=SilenceStop(silence_s=1.5))
    assert result.stop_reason == "silence"
    recorded, rate_hz = read_wav(path)
    assert rate_hz == RATE_HZ
    assert recorded.size / RATE_HZ == pytest.approx(result.duration_s)
    assert correlation(recorded, spoken_answer) > 0.99
    # All of the answer, then the silence that ended it (trailing espeak silence included).
    assert spoken_answer.size <= recorded.size <= spoken_answer.size + 2.5 * RATE_HZ


@pytest.mark.slow
def test_wav_on_disk_is_readable_while_recording(virtual_audio, spoken_answer, tmp_path):
    virtual_audio.feed(spoken_answer)
    path = tmp_path / "answer.wav"
    seen: list[int] = []

    def check_file(_block: np.ndarray) -> None:
        with wave.open(str(path), "rb") as wav:
            seen.append(wav.getnframes())
            assert HEADER_BYTES + 2 * wav.getnframes() == path.stat().st_size

    with Recorder(virtual_audio.input_device) as recorder:
        record_answer(recorder, path, silence_stop=SilenceStop(silence_s=1.0), on_block=check_file)
    assert max(seen) > 0 and seen == sorted(seen)


_KILLED_RECORDER = textwrap.dedent(
    """
    import sys
    from mockint.record import IncrementalWavWriter, Recorder
    with Recorder("mockmic") as recorder, IncrementalWavWriter(sys.argv[1]) as writer:
        for block in recorder:
            writer.write(block)
            if writer.n_samples >= 2 * 16000:  # two seconds flushed to disk
                print(writer.n_samples, flush=True)
                recorder.stop()
                sys.stdin.readline()  # recording "goes on" until the parent kills us
    """
)


@pytest.mark.slow
def test_recording_killed_with_sigkill_keeps_all_flushed_audio(
    virtual_audio, spoken_answer, tmp_path
):
    virtual_audio.feed(spoken_answer)
    path = tmp_path / "answer.wav"
    child = subprocess.Popen(
        [sys.executable, "-c", _KILLED_RECORDER, str(path)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        cwd=REPO,
        env=virtual_audio.env(),
    )
    try:
        flushed = int(child.stdout.readline())
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=30)
    assert child.returncode == -signal.SIGKILL
    repair_wav(path)
    recorded, _ = read_wav(path)
    assert recorded.size == flushed
    assert correlation(recorded, spoken_answer[:flushed]) > 0.99


def test_an_unknown_microphone_is_a_clear_error(virtual_audio):
    with pytest.raises(MockintError, match="mockint devices"), Recorder("no-such-mic"):
        pass


class FailingStream:
    """An input stream that delivers a few blocks and then dies, as an unplugged mic does."""

    def __init__(self, callback, blocksize, **_settings) -> None:
        self.callback = callback
        self.blocksize = blocksize
        self.active = False

    def start(self) -> None:
        for i in range(5):
            block = np.full((self.blocksize, 1), round(0.1 * (i + 1) * 32768), np.int16)
            self.callback(block, 0, None, None)
        self.active = False  # PortAudio's thread ended with an error

    def abort(self) -> None:
        pass

    def close(self) -> None:
        pass


def test_a_microphone_that_fails_mid_answer_keeps_what_was_recorded(
    virtual_audio, monkeypatch, tmp_path
):
    import sounddevice as sd

    monkeypatch.setattr(sd, "InputStream", FailingStream)
    path = tmp_path / "answer.wav"
    with Recorder(virtual_audio.input_device) as recorder:
        result = record_answer(recorder, path)
    assert result.stop_reason == "device_error" and result.device_error
    recorded, _ = read_wav(path)
    assert recorded.size == 5 * 1600
    assert recorded[-1] == pytest.approx(0.5, abs=1e-3)


def test_writer_header_always_matches_the_flushed_audio(tmp_path):
    path = tmp_path / "a.wav"
    with IncrementalWavWriter(path, RATE_HZ, flush_every_s=0.5) as writer:
        writer.write(np.full(int(0.3 * RATE_HZ), 0.25, np.float32))
        with wave.open(str(path)) as wav:
            assert wav.getnframes() == 0  # not flushed yet
        writer.write(np.full(int(0.3 * RATE_HZ), 0.25, np.float32))
        with wave.open(str(path)) as wav:
            assert wav.getnframes() == int(0.6 * RATE_HZ)
            assert wav.getframerate() == RATE_HZ
    recorded, _ = read_wav(path)
    assert recorded.size == int(0.6 * RATE_HZ)
    assert np.allclose(recorded, 0.25, atol=1e-3)


def test_repair_fixes_sizes_left_stale_by_a_crash(tmp_path):
    path = tmp_path / "a.wav"
    pcm = (np.arange(1000, dtype="<i2") * 7).tobytes()
    # Header written when 100 samples were on disk; then 900 more and half a sample landed.
    path.write_bytes(wav_header(200, RATE_HZ) + pcm + b"\x01")
    assert repair_wav(path) is True
    with wave.open(str(path)) as wav:
        assert wav.getnframes() == 1000
        assert wav.readframes(1000) == pcm
    riff_size = struct.unpack("<I", path.read_bytes()[4:8])[0]
    assert riff_size == os.path.getsize(path) - 8
    assert repair_wav(path) is False


def test_repair_refuses_a_file_that_is_not_a_wav(tmp_path):
    path = tmp_path / "a.wav"
    path.write_bytes(b"ID3 not a wav at all")
    with pytest.raises(MockintError, match=str(path)):
        repair_wav(path)


def test_writer_names_the_file_it_cannot_create(tmp_path):
    path: Path = tmp_path / "missing-folder" / "a.wav"
    with pytest.raises(MockintError, match="missing-folder"):
        IncrementalWavWriter(path)


class RateFixedStream(FailingStream):
    """A 48 kHz-only microphone hearing a steady 440 Hz tone."""

    def start(self) -> None:
        t = np.arange(self.blocksize * 3) / 48_000
        tone = (0.5 * 32767 * np.sin(2 * np.pi * 440 * t)).astype(np.int16)
        for block in tone.reshape(3, self.blocksize):
            self.callback(block[:, None], 0, None, None)
        self.active = False


def test_a_microphone_that_refuses_16_khz_is_recorded_at_its_rate_and_converted(
    virtual_audio, monkeypatch
):
    import sounddevice as sd

    import mockint.record as record

    def only_48k(samplerate, **settings):
        if samplerate != 48_000:
            raise sd.PortAudioError("Invalid sample rate")
        return RateFixedStream(**settings)

    monkeypatch.setattr(sd, "InputStream", only_48k)
    monkeypatch.setattr(record, "default_sample_rate_hz", lambda device, kind: 48_000)
    with Recorder(virtual_audio.input_device) as recorder:
        blocks = list(recorder)
    assert [block.size for block in blocks] == [1600, 1600, 1600]
    samples = np.concatenate(blocks)
    t = np.arange(samples.size) / RATE_HZ
    assert correlation(samples, 0.5 * np.sin(2 * np.pi * 440 * t)) > 0.99


DISK_LIMIT_SCRIPT = """
import resource, signal, sys
import numpy as np
from mockint.record import record_answer

class BlocksRecorder:
    sample_rate_hz = 16_000
    error = None
    def __iter__(self):
        rng = np.random.default_rng(0)
        for _ in range(100):  # 10 s of loud audio, more than the limit lets through
            yield (0.3 * rng.standard_normal(1600)).astype(np.float32)

# A cap on file size makes writes fail the way a full disk does (an OSError mid-write).
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
resource.setrlimit(resource.RLIMIT_FSIZE, (100_000, 100_000))
recording = record_answer(BlocksRecorder(), sys.argv[1], max_duration_s=60)
print(recording.stop_reason, recording.duration_s)
"""


def test_disk_full_while_recording_stops_cleanly_and_keeps_what_was_written(tmp_path):
    import subprocess
    import sys
    import wave

    path = tmp_path / "answer.wav"
    run = subprocess.run(
        [sys.executable, "-c", DISK_LIMIT_SCRIPT, str(path)], capture_output=True, text=True
    )
    assert run.returncode == 0, run.stderr
    reason, _duration = run.stdout.split()
    assert reason == "disk_full"
    with wave.open(str(path)) as kept:
        frames = kept.getnframes()
        audio = kept.readframes(frames)
    # Everything flushed before the disk refused is there, and the header matches the data.
    assert 16_000 <= frames <= 100_000 // 2
    assert len(audio) == frames * 2
    assert path.stat().st_size == 44 + frames * 2
