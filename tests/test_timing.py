from mockint.model import PhaseSpan, Segmentation
from mockint.star import spans_from_labels
from mockint.timing import answer_duration, time_phases
from tests.helpers import timed_words


def _segmentation(spans):
    return Segmentation(labels=(), spans=tuple(spans))


def test_phase_in_band_is_ok_and_outside_is_short_or_long():
    timings = time_phases(
        _segmentation(
            [
                PhaseSpan("situation", 0, 10, 0.0, 40.0),
                PhaseSpan("task", 10, 20, 40.0, 50.0),
                PhaseSpan("action", 20, 30, 50.0, 150.0),
                PhaseSpan("result", 30, 40, 150.0, 195.0),
            ]
        )
    )
    verdicts = {t.phase: (t.duration_s, t.verdict) for t in timings}
    assert verdicts == {
        "situation": (40.0, "ok"),
        "task": (10.0, "short"),
        "action": (100.0, "long"),
        "result": (45.0, "ok"),
    }


def test_missing_phase_is_missing_not_zero_seconds():
    timings = time_phases(
        _segmentation(
            [
                PhaseSpan("situation", 0, 10, 0.0, 35.0),
                PhaseSpan("action", 10, 20, 35.0, 110.0),
            ]
        )
    )
    task = next(t for t in timings if t.phase == "task")
    assert task.verdict == "missing"
    assert task.duration_s is None and task.start_s is None and task.end_s is None
    assert [t.phase for t in timings] == ["situation", "task", "action", "result"]


def test_phase_told_twice_counts_both_stretches():
    timings = time_phases(
        _segmentation(
            [
                PhaseSpan("result", 0, 5, 0.0, 10.0),
                PhaseSpan("situation", 5, 10, 10.0, 45.0),
                PhaseSpan("result", 10, 20, 150.0, 180.0),
            ]
        )
    )
    result = next(t for t in timings if t.phase == "result")
    assert result.duration_s == 40.0
    assert (result.start_s, result.end_s) == (0.0, 180.0)
    assert result.verdict == "ok"


def test_span_runs_until_next_phase_starts_and_last_ends_at_last_word():
    words = timed_words("one two three four five six", gap_after={2: 3.0})
    spans = spans_from_labels(words, ["situation"] * 3 + ["task"] * 3)
    assert spans[0].end_s == words[3].start_s  # the pause belongs to the phase being finished
    assert spans[1].end_s == words[-1].end_s
    assert (spans[0].first_word, spans[0].end_word, spans[1].end_word) == (0, 3, 6)


def test_answer_duration_ignores_silence_around_speech():
    words = timed_words("a b c", start_s=5.0)
    duration_s, verdict = answer_duration(words)
    assert duration_s == round(words[-1].end_s - 5.0, 2)
    assert verdict == "short"
    assert answer_duration(()) == (0.0, "missing")
