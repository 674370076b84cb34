"""The push end to end: real processes, real HTTP on 127.0.0.1, faults, crashes, a second run.

The client is always a process of its own (``python -m addin push``), as a user runs it, so it
can be killed like a laptop closed in the middle of a push. The platform is the sandbox: as a
process too (``client-import sandbox --port 0``), or in this process behind the fault script of
``tests/fault_server.py`` when a test needs errors, delays or lost answers.

Every test ends on the same checks, made on real data: each valid row of the file is on the
platform exactly once (its own values under its own key, nothing else stored), the journal's
entries name the platform's ids, and the statuses written back (the CSV's side file, or the
workbook's columns) say what the journal says.

The file is Flokon's (generic connector, batches of 100 valid rows). Flokon has no key column:
each record's key is its natural key (client, address, occupant: ``templates/flokon.toml``),
the same on every run, which is what the exactly-once checks rely on.
"""

from __future__ import annotations

import csv
import json
import os
import re
import secrets
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from addin.connectors.journal import Entry, Journal, Push
from addin.connectors.retry import RetryPolicy
from addin.core.profiles import get_profile
from addin.sandbox.__main__ import TOKEN_ENV as SANDBOX_TOKEN_ENV
from addin.sandbox.contract import Item
from addin.sandbox.store import RecordStore
from addin.usecases.pushing import STATUS_LABELS
from tests.fault_server import Delay, Drop, FaultServer, Rule, Seen, Status

TOKEN = secrets.token_hex(16)
PROFILE = "flokon"
COLLECTION = "flokon"
BATCH = get_profile(PROFILE).api.batch_size
BATCH_PATH = "/batch$"
LABELS = STATUS_LABELS["fr"]
#: how long a process may take before the test gives up on it (a hung push fails, not hangs)
PATIENCE = 90.0

HEADERS = ("Prénom", "Nom", "Téléphone", "SMS/Appel", "Adresse", "Notes", "Identifiant du client")
#: one row per kind of error the checks hold back: a short phone, an unknown choice, no address
INVALID_ROWS = (
    ("Sans", "Numéro", "123", "appel", "1 Rue du Port, Québec, QC, G1K 4H2", "invalide-1", "X-1"),
    ("Sans", "Choix", "418-692-9999", "fax", "2 Rue du Port, Québec, QC", "invalide-2", "X-2"),
    ("Sans", "Adresse", "418-692-9998", "appel", "", "invalide-3", "X-3"),
)


# --- the user's file ------------------------------------------------------------------------


@dataclass(frozen=True)
class Clients:
    """A generated file: its rows, and which row numbers are valid (with each one's note, a
    value no other row has) or held back by the checks."""

    path: Path
    rows: list[tuple[object, ...]]
    #: row number (the header is row 1) → the row's ``Notes``, the mark found in the store
    valid: dict[int, str]
    invalid: list[int]

    def batches(self) -> list[list[int]]:
        """The valid rows' numbers as the push cuts them: in row order, ``BATCH`` at a time."""
        rows = sorted(self.valid)
        return [rows[i : i + BATCH] for i in range(0, len(rows), BATCH)]


def clients(path: Path, valid: int, invalid_after: Sequence[int] = ()) -> Clients:
    """``valid`` distinct occupants, with one invalid row after each count in
    ``invalid_after``; written as CSV (``;``) or .xlsx after ``path``'s suffix. In a workbook
    the client's identifier is a number, a cell type the write-back must leave alone."""
    as_workbook = path.suffix == ".xlsx"
    rows: list[tuple[object, ...]] = []
    marks: dict[int, str] = {}
    invalid: list[int] = []
    bad = iter(INVALID_ROWS)
    for i in range(valid):
        if i in invalid_after:
            invalid.append(len(rows) + 2)
            rows.append(next(bad))
        note = f"note-{i:04d}"
        marks[len(rows) + 2] = note
        street = f"{i + 1} Rue des Pins, Québec, QC, G1P 0A{i % 10}"
        client = 5000 + i if as_workbook else f"C-{i}"
        rows.append((f"Prénom{i}", f"Nom{i}", f"418-692-{1000 + i}", "appel", street, note, client))
    made = Clients(path, rows, marks, invalid)
    if not as_workbook:
        lines = [";".join(HEADERS), *(";".join(map(str, row)) for row in rows)]
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    else:
        workbook = Workbook()
        sheet = workbook.active
        assert sheet is not None
        sheet.title = "Occupants"
        for values in (HEADERS, *rows):
            sheet.append(values)
        workbook.save(path)
        workbook.close()
    return made


# --- processes ------------------------------------------------------------------------------


def client_env(tmp_path: Path) -> dict[str, str]:
    """The environment of a client process: its own journal, the token, no proxy."""
    proxies = {"http_proxy", "https_proxy", "all_proxy", "no_proxy"}
    env = {k: v for k, v in os.environ.items() if k.lower() not in proxies}
    env.update(
        CLIENT_IMPORT_DATA_DIR=str(tmp_path / "data"),
        CLIENT_IMPORT_TOKEN=TOKEN,
        NO_PROXY="127.0.0.1,localhost",
        no_proxy="127.0.0.1,localhost",
    )
    return env


def push_command(path: Path, url: str) -> list[str]:
    return [sys.executable, "-m", "addin", "push", str(path), "-p", PROFILE, "--target", url]


def run(command: Sequence[str], tmp_path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        command,
        env=client_env(tmp_path),
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=PATIENCE,
        check=False,
    )


def start(command: Sequence[str], tmp_path: Path) -> subprocess.Popen[str]:
    """A client process left running; its output is read by ``communicate`` (or dropped)."""
    return subprocess.Popen(
        command,
        env=client_env(tmp_path),
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def wait_until(condition: Callable[[], bool], client: subprocess.Popen[str], what: str) -> None:
    """Poll ``condition`` while ``client`` runs; fail if it ends first or takes too long."""
    deadline = time.monotonic() + PATIENCE
    while not condition():
        if client.poll() is not None:
            out, err = client.communicate()
            pytest.fail(f"the client ended ({client.returncode}) before {what}:\n{out}\n{err}")
        if time.monotonic() > deadline:
            pytest.fail(f"still waiting for {what} after {PATIENCE:g} s")
        time.sleep(0.02)


def batches(server: FaultServer) -> list[Seen]:
    """The batches the server received, in order. Flokon's push reads the platform first (the
    records an earlier version sent under fingerprints are updated, not doubled:
    ``tests/test_push_flokon.py``); these tests are about the batches."""
    return [seen for seen in server.seen if seen.method == "POST"]


def delayed_request_arrived(server: FaultServer) -> Callable[[], bool]:
    return lambda: any(isinstance(seen.fault, Delay) for seen in list(server.seen))


@dataclass(frozen=True)
class Platform:
    url: str
    db: Path


@pytest.fixture
def sandbox(tmp_path: Path) -> Iterator[Platform]:
    """``client-import sandbox --port 0`` as a process; stopped (SIGTERM) at the end."""
    db = tmp_path / "sandbox.sqlite"
    command = [sys.executable, "-m", "addin", "sandbox", "--port", "0", "--db", str(db), "--quiet"]
    env = {**client_env(tmp_path), SANDBOX_TOKEN_ENV: TOKEN}
    process = subprocess.Popen(
        command, env=env, cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:
        assert process.stdout is not None
        stdout = process.stdout
        line: list[str] = []
        reader = threading.Thread(target=lambda: line.append(stdout.readline()), daemon=True)
        reader.start()
        reader.join(PATIENCE)
        announced = line[0] if line else ""
        assert announced.startswith("listening on http://127.0.0.1:"), announced
        yield Platform(announced.removeprefix("listening on ").strip(), db)
    finally:
        process.terminate()
        try:
            _, err = process.communicate(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            _, err = process.communicate()
    assert process.returncode == 0, err  # SIGTERM stops it cleanly


@pytest.fixture
def faulty(tmp_path: Path) -> Iterator[FaultServer]:
    with FaultServer(tmp_path / "platform.sqlite", TOKEN) as server:
        yield server


# --- what the platform, the journal and the files hold --------------------------------------


def platform_items(store: RecordStore) -> list[Item]:
    """Every record of the collection, page after page."""
    items: list[Item] = []
    page: int | None = 1
    while page is not None:
        found = store.page(COLLECTION, page)
        items.extend(found.items)
        page = found.next_page
    return items


def stored_in(db: Path) -> list[Item]:
    """The records of a sandbox process's file (read beside the running process: WAL)."""
    with RecordStore(db) as store:
        return platform_items(store)


def journal_of(tmp_path: Path) -> tuple[list[Push], list[Entry]]:
    """Every push, newest first, and the entries of the newest."""
    with Journal.open(tmp_path / "data" / "journal.sqlite3") as journal:
        pushes = journal.history()
        return pushes, journal.entries(pushes[0]) if pushes else []


def assert_once_and_agreed(made: Clients, items: Sequence[Item], tmp_path: Path) -> list[Entry]:
    """Each valid row on the platform exactly once, the newest push finished, and its journal
    entries naming the records the platform holds for their rows; returns the entries."""
    notes = Counter(str(item.fields.get("notes")) for item in items)
    assert notes == Counter(made.valid.values())  # every valid row once, nothing else
    by_key = {item.key: item for item in items}
    assert len(by_key) == len(items)
    pushes, entries = journal_of(tmp_path)
    assert pushes[0].status == "finished"
    assert pushes[0].counts.not_sent == 0
    assert sorted(e.row for e in entries) == sorted(made.valid)
    for entry in entries:
        record = by_key[entry.key]
        assert (entry.state, entry.platform_id) == ("confirmed", record.id), entry
        assert record.fields["notes"] == made.valid[entry.row], entry  # the row's own values
        assert record.fields["phone"] == made.rows[entry.row - 2][2]
    return entries


def side_file(made: Clients) -> dict[int, dict[str, str]]:
    """``NAME.envoi.csv`` by row number; it starts with a BOM and uses the CSV's ``;``."""
    path = made.path.with_name(f"{made.path.stem}.envoi.csv")
    data = path.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    lines = list(csv.DictReader(data.decode("utf-8-sig").splitlines(), delimiter=";"))
    assert len(lines) == len({int(line["Ligne"]) for line in lines})
    return {int(line["Ligne"]): line for line in lines}


def assert_side_file_says(made: Clients, entries: Sequence[Entry]) -> None:
    """Every row of the file in the side file: the journal's status, key and id for a sent
    row, "not sent (errors to fix)" with the reason for one held back."""
    side = side_file(made)
    assert sorted(side) == sorted([*made.valid, *made.invalid])
    for entry in entries:
        line = side[entry.row]
        said = (line["Clé"], line["Statut"], line["ID plateforme"])
        assert said == (entry.key, LABELS[entry.status or "not-sent"], entry.platform_id or "")
    for row in made.invalid:
        assert (side[row]["Statut"], side[row]["ID plateforme"]) == (LABELS["invalid"], "")
        assert side[row]["Message"]


def history_json(tmp_path: Path) -> list[dict[str, object]]:
    """``client-import history --json``, from a process like the user's."""
    done = run([sys.executable, "-m", "addin", "history", "--json"], tmp_path)
    assert done.returncode == 0, done.stderr
    pushes: list[dict[str, object]] = json.loads(done.stdout)
    return pushes


Row = tuple[object, ...]


def read_sheet(made: Clients) -> list[Row]:
    """The data sheet's rows, every cell's value, as openpyxl reads the file written."""
    workbook = load_workbook(made.path)
    try:
        return [tuple(row) for row in workbook["Occupants"].iter_rows(values_only=True)]
    finally:
        workbook.close()


def read_history(path: Path) -> list[Row]:
    """The history sheet's lines, its header first."""
    workbook = load_workbook(path)
    try:
        return [tuple(row) for row in workbook["CI_Historique"].iter_rows(values_only=True)]
    finally:
        workbook.close()


def assert_sheet_says(made: Clients, entries: Sequence[Entry]) -> None:
    """The user's cells as they were, and our two columns: the journal's status and id for a
    row sent, "not sent (errors to fix)" and its reason for a row held back."""
    sheet = read_sheet(made)
    assert sheet[0] == (*HEADERS, "Statut envoi (client-import)", "ID plateforme (client-import)")
    assert [row[: len(HEADERS)] for row in sheet[1:]] == made.rows  # values and types kept
    ours = {e.row: (LABELS[e.status or "not-sent"], e.platform_id) for e in entries}
    for number, row in enumerate(sheet[1:], start=2):
        status, identifier = row[len(HEADERS) :]
        if number in made.invalid:
            assert str(status).startswith(f"{LABELS['invalid']} : "), status
            assert identifier is None
        else:
            assert (status, identifier) == ours[number]


# --- the tests --------------------------------------------------------------------------------


def test_a_push_to_the_sandbox_process_lands_once_and_a_second_run_changes_nothing(
    sandbox: Platform, tmp_path: Path
) -> None:
    made = clients(tmp_path / "clients.csv", 350, invalid_after=(40, 160, 300))

    first = run(push_command(made.path, sandbox.url), tmp_path)

    assert first.returncode == 1, first.stderr  # rows with errors were held back
    assert "350 créés" in first.stdout
    items = stored_in(sandbox.db)
    entries = assert_once_and_agreed(made, items, tmp_path)
    assert {e.status for e in entries} == {"created"}
    assert_side_file_says(made, entries)

    second = run(push_command(made.path, sandbox.url), tmp_path)

    assert second.returncode == 1, second.stderr
    assert "350 inchangés" in second.stdout
    assert stored_in(sandbox.db) == items  # same keys, ids and fields, in the same order
    again = assert_once_and_agreed(made, items, tmp_path)
    assert {e.status for e in again} == {"unchanged"}
    assert [e.platform_id for e in again] == [e.platform_id for e in entries]
    assert_side_file_says(made, again)
    pushes, _ = journal_of(tmp_path)
    assert [p.status for p in pushes] == ["finished", "finished"]
    history = made.path.with_name("clients.historique.csv").read_text(encoding="utf-8-sig")
    assert len(history.splitlines()) == 3  # the header and one line per run


def test_errors_throttling_and_a_lost_answer_are_retried_within_one_run(
    faulty: FaultServer, tmp_path: Path
) -> None:
    made = clients(tmp_path / "clients.csv", 350, invalid_after=(10, 250))
    faulty.script(
        Rule(Status(503), path=BATCH_PATH, first=2, times=2),  # 2nd batch, twice
        Rule(Status(429, retry_after="1"), path=BATCH_PATH, first=5),  # 3rd batch, once
        Rule(Drop(processed=True), path=BATCH_PATH, first=7),  # 4th: stored, answer lost
    )

    done = run(push_command(made.path, faulty.url), tmp_path)

    assert done.returncode == 1, done.stderr  # only for the rows held back
    assert "relancez" not in done.stderr
    assert [(s.status, s.processed) for s in batches(faulty)] == [
        (200, True),
        (503, False),
        (503, False),
        (200, True),
        (429, False),
        (200, True),
        (None, True),
        (200, True),
    ]
    entries = assert_once_and_agreed(made, platform_items(faulty.store), tmp_path)
    status_of = {e.row: e.status for e in entries}
    *sent_once, lost = made.batches()
    assert {status_of[row] for batch in sent_once for row in batch} == {"created"}
    assert {status_of[row] for row in lost} == {"unchanged"}  # stored by the request unanswered
    assert_side_file_says(made, entries)
    pushes, _ = journal_of(tmp_path)
    assert len(pushes) == 1


def test_a_push_stopped_by_an_outage_is_resumed_and_finished_by_the_next_run(
    faulty: FaultServer, tmp_path: Path
) -> None:
    made = clients(tmp_path / "clients.csv", 350, invalid_after=(120,))
    attempts = RetryPolicy().max_attempts
    faulty.script(Rule(Status(503, retry_after="0"), path=BATCH_PATH, first=3, times=None))

    first = run(push_command(made.path, faulty.url), tmp_path)

    assert first.returncode == 1
    assert "relancez la même commande" in first.stderr
    assert [s.status for s in batches(faulty)] == [200, 200] + [503] * attempts  # 4th not sent
    assert faulty.store.count(COLLECTION) == 2 * BATCH
    (stopped,) = history_json(tmp_path)
    assert stopped["status"] == "interrupted"
    counts = stopped["counts"]
    assert isinstance(counts, dict)
    assert {name: counts[name] for name in ("total", "created", "error", "not_sent")} == {
        "total": 350,
        "created": 2 * BATCH,
        "error": 0,
        "not_sent": 350 - 2 * BATCH,
    }
    side = side_file(made)
    first_two = [row for batch in made.batches()[:2] for row in batch]
    rest = [row for batch in made.batches()[2:] for row in batch]
    assert {side[row]["Statut"] for row in first_two} == {LABELS["created"]}
    assert {side[row]["Statut"] for row in rest} == {LABELS["not-sent"]}
    assert all(f"{attempts} tentatives" in side[row]["Message"] for row in rest)

    faulty.script()  # the platform is back
    second = run(push_command(made.path, faulty.url), tmp_path)

    assert second.returncode == 1, second.stderr  # the row held back, nothing else
    assert f"Envoi n° {stopped['id']} " in second.stdout
    assert "reprise d'un envoi interrompu" in second.stdout
    (resumed,) = history_json(tmp_path)
    assert (resumed["id"], resumed["status"]) == (stopped["id"], "finished")
    entries = assert_once_and_agreed(made, platform_items(faulty.store), tmp_path)
    assert {e.status for e in entries} == {"created"}
    assert_side_file_says(made, entries)
    assert LABELS["not-sent"] not in {line["Statut"] for line in side_file(made).values()}


@pytest.mark.parametrize("processed", [True, False], ids=["stored", "not-stored"])
def test_a_client_killed_in_the_middle_of_a_batch_is_finished_by_the_next_run(
    faulty: FaultServer, tmp_path: Path, processed: bool
) -> None:
    made = clients(tmp_path / "clients.csv", 350, invalid_after=(200,))
    faulty.script(Rule(Delay(PATIENCE, processed=processed), path=BATCH_PATH, first=3))
    command = push_command(made.path, faulty.url)

    with start(command, tmp_path) as client:
        wait_until(delayed_request_arrived(faulty), client, "the third batch reached the server")
        client.kill()  # SIGKILL: no handler, no cleanup, like a crash
        client.communicate()

    assert client.returncode == (-signal.SIGKILL if os.name == "posix" else 1)
    batches = made.batches()
    assert faulty.store.count(COLLECTION) == (3 if processed else 2) * BATCH
    assert not made.path.with_name("clients.envoi.csv").exists()  # the run never got there
    pushes, entries = journal_of(tmp_path)
    assert [p.status for p in pushes] == ["running"]
    # no run holds the file any more: `history` shows what the journal cannot know
    assert [p["status"] for p in history_json(tmp_path)] == ["interrupted"]
    state_of = {e.row: (e.state, e.sends) for e in entries}
    assert {state_of[row] for row in batches[0] + batches[1]} == {("confirmed", 1)}
    assert {state_of[row] for row in batches[2]} == {("sent", 1)}  # the answer never came
    assert {state_of[row] for row in batches[3]} == {("pending", 0)}

    faulty.script()
    again = run(command, tmp_path)

    assert again.returncode == 1, again.stderr
    assert f"Envoi n° {pushes[0].id} " in again.stdout
    assert "reprise d'un envoi interrompu" in again.stdout
    entries = assert_once_and_agreed(made, platform_items(faulty.store), tmp_path)
    status_of = {e.row: e.status for e in entries}
    assert {status_of[row] for row in batches[2]} == {"unchanged" if processed else "created"}
    assert {status_of[row] for row in batches[0] + batches[1] + batches[3]} == {"created"}
    assert_side_file_says(made, entries)
    with Journal.open(tmp_path / "data" / "journal.sqlite3") as journal:
        push = journal.history()[0]
        created = journal.created_ids(push)
        unsure = journal.maybe_created(push)
    for record in created + unsure:  # what an undo would delete is what the platform holds
        found = faulty.store.get(COLLECTION, record.key)
        assert found is not None and found.id == record.id
    assert {u.row for u in unsure} == (set(batches[2]) if processed else set())


def test_a_workbook_gets_statuses_ids_and_history_and_keeps_its_own_cells(
    faulty: FaultServer, tmp_path: Path
) -> None:
    made = clients(tmp_path / "occupants.xlsx", 150, invalid_after=(60, 149))
    original = made.path.read_bytes()
    command = push_command(made.path, faulty.url)

    first = run(command, tmp_path)

    assert first.returncode == 1, first.stderr
    entries = assert_once_and_agreed(made, platform_items(faulty.store), tmp_path)
    assert_sheet_says(made, entries)

    second = run(command, tmp_path)

    assert second.returncode == 1, second.stderr
    again = assert_once_and_agreed(made, platform_items(faulty.store), tmp_path)
    assert {e.status for e in again} == {"unchanged"}
    assert_sheet_says(made, again)
    header, *lines = read_history(made.path)
    assert header == ("Date", "Profil", "Cible", "Mode", "Créés", "Mis à jour", "Inchangés",
                      "Refusés", "Non envoyés", "Supprimés")  # fmt: skip
    assert [line[1:] for line in lines] == [  # one line per run, newest last
        (PROFILE, faulty.url, "upsert", 150, 0, 0, 0, 2, 0),
        (PROFILE, faulty.url, "upsert", 0, 0, 150, 0, 2, 0),
    ]
    assert all(re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d", str(line[0])) for line in lines)
    backups = sorted(tmp_path.glob("occupants.sauvegarde-*.xlsx"))
    assert len(backups) == 2  # one per run, beside the workbook
    assert original in {backup.read_bytes() for backup in backups}  # the first run's copy


def test_a_second_push_of_the_same_file_while_one_runs_is_refused(
    faulty: FaultServer, tmp_path: Path
) -> None:
    made = clients(tmp_path / "clients.csv", 30)
    hold = 6.0  # the first push waits that long for its answer: time to start the second
    faulty.script(Rule(Delay(hold, processed=True), path=BATCH_PATH))
    command = push_command(made.path, faulty.url)

    with start(command, tmp_path) as first:
        wait_until(delayed_request_arrived(faulty), first, "the first push's batch arrived")
        second = run(command, tmp_path)
        overlapped = first.poll() is None
        out, err = first.communicate(timeout=PATIENCE)

    assert overlapped, "the second push ended after the first: nothing was tested"
    assert second.returncode == 2
    assert "déjà en cours d'envoi" in second.stderr
    assert first.returncode == 0, err
    assert "30 créés" in out
    assert [s.method for s in faulty.seen] == ["GET", "POST"]  # the refused run sent nothing
    entries = assert_once_and_agreed(made, platform_items(faulty.store), tmp_path)
    assert {e.status for e in entries} == {"created"}
    assert_side_file_says(made, entries)
    pushes, _ = journal_of(tmp_path)
    assert len(pushes) == 1


def test_an_undo_removes_what_a_push_stored_although_its_answer_was_lost(
    faulty: FaultServer, tmp_path: Path
) -> None:
    made = clients(tmp_path / "clients.csv", 30)
    faulty.script(Rule(Drop(processed=True), path=BATCH_PATH))  # stored, then no answer

    done = run(push_command(made.path, faulty.url), tmp_path)

    assert done.returncode == 0, done.stderr
    assert [(s.status, s.processed) for s in batches(faulty)] == [(None, True), (200, True)]
    entries = assert_once_and_agreed(made, platform_items(faulty.store), tmp_path)
    assert {e.status for e in entries} == {"unchanged"}  # the retry found them stored
    pushes, _ = journal_of(tmp_path)

    undo = run(
        [sys.executable, "-m", "addin", "undo-push", str(pushes[0].id), "--yes",
         "--include-unsure"],
        tmp_path,
    )  # fmt: skip

    assert undo.returncode == 0, undo.stderr
    assert faulty.store.count(COLLECTION) == 0, undo.stdout  # the platform was empty before
