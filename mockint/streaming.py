"""Transcribes an answer while it is recorded, window by window as a whole-file pass would.

A whole-file pass cuts the pauses out (its speech filter), joins the speech that is left
and hears it in 30 s windows, each starting where the one before it left off. Here the same
filter runs as the audio arrives (mockint.speech_spans), and each window is decoded in a
worker as soon as 30 s of joined speech past its start can no longer change: the same
audio in the same windows, so the transcript agrees with the whole-file pass word for word
but for the few words Whisper hears differently in a window cut from a shorter file.
Between windows a look-ahead transcribes the latest speech in short pieces for the live
view; when an answer stops mid-window those pieces stand in for what is left of it, so the
report is ready in under a second rather than after one more full window.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from mockint.model import SAMPLE_RATE_HZ, Transcript, Word
from mockint.speech_spans import SpeechSpans, SpeechTracker, join_speech, recording_time

if TYPE_CHECKING:
    import numpy as np

    from mockint.transcribe import SpeechPass, Transcriber

# Silero VAD judges 32 ms windows of 16 kHz audio.
WINDOW_SAMPLES = 512
WINDOW_S = WINDOW_SAMPLES / SAMPLE_RATE_HZ
# What Whisper hears at once.
WHISPER_WINDOW_SAMPLES = 30 * SAMPLE_RATE_HZ
# Audio given on either side of a window. Its spectrogram frames at the edges reach
# 12.5 ms past them; in a whole-file pass they see the speech there, and so must ours.
# Multiples of Whisper's 10 ms frame, so the frames fall where the whole-file pass's do.
LEAD_SAMPLES = SAMPLE_RATE_HZ // 5
MARGIN_SAMPLES = SAMPLE_RATE_HZ // 2


@dataclass(frozen=True, slots=True)
class LookAheadPolicy:
    """When the speech in progress is transcribed ahead of its window, for the live view."""

    speech_threshold: float = 0.5
    # Below this a window is silence; between the two it keeps whatever it follows (hysteresis).
    silence_threshold: float = 0.35
    # While the worker is idle, the speech after the last window is transcribed ahead of
    # time in pieces of at least min_piece_s, each ending at a pause of lookahead_pause_s:
    # the live view gets fresh words, and an answer that stops is all but transcribed
    # already. Whatever its length, the words after the last piece cost a whole Whisper
    # window when the answer stops, so pieces end at any phrase break; each hears the words
    # before it as context.
    lookahead_pause_s: float = 0.2
    min_piece_s: float = 1.5
    # A piece fits one Whisper window even when audio arrives faster than it is spoken.
    max_piece_s: float = 25.0


def _windows(seconds: float) -> int:
    return max(1, round(seconds / WINDOW_S))


def speech_flags(
    probabilities: Sequence[float], policy: LookAheadPolicy, *, speaking: bool = False
) -> tuple[bool, ...]:
    """Per window: is it speech? Hysteresis keeps a word's soft ending inside the speech.
    speaking: whether the window before the first was speech."""
    flags = []
    for p in probabilities:
        if p >= policy.speech_threshold:
            speaking = True
        elif p < policy.silence_threshold:
            speaking = False
        flags.append(speaking)
    return tuple(flags)


def lookahead_end(probabilities: Sequence[float], policy: LookAheadPolicy) -> int | None:
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
    kind: str  # "window": the next whole-file window; "ahead": a piece, speculatively; "final"
    start: int  # samples: of the joined speech for a window, of the recording for a piece
    end: int | None


@dataclass(frozen=True, slots=True)
class _Piece:
    """Words of a stretch after the last window, transcribed ahead of it (recording samples)."""

    start: int
    end: int
    words: tuple[Word, ...]


class StreamingTranscriber:
    """Feed audio blocks as they are recorded; finish() returns the whole answer's transcript.

    feed() runs the (cheap) speech detector on the caller's thread and queues each 30 s
    window of joined speech once it is settled; a worker thread decodes the windows in
    order, each starting where Whisper ended the one before. When the worker is idle it
    also transcribes the speech after the last window piece by piece, up to its latest
    pause (the look-ahead), and once the speaker has been quiet for the filter's whole
    pause, the rest after the last window exactly as the whole-file pass would (the tail).
    When the answer stops, a tail made from the same speech is the rest; failing that the
    pieces stand in for it, so only the words after the last piece are left to do. Without
    the look-ahead the rest is decoded then, as the whole-file pass decodes it.
    """

    def __init__(
        self,
        transcriber: Transcriber,
        *,
        detector: SpeechDetector | None = None,
        policy: LookAheadPolicy | None = None,
        look_ahead: bool = True,
    ) -> None:
        import numpy as np

        self._np = np
        self._transcriber = transcriber
        self._detector = detector if detector is not None else SileroStream()
        self._policy = policy or LookAheadPolicy()
        self._look_ahead = look_ahead
        self._lock = threading.Lock()
        self._audio = np.zeros(SAMPLE_RATE_HZ * 60, dtype=np.float32)
        self._n_samples = 0
        self._probabilities: list[float] = []
        self._flags: list[bool] = []
        self._tracker = SpeechTracker()
        self._speech = SpeechSpans((), 0)
        # Where the next window starts, in samples of the joined speech, and the recording
        # sample up to which words are final.
        self._seek = 0
        # The loudest spectrogram frame of the joined speech before _seek (the floor).
        self._peak_before = float("-inf")
        self._committed_until = 0
        self._window_queued = False
        # The rest after the last window, decoded in a pause: (seek, settled) it was made
        # for, and its words and start in the recording.
        self._tail_key: tuple[int, int] | None = None
        self._tail: tuple[tuple[int, int], tuple[Word, ...], int] | None = None
        self._words: list[Word] = []
        self._chunks: list[tuple[int, int]] = []
        self._pieces: list[_Piece] = []
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
            self._judge(probabilities)
            self._speech = self._tracker.spans(self._n_samples, final=False)
            self._queue_window()
            if self._look_ahead and self._in_flight == 0 and not self._queue_tail():
                self._queue_look_ahead()

    def _judge(self, probabilities: Sequence[float]) -> None:
        self._probabilities.extend(probabilities)
        speaking = bool(self._flags) and self._flags[-1]
        self._flags.extend(speech_flags(probabilities, self._policy, speaking=speaking))
        self._tracker.add(probabilities)

    def _put(self, job: _Job) -> None:
        self._in_flight += 1
        self._jobs.put(job)

    def _queue_window(self) -> None:
        # Each window starts where the last one ended, so one is decoded at a time.
        if self._window_queued or self._finished:
            return
        if self._speech.settled - self._seek >= WHISPER_WINDOW_SAMPLES + MARGIN_SAMPLES:
            self._window_queued = True
            self._put(_Job("window", self._seek, self._seek + WHISPER_WINDOW_SAMPLES))

    def _queue_tail(self) -> bool:
        """Once the speaker has paused for the filter's whole pause, what follows the last
        window is as the one-pass transcription will hear it, unless they speak again: it
        is decoded now, so an answer that ends in silence (the usual way) is reported as
        soon as it stops, and word for word as one pass would report it."""
        speech = self._speech
        key = (self._seek, speech.settled)
        if not speech.all_over or speech.settled <= self._seek or key == self._tail_key:
            return False
        self._tail_key = key
        self._put(_Job("tail", self._seek, speech.settled))
        return True

    def _queue_look_ahead(self) -> None:
        start = self._pieces_end_window
        reach = start + _windows(self._policy.max_piece_s)
        end = lookahead_end(self._probabilities[start:reach], self._policy)
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
        """Words of the decoded windows, then the look-ahead's words of the speech after them."""
        with self._lock:
            return tuple(self._words) + tuple(w for p in self._pieces for w in p.words)

    def chunks(self) -> tuple[tuple[float, float], ...]:
        """(start_s, end_s) of each stretch of the recording transcribed into the result."""
        with self._lock:
            return tuple((a / SAMPLE_RATE_HZ, b / SAMPLE_RATE_HZ) for a, b in self._chunks)

    def wait_idle(self, timeout_s: float | None = None) -> bool:
        """Wait until the worker has nothing queued or running (tests and benchmarks)."""
        with self._idle:
            return self._idle.wait_for(lambda: self._in_flight == 0, timeout_s)

    def finish(self) -> Transcript:
        """Transcribe what is left after the last window, wait for the worker, return all."""
        np = self._np
        with self._lock:
            already = self._finished
            self._finished = True
            judged = len(self._probabilities) * WINDOW_SAMPLES
            # The whole-file filter judges the last partial window padded with zeros.
            last = np.zeros(WINDOW_SAMPLES, dtype=np.float32)
            last[: self._n_samples - judged] = self._audio[judged : self._n_samples]
        if not already:
            probabilities = self._detector.probabilities(last) if self._n_samples else ()
            with self._lock:
                self._judge(probabilities)
                self._speech = self._tracker.spans(self._n_samples, final=True)
                self._put(_Job("final", self._seek, None))
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
        if job.kind == "window":
            self._run_window(job.start)
        elif job.kind == "ahead":
            self._run_piece(job.start, job.end or 0)
        elif job.kind == "tail":
            self._run_tail(job.start, job.end or 0)
        else:
            self._run_final()

    def _run_window(self, start: int) -> None:
        with self._lock:
            if self._finished and self._look_ahead and self._pieces:
                # The answer has stopped and the look-ahead's pieces stand in for the rest,
                # this window included: the report is not kept waiting for it.
                self._window_queued = False
                return
            spans = self._speech.spans
        end = start + WHISPER_WINDOW_SAMPLES + MARGIN_SAMPLES
        heard = self._hear(start, end, spans, one_window=True)
        next_start = start + WHISPER_WINDOW_SAMPLES
        if heard.next_start_s is not None:
            # Never stand still: a window that ended on its first word moves on by a frame.
            next_start = max(start + 160, round(heard.next_start_s * SAMPLE_RATE_HZ))
        with self._lock:
            self._seek = next_start
            self._peak_before = heard.peak_before_next
            self._window_queued = False
            self._commit(
                _recording_sample(start, spans),
                _recording_sample(next_start, spans),
                _in_recording_time(heard.words, spans),
            )
            self._queue_window()

    def _run_piece(self, start: int, stop: int) -> None:
        with self._lock:
            if start != self._pieces_end_window * WINDOW_SAMPLES:
                return  # a window moved the look-ahead on meanwhile
        words = self._transcribe(start, stop)
        with self._lock:
            if start == self._pieces_end_window * WINDOW_SAMPLES:
                fresh = tuple(
                    w for w in words if w.start_s * SAMPLE_RATE_HZ >= self._committed_until
                )
                self._pieces.append(_Piece(start, stop, fresh))
                self._pieces_end_window = stop // WINDOW_SAMPLES

    def _run_final(self) -> None:
        with self._lock:
            spans, final_settled = self._speech.spans, self._speech.settled
            seek, committed_until = self._seek, self._committed_until
            pieces = list(self._pieces)
            pieces_end = self._pieces_end_window * WINDOW_SAMPLES
            stop = self._n_samples
            tail = (
                self._tail
                if self._tail is not None and self._tail[0] == (seek, final_settled)
                else None
            )
        if tail is not None:
            # Decoded in the pause before the answer stopped, from the same speech.
            _key, words, start = tail
            with self._lock:
                self._commit(start, stop, words)
            return
        if self._look_ahead and pieces:
            # The answer stopped mid-window: the pieces stand in for the rest of it, and
            # only the words after them (if any were spoken) are transcribed now.
            with self._lock:
                for piece in pieces:
                    self._commit(max(piece.start, committed_until), piece.end, piece.words)
                rest = any(self._flags[pieces_end // WINDOW_SAMPLES :])
            if rest:
                words = self._transcribe(pieces_end, stop)
                with self._lock:
                    self._commit(pieces_end, stop, words)
            return
        if final_settled > seek:
            words, start = self._decode_rest(seek, None, spans)
            with self._lock:
                self._commit(start, stop, words)

    def _run_tail(self, seek: int, settled: int) -> None:
        with self._lock:
            if self._seek != seek:
                return  # a window came first
            spans = self._speech.spans
        words, start = self._decode_rest(seek, settled, spans)
        with self._lock:
            self._tail = ((seek, settled), words, start)

    def _decode_rest(
        self, seek: int, end: int | None, spans: Sequence[tuple[int, int]]
    ) -> tuple[tuple[Word, ...], int]:
        """The joined speech from seek on, decoded as the one-pass transcription decodes it
        from there: its words in the recording, and the recording sample it starts at."""
        heard = self._hear(seek, end, spans, one_window=False)
        return _in_recording_time(heard.words, spans), _recording_sample(seek, spans)

    def _hear(
        self, seek: int, end: int | None, spans: Sequence[tuple[int, int]], *, one_window: bool
    ) -> SpeechPass:
        """Whisper on the joined speech from seek to end (None: all of it), given a little
        audio before seek for the spectrogram's first frames."""
        lead = min(seek, LEAD_SAMPLES)
        with self._lock:
            speech = join_speech(self._audio, spans, seek - lead, end)
        return self._transcriber.transcribe_speech(
            speech,
            offset_s=(seek - lead) / SAMPLE_RATE_HZ,
            from_s=lead / SAMPLE_RATE_HZ,
            peak_before=self._peak_before,
            opening=seek == 0,
            one_window=one_window,
        )

    def _transcribe(self, start: int, stop: int) -> tuple[Word, ...]:
        """A stretch of the recording on its own, primed with the words said before it, decoded
        once, greedily: the look-ahead and the end of an answer are waited for."""
        with self._lock:
            chunk = self._audio[start:stop].copy()
            said = (*self._words, *(w for p in self._pieces for w in p.words))
            before = [w.text for w in said if w.end_s * SAMPLE_RATE_HZ <= start]
        return self._transcriber.transcribe(
            chunk,
            offset_s=start / SAMPLE_RATE_HZ,
            previous_text=" ".join(before),
            retry_unsure=False,
        ).words

    def _commit(self, start: int, stop: int, words: Sequence[Word]) -> None:
        """Words of the recording from start to stop (samples) are final; the look-ahead's
        words before stop are superseded and it goes on from there. Holds the lock."""
        self._words.extend(words)
        self._chunks.append((start, stop))
        self._committed_until = stop
        kept = []
        for piece in self._pieces:
            words_after = tuple(w for w in piece.words if w.start_s * SAMPLE_RATE_HZ >= stop)
            if piece.end > stop:
                kept.append(_Piece(piece.start, piece.end, words_after))
        self._pieces = kept
        self._pieces_end_window = max(self._pieces_end_window, stop // WINDOW_SAMPLES)
        self._asked_end_window = max(self._asked_end_window, self._pieces_end_window)


def _recording_sample(joined: int, spans: Sequence[tuple[int, int]]) -> int:
    """The recording sample at this many samples into the joined speech."""
    at = 0
    for a, b in spans:
        if joined <= at + b - a:
            return a + joined - at
        at += b - a
    return spans[-1][1] if spans else joined


def _in_recording_time(words: Sequence[Word], spans: Sequence[tuple[int, int]]) -> tuple[Word, ...]:
    timed = []
    for word in words:
        start_s, end_s = recording_time(word.start_s, word.end_s, spans)
        timed.append(Word(word.text, start_s, end_s, word.probability))
    return tuple(timed)


def transcribe_incrementally(
    transcriber: Transcriber,
    samples: np.ndarray,
    *,
    block_s: float = 0.1,
) -> tuple[Transcript, tuple[tuple[float, float], ...]]:
    """Run a whole recording through the streaming path block by block, as fast as the
    worker keeps up: each window is decoded as soon as it is settled, as when recording in
    real time. Without the look-ahead (whose work depends on timing), so the result is
    reproducible."""
    stream = StreamingTranscriber(transcriber, look_ahead=False)
    step = max(1, int(block_s * SAMPLE_RATE_HZ))
    for i in range(0, len(samples), step):
        stream.feed(samples[i : i + step])
        stream.wait_idle()
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
