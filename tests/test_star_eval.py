import json

import pytest

from mockint.corpus import load_corpus
from mockint.errors import MockintError
from mockint.star_eval import (
    boundary_errors,
    position_baseline,
    score_answer,
    summarize,
    transfer_labels,
)
from tests.helpers import timed_words


def test_perfect_prediction_scores_one_and_zero_error():
    words = timed_words("a b c d e f g h")
    gold = ("situation",) * 2 + ("task",) * 2 + ("action",) * 2 + ("result",) * 2
    report = summarize([score_answer(words, gold, gold)])
    assert report.accuracy == 1.0
    assert report.median_boundary_s == 0.0 and report.p90_boundary_s == 0.0
    assert set(report.f1.values()) == {1.0}


def test_late_boundary_is_measured_in_seconds():
    words = timed_words("a b c d e f", words_per_s=1.0)
    gold = ("situation",) * 3 + ("action",) * 3
    late = ("situation",) * 5 + ("action",)
    assert boundary_errors(words, gold, late) == (2.0,)
    assert summarize([score_answer(words, gold, late)]).accuracy == pytest.approx(4 / 6)


def test_missing_phase_costs_its_whole_length():
    words = timed_words("a b c d e f", words_per_s=1.0)
    gold = ("situation",) * 2 + ("task",) * 2 + ("action",) * 2
    no_task = ("situation",) * 2 + ("action",) * 4
    errors = boundary_errors(words, gold, no_task)
    assert errors[0] == pytest.approx(2.0)  # the task stretch lasted two seconds


def test_position_baseline_follows_target_proportions():
    words = timed_words(" ".join(["w"] * 180), words_per_s=1.0)
    labels = position_baseline(words)
    counts = {p: labels.count(p) for p in ("situation", "task", "action", "result")}
    assert counts["action"] > counts["result"] > counts["situation"] > counts["task"]
    assert labels[0] == "situation" and labels[-1] == "result"


def test_transfer_labels_survives_misheard_and_merged_words():
    gold_tokens = "I owned the checkout service. First I measured it.".split()
    gold = ("task",) * 5 + ("action",) * 4
    heard = "I own the check out service. First I measured it.".split()
    labels = transfer_labels(gold_tokens, gold, heard)
    assert labels[:6] == ("task",) * 6
    assert labels[6:] == ("action",) * 4


def test_phase_names_are_read_in_any_letter_case(tmp_path):
    corpus = tmp_path / "mine.jsonl"
    segments = [
        {"phase": "Situation", "text": "We had one server."},
        {"phase": " ACTION ", "text": "I added a second."},
    ]
    corpus.write_text(json.dumps({"id": "a", "segments": segments}) + "\n")
    (answer,) = load_corpus([corpus])
    assert answer.gold == ("situation",) * 4 + ("action",) * 4


def test_corpus_loader_names_file_and_line(tmp_path):
    bad = tmp_path / "c.jsonl"
    good = {"id": "x", "split": "dev", "segments": [{"phase": "situation", "text": "hi"}]}
    bad.write_text(
        json.dumps(good)
        + "\n"
        + json.dumps({**good, "id": "y", "segments": [{"phase": "intro", "text": "hi"}]})
        + "\n"
    )
    with pytest.raises(
        MockintError,
        match=r"c\.jsonl:2: unknown phase 'intro' \(use situation, task, action, result\)$",
    ):
        load_corpus([bad])
    bad.write_text("{not json\n")
    with pytest.raises(MockintError, match=r"c\.jsonl:1: not valid JSON"):
        load_corpus([bad])
    bad.write_text(json.dumps(good) + "\n" + json.dumps(good) + "\n")
    with pytest.raises(MockintError, match=r"c\.jsonl:2: duplicate answer id 'x'"):
        load_corpus([bad])
    bad.write_text(json.dumps({**good, "segments": []}) + "\n")
    with pytest.raises(MockintError, match=r"c\.jsonl:1: answer 'x' has no segments"):
        load_corpus([bad])
