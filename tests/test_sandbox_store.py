"""The sandbox's SQLite store on its own: upsert by key, statuses, record checks, pages, delete.

These pin the contract's semantics without HTTP; tests/test_sandbox.py checks the same
promises through a real process.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

import addin.sandbox.store as store_module
from addin.sandbox.contract import MAX_KEY_LENGTH, NOT_SCALAR, REQUIRED, Result
from addin.sandbox.errors import SandboxError
from addin.sandbox.store import RecordStore, parse_required


class Clock:
    """A clock the test moves by hand, so times can be compared exactly."""

    def __init__(self) -> None:
        self.now = dt.datetime(2026, 3, 1, 9, 30, tzinfo=dt.UTC)

    def __call__(self) -> dt.datetime:
        return self.now

    def tick(self) -> None:
        self.now += dt.timedelta(minutes=1)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def store(tmp_path: Path, clock: Clock) -> Iterator[RecordStore]:
    with RecordStore(
        tmp_path / "records.sqlite", required={"clients": ["name"]}, now=clock
    ) as opened:
        yield opened


def rec(key: object, **fields: object) -> dict[str, object]:
    return {"key": key, "fields": fields}


def statuses(results: list[Result]) -> list[tuple[str | None, str]]:
    return [(r.key, r.status) for r in results]


def test_created_updated_unchanged_and_the_id_never_changes(
    store: RecordStore, clock: Clock
) -> None:
    (created,) = store.upsert("clients", [rec("C1", name="Dupont")])
    clock.tick()
    (same,) = store.upsert("clients", [rec("C1", name="Dupont")])
    clock.tick()
    (changed,) = store.upsert("clients", [rec("C1", name="Durand")])

    assert [created.status, same.status, changed.status] == ["created", "unchanged", "updated"]
    assert created.id is not None and created.id.startswith("rec_")
    assert same.id == changed.id == created.id
    assert created.error is same.error is changed.error is None
    stored = store.get("clients", "C1")
    assert stored is not None
    assert stored.fields == {"name": "Durand"}
    # "unchanged" touched nothing: the change time is that of the update, one tick after it.
    assert (stored.created_at, stored.updated_at) == (
        "2026-03-01T09:30:00.000Z",
        "2026-03-01T09:32:00.000Z",
    )


def test_results_follow_the_request_order_errors_included(store: RecordStore) -> None:
    store.upsert("clients", [rec("B", name="b")])
    results = store.upsert(
        "clients",
        [rec("A", name="a"), rec("B", name="b"), rec("C"), rec("B", name="b2"), rec("D", name="d")],
    )
    assert statuses(results) == [
        ("A", "created"),
        ("B", "unchanged"),
        ("C", "error"),
        ("B", "updated"),
        ("D", "created"),
    ]
    assert results[2].id is None


def test_a_repeated_batch_is_harmless(store: RecordStore) -> None:
    batch = [rec(f"K{i}", name=f"n{i}") for i in range(10)]
    first = store.upsert("clients", batch)
    second = store.upsert("clients", batch)
    assert {r.status for r in first} == {"created"}
    assert {r.status for r in second} == {"unchanged"}
    assert [r.id for r in first] == [r.id for r in second]
    assert store.count("clients") == 10


def test_a_key_twice_in_one_batch_is_created_once(store: RecordStore) -> None:
    results = store.upsert("clients", [rec("K", name="x"), rec("K", name="x"), rec("K", name="y")])
    assert [r.status for r in results] == ["created", "unchanged", "updated"]
    assert len({r.id for r in results}) == 1
    assert store.count("clients") == 1


def test_fields_sent_are_merged_into_the_stored_ones_and_compared_with_their_types(
    store: RecordStore,
) -> None:
    store.upsert("things", [rec("K", a=1, b="x")])
    # Same members in another order: unchanged.
    assert store.upsert("things", [{"fields": {"b": "x", "a": 1}, "key": "K"}])[0].status == (
        "unchanged"
    )
    # 1, 1.0 and true are equal for Python but not for a platform.
    assert store.upsert("things", [rec("K", a=1.0, b="x")])[0].status == "updated"
    assert store.upsert("things", [rec("K", a=True, b="x")])[0].status == "updated"
    # A member not sent is kept: a blank cell of the file never erases the platform's value.
    assert store.upsert("things", [rec("K", a=True)])[0].status == "unchanged"
    assert store.upsert("things", [rec("K", c="new")])[0].status == "updated"
    # null removes a member.
    assert store.upsert("things", [rec("K", b=None)])[0].status == "updated"
    stored = store.get("things", "K")
    assert stored is not None
    assert stored.fields == {"a": True, "c": "new"}


def test_a_required_field_may_come_from_the_stored_record(tmp_path: Path) -> None:
    """An update sends what the file has: a required field the platform holds already counts,
    and removing it with null is refused."""
    with RecordStore(tmp_path / "r.sqlite", required={"c": ["name"]}) as store:
        assert store.upsert("c", [rec("K", name="Dupont")])[0].status == "created"
        assert store.upsert("c", [rec("K", email="a@b.fr")])[0].status == "updated"
        (refused,) = store.upsert("c", [rec("K", name=None)])
        stored = store.get("c", "K")
    assert refused.status == "error"
    assert stored is not None and stored.fields == {"name": "Dupont", "email": "a@b.fr"}


def test_keys_are_exact_and_collections_are_separate(store: RecordStore) -> None:
    results = store.upsert("things", [rec("k"), rec("K"), rec(" K")])
    results += store.upsert("others", [rec("K")])
    assert [r.status for r in results] == ["created"] * 4
    assert len({r.id for r in results}) == 4
    assert (store.count("things"), store.count("others")) == (3, 1)


@pytest.mark.parametrize(
    ("raw", "key", "message"),
    [
        ("not an object", None, "doit être un objet"),
        ({"fields": {"name": "x"}}, None, "Clé « key » manquante ou invalide"),
        (rec(42, name="x"), None, "Clé « key » manquante ou invalide"),
        (rec("   ", name="x"), "   ", "Clé « key » manquante ou invalide"),
        (rec("K" * (MAX_KEY_LENGTH + 1), name="x"), "K" * (MAX_KEY_LENGTH + 1), "255 caractères"),
        ({"key": "K", "fields": ["name", "x"]}, "K", "« fields » doit être un objet"),
        ({"key": "K"}, "K", "« fields » doit être un objet"),
    ],
)
def test_a_malformed_record_is_an_error_of_its_own(
    store: RecordStore, raw: object, key: str | None, message: str
) -> None:
    results = store.upsert("things", [raw, rec("fine")])
    assert statuses(results) == [(key, "error"), ("fine", "created")]
    error = results[0].error
    assert error is not None
    assert message in error.message
    assert store.count("things") == 1


def test_values_that_are_not_scalars_are_refused_per_field(store: RecordStore) -> None:
    (result,) = store.upsert(
        "things", [rec("K", ok="x", n=None, tags=["a"], address={"city": "Lyon"})]
    )
    assert result.status == "error"
    assert result.error is not None
    assert dict(result.error.fields) == {"tags": (NOT_SCALAR,), "address": (NOT_SCALAR,)}
    assert result.error.message == "Valeurs refusées : tags, address."
    assert store.get("things", "K") is None


def test_required_fields_missing_or_blank_are_refused_with_their_names(
    store: RecordStore,
) -> None:
    results = store.upsert(
        "clients",
        [
            rec("none"),
            rec("null", name=None),
            rec("spaces", name="  "),
            rec("zero", name=0),
            rec("false", name=False),
            rec("ok", name="Dupont"),
        ],
    )
    assert statuses(results) == [
        ("none", "error"),
        ("null", "error"),
        ("spaces", "error"),
        ("zero", "created"),
        ("false", "created"),
        ("ok", "created"),
    ]
    for result in results[:3]:
        assert result.error is not None
        assert dict(result.error.fields) == {"name": (REQUIRED,)}
        assert result.error.message == "Champs obligatoires manquants : name."
    # The requirement belongs to "clients" only.
    assert store.upsert("suppliers", [rec("none")])[0].status == "created"


def test_every_problem_of_a_record_is_reported_at_once(tmp_path: Path) -> None:
    with RecordStore(tmp_path / "r.sqlite", required={"c": ["name", "email"]}) as store:
        (result,) = store.upsert("c", [{"fields": {"email": "", "tags": [1]}}])
    assert result.key is None
    assert result.error is not None
    assert dict(result.error.fields) == {
        "tags": (NOT_SCALAR,),
        "name": (REQUIRED,),
        "email": (REQUIRED,),
    }
    assert result.error.message.startswith("Clé « key » manquante")
    assert "Valeurs refusées : tags." in result.error.message
    assert result.error.message.endswith("Champs obligatoires manquants : name, email.")


def test_pages_follow_creation_order_and_end_with_no_next_page(store: RecordStore) -> None:
    store.upsert("things", [rec(f"K{i}", n=i) for i in range(5)])
    store.upsert("things", [rec("K0", n="changed")])  # an update keeps its place

    pages = [store.page("things", number, size=2) for number in (1, 2, 3, 4)]

    assert [[item.key for item in page.items] for page in pages] == [
        ["K0", "K1"],
        ["K2", "K3"],
        ["K4"],
        [],
    ]
    assert [page.next_page for page in pages] == [2, 3, None, None]
    first = pages[0].items[0]
    stored = store.get("things", "K0")
    assert stored is not None
    assert (first.id, dict(first.fields)) == (stored.id, {"n": "changed"})
    assert store.page("unknown", 1).items == ()
    assert store.page("things", 1, size=5).next_page is None  # exactly full: no empty page
    with pytest.raises(ValueError, match="start at 1"):
        store.page("things", 0)


def test_delete_says_whether_there_was_a_record_and_a_new_one_gets_a_new_id(
    store: RecordStore,
) -> None:
    (first,) = store.upsert("things", [rec("K")])
    assert store.delete("things", "K") is True
    assert store.delete("things", "K") is False
    assert store.delete("other", "K") is False
    (again,) = store.upsert("things", [rec("K")])
    assert again.status == "created"
    assert again.id != first.id


def test_a_batch_is_stored_whole_or_not_at_all(
    store: RecordStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = 0

    def failing_id() -> str:
        nonlocal calls
        calls += 1
        if calls == 3:
            raise sqlite3.OperationalError("disk I/O error")
        return f"rec_{calls}"

    monkeypatch.setattr(store_module, "new_id", failing_id)
    with pytest.raises(sqlite3.OperationalError):
        store.upsert("things", [rec("A"), rec("B"), rec("C")])
    assert store.count("things") == 0
    # The store is still usable afterwards.
    assert store.upsert("things", [rec("A")])[0].status == "created"


def test_concurrent_batches_never_create_a_key_twice(store: RecordStore) -> None:
    batch = [rec(f"K{i}", name="x") for i in range(30)]
    start = threading.Barrier(8)

    def push(_: int) -> list[Result]:
        start.wait()
        return store.upsert("clients", batch)

    with ThreadPoolExecutor(8) as pool:
        runs = list(pool.map(push, range(8)))

    created = [r.key for run in runs for r in run if r.status == "created"]
    assert sorted(created) == sorted(f"K{i}" for i in range(30))
    assert store.count("clients") == 30


def test_the_file_survives_closing_and_uses_wal(tmp_path: Path) -> None:
    path = tmp_path / "deep" / "er" / "records.sqlite"  # folders are created
    with RecordStore(path) as store:
        (created,) = store.upsert("things", [rec("K", a="é")])
    with RecordStore(path) as store:
        (again,) = store.upsert("things", [rec("K", a="é")])
        stored = store.get("things", "K")
    assert (again.status, again.id) == ("unchanged", created.id)
    assert stored is not None
    assert stored.fields == {"a": "é"}
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    db.close()


def test_another_programs_database_is_refused_and_left_alone(tmp_path: Path) -> None:
    path = tmp_path / "accounts.sqlite"
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE invoices (n INTEGER)")
    db.close()
    with pytest.raises(SandboxError, match="n'a pas été créée par cette version"):
        RecordStore(path)
    with sqlite3.connect(path) as db:
        tables = db.execute("SELECT name FROM sqlite_master").fetchall()
    db.close()
    assert tables == [("invoices",)]


def test_a_file_that_is_not_a_database_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "notes.sqlite"
    path.write_text("ceci n'est pas une base" * 100, encoding="utf-8")
    with pytest.raises(SandboxError, match="n'est pas une base utilisable"):
        RecordStore(path)


def test_parse_required() -> None:
    assert parse_required(["clients=name, email", "contacts=email", "clients=phone,name"]) == {
        "clients": ("name", "email", "phone"),
        "contacts": ("email",),
    }
    for wrong in ["clients", "=name", "clients=", "clients= , "]:
        with pytest.raises(SandboxError, match="COLLECTION=champ1,champ2"):
            parse_required([wrong])
