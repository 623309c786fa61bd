"""The CLI starts without loading the speech model's or the sound stack's libraries."""

import importlib
import subprocess
import sys

import click
import pytest

from mockint.cli import LAZY_COMMANDS


def test_help_imports_neither_faster_whisper_nor_sounddevice():
    probe = (
        "import sys\n"
        "from click.testing import CliRunner\n"
        "from mockint.cli import cli\n"
        "result = CliRunner().invoke(cli, ['--help'])\n"
        "assert result.exit_code == 0, result.output\n"
        "print(result.output)\n"
        "heavy = [m for m in ('faster_whisper', 'sounddevice', 'ctranslate2', 'onnxruntime', 'av',"
        " 'numpy', 'rich', 'mockint.star', 'mockint.transcribe')"
        " if m in sys.modules]\n"
        "heavy += [m for m in sys.modules if m.startswith('mockint.cli_')]\n"
        "print('HEAVY', heavy)\n"
    )
    run = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    assert "HEAVY []" in run.stdout
    assert "analyze" in run.stdout and "eval-star" in run.stdout


@pytest.mark.parametrize("name", sorted(LAZY_COMMANDS))
def test_the_help_listing_says_what_each_command_says_of_itself(name):
    target, line = LAZY_COMMANDS[name]
    module_name, attr = target.split(":")
    command = getattr(importlib.import_module(module_name), attr)
    assert isinstance(command, click.Command)
    assert command.name == name
    assert line == command.get_short_help_str(limit=1000)


def test_the_library_api_loads_on_first_use():
    probe = (
        "import sys, mockint\n"
        "assert 'mockint.star' not in sys.modules\n"
        "from mockint import Word, segment\n"
        "import mockint.model, mockint.star\n"
        "assert segment is mockint.star.segment and Word is mockint.model.Word\n"
        "print('OK')\n"
    )
    run = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    assert "OK" in run.stdout


def test_the_help_listing_matches_clicks_own(monkeypatch):
    from click.testing import CliRunner

    from mockint.cli import LazyGroup, cli

    lazy = CliRunner().invoke(cli, ["--help"], terminal_width=72).output
    monkeypatch.delattr(LazyGroup, "format_commands")  # click's own: imports every command
    eager = CliRunner().invoke(cli, ["--help"], terminal_width=72).output
    assert lazy == eager
