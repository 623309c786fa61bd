"""The bundled question bank, its filters and pickers, and validation of user banks."""

from __future__ import annotations

import random
import re
from collections import Counter
from itertools import combinations
from pathlib import Path

import pytest

from mockint.errors import MockintError
from mockint.questions import (
    COMPANIES,
    PRINCIPLES,
    THEMES,
    QuestionBank,
    configured_bank_dirs,
    load_bank,
    resolve_principle,
    resolve_theme,
)


@pytest.fixture(scope="module")
def bank():
    return load_bank()


# ---------------------------------------------------------------- the bundled bank


def test_bank_has_at_least_80_questions_with_unique_well_formed_ids(bank):
    ids = [q.id for q in bank.questions]
    assert len(ids) >= 80
    assert len(set(ids)) == len(ids)
    assert all(re.fullmatch(r"[a-z]+-\d\d", qid) for qid in ids)


def test_every_theme_is_probed_by_several_questions(bank):
    counts = Counter(t for q in bank.questions for t in q.themes)
    assert set(counts) == set(THEMES)
    assert min(counts[t] for t in THEMES) >= 5


def test_every_amazon_principle_is_served_by_at_least_three_questions(bank):
    counts = Counter(p for q in bank.questions for p in q.principles)
    assert set(counts) == set(PRINCIPLES)
    assert len(PRINCIPLES) == 14
    assert min(counts[p] for p in PRINCIPLES) >= 3


def test_every_question_has_two_or_three_follow_ups_and_reads_as_a_question(bank):
    for q in bank.questions:
        assert 2 <= len(q.follow_ups) <= 3, q.id
        assert len(set(q.follow_ups)) == len(q.follow_ups), q.id
        assert q.text[-1] in "?.", q.id
        assert all(f[-1] in "?." for f in q.follow_ups), q.id


def test_question_texts_are_not_repeated(bank):
    texts = [q.text.lower() for q in bank.questions]
    assert len(set(texts)) == len(texts)


def test_google_and_startup_signals_are_used_and_set_the_companies(bank):
    for q in bank.questions:
        assert ("google" in q.companies) == bool(q.google_signals)
        assert ("startup" in q.companies) == bool(q.startup_signals)
        assert ("amazon" in q.companies) == bool(q.principles)
    used = {s for q in bank.questions for s in q.google_signals}
    assert used == set(bank.signals["google"])
    used = {s for q in bank.questions for s in q.startup_signals}
    assert used == set(bank.signals["startup"])


def test_every_theme_has_a_guide_for_the_coaching_report(bank):
    assert set(bank.themes) == set(THEMES)
    for theme, guide in bank.themes.items():
        assert guide.theme == theme
        assert len(guide.evaluates) > 40
        assert len(guide.wants_to_hear) >= 3
        assert len(guide.red_flags) >= 3
    assert set(bank.principle_notes) == set(PRINCIPLES)
    assert all(bank.principle_notes.values())


# ---------------------------------------------------------------- filters and names


@pytest.mark.parametrize("theme", THEMES)
def test_theme_filter_returns_exactly_the_questions_with_that_theme(bank, theme):
    found = bank.filter(theme=theme)
    assert found
    assert {q.id for q in found} == {q.id for q in bank.questions if theme in q.themes}


@pytest.mark.parametrize("principle", PRINCIPLES)
def test_principle_filter_returns_only_matching_questions(bank, principle):
    found = bank.filter(principle=principle)
    assert len(found) >= 3
    assert {q.id for q in found} == {q.id for q in bank.questions if principle in q.principles}


@pytest.mark.parametrize("company", COMPANIES)
def test_company_filter_returns_only_matching_questions(bank, company):
    found = bank.filter(company=company)
    assert found
    assert all(company in q.companies for q in found)
    assert len(found) == sum(company in q.companies for q in bank.questions)


def test_filters_combine_as_and(bank):
    found = bank.filter(theme="innovation and initiative", company="startup", principle="Frugality")
    assert found
    for q in found:
        assert "innovation and initiative" in q.themes
        assert "startup" in q.companies and "Frugality" in q.principles
    assert len(found) < len(bank.filter(theme="innovation and initiative"))


def test_names_may_be_abbreviated_or_differently_punctuated(bank):
    assert resolve_theme("Conflict") == "conflict resolution"
    assert resolve_theme("cross functional collaboration") == "cross-functional collaboration"
    assert resolve_principle("are right, a lot") == "Are Right A Lot"
    assert resolve_principle("frugal") == "Frugality"
    assert resolve_principle("have backbone") == "Have Backbone; Disagree and Commit"
    assert bank.filter(theme="scope") == bank.filter(theme="scope management")


def test_unknown_or_ambiguous_names_are_errors_with_a_hint(bank):
    with pytest.raises(MockintError, match="did you mean 'Frugality'"):
        bank.filter(principle="frugalty")
    with pytest.raises(MockintError, match="unknown theme"):
        resolve_theme("t")  # "technical leadership" and "technical debt and quality"
    with pytest.raises(MockintError, match="no question with id"):
        bank.get("conflict-99")


# ---------------------------------------------------------------- picking


def test_pick_returns_a_matching_question_and_honours_question_id(bank):
    rng = random.Random(1)
    for _ in range(20):
        q = bank.pick(rng, theme="mentorship", company="google")
        assert "mentorship" in q.themes and "google" in q.companies
    assert bank.pick(rng, question_id="scope-04").id == "scope-04"


def test_pick_prefers_questions_not_practised_recently(bank):
    matches = bank.filter(theme="failure and learning")
    recent = [q.id for q in matches[1:]]
    for seed in range(10):
        assert bank.pick(random.Random(seed), theme="failure", avoid_ids=recent) == matches[0]


def test_pick_repeats_the_question_practised_longest_ago_when_all_are_recent(bank):
    ids = [q.id for q in bank.filter(theme="diversity and inclusion")]
    most_recent_first = ids[::-1]
    picked = bank.pick(random.Random(0), theme="inclusion", avoid_ids=most_recent_first)
    assert picked.id == most_recent_first[-1]


def test_pick_with_no_match_names_the_filters(bank):
    one = bank.get("scope-06")
    small = QuestionBank(questions=(one,), themes=bank.themes)
    assert small.pick(random.Random(0), theme="scope") == one
    with pytest.raises(MockintError, match="no question matches theme 'mentorship' and company"):
        small.pick(random.Random(0), theme="mentorship", company="google")


def test_pick_loop_covers_every_assigned_principle(bank):
    rng = random.Random(7)
    for trial in range(60):
        assigned = bank.assign_principles(rng)
        assert len(assigned) in (2, 3) and len(set(assigned)) == len(assigned)
        n = 3 + trial % 3
        picked = bank.pick_loop(rng, assigned, n)
        assert len(picked) == n
        assert len({q.id for q in picked}) == n
        assert set(assigned) <= {p for q in picked for p in q.principles}
        assert all(set(q.principles) & set(assigned) for q in picked)


def test_pick_loop_covers_every_pair_of_principles_with_two_questions(bank):
    rng = random.Random(3)
    for pair in combinations(PRINCIPLES, 2):
        picked = bank.pick_loop(rng, pair, 2)
        assert set(pair) <= {p for q in picked for p in q.principles}, pair


def test_pick_loop_prefers_one_question_serving_both_principles(bank):
    both = [q for q in bank.questions if {"Frugality", "Think Big"} <= set(q.principles)]
    assert both
    picked = bank.pick_loop(random.Random(0), ["frugality", "think big"], 1)
    assert picked[0] in both


def test_pick_loop_says_when_too_few_questions_cannot_cover(bank):
    def shared(a, b):
        return any({a, b} <= set(q.principles) for q in bank.questions)

    pair = next(pair for pair in combinations(PRINCIPLES, 2) if not shared(*pair))
    with pytest.raises(MockintError, match="ask for at least 2"):
        bank.pick_loop(random.Random(0), pair, 1)


# ---------------------------------------------------------------- user banks

GOOD = """\
[[question]]
id = "mine-01"
text = "Tell me about the hardest migration you ran."
themes = ["technical leadership", "shipping under pressure"]
principles = ["Deliver Results"]
startup = ["scrappy"]
follow_ups = ["What would you automate next time?", "Who did you lean on?"]
"""


def write_bank(folder: Path, text: str, name: str = "mine.toml") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def test_a_user_bank_adds_its_questions(tmp_path, bank):
    path = write_bank(tmp_path / "bank", GOOD)
    merged = load_bank([tmp_path / "bank"])
    assert len(merged.questions) == len(bank.questions) + 1
    mine = merged.get("mine-01")
    assert mine.source == str(path)
    assert mine.companies == ("amazon", "startup")
    assert mine in merged.filter(theme="technical leadership", company="startup")


def test_a_folder_given_twice_is_read_once(tmp_path, bank):
    write_bank(tmp_path / "bank", GOOD)
    merged = load_bank([tmp_path / "bank", tmp_path / "bank" / ".." / "bank"])
    assert len(merged.questions) == len(bank.questions) + 1


def test_config_bank_dirs_are_relative_to_the_data_folder(tmp_path):
    folders = configured_bank_dirs({"bank_dirs": ["mine", str(tmp_path / "abs")]}, tmp_path)
    assert folders == (tmp_path / "mine", tmp_path / "abs")
    with pytest.raises(MockintError, match="bank_dirs: must be a list"):
        configured_bank_dirs({"bank_dirs": "mine"}, tmp_path)


MALFORMED = [
    pytest.param(
        GOOD + '\n[[question]]\nid = "mine-02"\ntext = "Unterminated\n',
        11,
        "syntax",
        "",
        id="bad-toml-syntax",
    ),
    pytest.param(
        GOOD + '\n[[question]]\nid = "mine-02"\nthemes = ["mentorship"]\nfollow_ups = ["a?"]\n',
        9,
        "text",
        "missing",
        id="missing-text",
    ),
    pytest.param(
        GOOD.replace('"technical leadership", ', '"technical leadrship", '),
        4,
        "themes",
        "unknown theme 'technical leadrship'; did you mean 'technical leadership'?",
        id="unknown-theme",
    ),
    pytest.param(
        GOOD.replace("mine-01", "conflict-03"),
        2,
        "id",
        "'conflict-03' is already used in ",
        id="duplicate-of-bundled-id",
    ),
    pytest.param(
        GOOD.replace("Deliver Results", "Deliver Result"),
        5,
        "principles",
        "unknown principle",
        id="unknown-principle",
    ),
    pytest.param(
        GOOD.replace("follow_ups =", "followups ="),
        7,
        "followups",
        "unknown field",
        id="misspelt-field",
    ),
    pytest.param(
        GOOD.replace('["What would you automate next time?", "Who did you lean on?"]', "[]"),
        7,
        "follow_ups",
        "at least one",
        id="no-follow-ups",
    ),
    pytest.param(
        GOOD.replace('id = "mine-01"', 'id = "Mine 01"'),
        2,
        "id",
        "lower-case",
        id="bad-id",
    ),
    pytest.param(
        GOOD.replace('startup = ["scrappy"]', 'startup = ["hungry"]'),
        6,
        "startup",
        "unknown startup signal",
        id="unknown-signal",
    ),
]


@pytest.mark.parametrize(("text", "line", "field", "reason"), MALFORMED)
def test_a_malformed_user_bank_names_file_line_and_field(tmp_path, text, line, field, reason):
    path = write_bank(tmp_path / "bank", text)
    with pytest.raises(MockintError) as caught:
        load_bank([tmp_path / "bank"])
    message = str(caught.value)
    assert message.startswith(f"{path}:{line}: {field}: "), message
    assert reason in message
    assert "\n" not in message


def test_duplicate_ids_inside_a_user_bank_name_the_first_file(tmp_path):
    first = write_bank(tmp_path / "bank", GOOD, "a.toml")
    second = write_bank(tmp_path / "bank", "# copy\n" + GOOD, "b.toml")
    with pytest.raises(MockintError) as caught:
        load_bank([tmp_path / "bank"])
    assert str(caught.value) == f"{second}:3: id: 'mine-01' is already used in {first}"


def test_missing_or_empty_bank_folders_are_clear_errors(tmp_path):
    with pytest.raises(MockintError, match=re.escape(f"{tmp_path / 'nope'}: question bank folder")):
        load_bank([tmp_path / "nope"])
    (tmp_path / "empty").mkdir()
    with pytest.raises(MockintError, match="holds no .toml question files"):
        load_bank([tmp_path / "empty"])


def test_a_file_without_questions_is_an_error(tmp_path):
    path = write_bank(tmp_path / "bank", '# nothing yet\ntitle = "x"\n')
    with pytest.raises(MockintError) as caught:
        load_bank([tmp_path / "bank"])
    assert str(caught.value).startswith(f"{path}:2: title: unknown table")
