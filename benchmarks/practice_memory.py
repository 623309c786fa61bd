"""Peak memory of `mockint practice` with the bundled tiny.en model, start to finish.

`mockint practice` runs in its own process as a user starts it (default voice, live view,
follow-up question), against the tests' virtual sound card: its microphone plays a
~3-minute spoken answer, then silence, which ends the answer after 2 s; the follow-up hears
the same answer again. The figure is the process's peak resident set size (ru_maxrss of
the finished child). Goal: at most 600 MB.

    python benchmarks/practice_memory.py [--runs 3] [--seconds 180]

Needs what the tests need: PortAudio, ALSA and espeak-ng (see tests/run.sh).
Last line: practice_peak_rss_mb=<median of the runs>.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from benchmarks.latency import spoken_answer  # noqa: E402
from tests.audio_harness import install  # noqa: E402


def peak_rss_mb(command: list[str], env: dict[str, str]) -> float:
    """Peak RSS of one child process: run it alone, so RUSAGE_CHILDREN's maximum is its own."""
    probe = (
        "import resource, subprocess, sys\n"
        "done = subprocess.run(sys.argv[1:], stdin=subprocess.DEVNULL,"
        " stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)\n"
        "if done.returncode:\n"
        "    sys.exit(done.stderr[-2000:] or f'exit code {done.returncode}')\n"
        "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n"
    )
    run = subprocess.run(
        [sys.executable, "-c", probe, *command],
        env=env,
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=900,
    )
    if run.returncode:
        sys.exit(f"mockint practice failed: {run.stderr.strip()}")
    return int(run.stdout.split()[-1]) / 1024  # ru_maxrss is in KiB on Linux


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seconds", type=float, default=180.0)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="mockint-memory-") as folder:
        card = install(Path(folder) / "card")
        answer = spoken_answer(args.seconds)
        card.feed(answer, pad_s=30.0)
        command = [
            sys.executable,
            "-m",
            "mockint",
            "practice",
            "--count",
            "1",
            "--question",
            "conflict-01",
            "--silence-stop",
            "2",
            "--max-seconds",
            str(args.seconds + 60),
        ]
        figures = []
        for run in range(1, args.runs + 1):
            home = Path(folder) / f"home-{run}"
            env = {**card.env(), "MOCKINT_HOME": str(home)}
            figures.append(peak_rss_mb(command, env))
            print(f"run {run}: peak RSS {figures[-1]:.0f} MB", flush=True)
        low, high = min(figures), max(figures)
        print(f"runs={len(figures)} min={low:.0f} max={high:.0f} spread={high - low:.0f}")
        print(f"practice_peak_rss_mb={statistics.median(figures):.0f}")


if __name__ == "__main__":
    main()
