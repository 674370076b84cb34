"""The sandbox over real HTTP: the stdlib's threading server on 127.0.0.1, nothing more.

This module only moves bytes: it reads a request (refusing a body that is too large or of
unknown length before reading it), hands it to :class:`~addin.sandbox.api.SandboxApi`, and
writes the reply as JSON. HTTP/1.1 keep-alive is on, so a client pushing many batches reuses
one connection, as it would with a real platform.

Shutting down must leave nothing behind, or the tests' ResourceWarnings would catch it: the
server keeps the sockets of live connections and, when closed, shuts them so that handler
threads blocked on an idle keep-alive connection return at once, then waits for those threads
(they are not daemons) and closes the store.

- :func:`serve` runs in the foreground until interrupted (``python -m addin.sandbox``).
- :func:`serving` / :func:`sandbox_in_thread` run it in a background thread for a ``with``
  block (tests, demo).
- :class:`SandboxHandler` and :class:`SandboxServer` are open to subclassing: the
  fault-injecting test server reuses ``read_request``, ``respond`` and ``send_reply``.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import os
import signal
import socket
import socketserver
import sys
import threading
import traceback
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager, contextmanager
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import FrameType
from typing import Any, TextIO, TypeVar

from addin.sandbox.api import Limits, Reply, Request, SandboxApi
from addin.sandbox.contract import ApiError
from addin.sandbox.errors import SandboxError
from addin.sandbox.store import RecordStore

_Server = TypeVar("_Server", bound=socketserver.BaseServer)

#: The only address the sandbox listens on: it is a rehearsal, never reachable from outside.
HOST = "127.0.0.1"

#: Errors that only mean the client went away; not worth a traceback.
_GONE = (ConnectionError, TimeoutError)


class SandboxHandler(BaseHTTPRequestHandler):
    """One connection: each request read, answered by the server's API, written back."""

    server: SandboxServer
    protocol_version = "HTTP/1.1"
    server_version = "client-import-sandbox"
    # Refusals of a malformed request line get a status line too (HTTP/0.9 would omit it).
    default_request_version = "HTTP/1.0"
    #: Seconds an idle keep-alive connection is kept open.
    timeout = 30.0
    # Headers and body leave in two writes; with Nagle's algorithm and the client's delayed
    # ACK each reply would wait 40 ms for nothing.
    disable_nagle_algorithm = True

    def do_GET(self) -> None:
        """Every method goes through the same path; the API answers 405 where it does not fit."""
        self.answer()

    do_POST = do_DELETE = do_PUT = do_PATCH = do_HEAD = do_GET

    def answer(self) -> None:
        """Read, respond, write: the fault-injecting server overrides this one step."""
        request = self.read_request()
        self.send_reply(request if isinstance(request, Reply) else self.server.respond(request))

    def read_request(self) -> Request | Reply:
        """The request with its body, or the refusal to send without reading the body.

        A body over the limit or of unknown length (chunked) is never read: the reply asks
        for the connection to be closed, since the unread bytes would otherwise be taken for
        the next request.
        """
        if self.headers.get("Transfer-Encoding"):
            return Reply.refusal(ApiError("length-required"), close=True)
        declared = self.headers.get("Content-Length")
        if declared is None:
            if self.command in ("POST", "PUT", "PATCH"):
                return Reply.refusal(ApiError("length-required"), close=True)
            declared = "0"
        if not (declared.isascii() and declared.isdigit()):
            return Reply.refusal(ApiError("length-required"), close=True)
        length, limit = int(declared), self.server.api.limits.max_body
        if length > limit:
            refusal = ApiError("body-too-large", size=length, limit=limit)
            return Reply.refusal(refusal, close=True)
        body = self.rfile.read(length)
        if len(body) < length:
            raise ConnectionAbortedError("the client closed the connection mid-body")
        return Request(self.command, self.path, self.headers.get("Authorization"), body)

    def send_reply(self, reply: Reply) -> None:
        """Log one line, then write the status line, headers and JSON body.

        Logged first, so that a client holding its answer knows the line is in the log.
        """
        # A request line the stdlib refused leaves no command or path behind.
        target = f"{self.command or '-'} {getattr(self, 'path', '-')}"
        self.server.log_line(f"{target} {int(reply.status)} {reply.summary}".rstrip())
        data = reply.encoded()
        self.send_response(reply.status)
        for name, value in reply.headers.items():
            self.send_header(name, value)
        if reply.body is not None:
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
        if reply.close:
            self.send_header("Connection", "close")  # also ends this connection's loop
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)
        self.wfile.flush()

    def version_string(self) -> str:
        """``Server: client-import-sandbox``, without the Python version."""
        return self.server_version

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        """Requests the stdlib refuses before us (malformed line, OPTIONS...): JSON too."""
        status = HTTPStatus(code)
        body = {"error": {"code": f"http-{code}", "message": f"Requête refusée : {status.phrase}."}}
        self.send_reply(Reply(status, body, close=True))

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        """Silenced: :meth:`send_reply` logs its own line, with the batch's counts."""

    def log_message(self, format: str, *args: Any) -> None:
        """The stdlib's own notes (timeouts, bad lines) go to the server's log, if any."""
        self.server.log_line(format % args)


class SandboxServer(ThreadingHTTPServer):
    """The listening socket on 127.0.0.1, its connection threads, and the API they share.

    The server owns the API's store and closes it in :meth:`server_close`.
    """

    daemon_threads = False  # server_close waits for them, after shutting their sockets
    # On Windows SO_REUSEADDR would let a second sandbox take a port that is in use.
    allow_reuse_address = os.name != "nt"

    def __init__(
        self,
        port: int,
        api: SandboxApi,
        *,
        log: TextIO | None = None,
        handler: type[SandboxHandler] = SandboxHandler,
    ) -> None:
        self.api = api
        self.log = log
        #: Set when closing, so that anything waiting on purpose (test delays) stops waiting.
        self.stopping = threading.Event()
        self._lock = threading.Lock()
        self._connections: set[socket.socket] = set()
        super().__init__((HOST, port), handler)

    @property
    def port(self) -> int:
        """The port actually bound (the one the system picked when asked for 0)."""
        return int(self.server_address[1])

    @property
    def url(self) -> str:
        """``http://127.0.0.1:PORT``: the contract's ``{base}``."""
        return f"http://{HOST}:{self.port}"

    def server_bind(self) -> None:
        """Bind without the stdlib's reverse DNS lookup of the host, which can take seconds."""
        socketserver.TCPServer.server_bind(self)
        self.server_name, self.server_port = HOST, self.port

    def respond(self, request: Request) -> Reply:
        """The API's reply; a bug or a disk error becomes a JSON 500, with its traceback logged."""
        try:
            return self.api.handle(request)
        except Exception:
            self.log_line(traceback.format_exc().rstrip())
            return Reply.refusal(ApiError("server-error"))

    def log_line(self, text: str) -> None:
        """One timestamped line on the log, whole even when threads write at once."""
        if self.log is None:
            return
        stamp = dt.datetime.now().strftime("%H:%M:%S")
        with self._lock:
            print(f"{stamp} {text}", file=self.log, flush=True)

    def process_request(
        self, request: socket.socket | tuple[bytes, socket.socket], client_address: Any
    ) -> None:
        """Remember the connection so that closing the server can end it."""
        if isinstance(request, socket.socket):
            with self._lock:
                self._connections.add(request)
        super().process_request(request, client_address)

    def shutdown_request(self, request: socket.socket | tuple[bytes, socket.socket]) -> None:
        """Forget the connection, then let the stdlib close it."""
        if isinstance(request, socket.socket):
            with self._lock:
                self._connections.discard(request)
        super().shutdown_request(request)

    def handle_error(
        self, request: socket.socket | tuple[bytes, socket.socket], client_address: Any
    ) -> None:
        """A client that went away is normal; anything else is logged, never printed raw."""
        if not isinstance(sys.exc_info()[1], _GONE):
            self.log_line(traceback.format_exc().rstrip())

    def server_close(self) -> None:
        """End live connections, wait for their threads, close the socket and the store."""
        self.stopping.set()
        with self._lock:
            live = list(self._connections)
        for connection in live:
            with contextlib.suppress(OSError):  # already closed by its thread
                connection.shutdown(socket.SHUT_RDWR)
        super().server_close()
        self.api.store.close()


def make_server(
    port: int,
    db: Path,
    token: str,
    *,
    require: Mapping[str, Sequence[str]] | None = None,
    limits: Limits | None = None,
    log: TextIO | None = None,
    handler: type[SandboxHandler] = SandboxHandler,
) -> SandboxServer:
    """Open the store and bind the port, or say in one sentence why it cannot be done."""
    if not token:
        raise SandboxError("Le jeton ne peut pas être vide.", "The token cannot be empty.")
    if not 0 <= port <= 65535:
        raise SandboxError(
            f"Port invalide : {port} (de 0 à 65535 ; 0 pour un port libre).",
            f"Invalid port: {port} (0 to 65535; 0 for a free port).",
        )
    store = RecordStore(db, required=require)
    try:
        return SandboxServer(port, SandboxApi(store, token, limits), log=log, handler=handler)
    except OSError as error:
        store.close()
        if error.errno in (errno.EADDRINUSE, 10048):  # 10048: WSAEADDRINUSE on Windows
            raise SandboxError(
                f"Le port {port} est déjà utilisé : choisissez-en un autre avec --port, "
                "ou 0 pour un port libre.",
                f"Port {port} is already in use: choose another one with --port, or 0 for a "
                "free port.",
            ) from None
        raise SandboxError(
            f"Impossible d'écouter sur {HOST}:{port} : {error}.",
            f"Cannot listen on {HOST}:{port}: {error}.",
        ) from None


def serve(
    port: int,
    db: Path,
    token: str,
    *,
    ready: Callable[[int], None] | None = None,
    require: Mapping[str, Sequence[str]] | None = None,
    limits: Limits | None = None,
    log: TextIO | None = None,
) -> None:
    """Serve the contract on 127.0.0.1 until Ctrl+C or SIGTERM, then return.

    ``ready(port)`` is called once the port is bound, with the port actually chosen, so a
    caller that asked for port 0 learns it. Everything is closed on the way out.
    """
    server = make_server(port, db, token, require=require, limits=limits, log=log)
    try:
        with _stopped_by_signals(server):
            if ready is not None:
                ready(server.port)
            server.serve_forever(poll_interval=0.2)
    finally:
        server.server_close()


@contextmanager
def _stopped_by_signals(server: SandboxServer) -> Iterator[None]:
    """Ctrl+C and SIGTERM end ``serve_forever`` between two requests, never in the middle.

    An exception raised by a signal handler lands wherever the main thread is: inside the
    stdlib's accept-and-start-a-thread step it closes a connection that its new thread still
    reads, and closing the server then waits for that thread. So the handler only asks the
    loop to stop, from another thread since ``shutdown`` waits for the loop. Outside the main
    thread signals cannot be caught, and nothing is installed.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def stop(signum: int, frame: FrameType | None) -> None:
        threading.Thread(target=server.shutdown, name="sandbox-stop", daemon=True).start()

    previous = {number: signal.signal(number, stop) for number in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)


@contextmanager
def serving(server: _Server) -> Iterator[_Server]:
    """Serve ``server`` in a background thread for the ``with`` block, then close everything.

    Any ``socketserver`` server: the tests' fake platforms run the same way.
    """
    thread = threading.Thread(
        target=server.serve_forever,
        kwargs={"poll_interval": 0.05},
        name=type(server).__name__,
    )
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        thread.join()
        server.server_close()


def sandbox_in_thread(
    db: Path,
    token: str,
    *,
    require: Mapping[str, Sequence[str]] | None = None,
    limits: Limits | None = None,
    log: TextIO | None = None,
) -> AbstractContextManager[SandboxServer]:
    """A sandbox on a free port in this process: ``with sandbox_in_thread(db, t) as s: s.url``."""
    return serving(make_server(0, db, token, require=require, limits=limits, log=log))
