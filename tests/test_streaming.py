"""Incremental transcription: cuts lose or double no word, the look-ahead is reused, and
chunked transcripts of real answers are as good as transcribing the whole file."""

from __future__ import annotations

import difflib
import json
import re

import numpy as np
import pytest

from mockint.audio import decode_file
from mockint.model import SAMPLE_RATE_HZ, Transcript, Word
from mockint.streaming import (
    WINDOW_SAMPLES,
    LookAheadPolicy,
    StreamingTranscriber,
    lookahead_end,
    transcribe_incrementally,
)
from mockint.textutil import tokens
from mockint.transcribe import SpeechPass
from tests.conftest import SAMPLES

BURST_S = 0.3


class EnergyDetector:
    def probabilities(self, windows: np.ndarray) -> tuple[float, ...]:
        frames = windows.reshape(-1, WINDOW_SAMPLES)
        return tuple(1.0 if float(np.abs(f).max()) > 0.01 else 0.0 for f in frames)


class BurstTranscriber:
    """A perfect 'model': each loud burst is one word, named by its start time in the audio
    it is given (in the recording for a stretch of it, in the joined speech for a window).

    Whatever the windows and pieces, a correct streamer must give exactly the whole-file words.
    """

    model_name = "bursts"

    def __init__(self) -> None:
        self.calls: list[tuple[float, float]] = []
        self.contexts: list[tuple[float, str]] = []  # (offset_s, previous_text) of each call
        self.retried: list[bool] = []  # retry_unsure of each call
        self.windows: list[tuple[float, float, bool, bool]] = []  # offset, length, opening, one

    def transcribe(
        self,
        samples: np.ndarray,
        *,
        offset_s: float = 0.0,
        previous_text: str = "",
        retry_unsure: bool = True,
    ) -> Transcript:
        self.calls.append((offset_s, len(samples) / SAMPLE_RATE_HZ))
        self.contexts.append((offset_s, previous_text))
        self.retried.append(retry_unsure)
        words = self._bursts(samples, offset_s)
        return Transcript(words, len(samples) / SAMPLE_RATE_HZ, self.model_name)

    def transcribe_speech(
        self,
        speech: np.ndarray,
        *,
        offset_s: float = 0.0,
        from_s: float = 0.0,
        peak_before: float = float("-inf"),
        opening: bool,
        one_window: bool,
    ) -> SpeechPass:
        start_s = offset_s + from_s
        end_s = offset_s + len(speech) / SAMPLE_RATE_HZ
        if one_window:
            end_s = min(end_s, start_s + 30.0)
        self.windows.append((start_s, end_s - start_s, opening, one_window))
        words = tuple(w for w in self._bursts(speech, offset_s) if w.start_s >= start_s)
        if not one_window:
            return SpeechPass(words, None)
        # As Whisper does, a word the window's end cuts off is left to the next window,
        # which starts at the end of the last whole one.
        words = tuple(w for w in words if w.end_s < end_s - 0.001)
        return SpeechPass(words, words[-1].end_s if words else end_s)

    @staticmethod
    def _bursts(samples: np.ndarray, offset_s: float) -> tuple[Word, ...]:
        # 2 ms frames: stretches start on the detector's 512-sample grid, which these divide,
        # so a burst gets the same name whichever stretch it lands in.
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
        return tuple(words)


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


def stream(transcriber, look_ahead: bool = True) -> StreamingTranscriber:
    return StreamingTranscriber(
        transcriber, detector=EnergyDetector(), policy=LookAheadPolicy(), look_ahead=look_ahead
    )


def feed(s: StreamingTranscriber, audio: np.ndarray) -> None:
    for i in range(0, len(audio), SAMPLE_RATE_HZ // 10):
        s.feed(audio[i : i + SAMPLE_RATE_HZ // 10])


def starts(words) -> list[float]:
    return [round(w.start_s, 2) for w in words]


@pytest.mark.parametrize("long_pauses", [0, 6])
def test_windows_lose_and_double_no_word(long_pauses):
    gaps = answer_gaps(220)
    for k in range(long_pauses):  # pauses the speech filter cuts out of what Whisper hears
        gaps[20 + 33 * k] = 2.5 + k
    audio = bursts(gaps)
    transcriber = BurstTranscriber()
    whole = transcriber.transcribe(audio)
    assert len(whole.words) == 220
    s = stream(transcriber, look_ahead=False)
    feed(s, audio[:-SAMPLE_RATE_HZ])
    # The windows are decoded while the answer is recorded, not at the end.
    assert s.wait_idle(timeout_s=10)
    during = len(transcriber.windows)
    assert during >= 3
    feed(s, audio[-SAMPLE_RATE_HZ:])
    streamed = s.finish()
    assert len(transcriber.windows) == during + 1  # only the last, partial window was left
    # Every word once, at its time in the recording, whatever the filter cut out.
    assert len(streamed.words) == 220
    assert starts(streamed.words) == pytest.approx(starts(whole.words), abs=0.011)
    chunks = s.chunks()
    assert all(a[1] == pytest.approx(b[0]) for a, b in zip(chunks, chunks[1:], strict=False))
    assert streamed.duration_s == pytest.approx(len(audio) / SAMPLE_RATE_HZ)


def test_each_window_is_heard_as_the_whole_file_pass_hears_it():
    audio = bursts(answer_gaps(220))
    transcriber = BurstTranscriber()
    s = stream(transcriber, look_ahead=False)
    feed(s, audio)
    s.finish()
    offsets = [offset for offset, _length, _opening, _one in transcriber.windows]
    # Only the start of the answer is primed (as a whole file's first window is), each
    # window but the last is a full 30 s one, and each starts where the one before ended.
    assert [opening for *_, opening, _one in transcriber.windows] == [True] + [False] * (
        len(offsets) - 1
    )
    assert all(length == pytest.approx(30.0) for _o, length, _p, one in transcriber.windows if one)
    assert [one for *_, one in transcriber.windows] == [True] * (len(offsets) - 1) + [False]
    assert offsets == sorted(offsets) and all(
        b - a < 30.0 for a, b in zip(offsets, offsets[1:], strict=False)
    )


def test_each_look_ahead_piece_hears_what_was_said_before_it():
    audio = bursts(answer_gaps(220))
    transcriber = BurstTranscriber()
    s = stream(transcriber)
    feed(s, audio)
    words = s.finish().words
    assert len(transcriber.contexts) >= 3
    for offset_s, previous_text in transcriber.contexts:
        said_before = [w.text for w in words if w.end_s <= offset_s]
        assert previous_text.split() == said_before
    assert not any(transcriber.retried)  # pieces are waited for: decoded once, greedily
    whole = transcriber.transcribe(audio)
    assert [w.text for w in words] == [w.text for w in whole.words]


def test_an_answer_ending_in_a_pause_is_ready_from_the_look_ahead():
    audio = np.concatenate([bursts([0.1] * 20), np.zeros(SAMPLE_RATE_HZ // 2, np.float32)])
    transcriber = BurstTranscriber()
    s = stream(transcriber)
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
    s = stream(transcriber)
    feed(s, first)
    assert s.wait_idle(timeout_s=10)
    feed(s, rest)  # speech goes on, and the answer stops right after it
    transcript = s.finish()
    last_offset_s, last_length_s = transcriber.calls[-1]
    assert last_offset_s > 0.8 * len(first) / SAMPLE_RATE_HZ
    assert not any(transcriber.retried)  # what is waited for is decoded once, greedily
    assert last_length_s < 0.2 * (len(first) + len(rest)) / SAMPLE_RATE_HZ + BURST_S * 6 + 1
    whole = transcriber.transcribe(np.concatenate([first, rest]))
    assert [w.text for w in transcript.words] == [w.text for w in whole.words]


def test_an_answer_ending_in_silence_is_decoded_in_the_pause_as_one_pass_would():
    audio = np.concatenate([bursts(answer_gaps(120)), np.zeros(3 * SAMPLE_RATE_HZ, np.float32)])
    transcriber = BurstTranscriber()
    s = stream(transcriber)
    for i in range(0, len(audio), SAMPLE_RATE_HZ // 10):  # the worker keeps up, as live
        s.feed(audio[i : i + SAMPLE_RATE_HZ // 10])
        assert s.wait_idle(timeout_s=10)
    *_, (_offset, _length, _opening, one_window) = transcriber.windows
    assert not one_window  # the rest after the last window, decoded in the pause
    calls, windows = len(transcriber.calls), len(transcriber.windows)
    transcript = s.finish()
    assert (len(transcriber.calls), len(transcriber.windows)) == (calls, windows)
    assert starts(transcript.words) == pytest.approx(
        starts(transcriber.transcribe(audio).words), abs=0.011
    )


def test_look_ahead_pieces_fit_one_window_when_audio_arrives_all_at_once():
    # Just under a Whisper window of speech, handed over in one block.
    audio = bursts(answer_gaps(220))[: 29 * SAMPLE_RATE_HZ]
    transcriber = BurstTranscriber()
    s = stream(transcriber)
    s.feed(audio)
    assert s.wait_idle(timeout_s=10)
    pieces = transcriber.calls
    assert pieces and max(length for _offset, length in pieces) <= 25.0
    assert not transcriber.windows
    words = s.finish().words
    assert [w.text for w in words] == [w.text for w in transcriber.transcribe(audio).words]


def test_look_ahead_waits_for_a_pause_after_speech():
    policy = LookAheadPolicy(lookahead_pause_s=0.25)
    assert lookahead_end([0.9] * 30, policy) is None
    assert lookahead_end([0.0] * 30, policy) is None
    assert lookahead_end([0.9] * 30 + [0.0] * 8, policy) == 30 + 4
    assert lookahead_end([0.9] * 30 + [0.0] * 20, policy) == 30 + 4  # stays put
    assert lookahead_end([0.9] * 30 + [0.0] * 7, policy) is None  # too short a pause yet


def test_look_ahead_finds_a_breath_that_is_already_over():
    policy = LookAheadPolicy(lookahead_pause_s=0.25)
    speech, breath, short = [0.9] * 30, [0.0] * 8, [0.0] * 5
    assert lookahead_end(speech + breath + speech, policy) == 30 + 4
    # The latest such pause counts; shorter gaps between words do not.
    assert lookahead_end(speech + breath + speech + breath + speech + short, policy) == 68 + 4


# ------------------------------------------------------------------ the real model

# Every sample answer, in both voices.
SAMPLE_FILES = (*sorted(SAMPLES.glob("*.ogg")), *sorted((SAMPLES / "espeak").glob("*.ogg")))
# The goal is 2% of words. The windows get the very spectrogram numbers the whole-file pass
# gives them (mockint.whisper_features), and no word has differed on the samples.
MAX_POOLED_DISAGREEMENT = 0.02
MAX_FILE_DISAGREEMENT = 0.02

_UNITS = (
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
    "fifteen sixteen seventeen eighteen nineteen"
).split()
_TENS = "twenty thirty forty fifty sixty seventy eighty ninety".split()
_NUMBER_WORDS = {
    **{word: n for n, word in enumerate(_UNITS)},
    **{word: 10 * n for n, word in enumerate(_TENS, 2)},
}
_SCALES = {"hundred": 100, "thousand": 1000, "million": 1_000_000}


def _numbers_as_digits(words: list[str]) -> list[str]:
    """Numbers in digits ("a thousand" -> "1000", "three" -> "3"), however they were spelled."""
    out: list[str] = []
    total = current = 0
    in_number = False
    for i, word in enumerate(words):
        ahead = words[i + 1] if i + 1 < len(words) else ""
        if word in _NUMBER_WORDS or (word == "a" and ahead in _SCALES):
            current += _NUMBER_WORDS.get(word, 1)
            in_number = True
        elif word in _SCALES and in_number:
            if _SCALES[word] == 100:
                current *= 100
            else:
                total, current = total + current * _SCALES[word], 0
        else:
            if in_number:
                out.append(str(total + current))
                total = current = 0
                in_number = False
            out.append(word)
    if in_number:
        out.append(str(total + current))
    return out


_CONTRACTIONS = {"n't": " not", "'re": " are", "'ve": " have", "'m": " am", "'ll": " will"}


def comparable_words(text: str) -> tuple[str, ...]:
    """Words as a reader compares them: case, punctuation and number formatting aside."""
    text = re.sub(r"(?<=\d),(?=\d{3})", "", text)  # 200,000 -> 200000
    text = re.sub(r"\$(\d+)", r"\1 dollars", text)
    text = re.sub(r"(\d)%", r"\1 percent", text)
    # "we're" and "we are" are one reading; 's and 'd are left alone (is/has, would/had).
    text = re.sub(r"\bwon't\b", "will not", text, flags=re.IGNORECASE)
    text = re.sub(r"\bcan't\b", "can not", text, flags=re.IGNORECASE)
    for short, full in _CONTRACTIONS.items():
        text = re.sub(rf"(?<=[a-z]){short}\b", full, text, flags=re.IGNORECASE)
    return tuple(re.sub(r"(?<=\d) (?=000\b)", "", " ".join(tokens(text))).split())


def disagreement(reference: tuple[str, ...], other: tuple[str, ...]) -> int:
    """Word edit distance, counting "check out" and "checkout", or "three" and "3", as the
    same words."""
    matcher = difflib.SequenceMatcher(a=reference, b=other, autojunk=False)
    aligned: list[str] = []
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        same_letters = "".join(reference[i1:i2]) == "".join(other[j1:j2])
        aligned += reference[i1:i2] if op == "replace" and same_letters else other[j1:j2]
    return _distance(tuple(_numbers_as_digits(list(reference))), tuple(_numbers_as_digits(aligned)))


def _distance(a: tuple[str, ...], b: tuple[str, ...]) -> int:
    previous = list(range(len(b) + 1))
    for i, x in enumerate(a, 1):
        current = [i] + [0] * len(b)
        for j, y in enumerate(b, 1):
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (x != y))
        previous = current
    return previous[-1]


def test_the_comparison_sets_formatting_aside_and_nothing_else():
    said = comparable_words("Roughly $200,000, a thousand hours, 12% and three weeks.")
    assert said == tuple(
        "roughly 200000 dollars a thousand hours 12 percent and three weeks".split()
    )
    assert (
        disagreement(
            said, comparable_words("roughly 200000 dollars, 1000 hours, 12 percent and 3 weeks")
        )
        == 0
    )
    assert (
        disagreement(
            comparable_words("a little over 3,000 loads"),
            comparable_words("a little over three thousand loads"),
        )
        == 0
    )
    assert comparable_words("We're sure it won't, and I'm not") == tuple(
        "we are sure it will not and i am not".split()
    )
    whole = comparable_words("the reliability of check out for every one")
    assert disagreement(whole, comparable_words("the reliability of checkout for everyone")) == 0
    assert disagreement(whole, comparable_words("the reliability of check in for every one")) == 1
    assert disagreement(whole, comparable_words("the reliability of check for every one")) == 1


@pytest.mark.slow
def test_streamed_transcripts_of_the_samples_agree_with_whole_file_ones():
    from mockint.transcribe import load_transcriber

    transcriber = load_transcriber()
    scripts = json.loads((SAMPLES / "answers.json").read_text())
    per_file: dict[str, tuple[int, int]] = {}  # name -> (differing words, whole-file words)
    whole_errors = chunked_errors = n_script = 0
    for path in SAMPLE_FILES:
        audio = decode_file(path)
        said = " ".join(text for _phase, text in scripts[path.stem]["segments"])
        script = comparable_words(said)
        whole = comparable_words(transcriber.transcribe(audio).text)
        streamed, chunks = transcribe_incrementally(transcriber, audio)
        chunked = comparable_words(streamed.text)
        assert len(chunks) >= 3  # heard window by window while it was "recorded"
        # Cuts that lost or doubled a phrase would show in the length.
        assert abs(len(chunked) - len(whole)) / len(whole) <= 0.03, path
        per_file[str(path.relative_to(SAMPLES))] = (disagreement(whole, chunked), len(whole))
        whole_errors += disagreement(script, whole)
        chunked_errors += disagreement(script, chunked)
        n_script += len(script)
    report = ", ".join(f"{name} {d}/{n} ({d / n:.1%})" for name, (d, n) in per_file.items())
    print(f"chunked vs whole-file words differing: {report}")
    pooled = sum(d for d, _ in per_file.values()) / sum(n for _, n in per_file.values())
    assert pooled <= MAX_POOLED_DISAGREEMENT, f"pooled {pooled:.1%}: {report}"
    assert all(d / n <= MAX_FILE_DISAGREEMENT for d, n in per_file.values()), report
    # Against what was actually said, chunking costs no accuracy.
    assert chunked_errors <= whole_errors + 0.005 * n_script, (chunked_errors, whole_errors)
