"""A sandbox that misbehaves on cue, for the push tests: errors, 429, delays, dropped connections.

It is the real sandbox (same routes, same SQLite store, a real HTTP server on 127.0.0.1 in a
background thread) with a script of :class:`Rule` in front: a request that a rule picks gets
the rule's fault instead of, or after, being served; every other request is served normally.
So a test can say "the second batch gets a 503, twice" and then check that the push still
ends with every row on the platform exactly once.

What matters for duplicates is whether a failed request reached the store, so each fault says
so with ``processed``: ``Drop(processed=True)`` stores the batch and then closes the connection
without answering, the case where only an idempotent upsert saves the client. ``seen`` records
what happened to every request, in order of arrival.

Faults:

- :class:`Status` answer an error status (500, 503, 429 with ``Retry-After``...) as JSON
- :class:`Delay` answer only after a pause (longer than the client's timeout, typically)
- :class:`Drop` close the connection without answering
- :class:`Truncate` serve, then send half of the answer and close

There is no conftest: a test module makes its own fixture::

    @pytest.fixture
    def faulty(tmp_path: Path) -> Iterator[FaultServer]:
        with FaultServer(tmp_path / "platform.sqlite", TOKEN) as server:
            yield server

    def test_...(faulty: FaultServer) -> None:
        faulty.script(Rule(Status(503), path="/batch$", first=2, times=2))
        ...push to faulty.url...
        assert [s.status for s in faulty.seen] == [200, 503, 503, 200]
"""

from __future__ import annotations

import re
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from http import HTTPStatus
from pathlib import Path
from types import TracebackType
from urllib.parse import urlsplit

from addin.sandbox.api import Limits, Reply, Request, SandboxApi
from addin.sandbox.contract import ApiError
from addin.sandbox.server import SandboxHandler, SandboxServer, serving
from addin.sandbox.store import RecordStore


@dataclass(frozen=True)
class Status:
    """Answer ``code`` with a JSON error body; ``retry_after`` goes in the ``Retry-After`` header.

    ``processed=True`` serves the request first (the platform stored it, then failed).
    """

    code: int
    retry_after: str | None = None
    processed: bool = False


@dataclass(frozen=True)
class Delay:
    """Pause ``seconds`` before answering.

    ``processed=True``: the request is served at once and its answer written after the pause
    (the batch landed although the client timed out). ``processed=False``: after the pause the
    connection is closed without serving it (a platform that hung and gave up).
    """

    seconds: float
    processed: bool


@dataclass(frozen=True)
class Drop:
    """Close the connection without answering; ``processed=True`` serves the request first."""

    processed: bool


@dataclass(frozen=True)
class Truncate:
    """Serve the request, send the status, headers and half the body, then close."""

    processed: bool = field(default=True, init=False)


Fault = Status | Delay | Drop | Truncate


@dataclass
class Rule:
    """Which requests get ``fault``: those matching ``method`` and ``path`` (a regular expression
    searched in the path, query left out), from the ``first``-th of them (counting from 1),
    ``times`` in a row (None: every one from then on). Without method and path a rule counts
    every request, so ``Rule(fault, first=3)`` is the third request of all.
    """

    fault: Fault
    method: str | None = None
    path: str | None = None
    first: int = 1
    times: int | None = 1
    matched: int = field(default=0, init=False)

    def picks(self, method: str, path: str) -> bool:
        """Count the request if it matches; True when it is one of those to misbehave."""
        if self.method is not None and method != self.method:
            return False
        if self.path is not None and re.search(self.path, path) is None:
            return False
        self.matched += 1
        last = None if self.times is None else self.first + self.times - 1
        return self.matched >= self.first and (last is None or self.matched <= last)


@dataclass(frozen=True)
class Seen:
    """What happened to one request: its fault (None if served normally), the status answered
    (None when nothing was), and whether the store served it."""

    number: int
    method: str
    path: str
    fault: Fault | None
    status: int | None
    processed: bool


class FaultHandler(SandboxHandler):
    """The sandbox's handler with the script consulted between reading and answering."""

    server: FaultServer

    def answer(self) -> None:
        request = self.read_request()
        path = urlsplit(self.path).path
        if isinstance(request, Reply):  # refused unread (too large): no fault applies
            self.server.note(self.command, path, None, int(request.status), processed=False)
            self.send_reply(request)
            return
        fault = self.server.fault_for(self.command, path)
        if fault is None:
            reply = self.server.respond(request)
            self.server.note(self.command, path, None, int(reply.status), processed=True)
            self.send_reply(reply)
        elif isinstance(fault, Status):
            self._status(request, path, fault)
        elif isinstance(fault, Delay):
            self._delay(request, path, fault)
        elif isinstance(fault, Drop):
            if fault.processed:
                self.server.respond(request)
            self.server.note(self.command, path, fault, None, processed=fault.processed)
            self.close_connection = True
        else:
            self._truncate(request, path, fault)

    def _status(self, request: Request, path: str, fault: Status) -> None:
        if fault.processed:
            self.server.respond(request)
        headers = {} if fault.retry_after is None else {"Retry-After": fault.retry_after}
        self.server.note(self.command, path, fault, fault.code, processed=fault.processed)
        self.send_reply(_error_reply(fault.code, headers))

    def _delay(self, request: Request, path: str, fault: Delay) -> None:
        reply = self.server.respond(request) if fault.processed else None
        status = None if reply is None else int(reply.status)
        self.server.note(self.command, path, fault, status, processed=fault.processed)
        stopped = self.server.stopping.wait(fault.seconds)  # cut short when the server closes
        if reply is None or stopped:
            self.close_connection = True
            return
        self.send_reply(reply)  # the client may be gone: that error is ignored by the server

    def _truncate(self, request: Request, path: str, fault: Truncate) -> None:
        reply = self.server.respond(request)
        self.server.note(self.command, path, fault, int(reply.status), processed=True)
        data = reply.encoded()
        self.send_response(reply.status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data[: len(data) // 2])
        self.wfile.flush()
        self.close_connection = True


def _error_reply(code: int, headers: Mapping[str, str]) -> Reply:
    """The JSON error of ``code``: the contract's own where it has one (429, 500, 503)."""
    known = {429: "rate-limited", 500: "server-error", 503: "unavailable"}
    if code in known:
        seconds = headers.get("Retry-After", "quelques")
        error = ApiError(known[code], headers=headers, seconds=seconds)
        return Reply.refusal(error)
    status = HTTPStatus(code)
    body = {"error": {"code": f"http-{code}", "message": f"Erreur simulée : {status.phrase}."}}
    return Reply(status, body, headers)


class FaultServer(SandboxServer):
    """The sandbox on a free port of 127.0.0.1 with a fault script; a ``with`` block runs it.

    ``store`` is the platform's content, for the assertions; ``seen`` the requests so far.
    """

    def __init__(
        self,
        db: Path,
        token: str,
        *rules: Rule,
        require: Mapping[str, Sequence[str]] | None = None,
        limits: Limits | None = None,
    ) -> None:
        self.seen: list[Seen] = []
        self._rules = list(rules)
        self._script_lock = threading.Lock()
        store = RecordStore(db, required=require)
        try:
            super().__init__(0, SandboxApi(store, token, limits), handler=FaultHandler)
        except BaseException:
            store.close()
            raise
        self._serving = serving(self)

    @property
    def store(self) -> RecordStore:
        return self.api.store

    def script(self, *rules: Rule) -> None:
        """Replace the rules; their counts start again from the next request."""
        with self._script_lock:
            self._rules = list(rules)

    def fault_for(self, method: str, path: str) -> Fault | None:
        """The fault of the first rule that picks this request; every rule counts it."""
        with self._script_lock:
            picked = [rule.fault for rule in self._rules if rule.picks(method, path)]
        return picked[0] if picked else None

    def note(
        self, method: str, path: str, fault: Fault | None, status: int | None, *, processed: bool
    ) -> None:
        with self._script_lock:
            self.seen.append(Seen(len(self.seen) + 1, method, path, fault, status, processed))

    def __enter__(self) -> FaultServer:
        self._serving.__enter__()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self._serving.__exit__(kind, error, traceback)
