"""What a push did, as the workbook keeps it: each row's outcome and one history line per push.

Plain values, drawn by whichever workbook holds the rows (``files.outcome_writer`` for a file,
the live book in Excel): the push decides them, a drawer only writes them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

from addin.core.table import CellValue

#: The counts of a history line, in the order of its columns.
COUNT_KEYS = ("created", "updated", "unchanged", "rejected", "not_sent", "deleted")


@dataclass(frozen=True, slots=True)
class RowOutcome:
    """What the push did with one row: ``status`` is the label shown ("créé", "refusé"...)."""

    status: str
    #: None when this push got no ID for the row: a drawer then keeps the ID an earlier push
    #: wrote (a failed push must not lose the only link to the record on the platform)
    platform_id: str | None
    message: str | None
    #: the record's key, shown in a CSV's side file (a workbook row is found by its number)
    key: str | None = None


@dataclass(frozen=True, slots=True)
class HistoryLine:
    """One push as the history keeps it; ``counts`` keys are among :data:`COUNT_KEYS`."""

    when: dt.datetime
    profile: str
    target: str
    mode: str
    counts: Mapping[str, int]

    def cells(self) -> list[CellValue]:
        """The line as written: the date as sortable text, the target without secrets."""
        unknown = set(self.counts) - set(COUNT_KEYS)
        if unknown:
            raise ValueError(f"unknown counts {sorted(unknown)}: the keys are {COUNT_KEYS}")
        when = self.when.strftime("%Y-%m-%d %H:%M:%S")
        return [when, self.profile, shown_target(self.target), self.mode] + [
            self.counts.get(key, 0) for key in COUNT_KEYS
        ]


def shown_target(target: str) -> str:
    """A platform's URL without what may carry a secret: ``user:password@``, query, fragment.

    Secrets never go into the workbook or its side files, even when the caller's URL has one.
    """
    parts = urlsplit(target)
    if parts.scheme.lower() not in ("http", "https"):
        return target
    return urlunsplit((parts.scheme, parts.netloc.rpartition("@")[2], parts.path, "", ""))
