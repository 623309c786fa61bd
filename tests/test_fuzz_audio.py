"""Fuzzing the input boundaries: audio bytes, corpus lines and TOML text from users' files.

Whatever arrives, the outcome is a result or a one-line MockintError naming the file, never
another exception type (which would reach the user as a traceback)."""

from __future__ import annotations

import atexit
import json
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from mockint.audio import AUDIO_EXTENSIONS, decode_file
from mockint.config import parse_toml
from mockint.corpus import LabelledAnswer, load_corpus
from mockint.errors import AudioError, MockintError
from mockint.model import PHASES
from tests.conftest import REAL_AUDIO

# The same examples on every run (tests/conftest.py). For a wider, fresh search, run with
# MOCKINT_FUZZ_EXAMPLES set to a larger count.
FUZZ = settings(
    max_examples=int(os.environ.get("MOCKINT_FUZZ_EXAMPLES", "150")),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
FOLDER = Path(tempfile.mkdtemp(prefix="mockint-fuzz-"))
atexit.register(shutil.rmtree, FOLDER, True)


def _seed_files() -> dict[str, bytes]:
    """Half a second of real speech in each common format: mutating these reaches far deeper
    into the decoders than random bytes, which they mostly reject at the first byte."""
    seeds = {}
    for suffix in (".wav", ".flac", ".ogg", ".mp3"):
        path = FOLDER / f"seed{suffix}"
        subprocess.run(
            ["sox", str(REAL_AUDIO / "jfk.flac"), "-r", "16000", str(path), "trim", "2", "0.5"],
            check=True,
            capture_output=True,
        )
        seeds[suffix] = path.read_bytes()
    return seeds


SEEDS = _seed_files()


@st.composite
def mutated_audio(draw: st.DrawFn) -> tuple[str, bytes]:
    suffix = draw(st.sampled_from(sorted(SEEDS)))
    data = bytearray(SEEDS[suffix])
    for _ in range(draw(st.integers(0, 8))):
        at = draw(st.integers(0, len(data) - 1))
        data[at] = draw(st.integers(0, 255))
    if draw(st.booleans()):
        data = data[: draw(st.integers(0, len(data)))]
    # The file may claim any audio type: users rename files, and the decoder must cope.
    return draw(st.sampled_from([suffix, *sorted(AUDIO_EXTENSIONS)])), bytes(data)


def _check_decode(suffix: str, data: bytes) -> None:
    path = FOLDER / f"fuzzed answer{suffix}"
    path.write_bytes(data)
    try:
        samples = decode_file(path)
    except AudioError as error:
        message = str(error)
        assert message.startswith(f"{path}: ") and "\n" not in message
        return
    assert samples.dtype == np.float32 and samples.ndim == 1 and samples.size > 0
    assert np.all(np.isfinite(samples)) and np.abs(samples).max() <= 1.0


@FUZZ
@given(st.sampled_from(sorted(AUDIO_EXTENSIONS)), st.binary(max_size=4096))
@example(".wav", b"RIFF\xff\xff\xff\xffWAVEfmt ")
@example(".mp3", b"ID3\x04\x00\x00\x00\x00\x00\x00" + b"\xff\xfb" * 100)
@example(".flac", b"fLaC")
@example(".mp3", b"[00:01.00]my answer\n")  # passes for a lyrics file: no audio stream
def test_arbitrary_bytes_decode_or_fail_with_one_line(suffix, data):
    _check_decode(suffix, data)


@FUZZ
@given(mutated_audio())
def test_damaged_real_audio_decodes_or_fails_with_one_line(case):
    _check_decode(*case)


# -- corpus files (JSON Lines) ----------------------------------------------------------

text_without_surrogates = st.text(st.characters(blacklist_categories=("Cs",)), max_size=200)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)
near_answers = st.fixed_dictionaries(
    {
        "id": st.one_of(st.text(max_size=6), st.integers(), json_values),
        "segments": st.one_of(
            st.lists(
                st.fixed_dictionaries(
                    {
                        "phase": st.one_of(st.sampled_from(PHASES), json_values),
                        "text": st.one_of(st.text(max_size=30), json_values),
                    }
                ),
                max_size=4,
            ),
            json_values,
        ),
    },
    optional={"theme": json_values, "split": json_values, "hard": json_values},
)
corpus_lines = st.one_of(
    text_without_surrogates,
    json_values.map(json.dumps),
    near_answers.map(json.dumps),
)


@FUZZ
@given(st.lists(corpus_lines, max_size=6))
def test_corpus_lines_load_or_fail_naming_file_and_line(lines):
    path = FOLDER / "fuzzed.jsonl"
    path.write_text("\n".join(lines), encoding="utf-8")
    try:
        answers = load_corpus([path])
    except MockintError as error:
        message = str(error)
        assert message.startswith(f"{path}:") and "\n" not in message
        line_no = int(message[len(f"{path}:") :].split(":", 1)[0])
        assert 1 <= line_no <= max(1, len(path.read_text(encoding="utf-8").splitlines()))
        return
    assert all(isinstance(a, LabelledAnswer) for a in answers)
    assert all(phase in PHASES and text for a in answers for phase, text in a.segments)


def test_deeply_nested_corpus_line_is_a_clear_error():
    path = FOLDER / "deep.jsonl"
    path.write_text("[" * 100_000 + "\n", encoding="utf-8")
    with pytest.raises(MockintError, match=r"deep\.jsonl:1: "):
        load_corpus([path])


# -- TOML (question files, settings) ----------------------------------------------------

toml_like = st.lists(
    st.one_of(
        text_without_surrogates,
        st.from_regex(r"\[\[?[a-z_ .\"]{0,12}\]\]?", fullmatch=True),
        st.from_regex(
            r"[a-z_\"]{1,8} ?= ?(\"[^\"\n]{0,12}\"?|[0-9.e+-]{1,8}|\[|\{|true|'')", fullmatch=True
        ),
    ),
    max_size=8,
).map("\n".join)


@FUZZ
@given(toml_like)
def test_toml_text_parses_or_fails_naming_file_and_line(text):
    try:
        data = parse_toml("questions/mine.toml", text)
    except MockintError as error:
        message = str(error)
        assert message.startswith("questions/mine.toml:") and "\n" not in message
        assert message.split(":")[1].isdigit()
        return
    assert isinstance(data, dict)
