"""`mockint questions` and `mockint stories` through click, and once as a real process."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import textwrap

import pytest
from click.testing import CliRunner

from mockint.cli import cli
from mockint.errors import MockintError
from mockint.questions import PRINCIPLES, THEMES, load_bank
from mockint.stories import Story, append_story, load_stories

from .story_helpers import READY


def run(*args, **kwargs):
    return CliRunner().invoke(cli, list(args), **kwargs)


def questions_json(*args):
    result = run("questions", "--json", *args)
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc["schema"] == "mockint.questions/1"
    return doc


# ---------------------------------------------------------------- questions


def test_questions_lists_the_whole_bank():
    doc = questions_json()
    assert [q["id"] for q in doc["questions"]] == [q.id for q in load_bank().questions]
    first = doc["questions"][0]
    assert {"id", "text", "themes", "principles", "companies", "follow_ups"} <= set(first)


def test_questions_filters_by_theme_company_and_principles():
    by_theme = questions_json("--theme", "ambiguity")["questions"]
    assert by_theme and all("handling ambiguity" in q["themes"] for q in by_theme)
    both = questions_json("-c", "google", "-p", "earn trust", "-p", "Are Right A Lot")["questions"]
    assert both
    for q in both:
        assert "google" in q["companies"]
        assert {"Earn Trust", "Are Right A Lot"} <= set(q["principles"])
    expected = [
        q.id
        for q in load_bank().filter(company="google", principle="Earn Trust")
        if "Are Right A Lot" in q.principles
    ]
    assert [q["id"] for q in both] == expected


def test_questions_table_shows_ids_and_the_count():
    result = run("questions", "--theme", "mentorship", "--follow-ups")
    assert result.exit_code == 0
    mentorship = load_bank().filter(theme="mentorship")
    for q in mentorship:
        assert q.id in result.output
    assert f"{len(mentorship)} of " in result.output
    assert "↳" in result.output


def test_one_question_comes_with_what_interviewers_listen_for():
    bank = load_bank()
    question = bank.get("failure-06")
    doc = questions_json("failure-06")
    assert [q["id"] for q in doc["questions"]] == ["failure-06"]
    assert list(doc["guides"]) == list(question.themes)
    guide = bank.themes["failure and learning"]
    assert doc["guides"]["failure and learning"]["red_flags"] == list(guide.red_flags)
    shown = run("questions", "failure-06")
    assert shown.exit_code == 0
    flat = " ".join(shown.output.replace("│", " ").split())
    assert guide.red_flags[0] in flat and question.follow_ups[-1] in flat
    missing = run("questions", "failure-99")
    assert "no question with id 'failure-99'" in str(missing.exception)


def test_questions_with_an_unknown_theme_is_an_error_with_a_hint():
    result = run("questions", "--theme", "conflcit resolution")
    assert isinstance(result.exception, MockintError)
    assert "did you mean 'conflict resolution'" in str(result.exception)


def test_questions_loop_covers_the_given_principles():
    doc = questions_json(
        "--loop", "-p", "frugality", "-p", "dive deep", "-p", "earn trust", "-n", "4"
    )
    assert doc["loop_principles"] == ["Frugality", "Dive Deep", "Earn Trust"]
    assert len(doc["questions"]) == 4
    covered = {p for q in doc["questions"] for p in q["principles"]}
    assert set(doc["loop_principles"]) <= covered


def test_questions_loop_refuses_theme_and_company_filters():
    result = run("questions", "--loop", "--theme", "mentorship")
    assert result.exit_code == 2 and "--loop picks by principle" in result.output


@pytest.mark.parametrize("seed", range(5))
def test_questions_loop_assigns_two_or_three_principles_when_none_given(seed):
    doc = questions_json("--loop", "--seed", str(seed))
    assigned = doc["loop_principles"]
    assert 2 <= len(assigned) <= 3 and set(assigned) <= set(PRINCIPLES)
    assert set(assigned) <= {p for q in doc["questions"] for p in q["principles"]}
    assert doc == questions_json("--loop", "--seed", str(seed))


USER_QUESTION = """\
[[question]]
id = "mine-01"
text = "Tell me about a time you rescued a failing release."
themes = ["shipping under pressure"]
follow_ups = ["What did you cut?", "What would you change?"]
"""


def test_questions_bank_option_adds_a_folder(tmp_path):
    (tmp_path / "extra").mkdir()
    (tmp_path / "extra" / "mine.toml").write_text(USER_QUESTION)
    ids = [q["id"] for q in questions_json("--bank", str(tmp_path / "extra"))["questions"]]
    assert "mine-01" in ids and len(ids) == len(load_bank().questions) + 1


def test_bank_dirs_in_config_are_loaded(mockint_home):
    (mockint_home / "my-questions").mkdir()
    (mockint_home / "my-questions" / "mine.toml").write_text(USER_QUESTION)
    (mockint_home / "config.toml").write_text('bank_dirs = ["my-questions"]\n')
    found = questions_json("--theme", "pressure")["questions"]
    assert "mine-01" in [q["id"] for q in found]


def test_a_malformed_bank_is_reported_with_file_line_and_field(tmp_path):
    bad = tmp_path / "extra" / "mine.toml"
    bad.parent.mkdir()
    bad.write_text(USER_QUESTION.replace('"shipping under pressure"', '"shipping under stress"'))
    result = run("questions", "--bank", str(bad.parent))
    assert result.exit_code != 0
    assert str(result.exception).startswith(
        f"{bad}:4: themes: unknown theme 'shipping under stress'"
    )


# ---------------------------------------------------------------- stories


@pytest.fixture
def story_file(tmp_path):
    return tmp_path / "stories.toml"


def test_stories_add_walks_through_the_template(story_file):
    answers = [
        "Cut the release pipeline from four hours to twenty minutes",
        "",  # accept the suggested id
        "Acme",
        "2023",
        "2, debt",  # technical leadership, technical debt and quality
        "frugal, 14",  # Frugality, Deliver Results
        "Every release took an afternoon and often failed halfway.",
        "I was asked to make releases routine.",
        "I measured where the four hours went.",
        "We parallelised the test suite.",
        "I replaced the manual sign-off with automated checks.",
        "",
        "Releases went from 4 hours to 20 minutes.",
        "",
        "Why not buy a CI service?",
        "",
    ]
    result = run("stories", "--file", str(story_file), "add", input="\n".join(answers) + "\n")
    assert result.exit_code == 0, result.output
    (story,) = load_stories(story_file)
    assert story.id == "cut-the-release-pipeline"
    assert story.themes == ("technical leadership", "technical debt and quality")
    assert story.principles == ("Frugality", "Deliver Results")
    assert len(story.actions) == 3 and story.follow_ups == ("Why not buy a CI service?",)
    # The checks run straight away: one action told as "we", and no lesson.
    assert "actions[2]" in result.output and "lesson" in result.output
    assert "result:" not in result.output  # "from 4 hours to 20 minutes" is a metric


def test_stories_add_reprompts_on_a_bad_id_or_an_unknown_theme(story_file):
    append_story(story_file, READY)
    answers = [
        *("A title", "Not An Id", READY.id, "my-id", "", ""),
        *("nonsense", "1", "", "S.", "T.", "", "R.", "", ""),
    ]
    result = run("stories", "--file", str(story_file), "add", input="\n".join(answers) + "\n")
    assert result.exit_code == 0, result.output
    assert "lower-case words" in result.output and "already taken" in result.output
    assert "unknown theme 'nonsense'" in result.output
    added = load_stories(story_file)[1]
    assert added.id == "my-id" and added.themes == ("conflict resolution",)


def test_stories_validate_exits_1_until_every_story_is_fixed(story_file):
    append_story(story_file, READY)
    clean = run("stories", "--file", str(story_file), "validate")
    assert clean.exit_code == 0 and "✓ checkout-rewrite" in clean.output
    vague = Story(id="vague", title="Vague", result="It went great.", actions=("We did it.",))
    append_story(story_file, vague)
    result = run("stories", "--file", str(story_file), "validate")
    assert result.exit_code == 1
    assert "✗ vague" in result.output and "no metric" in result.output
    assert 'told as "we"' in result.output and "missing: say what you learned" in result.output
    assert "1 of 2 stories need work." in result.output


def test_stories_list_reports_issue_counts(story_file):
    append_story(story_file, READY)
    append_story(story_file, Story(id="vague", title="Vague"))
    doc = json.loads(run("stories", "--file", str(story_file), "list", "--json").stdout)
    issues = {s["id"]: len(s["issues"]) for s in doc["stories"]}
    assert issues["checkout-rewrite"] == 0 and issues["vague"] > 0
    table = run("stories", "--file", str(story_file), "list")
    assert "checkout-rewrite" in table.output and "vague" in table.output


def test_stories_list_counts_the_practice_sessions_linked_to_each_story(story_file):
    from mockint.store import open_store

    from .session_helpers import make_analysis, write_tone_wav

    append_story(story_file, READY)
    append_story(story_file, Story(id="untouched", title="Not practised yet"))
    before = json.loads(run("stories", "--file", str(story_file), "list", "--json").stdout)
    assert [s["practice"]["sessions"] for s in before["stories"]] == [0, 0]
    with open_store() as store:
        for _ in range(2):
            handle = store.new_session("practice", question_id="techlead-01", story_id=READY.id)
            write_tone_wav(handle.answer_path)
            store.finish_session(handle, analysis=make_analysis())
    doc = json.loads(run("stories", "--file", str(story_file), "list", "--json").stdout)
    practice = {s["id"]: s["practice"] for s in doc["stories"]}
    assert practice["untouched"] == {"sessions": 0, "last": None}
    assert practice[READY.id]["sessions"] == 2
    assert re.fullmatch(r"\d{4}-\d\d-\d\d", practice[READY.id]["last"])
    assert "2×" in run("stories", "--file", str(story_file), "list").output


def test_stories_default_to_the_data_folder(mockint_home):
    append_story(mockint_home / "stories.toml", READY)
    result = run("stories", "list", "--json")
    assert [s["id"] for s in json.loads(result.stdout)["stories"]] == ["checkout-rewrite"]


def test_stories_coverage_shows_the_matrix_gaps_and_overuse(story_file):
    append_story(story_file, READY)
    result = run("stories", "--file", str(story_file), "coverage")
    assert result.exit_code == 0
    assert "Stories × themes" in result.output
    assert "no story covers Frugality" in result.output
    assert "no story covers mentorship" in result.output
    assert "no story covers Dive Deep" not in result.output
    assert "overused" not in result.output  # the only story for 4 rows: not yet too many
    assert "few  1 story" in result.output
    doc = json.loads(run("stories", "--file", str(story_file), "coverage", "--json").stdout)
    assert doc["themes"]["technical leadership"] == ["checkout-rewrite"]
    assert set(doc["gaps"]["themes"]) == set(THEMES) - set(READY.themes)
    assert len(doc["gaps"]["principles"]) == len(PRINCIPLES) - len(READY.principles)
    append_story(story_file, Story(id="everything", title="Everything", themes=THEMES[:6]))
    doc = json.loads(run("stories", "--file", str(story_file), "coverage", "--json").stdout)
    assert [o["id"] for o in doc["overused"]] == ["everything"]
    assert "claims 6 themes" in doc["overused"][0]["reason"]


def test_stories_edit_opens_the_file_in_the_editor_then_checks_it(
    story_file, tmp_path, monkeypatch
):
    editor = tmp_path / "editor.py"
    editor.write_text(
        f"#!{sys.executable}\n"
        + textwrap.dedent(
            """
            import sys
            with open(sys.argv[1], "a") as f:
                f.write('\\n[[story]]\\nid = "edited"\\ntitle = "Written in the editor"\\n')
            """
        )
    )
    editor.chmod(0o755)
    monkeypatch.setenv("EDITOR", str(editor))
    monkeypatch.delenv("VISUAL", raising=False)
    result = run("stories", "--file", str(story_file), "edit")
    assert result.exit_code == 0, result.output
    assert [s.id for s in load_stories(story_file)] == ["edited"]
    assert "1 stories" in result.output and "✗ edited" in result.output
    assert story_file.read_text().startswith("# Your story bank")


def test_a_broken_story_file_is_reported_with_its_line(story_file):
    story_file.write_text('[[story]]\nid = "a"\ntitle = "A"\nthemes = ["mentoring"]\n')
    result = run("stories", "--file", str(story_file), "validate")
    assert str(result.exception).startswith(f"{story_file}:4: themes: unknown theme 'mentoring'")


# ---------------------------------------------------------------- a real process


def test_python_m_mockint_questions_runs_outside_the_repository(tmp_path):
    env = {**os.environ, "MOCKINT_HOME": str(tmp_path / "home")}
    done = subprocess.run(
        [sys.executable, "-m", "mockint", "questions", "--json", "--company", "startup"],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stderr
    found = json.loads(done.stdout)["questions"]
    assert found and all("startup" in q["companies"] for q in found)

    bad = tmp_path / "bank"
    bad.mkdir()
    (bad / "mine.toml").write_text(USER_QUESTION.replace("follow_ups", "followups"))
    failed = subprocess.run(
        [sys.executable, "-m", "mockint", "questions", "--bank", str(bad)],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
    )
    assert failed.returncode == 1
    assert failed.stderr.strip() == (
        f"mockint: {bad / 'mine.toml'}:5: followups: unknown field; "
        "expected one of id, text, themes, principles, google, startup, follow_ups"
    )
