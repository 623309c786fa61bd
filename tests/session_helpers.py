"""Hand-built analysis entries (schema mockint.analysis/1) and small WAV files for session tests."""

from __future__ import annotations

import math
import struct
import wave
from pathlib import Path

from mockint.model import PHASE_TARGETS, PHASES

DEFAULT_TEXTS = {
    "situation": "Our checkout service failed every Friday during the busiest sales window.",
    "task": "I had to find the cause before the holiday launch.",
    "action": "I traced the slow queries and I rewrote the retry logic myself.",
    "result": "Errors fell by 80 percent and I learned to load test before launches.",
}


def make_analysis(
    durations_s: dict[str, float] | None = None,
    texts: dict[str, str] | None = None,
    path: str = "answer.wav",
) -> dict:
    """A per-file analysis entry whose phases follow each other with the given durations."""
    durations_s = durations_s or {"situation": 35, "task": 20, "action": 70, "result": 40}
    texts = {**DEFAULT_TEXTS, **(texts or {})}
    words, phases, clock = [], [], 0.0
    for phase in PHASES:
        target = PHASE_TARGETS[phase]
        duration = durations_s.get(phase)
        if not duration:
            phases.append(_phase(phase, None, None, target.min_s, target.max_s, "missing"))
            continue
        parts = texts[phase].split()
        step = duration / len(parts)
        for index, text in enumerate(parts):
            start = clock + index * step
            words.append(
                {
                    "text": text,
                    "start_s": round(start, 3),
                    "end_s": round(start + step * 0.8, 3),
                    "phase": phase,
                }
            )
        phases.append(
            _phase(
                phase, clock, clock + duration, target.min_s, target.max_s, target.verdict(duration)
            )
        )
        clock += duration
    return {
        "path": path,
        "ok": True,
        "error": None,
        "duration_s": clock,
        "model": "hand-built",
        "words": words,
        "phases": phases,
    }


def _phase(phase, start, end, min_s, max_s, verdict):
    return {
        "phase": phase,
        "start_s": start,
        "end_s": end,
        "duration_s": None if start is None else end - start,
        "target_min_s": min_s,
        "target_max_s": max_s,
        "verdict": verdict,
    }


def write_tone_wav(path: Path, duration_s: float = 0.5, sample_rate_hz: int = 16_000) -> Path:
    """A 440 Hz tone as 16-bit mono WAV: audible, so playback tests can tell it from silence."""
    n_samples = int(duration_s * sample_rate_hz)
    frames = b"".join(
        struct.pack("<h", int(12000 * math.sin(2 * math.pi * 440 * i / sample_rate_hz)))
        for i in range(n_samples)
    )
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(sample_rate_hz)
        out.writeframes(frames)
    return path
