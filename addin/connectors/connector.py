"""What every platform connector offers the push, whatever the platform's API looks like.

The push (modes, journal, resume, statuses written back) talks to this interface only; the
generic contract (``docs/api/openapi.yaml``) and Evoliz's own API are two implementations.
Records carry the platform's field names already (``profile.api.field_names``) and the key
that identifies a record on both sides, so a batch sent twice is harmless.

Errors are sorted by what the caller may do next: wait and retry (:class:`Transient`), fix
the credentials (:class:`AuthFailed`), or give up on that request (:class:`Refused`). A
per-record rejection is not an exception: it is an :class:`Outcome` with status ``error``.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Literal, Protocol

from addin.core.catalogue import Lang

Status = Literal["created", "updated", "unchanged", "error"]
JsonValue = str | int | float | bool | None | dict[str, "JsonValue"] | list["JsonValue"]


@dataclass(frozen=True, slots=True)
class Record:
    """One valid row of the user's sheet, as the platform will receive it."""

    key: str
    #: platform field name → value (nested objects for dotted names: ``address.town``)
    fields: Mapping[str, JsonValue]


@dataclass(frozen=True, slots=True)
class Outcome:
    """What the platform said about one record, in the order the records were sent."""

    key: str
    status: Status
    id: str | None = None
    message: str | None = None
    #: platform field name → messages, for the cell notes
    field_errors: Mapping[str, Sequence[str]] = field(default_factory=dict)
    #: ``message`` in English when the sentence is the connector's own (« Code client vide »);
    #: ``None`` for the platform's words, which are shown as the platform wrote them
    en: str | None = None

    def in_language(self, lang: Lang) -> Outcome:
        """The outcome as the run's language stores it (journal, status column): the English
        sentence in place of the French one, in the message and in the field messages that
        repeat it."""
        if lang != "en" or self.en is None or self.message is None:
            return self
        fields = {
            name: [self.en if text == self.message else text for text in texts]
            for name, texts in self.field_errors.items()
        }
        return replace(self, message=self.en, field_errors=fields, en=None)


@dataclass(frozen=True, slots=True)
class RemoteRecord:
    """A record the platform holds (for previews, backups and the delete-the-rest modes)."""

    key: str
    id: str | None
    fields: Mapping[str, JsonValue]


class ConnectorError(Exception):
    """Base of what a connector raises; ``str(error)`` is for the user, in French.

    ``en`` is the same sentence in English: :meth:`said` gives the one of the run's language
    (``--lang``, the ribbon's setting), as :meth:`addin.errors.ClientImportError.said` does, so
    that a push in English stores and shows English (the journal, the status column, the
    summary). Every raise site gives both: ``tests/test_english_errors.py`` fails otherwise.
    """

    def __init__(self, message: str = "", en: str | None = None) -> None:
        super().__init__(message)
        self.en = en

    def said(self, lang: Lang) -> str:
        """The sentence in ``lang``; French when no English was written."""
        return self.en if lang == "en" and self.en else str(self)


class Transient(ConnectorError):
    """Worth retrying: 429, 5xx, timeout, dropped connection. ``retry_after`` in seconds."""

    def __init__(
        self, message: str, retry_after: float | None = None, *, en: str | None = None
    ) -> None:
        super().__init__(message, en)
        self.retry_after = retry_after


class AuthFailed(ConnectorError):
    """The token or keys were refused (401/403 after a fresh login): stop and say so."""


class Refused(ConnectorError):
    """The request itself was refused (other 4xx): retrying the same request is useless."""


class Connector(Protocol):
    """One platform's API, seen through the four operations a push needs."""

    #: the most records one ``upsert``/``create`` call takes
    batch_size: int

    def send(self, records: Sequence[Record], *, create_only: bool) -> list[Outcome]:
        """Create or update ``records`` (create only: an existing key is left ``unchanged``),
        one outcome per record, in order. Sending the same batch twice must not duplicate."""
        ...

    def existing(self) -> Iterator[RemoteRecord]:
        """Every record the platform holds in this collection, page after page."""
        ...

    def delete(self, key: str) -> bool:
        """Delete the record with ``key``; ``False`` when it was already absent."""
        ...

    def close(self) -> None:
        """Let go of the network connections."""
        ...
