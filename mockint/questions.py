"""The question bank: questions and theme guides, filtered and picked (files: question_files)."""

from __future__ import annotations

import difflib
import random
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mockint.errors import MockintError

THEMES: tuple[str, ...] = (
    "conflict resolution",
    "technical leadership",
    "failure and learning",
    "shipping under pressure",
    "leading without authority",
    "mentorship",
    "handling ambiguity",
    "cross-functional collaboration",
    "technical debt and quality",
    "innovation and initiative",
    "diversity and inclusion",
    "scope management",
)

# Amazon's leadership principles, spelled the way the bank and the story file use them.
PRINCIPLES: tuple[str, ...] = (
    "Customer Obsession",
    "Ownership",
    "Invent and Simplify",
    "Are Right A Lot",
    "Learn and Be Curious",
    "Hire and Develop the Best",
    "Insist on the Highest Standards",
    "Think Big",
    "Bias for Action",
    "Frugality",
    "Earn Trust",
    "Dive Deep",
    "Have Backbone; Disagree and Commit",
    "Deliver Results",
)

COMPANIES: tuple[str, ...] = ("amazon", "google", "startup")


@dataclass(frozen=True, slots=True)
class Question:
    """One behavioral question and what it is meant to draw out."""

    id: str
    text: str
    themes: tuple[str, ...]
    principles: tuple[str, ...]
    companies: tuple[str, ...]
    follow_ups: tuple[str, ...]
    google_signals: tuple[str, ...] = ()
    startup_signals: tuple[str, ...] = ()
    source: str = field(default="", compare=False)


@dataclass(frozen=True, slots=True)
class ThemeGuide:
    """What an interviewer listens for under one theme; the coaching report quotes it."""

    theme: str
    evaluates: str
    wants_to_hear: tuple[str, ...]
    red_flags: tuple[str, ...]


def _norm(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", " ", name.lower()).strip()


def _resolve(name: str, known: Sequence[str], kind: str) -> str:
    """Match a typed name ignoring case and punctuation, or the one name it abbreviates.

    "frugal" starts "Frugality"; "debt" starts a word of "technical debt and quality".
    """
    wanted = _norm(name)
    by_norm = {_norm(k): k for k in known}
    if wanted in by_norm:
        return by_norm[wanted]
    if wanted:
        starts = [k for n, k in by_norm.items() if n.startswith(wanted)]
        inside = [k for n, k in by_norm.items() if f" {wanted}" in f" {n}"]
        for found in (starts, inside):
            if len(found) == 1:
                return found[0]
    hint = did_you_mean(name, known)
    raise MockintError(f"unknown {kind} {name!r}{hint}")


def did_you_mean(name: str, known: Sequence[str]) -> str:
    close = difflib.get_close_matches(name, known, n=1, cutoff=0.5)
    if close:
        return f"; did you mean {close[0]!r}?"
    return f"; choose from: {', '.join(known)}"


def resolve_theme(name: str) -> str:
    """The canonical theme for `name` ("conflict" -> "conflict resolution")."""
    return _resolve(name, THEMES, "theme")


def resolve_principle(name: str) -> str:
    """The canonical principle for `name` ("are right, a lot" -> "Are Right A Lot")."""
    return _resolve(name, PRINCIPLES, "principle")


@dataclass(frozen=True, slots=True)
class QuestionBank:
    """All questions (bundled plus the user's), with the theme guides and company signals."""

    questions: tuple[Question, ...]
    themes: Mapping[str, ThemeGuide]
    principle_notes: Mapping[str, str] = field(default_factory=dict)
    signals: Mapping[str, Mapping[str, str]] = field(default_factory=dict)

    def get(self, question_id: str) -> Question:
        for question in self.questions:
            if question.id == question_id:
                return question
        raise MockintError(
            f"no question with id {question_id!r}{did_you_mean(question_id, self.ids)}"
        )

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(q.id for q in self.questions)

    def filter(
        self,
        theme: str | None = None,
        company: str | None = None,
        principle: str | None = None,
    ) -> tuple[Question, ...]:
        """Questions matching every given criterion; names may be abbreviated."""
        wanted_theme = resolve_theme(theme) if theme else None
        wanted_principle = resolve_principle(principle) if principle else None
        wanted_company = _resolve(company, COMPANIES, "company") if company else None
        return tuple(
            q
            for q in self.questions
            if (wanted_theme is None or wanted_theme in q.themes)
            and (wanted_principle is None or wanted_principle in q.principles)
            and (wanted_company is None or wanted_company in q.companies)
        )

    def pick(
        self,
        rng: random.Random,
        *,
        theme: str | None = None,
        company: str | None = None,
        principle: str | None = None,
        question_id: str | None = None,
        avoid_ids: Sequence[str] = (),
    ) -> Question:
        """One question matching the criteria, preferring those not in `avoid_ids`.

        `avoid_ids` lists recently practised questions, most recent first: when every match
        was practised recently, the one practised longest ago is asked again.
        """
        if question_id is not None:
            return self.get(question_id)
        matches = self.filter(theme=theme, company=company, principle=principle)
        if not matches:
            raise MockintError("no question matches " + _describe(theme, company, principle))
        return _prefer_fresh(rng, matches, avoid_ids)

    def pick_loop(
        self,
        rng: random.Random,
        principles: Sequence[str],
        n: int,
        *,
        avoid_ids: Sequence[str] = (),
    ) -> tuple[Question, ...]:
        """`n` distinct questions that together probe every assigned principle.

        Like an Amazon interviewer holding 2-3 principles: each principle gets at least one
        question, questions serving several assigned principles are preferred, and the rest
        of the slots go to further questions on those principles, varying the themes.
        """
        assigned = tuple(dict.fromkeys(resolve_principle(p) for p in principles))
        if not assigned:
            raise MockintError("an interview loop needs at least one principle")
        if n < 1:
            raise MockintError("an interview loop needs at least one question")
        avoided = set(avoid_ids)
        chosen: list[Question] = []
        uncovered = list(assigned)
        rng.shuffle(uncovered)
        while uncovered:
            pool = [
                q for q in self.questions if q not in chosen and set(q.principles) & set(uncovered)
            ]
            if not pool:
                raise MockintError(f"no question in the bank serves {uncovered[0]!r}")
            best = max(_loop_score(q, uncovered, avoided) for q in pool)
            pick = rng.choice([q for q in pool if _loop_score(q, uncovered, avoided) == best])
            chosen.append(pick)
            uncovered = [p for p in uncovered if p not in pick.principles]
        if len(chosen) > n:
            raise MockintError(
                f"{n} question(s) cannot cover {len(assigned)} principles; ask for at least "
                f"{len(chosen)}"
            )
        while len(chosen) < n:
            pool = [
                q for q in self.questions if q not in chosen and set(q.principles) & set(assigned)
            ]
            if not pool:
                break
            used_themes = {t for q in chosen for t in q.themes}
            fresh = [q for q in pool if q.id not in avoided] or pool
            varied = [q for q in fresh if not set(q.themes) & used_themes] or fresh
            chosen.append(rng.choice(sorted(varied, key=lambda q: q.id)))
        return tuple(chosen)

    def assign_principles(self, rng: random.Random, count: int | None = None) -> tuple[str, ...]:
        """Principles for one loop interviewer: 2 or 3 of them at random unless `count` says."""
        k = count if count is not None else rng.choice((2, 3))
        return tuple(rng.sample(PRINCIPLES, k))


def _loop_score(question: Question, uncovered: Sequence[str], avoided: set[str]) -> tuple[int, int]:
    return (len(set(question.principles) & set(uncovered)), question.id not in avoided)


def _prefer_fresh(
    rng: random.Random, matches: Sequence[Question], avoid_ids: Sequence[str]
) -> Question:
    avoided = set(avoid_ids)
    fresh = [q for q in matches if q.id not in avoided]
    if fresh:
        return rng.choice(sorted(fresh, key=lambda q: q.id))
    order = {qid: i for i, qid in enumerate(avoid_ids)}
    return max(matches, key=lambda q: (order.get(q.id, -1), q.id))


def _describe(theme: str | None, company: str | None, principle: str | None) -> str:
    parts = [
        f"{label} {value!r}"
        for label, value in (("theme", theme), ("company", company), ("principle", principle))
        if value
    ]
    return " and ".join(parts) if parts else "(the bank is empty)"


# ---------------------------------------------------------------- loading


def load_bank(extra_dirs: Sequence[Path] = ()) -> QuestionBank:
    """The bundled bank plus every question file in `extra_dirs`, validated; ids must be unique."""
    # Imported here because question_files builds this module's Question and ThemeGuide.
    from mockint.question_files import read_bank

    questions, guides = read_bank(extra_dirs)
    return QuestionBank(
        questions=questions,
        themes=guides.themes,
        principle_notes=guides.principle_notes,
        signals=guides.signals,
    )


def configured_bank_dirs(config: Mapping[str, Any], base: Path) -> tuple[Path, ...]:
    """The `bank_dirs` setting as folders; relative entries are relative to `base`."""
    value = config.get("bank_dirs", [])
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise MockintError(f"{base / 'config.toml'}: bank_dirs: must be a list of folder paths")
    return tuple(base / Path(v).expanduser() for v in value)
