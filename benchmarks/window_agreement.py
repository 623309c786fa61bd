"""How closely transcripts made in pieces agree with one whole-file pass, by how the pieces
are chosen. Runs on every sample answer (both voices) with the bundled model and the same
comparison as the streaming test (case, punctuation, number formatting and contractions set
aside).

- pause_cuts: mockint's streaming path today (cut at pauses, each chunk decoded once).
- windows_own_vad: decode the whole-file pass's own 30 s windows as they would become
  available while recording: each stretch starts at the last word of the window before it,
  holds at least 30 s of speech, runs the speech filter on itself, and only its first
  window's words are kept.
- windows_shared_vad: the same windows cut from the speech the filter found in the whole
  recording so far, as the whole-file pass itself does.

Each of the last three lines gives one way's fraction of words that differ; the last is
windows_shared_vad=X.

    python benchmarks/window_agreement.py
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from mockint.audio import decode_file  # noqa: E402
from mockint.model import SAMPLE_RATE_HZ  # noqa: E402
from mockint.streaming import transcribe_in_chunks  # noqa: E402
from mockint.transcribe import DISFLUENCY_PROMPT, load_transcriber  # noqa: E402
from tests.test_streaming import SAMPLE_FILES, comparable_words, disagreement  # noqa: E402

WINDOW_S = 30.0
# Whisper's mel frames: a segment's window start (seek) is counted in these.
FRAMES_PER_S = 100
SETTINGS: dict[str, Any] = {
    "language": "en",
    "word_timestamps": True,
    "beam_size": 1,
    "condition_on_previous_text": False,
}


def decode(model: Any, samples: np.ndarray, *, first: bool, vad: bool) -> tuple[list, float]:
    import ctranslate2

    ctranslate2.set_random_seed(0)
    segments, info = model.transcribe(
        samples,
        vad_filter=vad,
        initial_prompt=DISFLUENCY_PROMPT if first else None,
        **SETTINGS,
    )
    return list(segments), info.duration_after_vad


def first_window(segments: list) -> tuple[list, int | None]:
    """The segments of the first 30 s window, and where the next window starts (frames)."""
    kept = [s for s in segments if s.seek == 0]
    later = [s.seek for s in segments if s.seek != 0]
    return kept, (later[0] if later else None)


def windows_own_vad(model: Any, audio: np.ndarray) -> str:
    # Enough recording that the speech filter leaves at least one full window.
    reach = int(1.5 * WINDOW_S * SAMPLE_RATE_HZ)
    start, texts = 0, []
    while True:
        final = start + reach >= len(audio)
        segments, _heard = decode(model, audio[start : start + reach], first=start == 0, vad=True)
        if final:
            texts += [s.text for s in segments]
            return " ".join(texts)
        kept, _next = first_window(segments)
        texts += [s.text for s in kept]
        # The next window starts at this one's last word (a silent window: 30 s on).
        last_end_s = kept[-1].words[-1].end if kept and kept[-1].words else WINDOW_S
        start += int(round(last_end_s * SAMPLE_RATE_HZ))


def windows_shared_vad(model: Any, audio: np.ndarray) -> str:
    from faster_whisper.vad import VadOptions, collect_chunks, get_speech_timestamps

    chunks, _ = collect_chunks(audio, get_speech_timestamps(audio, VadOptions()))
    speech = np.concatenate(chunks)
    window = int(WINDOW_S * SAMPLE_RATE_HZ)
    hop = SAMPLE_RATE_HZ // FRAMES_PER_S
    seek, texts = 0, []
    while True:
        piece = speech[seek * hop : seek * hop + window]
        segments, _heard = decode(model, piece, first=seek == 0, vad=False)
        if seek * hop + window >= len(speech):
            texts += [s.text for s in segments]
            return " ".join(texts)
        kept, next_seek = first_window(segments)
        texts += [s.text for s in kept]
        if next_seek is None:  # the rest of the window was silence
            last_end_s = kept[-1].words[-1].end if kept and kept[-1].words else WINDOW_S
            next_seek = round(last_end_s * FRAMES_PER_S)
        seek += next_seek


def main() -> None:
    transcriber = load_transcriber()
    model = transcriber._model  # noqa: SLF001 - the same loaded model, driven window by window
    differing = {"pause_cuts": 0, "windows_own_vad": 0, "windows_shared_vad": 0}
    n_words = 0
    for path in SAMPLE_FILES:
        audio = decode_file(path)
        whole = comparable_words(transcriber.transcribe(audio).text)
        pieces = {
            "pause_cuts": transcribe_in_chunks(transcriber, audio)[0].text,
            "windows_own_vad": windows_own_vad(model, audio),
            "windows_shared_vad": windows_shared_vad(model, audio),
        }
        row = []
        for name, text in pieces.items():
            d = disagreement(whole, comparable_words(text))
            differing[name] += d
            row.append(f"{name} {d}/{len(whole)}")
        n_words += len(whole)
        print(f"{path.parent.name}/{path.name}: " + ", ".join(row), flush=True)
    for name, d in differing.items():
        print(f"{name}={d / n_words:.4f}")


if __name__ == "__main__":
    main()
