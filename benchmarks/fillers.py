"""How many spoken fillers survive transcription, with and without the disfluency prompt.

Speaks scripted answers with known fillers through espeak-ng, transcribes them with the bundled
model, and counts what mockint.delivery.find_fillers finds. Synthetic speech says "um" more
cleanly than people do, so treat the numbers as an upper bound for real recordings.
Last line: filler_recall=X (with the prompt, which is what `mockint analyze` uses).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

from mockint.audio import decode_file
from mockint.delivery import DISFLUENCY_PROMPT, find_fillers
from mockint.evidence import clean
from mockint.transcribe import WhisperTranscriber

# Each script marks its fillers; the counts are the ground truth.
SCRIPTS = (
    "So, um, the situation was that our checkout service kept timing out at peak hours.",
    "I was, uh, responsible for finding the cause, and, um, fixing it before the sale.",
    "Um, first I added tracing to every call, and, uh, I found a slow database query.",
    "I rewrote the query, you know, and added an index, and then, um, I load tested it.",
    "The p99 latency went from two seconds to, uh, three hundred milliseconds.",
    "Uh, what I learned is to, um, measure before guessing, you know, every time.",
    "It was, like, a really stressful week, but, um, the team stayed calm.",
    "Hmm, I think the biggest lesson was, uh, to ask for help earlier.",
    "We had, um, three outages that month, and, uh, none the month after.",
    "I talked to the product manager, and, um, we agreed to, uh, cut two features.",
)
# Answers without fillers: anything found here is the prompt making the model invent them.
CLEAN_SCRIPTS = (
    "I owned the migration plan and wrote the design document in the first week.",
    "The error rate dropped by forty percent and the on call load went down with it.",
    "Looking back, I would involve the support team much earlier next time.",
)
REAL_SPEECH = Path(__file__).resolve().parent.parent / "tests" / "data" / "real"
FILLER_KINDS = ("um", "uh", "hmm", "you know", "like")


def truth(script: str) -> Counter[str]:
    lowered = script.lower()
    counts: Counter[str] = Counter()
    for kind in FILLER_KINDS:
        if kind == "like":
            counts[kind] = lowered.count(", like,")
        else:
            counts[kind] = (
                sum(1 for token in lowered.replace(",", " ").split() if token == kind)
                if " " not in kind
                else lowered.count(kind)
            )
    return counts


def detected(words) -> Counter[str]:
    counts: Counter[str] = Counter()
    for evidence in find_fillers(words):
        text = " ".join(clean(part) for part in evidence.text.split())
        kind = {"umm": "um", "uhm": "um", "uhh": "uh", "hm": "hmm"}.get(text, text)
        counts[kind] += 1
    return counts


def speak(text: str, path: Path) -> None:
    subprocess.run(
        ["espeak-ng", "-v", "en-us", "-s", "150", "-w", str(path), text],
        check=True,
        capture_output=True,
    )


def main() -> None:
    if shutil.which("espeak-ng") is None:
        sys.exit("espeak-ng is needed to synthesise the test speech")
    folder = Path(tempfile.mkdtemp(prefix="mockint-fillers-"))
    try:
        clips = []
        for index, script in enumerate(SCRIPTS):
            path = folder / f"clip{index}.wav"
            speak(script, path)
            clips.append((script, decode_file(path)))
        clean_clips = []
        for index, script in enumerate(CLEAN_SCRIPTS):
            path = folder / f"clean{index}.wav"
            speak(script, path)
            clean_clips.append(decode_file(path))
        clean_clips += [decode_file(p) for p in sorted(REAL_SPEECH.glob("*.flac"))]
        results = {}
        for label, prompt in (("no_prompt", None), ("prompt", DISFLUENCY_PROMPT)):
            transcriber = WhisperTranscriber(initial_prompt=prompt)
            hits = total = found_all = 0
            for script, samples in clips:
                expected = truth(script)
                found = detected(transcriber.transcribe(samples).words)
                hits += sum(min(expected[k], found[k]) for k in expected)
                total += sum(expected.values())
                found_all += sum(found.values())
            recall = hits / total
            precision = hits / found_all if found_all else 1.0
            invented = sum(
                sum(detected(transcriber.transcribe(samples).words).values())
                for samples in clean_clips
            )
            results[label] = recall
            print(
                f"{label}: fillers={total} detected={found_all} matched={hits} "
                f"recall={recall:.2f} precision={precision:.2f} "
                f"invented_in_{len(clean_clips)}_filler_free_clips={invented}"
            )
        print(f"filler_recall_without_prompt={results['no_prompt']:.2f}")
        print(f"filler_recall={results['prompt']:.2f}")
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
