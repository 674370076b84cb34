"""The push journal: resume after a crash with exactly the unconfirmed rows, pushes kept apart,
fingerprints, history, undo lists, schema versions, and no secret in the file.

Crashes are real where it matters: a child process is killed with SIGKILL between
``mark_sent`` and ``record``, and a new ``Journal`` object reopens the file afterwards.
"""

from __future__ import annotations

import datetime as dt
import os
import secrets
import signal
import sqlite3
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import platformdirs
import pytest

import addin.connectors.journal as journal_module
from addin.connectors.connector import Outcome, Record
from addin.connectors.journal import (
    DATA_DIR_ENV,
    SCHEMA_VERSION,
    Counts,
    Created,
    Entry,
    Journal,
    JournalError,
    Push,
    default_path,
    file_fingerprint,
    records_fingerprint,
)
from addin.errors import ClientImportError

TARGET = "https://api.hokus.example/v1"
REPO = Path(__file__).resolve().parent.parent


class Clock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = dt.datetime(2026, 3, 1, 9, 30, tzinfo=dt.UTC)

    def __call__(self) -> dt.datetime:
        return self.now

    def tick(self, minutes: int = 1) -> None:
        self.now += dt.timedelta(minutes=minutes)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def path(tmp_path: Path) -> Path:
    return tmp_path / "data" / "journal.sqlite3"


@pytest.fixture
def journal(path: Path, clock: Clock) -> Iterator[Journal]:
    with Journal.open(path, now=clock) as opened:
        yield opened


def rows_of(count: int, prefix: str = "C") -> list[tuple[str, int]]:
    """``count`` valid rows keyed C001, C002... on spreadsheet rows 2, 3..."""
    return [(f"{prefix}{n:03}", n + 1) for n in range(1, count + 1)]


def start(
    journal: Journal,
    fingerprint: str = "sha256:aaa",
    *,
    file: Path | str = "clients.xlsx",
    profile: str = "hokus",
    target: str = TARGET,
    collection: str = "clients",
    mode: str = "upsert",
    rows: list[tuple[str, int]] | None = None,
) -> Push:
    """Start or resume the push of a 10-row file, or of what the arguments change."""
    return journal.start_or_resume(
        file=file,
        fingerprint=fingerprint,
        profile=profile,
        target=target,
        collection=collection,
        mode=mode,
        rows=rows_of(10) if rows is None else rows,
        sheet="Clients",
    )


def created(keys: list[str]) -> list[Outcome]:
    return [Outcome(key, "created", f"id-{key}") for key in keys]


def keys_of(entries: list[Entry]) -> list[str]:
    return [entry.key for entry in entries]


def sent_and_recorded(journal: Journal, outcomes: list[Outcome]) -> Push:
    """A push of one row per outcome (C001, C002, …), all sent at once and their outcomes kept.

    For the tests that check what the journal keeps of given outcomes, not how batches go.
    """
    push = start(journal, rows=rows_of(len(outcomes)))
    journal.mark_sent(push, [outcome.key for outcome in outcomes])
    journal.record(push, outcomes)
    return push


def send_batches(journal: Journal, push: Push, batches: int, size: int = 3) -> None:
    """Send and confirm ``batches`` batches of pending rows, as the push would."""
    for _ in range(batches):
        batch = keys_of(journal.pending(push))[:size]
        journal.mark_sent(push, batch)
        journal.record(push, created(batch))


# -- the protocol ------------------------------------------------------------------------------


def test_a_new_push_has_every_row_pending(journal: Journal, clock: Clock) -> None:
    push = start(journal)
    assert push.status == "running"
    assert push.resumed is False
    assert push.started_at == "2026-03-01T09:30:00.000Z"
    assert push.finished_at is None
    assert push.counts == Counts(total=10, not_sent=10)
    assert push.file == str(Path("clients.xlsx").resolve())
    assert (push.profile, push.collection, push.mode, push.sheet) == (
        "hokus",
        "clients",
        "upsert",
        "Clients",
    )
    pending = journal.pending(push)
    assert [(e.key, e.row, e.state, e.status, e.sends) for e in pending[:2]] == [
        ("C001", 2, "pending", None, 0),
        ("C002", 3, "pending", None, 0),
    ]
    assert len(pending) == 10


def test_outcomes_are_kept_with_ids_messages_and_field_errors(journal: Journal) -> None:
    push = sent_and_recorded(
        journal,
        [
            Outcome("C001", "created", "rec_1"),
            Outcome("C002", "updated", "rec_2"),
            Outcome("C003", "unchanged", "rec_3"),
            Outcome(
                "C004",
                "error",
                message="Fiche refusée",
                field_errors={"email": ["adresse invalide", "domaine inconnu"], "name": ["vide"]},
            ),
        ],
    )
    entries = journal.entries(push)
    assert [(e.key, e.state, e.status, e.platform_id, e.sends) for e in entries] == [
        ("C001", "confirmed", "created", "rec_1", 1),
        ("C002", "confirmed", "updated", "rec_2", 1),
        ("C003", "confirmed", "unchanged", "rec_3", 1),
        ("C004", "confirmed", "error", None, 1),
    ]
    assert entries[3].message == "Fiche refusée"
    assert entries[3].field_errors == {
        "email": ("adresse invalide", "domaine inconnu"),
        "name": ("vide",),
    }
    assert journal.pending(push) == []
    finished = journal.finish(push)
    assert finished.status == "finished"
    assert finished.counts == Counts(total=4, created=1, updated=1, unchanged=1, error=1)


def test_interrupted_after_n_batches_a_new_journal_object_resumes_the_unconfirmed_rows(
    path: Path, clock: Clock
) -> None:
    with Journal.open(path, now=clock) as first:
        push = start(first)
        send_batches(first, push, 2)  # C001..C006 confirmed
        first.mark_sent(push, ["C007", "C008", "C009"])  # the third batch leaves... crash
        # no record(), no finish(): the process "dies" here

    clock.tick(30)
    with Journal.open(path, now=clock) as second:
        resumed = start(second)
        assert resumed.id == push.id
        assert resumed.resumed is True
        assert resumed.status == "running"
        assert resumed.started_at == push.started_at
        assert resumed.counts == Counts(total=10, created=6, not_sent=4)
        pending = second.pending(resumed)
        assert [(e.key, e.state, e.sends) for e in pending] == [
            ("C007", "sent", 1),
            ("C008", "sent", 1),
            ("C009", "sent", 1),
            ("C010", "pending", 0),
        ]
        # the platform had stored the third batch before the crash: it answers "unchanged"
        second.mark_sent(resumed, ["C007", "C008", "C009", "C010"])
        second.record(
            resumed,
            [Outcome(k, "unchanged", f"id-{k}") for k in ("C007", "C008", "C009")]
            + created(["C010"]),
        )
        done = second.finish(resumed)
        assert done.status == "finished"
        assert done.finished_at == "2026-03-01T10:00:00.000Z"
        assert done.counts == Counts(total=10, created=7, unchanged=3)
        assert [c.key for c in second.created_ids(done)] == [
            "C001", "C002", "C003", "C004", "C005", "C006", "C010",
        ]  # fmt: skip
        # created by the unanswered request, or there before: the journal cannot tell
        assert second.maybe_created(done) == [
            Created("C007", 8, "id-C007"),
            Created("C008", 9, "id-C008"),
            Created("C009", 10, "id-C009"),
        ]
        # a finished push is not resumed: the same file again is a new push
        again = start(second)
        assert again.id != push.id
        assert again.resumed is False
        assert again.counts == Counts(total=10, not_sent=10)


_CHILD = textwrap.dedent(
    """
    import sys, time
    from addin.connectors.connector import Outcome
    from addin.connectors.journal import Journal

    journal = Journal.open()  # $CLIENT_IMPORT_DATA_DIR/journal.sqlite3
    push = journal.start_or_resume(
        file="clients.xlsx", fingerprint="sha256:child", profile="hokus",
        target="https://bob:s3cr3t@api.hokus.example/v1?token=s3cr3t", collection="clients",
        mode="upsert", rows=[(f"C{n:03}", n + 1) for n in range(1, 11)],
    )
    for batch in (["C001", "C002", "C003"], ["C004", "C005", "C006"]):
        journal.mark_sent(push, batch)
        journal.record(push, [Outcome(key, "created", "id-" + key) for key in batch])
    journal.mark_sent(push, ["C007", "C008", "C009"])
    print(push.id, flush=True)
    time.sleep(60)  # the request is "in flight" when SIGKILL comes
    """
)


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX")
def test_a_process_killed_between_mark_sent_and_record_resumes_exactly_the_unconfirmed_rows(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    env = {**os.environ, DATA_DIR_ENV: str(tmp_path), "PYTHONPATH": str(REPO)}
    child = subprocess.Popen(
        [sys.executable, "-c", _CHILD], stdout=subprocess.PIPE, env=env, text=True
    )
    try:
        assert child.stdout is not None
        push_id = int(child.stdout.readline())
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=10)
        if child.stdout is not None:
            child.stdout.close()
    assert child.returncode == -signal.SIGKILL

    monkeypatch.setenv(DATA_DIR_ENV, str(tmp_path))
    with Journal.open() as journal:
        assert journal.path == tmp_path / "journal.sqlite3"
        push = journal.start_or_resume(
            file="clients.xlsx",
            fingerprint="sha256:child",
            profile="hokus",
            target=TARGET,  # the same target, spelt without the credentials
            collection="clients",
            mode="upsert",
            rows=rows_of(10),
        )
        assert (push.id, push.resumed) == (push_id, True)
        assert [(e.key, e.state) for e in journal.pending(push)] == [
            ("C007", "sent"),
            ("C008", "sent"),
            ("C009", "sent"),
            ("C010", "pending"),
        ]
        assert push.counts == Counts(total=10, created=6, not_sent=4)


def test_a_crash_inside_record_keeps_none_of_the_batch(journal: Journal) -> None:
    """``record`` is one transaction: an outcome for an unknown key spoils the whole answer."""
    push = start(journal)
    journal.mark_sent(push, ["C001", "C002"])
    with pytest.raises(ValueError, match="unconfirmed rows"):
        journal.record(push, [*created(["C001", "C002"]), Outcome("ZZZ", "created", "x")])
    assert [(e.key, e.state) for e in journal.pending(push)[:2]] == [
        ("C001", "sent"),
        ("C002", "sent"),
    ]
    journal.record(push, created(["C001", "C002"]))
    assert keys_of(journal.pending(push))[:1] == ["C003"]


def test_confirmed_rows_cannot_be_sent_or_confirmed_again(journal: Journal) -> None:
    push = start(journal)
    send_batches(journal, push, 1)
    with pytest.raises(ValueError):
        journal.mark_sent(push, ["C001"])
    with pytest.raises(ValueError):
        journal.record(push, created(["C002"]))
    with pytest.raises(ValueError):
        journal.mark_sent(push, ["C004", "nope"])
    assert journal.pending(push)[0] == Entry("C004", 5, "pending")
    with pytest.raises(ValueError, match="two outcomes"):
        journal.record(push, created(["C004", "C004"]))


def test_given_up_rows_are_not_sent_and_go_again_next_run(journal: Journal) -> None:
    push = start(journal, rows=rows_of(5))
    send_batches(journal, push, 1)  # C001..C003
    journal.mark_sent(push, ["C004", "C005"])
    journal.mark_not_sent(push, ["C004", "C005"], "Abandon après 6 tentatives en 118 s : 503")
    stopped = journal.finish(push)
    assert stopped.status == "interrupted"
    assert stopped.counts == Counts(total=5, created=3, not_sent=2)
    assert [(e.key, e.state, e.status, e.message) for e in journal.entries(push)][3:] == [
        ("C004", "sent", "not-sent", "Abandon après 6 tentatives en 118 s : 503"),
        ("C005", "sent", "not-sent", "Abandon après 6 tentatives en 118 s : 503"),
    ]
    resumed = start(journal, rows=rows_of(5))
    assert (resumed.id, resumed.resumed, resumed.status) == (push.id, True, "running")
    assert resumed.finished_at is None
    assert keys_of(journal.pending(resumed)) == ["C004", "C005"]
    journal.mark_sent(resumed, ["C004", "C005"])
    assert [(e.status, e.message, e.sends) for e in journal.pending(resumed)] == [
        (None, None, 2),
        (None, None, 2),
    ]
    journal.record(resumed, created(["C004", "C005"]))
    assert journal.finish(resumed).status == "finished"
    assert journal.maybe_created(resumed) == []  # created for sure on the second send


def test_resume_refreshes_row_numbers_and_adds_missing_rows(journal: Journal) -> None:
    push = start(journal, rows=[("C001", 2), ("C002", 3)])
    resumed = start(journal, rows=[("C002", 2), ("C001", 3), ("C003", 4)])
    assert resumed.id == push.id
    assert [(e.key, e.row) for e in journal.pending(resumed)] == [
        ("C002", 2),
        ("C001", 3),
        ("C003", 4),
    ]


def test_a_key_twice_in_the_rows_is_refused(journal: Journal) -> None:
    with pytest.raises(ValueError, match="'C001' is on rows 2 and 9"):
        start(journal, rows=[("C001", 2), ("C002", 3), ("C001", 9)])
    assert journal.history() == []


# -- pushes kept apart -------------------------------------------------------------------------


def test_two_different_files_do_not_mix(journal: Journal) -> None:
    a = start(journal, "sha256:aaa", file="a.xlsx", rows=rows_of(4, "A"))
    b = start(journal, "sha256:bbb", file="b.xlsx", rows=rows_of(3, "B"))
    assert a.id != b.id
    send_batches(journal, a, 1)
    assert keys_of(journal.pending(a)) == ["A004"]
    assert keys_of(journal.pending(b)) == ["B001", "B002", "B003"]
    with pytest.raises(ValueError):
        journal.mark_sent(b, ["A004"])  # a key of another push is not this push's row

    again_a = start(journal, "sha256:aaa", file="a.xlsx", rows=rows_of(4, "A"))
    again_b = start(journal, "sha256:bbb", file="b.xlsx", rows=rows_of(3, "B"))
    assert (again_a.id, again_b.id) == (a.id, b.id)
    assert again_a.counts == Counts(total=4, created=3, not_sent=1)
    assert again_b.counts == Counts(total=3, not_sent=3)


@pytest.mark.parametrize(
    "change",
    [
        {"fingerprint": "sha256:changed"},
        {"profile": "flokon"},
        {"target": "https://other.example/v1"},
        {"collection": "contacts"},
        {"mode": "create-only"},
    ],
)
def test_a_change_of_file_profile_target_collection_or_mode_is_a_new_push(
    journal: Journal, change: dict[str, Any]
) -> None:
    first = start(journal)
    send_batches(journal, first, 1)
    other = start(journal, **change)
    assert other.id != first.id
    assert other.resumed is False
    assert other.counts == Counts(total=10, not_sent=10)
    assert start(journal).id == first.id  # the first one is still there to resume


def test_the_same_data_from_a_moved_file_resumes_and_follows_the_file(
    journal: Journal, tmp_path: Path
) -> None:
    first = start(journal, file=tmp_path / "Documents" / "clients.xlsx")
    moved = start(journal, file=tmp_path / "Bureau" / "clients.xlsx")
    assert moved.id == first.id
    assert moved.file == str(tmp_path / "Bureau" / "clients.xlsx")


def test_the_target_is_kept_without_credentials_and_matched_in_any_spelling(
    journal: Journal,
) -> None:
    push = start(journal, target="https://bob:s3cr3t@API.hokus.example/v1/?token=s3cr3t#top")
    assert push.target == TARGET
    assert start(journal, target=TARGET + "/").id == push.id


# -- fingerprints ------------------------------------------------------------------------------


def test_the_file_fingerprint_changes_when_the_file_changes(tmp_path: Path) -> None:
    original = tmp_path / "clients.csv"
    original.write_bytes(b"code;nom\n001;Dupont\n")
    copy = tmp_path / "copie.csv"
    copy.write_bytes(original.read_bytes())
    first = file_fingerprint(original)
    assert first.startswith("sha256:")
    assert len(first) == len("sha256:") + 64
    assert file_fingerprint(copy) == first  # content, not name
    original.write_bytes(b"code;nom\n001;Dupond\n")
    assert file_fingerprint(original) != first
    big = tmp_path / "big.bin"
    big.write_bytes(b"x" * (3 << 20))
    assert file_fingerprint(big) != file_fingerprint(tmp_path / "clients.csv")


def test_the_records_fingerprint_follows_what_is_sent_only() -> None:
    records = [
        Record("C001", {"name": "Dupont", "address": {"town": "Lyon"}}),
        Record("C002", {"name": "Martin", "vat": None}),
    ]
    base = records_fingerprint(records)
    assert records_fingerprint(list(reversed(records))) == base  # a re-sorted sheet
    assert records_fingerprint([Record("C001", {"address": {"town": "Lyon"}, "name": "Dupont"}),
                                records[1]]) == base  # fmt: skip
    changed = [Record("C001", {"name": "Dupont", "address": {"town": "Lyon 2e"}}), records[1]]
    assert records_fingerprint(changed) != base
    assert records_fingerprint(records[:1]) != base
    assert records_fingerprint([Record("C003", records[0].fields), records[1]]) != base
    assert records_fingerprint([]) != base


# -- history -----------------------------------------------------------------------------------


def test_history_lists_pushes_newest_first_with_their_counts(
    journal: Journal, clock: Clock
) -> None:
    one = start(journal, "sha256:1", file="one.xlsx", rows=rows_of(3))
    send_batches(journal, one, 1)
    journal.finish(one)
    clock.tick()
    two = start(journal, "sha256:2", file="two.xlsx", rows=rows_of(5))
    send_batches(journal, two, 1)
    journal.finish(two)
    clock.tick()
    three = start(journal, "sha256:3", file="one.xlsx", rows=rows_of(2))

    history = journal.history()
    assert [(p.id, p.status, p.counts.created, p.counts.not_sent) for p in history] == [
        (three.id, "running", 0, 2),
        (two.id, "interrupted", 3, 2),
        (one.id, "finished", 3, 0),
    ]
    assert [p.started_at for p in history] == [
        "2026-03-01T09:32:00.000Z",
        "2026-03-01T09:31:00.000Z",
        "2026-03-01T09:30:00.000Z",
    ]
    assert [p.id for p in journal.history(limit=2)] == [three.id, two.id]
    assert [p.id for p in journal.pushes_of("one.xlsx")] == [three.id, one.id]
    assert [p.id for p in journal.pushes_of(Path("two.xlsx").resolve())] == [two.id]
    assert journal.pushes_of("never.xlsx") == []
    assert journal.get(two.id) == history[1]
    assert journal.get(999) is None


# -- undo --------------------------------------------------------------------------------------


def test_created_ids_lists_what_to_delete_and_mark_undone_takes_them_off(
    journal: Journal,
) -> None:
    push = sent_and_recorded(
        journal,
        [
            Outcome("C001", "created", "rec_1"),
            Outcome("C002", "updated", "rec_2"),
            Outcome("C003", "created", "rec_3"),
            Outcome("C004", "error", message="refusé"),
        ],
    )
    push = journal.finish(push)
    assert journal.created_ids(push) == [Created("C001", 2, "rec_1"), Created("C003", 4, "rec_3")]
    journal.mark_undone(push, ["C001"])
    assert journal.created_ids(push) == [Created("C003", 4, "rec_3")]
    with pytest.raises(ValueError):
        journal.mark_undone(push, ["C002"])  # updated, not created: an undo does not delete it
    journal.mark_undone(push, ["C003"])
    assert journal.created_ids(push) == []
    assert journal.get(push.id) == Push(
        push.id,
        push.started_at,
        push.finished_at,
        push.file,
        push.fingerprint,
        push.sheet,
        push.profile,
        push.target,
        push.collection,
        push.mode,
        "finished",
        Counts(total=4, created=2, updated=1, error=1, undone=2),
    )


# -- the file ----------------------------------------------------------------------------------


def test_the_file_is_in_wal_mode_with_full_sync_and_a_schema_version(journal: Journal) -> None:
    start(journal)
    db = journal._db  # the settings are per connection: read them on the journal's own
    assert db.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    assert db.execute("PRAGMA synchronous").fetchone() == (2,)  # FULL
    assert db.execute("PRAGMA foreign_keys").fetchone() == (1,)
    assert db.execute("PRAGMA user_version").fetchone() == (SCHEMA_VERSION,)
    assert SCHEMA_VERSION == 2


def test_deletions_are_counted_across_the_runs_of_a_push(journal: Journal) -> None:
    push = start(journal)
    journal.add_deleted(push, 2)
    journal.add_deleted(push, 0)
    journal.add_deleted(push, 3)
    found = journal.get(push.id)
    assert found is not None and found.counts.deleted == 5


def test_a_version_1_journal_gains_the_deletion_count(path: Path) -> None:
    """A journal written before deletions were counted opens with its pushes at 0 deleted."""
    path.parent.mkdir()
    db = sqlite3.connect(path)
    try:
        with db:
            for statement in journal_module._MIGRATIONS[0]:
                db.execute(statement)
            db.execute("PRAGMA user_version = 1")
            db.execute(
                "INSERT INTO pushes (started_at, file, fingerprint, profile, target, collection,"
                " mode, status) VALUES ('2026-01-01T00:00:00.000Z', '/f.csv', 'x', 'flokon',"
                " 'http://127.0.0.1', 'flokon', 'replace_all', 'finished')"
            )
    finally:
        db.close()
    with Journal.open(path) as journal:
        (push,) = journal.history()
    assert push.counts.deleted == 0 and push.mode == "replace_all"
    assert _user_version(path) == 2


@pytest.mark.skipif(os.name != "posix", reason="POSIX permissions")
def test_a_new_journal_is_readable_by_its_owner_only(journal: Journal, path: Path) -> None:
    assert path.stat().st_mode & 0o777 == 0o600
    assert path.parent.stat().st_mode & 0o777 == 0o700


def test_the_journal_file_never_holds_a_secret_or_a_field_value(
    path: Path, clock: Clock, tmp_path: Path
) -> None:
    token = f"token-{secrets.token_hex(8)}"
    value = "jean.dupont.secret-value@example.fr"
    records = [Record("C001", {"email": value, "api_token": token})]
    with Journal.open(path, now=clock) as journal:
        push = journal.start_or_resume(
            file=tmp_path / "clients.xlsx",
            fingerprint=records_fingerprint(records),
            profile="hokus",
            target=f"https://user:{token}@api.hokus.example/v1?access_token={token}#{token}",
            collection="clients",
            mode="upsert",
            rows=[("C001", 2)],
        )
        journal.mark_sent(push, ["C001"])
        journal.record(push, [Outcome("C001", "created", "rec_1", "Fiche créée")])
        journal.finish(push)
        files = list(path.parent.iterdir())
        assert any(f.name.endswith("-wal") for f in files)  # what is not yet checkpointed too
        for written in files:
            assert token.encode() not in written.read_bytes(), written.name
            assert value.encode() not in written.read_bytes(), written.name
    for written in path.parent.iterdir():
        assert token.encode() not in written.read_bytes(), written.name
        assert value.encode() not in written.read_bytes(), written.name
    assert b"rec_1" in path.read_bytes()  # the file does hold what the user needs


# -- where it lives and which files it opens ------------------------------------------------


def test_the_default_path_is_in_the_users_data_folder_or_the_override(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv(DATA_DIR_ENV, raising=False)
    expected = platformdirs.user_data_path("client-import", appauthor=False) / "journal.sqlite3"
    assert default_path() == expected
    assert default_path({DATA_DIR_ENV: "  "}) == expected
    assert default_path({DATA_DIR_ENV: str(tmp_path)}) == tmp_path / "journal.sqlite3"
    monkeypatch.setenv(DATA_DIR_ENV, str(tmp_path / "auto"))
    assert default_path() == tmp_path / "auto" / "journal.sqlite3"


def test_an_explicit_path_wins_over_the_environment(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv(DATA_DIR_ENV, str(tmp_path / "env"))
    with Journal.open(tmp_path / "explicit.sqlite3") as journal:
        assert journal.path == tmp_path / "explicit.sqlite3"
    assert (tmp_path / "explicit.sqlite3").exists()
    assert not (tmp_path / "env").exists()


def test_a_journal_from_a_newer_version_is_refused_untouched(path: Path) -> None:
    with Journal.open(path) as journal:
        start(journal)
    _set_user_version(path, SCHEMA_VERSION + 1)
    with pytest.raises(JournalError, match="version plus récente de client-import") as caught:
        Journal.open(path)
    assert isinstance(caught.value, ClientImportError)
    assert _user_version(path) == SCHEMA_VERSION + 1


def test_a_foreign_sqlite_file_is_refused(tmp_path: Path) -> None:
    foreign = tmp_path / "other.sqlite3"
    db = sqlite3.connect(foreign)
    with db:
        db.execute("CREATE TABLE notes (text TEXT)")
    db.close()
    with pytest.raises(JournalError, match="n'est pas un journal de client-import"):
        Journal.open(foreign)


def test_a_file_that_is_no_database_is_refused(tmp_path: Path) -> None:
    garbage = tmp_path / "journal.sqlite3"
    garbage.write_bytes(b"not a database at all" * 100)
    with pytest.raises(JournalError, match="n'est pas un journal des envois utilisable"):
        Journal.open(garbage)


def test_a_folder_that_cannot_be_created_is_a_clear_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(JournalError, match="Impossible d'ouvrir le journal des envois"):
        Journal.open(blocker / "sub" / "journal.sqlite3")


def test_an_older_journal_is_migrated_and_keeps_its_pushes(
    path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with Journal.open(path) as journal:
        push = start(journal)
        send_batches(journal, push, 1)
    step = ("ALTER TABLE pushes ADD COLUMN note TEXT", "UPDATE pushes SET note = 'migrated'")
    monkeypatch.setattr(journal_module, "_MIGRATIONS", (*journal_module._MIGRATIONS, step))
    with Journal.open(path) as journal:
        assert journal.history()[0].counts == Counts(total=10, created=3, not_sent=7)
        assert journal._db.execute("SELECT note FROM pushes").fetchall() == [("migrated",)]
    assert _user_version(path) == SCHEMA_VERSION + 1
    with Journal.open(path) as journal:  # opened again: nothing left to do
        assert journal.history()[0].id == push.id


def test_a_failed_migration_leaves_the_file_as_it_was(
    path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with Journal.open(path) as journal:
        start(journal)
    step = ("ALTER TABLE pushes ADD COLUMN note TEXT", "THIS IS NOT SQL")
    monkeypatch.setattr(journal_module, "_MIGRATIONS", (*journal_module._MIGRATIONS, step))
    with pytest.raises(JournalError):
        Journal.open(path)
    assert _user_version(path) == SCHEMA_VERSION
    db = sqlite3.connect(path)
    try:
        columns = [row[1] for row in db.execute("PRAGMA table_info(pushes)")]
    finally:
        db.close()
    assert "note" not in columns


def test_two_journal_objects_on_one_file_see_each_others_writes(path: Path) -> None:
    with Journal.open(path) as one, Journal.open(path) as two:
        push = start(one)
        send_batches(one, push, 1)
        assert keys_of(two.pending(push))[:1] == ["C004"]
        send_batches(two, push, 1)
        assert keys_of(one.pending(push))[:1] == ["C007"]


def test_close_twice_is_harmless(path: Path) -> None:
    journal = Journal.open(path)
    journal.close()
    journal.close()


def _user_version(path: Path) -> int:
    db = sqlite3.connect(path)
    try:
        (version,) = db.execute("PRAGMA user_version").fetchone()
    finally:
        db.close()
    return int(version)


def _set_user_version(path: Path, version: int) -> None:
    db = sqlite3.connect(path)
    try:
        db.execute(f"PRAGMA user_version = {version}")
        db.commit()
    finally:
        db.close()


def test_rows_sent_but_never_answered_are_maybe_created_and_can_be_undone(
    journal: Journal,
) -> None:
    """An interrupted push: the first batch answered, the second left without an answer (it
    may have landed), the rest never sent. Only the second batch is "maybe created"."""
    push = start(journal)
    send_batches(journal, push, 1)
    in_flight = keys_of(journal.pending(push))[:3]
    journal.mark_sent(push, in_flight)
    journal.mark_not_sent(push, keys_of(journal.pending(push)), "réseau coupé")
    done = journal.finish(push)
    assert done.status == "interrupted"
    assert [c.key for c in journal.maybe_created(done)] == in_flight
    journal.mark_undone(done, in_flight[:1])
    assert [c.key for c in journal.maybe_created(done)] == in_flight[1:]
