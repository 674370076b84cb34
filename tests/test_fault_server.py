"""The fault-injecting server does what its script says, seen from a real HTTP client.

Each fault is observed as the push will meet it (status and body, ``Retry-After``, a read
timeout, a dropped or cut connection) together with what reached the store, since that is
what decides whether a retry can create a duplicate.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

from tests.fault_server import Delay, Drop, FaultServer, Rule, Status, Truncate

TOKEN = f"jeton-{secrets.token_hex(8)}"
CLIENT_TIMEOUT = 0.3


@pytest.fixture
def faulty(tmp_path: Path) -> Iterator[FaultServer]:
    with FaultServer(tmp_path / "platform.sqlite", TOKEN, require={"clients": ["name"]}) as server:
        yield server


@pytest.fixture
def http() -> Iterator[requests.Session]:
    with requests.Session() as session:
        session.headers["Authorization"] = f"Bearer {TOKEN}"
        yield session


def post(http: requests.Session, server: FaultServer, *keys: str) -> requests.Response:
    records = [{"key": key, "fields": {"name": key.lower()}} for key in keys]
    return http.post(
        f"{server.url}/records/clients/batch", json={"upsert": records}, timeout=CLIENT_TIMEOUT
    )


def statuses(response: requests.Response) -> list[str]:
    assert response.status_code == 200, response.text
    return [result["status"] for result in response.json()["results"]]


def stored(server: FaultServer) -> list[str]:
    return [item.key for item in server.store.page("clients", 1).items]


def error_code(response: requests.Response) -> Any:
    assert response.headers["Content-Type"] == "application/json; charset=utf-8"
    return response.json()["error"]["code"]


def test_without_a_script_it_is_the_sandbox(faulty: FaultServer, http: requests.Session) -> None:
    assert statuses(post(http, faulty, "A", "B")) == ["created", "created"]
    response = http.post(
        f"{faulty.url}/records/clients/batch",
        json={"upsert": [{"key": "C", "fields": {}}]},
        timeout=CLIENT_TIMEOUT,
    )
    assert response.json()["results"][0]["error"]["fields"] == {"name": ["obligatoire"]}
    assert http.get(f"{faulty.url}/records/clients", headers={"Authorization": ""}).status_code == (
        401
    )
    assert [(s.number, s.method, s.status, s.fault, s.processed) for s in faulty.seen] == [
        (1, "POST", 200, None, True),
        (2, "POST", 200, None, True),
        (3, "GET", 401, None, True),
    ]


@pytest.mark.parametrize(("code", "error"), [(500, "server-error"), (503, "unavailable")])
def test_a_5xx_fault_refuses_the_batch_then_the_retry_goes_through(
    faulty: FaultServer, http: requests.Session, code: int, error: str
) -> None:
    faulty.script(Rule(Status(code)))

    failed = post(http, faulty, "A")
    assert failed.status_code == code
    assert error_code(failed) == error
    assert stored(faulty) == []

    assert statuses(post(http, faulty, "A")) == ["created"]
    assert [(s.status, s.processed) for s in faulty.seen] == [(code, False), (200, True)]


def test_a_5xx_after_processing_stored_the_batch_and_the_retry_changes_nothing(
    faulty: FaultServer, http: requests.Session
) -> None:
    faulty.script(Rule(Status(502, processed=True)))

    failed = post(http, faulty, "A", "B")
    assert failed.status_code == 502
    assert error_code(failed) == "http-502"
    assert stored(faulty) == ["A", "B"]

    assert statuses(post(http, faulty, "A", "B")) == ["unchanged", "unchanged"]
    assert faulty.store.count("clients") == 2


def test_429_carries_retry_after(faulty: FaultServer, http: requests.Session) -> None:
    faulty.script(Rule(Status(429, retry_after="2")))

    limited = post(http, faulty, "A")

    assert limited.status_code == 429
    assert limited.headers["Retry-After"] == "2"
    assert error_code(limited) == "rate-limited"
    assert limited.json()["error"]["message"] == "Trop de requêtes : réessayez dans 2 s."
    assert stored(faulty) == []
    assert statuses(post(http, faulty, "A")) == ["created"]


def test_a_delay_after_processing_times_the_client_out_but_the_batch_landed(
    faulty: FaultServer, http: requests.Session
) -> None:
    faulty.script(Rule(Delay(2.0, processed=True)))

    started = time.monotonic()
    with pytest.raises(requests.ReadTimeout):
        post(http, faulty, "A")
    assert time.monotonic() - started < 1.5  # the client gave up; the server still waits

    assert stored(faulty) == ["A"]
    assert statuses(post(http, faulty, "A")) == ["unchanged"]
    assert [(s.fault, s.processed) for s in faulty.seen] == [
        (Delay(2.0, processed=True), True),
        (None, True),
    ]


def test_a_delay_without_processing_times_out_and_stores_nothing(
    faulty: FaultServer, http: requests.Session
) -> None:
    faulty.script(Rule(Delay(2.0, processed=False)))

    with pytest.raises(requests.ReadTimeout):
        post(http, faulty, "A")

    assert stored(faulty) == []
    assert statuses(post(http, faulty, "A")) == ["created"]


def test_a_short_delay_only_slows_the_answer(faulty: FaultServer, http: requests.Session) -> None:
    faulty.script(Rule(Delay(0.1, processed=True)))
    started = time.monotonic()
    assert statuses(post(http, faulty, "A")) == ["created"]
    assert time.monotonic() - started >= 0.1


@pytest.mark.parametrize(("processed", "after"), [(False, []), (True, ["A"])])
def test_a_dropped_connection_is_a_connection_error(
    faulty: FaultServer, http: requests.Session, processed: bool, after: list[str]
) -> None:
    faulty.script(Rule(Drop(processed=processed)))

    with pytest.raises(requests.ConnectionError):
        post(http, faulty, "A")

    assert stored(faulty) == after
    assert statuses(post(http, faulty, "A")) == ["unchanged" if processed else "created"]
    assert [s.status for s in faulty.seen] == [None, 200]


def test_a_truncated_answer_fails_to_read_but_the_batch_landed(
    faulty: FaultServer, http: requests.Session
) -> None:
    faulty.script(Rule(Truncate()))

    with pytest.raises(requests.exceptions.ChunkedEncodingError):
        post(http, faulty, "A", "B")

    assert stored(faulty) == ["A", "B"]
    assert statuses(post(http, faulty, "A", "B")) == ["unchanged", "unchanged"]


def test_rules_pick_by_method_path_and_rank(faulty: FaultServer, http: requests.Session) -> None:
    faulty.script(Rule(Status(503), method="POST", path="/batch$", first=2, times=2))

    answers = []
    for key in "ABCD":
        answers.append(post(http, faulty, key).status_code)
        answers.append(http.get(f"{faulty.url}/records/clients", timeout=1).status_code)

    assert answers == [200, 200, 503, 200, 503, 200, 200, 200]
    assert stored(faulty) == ["A", "D"]


def test_a_rule_without_times_never_stops_and_a_new_script_starts_over(
    faulty: FaultServer, http: requests.Session
) -> None:
    faulty.script(Rule(Status(500), times=None))
    assert [post(http, faulty, "A").status_code for _ in range(4)] == [500] * 4

    faulty.script(Rule(Status(429, retry_after="1"), first=2))
    assert [post(http, faulty, "A").status_code for _ in range(3)] == [200, 429, 200]


def test_faults_in_sequence_and_the_log_of_what_happened(
    faulty: FaultServer, http: requests.Session
) -> None:
    faulty.script(
        Rule(Status(500), first=1),
        Rule(Drop(processed=True), first=2),
        Rule(Status(429, retry_after="0"), first=3),
    )
    outcomes = []
    for _ in range(4):
        try:
            outcomes.append(post(http, faulty, "A").status_code)
        except requests.ConnectionError:
            outcomes.append("dropped")

    assert outcomes == [500, "dropped", 429, 200]
    assert [(s.number, s.status, s.processed) for s in faulty.seen] == [
        (1, 500, False),
        (2, None, True),
        (3, 429, False),
        (4, 200, True),
    ]
    assert statuses(post(http, faulty, "A")) == ["unchanged"]
