"""Reading question files: TOML parsing and validation with errors naming file, line and field."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any

from mockint.config import TomlSource, parse_toml
from mockint.errors import MockintError
from mockint.questions import PRINCIPLES, THEMES, Question, ThemeGuide, did_you_mean

GUIDE_FILE = "themes.toml"

_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_QUESTION_KEYS = ("id", "text", "themes", "principles", "google", "startup", "follow_ups")
_MAX_FOLLOW_UPS = 5


def _str_list(
    src: TomlSource, index: int, key: str, value: object, *, allow_empty: bool = True
) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise src.error(src.key_line(index, key), key, "must be a list of non-empty strings")
    if not value and not allow_empty:
        raise src.error(src.key_line(index, key), key, "must list at least one entry")
    return tuple(v.strip() for v in value)


def _checked_names(
    src: TomlSource, index: int, key: str, names: Iterable[str], known: Sequence[str], kind: str
) -> tuple[str, ...]:
    for name in names:
        if name not in known:
            raise src.error(
                src.key_line(index, key), key, f"unknown {kind} {name!r}{did_you_mean(name, known)}"
            )
    return tuple(names)


def _names(
    src: TomlSource, index: int, raw: dict[str, Any], key: str, known: Sequence[str], kind: str
) -> tuple[str, ...]:
    """A list field whose entries must come from `known` (themes, principles, signals)."""
    names = _str_list(src, index, key, raw.get(key, []), allow_empty=key != "themes")
    return _checked_names(src, index, key, names, known, kind)


def _question(
    src: TomlSource, index: int, raw: dict[str, Any], signals: Mapping[str, Mapping[str, str]]
) -> Question:
    header = src.table_line(index)
    for key in raw:
        if key not in _QUESTION_KEYS:
            raise src.error(
                src.key_line(index, key),
                key,
                f"unknown field; expected one of {', '.join(_QUESTION_KEYS)}",
            )
    for key in ("id", "text", "themes", "follow_ups"):
        if key not in raw:
            raise src.error(
                header, key, "missing (every [[question]] needs id, text, themes, follow_ups)"
            )
    qid, text = raw["id"], raw["text"]
    if not isinstance(qid, str) or not _ID.match(qid):
        raise src.error(
            src.key_line(index, "id"),
            "id",
            "must look like 'conflict-03': lower-case words and digits joined by '-'",
        )
    if not isinstance(text, str) or not text.strip():
        raise src.error(src.key_line(index, "text"), "text", "must be a non-empty string")
    themes = _names(src, index, raw, "themes", THEMES, "theme")
    principles = _names(src, index, raw, "principles", PRINCIPLES, "principle")
    google = _names(src, index, raw, "google", tuple(signals.get("google", {})), "Google signal")
    startup = _names(
        src, index, raw, "startup", tuple(signals.get("startup", {})), "startup signal"
    )
    follow_ups = _str_list(src, index, "follow_ups", raw["follow_ups"], allow_empty=False)
    if len(follow_ups) > _MAX_FOLLOW_UPS:
        raise src.error(
            src.key_line(index, "follow_ups"),
            "follow_ups",
            f"at most {_MAX_FOLLOW_UPS} follow-up questions",
        )
    companies = tuple(
        c
        for c, present in (("amazon", principles), ("google", google), ("startup", startup))
        if present
    )
    return Question(
        id=qid,
        text=" ".join(text.split()),
        themes=themes,
        principles=principles,
        companies=companies,
        follow_ups=follow_ups,
        google_signals=google,
        startup_signals=startup,
        source=src.name,
    )


def parse_question_file(
    name: str, text: str, signals: Mapping[str, Mapping[str, str]]
) -> tuple[Question, ...]:
    """The questions in one TOML file's text; errors read "<name>:<line>: <field>: <reason>"."""
    data = parse_toml(name, text)
    src = TomlSource(name, text, "question")
    for key in data:
        if key != "question":
            raise src.error(
                src.top_key_line(key),
                key,
                "unknown table; a question file holds [[question]] tables",
            )
    items = data.get("question")
    if items is None:
        raise src.error(1, "question", "no [[question]] tables in this file")
    if not isinstance(items, list) or not all(isinstance(item, dict) for item in items):
        raise src.error(
            src.top_key_line("question"), "question", "write each question as a [[question]] table"
        )
    return tuple(_question(src, i, raw, signals) for i, raw in enumerate(items))


@dataclass(frozen=True, slots=True)
class Guides:
    """The bundled themes.toml: per-theme guides, principle notes and company signals."""

    themes: Mapping[str, ThemeGuide]
    principle_notes: Mapping[str, str]
    signals: Mapping[str, Mapping[str, str]]


def parse_guide_file(name: str, text: str) -> Guides:
    """Theme guides for all twelve themes, notes for all fourteen principles, and signals."""
    data = parse_toml(name, text)
    src = TomlSource(name, text, "theme")
    themes: dict[str, ThemeGuide] = {}
    for index, raw in enumerate(data.get("theme", [])):
        for key in ("name", "evaluates", "wants_to_hear", "red_flags"):
            if key not in raw:
                raise src.error(src.table_line(index), key, "missing in [[theme]]")
        theme = _checked_names(src, index, "name", (raw["name"],), THEMES, "theme")[0]
        themes[theme] = ThemeGuide(
            theme=theme,
            evaluates=" ".join(str(raw["evaluates"]).split()),
            wants_to_hear=_str_list(
                src, index, "wants_to_hear", raw["wants_to_hear"], allow_empty=False
            ),
            red_flags=_str_list(src, index, "red_flags", raw["red_flags"], allow_empty=False),
        )
    missing = [t for t in THEMES if t not in themes]
    if missing:
        raise src.error(1, "theme", f"no guide for {', '.join(missing)}")
    psrc = TomlSource(name, text, "principle")
    notes: dict[str, str] = {}
    for index, raw in enumerate(data.get("principle", [])):
        principle = _checked_names(
            psrc, index, "name", (str(raw.get("name")),), PRINCIPLES, "principle"
        )[0]
        notes[principle] = " ".join(str(raw.get("looks_for", "")).split())
    signals = data.get("signals", {})
    if not all(
        isinstance(v, dict) and all(isinstance(d, str) for d in v.values())
        for v in signals.values()
    ):
        raise src.error(
            src.top_key_line("signals"), "signals", "each company maps signal names to descriptions"
        )
    return Guides(themes=themes, principle_notes=notes, signals=signals)


def bundled_bank() -> Traversable:
    """The question files shipped with mockint (the repository's questions/ folder)."""
    try:
        return resources.files("mockint.questions_bank")
    except ModuleNotFoundError:
        # Running from a source checkout that was never installed: read the folder directly.
        return Path(__file__).resolve().parent.parent / "questions"


def _bank_files(folder: Traversable | Path, *, bundled: bool) -> list[Traversable | Path]:
    if not bundled:
        path = Path(folder)  # type: ignore[arg-type]
        if not path.exists():
            raise MockintError(f"{path}: question bank folder does not exist")
        if not path.is_dir():
            raise MockintError(f"{path}: a question bank must be a folder of .toml files")
    files = sorted(
        (f for f in folder.iterdir() if f.name.endswith(".toml") and f.is_file()),
        key=lambda f: f.name,
    )
    if not files:
        raise MockintError(f"{folder}: holds no .toml question files")
    return files


def read_bank(extra_dirs: Sequence[Path] = ()) -> tuple[tuple[Question, ...], Guides]:
    """The bundled bank plus every question file in `extra_dirs`, validated; ids must be unique."""
    root = bundled_bank()
    guide_file = root.joinpath(GUIDE_FILE)
    guides = parse_guide_file(str(guide_file), guide_file.read_text(encoding="utf-8"))
    files = [f for f in _bank_files(root, bundled=True) if f.name != GUIDE_FILE]
    # The same folder given twice (in config.toml and with --bank) is read once.
    folders: dict[Path, Path] = {}
    for folder in extra_dirs:
        folders.setdefault(Path(folder).expanduser().resolve(), Path(folder).expanduser())
    for folder in folders.values():
        files.extend(_bank_files(folder, bundled=False))
    questions: list[Question] = []
    seen: dict[str, str] = {}
    for file in files:
        name = str(file)
        try:
            text = file.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            raise MockintError(f"{name}: cannot read: {error}") from None
        parsed = parse_question_file(name, text, guides.signals)
        src = TomlSource(name, text, "question")
        for index, question in enumerate(parsed):
            if question.id in seen:
                raise src.error(
                    src.key_line(index, "id"),
                    "id",
                    f"{question.id!r} is already used in {seen[question.id]}",
                )
            seen[question.id] = name
        questions.extend(parsed)
    return tuple(questions), guides
