"""The contract's routes as a function from request to reply, apart from sockets and threads.

:class:`SandboxApi` checks the token, finds the route, parses the body and asks the
:class:`~addin.sandbox.store.RecordStore`; every refusal is an
:class:`~addin.sandbox.contract.ApiError` turned into a JSON reply. Keeping this pure of
``http.server`` lets the fault-injecting test server run the very same routes before or after
misbehaving, and keeps :mod:`addin.sandbox.server` down to reading and writing bytes.

Routes (``{base}`` is the server's root):

- ``POST   /records/{collection}/batch``  upsert, results in request order
- ``GET    /records/{collection}?page=N``  one page, oldest first
- ``DELETE /records/{collection}/{key}``  204, or 404 when absent

Segments are percent-decoded after splitting, so a key may contain ``/`` (sent as ``%2F``).
"""

from __future__ import annotations

import hmac
import json
import re
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from http import HTTPStatus
from urllib.parse import parse_qs, unquote, urlsplit

from addin.sandbox.contract import (
    DEFAULT_MAX_BATCH,
    DEFAULT_MAX_BODY,
    DEFAULT_PAGE_SIZE,
    ApiError,
    batch_records,
    parse_json,
)
from addin.sandbox.store import RecordStore

_COLLECTION = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}")
_PAGE = re.compile(r"[1-9][0-9]{0,8}")
_REALM = 'Bearer realm="client-import-sandbox"'


@dataclass(frozen=True, slots=True)
class Limits:
    """What the sandbox accepts per request; a real platform has such limits too."""

    max_batch: int = DEFAULT_MAX_BATCH
    max_body: int = DEFAULT_MAX_BODY
    page_size: int = DEFAULT_PAGE_SIZE


@dataclass(frozen=True, slots=True)
class Request:
    """What the HTTP layer read: method, target as sent (path and query), token header, body."""

    method: str
    target: str
    authorization: str | None = None
    body: bytes = b""


@dataclass(frozen=True, slots=True)
class Reply:
    """What to answer. ``body`` None means no body (204); ``summary`` only feeds the log line.

    ``close`` asks the HTTP layer to drop the connection after answering, for when the
    request's body was left unread (too large, or of unknown length).
    """

    status: HTTPStatus
    body: Mapping[str, object] | None = None
    headers: Mapping[str, str] = field(default_factory=dict)
    summary: str = ""
    close: bool = False

    @classmethod
    def refusal(cls, error: ApiError, *, close: bool = False) -> Reply:
        """The JSON error reply of a refused request."""
        return cls(error.status, error.to_json(), error.headers, error.code, close)

    def encoded(self) -> bytes:
        """The body as UTF-8 JSON (empty for no body)."""
        if self.body is None:
            return b""
        return json.dumps(self.body, ensure_ascii=False).encode("utf-8")


class SandboxApi:
    """The generic platform contract over one store, guarded by one token."""

    def __init__(self, store: RecordStore, token: str, limits: Limits | None = None) -> None:
        self.store = store
        self.limits = limits or Limits()
        self._token = token.encode("utf-8")

    def handle(self, request: Request) -> Reply:
        """Answer one request; never raises for anything the client sent."""
        try:
            self._authorize(request.authorization)
            return self._route(request)
        except ApiError as error:
            return Reply.refusal(error)

    def _authorize(self, header: str | None) -> None:
        """401 unless ``Authorization: Bearer <token>`` carries exactly our token."""
        scheme, _, given = (header or "").strip().partition(" ")
        if scheme.lower() != "bearer" or not given.strip():
            raise ApiError("token-missing", headers={"WWW-Authenticate": _REALM})
        # Constant time, so the token cannot be guessed from how long a refusal takes.
        if not hmac.compare_digest(given.strip().encode("utf-8"), self._token):
            raise ApiError(
                "token-refused", headers={"WWW-Authenticate": _REALM + ', error="invalid_token"'}
            )

    def _route(self, request: Request) -> Reply:
        parts = urlsplit(request.target)
        segments = parts.path.split("/")
        if len(segments) not in (3, 4) or segments[:2] != ["", "records"]:
            raise ApiError("not-found", path=parts.path)
        try:
            collection, *rest = (unquote(s, errors="strict") for s in segments[2:])
        except UnicodeDecodeError:
            raise ApiError("not-found", path=parts.path) from None
        if not rest:
            self._allow(request.method, ("GET",))
            return self._list(_collection(collection), parts.query)
        (last,) = rest
        if not last:
            raise ApiError("not-found", path=parts.path)
        if request.method == "POST" and last == "batch":
            return self._batch(_collection(collection), request.body)
        self._allow(request.method, ("POST", "DELETE") if last == "batch" else ("DELETE",))
        return self._delete(_collection(collection), last)

    @staticmethod
    def _allow(method: str, allowed: tuple[str, ...]) -> None:
        if method not in allowed:
            joined = ", ".join(allowed)
            raise ApiError(
                "method-not-allowed", headers={"Allow": joined}, method=method, allowed=joined
            )

    def _batch(self, collection: str, body: bytes) -> Reply:
        records = batch_records(parse_json(body), self.limits.max_batch)
        results = self.store.upsert(collection, records)
        counts = Counter(result.status for result in results)
        summary = " ".join(f"{status}={counts[status]}" for status in sorted(counts))
        return Reply(HTTPStatus.OK, {"results": [r.to_json() for r in results]}, summary=summary)

    def _list(self, collection: str, query: str) -> Reply:
        pages = parse_qs(query, keep_blank_values=True).get("page", ["1"])
        if len(pages) != 1 or not _PAGE.fullmatch(pages[0]):
            raise ApiError("bad-page", page=",".join(pages))
        page = self.store.page(collection, int(pages[0]), self.limits.page_size)
        return Reply(HTTPStatus.OK, page.to_json(), summary=f"items={len(page.items)}")

    def _delete(self, collection: str, key: str) -> Reply:
        if not self.store.delete(collection, key):
            raise ApiError("record-not-found", key=key, collection=collection)
        return Reply(HTTPStatus.NO_CONTENT)


def _collection(name: str) -> str:
    """The collection name of the path, or ``bad-collection``."""
    if not _COLLECTION.fullmatch(name):
        raise ApiError("bad-collection", collection=name)
    return name
