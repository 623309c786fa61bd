"""`mockint questions` and `mockint stories`: browse the question bank, keep the story bank."""

from __future__ import annotations

import json
import random
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import click

from mockint.questions import COMPANIES, PRINCIPLES, THEMES, QuestionBank

if TYPE_CHECKING:
    from mockint.stories import Story


def _echo_json(doc: object) -> None:
    click.echo(json.dumps(doc, indent=2, ensure_ascii=False))


def _print(*renderables: object) -> None:
    from rich.console import Console

    console = Console()
    for renderable in renderables:
        console.print(renderable)


def load_user_bank(extra_dirs: tuple[Path, ...] = ()) -> QuestionBank:
    """The bundled bank, the folders in config.toml's `bank_dirs`, then `extra_dirs`."""
    from mockint.config import load_config
    from mockint.paths import data_home
    from mockint.questions import configured_bank_dirs, load_bank

    configured = configured_bank_dirs(load_config(), data_home())
    return load_bank((*configured, *extra_dirs))


@click.command()
@click.argument("question_id", required=False)
@click.option("--theme", "-t", help="Only questions probing this theme (a prefix will do).")
@click.option(
    "--company", "-c", type=click.Choice(COMPANIES), help="Only questions suited to this company."
)
@click.option(
    "--principle",
    "-p",
    "principles",
    multiple=True,
    help="Only questions serving this Amazon leadership principle; repeat to require several.",
)
@click.option(
    "--bank",
    "bank_dirs",
    multiple=True,
    type=click.Path(path_type=Path),
    help="Also load the .toml question files in this folder (repeatable).",
)
@click.option(
    "--loop",
    is_flag=True,
    help="Amazon loop: pick questions covering the --principle values, or 2-3 random ones.",
)
@click.option(
    "--count",
    "-n",
    type=click.IntRange(1, 20),
    default=4,
    show_default=True,
    help="How many questions --loop picks.",
)
@click.option("--seed", type=int, help="Make --loop's choices repeatable.")
@click.option("--follow-ups", "-f", is_flag=True, help="Show each question's follow-ups.")
@click.option(
    "--json", "as_json", is_flag=True, help="Write a JSON document (mockint.questions/1)."
)
def questions(
    question_id: str | None,
    theme: str | None,
    company: str | None,
    principles: tuple[str, ...],
    bank_dirs: tuple[Path, ...],
    loop: bool,
    count: int,
    seed: int | None,
    follow_ups: bool,
    as_json: bool,
) -> None:
    """List the behavioral questions, filtered by theme, company or principle.

    The bank ships with mockint; add your own questions as .toml files in a folder and
    pass it with --bank, or list such folders under `bank_dirs` in config.toml in
    mockint's data folder. With --loop, play an Amazon interviewer who was assigned a
    few leadership principles and pick questions that cover all of them. Give a
    QUESTION_ID to see one question with what interviewers listen for in its themes.
    """
    from mockint.questions import resolve_principle
    from mockint.render_bank import question_detail, questions_document, questions_table

    bank = load_user_bank(bank_dirs)
    if question_id:
        question = bank.get(question_id)
        guides = [bank.themes[t] for t in question.themes]
        if as_json:
            _echo_json(questions_document([question], guides=guides))
        else:
            _print(*question_detail(question, guides, bank.signals))
        return
    if loop and (theme or company):
        raise click.UsageError("--loop picks by principle; drop --theme and --company")
    wanted = tuple(resolve_principle(p) for p in principles)
    if loop:
        rng = random.Random(seed)
        assigned = wanted or bank.assign_principles(rng)
        found = bank.pick_loop(rng, assigned, count)
    else:
        assigned = ()
        found = bank.filter(theme=theme, company=company)
        found = tuple(q for q in found if set(wanted) <= set(q.principles))
    if as_json:
        _echo_json(questions_document(found, loop_principles=assigned))
        return
    if loop:
        click.echo(f"Interviewer's principles: {', '.join(assigned)}")
    if not found:
        click.echo("No question matches those filters.")
        return
    _print(questions_table(found, follow_ups=follow_ups, highlight=assigned))
    if not loop:
        click.echo(f"{len(found)} of {len(bank.questions)} questions")


# ---------------------------------------------------------------- stories


@click.group()
@click.option(
    "--file",
    "story_file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Story file to use instead of stories.toml in mockint's data folder.",
)
@click.pass_context
def stories(ctx: click.Context, story_file: Path | None) -> None:
    """Keep your story bank: the 8-12 prepared stories you answer questions with.

    Stories live in one editable TOML file (see `mockint stories edit`). Each follows
    the STAR template: situation, task, 3-5 actions, a result with numbers, a lesson,
    and the follow-up questions to prepare for.
    """
    from mockint.stories import stories_path

    ctx.obj = story_file or stories_path()


@stories.command("list")
@click.option("--json", "as_json", is_flag=True, help="Write a JSON document.")
@click.pass_obj
def list_stories(path: Path, as_json: bool) -> None:
    """List your stories: themes, things still to fix, and how often you practised each."""
    from mockint.render_bank import stories_table, story_list_document
    from mockint.stories import check_story, load_stories

    found = load_stories(path)
    issues = {s.id: check_story(s) for s in found}
    practice = practice_by_story([s.id for s in found])
    if as_json:
        _echo_json(story_list_document(found, issues, practice))
    elif not found:
        click.echo(f"No stories yet in {path}. Add one with `mockint stories add`.")
    else:
        _print(stories_table(found, issues, practice))


def practice_by_story(story_ids: Sequence[str]) -> dict[str, tuple[int, str | None]]:
    """Per story: how many finished practice sessions used it, and the date of the last one."""
    from mockint.paths import data_home
    from mockint.store import INDEX_FILE, open_store

    if not story_ids or not (data_home() / INDEX_FILE).exists():
        return {}  # nothing practised yet; don't create a session store just to say so
    with open_store() as store:
        summary = {}
        for story_id in story_ids:
            sessions = store.list(story=story_id)
            last = sessions[-1].created_at[:10] if sessions else None
            summary[story_id] = (len(sessions), last)
    return summary


def _pick_names(raw: str, known: tuple[str, ...], resolve: Callable[[str], str]) -> tuple[str, ...]:
    """Numbers from the printed list or (abbreviated) names, separated by commas."""
    from mockint.errors import MockintError

    picked = []
    for token in (t.strip() for t in raw.split(",")):
        if not token:
            continue
        try:
            name = known[int(token) - 1] if token.isdigit() else resolve(token)
        except IndexError:
            raise click.BadParameter(f"{token} is not in the list") from None
        except MockintError as error:
            raise click.BadParameter(str(error)) from None
        if name not in picked:
            picked.append(name)
    return tuple(picked)


def _prompt_names(
    label: str, known: tuple[str, ...], resolve: Callable[[str], str]
) -> tuple[str, ...]:
    for number, name in enumerate(known, start=1):
        click.echo(f"  {number:>2}. {name}")
    return click.prompt(  # type: ignore[no-any-return]
        f"{label} (numbers or names, comma-separated)",
        default="",
        show_default=False,
        value_proc=lambda raw: _pick_names(raw, known, resolve),
    )


def _checked_id(raw: str, taken: Sequence[str]) -> str:
    from mockint.stories import STORY_ID

    story_id = raw.strip()
    if not STORY_ID.match(story_id):
        raise click.BadParameter("use lower-case words and digits joined by '-'")
    if story_id in taken:
        raise click.BadParameter(f"{story_id!r} is already taken")
    return story_id


def _prompt_list(label: str, limit: int) -> tuple[str, ...]:
    items: list[str] = []
    while len(items) < limit:
        item = click.prompt(
            f"{label} {len(items) + 1} (blank to finish)", default="", show_default=False
        )
        if not item.strip():
            break
        items.append(item.strip())
    return tuple(items)


@stories.command("add")
@click.pass_obj
def add_story(path: Path) -> None:
    """Add a story by answering a few prompts, one STAR part at a time."""
    from mockint.questions import resolve_principle, resolve_theme
    from mockint.stories import Story, append_story, load_stories, new_story_id

    taken = [s.id for s in load_stories(path)]
    title = click.prompt("Title (one line you will recognise it by)").strip()
    story_id = click.prompt(
        "Id (links practice sessions to the story)",
        default=new_story_id(title, taken),
        value_proc=lambda raw: _checked_id(raw, taken),
    )
    company = click.prompt("Company", default="", show_default=False)
    timeframe = click.prompt("Timeframe (e.g. 2022-2023)", default="", show_default=False)
    click.echo("Themes it can answer (aim for 2-3):")
    themes = _prompt_names("Themes", THEMES, resolve_theme)
    click.echo("Amazon leadership principles it shows:")
    principles = _prompt_names("Principles", PRINCIPLES, resolve_principle)
    situation = click.prompt("Situation (2-3 sentences of context)")
    task = click.prompt("Task (what were you responsible for?)")
    click.echo('Actions: 3-5 things you did, each told with "I".')
    actions = _prompt_list("Action", 5)
    result = click.prompt("Result (with numbers)")
    lesson = click.prompt(
        "Lesson (what you learned or now do differently)", default="", show_default=False
    )
    click.echo("Follow-up questions you expect:")
    follow_ups = _prompt_list("Follow-up", 5)
    story = Story(
        id=story_id,
        title=title,
        company=company.strip(),
        timeframe=timeframe.strip(),
        themes=themes,
        principles=principles,
        situation=" ".join(situation.split()),
        task=" ".join(task.split()),
        actions=actions,
        result=" ".join(result.split()),
        lesson=" ".join(lesson.split()),
        follow_ups=follow_ups,
    )
    append_story(path, story)
    click.echo(f"Added {story.id!r} to {path}.")
    _report_issues((story,))


def _report_issues(found: Sequence[Story]) -> bool:
    """Print what to fix; True when nothing needs fixing."""
    from mockint.render_bank import issues_text
    from mockint.stories import check_story

    issues = {s.id: check_story(s) for s in found}
    _print(issues_text(found, issues))
    to_fix = sum(bool(i) for i in issues.values())
    if len(found) > 1:
        click.echo(f"{to_fix} of {len(found)} stories need work." if to_fix else "All ready.")
    return not to_fix


@stories.command("edit")
@click.pass_obj
def edit_stories(path: Path) -> None:
    """Open the story file in $EDITOR, then check what you wrote."""
    from mockint.stories import ensure_file, load_stories

    ensure_file(path)
    click.edit(filename=str(path))
    found = load_stories(path)
    click.echo(f"{len(found)} stories in {path}.")
    if found:
        _report_issues(found)


@stories.command("validate")
@click.pass_context
def validate_stories(ctx: click.Context) -> None:
    """Check every story: a result without a metric, actions told as "we", no lesson.

    Exits with status 1 when any story needs fixing.
    """
    from mockint.stories import load_stories

    path: Path = ctx.obj
    found = load_stories(path)
    if not found:
        click.echo(f"No stories yet in {path}. Add one with `mockint stories add`.")
        return
    if not _report_issues(found):
        ctx.exit(1)


@stories.command("coverage")
@click.option("--json", "as_json", is_flag=True, help="Write a JSON document.")
@click.pass_obj
def coverage_command(path: Path, as_json: bool) -> None:
    """Show which themes and leadership principles your stories cover, and the gaps."""
    from mockint.render_bank import coverage_document, coverage_renderables
    from mockint.stories import coverage, load_stories

    found = load_stories(path)
    cov = coverage(found)
    if as_json:
        _echo_json(coverage_document(cov))
        return
    if not found:
        click.echo(f"No stories yet in {path}. Add one with `mockint stories add`.")
        return
    _print(*coverage_renderables(cov, found))
