"""The durable record of every push: run it again to finish it, undo it, show its history.

One SQLite file under the user's data directory
(``platformdirs.user_data_path("client-import")/journal.sqlite3``; ``$CLIENT_IMPORT_DATA_DIR``
or an explicit path instead, for tests and automation), in WAL mode with ``synchronous=FULL``:
once a call below returns, what it wrote survives a crash of the process or of the machine.

A **push** is one file (its path and a fingerprint of its content) sent with one profile to
one target, collection and mode. It holds one **entry** per valid row: the row's key and
number, its state and, once the platform has answered, its outcome. The protocol, per batch::

    push = journal.start_or_resume(file=..., fingerprint=..., profile=..., target=...,
                                   collection=..., mode=..., rows=[(key, row), ...])
    for batch in batches(journal.pending(push)):
        journal.mark_sent(push, keys)            # before the request leaves
        try:
            outcomes = retry(lambda: connector.send(records, create_only=...))
        except GaveUp as error:
            journal.mark_not_sent(push, keys, error.said(lang))  # the run's language
            break
        journal.record(push, [o.in_language(lang) for o in outcomes])  # after the answer
    journal.finish(push)                         # "finished", or "interrupted" if rows remain

Entry states: ``pending`` (never sent) → ``sent`` (a request carrying it left; the answer is
unknown) → ``confirmed`` (the platform's answer is recorded). A crash between ``mark_sent``
and ``record`` leaves the batch ``sent``: the next run of the same file resumes the same push
and sends it again, which is harmless because the platform upserts by key. Only ``confirmed``
rows are skipped, so every row ends on the platform exactly once.

Undo (delete what an import created) reads :meth:`Journal.created_ids`. A row sent, left
without an answer and found ``unchanged`` when sent again may have been created by the first
request, or may have existed before: :meth:`Journal.maybe_created` lists those apart, and an
undo should not delete them without asking.

What is stored is what the user needs to see an outcome: keys, row numbers, statuses, the
platform's ids and messages, per-field messages. Never a field's value, never a credential:
the target is kept as :func:`~addin.connectors.secrets.public_target` (no user, password or query
string) and the file's content only as a SHA-256 fingerprint.

Schema version in ``PRAGMA user_version``; :data:`_MIGRATIONS` holds one step per version, so a
journal written by an older client-import is brought up to date when opened, and one written by
a newer version is refused rather than damaged.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import sqlite3
import threading
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from types import TracebackType
from typing import Literal, cast

from addin.connectors.connector import Outcome, Record
from addin.connectors.secrets import public_target
from addin.connectors.untrusted import readable
from addin.errors import ClientImportError
from addin.files.data_folder import DATA_DIR_ENV, data_folder
from addin.files.private_file import create_private

FILE_NAME = "journal.sqlite3"

PushStatus = Literal["running", "finished", "interrupted"]
EntryState = Literal["pending", "sent", "confirmed"]
RowStatus = Literal["created", "updated", "unchanged", "error", "not-sent"]

#: One tuple of statements per schema version: ``_MIGRATIONS[n]`` takes a file from n to n + 1.
#: Never edit a step once released; add one (an ``ALTER TABLE``, a new table, a data fix).
_MIGRATIONS: tuple[tuple[str, ...], ...] = (
    (
        """
        CREATE TABLE pushes (
            id          INTEGER PRIMARY KEY,
            started_at  TEXT NOT NULL,
            finished_at TEXT,
            file        TEXT NOT NULL,
            fingerprint TEXT NOT NULL,
            sheet       TEXT,
            profile     TEXT NOT NULL,
            target      TEXT NOT NULL,
            collection  TEXT NOT NULL,
            mode        TEXT NOT NULL,
            status      TEXT NOT NULL
                        CHECK (status IN ('running', 'finished', 'interrupted'))
        )
        """,
        "CREATE INDEX pushes_by_file ON pushes (file, id)",
        """
        CREATE INDEX pushes_unfinished ON pushes
            (fingerprint, profile, target, collection, mode) WHERE status != 'finished'
        """,
        """
        CREATE TABLE entries (
            push_id      INTEGER NOT NULL REFERENCES pushes (id) ON DELETE CASCADE,
            key          TEXT NOT NULL,
            row          INTEGER NOT NULL,
            state        TEXT NOT NULL DEFAULT 'pending'
                         CHECK (state IN ('pending', 'sent', 'confirmed')),
            status       TEXT CHECK (status IN
                             ('created', 'updated', 'unchanged', 'error', 'not-sent')),
            platform_id  TEXT,
            message      TEXT,
            field_errors TEXT,
            sends        INTEGER NOT NULL DEFAULT 0,
            changed_at   TEXT,
            undone_at    TEXT,
            PRIMARY KEY (push_id, key),
            CHECK ((state = 'confirmed') = (status IS NOT NULL AND status != 'not-sent'))
        ) WITHOUT ROWID
        """,
        "CREATE INDEX entries_by_row ON entries (push_id, row)",
    ),
    # 1 → 2: records a mode deleted from the platform ("upsert and delete the rest", "replace
    # everything"), so the history counts them.
    ("ALTER TABLE pushes ADD COLUMN deleted INTEGER NOT NULL DEFAULT 0",),
)

SCHEMA_VERSION = len(_MIGRATIONS)

#: the columns of ``pushes`` that are fields of :class:`Push` as they are
_PUSH_FIELDS = (
    "started_at",
    "finished_at",
    "file",
    "fingerprint",
    "sheet",
    "profile",
    "target",
    "collection",
    "mode",
    "status",
)
#: rows a push may have created unknowingly (see :meth:`Journal.maybe_created`)
_MAYBE_CREATED = "((status = 'unchanged' AND sends > 1) OR (state != 'confirmed' AND sends > 0))"


class JournalError(ClientImportError):
    """The journal file cannot be opened or is not one this version can use."""


@dataclass(frozen=True, slots=True)
class Counts:
    """How a push's rows stand. ``not_sent`` = not confirmed yet, for whatever reason."""

    total: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    error: int = 0
    not_sent: int = 0
    #: created rows deleted again by an undo
    undone: int = 0
    #: records of the platform the mode deleted (not rows of the file)
    deleted: int = 0

    @property
    def confirmed(self) -> int:
        """Rows whose answer from the platform is recorded."""
        return self.total - self.not_sent


@dataclass(frozen=True, slots=True)
class Push:
    """One push as the journal holds it when read; ``counts`` is a snapshot."""

    id: int
    started_at: str
    finished_at: str | None
    #: absolute path of the user's file
    file: str
    fingerprint: str
    sheet: str | None
    profile: str
    #: the platform's address, without credentials or query string
    target: str
    collection: str
    mode: str
    status: PushStatus
    counts: Counts
    #: True when :meth:`Journal.start_or_resume` continued an unfinished push
    resumed: bool = False


@dataclass(frozen=True, slots=True)
class Entry:
    """One row of a push: where it is in the protocol and what the platform said."""

    key: str
    row: int
    state: EntryState
    #: None until answered or given up on
    status: RowStatus | None = None
    platform_id: str | None = None
    message: str | None = None
    field_errors: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    #: how many runs sent it (more than one: an earlier request went unanswered)
    sends: int = 0


@dataclass(frozen=True, slots=True)
class Created:
    """A record the push created on the platform: what an undo deletes (by key)."""

    key: str
    row: int
    id: str | None


def utc_now() -> dt.datetime:
    """The clock the journal uses unless a test gives it another."""
    return dt.datetime.now(dt.UTC)


def default_path(environ: Mapping[str, str] | None = None) -> Path:
    """``$CLIENT_IMPORT_DATA_DIR/journal.sqlite3`` when set, else in the user's data folder."""
    return data_folder(environ) / FILE_NAME


def file_fingerprint(path: Path | str) -> str:
    """``sha256:…`` of the file's bytes: any change to the file changes it."""
    digest = hashlib.sha256()
    with Path(path).open("rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return "sha256:" + digest.hexdigest()


def records_fingerprint(records: Iterable[Record]) -> str:
    """``sha256:…`` of what a push sends: the records' keys and fields, in key order.

    The usual fingerprint of a push: it changes when a value to send changes, but not when
    the workbook changes in ways that send nothing new (the status column written back
    after each batch, a note, a re-sort), so those do not turn a resume into a new push.
    """
    lines = sorted(
        json.dumps(
            [record.key, record.fields], sort_keys=True, ensure_ascii=False, separators=(",", ":")
        )
        for record in records
    )
    digest = hashlib.sha256()
    for line in lines:
        digest.update(line.encode("utf-8"))
        digest.update(b"\n")
    return "sha256:" + digest.hexdigest()


class Journal:
    """The journal file, opened. Use it as a context manager, or call :meth:`close`.

    Safe to share between threads (one lock); several processes may use the same file
    (SQLite's locking, with a busy timeout).
    """

    def __init__(self, db: sqlite3.Connection, path: Path, now: Callable[[], dt.datetime]) -> None:
        self.path = path
        self._db = db
        self._now = now
        self._lock = threading.Lock()

    @classmethod
    def open(
        cls,
        path: Path | str | None = None,
        *,
        now: Callable[[], dt.datetime] = utc_now,
    ) -> Journal:
        """Open (or create) the journal at ``path``, by default :func:`default_path`."""
        where = Path(path) if path is not None else default_path()
        return cls(_connect(where), where, now)

    def __enter__(self) -> Journal:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        """Close the file; safe to call twice."""
        with self._lock:
            self._db.close()

    # -- a push's run -------------------------------------------------------------------------

    def start_or_resume(
        self,
        *,
        file: Path | str,
        fingerprint: str,
        profile: str,
        target: str,
        collection: str,
        mode: str,
        rows: Iterable[tuple[str, int]],
        sheet: str | None = None,
    ) -> Push:
        """The unfinished push of the same fingerprint, profile, target, collection and mode,
        now running again (``resumed``), or a new one with every row ``pending``.

        ``rows`` are the valid rows' ``(key, row number)``; keys must be unique. On a resume
        the row numbers are refreshed and rows the journal lacks are added as ``pending``.
        """
        planned = _unique_rows(rows)
        where = str(Path(file).resolve())
        clean_target = public_target(target)
        stamp = self._stamp()
        with self._transaction() as db:
            found = db.execute(
                "SELECT id FROM pushes WHERE fingerprint = ? AND profile = ? AND target = ?"
                " AND collection = ? AND mode = ? AND status != 'finished'"
                " ORDER BY id DESC LIMIT 1",
                (fingerprint, profile, clean_target, collection, mode),
            ).fetchone()
            if found is not None:
                push_id = int(found[0])
                db.execute(
                    "UPDATE pushes SET status = 'running', finished_at = NULL, file = ?,"
                    " sheet = ? WHERE id = ?",
                    (where, sheet, push_id),
                )
                db.executemany(
                    "UPDATE entries SET row = ? WHERE push_id = ? AND key = ? AND row != ?",
                    ((row, push_id, key, row) for key, row in planned.items()),
                )
                db.executemany(
                    "INSERT OR IGNORE INTO entries (push_id, key, row) VALUES (?, ?, ?)",
                    ((push_id, key, row) for key, row in planned.items()),
                )
            else:
                cursor = db.execute(
                    "INSERT INTO pushes (started_at, file, fingerprint, sheet, profile, target,"
                    " collection, mode, status) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'running')",
                    (stamp, where, fingerprint, sheet, profile, clean_target, collection, mode),
                )
                push_id = cast(int, cursor.lastrowid)
                db.executemany(
                    "INSERT INTO entries (push_id, key, row) VALUES (?, ?, ?)",
                    ((push_id, key, row) for key, row in planned.items()),
                )
            push = self._read_push(db, push_id)
        return replace(push, resumed=found is not None)

    def pending(self, push: Push) -> list[Entry]:
        """The rows still to send, in row order: never sent, or sent without an answer."""
        return self._entries(push, "AND state != 'confirmed'")

    def entries(self, push: Push) -> list[Entry]:
        """Every row of the push, in row order (to write statuses back into the sheet)."""
        return self._entries(push, "")

    def mark_sent(self, push: Push, keys: Iterable[str]) -> None:
        """Note, durably, that a request carrying ``keys`` is about to leave.

        Every key must be an unconfirmed row of the push (else ``ValueError``, nothing noted).
        """
        stamp = self._stamp()
        self._update_unconfirmed(
            push,
            keys,
            "UPDATE entries SET state = 'sent', status = NULL, message = NULL,"
            " field_errors = NULL, sends = sends + 1, changed_at = ?",
            (stamp,),
        )

    def record(self, push: Push, outcomes: Sequence[Outcome]) -> None:
        """Keep the platform's answer for each row, all in one transaction.

        Every outcome's key must be an unconfirmed row of the push (else ``ValueError``, and
        none of the outcomes is kept).
        """
        stamp = self._stamp()
        values = [
            (
                outcome.status,
                _storable(outcome.id),
                _storable(outcome.message),
                _field_errors_json(outcome.field_errors),
                stamp,
                push.id,
                outcome.key,
            )
            for outcome in outcomes
        ]
        if len({outcome.key for outcome in outcomes}) != len(values):
            raise ValueError("the same key has two outcomes in one answer")
        with self._transaction() as db:
            cursor = db.executemany(
                "UPDATE entries SET state = 'confirmed', status = ?, platform_id = ?,"
                " message = ?, field_errors = ?, changed_at = ?"
                " WHERE push_id = ? AND key = ? AND state != 'confirmed'",
                values,
            )
            if cursor.rowcount != len(values):
                raise ValueError(_not_unconfirmed(push, (o.key for o in outcomes)))

    def mark_not_sent(self, push: Push, keys: Iterable[str], message: str) -> None:
        """Give ``keys`` the status "not sent" with ``message`` (the retries gave up, the run
        was stopped...). They stay unconfirmed: the next run sends them again."""
        stamp = self._stamp()
        self._update_unconfirmed(
            push,
            keys,
            "UPDATE entries SET status = 'not-sent', message = ?, changed_at = ?",
            (readable(message), stamp),
        )

    def add_deleted(self, push: Push, count: int) -> None:
        """Count ``count`` more records the push's mode deleted from the platform."""
        if count:
            with self._transaction() as db:
                db.execute("UPDATE pushes SET deleted = deleted + ? WHERE id = ?", (count, push.id))

    def finish(self, push: Push) -> Push:
        """End this run: ``finished`` when every row is confirmed, else ``interrupted`` (the
        next run of the same file resumes it). Returns the push as it now stands."""
        stamp = self._stamp()
        with self._transaction() as db:
            db.execute(
                "UPDATE pushes SET finished_at = ?, status = CASE WHEN EXISTS (SELECT 1 FROM"
                " entries WHERE push_id = ? AND state != 'confirmed') THEN 'interrupted'"
                " ELSE 'finished' END WHERE id = ?",
                (stamp, push.id, push.id),
            )
            return self._read_push(db, push.id)

    # -- undo ---------------------------------------------------------------------------------

    def created_ids(self, push: Push) -> list[Created]:
        """The records this push created (and no undo deleted yet), in row order."""
        return self._created(push, "status = 'created'")

    def maybe_created(self, push: Push) -> list[Created]:
        """Rows the push may have created without knowing it: found ``unchanged`` after a
        request that went unanswered (created by that request, or there before the push), or
        never confirmed although a request carrying them left (an interrupted push)."""
        return self._created(push, _MAYBE_CREATED)

    def mark_undone(self, push: Push, keys: Iterable[str]) -> None:
        """Note that the records of ``keys`` were deleted from the platform by an undo."""
        wanted = list(dict.fromkeys(keys))
        stamp = self._stamp()
        with self._transaction() as db:
            cursor = db.executemany(
                "UPDATE entries SET undone_at = ? WHERE push_id = ? AND key = ?"
                f" AND (status = 'created' OR {_MAYBE_CREATED})",
                ((stamp, push.id, key) for key in wanted),
            )
            if cursor.rowcount != len(wanted):
                raise ValueError(f"push {push.id}: some keys are no created row of it")

    # -- reading ------------------------------------------------------------------------------

    def get(self, push_id: int) -> Push | None:
        """The push of that id, or None."""
        with self._lock:
            found = self._db.execute("SELECT 1 FROM pushes WHERE id = ?", (push_id,)).fetchone()
            return None if found is None else self._read_push(self._db, push_id)

    def history(self, limit: int = 20) -> list[Push]:
        """The last ``limit`` pushes, newest first."""
        return self._pushes("", (), limit)

    def pushes_of(self, file: Path | str, limit: int = 100) -> list[Push]:
        """The pushes of that file (by its absolute path), newest first."""
        return self._pushes("WHERE file = ?", (str(Path(file).resolve()),), limit)

    # -- inside -------------------------------------------------------------------------------

    def _stamp(self) -> str:
        """``2026-03-01T09:30:00.125Z``: UTC, milliseconds, sortable as text."""
        moment = self._now().astimezone(dt.UTC)
        return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")

    def _transaction(self) -> _Transaction:
        return _Transaction(self._db, self._lock)

    def _update_unconfirmed(
        self, push: Push, keys: Iterable[str], update: str, values: tuple[object, ...]
    ) -> None:
        wanted = list(dict.fromkeys(keys))
        with self._transaction() as db:
            cursor = db.executemany(
                update + " WHERE push_id = ? AND key = ? AND state != 'confirmed'",
                ((*values, push.id, key) for key in wanted),
            )
            if cursor.rowcount != len(wanted):
                raise ValueError(_not_unconfirmed(push, wanted))

    def _entries(self, push: Push, condition: str) -> list[Entry]:
        with self._lock:
            rows = self._db.execute(
                "SELECT key, row, state, status, platform_id, message, field_errors, sends"
                f" FROM entries WHERE push_id = ? {condition} ORDER BY row, key",
                (push.id,),
            ).fetchall()
        return [
            Entry(key, row, state, status, platform_id, message, _field_errors(errors), sends)
            for key, row, state, status, platform_id, message, errors, sends in rows
        ]

    def _created(self, push: Push, condition: str) -> list[Created]:
        with self._lock:
            rows = self._db.execute(
                "SELECT key, row, platform_id FROM entries WHERE push_id = ?"
                f" AND undone_at IS NULL AND {condition} ORDER BY row, key",
                (push.id,),
            ).fetchall()
        return [Created(key, row, platform_id) for key, row, platform_id in rows]

    def _pushes(self, where: str, values: tuple[object, ...], limit: int) -> list[Push]:
        with self._lock:
            ids = self._db.execute(
                f"SELECT id FROM pushes {where} ORDER BY id DESC LIMIT ?", (*values, limit)
            ).fetchall()
            return [self._read_push(self._db, push_id) for (push_id,) in ids]

    @staticmethod
    def _read_push(db: sqlite3.Connection, push_id: int) -> Push:
        *values, deleted = db.execute(
            f"SELECT {', '.join(_PUSH_FIELDS)}, deleted FROM pushes WHERE id = ?", (push_id,)
        ).fetchone()
        tally: dict[str, int] = {}
        total = undone = 0
        for state, row_status, count, undone_count in db.execute(
            "SELECT state, status, COUNT(*), COUNT(undone_at) FROM entries WHERE push_id = ?"
            " GROUP BY state, status",
            (push_id,),
        ):
            total += count
            undone += undone_count
            bucket = row_status if state == "confirmed" else "not-sent"
            tally[bucket] = tally.get(bucket, 0) + count
        counts = Counts(
            total=total,
            created=tally.get("created", 0),
            updated=tally.get("updated", 0),
            unchanged=tally.get("unchanged", 0),
            error=tally.get("error", 0),
            not_sent=tally.get("not-sent", 0),
            undone=undone,
            deleted=deleted,
        )
        return Push(id=push_id, counts=counts, **dict(zip(_PUSH_FIELDS, values, strict=True)))


class _Transaction:
    """``with``: the lock, ``BEGIN IMMEDIATE``, then COMMIT, or ROLLBACK on any exception."""

    def __init__(self, db: sqlite3.Connection, lock: threading.Lock) -> None:
        self._db = db
        self._lock = lock

    def __enter__(self) -> sqlite3.Connection:
        self._lock.acquire()
        try:
            self._db.execute("BEGIN IMMEDIATE")
        except BaseException:
            self._lock.release()
            raise
        return self._db

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        try:
            self._db.execute("ROLLBACK" if kind is not None else "COMMIT")
        finally:
            self._lock.release()


def _unique_rows(rows: Iterable[tuple[str, int]]) -> dict[str, int]:
    planned: dict[str, int] = {}
    for key, row in rows:
        if key in planned:
            raise ValueError(f"key {key!r} is on rows {planned[key]} and {row}: keys are unique")
        planned[key] = row
    return planned


def _not_unconfirmed(push: Push, keys: Iterable[str]) -> str:
    shown = ", ".join(repr(key) for key in list(keys)[:5])
    return f"push {push.id}: not all of {shown}... are unconfirmed rows of it"


def _storable(text: str | None) -> str | None:
    """A platform's text as SQLite can store it: a lone surrogate cannot be encoded in UTF-8
    and would fail the push on every run (:func:`~addin.connectors.untrusted.readable`)."""
    return None if text is None else readable(text)


def _field_errors_json(errors: Mapping[str, Sequence[str]]) -> str | None:
    if not errors:
        return None
    return json.dumps(
        {readable(name): [readable(m) for m in messages] for name, messages in errors.items()},
        ensure_ascii=False,
        sort_keys=True,
    )


def _field_errors(text: str | None) -> dict[str, tuple[str, ...]]:
    if not text:
        return {}
    loaded: dict[str, list[str]] = json.loads(text)
    return {name: tuple(messages) for name, messages in loaded.items()}


def _connect(path: Path) -> sqlite3.Connection:
    """Open (or create) the file and bring its schema up to date; refuse one not ours."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        create_private(path)
        db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
    except (OSError, sqlite3.Error) as error:
        raise JournalError(
            f"Impossible d'ouvrir le journal des envois « {path} » : {error}.",
            en=f"The push journal “{path}” cannot be opened: {error}.",
        ) from None
    try:
        _prepare(db, path)
    except (OSError, sqlite3.Error) as error:
        db.close()
        raise JournalError(
            f"« {path} » n'est pas un journal des envois utilisable : {error}. Déplacez-le "
            f"ou choisissez un autre dossier avec la variable {DATA_DIR_ENV}.",
            en=(
                f"“{path}” is not a usable push journal: {error}. Move it away "
                f"or choose another folder with the {DATA_DIR_ENV} variable."
            ),
        ) from None
    except BaseException:
        db.close()
        raise
    return db


def _prepare(db: sqlite3.Connection, path: Path) -> None:
    db.execute("PRAGMA busy_timeout = 10000")
    db.execute("PRAGMA journal_mode = WAL")
    db.execute("PRAGMA synchronous = FULL")  # a committed write survives a power cut too
    db.execute("PRAGMA foreign_keys = ON")
    latest = len(_MIGRATIONS)
    db.execute("BEGIN IMMEDIATE")  # read and migrate under one lock: two openers, one upgrade
    try:
        (version,) = db.execute("PRAGMA user_version").fetchone()
        if version > latest:
            raise JournalError(
                f"Le journal des envois « {path} » a été écrit par une version plus récente de "
                f"client-import (schéma {version}, celle-ci connaît le {latest}) : "
                "mettez client-import à jour.",
                en=(
                    f"The push journal “{path}” was written by a newer version of "
                    f"client-import (schema {version}, this one knows {latest}): "
                    "update client-import."
                ),
            )
        if version == 0 and db.execute("SELECT COUNT(*) FROM sqlite_master").fetchone()[0]:
            raise JournalError(
                f"« {path} » est une base SQLite qui n'est pas un journal de client-import : "
                f"choisissez un autre dossier avec la variable {DATA_DIR_ENV}.",
                en=(
                    f"“{path}” is an SQLite database that is not a client-import journal: "
                    f"choose another folder with the {DATA_DIR_ENV} variable."
                ),
            )
        for step in _MIGRATIONS[version:]:
            for statement in step:
                db.execute(statement)
        if version != latest:
            db.execute(f"PRAGMA user_version = {latest}")
    except BaseException:
        if db.in_transaction:
            db.execute("ROLLBACK")
        raise
    db.execute("COMMIT")
