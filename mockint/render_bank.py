"""Pure: questions, stories and story coverage as JSON documents and rich tables."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict
from typing import Any

from mockint.questions import Question, ThemeGuide
from mockint.stories import Coverage, CoverageRow, Story, StoryIssue

QUESTIONS_SCHEMA = "mockint.questions/1"
STORY_LIST_SCHEMA = "mockint.story-list/1"
COVERAGE_SCHEMA = "mockint.story-coverage/1"
CHECK = "●"
# A story bank of this size can be angled to answer almost any behavioral question.
BANK_MIN_STORIES, BANK_MAX_STORIES = 8, 12


def question_to_json(question: Question) -> dict[str, Any]:
    entry = asdict(question)
    return {k: list(v) if isinstance(v, tuple) else v for k, v in entry.items()}


def questions_document(
    questions: Sequence[Question],
    *,
    loop_principles: Sequence[str] = (),
    guides: Sequence[ThemeGuide] = (),
) -> dict[str, Any]:
    doc: dict[str, Any] = {"schema": QUESTIONS_SCHEMA}
    if loop_principles:
        doc["loop_principles"] = list(loop_principles)
    doc["questions"] = [question_to_json(q) for q in questions]
    if guides:
        doc["guides"] = {
            g.theme: {
                "evaluates": g.evaluates,
                "wants_to_hear": list(g.wants_to_hear),
                "red_flags": list(g.red_flags),
            }
            for g in guides
        }
    return doc


def question_detail(
    question: Question,
    guides: Sequence[ThemeGuide],
    signals: Mapping[str, Mapping[str, str]],
) -> list[Any]:
    """One question, its follow-ups, and per theme what the interviewer is listening for."""
    from rich.panel import Panel
    from rich.text import Text

    body = Text(question.text + "\n", style="bold")
    for follow_up in question.follow_ups:
        body.append(f"\n  ↳ {follow_up}", style="italic")
    if question.principles:
        body.append("\n\nAmazon: ", style="bold")
        body.append(", ".join(question.principles))
    for company, keys in (
        ("google", question.google_signals),
        ("startup", question.startup_signals),
    ):
        if keys:
            body.append(f"\n{company.capitalize()}: ", style="bold")
            body.append("; ".join(signals.get(company, {}).get(k, k) for k in keys))
    out: list[Any] = [Panel(body, title=question.id, title_align="left")]
    for guide in guides:
        text = Text(f"{guide.evaluates}\n")
        text.append("\nWhat they want to hear", style="bold green")
        text.append("".join(f"\n  + {line}" for line in guide.wants_to_hear))
        text.append("\n\nRed flags", style="bold red")
        text.append("".join(f"\n  - {line}" for line in guide.red_flags))
        out.append(Panel(text, title=guide.theme, title_align="left"))
    return out


def questions_table(
    questions: Sequence[Question], *, follow_ups: bool = False, highlight: Sequence[str] = ()
) -> Any:
    """One row per question, its themes and principles dimmed beneath it.

    `highlight` marks the principles an interviewer was assigned in a loop.
    """
    from rich.table import Table
    from rich.text import Text

    table = Table(show_lines=True)
    table.add_column("id", style="bold", no_wrap=True)
    table.add_column("question")
    for q in questions:
        cell = Text(q.text)
        cell.append("\n" + ", ".join(q.themes), style="cyan")
        for number, principle in enumerate(q.principles):
            cell.append("  ·  " if number == 0 else ", ", style="dim")
            cell.append(principle, style="bold green" if principle in highlight else "dim")
        if follow_ups:
            for follow_up in q.follow_ups:
                cell.append(f"\n  ↳ {follow_up}", style="italic")
        table.add_row(q.id, cell)
    return table


# Per story id: (finished practice sessions, date of the last one or None).
Practice = Mapping[str, tuple[int, str | None]]


def story_list_document(
    stories: Sequence[Story], issues: Mapping[str, tuple[StoryIssue, ...]], practice: Practice
) -> dict[str, Any]:
    return {
        "schema": STORY_LIST_SCHEMA,
        "stories": [
            {
                **{k: list(v) if isinstance(v, tuple) else v for k, v in asdict(s).items()},
                "issues": [{"field": i.field, "message": i.message} for i in issues[s.id]],
                "practice": dict(
                    zip(("sessions", "last"), practice.get(s.id, (0, None)), strict=True)
                ),
            }
            for s in stories
        ],
    }


def stories_table(
    stories: Sequence[Story], issues: Mapping[str, tuple[StoryIssue, ...]], practice: Practice
) -> Any:
    """One row per story: title, where and when, themes, things to fix, practice so far."""
    from rich.table import Table
    from rich.text import Text

    table = Table(show_lines=True)
    table.add_column("id", style="bold", no_wrap=True)
    table.add_column("story")
    table.add_column("to fix", justify="right", no_wrap=True)
    table.add_column("practised", justify="right", no_wrap=True)
    for s in stories:
        cell = Text(s.title)
        where = ", ".join(part for part in (s.company, s.timeframe) if part)
        if where:
            cell.append(f"\n{where}", style="dim")
        if s.themes:
            cell.append("\n" + ", ".join(s.themes), style="cyan")
        count = len(issues[s.id])
        sessions, last = practice.get(s.id, (0, None))
        table.add_row(
            s.id,
            cell,
            Text(str(count), style="yellow" if count else "green"),
            f"{sessions}×\n{last}" if last else "never",
        )
    return table


def issues_text(stories: Sequence[Story], issues: Mapping[str, tuple[StoryIssue, ...]]) -> Any:
    """Per story: ready, or the fields to fix and why, wrapped in their own column."""
    from rich.table import Table
    from rich.text import Text

    grid = Table.grid(padding=(0, 1))
    grid.add_column(no_wrap=True)
    grid.add_column(no_wrap=True)
    grid.add_column()
    for s in stories:
        found = issues[s.id]
        mark, style = ("✗", "yellow") if found else ("✓", "green")
        grid.add_row(Text(mark, style=style), Text(s.id, style="bold"), Text(s.title, style="dim"))
        for issue in found:
            grid.add_row("", Text(f"  {issue.field}", style=style), issue.message)
    return grid


def coverage_document(cov: Coverage) -> dict[str, Any]:
    return {
        "schema": COVERAGE_SCHEMA,
        "stories": list(cov.story_ids),
        "themes": {row.name: list(row.story_ids) for row in cov.themes},
        "principles": {row.name: list(row.story_ids) for row in cov.principles},
        "gaps": {"themes": list(cov.theme_gaps), "principles": list(cov.principle_gaps)},
        "overused": [{"id": sid, "reason": why} for sid, why in cov.overused],
    }


def _matrix(title: str, label: str, rows: Sequence[CoverageRow], story_ids: Sequence[str]) -> Any:
    from rich.table import Table

    table = Table(title=title, title_justify="left")
    table.add_column(label, no_wrap=True)
    for number, _ in enumerate(story_ids, start=1):
        table.add_column(str(number), justify="center", no_wrap=True)
    table.add_column("stories", justify="right", no_wrap=True)
    for row in rows:
        cells = [CHECK if sid in row.story_ids else "" for sid in story_ids]
        count = len(row.story_ids)
        if count:
            table.add_row(row.name, *cells, str(count))
        else:
            table.add_row(f"[red]{row.name}[/red]", *cells, "[bold red]gap[/bold red]")
    return table


def coverage_renderables(cov: Coverage, stories: Sequence[Story]) -> list[Any]:
    """The themes matrix, the principles matrix, the story legend, gaps and overused stories."""
    from rich.text import Text

    out: list[Any] = [
        _matrix("Stories × themes", "theme", cov.themes, cov.story_ids),
        _matrix(
            "Stories × Amazon leadership principles", "principle", cov.principles, cov.story_ids
        ),
    ]
    legend = Text("Stories\n", style="bold")
    for number, story in enumerate(stories, start=1):
        legend.append(f"{number:>3}  ")
        legend.append(f"{story.id}\n", style="cyan")
    out.append(legend)
    notes = Text()
    if len(stories) < BANK_MIN_STORIES:
        notes.append("few  ", style="bold yellow")
        notes.append(
            f"{len(stories)} stor{'y' if len(stories) == 1 else 'ies'}; "
            f"a bank of {BANK_MIN_STORIES}-{BANK_MAX_STORIES} covers most interview loops\n"
        )
    for name in (*cov.theme_gaps, *cov.principle_gaps):
        notes.append("gap  ", style="bold red")
        notes.append(f"no story covers {name}\n")
    for sid, why in cov.overused:
        notes.append("overused  ", style="bold yellow")
        notes.append(f"{sid} {why}\n")
    if not notes:
        notes.append(
            "Every theme and principle has a story, and none is overused.\n", style="green"
        )
    out.append(notes)
    return out
