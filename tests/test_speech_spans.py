"""The speech filter, reproduced while the recording grows: the same spans as
faster-whisper's whole-file filter, and a joined-speech prefix that later audio never changes."""

from __future__ import annotations

import numpy as np
import pytest

from mockint.audio import decode_file
from mockint.model import SAMPLE_RATE_HZ
from mockint.speech_spans import (
    VAD_WINDOW_SAMPLES,
    SpeechTracker,
    find_speech,
    join_speech,
    recording_time,
)
from mockint.streaming import SileroStream
from tests.conftest import REAL_AUDIO

SPEECH, QUIET = 0.9, 0.05


def windows(seconds: float) -> int:
    return round(seconds * SAMPLE_RATE_HZ / VAD_WINDOW_SAMPLES)


def pattern(*parts: tuple[float, float]) -> list[float]:
    """(probability, seconds) parts laid end to end, one probability per 512-sample window."""
    return [p for p, seconds in parts for _ in range(windows(seconds))]


def test_a_pause_under_two_seconds_stays_inside_the_speech():
    probs = pattern((QUIET, 1.0), (SPEECH, 3.0), (QUIET, 1.8), (SPEECH, 2.0), (QUIET, 3.0))
    n = len(probs) * VAD_WINDOW_SAMPLES
    (span,) = find_speech(probs, n, final=True).spans
    pad = int(0.4 * SAMPLE_RATE_HZ)
    assert span[0] == windows(1.0) * VAD_WINDOW_SAMPLES - pad
    speech_end = sum(windows(s) for s in (1.0, 3.0, 1.8, 2.0)) * VAD_WINDOW_SAMPLES
    assert span[1] == speech_end + pad


def test_a_long_pause_is_cut_out_and_each_side_keeps_its_padding():
    probs = pattern((SPEECH, 2.0), (QUIET, 5.0), (SPEECH, 2.0))
    n = len(probs) * VAD_WINDOW_SAMPLES
    spans = find_speech(probs, n, final=True)
    pad = int(0.4 * SAMPLE_RATE_HZ)
    first_end = windows(2.0) * VAD_WINDOW_SAMPLES
    second_start = (windows(2.0) + windows(5.0)) * VAD_WINDOW_SAMPLES
    assert spans.spans == ((0, first_end + pad), (second_start - pad, n))
    assert spans.settled == first_end + pad + n - second_start + pad


def test_mid_recording_an_open_span_is_cut_where_its_pause_began():
    pad = int(0.4 * SAMPLE_RATE_HZ)
    talking = pattern((SPEECH, 3.0))
    assert find_speech(talking, len(talking) * 512, final=False).settled == len(talking) * 512
    pausing = pattern((SPEECH, 3.0), (QUIET, 1.5))
    spans = find_speech(pausing, len(pausing) * 512, final=False)
    # 1.5 s into a pause: the span may end 0.4 s into it, or run on. Either way the audio
    # up to there is in it, and nothing after it is settled yet.
    assert spans.spans == ((0, windows(3.0) * 512 + pad),)


def test_times_in_the_joined_speech_map_back_to_the_recording():
    spans = ((0, 3 * SAMPLE_RATE_HZ), (8 * SAMPLE_RATE_HZ, 12 * SAMPLE_RATE_HZ))
    assert recording_time(1.0, 1.5, spans) == (1.0, 1.5)
    assert recording_time(4.0, 4.5, spans) == (9.0, 9.5)  # 5 s were cut out before it
    # A word straddling the cut goes wholly with the span holding its middle.
    assert recording_time(2.9, 3.3, spans) == (7.9, 8.3)
    assert recording_time(2.7, 3.1, spans) == (2.7, 3.1)
    audio = np.arange(12 * SAMPLE_RATE_HZ, dtype=np.float32)
    joined = join_speech(audio, spans, 2 * SAMPLE_RATE_HZ, 4 * SAMPLE_RATE_HZ)
    assert joined[0] == 2 * SAMPLE_RATE_HZ and joined[-1] == 9 * SAMPLE_RATE_HZ - 1
    assert len(joined) == 2 * SAMPLE_RATE_HZ


def real_speech_with_long_pauses(
    names: tuple[str, ...] = ("jfk.flac", "librispeech-2609-156975-0007.flac", "apollo11.mp3"),
) -> np.ndarray:
    """Real voices (a speech, read books, noisy radio) with pauses of 2.5-4 s between them,
    filled with faint noise as a room would be."""
    rng = np.random.default_rng(11)
    parts = []
    for name in names:
        parts.append(decode_file(REAL_AUDIO / name))
        pause = rng.uniform(2.5, 4.0)
        parts.append((rng.standard_normal(int(pause * SAMPLE_RATE_HZ)) * 2e-4).astype(np.float32))
    return np.concatenate(parts)[:-77]  # not a whole number of detector windows


@pytest.mark.slow
def test_the_spans_are_faster_whispers_and_the_settled_speech_never_changes():
    from faster_whisper.vad import VadOptions, collect_chunks, get_speech_timestamps

    audio = real_speech_with_long_pauses()
    detector, tracker = SileroStream(), SpeechTracker()
    whole_windows = len(audio) // VAD_WINDOW_SAMPLES * VAD_WINDOW_SAMPLES
    settled_before = np.zeros(0, np.float32)
    for at in range(0, whole_windows, 7 * VAD_WINDOW_SAMPLES):  # 0.22 s blocks
        block = audio[at : min(at + 7 * VAD_WINDOW_SAMPLES, whole_windows)]
        tracker.add(detector.probabilities(block))
        spans = tracker.spans(at + len(block), final=False)
        settled = join_speech(audio, spans.spans, 0, spans.settled)
        assert np.array_equal(settled[: len(settled_before)], settled_before), at
        settled_before = settled
    last = np.zeros(VAD_WINDOW_SAMPLES, np.float32)
    last[: len(audio) - whole_windows] = audio[whole_windows:]
    tracker.add(detector.probabilities(last))
    final = tracker.spans(len(audio), final=True)

    expected = get_speech_timestamps(audio, VadOptions())
    assert len(expected) >= 3  # the pauses really were cut
    assert final.spans == tuple((s["start"], s["end"]) for s in expected)
    chunks, _ = collect_chunks(audio, expected)
    joined = join_speech(audio, final.spans, 0)
    assert np.array_equal(joined, np.concatenate(chunks))
    assert np.array_equal(joined[: len(settled_before)], settled_before)


@pytest.mark.slow
def test_streamed_real_speech_with_long_pauses_matches_one_pass_word_for_word():
    from mockint.streaming import transcribe_incrementally
    from mockint.transcribe import load_transcriber
    from tests.test_streaming import comparable_words, disagreement

    # Read speech and a speech, with pauses the filter cuts out between them.
    audio = real_speech_with_long_pauses(
        (
            "librispeech-3331-159605-0008.flac",
            "jfk.flac",
            "librispeech-3374-298025-0000.flac",
            "librispeech-2609-156975-0007.flac",
        )
    )
    transcriber = load_transcriber()
    whole = transcriber.transcribe(audio)
    streamed, windows = transcribe_incrementally(transcriber, audio)
    assert len(windows) >= 3
    assert len(whole.words) > 120
    differing = disagreement(comparable_words(whole.text), comparable_words(streamed.text))
    assert differing <= 0.02 * len(whole.words), (whole.text, streamed.text)
    # With the prompt, the first window once timed one "a" over 8.7 s and lost what was said
    # under it, "flavor of romance … my fellow Americans ask not": both ways hear it now.
    for transcript in (whole, streamed):
        assert "romance" in transcript.text and "Americans" in transcript.text
    # Times map back across the cut pauses to where the words are in the recording.
    same = [(a, b) for a, b in zip(whole.words, streamed.words, strict=False) if a.text == b.text]
    assert len(same) >= 0.95 * len(whole.words)
    assert max(abs(a.start_s - b.start_s) for a, b in same) <= 0.05
