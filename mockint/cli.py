"""The `mockint` command line: a click group whose commands load only when used."""

from __future__ import annotations

import importlib
import sys

import click

from mockint import __version__
from mockint.errors import MockintError

# name -> ("module:attribute", its one-line help). Commands are imported on demand, and the
# group's help lists them from this table, so `mockint --help` imports no command module (a
# test checks each line against the command's own help) and never pulls in faster_whisper,
# onnxruntime or PortAudio.
LAZY_COMMANDS: dict[str, tuple[str, str]] = {
    "analyze": (
        "mockint.cli_analyze:analyze",
        "Analyze recorded answers: files, or folders searched for audio files.",
    ),
    "eval-star": (
        "mockint.cli_eval:eval_star",
        "Score the STAR segmenter on labelled answers (JSON Lines; the README shows the format).",
    ),
    "questions": (
        "mockint.cli_bank:questions",
        "List the behavioral questions, filtered by theme, company or principle.",
    ),
    "stories": (
        "mockint.cli_bank:stories",
        "Keep your story bank: the 8-12 prepared stories you answer questions with.",
    ),
    "sessions": (
        "mockint.cli_sessions:sessions",
        "List past sessions: date, question, theme, time per phase and coaching flags.",
    ),
    "replay": (
        "mockint.cli_sessions:replay",
        "Play a past answer with its transcript and current phase following along.",
    ),
    "progress": (
        "mockint.cli_sessions:progress",
        "How your timing and coaching flags change over your recent sessions.",
    ),
    "export": (
        "mockint.cli_sessions:export",
        "Export one session (SESSION_ID) or --all of them as JSON, CSV or HTML.",
    ),
    "delete": (
        "mockint.cli_sessions:delete",
        "Delete a session: its recording, transcript, analysis and index entry.",
    ),
    "doctor": (
        "mockint.cli_sessions:doctor",
        "Check the session history and rebuild its index from the session folders.",
    ),
    "devices": (
        "mockint.cli_devices:devices",
        "List the microphones and speakers PortAudio can use; * marks the defaults.",
    ),
    "check": (
        "mockint.cli_devices:check",
        "Try each part once: record from the microphone, play a tone, speak and transcribe.",
    ),
    "practice": (
        "mockint.cli_practice:practice",
        "Practise answering out loud: hear a question, answer, get your report at once.",
    ),
}


class LazyGroup(click.Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted([*super().list_commands(ctx), *LAZY_COMMANDS])

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in LAZY_COMMANDS:
            module_name, attr = LAZY_COMMANDS[cmd_name][0].split(":")
            command = getattr(importlib.import_module(module_name), attr)
            assert isinstance(command, click.Command)
            return command
        return super().get_command(ctx, cmd_name)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        # click's own version imports every command to ask for its help line.
        names = self.list_commands(ctx)
        if not names:
            return
        limit = formatter.width - 6 - max(len(name) for name in names)
        rows = []
        for name in names:
            if name in LAZY_COMMANDS:
                rows.append((name, _shorten(LAZY_COMMANDS[name][1], limit)))
            elif (command := self.get_command(ctx, name)) is not None and not command.hidden:
                rows.append((name, command.get_short_help_str(limit)))
        with formatter.section("Commands"):
            formatter.write_dl(rows)


def _shorten(text: str, limit: int) -> str:
    """A help line cut at a word to fit `limit` characters, as click cuts a command's own."""
    if len(text) <= limit:
        return text
    import textwrap

    return textwrap.shorten(text, max(limit, 3), placeholder="...", break_on_hyphens=False)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="mockint")
def cli() -> None:
    """mockint: a local, speech-based mock interviewer for behavioral (STAR) answers.

    Everything runs on this machine: the speech model, your recordings, your history.
    """


def main() -> None:
    """Entry point: run the CLI, turning MockintError into one clean line on stderr."""
    try:
        # Without standalone mode click returns a command's ctx.exit(code) instead of exiting.
        exit_code = cli.main(standalone_mode=False)
    except MockintError as error:
        click.echo(f"mockint: {error}", err=True)
        sys.exit(error.exit_code)
    except click.exceptions.Abort:
        click.echo("Aborted.", err=True)
        sys.exit(130)
    except click.ClickException as error:
        error.show()
        sys.exit(error.exit_code)
    sys.exit(exit_code if isinstance(exit_code, int) else 0)
