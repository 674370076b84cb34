"""The generic push contract (``docs/api/openapi.yaml``): any platform, or a small adapter in
front of one, that upserts records by key. The sandbox implements it.

Upsert by key is what makes the push safe to repeat: a batch whose answer was lost is sent
again and the platform answers ``unchanged`` or ``updated`` instead of creating a duplicate.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from urllib.parse import quote

from addin.connectors.connector import (
    JsonValue,
    Outcome,
    Record,
    Refused,
    RemoteRecord,
    Status,
    Transient,
)
from addin.connectors.http import HttpClient

_STATUSES: frozenset[str] = frozenset({"created", "updated", "unchanged", "error"})


class GenericConnector:
    """``POST /records/{collection}/batch``, ``GET /records/{collection}?page=N``, ``DELETE``."""

    def __init__(self, http: HttpClient, collection: str, token: str, batch_size: int) -> None:
        self.http = http
        self.collection = collection
        self.batch_size = batch_size
        self._token = token
        http.add_secret(token)

    def send(self, records: Sequence[Record], *, create_only: bool) -> list[Outcome]:
        """Upsert ``records``; with ``create_only`` the caller has left out the keys the
        platform already holds (the contract has no create-only request)."""
        batch = list(records)
        body: JsonValue = {"upsert": [{"key": r.key, "fields": dict(r.fields)} for r in batch]}
        reply = self.http.request(
            "POST",
            f"records/{quote(self.collection, safe='')}/batch",
            json_body=body,
            token=self._token,
        )
        results = reply.body.get("results") if isinstance(reply.body, dict) else None
        if not isinstance(results, list) or len(results) != len(batch):
            # the batch may have been applied: a retry is harmless (upsert by key)
            raise Transient(
                f"{self.http.name} a répondu sans un résultat par enregistrement envoyé.",
                en=f"{self.http.name} answered without one result per record sent.",
            )
        clean = self.http.scrubber.outcome
        return [
            clean(_outcome(record.key, result))
            for record, result in zip(batch, results, strict=True)
        ]

    def existing(self) -> Iterator[RemoteRecord]:
        page: int | None = 1
        while page is not None:
            reply = self.http.request(
                "GET",
                f"records/{quote(self.collection, safe='')}",
                params={"page": page},
                token=self._token,
            )
            body = reply.body if isinstance(reply.body, dict) else {}
            items = body.get("items")
            if not isinstance(items, list):
                raise Transient(
                    f"{self.http.name} a renvoyé une liste illisible.",
                    en=f"{self.http.name} sent back an unreadable list.",
                )
            for item in items:
                if isinstance(item, dict) and isinstance(item.get("key"), str):
                    fields = item.get("fields")
                    identifier = item.get("id")
                    yield self.http.scrubber.remote(
                        RemoteRecord(
                            str(item["key"]),
                            None if identifier is None else str(identifier),
                            fields if isinstance(fields, dict) else {},
                        )
                    )
            following = body.get("next_page")
            page = following if isinstance(following, int) and following > page else None

    def delete(self, key: str) -> bool:
        reply = self.http.request(
            "DELETE",
            f"records/{quote(self.collection, safe='')}/{quote(key, safe='')}",
            token=self._token,
            accept=(404,),
        )
        return reply.status != 404

    def close(self) -> None:
        self.http.close()


def _outcome(key: str, result: JsonValue) -> Outcome:
    """One result of a batch as the platform said it; :meth:`Scrubber.outcome` then cleans
    its id, messages and field names (a careless platform may echo the token in any of them,
    and they go into the journal and the sheet)."""
    if not isinstance(result, dict) or result.get("status") not in _STATUSES:
        raise Refused(
            "La plateforme a renvoyé un résultat sans statut reconnu.",
            en="The platform sent back a result without a known status.",
        )
    status: Status = result["status"]  # type: ignore[assignment]
    identifier = result.get("id")
    error = result.get("error")
    message: str | None = None
    fields: dict[str, list[str]] = {}
    if isinstance(error, dict):
        message = str(error.get("message") or "") or None
        raw = error.get("fields")
        if isinstance(raw, Mapping):
            fields = {
                str(name): [str(m) for m in messages]
                if isinstance(messages, list)
                else [str(messages)]
                for name, messages in raw.items()
            }
    return Outcome(key, status, None if identifier is None else str(identifier), message, fields)
