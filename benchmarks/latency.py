"""How long after an answer ends is its full report ready? (practice loop, real time)

A ~3-minute spoken answer (the bundled sample answers, joined and cut at a pause) goes
through the real recording path at 1x speed: the Recorder's own input callback is fed one
0.1 s block at a time on a clock, exactly as PortAudio would, and the practice loop records
it to disk, transcribes it as it goes, and stops the moment the last block is in, as if the
speaker pressed Enter on their last word. The figure is the time from that last block to
the coaching report being rendered.

    python benchmarks/latency.py [--seconds 180] [--runs 3] [--model tiny.en]

Last line: latency_after_end_s=<median of the runs>.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

import numpy as np  # noqa: E402

from mockint.model import SAMPLE_RATE_HZ  # noqa: E402
from mockint.record import Recorder  # noqa: E402

BLOCK_S = 0.1
SAMPLE_FILES = ("well-formed.ogg", "no-metric.ogg", "result-first.ogg")


def spoken_answer(seconds: float) -> np.ndarray:
    """Sample answers joined (with a breath between) and cut in the quietest spot near the end."""
    from mockint.audio import decode_file

    parts = []
    for name in SAMPLE_FILES:
        parts += [decode_file(REPO / "samples" / name), np.zeros(SAMPLE_RATE_HZ // 2, np.float32)]
    audio = np.concatenate(parts)
    end = int(seconds * SAMPLE_RATE_HZ)
    if len(audio) <= end:
        return audio
    # The quietest 0.2 s in the last 5 s before the target: the answer ends between words.
    frame = SAMPLE_RATE_HZ // 50
    start = end - 5 * SAMPLE_RATE_HZ
    energy = [float(np.mean(audio[i : i + frame] ** 2)) for i in range(start, end, frame)]
    quiet = start + frame * min(range(len(energy)), key=energy.__getitem__)
    return audio[:quiet]


class PacedRecorder(Recorder):
    """The Recorder, with its PortAudio callback fed from an array at real-time pace."""

    def __init__(self, samples: np.ndarray, on_last_block: Callable[[], None]) -> None:
        super().__init__(block_s=BLOCK_S)
        self._samples = samples
        self._on_last_block = on_last_block
        self.last_block_at = 0.0
        self._feeder: threading.Thread | None = None
        self._done = threading.Event()
        self._closed = threading.Event()

    def start(self) -> None:
        self._stream = _Stream()
        self._feeder = threading.Thread(target=self._feed, daemon=True)
        self._feeder.start()

    def _feed(self) -> None:
        pcm = (np.clip(self._samples, -1, 1) * 32767).astype(np.int16)
        step = round(BLOCK_S * SAMPLE_RATE_HZ)
        began = time.monotonic()
        try:
            for n, i in enumerate(range(0, len(pcm), step)):
                # A block is delivered once all of its audio has "happened".
                delay = began + (n + 1) * BLOCK_S - time.monotonic()
                if delay > 0:
                    time.sleep(delay)
                if self._closed.is_set():
                    return  # the loop failed and closed the recorder: stop feeding
                self._callback(pcm[i : i + step, None], step, None, None)
            self.last_block_at = time.monotonic()
            # Enter, once the loop has taken the last block.
            while not self._queue.empty() and not self._closed.is_set():
                time.sleep(0.001)
            self._on_last_block()
        finally:
            self._done.set()

    def close(self) -> None:
        self._closed.set()
        self._done.wait()
        self._stream = None


class _Stream:
    active = True


class BenchKeys:
    """Hands the loop's key callback to the recorder, which 'presses Enter' at the end."""

    def __init__(self) -> None:
        self.on_press: Callable[[], None] = lambda: None

    @contextlib.contextmanager
    def watch(self, on_press: Callable[[], None]) -> Iterator[None]:
        self.on_press = on_press
        yield


class QuietScreen:
    """Renders the report (its cost counts) into memory instead of a terminal."""

    def __init__(self) -> None:
        from rich.console import Console

        self.console = Console(file=io.StringIO(), width=100)

    def question(self, text: str, *, heading: str) -> None:
        pass

    def notice(self, text: str) -> None:
        pass

    @contextlib.contextmanager
    def live(self) -> Iterator[Callable[[object], None]]:
        yield lambda state: None

    def report(self, analysis: object) -> None:
        from mockint.render import terminal_report

        self.console.print(terminal_report(analysis))

    def choose(self, *, last: bool) -> str:
        return "quit"


def one_run(samples: np.ndarray, transcriber: object) -> tuple[float, tuple[str, ...]]:
    from mockint.practice import StopPolicy
    from mockint.practice_loop import Interrupts, Ports, Settings, answer_one
    from mockint.speak import SilentSpeaker
    from mockint.store import open_store

    keys = BenchKeys()
    recorders: list[PacedRecorder] = []

    def make_recorder() -> PacedRecorder:
        recorder = PacedRecorder(samples, lambda: keys.on_press())
        recorders.append(recorder)
        return recorder

    ports = Ports(
        screen=QuietScreen(),
        speaker=SilentSpeaker(),
        recorder_factory=make_recorder,
        transcriber=lambda: transcriber,  # type: ignore[arg-type, return-value]
        store=open_store(),
        keys=keys,
    )
    settings = Settings(policy=StopPolicy(silence_stop_s=None, max_s=3600), follow_up=False)
    answer = answer_one(
        ports,
        settings,
        Interrupts(),
        question_text="Tell me about a time you improved a system you owned.",
        question=None,
        heading="benchmark",
    )
    ports.store.close()
    latency_s = answer.report_ready_at - recorders[0].last_block_at
    return latency_s, tuple(w.text for w in answer.analysis.transcript.words)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=180.0)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--model", default="tiny.en")
    args = parser.parse_args()
    os.environ["MOCKINT_HOME"] = tempfile.mkdtemp(prefix="mockint-bench-")

    from mockint.streaming import warm_up
    from mockint.transcribe import load_transcriber

    samples = spoken_answer(args.seconds)
    transcriber = load_transcriber(args.model)
    warm_up(transcriber)  # as the practice loop does while the question is spoken
    from tests.test_streaming import comparable_words, disagreement

    # What the report says against one pass over the same recording: the windows agree
    # but for a few words; the look-ahead's pieces, which stand in for the last window
    # so the report is quick, differ more.
    whole = comparable_words(transcriber.transcribe(samples).text)
    figures = []
    for run in range(1, args.runs + 1):
        latency_s, words = one_run(samples, transcriber)
        figures.append(latency_s)
        differing = disagreement(whole, comparable_words(" ".join(words)))
        print(
            f"run {run}: answer {len(samples) / SAMPLE_RATE_HZ:.1f} s, {len(words)} words, "
            f"report {latency_s:.3f} s after the last sample, "
            f"{differing}/{len(whole)} words differ from one pass ({differing / len(whole):.1%})",
            flush=True,
        )
    spread = max(figures) - min(figures)
    print(f"runs={len(figures)} min={min(figures):.3f} max={max(figures):.3f} spread={spread:.3f}")
    print(f"latency_after_end_s={statistics.median(figures):.3f}")


if __name__ == "__main__":
    main()
