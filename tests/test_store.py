"""The session store: folders, index, atomic writes, recovery, privacy, damaged data."""

from __future__ import annotations

import json
import os
import sqlite3
import stat
import wave
from datetime import datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from mockint.errors import MockintError
from mockint.session_file import SESSION_SCHEMA, parse_session
from mockint.store import open_store, write_atomic
from tests.conftest import REAL_AUDIO
from tests.session_helpers import make_analysis, write_tone_wav


@pytest.fixture
def store(mockint_home: Path):
    with open_store() as opened:
        yield opened


def practice(store, analysis=None, **question):
    handle = store.new_session("practice", **question)
    write_tone_wav(handle.answer_path)
    return store.finish_session(handle, analysis=analysis or make_analysis())


def test_store_lives_under_mockint_home(store, mockint_home: Path) -> None:
    stored = practice(store, question_id="q-conflict", question_text="A conflict?", theme="x")
    assert stored.folder.parent == mockint_home / "sessions"
    assert (mockint_home / "index.sqlite").is_file()
    assert {"answer.wav", "session.json", "transcript.txt"} <= {
        p.name for p in stored.folder.iterdir()
    }


def test_session_json_wraps_the_analysis_with_its_own_schema(store) -> None:
    analysis = make_analysis()
    stored = practice(store, analysis, question_text="Tell me about a conflict.")
    document = json.loads((stored.folder / "session.json").read_text())
    assert document["schema"] == SESSION_SCHEMA
    assert document["analysis"] == analysis
    assert document["question_text"] == "Tell me about a conflict."
    assert document["audio"] == "answer.wav"
    assert "[action] I traced the slow queries" in (stored.folder / "transcript.txt").read_text()


def test_ids_sort_by_time_and_are_unique(store) -> None:
    ids = [store.new_session("practice").id for _ in range(30)]
    assert len(set(ids)) == 30
    assert all(len(i) == 22 and i[8] == "-" and i[15] == "-" for i in ids)


def test_index_uses_wal_and_a_schema_version(store, mockint_home: Path) -> None:
    practice(store)
    db = sqlite3.connect(mockint_home / "index.sqlite")
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert db.execute("PRAGMA user_version").fetchone()[0] >= 1


def test_an_index_from_a_newer_version_is_refused(mockint_home: Path) -> None:
    open_store().list()
    db = sqlite3.connect(mockint_home / "index.sqlite")
    db.execute("PRAGMA user_version = 99")
    db.commit()
    db.close()
    with pytest.raises(MockintError, match="newer mockint"):
        open_store().list()


def test_files_and_folders_are_user_only(store, mockint_home: Path) -> None:
    stored = practice(store)
    assert stat.S_IMODE((mockint_home / "sessions").stat().st_mode) == 0o700
    assert stat.S_IMODE(stored.folder.stat().st_mode) == 0o700
    for item in stored.folder.iterdir():
        assert stat.S_IMODE(item.stat().st_mode) == 0o600, item
    assert stat.S_IMODE((mockint_home / "index.sqlite").stat().st_mode) == 0o600


def test_list_filters_by_theme_question_story_and_date(store) -> None:
    practice(
        store,
        question_id="q1",
        question_text="Tell me about a conflict.",
        theme="conflict resolution",
    )
    practice(
        store, question_id="q2", question_text="A time you failed.", theme="failure and learning"
    )
    practice(store, question_id="q2", question_text="A time you failed.", story_id="outage")
    assert len(store.list()) == 3
    assert [r.question_id for r in store.list(theme="Conflict Resolution")] == ["q1"]
    assert len(store.list(question="q2")) == 2
    assert len(store.list(question="CONFLICT")) == 1
    assert [r.story_id for r in store.list(story="outage")] == ["outage"]
    # Dates are the user's local calendar days, whatever the UTC date of the stored time.
    today = datetime.fromisoformat(store.list()[0].created_at).astimezone().date().isoformat()
    assert len(store.list(since=today, until=today)) == 3
    assert store.list(until="2000-01-01") == ()
    assert len(store.list(limit=2)) == 2
    with pytest.raises(MockintError, match="YYYY-MM-DD"):
        store.list(since="yesterday")


def test_list_is_oldest_first_and_limit_keeps_the_newest(store) -> None:
    ids = [practice(store).id for _ in range(4)]
    assert [r.id for r in store.list()] == ids
    assert [r.id for r in store.list(limit=2)] == ids[-2:]


def test_open_sessions_are_hidden_until_finished(store) -> None:
    handle = store.new_session("practice")
    assert store.list() == ()
    assert [r.id for r in store.list(include_open=True)] == [handle.id]


def test_save_analyzed_file_copies_flac_losslessly(store) -> None:
    source = REAL_AUDIO / "jfk.flac"
    session_id = store.save_analyzed_file(source, make_analysis(path=str(source)))
    stored = store.get(session_id)
    assert stored.audio_path is not None and stored.audio_path.name == "answer.flac"
    assert stored.audio_path.read_bytes() == source.read_bytes()
    assert stored.meta["kind"] == "analyze"
    assert stored.meta["source_path"] == str(source.resolve())
    assert [r.id for r in store.list(kind="analyze")] == [session_id]


def test_save_analyzed_file_decodes_lossy_audio_to_wav(store) -> None:
    source = REAL_AUDIO / "apollo11.mp3"
    session_id = store.save_analyzed_file(source, make_analysis(path=str(source)))
    audio = store.get(session_id).audio_path
    assert audio is not None and audio.name == "answer.wav"
    assert audio.read_bytes()[:4] == b"RIFF"
    assert stat.S_IMODE(audio.stat().st_mode) == 0o600


def test_save_of_an_unreadable_file_leaves_nothing_behind(store, tmp_path: Path) -> None:
    broken = tmp_path / "broken.mp3"
    broken.write_bytes(b"not audio at all" * 10)
    with pytest.raises(MockintError, match="broken.mp3"):
        store.save_analyzed_file(broken, make_analysis())
    assert store.list(include_open=True) == ()
    assert [p for p in store.sessions_dir.iterdir() if not p.name.startswith(".")] == []


def test_finish_without_audio_is_an_error_naming_the_folder(store) -> None:
    handle = store.new_session("practice")
    with pytest.raises(MockintError, match=handle.id):
        store.finish_session(handle, analysis=make_analysis())


def test_delete_removes_audio_and_index_entry(store) -> None:
    keep, gone = practice(store), practice(store)
    store.delete(gone.id)
    assert not gone.folder.exists()
    assert [r.id for r in store.list()] == [keep.id]
    assert keep.audio_path is not None and keep.audio_path.exists()
    with pytest.raises(MockintError, match="no such session"):
        store.delete(gone.id)


@pytest.mark.parametrize(
    "bad_id", ["../etc", "../../x", "20261126-013000-ab12cd/..", "/tmp/x", "a b", ""]
)
def test_ids_that_could_escape_the_data_folder_are_rejected(store, bad_id: str) -> None:
    with pytest.raises(MockintError, match="not a session id"):
        store.get(bad_id)
    with pytest.raises(MockintError, match="not a session id"):
        store.delete(bad_id)
    with pytest.raises(MockintError):
        store.resolve(bad_id)


def test_resolve_accepts_prefixes_and_last(store) -> None:
    first, second = practice(store), practice(store)
    assert store.resolve("last") == second.id
    assert store.resolve(first.id) == first.id
    assert store.resolve(second.id[:-1]) == second.id
    with pytest.raises(MockintError, match="matches 2 sessions"):
        store.resolve(first.id[:8])


def test_replace_analysis_keeps_the_old_one(store) -> None:
    stored = practice(
        store, make_analysis({"situation": 90, "task": 20, "action": 70, "result": 40})
    )
    new = make_analysis()
    updated = store.replace_analysis(stored.id, new)
    assert updated.analysis == new
    (old_name,) = updated.meta["previous_analyses"]
    old = json.loads((stored.folder / old_name).read_text())
    assert old["schema"] == "mockint.analysis/1"
    assert old["files"][0]["phases"][0]["duration_s"] == 90
    assert store.list()[0].phase("situation").verdict == "ok"


def test_a_killed_write_leaves_the_previous_file(tmp_path: Path, monkeypatch) -> None:
    target = tmp_path / "session.json"
    target.write_bytes(b"previous")

    def crash(*args):
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "replace", crash)
    with pytest.raises(KeyboardInterrupt):
        write_atomic(target, b"new contents")
    assert target.read_bytes() == b"previous"
    assert [p.name for p in tmp_path.iterdir()] == ["session.json"]


def test_recover_orphans_returns_killed_recordings(store, mockint_home: Path) -> None:
    handle = store.new_session("practice", question_text="Q?")
    write_tone_wav(handle.answer_path)
    empty = store.new_session("practice")
    store.close()  # the recording process dies: its locks go with it
    with open_store() as later:
        (orphan,) = later.recover_orphans()
        assert orphan.id == handle.id
        assert not empty.folder.exists()  # nothing was recorded there
        later.finish_session(orphan, analysis=make_analysis())
        assert [r.id for r in later.list()] == [handle.id]
        assert later.recover_orphans() == ()


def test_recover_orphans_leaves_a_live_recording_alone(store) -> None:
    live = store.new_session("practice")
    write_tone_wav(live.answer_path)
    with open_store() as other:  # another process starting up
        assert other.recover_orphans() == ()
    assert live.folder.exists()
    store.finish_session(live, analysis=make_analysis())


def test_recover_orphans_indexes_a_session_killed_before_indexing(store, mockint_home) -> None:
    stored = practice(store)
    db = sqlite3.connect(mockint_home / "index.sqlite")
    db.execute("UPDATE sessions SET status='open'")
    db.commit()
    db.close()
    assert store.list() == ()
    assert store.recover_orphans() == ()
    assert [r.id for r in store.list()] == [stored.id]


def test_a_corrupt_session_json_names_the_file_and_spares_the_rest(store) -> None:
    broken, fine = practice(store), practice(store)
    (broken.folder / "session.json").write_bytes(b'{"schema": "mockint.session/1", "id": ')
    with pytest.raises(MockintError, match=r"session\.json: not valid JSON"):
        store.get(broken.id)
    assert store.get(fine.id).analysis is not None
    assert len(store.list()) == 2  # the index still lists both


def test_a_damaged_index_gives_a_clear_message_and_doctor_rebuilds_it(mockint_home: Path) -> None:
    with open_store() as store:
        ids = [practice(store).id for _ in range(3)]
    index = mockint_home / "index.sqlite"
    for suffix in ("-wal", "-shm"):
        Path(f"{index}{suffix}").unlink(missing_ok=True)
    index.write_bytes(b"this is not a database" * 100)
    with pytest.raises(MockintError, match="damaged.*mockint doctor"):
        open_store().list()
    with open_store() as store:
        report = store.rebuild_index()
        assert sorted(report.indexed) == sorted(ids)
        assert report.moved_aside is not None and report.moved_aside.exists()
        assert [r.id for r in store.list()] == ids
        assert store.integrity() == "ok"
    for session_id in ids:  # nothing else lost
        assert (mockint_home / "sessions" / session_id / "answer.wav").exists()


def test_doctor_reports_unreadable_sessions_and_keeps_their_files(store) -> None:
    good, bad = practice(store), practice(store)
    (bad.folder / "session.json").write_text("[]")
    report = store.rebuild_index()
    assert report.indexed == (good.id,)
    assert len(report.unreadable) == 1 and bad.id in report.unreadable[0]
    assert (bad.folder / "answer.wav").exists()


def _valid_session_bytes() -> bytes:
    document = {
        "schema": SESSION_SCHEMA,
        "id": "20261126-013000-ab12cd",
        "kind": "practice",
        "created_at": "2026-11-26T01:30:00Z",
        "analysis": make_analysis(),
    }
    return json.dumps(document).encode()


@settings(max_examples=200, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(
    st.one_of(
        st.binary(max_size=200),
        st.builds(
            lambda data, cut, junk: data[:cut] + junk + data[cut + len(junk) :],
            st.just(_valid_session_bytes()),
            st.integers(min_value=0, max_value=len(_valid_session_bytes())),
            st.binary(min_size=1, max_size=8),
        ),
        st.recursive(
            st.none() | st.booleans() | st.floats() | st.text(max_size=5) | st.integers(),
            lambda inner: (
                st.lists(inner, max_size=3)
                | st.dictionaries(st.text(max_size=8), inner, max_size=4)
            ),
            max_leaves=12,
        ).map(lambda value: json.dumps(value).encode()),
    )
)
@example(_valid_session_bytes())
def test_fuzzed_session_files_load_or_fail_with_a_message_naming_the_file(data: bytes) -> None:
    from mockint.history import record_from
    from mockint.replay_view import timeline_from_entry, view_at

    try:
        session = parse_session(data, "/x/session.json")
    except MockintError as error:
        assert str(error).startswith("/x/session.json: ")
        assert "\n" not in str(error)
        return
    # Whatever passes the checks must be safe for everything that reads it afterwards.
    record_from(session, session.get("analysis"))
    if session.get("analysis") is not None:
        timeline = timeline_from_entry(session["analysis"])
        view_at(timeline, timeline.duration_s / 2)


@settings(max_examples=100, deadline=None)
@given(
    st.dictionaries(
        st.sampled_from(["words", "phases", "spans", "duration_s", "ok", "answer"]),
        st.recursive(
            st.none() | st.booleans() | st.floats() | st.text(max_size=5) | st.integers(),
            lambda inner: (
                st.lists(inner, max_size=3)
                | st.dictionaries(
                    st.sampled_from(
                        [
                            "text",
                            "start_s",
                            "end_s",
                            "phase",
                            "verdict",
                            "target_min_s",
                            "target_max_s",
                            "duration_s",
                        ]
                    ),
                    inner,
                    max_size=8,
                )
            ),
            max_leaves=20,
        ),
    )
)
def test_fuzzed_analysis_entries_are_checked_before_use(entry: dict) -> None:
    from mockint.history import record_from
    from mockint.replay_view import timeline_from_entry, view_at
    from mockint.session_file import check_analysis_entry

    try:
        check_analysis_entry(entry, "/x/session.json")
    except MockintError as error:
        assert str(error).startswith("/x/session.json: ")
        return
    meta = {"id": "20261126-013000-ab12cd", "kind": "practice", "created_at": "2026-11-26"}
    record_from(meta, entry)
    view_at(timeline_from_entry(entry), 1.0)


def test_recover_orphans_repairs_a_wav_header_a_killed_recorder_left(store) -> None:
    handle = store.new_session("practice")
    write_tone_wav(handle.answer_path, duration_s=0.25)
    data = bytearray(handle.answer_path.read_bytes())
    data[4:8] = (36).to_bytes(4, "little")  # sizes as written before the first flush
    data[40:44] = (0).to_bytes(4, "little")
    handle.answer_path.write_bytes(bytes(data))
    store.close()
    with open_store() as later:
        (orphan,) = later.recover_orphans()
        with wave.open(str(orphan.answer_path)) as repaired:
            assert repaired.getnframes() == 4000


def test_doctor_clears_debris_of_killed_writes_but_not_live_sessions(store) -> None:
    live = store.new_session("practice")
    draft = store.sessions_dir / ".new-20261126-013000-ab12cd"  # killed inside new_session
    draft.mkdir()
    (draft / "session.json").write_text("{}")
    trash = store.sessions_dir / ".trash-20261126-013000-ab12cd-0000"  # killed inside delete
    trash.mkdir()
    with open_store() as other:
        report = other.rebuild_index()
    assert not draft.exists() and not trash.exists()
    assert live.folder.exists() and report.indexed == (live.id,)


def test_an_analysis_json_cannot_store_is_refused_with_the_file_named(store) -> None:
    handle = store.new_session("practice")
    write_tone_wav(handle.answer_path)
    analysis = make_analysis()
    analysis["coaching"] = {"score": float("nan")}
    with pytest.raises(MockintError, match=r"session\.json: cannot be stored as JSON"):
        store.finish_session(handle, analysis=analysis)
    assert handle.answer_path.exists()  # the recording is kept
    assert store.get(handle.id).analysis is None  # and the previous session.json is intact
