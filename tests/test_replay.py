"""Replay: the pure view at each position, the loop with a scripted player, and a real device."""

from __future__ import annotations

import io

import numpy as np
import pytest
from rich.console import Console

from mockint.errors import MockintError
from mockint.playback import Player
from mockint.replay import render_view, run_replay
from mockint.replay_view import parse_clock, start_position, timeline_from_entry, view_at
from tests.session_helpers import make_analysis

DURATIONS = {"situation": 35, "task": 20, "action": 70, "result": 40}
BOUNDARIES = {"situation": 0.0, "task": 35.0, "action": 55.0, "result": 125.0}


def expected_phase(position_s: float, boundaries=BOUNDARIES) -> str | None:
    started = [(start, phase) for phase, start in boundaries.items() if start <= position_s]
    return max(started)[1] if started else None


@pytest.fixture
def timeline():
    return timeline_from_entry(make_analysis(DURATIONS))


def test_the_phase_shown_changes_exactly_at_the_stored_boundaries(timeline) -> None:
    for position in np.arange(0.0, 165.0, 0.25):
        assert view_at(timeline, float(position)).phase.phase == expected_phase(position)
    assert view_at(timeline, 34.99).phase.phase == "situation"
    assert view_at(timeline, 35.0).phase.phase == "task"


def test_the_phase_clock_runs_against_its_target(timeline) -> None:
    early = view_at(timeline, 65.0)  # 10 s into Action (target 60–90 s)
    assert early.phase.phase == "action"
    assert early.phase_elapsed_s == pytest.approx(10.0)
    assert early.phase_state == "under"
    assert view_at(timeline, 120.0).phase_state == "in band"
    late = timeline_from_entry(make_analysis({**DURATIONS, "action": 100}))
    assert view_at(late, 150.0).phase_state == "over"


def test_a_phase_that_comes_back_adds_up_its_time() -> None:
    entry = make_analysis(DURATIONS)
    entry["spans"] = [
        {"phase": "situation", "start_s": 0.0, "end_s": 20.0},
        {"phase": "task", "start_s": 20.0, "end_s": 40.0},
        {"phase": "situation", "start_s": 40.0, "end_s": 55.0},
        {"phase": "action", "start_s": 55.0, "end_s": 125.0},
    ]
    timeline = timeline_from_entry(entry)
    assert view_at(timeline, 30.0).phase.phase == "task"
    back = view_at(timeline, 50.0)
    assert back.phase.phase == "situation"
    assert back.phase_elapsed_s == pytest.approx(30.0)  # 20 s earlier + 10 s now


def test_the_transcript_line_follows_the_words(timeline) -> None:
    assert view_at(timeline, 0.0).word_index == 0
    action = view_at(timeline, 60.0)
    line = timeline.lines[action.line_index]
    assert line.phase == "action"
    assert timeline.words[action.word_index].text in timeline.line_text(line)
    assert all(len(timeline.line_text(line)) <= 64 for line in timeline.lines)
    assert [ln.phase for ln in timeline.lines] == sorted(
        (ln.phase for ln in timeline.lines), key=list(BOUNDARIES).index
    )


def test_before_the_first_word_nothing_is_current() -> None:
    entry = make_analysis(DURATIONS)
    for word in entry["words"]:
        word["start_s"] += 2.0
        word["end_s"] += 2.0
    for phase in entry["phases"]:
        phase["start_s"] += 2.0
        phase["end_s"] += 2.0
    view = view_at(timeline_from_entry(entry), 1.0)
    assert view.phase is None and view.word_index is None and view.line_index is None


@pytest.mark.parametrize(
    ("text", "seconds"),
    [("80", 80.0), ("1:20", 80.0), ("1:20.5", 80.5), ("0:01:20", 80.0), ("2.5", 2.5)],
)
def test_parse_clock(text: str, seconds: float) -> None:
    assert parse_clock(text) == seconds


@pytest.mark.parametrize("text", ["", "abc", "1:75", "-3", "1:2:3:4"])
def test_parse_clock_rejects_nonsense(text: str) -> None:
    with pytest.raises(MockintError):
        parse_clock(text)


def test_start_position(timeline) -> None:
    assert start_position(timeline) == 0.0
    assert start_position(timeline, phase="result") == 125.0
    assert start_position(timeline, from_s=80.0) == 80.0
    with pytest.raises(MockintError, match="outside the answer"):
        start_position(timeline, from_s=999.0)
    missing = timeline_from_entry(make_analysis({**DURATIONS, "task": 0}))
    with pytest.raises(MockintError, match="no such phase"):
        start_position(missing, phase="task")


class ScriptedPlayer:
    """Advances a fixed step per wait(); stands in for the device in the loop's unit tests."""

    def __init__(self, duration_s: float, step_s: float) -> None:
        self.duration_s, self.step_s = duration_s, step_s
        self.position_s = 0.0
        self.paused = False
        self.calls: list[str] = []

    def play(self, start_s: float = 0.0) -> None:
        self.position_s = start_s
        self.calls.append(f"play {start_s:g}")

    def pause(self) -> None:
        self.paused = True
        self.calls.append("pause")

    def resume(self) -> None:
        self.paused = False
        self.calls.append("resume")

    def wait(self, timeout_s: float | None = None) -> bool:
        if not self.paused:
            self.position_s = min(self.position_s + self.step_s, self.duration_s)
        return self.position_s >= self.duration_s

    def stop(self) -> None:
        self.calls.append("stop")


class ScriptedKeys:
    def __init__(self, keys: dict[int, str]) -> None:
        self.keys, self.n = keys, 0

    def read(self) -> str | None:
        self.n += 1
        return self.keys.get(self.n)


def quiet_console() -> Console:
    return Console(file=io.StringIO(), width=100)


def test_replay_loop_reports_each_phase_in_order_from_a_start_phase(timeline) -> None:
    player = ScriptedPlayer(timeline.duration_s, step_s=1.0)
    seen = []
    run_replay(
        timeline,
        player,
        start_s=start_position(timeline, phase="task"),
        console=quiet_console(),
        on_view=lambda v: seen.append((v.position_s, v.phase.phase)),
        tick_s=0,
    )
    assert player.calls[0] == "play 35" and player.calls[-1] == "stop"
    assert all(phase == expected_phase(pos) for pos, phase in seen)
    changes = [
        phase for (_, phase), (_, before) in zip(seen[1:], seen, strict=False) if phase != before
    ]
    assert [seen[0][1], *changes] == ["task", "action", "result"]
    assert seen[-1][0] == timeline.duration_s


def test_space_pauses_and_resumes_and_q_quits(timeline) -> None:
    player = ScriptedPlayer(timeline.duration_s, step_s=1.0)
    positions = []
    run_replay(
        timeline,
        player,
        console=quiet_console(),
        keys=ScriptedKeys({3: " ", 6: " ", 9: "q"}),
        on_view=lambda v: positions.append(v.position_s),
        tick_s=0,
    )
    assert player.calls == ["play 0", "pause", "resume", "stop"]
    assert positions[3] == positions[4] == positions[5]  # frozen while paused
    assert positions[-1] < timeline.duration_s  # quit before the end


def test_the_screen_shows_phase_clock_and_current_words(timeline) -> None:
    console = Console(file=io.StringIO(), width=100)
    console.print(render_view(timeline, view_at(timeline, 65.0), paused=True))
    screen = console.file.getvalue()
    assert "ACTION" in screen
    assert "0:10 of 1:00–1:30 (under)" in screen
    assert "1:05 / 2:45" in screen
    assert "paused" in screen
    assert "I traced the slow queries" in screen


@pytest.mark.slow
def test_replay_through_the_virtual_device(virtual_audio) -> None:
    # Long phases: the virtual card plays far faster than real time, and the loop must still
    # look at the position several times per phase.
    durations = {"situation": 30, "task": 30, "action": 30, "result": 30}
    boundaries = {"situation": 0.0, "task": 30.0, "action": 60.0, "result": 90.0}
    timeline = timeline_from_entry(make_analysis(durations))
    rate_hz = 16_000
    t = np.arange(int(timeline.duration_s * rate_hz)) / rate_hz
    tone = (0.3 * np.sin(2 * np.pi * 330 * t)).astype(np.float32)
    seen: list[tuple[float, str | None]] = []
    run_replay(
        timeline,
        Player(tone, rate_hz, virtual_audio.output_device),
        console=quiet_console(),
        on_view=lambda v: seen.append((v.position_s, v.phase.phase if v.phase else None)),
        tick_s=0.0005,
    )
    played = virtual_audio.played()
    voiced = np.flatnonzero(np.abs(played) > 1e-3)
    assert voiced.size > 0, "nothing reached the speaker"
    assert voiced[-1] - voiced[0] + 1 == pytest.approx(tone.size, rel=0.01)  # the whole answer
    heard = played[voiced[0] : voiced[-1] + 1]
    assert np.sqrt(np.mean(heard**2)) == pytest.approx(0.3 / np.sqrt(2), rel=0.05)
    assert seen[-1] == (pytest.approx(timeline.duration_s), "result")
    for position, phase in seen:
        assert phase == expected_phase(position, boundaries)
    changes = [
        (before_pos, pos, phase)
        for (before_pos, before), (pos, phase) in zip(seen, seen[1:], strict=False)
        if phase != before
    ]
    assert changes, "the shown phase never changed"
    for before_pos, pos, phase in changes:  # each change happened across its stored boundary
        assert before_pos < boundaries[phase] <= pos
