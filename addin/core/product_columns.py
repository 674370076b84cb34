"""The columns client-import adds to a user's sheet, known by header so they are never data.

A push writes each row's outcome into two columns of the data sheet (``files.outcome_writer``).
The next check or push of the same sheet reads them back with the user's columns: the
mapping must neither give them a field (a platform may well have a "Statut" field) nor warn
that they feed nothing.
"""

from __future__ import annotations

from addin.core.catalogue import Lang

STATUS_HEADERS: dict[Lang, str] = {
    "fr": "Statut envoi (client-import)",
    "en": "Push status (client-import)",
}
ID_HEADERS: dict[Lang, str] = {
    "fr": "ID plateforme (client-import)",
    "en": "Platform ID (client-import)",
}

_OURS = frozenset(h.casefold() for h in (*STATUS_HEADERS.values(), *ID_HEADERS.values()))


def is_product_column(header: str) -> bool:
    """True for a header of a column client-import writes, in either language."""
    return " ".join(header.split()).casefold() in _OURS
