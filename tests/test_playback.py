"""Player through the virtual sound card (real PortAudio and ALSA), and its pause logic."""

from __future__ import annotations

import numpy as np
import pytest

from mockint.devices import resample
from mockint.errors import MockintError
from mockint.playback import Player, StreamPlayer, play_and_wait
from tests.audio_harness import correlation

RATE_HZ = 16_000


def chirp(duration_s: float, rate_hz: int = RATE_HZ) -> np.ndarray:
    t = np.arange(int(duration_s * rate_hz)) / rate_hz
    return (0.5 * np.sin(2 * np.pi * (200 + 400 * t) * t)).astype(np.float32)


@pytest.mark.slow
def test_played_sound_reaches_the_speaker_whole(virtual_audio):
    sound = chirp(1.5)
    play_and_wait(sound, RATE_HZ, virtual_audio.output_device)
    played = virtual_audio.played()
    voiced = np.flatnonzero(np.abs(played) > 1e-3)
    assert voiced.size > 0, "nothing reached the speaker"
    assert abs((voiced[-1] - voiced[0] + 1) - sound.size) < 0.01 * RATE_HZ
    assert correlation(played, sound) > 0.99


@pytest.mark.slow
def test_play_from_an_offset_skips_the_start(virtual_audio):
    sound = chirp(2.0)
    player = Player(sound, RATE_HZ, virtual_audio.output_device)
    player.play(start_s=1.0)
    assert player.wait(timeout_s=30)
    played = virtual_audio.played()
    assert correlation(played, sound[RATE_HZ:]) > 0.99
    assert np.count_nonzero(np.abs(played) > 1e-3) < 1.1 * RATE_HZ
    assert player.position_s == pytest.approx(2.0)


@pytest.mark.slow
def test_a_sound_at_another_rate_plays_at_the_right_pitch(virtual_audio):
    # 22.05 kHz (a TTS voice's rate) into a 16 kHz speaker: ALSA or we convert it.
    rate_hz = 22_050
    sound = chirp(1.0, rate_hz)
    play_and_wait(sound, rate_hz, virtual_audio.output_device)
    played = virtual_audio.played()
    assert np.count_nonzero(np.abs(played) > 1e-3) == pytest.approx(RATE_HZ, rel=0.01)
    # Played unconverted, the sound would be 38% slower and correlate far less.
    assert correlation(played, resample(sound, rate_hz, RATE_HZ)) > 0.9


@pytest.mark.slow
def test_stop_ends_wait_and_leaves_no_stream(virtual_audio):
    player = Player(chirp(1.0), RATE_HZ, virtual_audio.output_device)
    player.play()
    player.stop()
    assert player.wait(timeout_s=1)
    assert not player.playing


def test_an_unknown_speaker_is_a_clear_error(virtual_audio):
    with pytest.raises(MockintError, match="mockint devices"):
        Player(chirp(0.1), RATE_HZ, "no-such-speaker").play()


class FakeStream:
    """Stands in for sounddevice.OutputStream: calls the callbacks when told to."""

    def __init__(self, callback, finished_callback, **_settings) -> None:
        self.callback = callback
        self.finished_callback = finished_callback
        self.active = False

    def start(self) -> None:
        self.active = True

    def stop(self) -> None:
        self.active = False
        self.finished_callback()

    abort = stop

    def close(self) -> None:
        self.active = False

    def pull(self, frames: int) -> np.ndarray:
        out = np.full((frames, 1), np.nan, dtype=np.float32)
        try:
            self.callback(out, frames, None, None)
        except Exception:  # CallbackStop: the stream ends after this block
            self.active = False
            self.finished_callback()
        return out[:, 0]


@pytest.fixture
def fake_player(monkeypatch):
    import sounddevice as sd

    streams: list[FakeStream] = []

    def make(**settings):
        streams.append(FakeStream(**settings))
        return streams[-1]

    monkeypatch.setattr(sd, "OutputStream", make)
    sound = np.arange(1, 1001, dtype=np.float32) / 1000
    player = Player(sound, 1000, device=None)
    return player, streams


def test_pause_keeps_the_position_and_resume_goes_on_from_it(fake_player, virtual_audio):
    player, streams = fake_player
    player.play()
    first = streams[0].pull(300)
    player.pause()
    assert player.position_s == pytest.approx(0.3)
    assert not player.playing and not player.wait(timeout_s=0)
    player.resume()
    second = streams[0].pull(300)
    assert second[0] == pytest.approx(first[-1] + 0.001)


def test_the_last_block_is_padded_with_silence_and_ends_the_sound(fake_player, virtual_audio):
    player, streams = fake_player
    player.play(start_s=0.9)
    block = streams[0].pull(300)
    assert np.all(block[100:] == 0.0) and block[99] == pytest.approx(1.0)
    assert player.wait(timeout_s=0)


def test_resample_keeps_duration_and_shape():
    sound = chirp(1.0, 48_000)
    out = resample(sound, 48_000, RATE_HZ)
    assert out.size == RATE_HZ
    assert correlation(out, chirp(1.0)) > 0.99


@pytest.mark.slow
def test_stream_player_plays_pieces_in_order_even_when_fed_late(virtual_audio):
    import time

    first, second = chirp(0.5), chirp(0.7)[::-1].copy()
    player = StreamPlayer(RATE_HZ, virtual_audio.output_device)
    player.open()
    player.feed(first)
    time.sleep(0.3)  # the queue runs dry: the stream winds down, the next piece restarts it
    player.feed(second)
    player.finish(timeout_s=30)
    played = virtual_audio.played()
    voiced = np.flatnonzero(np.abs(played) > 1e-3)
    assert voiced.size == pytest.approx(first.size + second.size, rel=0.02)
    split = voiced[0] + first.size
    assert correlation(played[:split], first) > 0.99
    assert correlation(played[split:], second) > 0.99
    assert player.first_audio_at is not None


def test_a_speaker_that_refuses_the_rate_gets_the_sound_at_its_own(monkeypatch, virtual_audio):
    import sounddevice as sd

    import mockint.playback as playback

    opened: list[FakeStream] = []

    def only_48k(samplerate, **settings):
        if samplerate != 48_000:
            raise sd.PortAudioError("Invalid sample rate")
        opened.append(FakeStream(**settings))
        return opened[-1]

    monkeypatch.setattr(sd, "OutputStream", only_48k)
    monkeypatch.setattr(playback, "default_sample_rate_hz", lambda device, kind: 48_000)
    player = Player(chirp(0.5), RATE_HZ, virtual_audio.output_device)
    player.play()
    out = opened[0].pull(3 * int(0.5 * RATE_HZ))
    assert correlation(out, resample(chirp(0.5), RATE_HZ, 48_000)) > 0.99
    assert player.position_s == pytest.approx(0.5)
