"""Read TOML with errors that name the file and line, and the user's settings file."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any

from mockint.errors import MockintError

CONFIG_FILE = "config.toml"


def parse_toml(name: str, text: str) -> dict[str, Any]:
    """Parse TOML, turning a syntax error into "<name>:<line>: syntax: <reason>"."""
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        message = str(error)
        found = re.search(r"\(at line (\d+), column (\d+)\)", message)
        line = found.group(1) if found else str(max(1, len(text.splitlines())))
        reason = re.sub(r"\s*\(at (?:line \d+, column \d+|end of document)\)", "", message)
        if found:
            reason += f" (column {found.group(2)})"
        raise MockintError(f"{name}:{line}: syntax: {reason}") from None
    except RecursionError:
        raise MockintError(f"{name}:1: syntax: nested too deeply") from None


def read_toml(path: Path) -> dict[str, Any]:
    """Parse a TOML file; unreadable or malformed files become one-line MockintErrors."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise MockintError(f"{path}: cannot read: {error}") from None
    return parse_toml(str(path), text)


def config_path() -> Path:
    from mockint.paths import data_home

    return data_home() / CONFIG_FILE


def load_config() -> dict[str, Any]:
    """The user's settings from config.toml in mockint's data folder; {} when there is none."""
    path = config_path()
    if not path.exists():
        return {}
    return read_toml(path)


class TomlSource:
    """One TOML file's name and text, with the line lookups error messages need."""

    def __init__(self, name: str, text: str, table: str) -> None:
        self.name = name
        self.lines = text.splitlines()
        self.table = table

    def error(self, line: int, field_name: str, reason: str) -> MockintError:
        return MockintError(f"{self.name}:{line}: {field_name}: {reason}")

    def table_line(self, index: int) -> int:
        """The line of the index-th [[table]] header (1-based), or 1 if it cannot be found."""
        header = re.compile(rf"^\s*\[\[\s*{re.escape(self.table)}\s*\]\]")
        seen = -1
        for number, line in enumerate(self.lines, start=1):
            if header.match(line):
                seen += 1
                if seen == index:
                    return number
        return 1

    def key_line(self, index: int, key: str) -> int:
        """The line where `key` is set inside the index-th [[table]], else the header's line."""
        start = self.table_line(index)
        assignment = re.compile(rf"^\s*[\"']?{re.escape(key)}[\"']?\s*=")
        for number in range(start + 1, len(self.lines) + 1):
            line = self.lines[number - 1]
            if re.match(r"^\s*\[", line):
                break
            if assignment.match(line):
                return number
        return start

    def top_key_line(self, key: str) -> int:
        pattern = re.compile(rf"^\s*(?:\[+\s*)?[\"']?{re.escape(key)}\b")
        for number, line in enumerate(self.lines, start=1):
            if pattern.match(line):
                return number
        return 1
