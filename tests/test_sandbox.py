"""The sandbox as users and the push will meet it: a real process, real HTTP, a real SQLite file.

``python -m addin.sandbox --port 0`` is started as a child process, its port read from the one
line it prints, and spoken to with ``requests``; every test checks what the contract in
docs/push-contract.md promises. Most tests share one process and use their own collection.
"""

from __future__ import annotations

import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import IO, Any
from urllib.parse import quote

import pytest
import requests
from typer.testing import CliRunner

from addin.sandbox import RecordStore, sandbox_in_thread
from addin.sandbox.__main__ import TOKEN_ENV
from addin.sandbox.contract import ERRORS
from addin.shells.cli import app as cli_app

ROOT = Path(__file__).resolve().parent.parent
TOKEN = f"jeton-{secrets.token_hex(8)}"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
#: The shared process's settings, small so limits and pages are reached with few records.
MAX_BATCH = 20
MAX_BODY = 8192
PAGE_SIZE = 3


class SandboxProcess:
    """``python -m addin.sandbox`` as a child process, stopped (and its pipes closed) on exit."""

    def __init__(self, db: Path, log: Path, *options: str, token: str | None = TOKEN) -> None:
        env = {key: value for key, value in os.environ.items() if key != TOKEN_ENV}
        if token is not None:
            env[TOKEN_ENV] = token
        self.log = log
        self._stderr: IO[bytes] = log.open("ab")
        command = [sys.executable, "-m", "addin.sandbox", "--port", "0", "--db", str(db)]
        self.process = subprocess.Popen(
            [*command, *options],
            stdout=subprocess.PIPE,
            stderr=self._stderr,
            env=env,
            cwd=ROOT,
            text=True,
        )
        assert self.process.stdout is not None
        # A sandbox that neither prints nor dies must not hang the suite: kill it after 10 s.
        watchdog = threading.Timer(10, self.process.kill)
        watchdog.start()
        try:
            self.first_line = self.process.stdout.readline()
        finally:
            watchdog.cancel()
        found = re.fullmatch(r"listening on (http://127\.0\.0\.1:(\d+))\n", self.first_line)
        if found is None:
            self.stop()
            log_text = log.read_text(encoding="utf-8")
            pytest.fail(f"no 'listening on' line: {self.first_line!r}; stderr: {log_text}")
        self.url = found[1]
        self.port = int(found[2])

    def stop(self, *, kill: bool = False) -> int:
        """Terminate (SIGTERM) or kill the process; returns its exit status. Safe twice.

        A process that does not stop within 10 s is killed and the test fails, with its
        pipes closed all the same.
        """
        if self._stderr.closed:
            return self.process.returncode
        assert self.process.stdout is not None
        try:
            if kill:
                self.process.kill()
            else:
                self.process.terminate()
            try:
                returncode = self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
                raise
            self.rest_of_stdout = self.process.stdout.read()
        finally:
            self.process.stdout.close()
            self._stderr.close()
        return returncode

    def __enter__(self) -> SandboxProcess:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


@pytest.fixture(scope="module")
def sandbox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SandboxProcess]:
    folder = tmp_path_factory.mktemp("sandbox")
    options = [
        "--require",
        "clients=name,email",
        "--max-batch",
        str(MAX_BATCH),
        "--max-body",
        str(MAX_BODY),
        "--page-size",
        str(PAGE_SIZE),
    ]
    with SandboxProcess(folder / "records.sqlite", folder / "stderr.log", *options) as process:
        yield process


@pytest.fixture
def http() -> Iterator[requests.Session]:
    with requests.Session() as session:
        session.headers.update(AUTH)
        yield session


def batch(
    http: requests.Session, base: str, collection: str, records: list[Any]
) -> requests.Response:
    return http.post(f"{base}/records/{collection}/batch", json={"upsert": records}, timeout=5)


def upsert(
    http: requests.Session, base: str, collection: str, records: list[Any]
) -> list[dict[str, Any]]:
    response = batch(http, base, collection, records)
    assert response.status_code == 200, response.text
    results: list[dict[str, Any]] = response.json()["results"]
    assert len(results) == len(records)
    return results


def everything(http: requests.Session, base: str, collection: str) -> list[dict[str, Any]]:
    """Every item of the collection, following ``next_page`` as a client would."""
    items: list[dict[str, Any]] = []
    page: int | None = 1
    while page is not None:
        response = http.get(f"{base}/records/{collection}", params={"page": page}, timeout=5)
        assert response.status_code == 200, response.text
        body = response.json()
        items += body["items"]
        page = body["next_page"]
    return items


def rec(key: str, **fields: Any) -> dict[str, Any]:
    return {"key": key, "fields": fields}


def error_of(response: requests.Response) -> dict[str, Any]:
    """The error object of a refused request, after checking it is JSON."""
    assert response.headers["Content-Type"] == "application/json; charset=utf-8"
    error: dict[str, Any] = response.json()["error"]
    assert set(error) >= {"code", "message"}
    return error


# --- authentication -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("headers", "code"),
    [
        ({}, "token-missing"),
        ({"Authorization": "Bearer"}, "token-missing"),
        ({"Authorization": f"Basic {TOKEN}"}, "token-missing"),
        ({"Authorization": "Bearer pas-le-bon"}, "token-refused"),
        ({"Authorization": f"Bearer {TOKEN}x"}, "token-refused"),
    ],
)
def test_no_token_or_a_wrong_one_is_401_and_nothing_is_stored(
    sandbox: SandboxProcess, http: requests.Session, headers: dict[str, str], code: str
) -> None:
    with requests.Session() as anonymous:
        anonymous.headers.update(headers)
        for response in (
            batch(anonymous, sandbox.url, "auth", [rec("K")]),
            anonymous.get(f"{sandbox.url}/records/auth", timeout=5),
            anonymous.delete(f"{sandbox.url}/records/auth/K", timeout=5),
        ):
            assert response.status_code == 401
            assert response.headers["WWW-Authenticate"].startswith("Bearer")
            assert error_of(response)["code"] == code
    assert everything(http, sandbox.url, "auth") == []


# --- upsert ---------------------------------------------------------------------------------


def test_upsert_creates_updates_and_leaves_unchanged_with_a_stable_id(
    sandbox: SandboxProcess, http: requests.Session
) -> None:
    (created,) = upsert(http, sandbox.url, "statuses", [rec("C1", name="Dupont", n=1)])
    (same,) = upsert(http, sandbox.url, "statuses", [rec("C1", n=1, name="Dupont")])
    (changed,) = upsert(http, sandbox.url, "statuses", [rec("C1", name="Durand", n=1)])

    assert created == {"key": "C1", "status": "created", "id": created["id"], "error": None}
    assert isinstance(created["id"], str) and created["id"]
    assert (same["status"], same["id"]) == ("unchanged", created["id"])
    assert (changed["status"], changed["id"]) == ("updated", created["id"])
    assert everything(http, sandbox.url, "statuses") == [
        {"key": "C1", "id": created["id"], "fields": {"name": "Durand", "n": 1}}
    ]


def test_results_come_back_in_request_order(
    sandbox: SandboxProcess, http: requests.Session
) -> None:
    upsert(http, sandbox.url, "order", [rec("K3", v=3), rec("K7", v=7)])
    keys = ["K9", "K3", "K1", "K7", "K5", "K0", "K8"]
    records = [rec(key, v=int(key[1])) for key in keys]
    records[3] = rec("K7", v="seven")  # an update among creations
    records.insert(2, {"key": "", "fields": {}})  # an error in the middle

    results = upsert(http, sandbox.url, "order", records)

    assert [(r["key"], r["status"]) for r in results] == [
        ("K9", "created"),
        ("K3", "unchanged"),
        ("", "error"),
        ("K1", "created"),
        ("K7", "updated"),
        ("K5", "created"),
        ("K0", "created"),
        ("K8", "created"),
    ]


def test_a_repeated_batch_creates_no_duplicate(
    sandbox: SandboxProcess, http: requests.Session
) -> None:
    records = [rec(f"R{i}", name=f"Client {i}") for i in range(MAX_BATCH)]
    first = upsert(http, sandbox.url, "repeat", records)
    second = upsert(http, sandbox.url, "repeat", records)

    assert {r["status"] for r in first} == {"created"}
    assert {r["status"] for r in second} == {"unchanged"}
    assert [r["id"] for r in second] == [r["id"] for r in first]
    items = everything(http, sandbox.url, "repeat")
    assert sorted(item["key"] for item in items) == sorted(f"R{i}" for i in range(MAX_BATCH))


def test_concurrent_batches_create_each_key_once(
    sandbox: SandboxProcess, http: requests.Session
) -> None:
    records = [rec(f"P{i}", v=i) for i in range(MAX_BATCH)]

    def push(_: int) -> list[dict[str, Any]]:
        with requests.Session() as session:
            session.headers.update(AUTH)
            return upsert(session, sandbox.url, "parallel", records)

    with ThreadPoolExecutor(6) as pool:
        runs = list(pool.map(push, range(6)))

    created = sorted(r["key"] for run in runs for r in run if r["status"] == "created")
    assert created == sorted(f"P{i}" for i in range(MAX_BATCH))
    assert len(everything(http, sandbox.url, "parallel")) == MAX_BATCH


def test_required_fields_reject_only_their_rows(
    sandbox: SandboxProcess, http: requests.Session
) -> None:
    results = upsert(
        http,
        sandbox.url,
        "clients",
        [
            rec("OK", name="Dupont", email="d@example.fr"),
            rec("NOMAIL", name="Durand"),
            rec("BLANK", name=" ", email=""),
        ],
    )
    assert [(r["key"], r["status"]) for r in results] == [
        ("OK", "created"),
        ("NOMAIL", "error"),
        ("BLANK", "error"),
    ]
    assert results[1]["id"] is None
    assert results[1]["error"] == {
        "message": "Champs obligatoires manquants : email.",
        "fields": {"email": ["obligatoire"]},
    }
    assert results[2]["error"]["fields"] == {"name": ["obligatoire"], "email": ["obligatoire"]}
    assert [item["key"] for item in everything(http, sandbox.url, "clients")] == ["OK"]


def test_a_record_without_key_or_with_fields_not_an_object_is_an_error(
    sandbox: SandboxProcess, http: requests.Session
) -> None:
    results = upsert(
        http,
        sandbox.url,
        "shapes",
        [{"fields": {"a": 1}}, {"key": "F", "fields": "a=1"}, "K", rec("G", a=[1])],
    )
    assert [(r["key"], r["status"], r["id"]) for r in results] == [
        (None, "error", None),
        ("F", "error", None),
        (None, "error", None),
        ("G", "error", None),
    ]
    assert "Clé « key » manquante" in results[0]["error"]["message"]
    assert "« fields » doit être un objet" in results[1]["error"]["message"]
    assert list(results[3]["error"]["fields"]) == ["a"]
    assert everything(http, sandbox.url, "shapes") == []


# --- listing and delete ---------------------------------------------------------------------


def test_pages_list_every_record_once_in_creation_order(
    sandbox: SandboxProcess, http: requests.Session
) -> None:
    keys = [f"L{i}" for i in range(7)]
    upsert(http, sandbox.url, "pages", [rec(key, i=i) for i, key in enumerate(keys)])

    bodies = [
        http.get(f"{sandbox.url}/records/pages?page={n}", timeout=5).json() for n in (1, 2, 3, 4)
    ]

    assert [[item["key"] for item in body["items"]] for body in bodies] == [
        keys[0:3],
        keys[3:6],
        keys[6:7],
        [],
    ]
    assert [body["next_page"] for body in bodies] == [2, 3, None, None]
    assert bodies[0]["items"][1] == {
        "key": "L1",
        "id": bodies[0]["items"][1]["id"],
        "fields": {"i": 1},
    }
    # No page parameter is page 1; an unknown collection is empty.
    assert http.get(f"{sandbox.url}/records/pages", timeout=5).json() == bodies[0]
    assert http.get(f"{sandbox.url}/records/nothing", timeout=5).json() == {
        "items": [],
        "next_page": None,
    }


@pytest.mark.parametrize("page", ["0", "-1", "abc", "1.5", ""])
def test_a_bad_page_number_is_400(
    sandbox: SandboxProcess, http: requests.Session, page: str
) -> None:
    response = http.get(f"{sandbox.url}/records/pages?page={page}", timeout=5)
    assert response.status_code == 400
    assert error_of(response)["code"] == "bad-page"


def test_delete_is_204_then_404_even_for_keys_with_slashes_and_accents(
    sandbox: SandboxProcess, http: requests.Session
) -> None:
    odd = "Société/42 #1?"
    upsert(http, sandbox.url, "deletes", [rec(odd), rec("keep")])
    url = f"{sandbox.url}/records/deletes/{quote(odd, safe='')}"

    gone = http.delete(url, timeout=5)
    again = http.delete(url, timeout=5)

    assert (gone.status_code, gone.content) == (204, b"")
    assert again.status_code == 404
    assert error_of(again)["code"] == "record-not-found"
    assert odd in error_of(again)["message"]
    assert [item["key"] for item in everything(http, sandbox.url, "deletes")] == ["keep"]


# --- refused requests -----------------------------------------------------------------------


def test_a_batch_over_the_limit_is_413_and_stores_nothing(
    sandbox: SandboxProcess, http: requests.Session
) -> None:
    response = batch(http, sandbox.url, "big", [rec(f"B{i}") for i in range(MAX_BATCH + 1)])
    assert response.status_code == 413
    error = error_of(response)
    assert error["code"] == "batch-too-large"
    assert error["max_batch"] == MAX_BATCH
    assert f"{MAX_BATCH + 1} enregistrements, {MAX_BATCH} au plus" in error["message"]
    assert everything(http, sandbox.url, "big") == []


def test_a_body_over_the_limit_is_413_unread_and_the_next_request_works(
    sandbox: SandboxProcess, http: requests.Session
) -> None:
    response = batch(http, sandbox.url, "heavy", [rec("H", text="x" * MAX_BODY)])
    assert response.status_code == 413
    assert response.headers["Connection"] == "close"
    assert error_of(response)["code"] == "body-too-large"
    # The connection was closed; the session opens another one and goes on.
    assert upsert(http, sandbox.url, "heavy", [rec("H", text="short")])[0]["status"] == "created"


@pytest.mark.parametrize(
    ("body", "code"),
    [
        (b"{not json", "bad-json"),
        (b"", "bad-json"),
        (b'{"upsert": [NaN]}', "bad-json"),
        (b"\xff\xfe{}", "bad-json"),
        (b"[]", "bad-batch"),
        (b'{"records": []}', "bad-batch"),
        (b'{"upsert": {"key": "K"}}', "bad-batch"),
        (b'{"upsert": [], "delete": ["K"]}', "bad-batch"),
    ],
)
def test_a_body_that_is_not_a_batch_is_400_with_a_json_error(
    sandbox: SandboxProcess, http: requests.Session, body: bytes, code: str
) -> None:
    response = http.post(
        f"{sandbox.url}/records/bodies/batch",
        data=body,
        headers={"Content-Type": "application/json"},
        timeout=5,
    )
    assert response.status_code == 400
    error = error_of(response)
    assert error["code"] == code
    assert error["message"].startswith(("Le corps de la requête", "Le corps doit être"))


def test_unknown_addresses_and_methods_are_json_errors(
    sandbox: SandboxProcess, http: requests.Session
) -> None:
    cases = [
        (http.get(f"{sandbox.url}/", timeout=5), 404, "not-found"),
        (http.get(f"{sandbox.url}/records", timeout=5), 404, "not-found"),
        (http.get(f"{sandbox.url}/records/a/b/c", timeout=5), 404, "not-found"),
        (http.get(f"{sandbox.url}/records/a%20b", timeout=5), 400, "bad-collection"),
        (http.get(f"{sandbox.url}/records/c/batch", timeout=5), 405, "method-not-allowed"),
        (http.put(f"{sandbox.url}/records/c/K", timeout=5), 405, "method-not-allowed"),
        (http.post(f"{sandbox.url}/records/c", json={}, timeout=5), 405, "method-not-allowed"),
        (http.options(f"{sandbox.url}/records/c", timeout=5), 501, "http-501"),
    ]
    for response, status, code in cases:
        assert (response.status_code, error_of(response)["code"]) == (status, code)
    assert cases[4][0].headers["Allow"] == "POST, DELETE"
    assert cases[6][0].headers["Allow"] == "GET"


def test_the_access_log_shows_requests_never_the_token(
    sandbox: SandboxProcess, http: requests.Session
) -> None:
    upsert(http, sandbox.url, "logged", [rec("A"), {"key": 1}])
    log = sandbox.log.read_text(encoding="utf-8")
    assert "POST /records/logged/batch 200 created=1 error=1" in log
    assert TOKEN not in log
    assert TOKEN not in sandbox.first_line


# --- the process ----------------------------------------------------------------------------


def test_records_survive_a_killed_process(tmp_path: Path) -> None:
    db = tmp_path / "records.sqlite"
    with requests.Session() as http:
        http.headers.update(AUTH)
        with SandboxProcess(db, tmp_path / "first.log") as first:
            created = upsert(http, first.url, "clients", [rec("A", v=1), rec("B", v=2)])
            first.stop(kill=True)  # no clean shutdown: what was answered must be on disk
        http.close()  # the old connection points at a dead process
        with SandboxProcess(db, tmp_path / "second.log", "--token", "autre") as second:
            http.headers["Authorization"] = "Bearer autre"
            assert everything(http, second.url, "clients") == [
                {"key": "A", "id": created[0]["id"], "fields": {"v": 1}},
                {"key": "B", "id": created[1]["id"], "fields": {"v": 2}},
            ]
            again = upsert(http, second.url, "clients", [rec("A", v=1), rec("C", v=3)])
    assert [r["status"] for r in again] == ["unchanged", "created"]
    assert again[0]["id"] == created[0]["id"]


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_sigterm_or_ctrl_c_stops_it_cleanly(tmp_path: Path, signum: int) -> None:
    with (
        SandboxProcess(tmp_path / "r.sqlite", tmp_path / "err.log") as process,
        requests.Session() as http,  # an idle keep-alive connection must not block the stop
    ):
        http.headers.update(AUTH)
        assert http.get(f"{process.url}/records/x", timeout=5).status_code == 200
        process.process.send_signal(signum)
        assert process.process.wait(timeout=10) == 0
        assert process.stop() == 0
    assert process.rest_of_stdout == ""
    assert "Traceback" not in (tmp_path / "err.log").read_text(encoding="utf-8")


def run_sandbox(
    tmp_path: Path, *options: str, token: str | None
) -> subprocess.CompletedProcess[str]:
    env = {key: value for key, value in os.environ.items() if key != TOKEN_ENV}
    if token is not None:
        env[TOKEN_ENV] = token
    command = [sys.executable, "-m", "addin.sandbox", "--db", str(tmp_path / "r.sqlite")]
    return subprocess.run(
        [*command, *options],
        check=False,
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=10,
    )


def test_without_a_token_it_refuses_to_start(tmp_path: Path) -> None:
    done = run_sandbox(tmp_path, "--port", "0", token=None)
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr == (
        f"Aucun jeton : définissez la variable d'environnement {TOKEN_ENV} "
        f"(par exemple : export {TOKEN_ENV}=un-jeton-de-votre-choix).\n"
    )


def test_client_import_sandbox_without_a_token_names_no_option_it_lacks() -> None:
    """``client-import sandbox`` has no ``--token`` (a secret on a command line is seen by
    every process of the machine): its refusal names the variable only."""
    result = CliRunner().invoke(cli_app, ["sandbox", "--port", "0"], env={TOKEN_ENV: ""})
    assert result.exit_code == 2
    assert "--token" not in result.output + result.stderr
    assert TOKEN_ENV in result.stderr


def test_a_port_in_use_is_one_clear_line(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = run_sandbox(tmp_path, "--port", str(port), token=TOKEN)
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr == (
        f"Le port {port} est déjà utilisé : choisissez-en un autre avec --port, "
        "ou 0 pour un port libre.\n"
    )


def test_a_bad_require_option_is_one_clear_line(tmp_path: Path) -> None:
    done = run_sandbox(tmp_path, "--port", "0", "--require", "clients", token=TOKEN)
    assert (done.returncode, done.stdout) == (2, "")
    assert "COLLECTION=champ1,champ2" in done.stderr
    assert "Traceback" not in done.stderr


def test_the_token_is_never_printed_even_when_given_on_the_command_line(tmp_path: Path) -> None:
    with SandboxProcess(
        tmp_path / "r.sqlite", tmp_path / "e.log", "--token", "secret-cli", token=None
    ) as process:
        with requests.Session() as http:
            http.headers["Authorization"] = "Bearer secret-cli"
            assert upsert(http, process.url, "c", [rec("K")])[0]["status"] == "created"
            wrong = http.get(
                f"{process.url}/records/c", headers={"Authorization": "Bearer x"}, timeout=5
            )
            assert wrong.status_code == 401
        assert process.stop() == 0
    printed = process.first_line + process.rest_of_stdout + (tmp_path / "e.log").read_text("utf-8")
    assert "secret-cli" not in printed


# --- the documented contract ----------------------------------------------------------------

OPENAPI = ROOT / "docs" / "api" / "openapi.yaml"
PROSE = ROOT / "docs" / "push-contract.md"


@pytest.fixture(scope="module")
def openapi() -> dict[str, Any]:
    yaml = pytest.importorskip("yaml")
    document: dict[str, Any] = yaml.safe_load(OPENAPI.read_text(encoding="utf-8"))
    return document


def conforms(openapi: dict[str, Any], schema: str, instance: object) -> None:
    """Fail unless ``instance`` fits ``#/components/schemas/<schema>`` of the OpenAPI file."""
    jsonschema = pytest.importorskip("jsonschema")
    referencing = pytest.importorskip("referencing")
    resource = referencing.Resource.from_contents(
        openapi, default_specification=referencing.jsonschema.DRAFT202012
    )
    registry = referencing.Registry().with_resource("urn:openapi", resource)
    validator = jsonschema.Draft202012Validator(
        {"$ref": f"urn:openapi#/components/schemas/{schema}"}, registry=registry
    )
    problems = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(instance)]
    assert problems == [], problems


def test_the_openapi_file_describes_the_three_calls(openapi: dict[str, Any]) -> None:
    jsonschema = pytest.importorskip("jsonschema")
    assert openapi["openapi"].startswith("3.1")
    operations = {
        (path, method): operation["responses"]
        for path, item in openapi["paths"].items()
        for method, operation in item.items()
    }
    assert set(operations) == {
        ("/records/{collection}/batch", "post"),
        ("/records/{collection}", "get"),
        ("/records/{collection}/{key}", "delete"),
    }
    for responses in operations.values():
        assert {"401", "429", "5XX"} <= set(responses)
    assert openapi["components"]["securitySchemes"]["bearer"]["scheme"] == "bearer"
    retry = openapi["components"]["responses"]["TooManyRequests"]["headers"]
    assert "Retry-After" in retry
    for schema in openapi["components"]["schemas"].values():
        jsonschema.Draft202012Validator.check_schema(schema)


def test_the_sandbox_answers_fit_the_openapi_file(
    sandbox: SandboxProcess, http: requests.Session, openapi: dict[str, Any]
) -> None:
    sent = {"upsert": [rec("K1", a=1), rec("K2", a="x", b=None, c=True, d=1.5), rec("K1", a=2)]}
    conforms(openapi, "UpsertBatch", sent)
    first = http.post(f"{sandbox.url}/records/fits/batch", json=sent, timeout=5)
    second = batch(http, sandbox.url, "fits", [rec("K2", a="x", b=None, c=True, d=1.5), {}, "x"])
    page = http.get(f"{sandbox.url}/records/fits", timeout=5)

    for response in (first, second):
        conforms(openapi, "BatchResponse", response.json())
    statuses = [r["status"] for r in first.json()["results"] + second.json()["results"]]
    assert statuses == ["created", "created", "updated", "unchanged", "error", "error"]
    conforms(openapi, "Page", page.json())

    refusals = [
        requests.get(f"{sandbox.url}/records/fits", timeout=5),
        http.get(f"{sandbox.url}/records/fits?page=0", timeout=5),
        http.delete(f"{sandbox.url}/records/fits/absent", timeout=5),
        batch(http, sandbox.url, "fits", [rec(f"B{i}") for i in range(MAX_BATCH + 1)]),
        http.post(f"{sandbox.url}/records/fits/batch", data=b"{", timeout=5),
    ]
    assert [r.status_code for r in refusals] == [401, 400, 404, 413, 400]
    for response in refusals:
        conforms(openapi, "Error", response.json())


def test_every_error_code_is_documented(openapi: dict[str, Any]) -> None:
    described = openapi["components"]["schemas"]["Error"]["properties"]["error"]
    listed = described["properties"]["code"]["description"]
    prose = PROSE.read_text(encoding="utf-8")
    for code in ERRORS:
        assert code in listed, f"{code} missing from openapi.yaml"
        assert f"`{code}`" in prose, f"{code} missing from push-contract.md"
    for status in ("created", "updated", "unchanged", "error"):
        assert f"| `{status}`" in prose


def raw_exchange(port: int, request: bytes) -> bytes:
    """Send bytes no HTTP library would send; return everything answered until closed."""
    with socket.create_connection(("127.0.0.1", port), timeout=5) as connection:
        connection.sendall(request)
        answer = b""
        while chunk := connection.recv(65536):
            answer += chunk
    return answer


@pytest.mark.parametrize(
    ("request_bytes", "status"),
    [
        (b"GET /" + b"a" * 70_000 + b" HTTP/1.1\r\n\r\n", b"414"),
        (b"GET /records/x HTTP/9.9\r\n\r\n", b"505"),
        (b"GARBAGE\r\n\r\n", b"400"),
        (b"POST /records/x/batch HTTP/1.1\r\nConnection: close\r\n\r\n", b"411"),
        (b"POST /records/x/batch HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", b"411"),
    ],
)
def test_malformed_requests_get_an_answer_and_no_traceback(
    sandbox: SandboxProcess, http: requests.Session, request_bytes: bytes, status: bytes
) -> None:
    answer = raw_exchange(sandbox.port, request_bytes)
    assert answer.startswith(b"HTTP/1.1 " + status + b" "), answer[:200]
    assert b"application/json" in answer
    # The sandbox goes on serving and logged no traceback.
    assert http.get(f"{sandbox.url}/records/x", timeout=5).status_code == 200
    assert "Traceback" not in sandbox.log.read_text(encoding="utf-8")


def test_in_a_thread_for_tests_and_the_demo(tmp_path: Path) -> None:
    db = tmp_path / "r.sqlite"
    with requests.Session() as http:
        http.headers.update(AUTH)
        with sandbox_in_thread(db, TOKEN, require={"clients": ["name"]}) as server:
            results = upsert(http, server.url, "clients", [rec("A", name="a"), rec("B")])
            assert [r["status"] for r in results] == ["created", "error"]
            port = server.port
            # The session keeps its connection open: leaving the block must not wait for it.
        with pytest.raises(requests.ConnectionError):
            http.get(f"http://127.0.0.1:{port}/records/clients", timeout=2)
    with RecordStore(db) as store:  # closed by the server, readable again
        assert [item.key for item in store.page("clients", 1).items] == ["A"]
