"""A local server that behaves as Evoliz's documented REST API, for the connector's tests.

A real HTTP server (the stdlib's ``ThreadingHTTPServer`` on 127.0.0.1, a free port, a
background thread), so the connector is tested through ``requests``, sockets and JSON exactly
as it will talk to Evoliz. What it does follows ``/work/shared/platforms.md``:

- ``POST /api/login`` with ``{"public_key", "secret_key"}`` → ``{"access_token", "expires_at",
  "scopes"}``; wrong keys → 401. Tokens expire after ``token_lifetime`` seconds.
- ``GET /api/v1/clients`` (filters ``code``, exact without case, and ``search``; ``per_page``,
  ``page``; ``data``, ``links``, ``meta.last_page``), ``GET /api/v1/clients/{id}``,
  ``POST /api/v1/clients`` with validation: ``name``, ``type`` (three values),
  ``address.postcode``/``town``/``iso2`` required, a ``code`` already taken refused; a missing
  code is generated. A refusal is 422 ``{"error", "message": {field: [messages]}}``.
- ``GET /api/v1/contacts-clients`` (filters ``search`` and ``clientid``; each item names its
  client as ``client: {clientid, code, name}``), ``POST /api/v1/contacts-clients`` (``clientid``
  of an existing client, ``lastname``, ``email`` required, ``consent`` in its three values).
- Every ``/api/v1`` call needs ``Authorization: Bearer <token>`` (401 otherwise).
- At most ``requests_per_minute`` requests in any 60 seconds, then 429 with ``Retry-After``
  and Evoliz's sample message.

What is not documented is a choice made here, not a fact: the server can be told to ignore
the list filters (``honour_filters=False``) and to cap ``per_page`` (``max_per_page``), so
tests can show the connector does not depend on them.

Test controls: :meth:`FakeEvoliz.expire_tokens`, :meth:`FakeEvoliz.reject_next_token` (the next
authenticated call gets a 401, as for a revoked token), :meth:`FakeEvoliz.inject` (an error
status or a delay for the next matching requests, before or after the request is processed),
``echo_credentials`` (error messages repeat the keys and token received, as a careless
platform might) and ``wall_clock`` (the time ``expires_at`` is computed from, so a test's fake
clock and the server agree). State for assertions: ``clients``, ``contacts``, ``logins``, ``seen``.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import math
import re
import secrets
import socket
import socketserver
import sys
import threading
import time
import traceback
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

from addin.sandbox.server import serving

HOST = "127.0.0.1"
TYPES = ("Particulier", "Professionnel", "Administration publique")
CONSENTS = ("without", "authorized", "unauthorized")
RATE_MESSAGE = "Only {n} requests per minute are allowed"
_CLIENT = re.compile(r"/api/v1/clients/(\d+)")

Json = dict[str, Any]


@dataclass
class Fault:
    """What to do to the next ``times`` requests that match ``method`` and ``path`` (regex).

    ``status``: answer it with a JSON error (``retry_after`` in the header); ``delay``: wait
    that long before answering. ``processed=True``: the request is served first (a client
    created) and only its answer is lost or late — the case where a retry must not duplicate.
    """

    status: int | None = None
    delay: float = 0.0
    method: str | None = None
    path: str | None = None
    processed: bool = False
    retry_after: str | None = None
    times: int = 1

    def matches(self, method: str, path: str) -> bool:
        """Whether this fault applies to ``method path``."""
        return (self.method is None or self.method == method) and (
            self.path is None or re.search(self.path, path) is not None
        )


@dataclass(frozen=True)
class Seen:
    """One request as the server saw it, and the status it answered."""

    method: str
    path: str
    query: dict[str, str]
    status: int
    authorization: str | None


@dataclass
class Reply:
    """Status, JSON body and headers to send."""

    status: int
    body: Json | None = None
    headers: dict[str, str] = field(default_factory=dict)


class FakeEvoliz:
    """Evoliz's state and rules, apart from sockets: clients, contacts, tokens, limits."""

    def __init__(
        self,
        public_key: str,
        secret_key: str,
        *,
        token_lifetime: float = 20 * 60,
        requests_per_minute: int | None = None,
        default_per_page: int = 15,
        max_per_page: int = 100,
        honour_filters: bool = True,
        echo_credentials: bool = False,
        wall_clock: Callable[[], float] = time.time,
    ) -> None:
        self.public_key = public_key
        self.secret_key = secret_key
        self.token_lifetime = token_lifetime
        self.requests_per_minute = requests_per_minute
        self.default_per_page = default_per_page
        self.max_per_page = max_per_page
        self.honour_filters = honour_filters
        self.echo_credentials = echo_credentials
        #: what ``expires_at`` is computed from: a test's clock, so both sides agree on "now"
        self.wall_clock = wall_clock
        self.lock = threading.Lock()
        self.clients: dict[int, Json] = {}
        self.contacts: dict[int, Json] = {}
        #: token → expiry (server's monotonic clock)
        self.tokens: dict[str, float] = {}
        self.logins = 0
        self.seen: list[Seen] = []
        self.faults: list[Fault] = []
        self._reject_next = False
        self._window: deque[float] = deque()
        self._next_id = 1000

    # --- test controls --------------------------------------------------------------------

    def add_client(self, code: str, name: str = "Client existant", **fields: Any) -> Json:
        """A client already in Evoliz (what a user created by hand)."""
        with self.lock:
            return self._store_client(
                {"code": code, "name": name, "type": "Professionnel", **fields}
            )

    def add_contact(self, clientid: int, email: str, lastname: str = "Existant") -> Json:
        """A contact already in Evoliz."""
        with self.lock:
            return self._store_contact({"clientid": clientid, "email": email, "lastname": lastname})

    def expire_tokens(self) -> None:
        """Every token issued so far is now expired."""
        with self.lock:
            self.tokens = dict.fromkeys(self.tokens, -math.inf)

    def reject_next_token(self) -> None:
        """The next authenticated request is answered 401 and its token revoked."""
        with self.lock:
            self._reject_next = True

    def inject(self, fault: Fault) -> None:
        """Apply ``fault`` to the next matching requests."""
        with self.lock:
            self.faults.append(fault)

    def statuses(self, path: str | None = None) -> list[int]:
        """The statuses answered so far (to requests whose path starts with ``path``)."""
        with self.lock:
            return [s.status for s in self.seen if path is None or s.path.startswith(path)]

    def requests_to(self, method: str, path: str) -> int:
        """How many ``method`` requests reached exactly ``path``."""
        with self.lock:
            return sum(1 for s in self.seen if s.method == method and s.path == path)

    # --- serving --------------------------------------------------------------------------

    def take_fault(self, method: str, path: str) -> Fault | None:
        """The fault for this request, if any (counted down)."""
        with self.lock:
            for fault in self.faults:
                if fault.matches(method, path):
                    fault.times -= 1
                    if fault.times <= 0:
                        self.faults.remove(fault)
                    return fault
        return None

    def handle(self, method: str, target: str, authorization: str | None, body: bytes) -> Reply:
        """The reply to one request, recorded in ``seen``."""
        parts = urlsplit(target)
        query = {k: v[-1] for k, v in parse_qs(parts.query, keep_blank_values=True).items()}
        with self.lock:
            reply = self._route(method, parts.path, query, authorization, body)
            self.seen.append(Seen(method, parts.path, query, reply.status, authorization))
        return reply

    def note(self, method: str, target: str, authorization: str | None, reply: Reply) -> None:
        """Record a reply made by a fault."""
        parts = urlsplit(target)
        query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
        with self.lock:
            self.seen.append(Seen(method, parts.path, query, reply.status, authorization))

    def _route(
        self, method: str, path: str, query: dict[str, str], authorization: str | None, body: bytes
    ) -> Reply:
        limited = self._rate_limited()
        if limited is not None:
            return limited
        if path == "/api/login":
            return self._login(body) if method == "POST" else _error(405, "Method Not Allowed")
        if not path.startswith("/api/v1/"):
            return _error(404, "Not Found", "Unknown route")
        refusal = self._check_token(authorization)
        if refusal is not None:
            return refusal
        try:
            data = json.loads(body) if body else {}
        except ValueError:
            return _error(400, "Bad Request", "The body is not JSON")
        if path == "/api/v1/clients":
            if method == "GET":
                return self._list(list(self.clients.values()), query, path, self._client_filter)
            if method == "POST":
                return self._create_client(data)
        elif path == "/api/v1/contacts-clients":
            if method == "GET":
                return self._list(list(self.contacts.values()), query, path, self._contact_filter)
            if method == "POST":
                return self._create_contact(data)
        elif (found := _CLIENT.fullmatch(path)) and method == "GET":
            client = self.clients.get(int(found[1]))
            return Reply(200, client) if client else _error(404, "Not Found", "Client not found")
        return _error(404, "Not Found", "Unknown route")

    def _rate_limited(self) -> Reply | None:
        if self.requests_per_minute is None:
            return None
        now = time.monotonic()
        while self._window and self._window[0] <= now - 60:
            self._window.popleft()
        if len(self._window) >= self.requests_per_minute:
            wait = max(1, math.ceil(self._window[0] + 60 - now))
            message = RATE_MESSAGE.format(n=self.requests_per_minute)
            return _error(429, "Too Many Requests", message, {"Retry-After": str(wait)})
        self._window.append(now)
        return None

    def _login(self, body: bytes) -> Reply:
        try:
            keys = json.loads(body)
        except ValueError:
            keys = None
        if (
            not isinstance(keys, dict)
            or keys.get("public_key") != self.public_key
            or keys.get("secret_key") != self.secret_key
        ):
            said = f" ({keys})" if self.echo_credentials else ""
            return _error(401, "Unauthorized", f"Invalid credentials{said}")
        self.logins += 1
        token = secrets.token_urlsafe(24)
        self.tokens[token] = time.monotonic() + self.token_lifetime
        expires = dt.datetime.fromtimestamp(self.wall_clock() + self.token_lifetime, dt.UTC)
        body_out = {
            "access_token": token,
            "expires_at": expires.isoformat(timespec="seconds"),
            "scopes": ["clients", "contacts-clients"],
        }
        return Reply(200, body_out)

    def _check_token(self, authorization: str | None) -> Reply | None:
        token = (authorization or "").removeprefix("Bearer ").strip()
        expiry = self.tokens.get(token)
        said = f" (token {token})" if self.echo_credentials else ""
        if self._reject_next and expiry is not None:
            self._reject_next = False
            del self.tokens[token]
            return _error(401, "Unauthenticated", f"Token revoked{said}")
        if expiry is None or expiry <= time.monotonic():
            return _error(401, "Unauthenticated", f"Invalid or expired token{said}")
        return None

    def _list(self, items: list[Json], query: dict[str, str], path: str, keep: Any) -> Reply:
        if self.honour_filters:
            items = [item for item in items if keep(item, query)]
        try:
            per_page = int(query.get("per_page", self.default_per_page))
            page = int(query.get("page", 1))
        except ValueError:
            return _error(422, "Unprocessable Entity", {"page": ["The page must be an integer."]})
        per_page = max(1, min(per_page, self.max_per_page))
        last = max(1, math.ceil(len(items) / per_page))
        chunk = items[(page - 1) * per_page : page * per_page]

        def link(n: int) -> str:
            return f"http://{HOST}{path}?{urlencode({**query, 'page': n})}"

        return Reply(
            200,
            {
                "data": chunk,
                "links": {
                    "first": link(1),
                    "last": link(last),
                    "prev": link(page - 1) if page > 1 else None,
                    "next": link(page + 1) if page < last else None,
                },
                "meta": {
                    "current_page": page,
                    "last_page": last,
                    "per_page": per_page,
                    "total": len(items),
                    "path": f"http://{HOST}{path}",
                },
            },
        )

    @staticmethod
    def _client_filter(item: Json, query: dict[str, str]) -> bool:
        code = query.get("code")
        if code is not None and str(item.get("code", "")).casefold() != code.casefold():
            return False
        search = query.get("search", "").casefold()
        return not search or any(
            search in str(item.get(name, "")).casefold() for name in ("code", "name")
        )

    @staticmethod
    def _contact_filter(item: Json, query: dict[str, str]) -> bool:
        clientid = query.get("clientid")
        if clientid is not None and str(item["client"]["clientid"]) != clientid:
            return False
        search = query.get("search", "").casefold()
        return not search or any(
            search in str(item.get(name, "")).casefold()
            for name in ("email", "lastname", "firstname")
        )

    def _create_client(self, data: Any) -> Reply:
        if not isinstance(data, dict):
            return _error(400, "Bad Request", "A JSON object is expected")
        problems: dict[str, list[str]] = {}
        if not _filled(data.get("name")):
            problems["name"] = ["The name field is required."]
        if not _filled(data.get("type")):
            problems["type"] = ["The type field is required."]
        elif data["type"] not in TYPES:
            problems["type"] = ["The selected type is invalid."]
        address = data.get("address")
        address = address if isinstance(address, dict) else {}
        for part in ("postcode", "town", "iso2"):
            if not _filled(address.get(part)):
                problems[f"address.{part}"] = [f"The address.{part} field is required."]
        iso2 = address.get("iso2")
        if _filled(iso2) and not re.fullmatch(r"[A-Z]{2}", str(iso2)):
            problems["address.iso2"] = ["The address.iso2 must be 2 characters."]
        code = data.get("code")
        taken = {str(c.get("code", "")).casefold() for c in self.clients.values()}
        if _filled(code) and str(code).casefold() in taken:
            problems["code"] = ["The code has already been taken."]
        if problems:
            return _error(422, "Unprocessable Entity", problems)
        return Reply(201, self._store_client(data))

    def _store_client(self, data: Json) -> Json:
        self._next_id += 1
        code = data.get("code") or f"C{self._next_id:05d}"
        client = {**data, "clientid": self._next_id, "code": code, "enabled": True}
        self.clients[self._next_id] = client
        return client

    def _create_contact(self, data: Any) -> Reply:
        if not isinstance(data, dict):
            return _error(400, "Bad Request", "A JSON object is expected")
        problems: dict[str, list[str]] = {}
        clientid = data.get("clientid")
        if clientid is None:
            problems["clientid"] = ["The clientid field is required."]
        elif not isinstance(clientid, int) or clientid not in self.clients:
            problems["clientid"] = ["The selected clientid is invalid."]
        if not _filled(data.get("lastname")):
            problems["lastname"] = ["The lastname field is required."]
        email = data.get("email")
        if not _filled(email):
            problems["email"] = ["The email field is required."]
        elif "@" not in str(email):
            problems["email"] = ["The email must be a valid email address."]
        consent = data.get("consent")
        if consent is not None and consent not in CONSENTS:
            problems["consent"] = ["The selected consent is invalid."]
        if problems:
            return _error(422, "Unprocessable Entity", problems)
        return Reply(201, self._store_contact(data))

    def _store_contact(self, data: Json) -> Json:
        self._next_id += 1
        client = self.clients[data["clientid"]]
        fields = {k: v for k, v in data.items() if k != "clientid"}
        contact = {
            **fields,
            "contactid": self._next_id,
            "client": {
                "clientid": client["clientid"],
                "code": client["code"],
                "name": client["name"],
            },
            "consent": data.get("consent", "without"),
            "enabled": True,
        }
        self.contacts[self._next_id] = contact
        return contact


def _filled(value: Any) -> bool:
    return value is not None and str(value).strip() != ""


def _error(
    status: int, error: str, message: Any = None, headers: dict[str, str] | None = None
) -> Reply:
    return Reply(status, {"error": error, "message": message or error}, headers or {})


class FakeEvolizHandler(BaseHTTPRequestHandler):
    """One connection: read the request, apply a fault or let :class:`FakeEvoliz` answer."""

    server: FakeEvolizServer
    protocol_version = "HTTP/1.1"
    timeout = 10.0

    def do_GET(self) -> None:
        """Every method goes the same way."""
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length)
        api, auth = self.server.api, self.headers.get("Authorization")
        fault = api.take_fault(self.command, urlsplit(self.path).path)
        reply: Reply | None = None
        if fault is None or fault.processed:
            reply = api.handle(self.command, self.path, auth, body)
        if fault is not None:
            if fault.delay and self.server.stopping.wait(fault.delay):
                self.close_connection = True
                return
            if fault.status is not None:
                extra = {"Retry-After": fault.retry_after} if fault.retry_after else {}
                said = f"Injected failure (token {auth})" if api.echo_credentials else None
                reply = _error(fault.status, "Server Error", said, extra)
                api.note(self.command, self.path, auth, reply)
            elif reply is None:
                reply = api.handle(self.command, self.path, auth, body)
        assert reply is not None
        self.send(reply)

    do_POST = do_PUT = do_DELETE = do_PATCH = do_GET

    def send(self, reply: Reply) -> None:
        """Write the status line, headers and JSON body."""
        data = json.dumps(reply.body).encode() if reply.body is not None else b""
        self.send_response(reply.status)
        for name, value in reply.headers.items():
            self.send_header(name, value)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)
        self.wfile.flush()

    def log_message(self, format: str, *args: Any) -> None:
        """Silent: ``FakeEvoliz.seen`` is the log."""


class FakeEvolizServer(ThreadingHTTPServer):
    """The listening socket and its connection threads; closing ends them all."""

    daemon_threads = False

    def __init__(self, api: FakeEvoliz) -> None:
        self.api = api
        self.stopping = threading.Event()
        self._lock = threading.Lock()
        self._connections: set[socket.socket] = set()
        #: tracebacks of the handler's own failures (a bug in this fake, not a client's fault)
        self.errors: list[str] = []
        super().__init__((HOST, 0), FakeEvolizHandler)

    @property
    def url(self) -> str:
        """``http://127.0.0.1:PORT``, the connector's base URL."""
        return f"http://{HOST}:{self.server_address[1]}"

    def server_bind(self) -> None:
        """Bind without the reverse DNS lookup of ``HTTPServer.server_bind``."""
        socketserver.TCPServer.server_bind(self)
        self.server_name, self.server_port = HOST, int(self.server_address[1])

    def process_request(self, request: Any, client_address: Any) -> None:
        """Remember the connection, so that closing can end it."""
        with self._lock:
            self._connections.add(request)
        super().process_request(request, client_address)

    def shutdown_request(self, request: Any) -> None:
        """Forget the connection, then let the stdlib close it."""
        with self._lock:
            self._connections.discard(request)
        super().shutdown_request(request)

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that went away (timed out) is expected; anything else is kept in ``errors``
        for the test to fail on, instead of surfacing only as a dropped connection."""
        error = sys.exc_info()[1]
        if not isinstance(error, ConnectionError | TimeoutError):
            self.errors.append(traceback.format_exc())

    def server_close(self) -> None:
        """Stop the waits, shut live connections, join their threads, close the socket."""
        self.stopping.set()
        with self._lock:
            live = list(self._connections)
        for connection in live:
            with contextlib.suppress(OSError):
                connection.shutdown(socket.SHUT_RDWR)
        super().server_close()


@contextmanager
def fake_evoliz(public_key: str, secret_key: str, **options: Any) -> Iterator[FakeEvolizServer]:
    """A fake Evoliz on a free port for the ``with`` block: ``server.url``, ``server.api``."""
    with serving(FakeEvolizServer(FakeEvoliz(public_key, secret_key, **options))) as server:
        yield server
    assert not server.errors, server.errors[0]


class FakeClock:
    """Wall and monotonic time that move only when slept or advanced; sleeps are recorded.

    Given to the connector (and as ``wall_clock`` to the server), so token lifetimes, pacing
    and ``Retry-After`` waits pass in no time."""

    def __init__(self) -> None:
        self.wall = time.time()
        self.mono = 1000.0
        self.sleeps: list[float] = []

    def time(self) -> float:
        return self.wall

    def monotonic(self) -> float:
        return self.mono

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.advance(seconds)

    def advance(self, seconds: float) -> None:
        self.wall += seconds
        self.mono += seconds
