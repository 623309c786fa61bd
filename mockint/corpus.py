"""Pure: the labelled STAR corpus — answers with a gold phase for every word.

A corpus is JSON Lines; each line is one answer:
{"id", "theme", "style", "split": "train"|"dev", "hard": [tags], "segments": [{"phase", "text"}]}
Segments are in spoken order and a phase may occur twice (a Result stated up front).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from mockint.errors import MockintError
from mockint.model import PHASES, Phase, Word

# A steady conversational pace, for timing text-only answers: 150 words a minute.
TEXT_WORDS_PER_S = 2.5


@dataclass(frozen=True, slots=True)
class LabelledAnswer:
    id: str
    theme: str
    split: str
    hard: tuple[str, ...]
    segments: tuple[tuple[Phase, str], ...]

    @property
    def tokens(self) -> tuple[str, ...]:
        return tuple(token for _phase, text in self.segments for token in text.split())

    @property
    def gold(self) -> tuple[Phase, ...]:
        return tuple(phase for phase, text in self.segments for _ in text.split())

    @property
    def text(self) -> str:
        return " ".join(text for _phase, text in self.segments)

    def timed_words(self, words_per_s: float = TEXT_WORDS_PER_S) -> tuple[Word, ...]:
        """The answer as if spoken at a steady rate, with a short breath after sentences."""
        words = []
        t = 0.0
        for token in self.tokens:
            duration = (0.6 + 0.1 * len(token) / 5) / words_per_s
            words.append(Word(token, round(t, 3), round(t + duration * 0.85, 3)))
            t += duration + (0.35 if token.endswith((".", "?", "!")) else 0.0)
        return tuple(words)


def load_corpus(paths: Iterable[Path]) -> tuple[LabelledAnswer, ...]:
    """Every answer in the given files (or folders of *.jsonl), with precise errors."""
    answers: list[LabelledAnswer] = []
    seen: set[str] = set()
    for path in _expand(paths):
        for line_no, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            answer = _parse(path, line_no, line)
            if answer.id in seen:
                raise MockintError(f"{path}:{line_no}: duplicate answer id {answer.id!r}")
            seen.add(answer.id)
            answers.append(answer)
    return tuple(answers)


def _expand(paths: Iterable[Path]) -> list[Path]:
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files.extend(sorted(path.glob("*.jsonl")))
        elif path.is_file():
            files.append(path)
        else:
            raise MockintError(f"{path}: no such corpus file or folder")
    return files


def _parse(path: Path, line_no: int, line: str) -> LabelledAnswer:
    where = f"{path}:{line_no}"
    try:
        data = json.loads(line)
        # "Situation" and "situation" are the same phase to whoever writes the file.
        segments = tuple((s["phase"].strip().lower(), s["text"].strip()) for s in data["segments"])
        answer = LabelledAnswer(
            id=str(data["id"]),
            theme=str(data.get("theme", "")),
            split=str(data.get("split", "dev")),
            hard=tuple(data.get("hard", ())),
            segments=segments,
        )
    except json.JSONDecodeError as error:
        raise MockintError(f"{where}: not valid JSON ({error.msg})") from None
    except RecursionError:
        raise MockintError(f"{where}: not valid JSON (nested too deeply)") from None
    except (KeyError, TypeError, AttributeError) as error:
        raise MockintError(f"{where}: missing or malformed field {error}") from None
    if not answer.segments:
        raise MockintError(f"{where}: answer {answer.id!r} has no segments")
    for phase, text in answer.segments:
        if phase not in PHASES:
            raise MockintError(f"{where}: unknown phase {phase!r} (use {', '.join(PHASES)})")
        if not text:
            raise MockintError(f"{where}: empty {phase} segment")
    return answer
