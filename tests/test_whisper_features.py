"""The spectrogram a window of a longer recording gets is the one the whole recording gives
it, so a transcript made window by window while recording can match one pass exactly."""

from __future__ import annotations

import numpy as np

from mockint.audio import decode_file
from mockint.whisper_features import SteadyFeatures
from tests.conftest import REAL_AUDIO

HOP = 160


def features() -> SteadyFeatures:
    from faster_whisper.feature_extractor import FeatureExtractor

    return SteadyFeatures(FeatureExtractor())


def speech() -> np.ndarray:
    # A quiet start, then louder speech later: the floor must follow the loudest frame so
    # far, not the loudest frame of whatever audio was given.
    quiet = 0.05 * decode_file(REAL_AUDIO / "librispeech-441-128982-0000.flac")
    return np.concatenate([quiet, decode_file(REAL_AUDIO / "jfk.flac")]).astype(np.float32)


def test_a_window_cut_from_the_recording_gets_the_whole_recordings_numbers():
    audio = speech()
    steady = features()
    whole = steady(audio)
    n_frames = whole.shape[1]
    lead, length = 20, 1500
    for start in (0, 700, n_frames - 1200):
        first = max(0, start - lead)
        piece_audio = audio[first * HOP : (start + length + 50) * HOP]
        with steady.carrying(steady_peak(audio, first), start - first):
            piece = steady(piece_audio)
        got = piece[:, start - first : start - first + length]
        assert np.array_equal(got, whole[:, start : start + got.shape[1]]), start


def steady_peak(audio: np.ndarray, frame: int) -> float:
    """The running peak before `frame`, as one pass over the audio up to a little past it
    leaves it."""
    steady = features()
    steady(audio[: (frame + 10) * HOP])
    return steady.peak_before_frame(frame)


def test_the_floor_follows_the_loudest_frame_so_far():
    audio = speech()
    steady = features()
    spectrogram = steady(audio)
    quiet_part = spectrogram[:, :500]
    # Early on, the floor sits 80 dB under the quiet speaker, not under the loud one later.
    floor_early = quiet_part.min()
    floor_late = spectrogram[:, -500:].min()
    assert floor_late > floor_early
    from faster_whisper.feature_extractor import FeatureExtractor

    standard = FeatureExtractor()(audio)
    assert standard[:, :500].min() == standard.min()  # one floor for everything
