"""The story bank: the user's prepared STAR stories in one TOML file, their checks and coverage."""

from __future__ import annotations

import json
import os
import random
import re
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mockint.coach import find_metrics, has_lesson, we_sentences
from mockint.config import TomlSource, parse_toml
from mockint.errors import MockintError
from mockint.questions import PRINCIPLES, THEMES, Question, QuestionBank, did_you_mean

STORIES_FILE = "stories.toml"
STORIES_SCHEMA = "mockint.stories/1"
ACTIONS_MIN, ACTIONS_MAX = 3, 5
# A story stretched over more themes than this stops being convincing for any of them.
MAX_THEMES_PER_STORY = 4
# A story that alone covers this many themes and principles gets retold all through a loop,
# and if it falls flat all of them go unanswered.
SOLE_COVER_LIMIT = 5

STORY_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_TEXT_FIELDS = ("title", "company", "timeframe", "situation", "task", "result", "lesson")
_LIST_FIELDS = ("themes", "principles", "actions", "follow_ups")
# The template's order, which dump_story keeps so a written file reads like the template.
_FIELDS = (
    "id", "title", "company", "timeframe", "themes", "principles",
    "situation", "task", "actions", "result", "lesson", "follow_ups",
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class Story:
    """One prepared story, following the story-bank template."""

    id: str
    title: str
    company: str = ""
    timeframe: str = ""
    themes: tuple[str, ...] = ()
    principles: tuple[str, ...] = ()
    situation: str = ""
    task: str = ""
    actions: tuple[str, ...] = ()
    result: str = ""
    lesson: str = ""
    follow_ups: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class StoryIssue:
    """Something to fix in a story before telling it; `field` names the story field."""

    story_id: str
    field: str
    message: str


def stories_path() -> Path:
    """Where the user's story bank lives: stories.toml in mockint's data folder."""
    from mockint.paths import data_home

    return data_home() / STORIES_FILE


# ---------------------------------------------------------------- reading


def parse_stories(name: str, text: str) -> tuple[Story, ...]:
    """The stories in a story file's text; errors read "<name>:<line>: <field>: <reason>"."""
    data = parse_toml(name, text)
    src = TomlSource(name, text, "story")
    for key in data:
        if key not in ("schema", "story"):
            raise src.error(
                src.top_key_line(key), key, "unknown key; the file holds [[story]] tables"
            )
    schema = data.get("schema", STORIES_SCHEMA)
    if schema != STORIES_SCHEMA:
        raise src.error(src.top_key_line("schema"), "schema", f"expected {STORIES_SCHEMA!r}")
    items = data.get("story", [])
    if not isinstance(items, list) or not all(isinstance(item, dict) for item in items):
        raise src.error(src.top_key_line("story"), "story", "write each story as a [[story]] table")
    stories = tuple(_story(src, index, raw) for index, raw in enumerate(items))
    seen: set[str] = set()
    for index, story in enumerate(stories):
        if story.id in seen:
            raise src.error(
                src.key_line(index, "id"), "id", f"{story.id!r} is used by another story"
            )
        seen.add(story.id)
    return stories


def _story(src: TomlSource, index: int, raw: dict[str, Any]) -> Story:
    for key in raw:
        if key not in _FIELDS:
            raise src.error(
                src.key_line(index, key),
                key,
                f"unknown field; expected one of {', '.join(_FIELDS)}",
            )
    for key in ("id", "title"):
        if not isinstance(raw.get(key), str) or not raw[key].strip():
            line = src.key_line(index, key) if key in raw else src.table_line(index)
            raise src.error(line, key, "missing (every [[story]] needs an id and a title)")
    if not STORY_ID.match(raw["id"]):
        raise src.error(
            src.key_line(index, "id"), "id", "use lower-case words and digits joined by '-'"
        )
    values: dict[str, Any] = {"id": raw["id"]}
    for key in _TEXT_FIELDS:
        value = raw.get(key, "")
        if not isinstance(value, str):
            raise src.error(src.key_line(index, key), key, "must be text in quotes")
        values[key] = " ".join(value.split())
    for key in _LIST_FIELDS:
        value = raw.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise src.error(
                src.key_line(index, key), key, 'must be a list of texts: ["...", "..."]'
            )
        values[key] = tuple(" ".join(v.split()) for v in value if v.strip())
    for key, known, kind in (("themes", THEMES, "theme"), ("principles", PRINCIPLES, "principle")):
        for name in values[key]:
            if name not in known:
                raise src.error(
                    src.key_line(index, key),
                    key,
                    f"unknown {kind} {name!r}{did_you_mean(name, known)}",
                )
    return Story(**values)


def find_story(stories: Sequence[Story], story_id: str) -> Story:
    """The story with this id, or an error that suggests the nearest id."""
    for story in stories:
        if story.id == story_id:
            return story
    ids = [s.id for s in stories]
    hint = did_you_mean(story_id, ids) if ids else "; the story bank is empty"
    raise MockintError(f"no story with id {story_id!r}{hint}")


def load_stories(path: Path) -> tuple[Story, ...]:
    """The stories in `path`; an absent file is an empty bank."""
    if not path.exists():
        return ()
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise MockintError(f"{path}: cannot read: {error}") from None
    return parse_stories(str(path), text)


# ---------------------------------------------------------------- writing


def _comment_lines(names: Sequence[str], indent: str, width: int = 88) -> str:
    """Names as comment lines, never breaking a name across lines."""
    lines: list[str] = []
    for name in names:
        if lines and len(lines[-1]) + len(name) + 2 <= width:
            lines[-1] += f", {name}"
        else:
            lines.append(f"{indent}{name}")
    return ",\n".join(lines) + "\n"


_THEME_LINES = _comment_lines(THEMES, "#                 ")
FILE_HEADER = f"""\
# Your story bank: 8-12 prepared stories, each ready to tell in STAR form.
# Edit it freely. `mockint stories validate` checks it; `mockint stories coverage` shows
# which themes and leadership principles no story covers yet.
#
# Fields of a [[story]]:
#   id          short name that links practice sessions to the story ("checkout-rewrite")
#   title       one line you would recognise it by
#   company     where it happened; timeframe: when (e.g. "2022-2023")
#   themes      2-3 of these:
{_THEME_LINES}\
#   principles  Amazon leadership principles it shows, e.g. "Ownership", "Dive Deep"
#   situation   2-3 sentences of context
#   task        1-2 sentences: what you were responsible for
#   actions     3-5 things you did, each told with "I"
#   result      what happened, with numbers (an honest estimate beats none)
#   lesson      what you learned or now do differently
#   follow_ups  questions you expect an interviewer to ask next
schema = "{STORIES_SCHEMA}"
"""


def _toml_string(value: str, key_width: int) -> str:
    # JSON string escapes are all valid TOML basic-string escapes.
    escaped = json.dumps(value, ensure_ascii=False)[1:-1]
    if len(escaped) + key_width <= 96:
        return f'"{escaped}"'
    lines = textwrap.wrap(escaped, width=88, break_long_words=False, break_on_hyphens=False)
    # A trailing backslash in a multi-line string joins the lines back without the newline.
    return '"""\n' + " \\\n".join(lines) + '"""'


def dump_story(story: Story) -> str:
    """One story as a [[story]] TOML table that parse_stories reads back unchanged."""
    out = ["[[story]]"]
    for key in _FIELDS:
        value = getattr(story, key)
        if isinstance(value, tuple):
            items = [json.dumps(v, ensure_ascii=False) for v in value]
            if sum(len(i) + 2 for i in items) + len(key) <= 90:
                out.append(f"{key} = [{', '.join(items)}]")
            else:
                out.append(f"{key} = [\n" + "".join(f"    {i},\n" for i in items) + "]")
        else:
            out.append(f"{key} = {_toml_string(value, len(key) + 3)}")
    return "\n".join(out) + "\n"


def dump_stories(stories: Sequence[Story]) -> str:
    return FILE_HEADER + "".join("\n" + dump_story(s) for s in stories)


def ensure_file(path: Path) -> None:
    """Create an empty story file (header and field guide only) if there is none."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(FILE_HEADER, encoding="utf-8")


def append_story(path: Path, story: Story) -> None:
    """Add a story at the end of the file, leaving the user's own text and comments alone."""
    existing = load_stories(path)
    if any(s.id == story.id for s in existing):
        raise MockintError(f"{path}: a story with id {story.id!r} already exists")
    ensure_file(path)
    text = path.read_text(encoding="utf-8")
    separator = "" if text.endswith("\n") else "\n"
    updated = text + separator + "\n" + dump_story(story)
    parse_stories(str(path), updated)  # what is written must read back
    # Written aside and renamed over the original, so a crash never leaves half a file.
    draft = path.with_name(f".{path.name}.new")
    draft.write_text(updated, encoding="utf-8")
    os.replace(draft, path)


def new_story_id(title: str, taken: Sequence[str]) -> str:
    """A readable id from the title's first words, made unique against `taken`."""
    words = re.findall(r"[a-z0-9]+", title.lower())
    base = "-".join(words[:4]) or "story"
    candidate, n = base, 2
    while candidate in taken:
        candidate, n = f"{base}-{n}", n + 1
    return candidate


# ---------------------------------------------------------------- checks


def check_story(story: Story) -> tuple[StoryIssue, ...]:
    """What to fix before telling the story: the coaching report's checks, applied to the text."""
    issues: list[StoryIssue] = []

    def flag(field_name: str, message: str) -> None:
        issues.append(StoryIssue(story.id, field_name, message))

    for key in ("situation", "task", "result"):
        if not getattr(story, key):
            flag(key, f"no {key} written yet")
    if story.result and not find_metrics(story.result):
        flag(
            "result", "no metric: add a number (time, money, users, % change) or an honest estimate"
        )
    if not ACTIONS_MIN <= len(story.actions) <= ACTIONS_MAX:
        flag(
            "actions",
            f"{len(story.actions)} action(s); list {ACTIONS_MIN}-{ACTIONS_MAX} things you did",
        )
    for number, action in enumerate(story.actions, start=1):
        for sentence in we_sentences(action):
            flag(f"actions[{number}]", f'told as "we": "{sentence}"; say what you did')
    if not story.lesson and not has_lesson(story.result):
        flag("lesson", "missing: say what you learned or what you now do differently")
    if not story.themes:
        flag("themes", "no themes: map the story to the 2-3 themes it can answer")
    elif len(story.themes) > MAX_THEMES_PER_STORY:
        flag("themes", f"{len(story.themes)} themes; a story convinces best on 2-3")
    if not story.follow_ups:
        flag("follow_ups", "no follow-up questions prepared")
    return tuple(issues)


# ---------------------------------------------------------------- coverage


@dataclass(frozen=True, slots=True)
class CoverageRow:
    """One theme or principle and the stories that can answer it."""

    name: str
    story_ids: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Coverage:
    """The story bank against the twelve themes and the fourteen principles."""

    story_ids: tuple[str, ...]
    themes: tuple[CoverageRow, ...]
    principles: tuple[CoverageRow, ...]
    overused: tuple[tuple[str, str], ...]  # (story id, why)

    @property
    def theme_gaps(self) -> tuple[str, ...]:
        return tuple(row.name for row in self.themes if not row.story_ids)

    @property
    def principle_gaps(self) -> tuple[str, ...]:
        return tuple(row.name for row in self.principles if not row.story_ids)


def coverage(stories: Sequence[Story]) -> Coverage:
    """Which stories cover which theme and principle, the gaps, and the overused stories."""
    themes = tuple(CoverageRow(t, tuple(s.id for s in stories if t in s.themes)) for t in THEMES)
    principles = tuple(
        CoverageRow(p, tuple(s.id for s in stories if p in s.principles)) for p in PRINCIPLES
    )
    return Coverage(
        story_ids=tuple(s.id for s in stories),
        themes=themes,
        principles=principles,
        overused=overused_stories(stories, (*themes, *principles)),
    )


def overused_stories(
    stories: Sequence[Story], rows: Sequence[CoverageRow]
) -> tuple[tuple[str, str], ...]:
    """Stories stretched over too many themes, or carrying too much of the bank alone."""
    found = []
    for story in stories:
        reasons = []
        if len(story.themes) > MAX_THEMES_PER_STORY:
            reasons.append(f"claims {len(story.themes)} themes (2-3 is convincing)")
        alone = [row.name for row in rows if row.story_ids == (story.id,)]
        if len(alone) >= SOLE_COVER_LIMIT:
            reasons.append(f"is the only story for {len(alone)} themes/principles")
        if reasons:
            found.append((story.id, "; ".join(reasons)))
    return tuple(found)


# ---------------------------------------------------------------- practice


def question_for_story(
    bank: QuestionBank, story: Story, rng: random.Random, *, avoid_ids: Sequence[str] = ()
) -> Question:
    """A question this story can answer: sharing a theme, else a principle, with it.

    Questions sharing more themes and principles are likelier; ids in `avoid_ids`
    (recently practised) are used only when nothing else fits.
    """

    def score(q: Question) -> int:
        return 2 * len(set(q.themes) & set(story.themes)) + len(
            set(q.principles) & set(story.principles)
        )

    by_theme = [q for q in bank.questions if set(q.themes) & set(story.themes)]
    by_principle = [q for q in bank.questions if set(q.principles) & set(story.principles)]
    candidates = by_theme or by_principle
    if not candidates:
        raise MockintError(
            f"story {story.id!r}: no question shares its themes or principles; "
            "add themes to the story (mockint stories edit)"
        )
    avoided = set(avoid_ids)
    fresh = [q for q in candidates if q.id not in avoided] or candidates
    fresh.sort(key=lambda q: q.id)
    return rng.choices(fresh, weights=[score(q) for q in fresh], k=1)[0]
