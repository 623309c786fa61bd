"""Parse and check session.json files (schema mockint.session/1) so bad data fails with one line."""

from __future__ import annotations

import json
import math
import re
from typing import Any

from mockint.errors import MockintError
from mockint.model import PHASES

SESSION_SCHEMA = "mockint.session/1"
ANALYSIS_SCHEMA = "mockint.analysis/1"
KINDS = ("practice", "analyze")
VERDICTS = ("short", "ok", "long", "missing")

# "20261126-013000-ab12cd": UTC time first so ids sort by age, then random hex so two
# processes starting in the same second still get different ids.
SESSION_ID_RE = re.compile(r"^\d{8}-\d{6}-[0-9a-f]{6}$")

_OPTIONAL_TEXT = ("question_id", "question_text", "theme", "story_id", "source_path", "audio")


def check_session_id(session_id: str) -> str:
    """The id unchanged if it is well formed; anything else (paths, '..') is refused."""
    if not isinstance(session_id, str) or not SESSION_ID_RE.match(session_id):
        raise MockintError(
            f"{session_id!r}: not a session id (expected something like 20261126-013000-ab12cd)"
        )
    return session_id


def parse_session(data: bytes, where: str) -> dict[str, Any]:
    """The session dict from session.json bytes; MockintError naming `where` if it is not valid."""
    try:
        document = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as error:
        reason = str(error).splitlines()[0] if str(error) else type(error).__name__
        raise MockintError(f"{where}: not valid JSON ({reason})") from None
    return check_session(document, where)


def check_session(document: object, where: str) -> dict[str, Any]:
    if not isinstance(document, dict):
        raise MockintError(f"{where}: a session file must hold a JSON object")
    if document.get("schema") != SESSION_SCHEMA:
        raise MockintError(
            f"{where}: unknown schema {document.get('schema')!r} (expected {SESSION_SCHEMA!r})"
        )
    session_id = document.get("id")
    if not isinstance(session_id, str) or not SESSION_ID_RE.match(session_id):
        raise MockintError(f"{where}: bad or missing session id")
    if document.get("kind") not in KINDS:
        raise MockintError(f"{where}: 'kind' must be one of {', '.join(KINDS)}")
    if not isinstance(document.get("created_at"), str):
        raise MockintError(f"{where}: 'created_at' must be a date-time string")
    for key in _OPTIONAL_TEXT:
        if document.get(key) is not None and not isinstance(document[key], str):
            raise MockintError(f"{where}: {key!r} must be text or null")
    previous = document.get("previous_analyses", [])
    if not isinstance(previous, list) or not all(isinstance(p, str) for p in previous):
        raise MockintError(f"{where}: 'previous_analyses' must be a list of file names")
    if document.get("analysis") is not None:
        check_analysis_entry(document["analysis"], where)
    return document


def check_analysis_entry(entry: object, where: str) -> dict[str, Any]:
    """Check the fields replay, progress and export read from one mockint.analysis/1 file entry."""
    if not isinstance(entry, dict):
        raise MockintError(f"{where}: 'analysis' must be a JSON object")
    if not isinstance(entry.get("ok", True), bool):
        raise MockintError(f"{where}: analysis 'ok' must be true or false")
    if entry.get("duration_s") is not None:
        _number(entry["duration_s"], where, "analysis duration_s")
    answer = entry.get("answer")
    if answer is not None:
        if not isinstance(answer, dict):
            raise MockintError(f"{where}: analysis 'answer' must be a JSON object")
        if answer.get("duration_s") is not None:
            _number(answer["duration_s"], where, "answer duration_s")
    words = _list_field(entry, "words", where)
    for index, word in enumerate(words):
        label = f"word {index}"
        if not isinstance(word, dict) or not isinstance(word.get("text"), str):
            raise MockintError(f"{where}: {label} must be an object with 'text'")
        _number(word.get("start_s"), where, f"{label} start_s")
        _number(word.get("end_s"), where, f"{label} end_s")
        if word.get("phase") is not None and word["phase"] not in PHASES:
            raise MockintError(f"{where}: {label} has unknown phase {word['phase']!r}")
    phases = _list_field(entry, "phases", where)
    for index, phase in enumerate(phases):
        label = f"phase entry {index}"
        if not isinstance(phase, dict) or phase.get("phase") not in PHASES:
            raise MockintError(f"{where}: {label} must name a phase ({', '.join(PHASES)})")
        for key in ("start_s", "end_s", "duration_s"):
            if phase.get(key) is not None:
                _number(phase[key], where, f"{label} {key}")
        for key in ("target_min_s", "target_max_s"):
            _number(phase.get(key), where, f"{label} {key}")
        if phase.get("verdict") not in VERDICTS:
            raise MockintError(f"{where}: {label} has unknown verdict {phase.get('verdict')!r}")
    spans = _list_field(entry, "spans", where)
    for index, span in enumerate(spans):
        label = f"span {index}"
        if not isinstance(span, dict) or span.get("phase") not in PHASES:
            raise MockintError(f"{where}: {label} must name a phase ({', '.join(PHASES)})")
        _number(span.get("start_s"), where, f"{label} start_s")
        _number(span.get("end_s"), where, f"{label} end_s")
    return entry


def _number(value: object, where: str, what: str) -> float:
    # bool is an int in Python; a true/false where a time belongs is damage, not a number.
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise MockintError(f"{where}: {what} must be a finite number")
    return float(value)


def dump_json(document: dict[str, Any], where: str = "session") -> bytes:
    """Strict JSON (no NaN or Infinity, which other tools cannot read back)."""
    try:
        text = json.dumps(document, indent=2, ensure_ascii=False, allow_nan=False)
    except ValueError as error:
        raise MockintError(f"{where}: cannot be stored as JSON ({error})") from None
    return (text + "\n").encode()


def _list_field(entry: dict[str, Any], key: str, where: str) -> list[Any]:
    """An analysis field that must be a list (absent counts as empty)."""
    value = entry.get(key, [])
    if not isinstance(value, list):
        raise MockintError(f"{where}: analysis {key!r} must be a list")
    return value
