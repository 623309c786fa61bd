"""The `mockint` command line: a click group whose commands load only when used."""

from __future__ import annotations

import importlib
import sys

import click

from mockint import __version__
from mockint.errors import MockintError

# name -> "module:attribute". Commands are imported on demand so that `mockint --help`
# starts fast and never pulls in faster_whisper, onnxruntime or PortAudio.
LAZY_COMMANDS: dict[str, str] = {
    "analyze": "mockint.cli_analyze:analyze",
    "eval-star": "mockint.cli_eval:eval_star",
    "questions": "mockint.cli_bank:questions",
    "stories": "mockint.cli_bank:stories",
    "sessions": "mockint.cli_sessions:sessions",
    "replay": "mockint.cli_sessions:replay",
    "progress": "mockint.cli_sessions:progress",
    "export": "mockint.cli_sessions:export",
    "delete": "mockint.cli_sessions:delete",
    "doctor": "mockint.cli_sessions:doctor",
    "devices": "mockint.cli_devices:devices",
    "check": "mockint.cli_devices:check",
    "practice": "mockint.cli_practice:practice",
}


class LazyGroup(click.Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted([*super().list_commands(ctx), *LAZY_COMMANDS])

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in LAZY_COMMANDS:
            module_name, attr = LAZY_COMMANDS[cmd_name].split(":")
            command = getattr(importlib.import_module(module_name), attr)
            assert isinstance(command, click.Command)
            return command
        return super().get_command(ctx, cmd_name)


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
