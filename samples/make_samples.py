"""Regenerate the bundled sample answers from samples/answers.json with espeak-ng.

Each answer is spoken by espeak-ng (US English, 135 words per minute, an unhurried answering
pace), resampled to 16 kHz mono and saved as Ogg Vorbis, which keeps the files small.
Needs the espeak-ng and sox programs. Run from anywhere: python samples/make_samples.py
"""

from __future__ import annotations

import json
import subprocess
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
WORDS_PER_MINUTE = 135


def speak_to_ogg(text: str, out: Path) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        raw = Path(tmp) / "speech.wav"
        subprocess.run(
            ["espeak-ng", "-v", "en-us", "-s", str(WORDS_PER_MINUTE), "-w", str(raw), text],
            check=True,
        )
        subprocess.run(["sox", str(raw), "-r", "16000", "-c", "1", "-C", "2", str(out)], check=True)


def main() -> None:
    answers = json.loads((HERE / "answers.json").read_text())
    for name, answer in answers.items():
        text = " ".join(segment_text for _phase, segment_text in answer["segments"])
        out = HERE / f"{name}.ogg"
        speak_to_ogg(text, out)
        print(f"{out.name}: {out.stat().st_size // 1024} KiB")


if __name__ == "__main__":
    main()
