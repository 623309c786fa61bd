"""`mockint eval-star` on text and, with the real model, on speech."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from mockint.cli import cli
from mockint.corpus import load_corpus
from tests.conftest import REPO

CORPUS = Path(__file__).parent / "data" / "star"


def test_text_evaluation_reports_figures_for_segmenter_and_baseline():
    result = CliRunner().invoke(cli, ["eval-star", str(CORPUS), "--json"])
    assert result.exit_code == 0, result.output
    figures = json.loads(result.stdout)["text"]
    ours, baseline = figures["segmenter"]["all"], figures["position"]["all"]
    assert ours["answers"] == baseline["answers"] >= 40
    assert ours["accuracy"] > baseline["accuracy"]
    assert set(ours["f1"]) == {"situation", "task", "action", "result"}


@pytest.mark.slow
def test_spoken_evaluation_on_a_small_subset(tmp_path):
    """Spoken by both voices, transcribed by the bundled model, aligned back to the gold."""
    dev = [a for a in load_corpus([CORPUS]) if a.split == "dev" and not a.hard]
    shortest = sorted(dev, key=lambda a: len(a.tokens))[:2]
    subset = tmp_path / "subset.jsonl"
    subset.write_text(
        "".join(
            json.dumps(
                {
                    "id": a.id,
                    "split": "dev",
                    "hard": [],
                    "segments": [{"phase": p, "text": t} for p, t in a.segments],
                }
            )
            + "\n"
            for a in shortest
        )
    )
    result = CliRunner().invoke(
        cli,
        ["eval-star", str(subset), "--spoken", "--voice", "espeak", "--voice", "piper", "--json"],
    )
    assert result.exit_code == 0, result.output
    by_voice = json.loads(result.stdout)
    assert set(by_voice) == {"espeak@150wpm", "piper"}
    for figures in by_voice.values():
        assert figures["segmenter"]["all"]["answers"] == 2
        assert figures["segmenter"]["all"]["accuracy"] >= 0.80


def test_spoken_evaluation_loads_the_model_it_is_given(tmp_path):
    """--model reaches the recogniser: a folder that holds no converted model is refused by
    name before anything is spoken."""
    not_a_model = tmp_path / "not-a-model"
    not_a_model.mkdir()
    result = CliRunner().invoke(
        cli, ["eval-star", str(CORPUS), "--spoken", "--limit", "1", "--model", str(not_a_model)]
    )
    assert result.exit_code != 0
    assert "not a converted Whisper model" in str(result.exception)
    assert str(not_a_model) in str(result.exception)


@pytest.mark.parametrize(
    "lines",
    [
        pytest.param([], id="empty file"),
        pytest.param(
            [{"id": "t", "split": "train", "segments": [{"phase": "task", "text": "I led it."}]}],
            id="training answers only",
        ),
    ],
)
def test_a_corpus_with_nothing_to_score_is_refused_in_one_line(tmp_path, lines):
    """No answers in the split is an error naming the file, not a table of zeros."""
    corpus = tmp_path / "mine.jsonl"
    corpus.write_text("".join(json.dumps(line) + "\n" for line in lines))
    result = subprocess.run(
        [sys.executable, "-m", "mockint", "eval-star", str(corpus)],
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0
    assert result.stdout == ""
    assert result.stderr.strip().splitlines() == [
        f"mockint: {corpus}: no answers in the dev split (try --split all)"
    ]


def test_a_corpus_without_hard_cases_says_so_rather_than_scoring_zero(tmp_path):
    answer = {
        "id": "plain",
        "split": "dev",
        "segments": [
            {"phase": "situation", "text": "We ran a small team."},
            {"phase": "action", "text": "I wrote the plan and shipped it."},
        ],
    }
    corpus = tmp_path / "plain.jsonl"
    corpus.write_text(json.dumps(answer) + "\n")
    result = CliRunner().invoke(cli, ["eval-star", str(corpus)])
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("text: 1 answer (dev)\n")
    hard_lines = [line.split(None, 2) for line in result.stdout.splitlines() if " hard " in line]
    # The tags that make a hard case are named, so a corpus can add the ones it means.
    none_tagged = (
        "(no answers tagged no_result, no_situation, no_task, rambling_situation, "
        "result_first, situation_only)"
    )
    assert hard_lines == [["segmenter", "hard", none_tagged], ["position", "hard", none_tagged]]
    assert "segmenter all  accuracy=" in result.stdout
    assert "F1 situation=" in result.stdout


def test_the_readme_example_answer_is_a_valid_corpus(tmp_path):
    """The format the README shows outside writers is the one the loader reads."""
    readme = (REPO / "README.md").read_text()
    section = readme.split("To score answers of your own", 1)[1]
    example = section.split("```json\n", 1)[1].split("```", 1)[0]
    corpus = tmp_path / "mine.jsonl"
    corpus.write_text(example)
    result = CliRunner().invoke(cli, ["eval-star", str(corpus), "--json"])
    assert result.exit_code == 0, result.output
    figures = json.loads(result.stdout)["text"]["segmenter"]
    assert figures["all"]["answers"] == figures["hard"]["answers"] == 1
    (answer,) = load_corpus([corpus])
    assert [phase for phase, _text in answer.segments] == [
        "result",
        "situation",
        "action",
        "result",
    ]
