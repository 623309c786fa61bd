"""The session store: one user-only folder per session, indexed in SQLite (WAL) for listing."""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import shutil
import sqlite3
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, Literal

from mockint.errors import MockintError
from mockint.history import SessionRecord, record_from, record_json
from mockint.session_file import (
    SESSION_ID_RE,
    SESSION_SCHEMA,
    check_analysis_entry,
    check_session_id,
    dump_json,
    parse_session,
)

try:  # POSIX: a lock held while a session records tells recover_orphans() to leave it alone
    import fcntl
except ImportError:  # pragma: no cover - Windows has no flock; recovery then trusts the caller
    fcntl = None  # type: ignore[assignment]

Kind = Literal["practice", "analyze"]

SESSIONS_DIR = "sessions"
INDEX_FILE = "index.sqlite"
SESSION_FILE = "session.json"
TRANSCRIPT_FILE = "transcript.txt"
LOCK_FILE = ".lock"
AUDIO_NAMES = ("answer.wav", "answer.flac")
LOSSLESS_SUFFIXES = (".wav", ".flac")
_TRASH_PREFIX = ".trash-"
_DRAFT_PREFIX = ".new-"
_BUSY_TIMEOUT_MS = 30_000

# Each entry moves the index one version up (PRAGMA user_version); never edit a released one.
MIGRATIONS: tuple[str, ...] = (
    """
    CREATE TABLE sessions (
        id TEXT PRIMARY KEY,
        kind TEXT NOT NULL,
        created_at TEXT NOT NULL,
        status TEXT NOT NULL,
        question_id TEXT,
        question_text TEXT,
        theme TEXT,
        story_id TEXT,
        duration_s REAL,
        record TEXT NOT NULL
    );
    CREATE INDEX sessions_by_time ON sessions(created_at);
    CREATE INDEX sessions_by_theme ON sessions(theme);
    CREATE INDEX sessions_by_question ON sessions(question_id);
    CREATE INDEX sessions_by_story ON sessions(story_id);
    """,
)


@dataclass(frozen=True, slots=True)
class SessionHandle:
    """A session being recorded: the recorder writes `answer_path` inside `folder`."""

    id: str
    folder: Path

    @property
    def answer_path(self) -> Path:
        return self.folder / AUDIO_NAMES[0]

    @property
    def question_audio_path(self) -> Path:
        """Where practice may keep the spoken question, to replay it with the answer."""
        return self.folder / "question.wav"


@dataclass(frozen=True, slots=True)
class StoredSession:
    id: str
    folder: Path
    meta: dict[str, Any]
    analysis: dict[str, Any] | None
    audio_path: Path | None

    @property
    def record(self) -> SessionRecord:
        return record_from(self.meta, self.analysis)


@dataclass(frozen=True, slots=True)
class RebuildReport:
    indexed: tuple[str, ...]
    unreadable: tuple[str, ...]  # one line per session folder that could not be read
    moved_aside: Path | None  # the damaged index, kept for inspection


def open_store(home: Path | None = None) -> SessionStore:
    """The store under `home` (default: the user's data folder, MOCKINT_HOME overrides it)."""
    if home is None:
        from mockint.paths import data_home

        home = data_home()
    return SessionStore(Path(home))


def now_utc() -> datetime:
    return datetime.now(UTC)


class SessionStore:
    def __init__(self, home: Path) -> None:
        self.home = home
        self.sessions_dir = home / SESSIONS_DIR
        self.index_path = home / INDEX_FILE
        _make_private_dir(home)
        _make_private_dir(self.sessions_dir)
        self._locks: dict[str, int] = {}
        self._db: sqlite3.Connection | None = None

    # ----- index -------------------------------------------------------------------------

    @property
    def db(self) -> sqlite3.Connection:
        if self._db is None:
            self._db = self._connect()
        return self._db

    def _connect(self) -> sqlite3.Connection:
        if not self.index_path.exists():
            os.close(os.open(self.index_path, os.O_CREAT | os.O_WRONLY, 0o600))
        try:
            db = sqlite3.connect(
                self.index_path, timeout=_BUSY_TIMEOUT_MS / 1000, isolation_level=None
            )
            db.execute(f"PRAGMA busy_timeout = {_BUSY_TIMEOUT_MS}")
            _retry_busy(lambda: db.execute("PRAGMA journal_mode = WAL"))
            db.execute("PRAGMA synchronous = FULL")
            _migrate(db, self.index_path)
        except sqlite3.DatabaseError as error:
            raise self._damaged(error) from None
        for suffix in ("", "-wal", "-shm"):
            with contextlib.suppress(OSError):
                os.chmod(f"{self.index_path}{suffix}", 0o600)
        return db

    def _damaged(self, error: Exception) -> MockintError:
        return MockintError(
            f"{self.index_path}: the session index is damaged ({error}); "
            "run `mockint doctor` to rebuild it from the session folders"
        )

    @contextlib.contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        db = self.db
        try:
            _retry_busy(lambda: db.execute("BEGIN IMMEDIATE"))
            try:
                yield db
            except BaseException:
                db.execute("ROLLBACK")
                raise
            db.execute("COMMIT")
        except sqlite3.DatabaseError as error:
            raise self._damaged(error) from None

    def _query(self, sql: str, params: tuple[Any, ...] = ()) -> list[sqlite3.Row]:
        try:
            cursor = self.db.execute(sql, params)
            cursor.row_factory = sqlite3.Row
            return cursor.fetchall()
        except sqlite3.DatabaseError as error:
            raise self._damaged(error) from None

    def _index(self, db: sqlite3.Connection, meta: dict[str, Any], analysis: dict | None) -> None:
        record = record_from(meta, analysis)
        db.execute(
            "INSERT OR REPLACE INTO sessions (id, kind, created_at, status, question_id, "
            "question_text, theme, story_id, duration_s, record) VALUES (?,?,?,?,?,?,?,?,?,?)",
            (
                record.id,
                record.kind,
                record.created_at,
                "open" if analysis is None else "done",
                record.question_id,
                record.question_text,
                record.theme,
                record.story_id,
                record.duration_s,
                json.dumps(record_json(record)),
            ),
        )

    def close(self) -> None:
        for session_id in list(self._locks):
            self._unlock(session_id)
        if self._db is not None:
            self._db.close()
            self._db = None

    def __enter__(self) -> SessionStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ----- writing sessions ----------------------------------------------------------------

    def new_session(
        self,
        kind: Kind,
        *,
        question_id: str | None = None,
        question_text: str | None = None,
        theme: str | None = None,
        story_id: str | None = None,
        source_path: str | None = None,
    ) -> SessionHandle:
        """Create the session's folder (user-only) and an 'open' index entry; the caller records."""
        if kind not in ("practice", "analyze"):
            raise MockintError(f"{kind!r}: a session is 'practice' or 'analyze'")
        created = now_utc()
        # Built under a hidden name and renamed once locked and described, so that another
        # process's recover_orphans() never sees a half-made folder and mistakes it for debris.
        while True:
            session_id = f"{created:%Y%m%d-%H%M%S}-{secrets.token_hex(3)}"
            folder = self.sessions_dir / session_id
            draft = self.sessions_dir / f"{_DRAFT_PREFIX}{session_id}"
            if folder.exists():
                continue  # another process drew the same random suffix this second
            try:
                draft.mkdir(mode=0o700)
                break
            except FileExistsError:
                continue
        os.chmod(draft, 0o700)
        self._lock(session_id, draft)
        meta: dict[str, Any] = {
            "schema": SESSION_SCHEMA,
            "id": session_id,
            "kind": kind,
            "created_at": created.isoformat(timespec="microseconds").replace("+00:00", "Z"),
            "question_id": question_id,
            "question_text": question_text,
            "theme": theme,
            "story_id": story_id,
            "source_path": source_path,
            "audio": None,
            "analysis": None,
            "previous_analyses": [],
        }
        write_atomic(draft / SESSION_FILE, dump_json(meta))
        try:
            os.rename(draft, folder)  # onto an existing session it fails: that one is not empty
        except OSError:
            self._unlock(session_id)
            shutil.rmtree(draft, ignore_errors=True)
            return self.new_session(
                kind,
                question_id=question_id,
                question_text=question_text,
                theme=theme,
                story_id=story_id,
                source_path=source_path,
            )
        with self._write() as db:
            self._index(db, meta, None)
        return SessionHandle(session_id, folder)

    def finish_session(
        self, handle: SessionHandle, *, analysis: dict[str, Any], audio_path: Path | None = None
    ) -> StoredSession:
        """Keep the audio (lossless) in the folder, write session.json atomically, index it."""
        check_analysis_entry(analysis, f"analysis for session {handle.id}")
        folder = self._folder(handle.id)
        meta = self._read_meta(folder)
        if audio_path is not None and Path(audio_path).resolve().parent != folder.resolve():
            _store_audio(Path(audio_path), folder)
        audio = _find_audio(folder)
        if audio is None:
            raise MockintError(f"{folder}: no answer audio to keep with the analysis")
        meta["audio"] = audio.name
        meta["analysis"] = analysis
        write_atomic(folder / TRANSCRIPT_FILE, _transcript_text(analysis).encode())
        write_atomic(folder / SESSION_FILE, dump_json(meta, str(folder / SESSION_FILE)))
        _privatise(folder)
        with self._write() as db:
            self._index(db, meta, analysis)
        self._unlock(handle.id)
        return StoredSession(handle.id, folder, meta, analysis, audio)

    def save_analyzed_file(self, path: Path, analysis_json: dict[str, Any]) -> str:
        """`mockint analyze --save`: the file's audio and analysis become a session; its id."""
        path = Path(path)
        question = analysis_json.get("question")
        question_text = question if isinstance(question, str) else None
        handle = self.new_session(
            "analyze", question_text=question_text, source_path=str(path.resolve())
        )
        try:
            self.finish_session(handle, analysis=analysis_json, audio_path=path)
        except BaseException:
            self._discard(handle.id)
            raise
        return handle.id

    def replace_analysis(self, session_id: str, analysis: dict[str, Any]) -> StoredSession:
        """Store a new analysis, keeping the old one beside it as analysis-<time>.json."""
        check_analysis_entry(analysis, f"new analysis for session {session_id}")
        session = self.get(session_id)
        meta = dict(session.meta)
        if session.analysis is not None:
            name = f"analysis-{now_utc():%Y%m%d-%H%M%S}-{secrets.token_hex(2)}.json"
            old = {"schema": "mockint.analysis/1", "files": [session.analysis]}
            write_atomic(session.folder / name, dump_json(old))
            meta["previous_analyses"] = [*meta.get("previous_analyses", []), name]
        meta["analysis"] = analysis
        write_atomic(session.folder / TRANSCRIPT_FILE, _transcript_text(analysis).encode())
        write_atomic(session.folder / SESSION_FILE, dump_json(meta))
        with self._write() as db:
            self._index(db, meta, analysis)
        return StoredSession(session_id, session.folder, meta, analysis, session.audio_path)

    def delete(self, session_id: str) -> None:
        """Remove the session's folder (its audio) and its index entry together."""
        folder = self._folder(session_id)
        if not folder.exists() and not self._query(
            "SELECT 1 FROM sessions WHERE id=?", (session_id,)
        ):
            raise MockintError(f"{session_id}: no such session")
        self._discard(session_id)

    def _discard(self, session_id: str) -> None:
        folder = self._folder(session_id)
        # Rename first so a crash leaves either the whole session or a trash folder doctor clears.
        trash = self.sessions_dir / f"{_TRASH_PREFIX}{session_id}-{secrets.token_hex(2)}"
        if folder.exists():
            folder.rename(trash)
        with self._write() as db:
            db.execute("DELETE FROM sessions WHERE id=?", (session_id,))
        self._unlock(session_id)
        shutil.rmtree(trash, ignore_errors=True)

    # ----- reading sessions ----------------------------------------------------------------

    def get(self, session_id: str) -> StoredSession:
        folder = self._folder(session_id)
        if not folder.is_dir():
            raise MockintError(f"{session_id}: no such session")
        meta = self._read_meta(folder)
        audio = _find_audio(folder)
        return StoredSession(session_id, folder, meta, meta.get("analysis"), audio)

    def list(
        self,
        *,
        theme: str | None = None,
        question: str | None = None,
        story: str | None = None,
        since: str | None = None,
        until: str | None = None,
        kind: str | None = None,
        include_open: bool = False,
        limit: int | None = None,
    ) -> tuple[SessionRecord, ...]:
        """Indexed sessions, oldest first; `limit` keeps the most recent ones.

        question matches a question id exactly or any part of the question's text; since and
        until are dates (YYYY-MM-DD, inclusive) in the local time zone.
        """
        clauses, params = [], []
        if not include_open:
            clauses.append("status = 'done'")
        if theme:
            clauses.append("lower(theme) = lower(?)")
            params.append(theme)
        if question:
            clauses.append("(question_id = ? OR instr(lower(question_text), lower(?)) > 0)")
            params += [question, question]
        if story:
            clauses.append("story_id = ?")
            params.append(story)
        if kind:
            clauses.append("kind = ?")
            params.append(kind)
        if since:
            clauses.append("created_at >= ?")
            params.append(_local_midnight_utc(since))
        if until:
            clauses.append("created_at < ?")
            params.append(_local_midnight_utc(until, days_after=1))
        where = f"WHERE {' AND '.join(clauses)}" if clauses else ""
        sql = f"SELECT id, record FROM sessions {where} ORDER BY created_at DESC, id DESC"
        if limit is not None:
            sql += f" LIMIT {int(limit)}"
        rows = self._query(sql, tuple(params))
        try:
            return tuple(reversed([_record_from_json(row["record"]) for row in rows]))
        except (ValueError, TypeError, KeyError, AttributeError) as error:
            raise self._damaged(error) from None

    def resolve(self, id_or_prefix: str) -> str:
        """A full session id from an id, a unique prefix of one, or 'last'."""
        text = id_or_prefix.strip()
        if text == "last":
            rows = self._query(
                "SELECT id FROM sessions WHERE status='done' "
                "ORDER BY created_at DESC, id DESC LIMIT 1"
            )
            if not rows:
                raise MockintError("no sessions stored yet")
            return str(rows[0]["id"])
        if not text or any(c not in "0123456789abcdef-" for c in text):
            check_session_id(text)  # raises with the usual message
        if len(text) == 22 and (self.sessions_dir / text).is_dir():
            return check_session_id(text)
        # A start of the id, or its random end as `mockint sessions` shows it.
        rows = self._query(
            "SELECT id FROM sessions WHERE id LIKE ? OR id LIKE ? ORDER BY id",
            (f"{text}%", f"%-{text}" if len(text) == 6 else text),
        )
        ids = [str(r["id"]) for r in rows]
        if len(ids) == 1:
            return ids[0]
        if not ids:
            raise MockintError(f"{text}: no such session (see `mockint sessions`)")
        raise MockintError(f"{text}: matches {len(ids)} sessions; give more of the id")

    def _folder(self, session_id: str) -> Path:
        check_session_id(session_id)
        folder = self.sessions_dir / session_id
        if folder.resolve().parent != self.sessions_dir.resolve():
            raise MockintError(f"{session_id}: a session id cannot point outside the data folder")
        return folder

    def _read_meta(self, folder: Path) -> dict[str, Any]:
        path = folder / SESSION_FILE
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            raise MockintError(f"{path}: missing (run `mockint doctor`)") from None
        except OSError as error:
            raise MockintError(f"{path}: cannot read ({error.strerror})") from None
        meta = parse_session(data, str(path))
        if meta["id"] != folder.name:
            raise MockintError(f"{path}: holds session {meta['id']}, not {folder.name}")
        return meta

    # ----- recovery ------------------------------------------------------------------------

    def recover_orphans(self) -> tuple[SessionHandle, ...]:
        """Sessions a killed run left with audio but no analysis, locked for the caller to finish.

        Folders with no audio at all (killed before recording) are removed; sessions another
        process is still recording are left alone.
        """
        handles = []
        for folder in sorted(self.sessions_dir.iterdir()):
            if not folder.is_dir() or folder.name.startswith("."):
                continue
            try:
                session_id = check_session_id(folder.name)
            except MockintError:
                continue
            if not self._try_lock(session_id, folder):
                continue
            try:
                meta = self._read_meta(folder)
            except MockintError:
                meta = None
            if meta is not None and meta.get("analysis") is not None:
                self._unlock(session_id)
                if not self._query(
                    "SELECT 1 FROM sessions WHERE id=? AND status='done'", (session_id,)
                ):
                    with self._write() as db:  # killed between session.json and the index
                        self._index(db, meta, meta["analysis"])
                continue
            if _find_audio(folder) is None:
                if meta is not None or not any(folder.iterdir()) or _only_lock(folder):
                    self._discard(session_id)
                else:
                    self._unlock(session_id)  # unreadable files: leave them for doctor
                continue
            if meta is None:
                self._unlock(session_id)
                continue
            _repair_recording(folder)
            handles.append(SessionHandle(session_id, folder))
        return tuple(handles)

    def rebuild_index(self) -> RebuildReport:
        """Recreate the index from the session folders (the folders are the source of truth)."""
        moved = None
        try:
            db = self.db
            ok = db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        except (sqlite3.DatabaseError, MockintError):
            ok = False
        if not ok:
            moved = self._move_index_aside()
        indexed, unreadable, metas = [], [], []
        for folder in sorted(self.sessions_dir.iterdir()):
            if folder.name.startswith(_TRASH_PREFIX):
                shutil.rmtree(folder, ignore_errors=True)
                continue
            if folder.name.startswith(_DRAFT_PREFIX):
                self._remove_abandoned_draft(folder)
                continue
            if folder.name.startswith(".") or not folder.is_dir():
                continue
            try:
                meta = self._read_meta(self._folder(folder.name))
            except MockintError as error:
                unreadable.append(str(error))
                continue
            metas.append(meta)
        with self._write() as db:
            db.execute("DELETE FROM sessions")
            for meta in metas:
                self._index(db, meta, meta.get("analysis"))
                indexed.append(meta["id"])
        return RebuildReport(tuple(indexed), tuple(unreadable), moved)

    def _remove_abandoned_draft(self, draft: Path) -> None:
        """A folder new_session() was still preparing when its process died (never recorded in)."""
        session_id = draft.name.removeprefix(_DRAFT_PREFIX)
        if SESSION_ID_RE.match(session_id) and self._try_lock(session_id, draft):
            self._unlock(session_id)
            shutil.rmtree(draft, ignore_errors=True)

    def _move_index_aside(self) -> Path:
        if self._db is not None:
            with contextlib.suppress(sqlite3.Error):
                self._db.close()
            self._db = None
        stamp = f"{now_utc():%Y%m%d-%H%M%S}"
        aside = self.home / f"{INDEX_FILE}.damaged-{stamp}"
        for suffix in ("", "-wal", "-shm"):
            source = Path(f"{self.index_path}{suffix}")
            if source.exists():
                source.rename(Path(f"{aside}{suffix}"))
        return aside

    def integrity(self) -> str:
        return str(self._query("PRAGMA integrity_check")[0][0])

    # ----- locks ---------------------------------------------------------------------------

    def _lock(self, session_id: str, folder: Path) -> None:
        if not self._try_lock(session_id, folder):
            raise MockintError(f"{folder}: another mockint process is using this session")

    def _try_lock(self, session_id: str, folder: Path) -> bool:
        if session_id in self._locks:
            return False  # this process is recording it
        if fcntl is None:
            return True
        fd = os.open(folder / LOCK_FILE, os.O_CREAT | os.O_RDWR, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(fd)
            return False
        self._locks[session_id] = fd
        return True

    def _unlock(self, session_id: str) -> None:
        fd = self._locks.pop(session_id, None)
        if fd is not None:
            os.close(fd)  # closing the descriptor releases the flock


# ----- helpers -----------------------------------------------------------------------------


def _migrate(db: sqlite3.Connection, path: Path) -> None:
    version = db.execute("PRAGMA user_version").fetchone()[0]
    if version == len(MIGRATIONS):
        return
    if version > len(MIGRATIONS):
        raise MockintError(f"{path}: the index was written by a newer mockint; upgrade mockint")
    _retry_busy(lambda: db.execute("BEGIN IMMEDIATE"))
    try:
        # Re-read under the write lock: another process may have migrated meanwhile.
        version = db.execute("PRAGMA user_version").fetchone()[0]
        for number in range(version, len(MIGRATIONS)):
            for statement in MIGRATIONS[number].split(";"):
                if statement.strip():
                    db.execute(statement)
            db.execute(f"PRAGMA user_version = {number + 1}")
    except BaseException:
        db.execute("ROLLBACK")
        raise
    db.execute("COMMIT")


def _retry_busy(action: Any, attempts: int = 50) -> Any:
    """SQLite's busy handler does not cover every lock wait (journal-mode switches, BEGIN)."""
    for attempt in range(attempts):
        try:
            return action()
        except sqlite3.OperationalError as error:
            if "locked" not in str(error) and "busy" not in str(error):
                raise
            if attempt == attempts - 1:
                raise MockintError(f"the session index stayed locked: {error}") from None
            time.sleep(0.05 * (attempt + 1))
    return None


def write_atomic(path: Path, data: bytes) -> None:
    """Replace `path` with `data` so a crash leaves the old file or the new one, never a mix."""
    fd, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as out:  # mkstemp creates the file 0600
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise
    _fsync_dir(path.parent)


def _fsync_dir(folder: Path) -> None:
    with contextlib.suppress(OSError):  # not every platform can open a folder
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _make_private_dir(folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    os.chmod(folder, 0o700)


def _privatise(folder: Path) -> None:
    for item in folder.iterdir():
        if item.is_file():
            os.chmod(item, 0o600)


def _only_lock(folder: Path) -> bool:
    return {p.name for p in folder.iterdir()} <= {LOCK_FILE}


def _repair_recording(folder: Path) -> None:
    """A recorder killed between two flushes leaves WAV sizes that undercount the samples."""
    answer = folder / AUDIO_NAMES[0]
    if answer.is_file():
        from mockint.record import repair_wav

        # If it cannot be repaired it is kept as it is: the caller's decoder says what is wrong.
        with contextlib.suppress(MockintError):
            repair_wav(answer)


def _find_audio(folder: Path) -> Path | None:
    return next((folder / n for n in AUDIO_NAMES if (folder / n).is_file()), None)


def _store_audio(source: Path, folder: Path) -> Path:
    """Copy WAV/FLAC as they are; decode anything else to 16 kHz mono WAV (lossless from here)."""
    suffix = source.suffix.lower()
    if suffix in LOSSLESS_SUFFIXES:
        target = folder / f"answer{suffix}"
        fd, temp = tempfile.mkstemp(dir=folder, prefix=".answer.", suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as out, source.open("rb") as src:
                shutil.copyfileobj(src, out)
                out.flush()
                os.fsync(out.fileno())
            os.replace(temp, target)
        except OSError as error:
            with contextlib.suppress(OSError):
                os.unlink(temp)
            raise MockintError(
                f"{source}: cannot copy into the session ({error.strerror})"
            ) from None
        return target
    from mockint.audio import decode_file, write_wav

    samples = decode_file(source)
    decoded = folder / ".answer.wav.tmp"
    try:
        write_wav(decoded, samples)
        os.chmod(decoded, 0o600)
        target = folder / AUDIO_NAMES[0]
        os.replace(decoded, target)
    except OSError as error:
        decoded.unlink(missing_ok=True)
        raise MockintError(f"{folder}: cannot write the answer audio ({error.strerror})") from None
    return target


def _transcript_text(analysis: dict[str, Any]) -> str:
    lines: list[str] = []
    current: list[str] = []
    phase = None
    for word in analysis.get("words", []):
        if word.get("phase") != phase and current:
            lines.append(f"[{phase or '-'}] {' '.join(current)}")
            current = []
        phase = word.get("phase")
        current.append(word["text"].strip())
    if current:
        lines.append(f"[{phase or '-'}] {' '.join(current)}")
    return "\n".join(lines) + "\n"


def _local_midnight_utc(text: str, days_after: int = 0) -> str:
    """The start of a local calendar day as a stored created_at string compares with it."""
    try:
        day = datetime.strptime(text, "%Y-%m-%d") + timedelta(days=days_after)
    except ValueError:
        raise MockintError(f"{text!r}: dates are written YYYY-MM-DD") from None
    moment = day.astimezone(UTC)  # a naive datetime is taken as local time
    return moment.isoformat(timespec="microseconds").replace("+00:00", "Z")


def _record_from_json(text: str) -> SessionRecord:
    from mockint.history import Flags, PhaseRecord

    data = json.loads(text)
    flags = data.pop("flags")
    phases = tuple(PhaseRecord(**p) for p in data.pop("phases"))
    return SessionRecord(**data, phases=phases, flags=None if flags is None else Flags(**flags))
