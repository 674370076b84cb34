"""What the engine accumulates while walking a table: issues, rows in error, per-row values.

Shared by the column checks (``columns``) and the cross-field rules (``rules``). Per-row values
are kept as the verdicts on each distinct cell plus the cells themselves, and spread into one
list per field only when a rule reads the field.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field
from itertools import repeat
from typing import Generic, TypeVar, cast

from addin.core.fields.base import FieldChecker, Problem
from addin.core.headers import HeaderMatch
from addin.core.profile import Profile
from addin.core.report import Issue
from addin.core.table import Table

T = TypeVar("T")


class Judged(dict[Hashable, T]):
    """Verdicts by distinct cell of a column; cells left unjudged fit its clean shape.

    Clean texts are not stored at all (``__missing__`` answers for them), which spares two
    dictionaries of 100,000 entries for a column of distinct clean values.
    """

    def spread(self, keys: Sequence[Hashable]) -> list[T]:
        """``[self[k] for k in keys]`` at C speed (``__missing__`` is a Python call a row)."""
        raise NotImplementedError


class ValueOf(Judged[str | None]):
    """Normalised values: a clean text is its own."""

    def __missing__(self, key: Hashable) -> str | None:
        return cast(str, key)  # only texts are ever left unjudged

    def spread(self, keys: Sequence[Hashable]) -> list[str | None]:
        return cast(list[str | None], list(map(self.get, keys, keys)))


class FilledOf(Judged[bool]):
    """Whether a cell counts as filled for the rules: a clean text does."""

    def __missing__(self, key: Hashable) -> bool:
        return True

    def spread(self, keys: Sequence[Hashable]) -> list[bool]:
        return list(map(self.get, keys, repeat(True)))


class RowLists(Generic[T]):
    """One list per field with a value per row, spread from the distinct cells' verdicts.

    Spreading costs one pass over the rows (about 5 ms per 100,000 cells, memory bound), and
    only the fields that cross-field rules read need it: it happens on first use.
    """

    __slots__ = ("_built", "_sources")

    def __init__(self) -> None:
        self._built: dict[str, list[T]] = {}
        self._sources: dict[str, tuple[Sequence[Hashable], Judged[T]]] = {}

    def spread(self, field_id: str, keys: Sequence[Hashable], verdict: Judged[T]) -> None:
        """Row ``i`` of the field will be ``verdict[keys[i]]``."""
        self._sources[field_id] = (keys, verdict)
        self._built.pop(field_id, None)

    def __contains__(self, field_id: str) -> bool:
        return field_id in self._sources

    def __getitem__(self, field_id: str) -> list[T]:
        built = self._built.get(field_id)
        if built is None:
            keys, verdict = self._sources[field_id]
            built = self._built[field_id] = verdict.spread(keys)
        return built

    def at(self, field_id: str, row: int) -> T:
        """Row ``row`` alone, without spreading the whole field."""
        keys, verdict = self._sources[field_id]
        return verdict[keys[row]]


@dataclass(slots=True)
class Context:
    """What the engine accumulates while walking a table."""

    profile: Profile
    table: Table
    lang_params: dict[str, str]
    issues: list[Issue] = field(default_factory=list)
    error_rows: set[int] = field(default_factory=set)
    file_errors: bool = False
    #: normalised value of each row, by field id; ``None`` for empty or invalid cells
    values: RowLists[str | None] = field(default_factory=RowLists)
    filled: RowLists[bool] = field(default_factory=RowLists)
    positions: dict[str, HeaderMatch] = field(default_factory=dict)
    #: the checker built for each checked column, reused by the cross-field rules
    checkers: dict[str, FieldChecker] = field(default_factory=dict)

    def add_rows(self, p: Problem, indices: list[int], match: HeaderMatch | None) -> None:
        """``add`` for the same problem on many rows (given by index), without a call per row."""
        rows = list(map(self.table.row_numbers.__getitem__, indices))
        header, field_id, position = (
            (match.header, match.field.id, match.index) if match else (None, None, None)
        )
        code, severity, suggestion, params, context = (
            p.code,
            p.severity,
            p.suggestion,
            p.params,
            self.lang_params,
        )
        self.issues.extend(
            [
                Issue(
                    code,
                    severity,
                    row,
                    header,
                    field_id,
                    None,
                    suggestion,
                    params,
                    position,
                    context,
                )
                for row in rows
            ]
        )
        if severity == "error":
            self.error_rows.update(rows)

    def add_file(self, p: Problem) -> None:
        """A problem of the whole file (headers, size, format): no row, no column."""
        self.add(p, None, None, None)

    def add(
        self,
        p: Problem,
        row: int | None,
        match: HeaderMatch | None,
        value: str | None,
        **extra: str,
    ) -> None:
        self.issues.append(
            Issue(
                code=p.code,
                severity=p.severity,
                row=row,
                column=match.header if match else None,
                field=match.field.id if match else None,
                value=value,
                suggestion=p.suggestion,
                params={**p.params, **extra} if extra else p.params,
                position=match.index if match else None,
                context=self.lang_params,
            )
        )
        if p.severity == "error":
            if row is None:
                self.file_errors = True
            else:
                self.error_rows.add(row)
