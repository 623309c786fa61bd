"""Separate processes writing sessions at the same time: every session stored once, index sound."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

from mockint.store import open_store
from tests.conftest import REPO

# Each child stands for one `mockint analyze --save` run or one practice run.
_WRITER = """
import json, sys, time
from pathlib import Path
from mockint.store import open_store
from tests.session_helpers import make_analysis, write_tone_wav

mode, count, scratch = sys.argv[1], int(sys.argv[2]), Path(sys.argv[3])
go = scratch.parent / "go"
while not go.exists():  # start together, so the writes really overlap
    time.sleep(0.01)
store = open_store()
ids = []
if mode == "practice":
    store.recover_orphans()  # what the practice loop does on start, while others write
for n in range(count):
    if mode == "analyze":
        wav = write_tone_wav(scratch / f"take-{n}.wav", duration_s=0.05)
        ids.append(store.save_analyzed_file(wav, make_analysis(path=str(wav))))
    else:
        handle = store.new_session("practice", question_id=f"q{n % 3}", story_id="outage")
        write_tone_wav(handle.answer_path, duration_s=0.05)
        ids.append(store.finish_session(handle, analysis=make_analysis()).id)
print(json.dumps(ids))
"""

PER_PROCESS = 12


def test_concurrent_writers_lose_nothing(mockint_home: Path, tmp_path: Path) -> None:
    env = {**os.environ, "MOCKINT_HOME": str(mockint_home), "PYTHONPATH": str(REPO)}
    children = []
    for n, mode in enumerate(["analyze", "analyze", "practice", "practice"]):
        scratch = tmp_path / f"writer-{n}"
        scratch.mkdir()
        children.append(
            subprocess.Popen(
                [sys.executable, "-c", _WRITER, mode, str(PER_PROCESS), str(scratch)],
                cwd=REPO,
                env=env,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
        )
    (tmp_path / "go").touch()
    written: list[str] = []
    for child in children:
        out, err = child.communicate(timeout=300)
        assert child.returncode == 0, err
        written += json.loads(out)

    assert len(written) == 4 * PER_PROCESS
    assert len(set(written)) == len(written)
    with open_store() as store:
        listed = [r.id for r in store.list()]
        assert sorted(listed) == sorted(written)  # every session, each exactly once
        assert store.integrity() == "ok"
    folders = sorted(p.name for p in (mockint_home / "sessions").iterdir())
    assert folders == sorted(written)  # no stray drafts, nothing half-made
    db = sqlite3.connect(mockint_home / "index.sqlite")
    assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert db.execute("SELECT count(*) FROM sessions WHERE status='done'").fetchone()[0] == 48


_REWRITER = """
import sys
from mockint.store import open_store
from tests.session_helpers import make_analysis, write_tone_wav

store = open_store()
handle = store.new_session("practice")
write_tone_wav(handle.answer_path, duration_s=0.05)
store.finish_session(handle, analysis=make_analysis())
print(handle.id, flush=True)
n = 0
while True:  # rewrite the analysis until killed
    n += 1
    store.replace_analysis(handle.id, make_analysis({"situation": 30 + n % 10, "task": 20}))
    if n == 5:
        print("rewriting", flush=True)
"""


def test_a_writer_killed_mid_write_leaves_a_whole_analysis(mockint_home: Path) -> None:
    import signal

    from mockint.session_file import check_analysis_entry, parse_session

    env = {**os.environ, "MOCKINT_HOME": str(mockint_home), "PYTHONPATH": str(REPO)}
    for _ in range(3):
        child = subprocess.Popen(
            [sys.executable, "-c", _REWRITER], cwd=REPO, env=env, stdout=subprocess.PIPE, text=True
        )
        session_id = child.stdout.readline().strip()
        assert child.stdout.readline().strip() == "rewriting"
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=60)
        child.stdout.close()
        with open_store() as store:
            stored = store.get(session_id)  # parses and checks session.json
            assert stored.analysis["phases"][0]["duration_s"] in range(30, 46)
            assert [r.id for r in store.list() if r.id == session_id] == [session_id]
            for name in stored.meta["previous_analyses"]:
                document = json.loads((stored.folder / name).read_text())
                check_analysis_entry(document["files"][0], name)
            assert store.integrity() == "ok"
        parse_session((stored.folder / "session.json").read_bytes(), "session.json")
