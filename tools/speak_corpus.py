"""Speak the training split of the STAR corpus with espeak-ng (or the Piper voice, --voice
piper), transcribe it with the bundled model, and write the recognised words with their gold
phases (JSON Lines). train_star.py learns from these as well as from the written texts, so
the segmenter sees what a recogniser does to an answer: lost or moved full stops, digits for
number words, misheard words.

    python tools/speak_corpus.py tests/data/star > tests/data/star-spoken/train-espeak.jsonl

Only the training split is spoken; the dev split is never written here. Answers already in
--resume FILE are skipped, so an interrupted run can carry on by appending to the same file
(`--resume F >> F`; a plain `> F` would empty it before it is read).
"""

from __future__ import annotations

import argparse
import difflib
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from mockint.corpus import load_corpus
from mockint.star_eval_speech import spoken_answer
from mockint.transcribe import load_transcriber

MIN_OVERLAP = 0.6


def _overlap(written: Sequence[str], heard: Sequence[str]) -> float:
    def normal(tokens: Sequence[str]) -> list[str]:
        return [t.lower().strip(".,?!") for t in tokens]

    return difflib.SequenceMatcher(a=normal(written), b=normal(heard), autojunk=False).ratio()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("corpus", nargs="+", type=Path)
    parser.add_argument("--voice", choices=("espeak", "piper"), default="espeak")
    parser.add_argument("--rate", type=int, default=150, help="espeak-ng words per minute")
    parser.add_argument("--resume", type=Path, help="skip the answers already in this file")
    args = parser.parse_args()
    done: set[str] = set()
    if args.resume and args.resume.exists():
        lines = args.resume.read_text(encoding="utf-8").splitlines()
        done = {json.loads(line)["id"] for line in lines}
    transcriber = load_transcriber()
    for answer in load_corpus(args.corpus):
        if answer.split != "train" or answer.id in done:
            continue
        words, phases = spoken_answer(answer, transcriber, args.rate, args.voice)
        if _overlap(answer.tokens, [w.text for w in words]) < MIN_OVERLAP:
            # A transcript that lost most of the answer teaches the model nothing true.
            print(
                f"{answer.id}: recognised words cover too little of the text, skipped",
                file=sys.stderr,
            )
            continue
        record = {
            "id": answer.id,
            "voice": f"espeak-ng {args.rate} wpm" if args.voice == "espeak" else "piper",
            "words": [[w.text, round(w.start_s, 2), round(w.end_s, 2)] for w in words],
            "phases": list(phases),
        }
        print(json.dumps(record, ensure_ascii=False), flush=True)


if __name__ == "__main__":
    main()
