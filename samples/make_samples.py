"""Regenerate the bundled sample answers from samples/answers.json, in two voices.

samples/*.ogg are read by the natural Piper voice at about 150 words a minute (needs
mockint[voice]); samples/espeak/*.ogg
by espeak-ng at 135 words a minute, an unhurried answering pace. Two synthesizers keep the
checks honest: results must not depend on one voice's rhythm. Both are saved as 16 kHz mono
Ogg Vorbis, which keeps the files small. Needs the espeak-ng and sox programs.

    python samples/make_samples.py
"""

from __future__ import annotations

import json
import subprocess
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ESPEAK_WORDS_PER_MINUTE = 135
PIPER_LENGTH_SCALE = 1.45  # about 150 words a minute; the voice's own pace is near 220


def to_ogg(wav: Path, out: Path) -> None:
    subprocess.run(["sox", str(wav), "-r", "16000", "-c", "1", "-C", "2", str(out)], check=True)


def espeak_wav(text: str, wav: Path) -> None:
    subprocess.run(
        ["espeak-ng", "-v", "en-us", "-s", str(ESPEAK_WORDS_PER_MINUTE), "-w", str(wav), text],
        check=True,
    )


def piper_wav(text: str, wav: Path) -> None:
    from mockint.audio import write_wav
    from mockint.speak import PiperSpeaker

    samples, rate_hz = PiperSpeaker(length_scale=PIPER_LENGTH_SCALE).synthesize(text)
    write_wav(wav, samples, rate_hz)


def main() -> None:
    answers = json.loads((HERE / "answers.json").read_text())
    (HERE / "espeak").mkdir(exist_ok=True)
    for name, answer in answers.items():
        text = " ".join(segment_text for _phase, segment_text in answer["segments"])
        for folder, speak in ((HERE, piper_wav), (HERE / "espeak", espeak_wav)):
            with tempfile.TemporaryDirectory() as tmp:
                wav = Path(tmp) / "speech.wav"
                speak(text, wav)
                out = folder / f"{name}.ogg"
                to_ogg(wav, out)
            print(f"{out.relative_to(HERE)}: {out.stat().st_size // 1024} KiB")


if __name__ == "__main__":
    main()
