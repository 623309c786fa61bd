"""The story bank file, the story checks, coverage and choosing a question for a story."""

from __future__ import annotations

import dataclasses
import random

import pytest

from mockint.errors import MockintError
from mockint.questions import PRINCIPLES, THEMES, load_bank
from mockint.stories import (
    FILE_HEADER,
    Story,
    append_story,
    check_story,
    coverage,
    dump_stories,
    find_story,
    load_stories,
    new_story_id,
    parse_stories,
    question_for_story,
    stories_path,
)

from .story_helpers import READY


@pytest.fixture(scope="module")
def bank():
    return load_bank()


# ---------------------------------------------------------------- the file


def test_dump_and_parse_round_trip_awkward_text():
    odd = dataclasses.replace(
        READY,
        id="odd",
        title='A "quoted" title with a back\\slash and ünïcode',
        situation="Line one.\nLine two with a tab\there. " + "A long sentence that wraps. " * 12,
        lesson="",
        principles=(),
    )
    text = dump_stories([READY, odd])
    assert parse_stories("x.toml", text) == (
        READY,
        dataclasses.replace(odd, situation=" ".join(odd.situation.split())),
    )


def test_the_new_file_header_is_a_valid_empty_story_file():
    assert parse_stories("x.toml", FILE_HEADER) == ()


def test_stories_live_in_the_data_folder(mockint_home):
    assert stories_path() == mockint_home / "stories.toml"
    assert load_stories(stories_path()) == ()


def test_append_keeps_the_users_own_text_and_rejects_a_taken_id(tmp_path):
    path = tmp_path / "stories.toml"
    append_story(path, READY)
    path.write_text(path.read_text() + "# my note: practise this one twice\n")
    second = dataclasses.replace(READY, id="second", title="Second story")
    append_story(path, second)
    assert "# my note: practise this one twice" in path.read_text()
    assert load_stories(path) == (READY, second)
    with pytest.raises(MockintError, match="'second' already exists"):
        append_story(path, second)


def test_new_ids_come_from_the_title_and_are_unique():
    assert new_story_id("Rewrote the Checkout service!", []) == "rewrote-the-checkout-service"
    taken = ["rewrote-the-checkout-service", "rewrote-the-checkout-service-2"]
    assert new_story_id("Rewrote the checkout service", taken) == "rewrote-the-checkout-service-3"


BAD_FILES = [
    pytest.param(
        '[[story]]\nid = "a"\ntitle = "A"\nthemes = ["mentoring"]\n',
        4,
        "themes",
        "did you mean 'mentorship'",
        id="unknown-theme",
    ),
    pytest.param(
        'schema = "mockint.stories/1"\n\n[[story]]\nid = "a"\n',
        3,
        "title",
        "missing",
        id="missing-title",
    ),
    pytest.param(
        '[[story]]\nid = "a"\ntitle = "A"\n\n[[story]]\nid = "a"\ntitle = "B"\n',
        6,
        "id",
        "used by another story",
        id="duplicate-id",
    ),
    pytest.param(
        '[[story]]\nid = "a"\ntitle = "A"\nactions = "I did it"\n',
        4,
        "actions",
        "list of texts",
        id="actions-not-a-list",
    ),
    pytest.param(
        '[[story]]\nid = "a"\ntitle = "A"\nresults = "x"\n',
        4,
        "results",
        "unknown field",
        id="misspelt-field",
    ),
    pytest.param('[[story]]\nid = "a"\ntitle = "A\n', 3, "syntax", "", id="bad-syntax"),
    pytest.param(
        '[[story]]\nid = "a"\ntitle = "A"\nprinciples = ["Frugal"]\n',
        4,
        "principles",
        "unknown principle",
        id="unknown-principle",
    ),
]


@pytest.mark.parametrize(("text", "line", "field", "reason"), BAD_FILES)
def test_a_malformed_story_file_names_line_and_field(tmp_path, text, line, field, reason):
    path = tmp_path / "stories.toml"
    path.write_text(text)
    with pytest.raises(MockintError) as caught:
        load_stories(path)
    assert str(caught.value).startswith(f"{path}:{line}: {field}: ")
    assert reason in str(caught.value)


# ---------------------------------------------------------------- checks


def fields(issues):
    return {issue.field for issue in issues}


def test_a_complete_story_has_nothing_to_fix():
    assert check_story(READY) == ()


def test_a_result_without_a_metric_is_flagged_and_one_with_a_metric_is_not():
    vague = dataclasses.replace(READY, result="It went really well and everyone was happy.")
    assert "result" in fields(check_story(vague))
    estimate = dataclasses.replace(READY, result="Support tickets dropped by roughly 30 percent.")
    assert "result" not in fields(check_story(estimate))


def test_actions_told_as_we_are_flagged_one_by_one():
    story = dataclasses.replace(
        READY,
        actions=(
            "We decided to rewrite the service.",
            "I wrote the design and we reviewed it together.",
            "We chose Go. We implemented the migration.",
        ),
    )
    issues = [i for i in check_story(story) if i.field.startswith("actions[")]
    assert [i.field for i in issues] == ["actions[1]", "actions[3]", "actions[3]"]
    assert "We chose Go." in issues[1].message


def test_a_missing_lesson_is_flagged_unless_the_result_tells_it():
    no_lesson = dataclasses.replace(READY, lesson="")
    assert "lesson" in fields(check_story(no_lesson))
    told = dataclasses.replace(
        no_lesson, result=READY.result + " I learned to measure before redesigning."
    )
    assert "lesson" not in fields(check_story(told))


def test_action_count_themes_and_follow_ups_are_checked():
    thin = dataclasses.replace(READY, actions=READY.actions[:2], themes=(), follow_ups=())
    assert {"actions", "themes", "follow_ups"} <= fields(check_story(thin))
    sprawling = dataclasses.replace(READY, themes=THEMES[:5])
    assert "themes" in fields(check_story(sprawling))


# ---------------------------------------------------------------- coverage


def story(sid, themes=(), principles=()):
    return Story(id=sid, title=sid, themes=tuple(themes), principles=tuple(principles))


def test_coverage_lists_the_stories_per_theme_and_principle_and_the_gaps():
    bank_of_stories = [
        story("a", ["conflict resolution", "mentorship"], ["Earn Trust"]),
        story("b", ["mentorship"], ["Earn Trust", "Frugality"]),
    ]
    cov = coverage(bank_of_stories)
    rows = {row.name: row.story_ids for row in (*cov.themes, *cov.principles)}
    assert rows["mentorship"] == ("a", "b")
    assert rows["conflict resolution"] == ("a",)
    assert rows["Frugality"] == ("b",)
    assert cov.theme_gaps == tuple(
        t for t in THEMES if t not in ("conflict resolution", "mentorship")
    )
    assert "Frugality" not in cov.principle_gaps
    assert len(cov.principle_gaps) == len(PRINCIPLES) - 2


def test_a_full_bank_has_no_gaps():
    stories = [
        story(f"s{i}", [t], [p])
        for i, (t, p) in enumerate(zip(THEMES * 2, PRINCIPLES, strict=False))
    ]
    cov = coverage(stories)
    assert cov.theme_gaps == () and cov.principle_gaps == ()
    assert cov.overused == ()


def test_overused_stories_are_called_out_with_a_reason():
    stretched = story("stretched", THEMES[:5], ["Ownership"])
    lone = story(
        "lone", ["scope management", "mentorship"], ["Frugality", "Think Big", "Dive Deep"]
    )
    modest = story("modest", ["conflict resolution"], ["Ownership"])
    overused = dict(coverage([stretched, lone, modest]).overused)
    assert "claims 5 themes" in overused["stretched"]
    assert "only story for 5" in overused["lone"]
    assert "modest" not in overused


# ---------------------------------------------------------------- practising a story


def test_question_for_story_shares_a_theme(bank):
    rng = random.Random(4)
    for _ in range(30):
        q = question_for_story(bank, READY, rng)
        assert set(q.themes) & set(READY.themes)


def test_question_for_story_falls_back_to_principles_and_avoids_recent(bank):
    only_principle = story("p", principles=["Frugality"])
    rng = random.Random(2)
    frugal = [q.id for q in bank.filter(principle="Frugality")]
    q = question_for_story(bank, only_principle, rng, avoid_ids=frugal[1:])
    assert q.id == frugal[0]


def test_find_story_by_id_suggests_a_near_miss():
    other = story("pricing-bug")
    assert find_story([READY, other], "pricing-bug") is other
    with pytest.raises(MockintError, match="did you mean 'checkout-rewrite'"):
        find_story([READY, other], "checkout-rewite")
    with pytest.raises(MockintError, match="story bank is empty"):
        find_story([], "anything")


def test_question_for_story_without_themes_or_principles_is_an_error(bank):
    with pytest.raises(MockintError, match="no question shares"):
        question_for_story(bank, story("empty"), random.Random(0))
