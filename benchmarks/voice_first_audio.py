"""How long after a question is chosen the Piper voice starts speaking it (goal: 0.5 s).

Loads and warms the voice first (the practice loop does that while the menu shows), then
times say() from its call to the moment the first synthesised samples reach the output
stream, for a few questions. Plays on the default speaker; on a machine without one, on the
tests' virtual sound card (which runs faster than real time, so only the first-audio time
means anything there). Last line: time_to_first_audio_s=X (median).
"""

from __future__ import annotations

import statistics
import sys
import tempfile
from pathlib import Path

QUESTIONS = (
    "Tell me about a time you disagreed with a colleague. What did you do?",
    "Describe a project that failed. What did you learn from it?",
    "Walk me through a time you had to deliver with an impossible deadline.",
)


def use_virtual_card_if_no_speaker() -> None:
    import sounddevice as sd

    if any(device["max_output_channels"] > 0 for device in sd.query_devices()):
        return
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from tests.audio_harness import install

    install(Path(tempfile.mkdtemp(prefix="mockint-bench-audio-")))
    print("no speaker found: playing on the virtual sound card")


def main() -> None:
    use_virtual_card_if_no_speaker()
    from mockint.speak import PiperSpeaker

    speaker = PiperSpeaker()
    speaker.warm()
    times_s = []
    for question in QUESTIONS:
        speaker.say(question)
        assert speaker.last_time_to_first_audio_s is not None
        times_s.append(speaker.last_time_to_first_audio_s)
        print(f"{speaker.last_time_to_first_audio_s:.3f} s  {question}")
    print(f"time_to_first_audio_s={statistics.median(times_s):.3f}")


if __name__ == "__main__":
    main()
