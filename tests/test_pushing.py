"""The push use case against the sandbox over real HTTP (in this process): modes decided without
a request are recorded, so a push finishes; a second push of the same file creates nothing; a
"replace everything" stopped among its deletions finishes them when run again; a platform that
cannot be read stops the push before anything leaves."""

from __future__ import annotations

import http.server
import json
import secrets
from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest

from addin.connectors.connector import Outcome, Record
from addin.connectors.generic import GenericConnector
from addin.connectors.http import HttpClient
from addin.connectors.journal import Journal, records_fingerprint
from addin.connectors.retry import RetryPolicy
from addin.connectors.run_lock import one_run
from addin.core.export import plan_export
from addin.core.profiles import get_profile
from addin.core.push_plan import outgoing_rows
from addin.errors import UsageError
from addin.sandbox.server import SandboxServer, sandbox_in_thread, serving
from addin.usecases.push_undo import undo_push
from addin.usecases.pushing import (
    PlatformUnreachable,
    PushRequest,
    PushResult,
    open_connector,
    push_file,
)
from addin.usecases.validation import load_table
from tests.fault_server import FaultServer, Rule, Status

TOKEN = secrets.token_hex(8)
REVEAL = get_profile("reveal")


@pytest.fixture
def sandbox(tmp_path: Path) -> Iterator[SandboxServer]:
    with sandbox_in_thread(tmp_path / "sandbox.sqlite", TOKEN) as server:
        yield server


def _contacts(tmp_path: Path) -> Path:
    path = tmp_path / "contacts.csv"
    path.write_text(
        "Prénom;Nom de famille;Téléphone 1\n"
        "Marie;Tremblay;+1 418-555-0134\n"
        "Luc;Roy;+1 581-555-0199\n"
        "Sans;Téléphone;pas un numéro\n",
        encoding="utf-8",
    )
    return path


def _push(server: SandboxServer, path: Path, journal: Journal, mode: str) -> list[tuple[int, str]]:
    http = HttpClient(server.url, name="Sandbox")
    connector = GenericConnector(http, "reveal", TOKEN, batch_size=100)
    try:
        request = PushRequest(path, REVEAL, server.url, mode)  # type: ignore[arg-type]
        result = push_file(request, connector, journal)
    finally:
        connector.close()
    assert result.push is not None and result.push.status == "finished"
    assert list(result.invalid) == [4]  # the row with errors never leaves
    return [(e.row, e.status or "") for e in result.entries]


def test_a_create_only_push_records_what_the_platform_already_holds(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    path = _contacts(tmp_path)
    with Journal.open(tmp_path / "journal.sqlite3") as journal:
        assert _push(sandbox, path, journal, "create_only") == [(2, "created"), (3, "created")]
        again = _push(sandbox, path, journal, "create_only")
    assert again == [(2, "unchanged"), (3, "unchanged")]
    assert len(list(sandbox.api.store.page("reveal", 1).items)) == 2


def test_an_update_only_push_refuses_unknown_keys_without_sending_them(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    path = _contacts(tmp_path)
    with Journal.open(tmp_path / "journal.sqlite3") as journal:
        outcome = _push(sandbox, path, journal, "update_only")
    assert outcome == [(2, "error"), (3, "error")]
    assert list(sandbox.api.store.page("reveal", 1).items) == []


def _flokon(tmp_path: Path) -> Path:
    path = tmp_path / "flokon.csv"
    path.write_text(
        "Prénom,Nom,Téléphone,SMS/Appel,Adresse,Ville,Code postal,Identifiant du client\n"
        "Julie,Bouchard,418-692-3434,SMS,25 rue des Érables,Québec,G1R 2T3,IMM-001\n"
        "Luc,Gagnon,514-872-1111,appel,12 rue du Lac,Lévis,G6V 1A1,IMM-002\n",
        encoding="utf-8",
    )
    return path


def test_a_replace_all_stopped_while_deleting_deletes_the_rest_when_run_again(
    tmp_path: Path,
) -> None:
    """ "Repartir à neuf" deletes before it creates: a run stopped among the deletions sends
    nothing; the next run deletes what is left of the old records, then creates the rows."""
    profile = get_profile("flokon")
    path = _flokon(tmp_path)
    quick = RetryPolicy(max_attempts=2, base_delay=0)
    with FaultServer(tmp_path / "platform.sqlite", TOKEN) as platform:
        platform.store.upsert("flokon", [{"key": f"old-{n}", "fields": {"n": n}} for n in range(3)])
        platform.script(Rule(Status(503), method="DELETE", first=2, times=None))
        request = PushRequest(path, profile, platform.url, "replace_all", confirmed=True)
        with Journal.open(tmp_path / "journal.sqlite3") as journal:
            first = _run_push(platform, request, journal, quick)
            platform.script()
            second = _run_push(platform, request, journal, quick)
        held = [item.key for item in platform.store.page("flokon", 1).items]
    assert first.invalid == {}
    assert first.deleted == 1 and first.stopped is not None
    assert first.push is not None and first.push.status == "interrupted"
    assert [e.status for e in first.entries] == ["not-sent", "not-sent"]
    assert second.push is not None and second.push.resumed and second.push.status == "finished"
    assert second.deleted == 2
    assert sorted(held) == sorted(e.key for e in second.entries)
    assert [e.status for e in second.entries] == ["created", "created"]


def test_a_platform_that_cannot_be_read_stops_the_push_before_anything_is_sent(
    tmp_path: Path,
) -> None:
    profile = get_profile("flokon")
    path = _flokon(tmp_path)
    with FaultServer(tmp_path / "platform.sqlite", TOKEN) as platform:
        platform.script(Rule(Status(503), method="GET", times=None))
        request = PushRequest(path, profile, platform.url, "upsert_delete_rest", confirmed=True)
        with Journal.open(tmp_path / "journal.sqlite3") as journal:
            with pytest.raises(PlatformUnreachable, match="rien n'a été envoyé"):
                _run_push(platform, request, journal, RetryPolicy(max_attempts=2, base_delay=0))
            assert journal.history() == []
        assert all(s.method == "GET" for s in platform.seen)


def test_a_profile_without_api_is_refused_with_the_export_command() -> None:
    no_api = REVEAL.model_copy(update={"api": REVEAL.api.model_copy(update={"connector": "none"})})
    with pytest.raises(UsageError, match="client-import export"):
        open_connector(no_api, "http://127.0.0.1:1")


def _run_push(
    platform: FaultServer, request: PushRequest, journal: Journal, policy: RetryPolicy
) -> PushResult:
    connector = GenericConnector(HttpClient(platform.url, name="Flokon"), "flokon", TOKEN, 100)
    try:
        return push_file(request, connector, journal, policy=policy)
    finally:
        connector.close()


class _EchoingPlatform(http.server.BaseHTTPRequestHandler):
    """A careless platform: each record's error repeats the Authorization header it got."""

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        said = f"refusé, vu {self.headers['Authorization']}"
        results = [
            {"key": r["key"], "status": "error", "id": None,
             "error": {"message": said, "fields": {"first_name": [said]}}}
            for r in body["upsert"]
        ]  # fmt: skip
        answer = json.dumps({"results": results}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)

    def log_message(self, format: str, *args: object) -> None:
        """Quiet."""


def test_a_platform_echoing_the_token_never_gets_it_into_the_journal_or_the_sheet(
    tmp_path: Path,
) -> None:
    path = _contacts(tmp_path)
    platform = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _EchoingPlatform)
    url = f"http://127.0.0.1:{platform.server_address[1]}"
    with serving(platform), Journal.open(tmp_path / "journal.sqlite3") as journal:
        connector = GenericConnector(HttpClient(url, name="Echo"), "reveal", TOKEN, 100)
        try:
            result = push_file(PushRequest(path, REVEAL, url, "upsert"), connector, journal)
        finally:
            connector.close()
    assert [e.status for e in result.entries] == ["error", "error"]
    assert all(e.message == "refusé, vu Bearer ***" for e in result.entries)
    # it has no list (501, not retried): the push goes on, and says duplicates were not checked
    assert result.unchecked == (
        "Reveal Field n'a pas pu lister ses enregistrements : Echo ne prend pas en charge cette "
        "requête (501) ; les doublons sur la plateforme n'ont pas été vérifiés"
    )
    for written in tmp_path.iterdir():
        assert TOKEN.encode() not in written.read_bytes(), written.name


class _StoppedByUser(GenericConnector):
    """The generic connector, with Ctrl+C pressed while its ``stop_at``-th batch is out."""

    stop_at = 2
    batches = 0

    def send(self, records: Sequence[Record], *, create_only: bool) -> list[Outcome]:
        self.batches += 1
        if self.batches == self.stop_at:
            raise KeyboardInterrupt
        return super().send(records, create_only=create_only)


def _many_contacts(tmp_path: Path, count: int) -> Path:
    path = tmp_path / "contacts.csv"
    lines = [f"Prénom{n};Nom{n};+1 418-555-{n:04d}\n" for n in range(count)]
    path.write_text("Prénom;Nom de famille;Téléphone 1\n" + "".join(lines), encoding="utf-8")
    return path


def test_ctrl_c_keeps_what_was_answered_writes_it_back_and_the_next_run_finishes(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    path = _many_contacts(tmp_path, 250)
    request = PushRequest(path, REVEAL, sandbox.url, "upsert")
    with Journal.open(tmp_path / "journal.sqlite3") as journal:
        stopped = _StoppedByUser(HttpClient(sandbox.url, name="S"), "reveal", TOKEN, 100)
        try:
            first = push_file(request, stopped, journal)
        finally:
            stopped.close()
        written = (tmp_path / "contacts.envoi.csv").read_text(encoding="utf-8-sig")
        again = GenericConnector(HttpClient(sandbox.url, name="S"), "reveal", TOKEN, 100)
        try:
            second = push_file(request, again, journal)
        finally:
            again.close()
    assert first.stopped == "envoi interrompu (Ctrl+C)"
    assert first.push is not None and first.push.status == "interrupted"
    assert first.push.counts.created == 100 and first.push.counts.not_sent == 150
    assert written.count("créé") == 100 and written.count("envoi interrompu (Ctrl+C)") == 150
    assert second.push is not None and second.push.resumed and second.push.status == "finished"
    assert sandbox.api.store.count("reveal") == 250


def test_a_copy_of_a_file_being_pushed_is_refused_while_the_first_runs(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    """Two copies have the same records: the second would resume the first's push and send
    its rows again; it is refused while the first holds the records' lock."""
    path = _contacts(tmp_path)
    copy = tmp_path / "copie.csv"
    copy.write_bytes(path.read_bytes())
    with Journal.open(tmp_path / "journal.sqlite3") as journal:
        rows = outgoing_rows(plan_export(load_table(path, None, REVEAL), REVEAL), REVEAL)
        fingerprint = records_fingerprint([Record(r.key, r.fields) for r in rows])
        with one_run(tmp_path, path, fingerprint, sandbox.url):  # the first run, in the middle
            connector = GenericConnector(HttpClient(sandbox.url, name="S"), "reveal", TOKEN, 9)
            try:
                with pytest.raises(UsageError, match="déjà en cours d'envoi"):
                    push_file(PushRequest(copy, REVEAL, sandbox.url, "upsert"), connector, journal)
            finally:
                connector.close()
        assert journal.history() == []
    assert sandbox.api.store.count("reveal") == 0


def test_an_undo_leaves_records_a_later_push_made_again(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    """Push 1 creates; push 2 ("replace everything") deletes and creates them again with new
    ids: undoing push 1 must not delete push 2's records."""
    profile = get_profile("flokon")
    path = _flokon(tmp_path)
    with Journal.open(tmp_path / "journal.sqlite3") as journal:
        for mode in ("upsert", "replace_all"):
            request = PushRequest(path, profile, sandbox.url, mode, confirmed=True)  # type: ignore[arg-type]
            connector = GenericConnector(HttpClient(sandbox.url, name="S"), "flokon", TOKEN, 100)
            try:
                push_file(request, connector, journal)
            finally:
                connector.close()
        first = journal.history()[-1]
        connector = GenericConnector(HttpClient(sandbox.url, name="S"), "flokon", TOKEN, 100)
        try:
            undone = undo_push(journal, first, connector, confirmed=True)
        finally:
            connector.close()
    assert (len(undone.deleted), len(undone.replaced)) == (0, 2)
    assert sandbox.api.store.count("flokon") == 2


def test_a_push_left_running_by_a_crash_can_be_undone(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    """The journal says "running" (the process died before finishing): no run holds the
    file, so the undo goes ahead and deletes what was created, and what may have been."""
    path = _many_contacts(tmp_path, 3)
    with Journal.open(tmp_path / "journal.sqlite3") as journal:
        rows = outgoing_rows(plan_export(load_table(path, None, REVEAL), REVEAL), REVEAL)
        records = [Record(r.key, r.fields) for r in rows]
        push = journal.start_or_resume(
            file=path, fingerprint=records_fingerprint(records), profile="reveal",
            target=sandbox.url, collection="reveal", mode="upsert",
            rows=[(r.key, r.row) for r in rows],
        )  # fmt: skip
        connector = GenericConnector(HttpClient(sandbox.url, name="S"), "reveal", TOKEN, 100)
        try:
            journal.mark_sent(push, [r.key for r in records])
            journal.record(push, connector.send(records[:2], create_only=False))
            connector.send(records[2:], create_only=False)  # landed; the crash lost its answer
            crashed = journal.get(push.id)
            assert crashed is not None and crashed.status == "running"
            undone = undo_push(journal, crashed, connector, confirmed=True, include_unsure=True)
        finally:
            connector.close()
    assert len(undone.deleted) == 3 and undone.stopped is None
    assert sandbox.api.store.count("reveal") == 0
