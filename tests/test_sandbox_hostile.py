"""The sandbox process facing bodies a hostile or buggy client sends: texts UTF-8 cannot
store (a lone surrogate, valid as a JSON escape) and numbers JSON cannot say (``1e999`` reads
as infinity) are refused with a JSON 400, never a 500 with a traceback, and never stored to
be served back as ``Infinity``; its records file and the files SQLite keeps beside it are
readable by their owner only."""

from __future__ import annotations

import json
import os
import re
import secrets
import stat
import subprocess
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests

from addin.sandbox.__main__ import TOKEN_ENV

TOKEN = secrets.token_hex(12)
AUTH = {"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/json"}


@dataclass
class Running:
    url: str
    db: Path
    log: Path


@pytest.fixture
def sandbox(tmp_path: Path) -> Iterator[Running]:
    """``python -m addin.sandbox`` with the usual umask (022), its stderr in a file."""
    db, log = tmp_path / "records" / "sandbox.sqlite", tmp_path / "stderr.log"
    with log.open("wb") as stderr:
        process = subprocess.Popen(
            [sys.executable, "-m", "addin.sandbox", "--port", "0", "--db", str(db)],
            stdout=subprocess.PIPE,
            stderr=stderr,
            env={**os.environ, TOKEN_ENV: TOKEN},
            text=True,
            umask=0o022,
        )
        assert process.stdout is not None
        watchdog = threading.Timer(20, process.kill)
        watchdog.start()
        try:
            line = process.stdout.readline()
        finally:
            watchdog.cancel()
        try:
            found = re.match(r"listening on (http://127\.0\.0\.1:\d+)", line)
            assert found is not None, line + log.read_text(encoding="utf-8")
            yield Running(found[1], db, log)
        finally:
            process.terminate()
            process.wait(timeout=10)
            process.stdout.close()


def post(sandbox: Running, body: str) -> requests.Response:
    """A batch whose JSON is written by hand: what a client's serialiser would never send."""
    return requests.post(
        f"{sandbox.url}/records/clients/batch", data=body.encode(), headers=AUTH, timeout=5
    )


def strict_json(text: str) -> object:
    def refuse(name: str) -> object:
        raise ValueError(f"{name} is not JSON")

    return json.loads(text, parse_constant=refuse)


@pytest.mark.parametrize(
    "body",
    [
        '{"upsert": [{"key": "\\ud800", "fields": {}}]}',
        '{"upsert": [{"key": "K1", "fields": {"name": "Du\\udc00pont"}}]}',
        '{"upsert": [{"key": "K1", "fields": {"na\\udfffme": "Dupont"}}]}',
        '{"upsert": [{"key": "K1", "fields": {"amount": 1e999}}]}',
        '{"upsert": [{"key": "K1", "fields": {"amount": -1E400}}]}',
        '{"upsert": [{"key": "K1", "fields": {"amount": NaN}}]}',
        '{"upsert": [{"key": "K1", "fields": {"amount": Infinity}}]}',
    ],
    ids=["surrogate-key", "surrogate-value", "surrogate-name", "1e999", "-1e400", "NaN", "Inf"],
)
def test_texts_and_numbers_json_cannot_carry_are_a_400_and_nothing_is_stored(
    sandbox: Running, body: str
) -> None:
    refused = post(sandbox, body)

    assert refused.status_code == 400, refused.text
    assert refused.headers["Content-Type"] == "application/json; charset=utf-8"
    error = strict_json(refused.text)
    assert isinstance(error, dict) and set(error) == {"error"}
    assert error["error"]["code"] == "bad-json"
    assert error["error"]["message"].startswith("Le corps de la requête n'est pas du JSON valide")
    listed = requests.get(f"{sandbox.url}/records/clients?page=1", headers=AUTH, timeout=5)
    assert listed.status_code == 200
    assert strict_json(listed.text) == {"items": [], "next_page": None}
    assert "Traceback" not in sandbox.log.read_text(encoding="utf-8")


def test_big_and_small_finite_numbers_are_still_stored_and_served_back(sandbox: Running) -> None:
    body = '{"upsert": [{"key": "K1", "fields": {"a": 1e308, "b": -2.5e-300, "c": 12}}]}'

    stored = post(sandbox, body)

    assert stored.status_code == 200, stored.text
    listed = requests.get(f"{sandbox.url}/records/clients?page=1", headers=AUTH, timeout=5)
    (item,) = strict_json(listed.text)["items"]  # type: ignore[index]
    assert item["fields"] == {"a": 1e308, "b": -2.5e-300, "c": 12}


@pytest.mark.skipif(os.name != "posix", reason="POSIX permissions")
def test_the_records_file_and_its_wal_are_readable_by_their_owner_only(sandbox: Running) -> None:
    stored = post(sandbox, '{"upsert": [{"key": "K1", "fields": {"name": "Dupont"}}]}')
    assert stored.status_code == 200, stored.text

    files = [sandbox.db, *(sandbox.db.with_name(sandbox.db.name + s) for s in ("-wal", "-shm"))]
    modes = {f.name: stat.S_IMODE(f.stat().st_mode) for f in files if f.exists()}

    assert modes == {f.name: 0o600 for f in files}
    assert stat.S_IMODE(sandbox.db.parent.stat().st_mode) == 0o700  # the folder it created
