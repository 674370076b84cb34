"""The push use case against the sandbox over real HTTP (in this process): modes decided without
a request are recorded, so a push finishes; a second push of the same file creates nothing."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from pathlib import Path

import pytest

from addin.core.profiles import get_profile
from addin.push.generic import GenericConnector
from addin.push.http import HttpClient
from addin.push.journal import Journal
from addin.pushing import PushRequest, push_file
from addin.sandbox.server import SandboxServer, sandbox_in_thread

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
