"""The sandbox's records in SQLite: upsert a batch, list a page, delete one; nothing of HTTP.

One table keyed by ``(collection, key)``: a record is never created twice for one key, which
is what makes a repeated batch harmless. Each record gets a generated id at creation that
never changes afterwards, its fields as canonical JSON (so "unchanged" is a text comparison)
and its creation and last-change times. The listing follows creation order (SQLite's rowid),
so records added while a client pages through a collection land after what it has read.

A batch is one transaction: either every valid record of it is stored or none is, and the
answer is only built once the transaction is committed, so a result the client receives
always describes what the file holds. The server answers from several threads; one
connection behind one lock serialises the writes, which is plenty for a local rehearsal
(thousands of records per second) and leaves no room for two threads creating the same key.
The file is in WAL mode so a reader (``sqlite3`` in a terminal) does not block the sandbox.
"""

from __future__ import annotations

import datetime as dt
import json
import secrets
import sqlite3
import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType

from addin.files.private_file import create_private
from addin.sandbox.contract import (
    DEFAULT_PAGE_SIZE,
    Item,
    Page,
    Record,
    Result,
    Scalar,
    canonical_json,
    check_record,
    merged,
)
from addin.sandbox.errors import SandboxError

#: Bumped when the table changes; a file written by another version is refused, not migrated.
SCHEMA_VERSION = 1

_SCHEMA = """
CREATE TABLE records (
    collection TEXT NOT NULL,
    key        TEXT NOT NULL,
    id         TEXT NOT NULL UNIQUE,
    fields     TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (collection, key)
)
"""


def utc_now() -> dt.datetime:
    """The clock the store uses unless a test gives it another."""
    return dt.datetime.now(dt.UTC)


def new_id() -> str:
    """A platform id: opaque, unique, and never reused for another key."""
    return "rec_" + secrets.token_hex(12)


@dataclass(frozen=True, slots=True)
class StoredRecord:
    """A record as the file holds it, with the times the contract does not expose."""

    key: str
    id: str
    fields: Mapping[str, Scalar]
    created_at: str
    updated_at: str


class RecordStore:
    """The records of every collection in one SQLite file.

    ``required`` maps a collection to the fields its records must carry, non-blank: the
    sandbox's stand-in for a platform's mandatory fields, so rejections per row can be
    rehearsed. Use it as a context manager, or call :meth:`close`.
    """

    def __init__(
        self,
        path: Path,
        *,
        required: Mapping[str, Sequence[str]] | None = None,
        now: Callable[[], dt.datetime] = utc_now,
    ) -> None:
        self.path = path
        self.required: Mapping[str, tuple[str, ...]] = {
            collection: tuple(names) for collection, names in (required or {}).items()
        }
        self._now = now
        self._lock = threading.Lock()
        self._db = _open(path)

    def __enter__(self) -> RecordStore:
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

    def upsert(self, collection: str, records: Sequence[object]) -> list[Result]:
        """Store each valid record under its key; one result per record, in the same order.

        A new key is ``created``; for a known key the fields sent are merged into the stored
        ones (``contract.merged``: sent fields replace theirs, ``null`` removes one, the rest
        is kept): ``updated`` if that changes them, keeping the id, else ``unchanged``, which
        touches nothing. A key repeated inside the batch is handled in order, like two
        batches. Invalid records are ``error`` and do not stop the others.
        """
        required = self.required.get(collection, ())
        with self._lock, self._db:
            self._db.execute("BEGIN IMMEDIATE")
            results: list[Result] = []
            for raw in records:
                stored = self._stored(collection, raw)
                found = check_record(raw, required, None if stored is None else stored[1])
                if isinstance(found, Record):
                    found = self._upsert_one(collection, found, stored)
                results.append(found)
            return results

    def _stored(self, collection: str, raw: object) -> tuple[str, dict[str, object]] | None:
        """The id and fields stored under the key ``raw`` names, if it names one."""
        key = raw.get("key") if isinstance(raw, dict) else None
        if not isinstance(key, str):
            return None
        row = self._db.execute(
            "SELECT id, fields FROM records WHERE collection = ? AND key = ?", (collection, key)
        ).fetchone()
        return None if row is None else (row[0], json.loads(row[1]))

    def _upsert_one(
        self, collection: str, record: Record, stored: tuple[str, dict[str, object]] | None
    ) -> Result:
        stamp = _stamp(self._now())
        if stored is None:
            record_id = new_id()
            self._db.execute(
                "INSERT INTO records (collection, key, id, fields, created_at, updated_at)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                (collection, record.key, record_id, canonical_json(merged({}, record.fields)),
                 stamp, stamp),
            )  # fmt: skip
            return Result(record.key, "created", record_id)
        record_id, fields = stored
        after = canonical_json(merged(fields, record.fields))
        if after == canonical_json(fields):
            return Result(record.key, "unchanged", record_id)
        self._db.execute(
            "UPDATE records SET fields = ?, updated_at = ? WHERE collection = ? AND key = ?",
            (after, stamp, collection, record.key),
        )
        return Result(record.key, "updated", record_id)

    def page(self, collection: str, number: int, size: int = DEFAULT_PAGE_SIZE) -> Page:
        """Page ``number`` (from 1) of ``size`` records, oldest first; past the end it is empty.

        An unknown collection is an empty one: collections exist as soon as a record does.
        """
        if number < 1 or size < 1:
            raise ValueError("page number and size start at 1")
        with self._lock:
            rows = self._db.execute(
                "SELECT key, id, fields FROM records WHERE collection = ?"
                " ORDER BY rowid LIMIT ? OFFSET ?",
                (collection, size + 1, (number - 1) * size),
            ).fetchall()
        items = tuple(Item(key, record_id, json.loads(fields)) for key, record_id, fields in rows)
        more = len(items) > size
        return Page(items[:size], number + 1 if more else None)

    def delete(self, collection: str, key: str) -> bool:
        """Remove the record of ``key``; False when there was none."""
        with self._lock, self._db:
            cursor = self._db.execute(
                "DELETE FROM records WHERE collection = ? AND key = ?", (collection, key)
            )
            return cursor.rowcount > 0

    def get(self, collection: str, key: str) -> StoredRecord | None:
        """The record of ``key`` with its times, for tests and checks; None when absent."""
        with self._lock:
            row = self._db.execute(
                "SELECT key, id, fields, created_at, updated_at FROM records"
                " WHERE collection = ? AND key = ?",
                (collection, key),
            ).fetchone()
        if row is None:
            return None
        key, record_id, fields, created_at, updated_at = row
        return StoredRecord(key, record_id, json.loads(fields), created_at, updated_at)

    def count(self, collection: str) -> int:
        """How many records the collection holds."""
        with self._lock:
            (found,) = self._db.execute(
                "SELECT COUNT(*) FROM records WHERE collection = ?", (collection,)
            ).fetchone()
        return int(found)


def parse_required(specs: Sequence[str]) -> dict[str, tuple[str, ...]]:
    """``["clients=name,email", "contacts=email"]`` → ``{"clients": ("name", "email"), ...}``.

    The command line's ``--require`` option, repeatable; a collection named twice gathers
    its fields.
    """
    required: dict[str, tuple[str, ...]] = {}
    for spec in specs:
        collection, sep, names = spec.partition("=")
        fields = tuple(name.strip() for name in names.split(",") if name.strip())
        if not sep or not collection.strip() or not fields:
            raise SandboxError(
                f"--require « {spec} » : la forme attendue est COLLECTION=champ1,champ2.",
                f"--require “{spec}”: the expected form is COLLECTION=field1,field2.",
            )
        known = required.get(collection.strip(), ())
        required[collection.strip()] = known + tuple(f for f in fields if f not in known)
    return required


def _open(path: Path) -> sqlite3.Connection:
    """Open (or create) the file, refusing one that is not ours rather than writing into it.

    A new file (and the folder holding it, if new) is its owner's only: rehearsal records are
    often real customers' data.
    """
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        create_private(path)
        db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
    except (OSError, sqlite3.Error) as error:
        raise SandboxError(
            f"Impossible d'ouvrir la base « {path} » : {error}.",
            f"Cannot open the database “{path}”: {error}.",
        ) from None
    try:
        _prepare(db, path)
    except sqlite3.Error as error:
        db.close()
        raise SandboxError(
            f"« {path} » n'est pas une base utilisable par le bac à sable : {error}.",
            f"“{path}” is not a database the sandbox can use: {error}.",
        ) from None
    except SandboxError:
        db.close()
        raise
    # From here on, ``with db:`` commits or rolls back the transactions we BEGIN ourselves.
    return db


def _prepare(db: sqlite3.Connection, path: Path) -> None:
    db.execute("PRAGMA journal_mode = WAL")
    db.execute("PRAGMA synchronous = NORMAL")  # WAL: a crash of the process loses nothing
    db.execute("PRAGMA busy_timeout = 5000")
    (version,) = db.execute("PRAGMA user_version").fetchone()
    if version == SCHEMA_VERSION:
        return
    tables = db.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall()
    if version != 0 or tables:
        raise SandboxError(
            f"« {path} » est une base SQLite qui n'a pas été créée par cette version du bac à "
            "sable : choisissez un autre fichier avec --db.",
            f"“{path}” is an SQLite database this version of the sandbox did not create: "
            "choose another file with --db.",
        )
    with db:
        db.execute("BEGIN IMMEDIATE")
        db.execute(_SCHEMA)
        db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")


def _stamp(moment: dt.datetime) -> str:
    """``2026-03-01T09:30:00.125Z``: UTC, milliseconds, sortable as text."""
    utc = moment.astimezone(dt.UTC)
    return utc.isoformat(timespec="milliseconds").replace("+00:00", "Z")
