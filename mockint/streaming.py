"""Transcribes an answer while it is recorded: cut at pauses, each chunk once, in a worker."""

from __future__ import annotations

import queue
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from mockint.model import SAMPLE_RATE_HZ, Transcript, Word

if TYPE_CHECKING:
    import numpy as np

    from mockint.transcribe import Transcriber

# Silero VAD judges 32 ms windows of 16 kHz audio.
WINDOW_SAMPLES = 512
WINDOW_S = WINDOW_SAMPLES / SAMPLE_RATE_HZ


@dataclass(frozen=True, slots=True)
class CutPolicy:
    """Where an answer may be cut into chunks that are transcribed on their own."""

    speech_threshold: float = 0.5
    # Below this a window is silence; between the two it keeps whatever it follows (hysteresis).
    silence_threshold: float = 0.35
    # A pause this long is a safe cut: no word straddles it, so none is lost or doubled.
    min_pause_s: float = 0.5
    # Whisper hears 30 s at a time and guesses words better with more of the answer around
    # them: chunks shorter than this lose words a whole-file pass gets right.
    min_chunk_s: float = 20.0
    # Past this a chunk is cut at its longest pause, so it still fits one 30 s window.
    max_chunk_s: float = 28.0
    # While the worker is idle, the chunk in progress is transcribed ahead of time in pieces
    # of at least min_piece_s, each ending at a pause of lookahead_pause_s: the live view
    # gets fresh words, and an answer that stops is all but transcribed already. Whatever
    # its length, the words after the last piece cost a whole Whisper window when the answer
    # stops, so pieces end at any phrase break; each hears the words before it as context.
    lookahead_pause_s: float = 0.2
    min_piece_s: float = 1.5


def _windows(seconds: float) -> int:
    return max(1, round(seconds / WINDOW_S))


def speech_flags(probabilities: Sequence[float], policy: CutPolicy) -> tuple[bool, ...]:
    """Per window: is it speech? Hysteresis keeps a word's soft ending inside the speech."""
    flags = []
    speaking = False
    for p in probabilities:
        if p >= policy.speech_threshold:
            speaking = True
        elif p < policy.silence_threshold:
            speaking = False
        flags.append(speaking)
    return tuple(flags)


def find_cut(probabilities: Sequence[float], policy: CutPolicy) -> int | None:
    """Pure: the window index at which to end a chunk that starts at window 0, or None yet.

    A cut falls in the middle of the first pause of at least min_pause_s that follows speech
    and ends a chunk of at least min_chunk_s. A chunk that reaches max_chunk_s without one is
    cut in its longest pause after min_chunk_s (the latest of equals), else at its quietest
    window.
    """
    flags = speech_flags(probabilities, policy)
    pause = _windows(policy.min_pause_s)
    min_chunk = _windows(policy.min_chunk_s)
    seen_speech = False
    run_start = None
    for i, speaking in enumerate(flags):
        if speaking:
            seen_speech = True
            run_start = None
            continue
        if run_start is None:
            run_start = i
        if seen_speech and i + 1 - run_start >= pause and run_start + pause // 2 >= min_chunk:
            return run_start + pause // 2
    max_chunk = _windows(policy.max_chunk_s)
    if len(flags) < max_chunk:
        return None
    return _forced_cut(probabilities[:max_chunk], flags[:max_chunk], min(min_chunk, max_chunk // 2))


def _forced_cut(probabilities: Sequence[float], flags: Sequence[bool], first: int) -> int:
    best_start, best_length, run_start = None, 0, None
    for i in range(first, len(flags) + 1):
        silent = i < len(flags) and not flags[i]
        if silent and run_start is None:
            run_start = i
        elif not silent and run_start is not None:
            if i - run_start >= best_length:
                best_start, best_length = run_start, i - run_start
            run_start = None
    if best_start is not None:
        return best_start + best_length // 2
    tail = probabilities[first:]
    return first + min(range(len(tail)), key=tail.__getitem__)


def lookahead_end(probabilities: Sequence[float], policy: CutPolicy) -> int | None:
    """Pure: for a stretch in progress (window 0 = its start), the window to transcribe up to
    ahead of time: in its latest pause of lookahead_pause_s after speech, whether the pause
    goes on or speech has resumed since; None without one. Looking back, rather than only
    at a pause going on now, catches the short breaths of fluent speech, which are often
    over before anyone looks. The end sits a little way into the pause, past the last
    word's soft ending, and stays put however long the pause grows."""
    flags = speech_flags(probabilities, policy)
    pause = _windows(policy.lookahead_pause_s)
    end = None
    seen_speech = False
    run = 0
    for i, speaking in enumerate(flags):
        if speaking:
            seen_speech, run = True, 0
            continue
        run += 1
        if seen_speech and run == pause:
            end = i + 1 - pause + pause // 2
    return end


class SpeechDetector(Protocol):
    """Speech probability per 512-sample window; stateful, fed the audio in order."""

    def probabilities(self, windows: np.ndarray) -> Sequence[float]: ...


class SileroStream:
    """faster-whisper's bundled Silero VAD, run window by window with its state carried on."""

    def __init__(self) -> None:
        import numpy as np
        from faster_whisper.vad import get_vad_model

        self._np = np
        self._session = get_vad_model().session
        self._h = np.zeros((1, 1, 128), dtype=np.float32)
        self._c = np.zeros((1, 1, 128), dtype=np.float32)
        self._context = np.zeros(64, dtype=np.float32)

    def probabilities(self, windows: np.ndarray) -> Sequence[float]:
        """windows: float32 samples, a whole number of 512-sample windows."""
        np = self._np
        if windows.size == 0:
            return ()
        frames = windows.reshape(-1, WINDOW_SAMPLES)
        # Each window is judged with the last 64 samples of the one before it, as Silero expects.
        contexts = np.concatenate([self._context[None], frames[:-1, -64:]], axis=0)
        batch = np.ascontiguousarray(np.concatenate([contexts, frames], axis=1), dtype=np.float32)
        out, self._h, self._c = self._session.run(
            None, {"input": batch, "h": self._h, "c": self._c}
        )
        self._context = frames[-1, -64:].copy()
        return tuple(float(p) for p in out.reshape(-1))


@dataclass(frozen=True, slots=True)
class SpeechState:
    """What the detector has heard so far, for the stop rule and the live view."""

    heard_s: float
    speech_seen: bool
    silence_after_speech_s: float


@dataclass(frozen=True, slots=True)
class _Job:
    kind: str  # "chunk": up to a cut; "ahead": up to a pause, speculatively; "final"
    start: int  # samples
    end: int | None  # samples; None: to the end of the recording


@dataclass(frozen=True, slots=True)
class _Piece:
    """Words of a stretch of the chunk in progress, transcribed ahead of its cut."""

    start: int
    end: int
    words: tuple[Word, ...]


class StreamingTranscriber:
    """Feed audio blocks as they are recorded; finish() returns the whole answer's transcript.

    feed() runs the (cheap) speech detector and decides cuts on the caller's thread; a worker
    thread transcribes each chunk once while recording goes on. When the worker is idle it
    also transcribes the chunk in progress, piece by piece up to its latest pause (the
    look-ahead). When the answer stops, the pieces stand in for the last chunk: only the
    words after the last piece are left to do. Pieces are shorter than chunks, so Whisper
    hears less around each word; the chunks, transcribed whole, are what the rest of the
    answer keeps.
    """

    def __init__(
        self,
        transcriber: Transcriber,
        *,
        detector: SpeechDetector | None = None,
        policy: CutPolicy | None = None,
        look_ahead: bool = True,
    ) -> None:
        import numpy as np

        self._np = np
        self._transcriber = transcriber
        self._detector = detector if detector is not None else SileroStream()
        self._policy = policy or CutPolicy()
        self._look_ahead = look_ahead
        self._lock = threading.Lock()
        self._audio = np.zeros(SAMPLE_RATE_HZ * 60, dtype=np.float32)
        self._n_samples = 0
        self._probabilities: list[float] = []
        self._flags: list[bool] = []
        self._chunk_start_window = 0
        self._words: list[Word] = []
        self._chunks: list[tuple[int, int]] = []
        self._pieces: list[_Piece] = []
        # Pieces of chunks cut but not yet transcribed whole: the live view keeps them meanwhile.
        self._stand_ins: list[_Piece] = []
        self._pieces_end_window = 0
        self._asked_end_window = 0
        self._in_flight = 0
        self._idle = threading.Condition(self._lock)
        self._error: BaseException | None = None
        self._finished = False
        self._jobs: queue.Queue[_Job | None] = queue.Queue()
        self._worker = threading.Thread(target=self._work, name="mockint-transcribe", daemon=True)
        self._worker.start()

    # -- recording side -------------------------------------------------------------------

    def feed(self, block: np.ndarray) -> None:
        """Add recorded samples (float32 mono 16 kHz); may queue work for the worker."""
        np = self._np
        block = np.asarray(block, dtype=np.float32).reshape(-1)
        with self._lock:
            if self._finished:
                raise RuntimeError("feed() after finish()")
            end = self._n_samples + block.size
            if end > self._audio.size:
                grown = np.zeros(max(end, self._audio.size * 2), dtype=np.float32)
                grown[: self._n_samples] = self._audio[: self._n_samples]
                self._audio = grown
            self._audio[self._n_samples : end] = block
            self._n_samples = end
            judged = len(self._probabilities) * WINDOW_SAMPLES
            n_new = (end - judged) // WINDOW_SAMPLES
            fresh = self._audio[judged : judged + n_new * WINDOW_SAMPLES].copy()
        if not n_new:
            return
        probabilities = self._detector.probabilities(fresh)
        with self._lock:
            self._probabilities.extend(probabilities)
            self._flags = list(speech_flags(self._probabilities, self._policy))
            self._queue_cuts()
            if self._look_ahead and self._in_flight == 0:
                self._queue_look_ahead()

    def _put(self, job: _Job) -> None:
        self._in_flight += 1
        self._jobs.put(job)

    def _queue_cuts(self) -> None:
        while True:
            pending = self._probabilities[self._chunk_start_window :]
            cut = find_cut(pending, self._policy)
            if cut is None:
                return
            start = self._chunk_start_window
            self._chunk_start_window = start + cut
            # The chunk is transcribed whole; its pieces stand in for it until then.
            self._stand_ins += self._pieces
            self._pieces = []
            self._pieces_end_window = self._asked_end_window = start + cut
            if any(self._flags[start : start + cut]):
                self._put(_Job("chunk", start * WINDOW_SAMPLES, (start + cut) * WINDOW_SAMPLES))

    def _queue_look_ahead(self) -> None:
        start = self._pieces_end_window
        end = lookahead_end(self._probabilities[start:], self._policy)
        if end is None or end < _windows(self._policy.min_piece_s):
            return
        if start + end <= self._asked_end_window:
            return
        self._asked_end_window = start + end
        self._put(_Job("ahead", start * WINDOW_SAMPLES, (start + end) * WINDOW_SAMPLES))

    def speech_state(self) -> SpeechState:
        with self._lock:
            flags = self._flags
            heard_s = len(flags) * WINDOW_S
            if True not in flags:
                return SpeechState(heard_s, False, 0.0)
            last_speech = len(flags) - 1 - flags[::-1].index(True)
        return SpeechState(heard_s, True, (len(flags) - 1 - last_speech) * WINDOW_S)

    # -- results ------------------------------------------------------------------------

    def words_so_far(self) -> tuple[Word, ...]:
        """Words of the finished chunks, then the look-ahead's words of the chunk in progress."""
        with self._lock:
            pieces = (*self._stand_ins, *self._pieces)
            return tuple(self._words) + tuple(w for p in pieces for w in p.words)

    def chunks(self) -> tuple[tuple[float, float], ...]:
        """(start_s, end_s) of each piece transcribed into the result, in order."""
        with self._lock:
            return tuple((a / SAMPLE_RATE_HZ, b / SAMPLE_RATE_HZ) for a, b in self._chunks)

    def wait_idle(self, timeout_s: float | None = None) -> bool:
        """Wait until the worker has nothing queued or running (tests and benchmarks)."""
        with self._idle:
            return self._idle.wait_for(lambda: self._in_flight == 0, timeout_s)

    def finish(self) -> Transcript:
        """Transcribe what is left after the last cut, wait for the worker, return everything."""
        with self._lock:
            if not self._finished:
                self._finished = True
                start = self._chunk_start_window
                # The last partial window was never judged: keep it if speech ran up to it.
                if any(self._flags[start:]) or (not self._probabilities and self._n_samples):
                    self._put(_Job("final", start * WINDOW_SAMPLES, None))
                self._jobs.put(None)
        self._worker.join()
        if self._error is not None:
            raise self._error
        with self._lock:
            words = tuple(self._words)
            duration_s = self._n_samples / SAMPLE_RATE_HZ
        return Transcript(words, duration_s, self._transcriber.model_name)

    def samples(self) -> np.ndarray:
        """Everything fed so far (a copy)."""
        with self._lock:
            return self._audio[: self._n_samples].copy()

    # -- worker ---------------------------------------------------------------------------

    def _speech_between(self, start: int, end: int | None) -> bool:
        first = start // WINDOW_SAMPLES
        last = len(self._flags) if end is None else -(-end // WINDOW_SAMPLES)
        return any(self._flags[first:last])

    def _work(self) -> None:
        while True:
            job = self._jobs.get()
            if job is None:
                return
            try:
                if self._error is None:
                    self._run(job)
            except BaseException as error:  # noqa: BLE001 - handed to finish() on the caller's thread
                self._error = error
            finally:
                with self._idle:
                    self._in_flight -= 1
                    self._idle.notify_all()

    def _run(self, job: _Job) -> None:
        with self._lock:
            stop = self._n_samples if job.end is None else job.end
            if job.kind == "ahead" and job.start != self._pieces_end_window * WINDOW_SAMPLES:
                return  # a cut came first: the chunk is transcribed whole instead
            pieces = list(self._pieces) if job.kind == "final" else []
            pieces_end = self._pieces_end_window * WINDOW_SAMPLES
        if pieces:
            # The answer stopped: the pieces stand in for the last chunk, and only the words
            # after them (if any were spoken) are transcribed now.
            for piece in pieces:
                self._commit(piece.start, piece.end, piece.words)
            with self._lock:
                rest = self._speech_between(pieces_end, stop)
            if rest:
                self._commit(pieces_end, stop, self._transcribe(pieces_end, stop, quick=True))
            return
        # The look-ahead and the end of an answer are waited for; a cut chunk is not.
        words = self._transcribe(job.start, stop, quick=job.kind != "chunk")
        if job.kind == "ahead":
            with self._lock:
                if job.start == self._pieces_end_window * WINDOW_SAMPLES:
                    self._pieces.append(_Piece(job.start, stop, words))
                    self._pieces_end_window = stop // WINDOW_SAMPLES
            return
        self._commit(job.start, stop, words)

    def _transcribe(self, start: int, stop: int, *, quick: bool) -> tuple[Word, ...]:
        with self._lock:
            chunk = self._audio[start:stop].copy()
            # Jobs run in order: what was said before `start` is committed, or a piece by now.
            before = [*self._words, *(w for p in self._pieces if p.end <= start for w in p.words)]
        return self._transcriber.transcribe(
            chunk,
            offset_s=start / SAMPLE_RATE_HZ,
            previous_text=" ".join(w.text for w in before),
            retry_unsure=not quick,
        ).words

    def _commit(self, start: int, stop: int, words: Sequence[Word]) -> None:
        with self._lock:
            self._words.extend(words)
            self._chunks.append((start, stop))
            self._stand_ins = [p for p in self._stand_ins if p.start >= stop]


def transcribe_in_chunks(
    transcriber: Transcriber,
    samples: np.ndarray,
    *,
    block_s: float = 0.1,
    policy: CutPolicy | None = None,
) -> tuple[Transcript, tuple[tuple[float, float], ...]]:
    """Run a whole recording through the streaming cuts as fast as it goes, without the
    look-ahead (whose work depends on timing), so the result is reproducible."""
    stream = StreamingTranscriber(transcriber, policy=policy, look_ahead=False)
    step = max(1, int(block_s * SAMPLE_RATE_HZ))
    for i in range(0, len(samples), step):
        stream.feed(samples[i : i + step])
    transcript = stream.finish()
    return transcript, stream.chunks()


def warm_up(transcriber: Transcriber) -> None:
    """Run the speech detector and the model once, so the first chunk pays no start-up cost.

    Silence would be dropped by the model's own speech filter before Whisper runs, so the
    warm-up sound is a synthetic vowel, voiced at 120 Hz and pulsing like syllables.
    """
    import numpy as np

    SileroStream().probabilities(np.zeros(WINDOW_SAMPLES, dtype=np.float32))
    t = np.arange(int(0.6 * SAMPLE_RATE_HZ)) / SAMPLE_RATE_HZ
    vowel = np.zeros_like(t)
    for k in range(1, 33):  # harmonics of 120 Hz up to 4 kHz, shaped by three formants
        f = 120.0 * k
        gain = sum(
            1 / (1 + ((f - fc) / bw) ** 2) for fc, bw in ((700, 130), (1200, 150), (2600, 250))
        )
        vowel += gain * np.sin(2 * np.pi * f * t) / k**0.5
    vowel *= 0.5 * (1 - np.cos(2 * np.pi * t / t[-1]))
    transcriber.transcribe((0.3 * vowel / np.abs(vowel).max()).astype(np.float32))
