"""Incremental transcription: cuts lose or double no word, the look-ahead is reused, and
chunked transcripts of real answers are as good as transcribing the whole file."""

from __future__ import annotations

import json

import numpy as np
import pytest

from mockint.audio import decode_file
from mockint.model import SAMPLE_RATE_HZ, Transcript, Word
from mockint.streaming import (
    WINDOW_SAMPLES,
    CutPolicy,
    StreamingTranscriber,
    lookahead_end,
    transcribe_in_chunks,
)
from mockint.textutil import tokens
from tests.conftest import SAMPLES

BURST_S = 0.3


class EnergyDetector:
    def probabilities(self, windows: np.ndarray) -> tuple[float, ...]:
        frames = windows.reshape(-1, WINDOW_SAMPLES)
        return tuple(1.0 if float(np.abs(f).max()) > 0.01 else 0.0 for f in frames)


class BurstTranscriber:
    """A perfect 'model': each loud burst is one word, named by its absolute start time.

    Whatever the cuts, a correct chunker must give exactly the whole-file words.
    """

    model_name = "bursts"

    def __init__(self) -> None:
        self.calls: list[tuple[float, float]] = []

    def transcribe(self, samples: np.ndarray, *, offset_s: float = 0.0) -> Transcript:
        self.calls.append((offset_s, len(samples) / SAMPLE_RATE_HZ))
        # 2 ms frames: chunks start on the detector's 512-sample grid, which these divide,
        # so a burst gets the same name whichever chunk it lands in.
        frame = 32
        n = len(samples) // frame
        loud = np.abs(samples[: n * frame]).reshape(n, frame).max(axis=1) > 0.01
        edges = np.flatnonzero(np.diff(np.concatenate(([0], loud.astype(np.int8), [0]))))
        words = []
        for start, end in zip(edges[::2] * frame, edges[1::2] * frame, strict=True):
            if end - start < 0.1 * SAMPLE_RATE_HZ:  # a clipped scrap of a word
                continue
            start_s = offset_s + start / SAMPLE_RATE_HZ
            end_s = offset_s + end / SAMPLE_RATE_HZ
            words.append(Word(f"w{round(start_s * 1000)}", start_s, end_s))
        return Transcript(tuple(words), len(samples) / SAMPLE_RATE_HZ, self.model_name)


def bursts(gaps_s: list[float]) -> np.ndarray:
    """Speech-like bursts, each followed by its gap."""
    rng = np.random.default_rng(3)
    parts = []
    for gap_s in gaps_s:
        burst = rng.uniform(0.05, 0.3, int(BURST_S * SAMPLE_RATE_HZ)) * rng.choice([-1, 1])
        parts.append(burst.astype(np.float32))
        parts.append(np.zeros(int(gap_s * SAMPLE_RATE_HZ), np.float32))
    return np.concatenate(parts)


def answer_gaps(n: int, seed: int = 5) -> list[float]:
    rng = np.random.default_rng(seed)
    # Mostly short gaps between words, now and then a sentence pause or a long think.
    return [
        float(rng.choice([0.08, 0.12, 0.2, 0.35, 0.6, 1.5], p=[0.35, 0.3, 0.15, 0.1, 0.07, 0.03]))
        for _ in range(n)
    ]


def stream(transcriber, policy: CutPolicy, look_ahead: bool = True) -> StreamingTranscriber:
    return StreamingTranscriber(
        transcriber, detector=EnergyDetector(), policy=policy, look_ahead=look_ahead
    )


def feed(s: StreamingTranscriber, audio: np.ndarray) -> None:
    for i in range(0, len(audio), SAMPLE_RATE_HZ // 10):
        s.feed(audio[i : i + SAMPLE_RATE_HZ // 10])


@pytest.mark.parametrize(
    "policy",
    [
        CutPolicy(min_chunk_s=3.0, max_chunk_s=8.0),  # many cuts, some forced between words
        CutPolicy(),  # the defaults
    ],
)
def test_cuts_lose_and_double_no_word(policy):
    audio = bursts(answer_gaps(220))
    transcriber = BurstTranscriber()
    whole = transcriber.transcribe(audio)
    assert len(whole.words) == 220
    s = stream(transcriber, policy, look_ahead=False)
    feed(s, audio)
    chunked = s.finish()
    chunks = s.chunks()
    assert len(chunks) >= 3
    assert [w.text for w in chunked.words] == [w.text for w in whole.words]
    # Chunks follow one another without gaps or overlaps.
    assert all(a[1] == pytest.approx(b[0]) for a, b in zip(chunks, chunks[1:], strict=False))
    assert chunked.duration_s == pytest.approx(len(audio) / SAMPLE_RATE_HZ)


def test_an_answer_ending_in_a_pause_is_ready_from_the_look_ahead():
    audio = np.concatenate([bursts([0.1] * 20), np.zeros(SAMPLE_RATE_HZ // 2, np.float32)])
    transcriber = BurstTranscriber()
    s = stream(transcriber, CutPolicy())
    feed(s, audio)
    assert s.wait_idle(timeout_s=10)
    ahead = s.words_so_far()
    assert len(ahead) == 20  # the live view already has every word
    calls = len(transcriber.calls)
    transcript = s.finish()
    assert len(transcriber.calls) == calls  # nothing left to transcribe at the end
    assert [w.text for w in transcript.words] == [w.text for w in ahead]


def test_an_answer_ending_mid_sentence_transcribes_only_what_followed_the_look_ahead():
    first, rest = bursts([0.1] * 10 + [0.4]), bursts([0.1] * 6)
    transcriber = BurstTranscriber()
    s = stream(transcriber, CutPolicy())
    feed(s, first)
    assert s.wait_idle(timeout_s=10)
    feed(s, rest)  # speech goes on, and the answer stops right after it
    transcript = s.finish()
    last_offset_s, last_length_s = transcriber.calls[-1]
    assert last_offset_s > 0.8 * len(first) / SAMPLE_RATE_HZ
    assert last_length_s < 0.2 * (len(first) + len(rest)) / SAMPLE_RATE_HZ + BURST_S * 6 + 1
    whole = transcriber.transcribe(np.concatenate([first, rest]))
    assert [w.text for w in transcript.words] == [w.text for w in whole.words]


def test_look_ahead_waits_for_a_pause_after_speech():
    policy = CutPolicy(lookahead_pause_s=0.25)
    assert lookahead_end([0.9] * 30, policy) is None
    assert lookahead_end([0.0] * 30, policy) is None
    assert lookahead_end([0.9] * 30 + [0.0] * 8, policy) == 30 + 4


# ------------------------------------------------------------------ the real model


def _distance(a: tuple[str, ...], b: tuple[str, ...]) -> int:
    previous = list(range(len(b) + 1))
    for i, x in enumerate(a, 1):
        current = [i] + [0] * len(b)
        for j, y in enumerate(b, 1):
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (x != y))
        previous = current
    return previous[-1]


@pytest.mark.slow
def test_chunked_transcripts_of_the_samples_are_as_good_as_whole_file_ones():
    from mockint.transcribe import load_transcriber

    transcriber = load_transcriber()
    scripts = json.loads((SAMPLES / "answers.json").read_text())
    whole_errors = chunked_errors = n_script = 0
    for name in ("result-first", "no-metric"):
        audio = decode_file(SAMPLES / f"{name}.ogg")
        script = tokens(" ".join(text for _phase, text in scripts[name]["segments"]))
        whole = tokens(transcriber.transcribe(audio).text)
        chunked_transcript, chunks = transcribe_in_chunks(transcriber, audio)
        chunked = tokens(chunked_transcript.text)
        assert len(chunks) >= 3  # the answer really was cut
        # Cuts that lost or doubled a phrase would show here; tiny.en itself flips a few
        # percent of words when the audio around them shifts.
        assert _distance(whole, chunked) / len(whole) <= 0.10
        assert abs(len(chunked) - len(whole)) / len(whole) <= 0.03
        whole_errors += _distance(script, whole)
        chunked_errors += _distance(script, chunked)
        n_script += len(script)
    # Against what was actually said, chunking costs no accuracy beyond that noise.
    assert chunked_errors / n_script <= whole_errors / n_script + 0.025
