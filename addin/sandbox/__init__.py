"""A local platform that follows the generic push contract, for rehearsals, tests and the demo.

``python -m addin.sandbox --port 0 --db records.sqlite`` (token in
``CLIENT_IMPORT_SANDBOX_TOKEN``) serves ``docs/api/openapi.yaml`` on 127.0.0.1 with the records
in SQLite. One job per module:

- :mod:`~addin.sandbox.contract` the contract as data: record checks, results, error catalogue
- :mod:`~addin.sandbox.store` the SQLite store (upsert by key, pages, delete), pure of HTTP
- :mod:`~addin.sandbox.api` routes, token, JSON: request → reply, pure of sockets
- :mod:`~addin.sandbox.server` the stdlib HTTP server, :func:`serve` and a test thread
- :mod:`~addin.sandbox.__main__` the command line
"""

from __future__ import annotations

from addin.sandbox.api import Limits, Reply, Request, SandboxApi
from addin.sandbox.errors import SandboxError
from addin.sandbox.server import SandboxServer, make_server, sandbox_in_thread, serve, serving
from addin.sandbox.store import RecordStore, parse_required

__all__ = [
    "Limits",
    "RecordStore",
    "Reply",
    "Request",
    "SandboxApi",
    "SandboxError",
    "SandboxServer",
    "make_server",
    "parse_required",
    "sandbox_in_thread",
    "serve",
    "serving",
]
