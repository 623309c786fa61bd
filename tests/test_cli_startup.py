"""The CLI starts without loading the speech model's or the sound stack's libraries."""

import subprocess
import sys


def test_help_imports_neither_faster_whisper_nor_sounddevice():
    probe = (
        "import sys\n"
        "from click.testing import CliRunner\n"
        "from mockint.cli import cli\n"
        "result = CliRunner().invoke(cli, ['--help'])\n"
        "assert result.exit_code == 0, result.output\n"
        "print(result.output)\n"
        "heavy = [m for m in ('faster_whisper', 'sounddevice', 'ctranslate2', 'onnxruntime', 'av')"
        " if m in sys.modules]\n"
        "print('HEAVY', heavy)\n"
    )
    run = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    assert "HEAVY []" in run.stdout
    assert "analyze" in run.stdout and "eval-star" in run.stdout
