"""What the engine accumulates while walking a table: issues, rows in error, per-row values.

Shared by the column checks (``columns``) and the cross-field rules (``rules``). Per-row values
are kept as the verdicts on each distinct cell plus the cells themselves, and spread into one
list per field only when a rule reads the field.

Issues are kept up to a cap (:data:`ISSUE_CAP`): a 1,000,000-row file whose every row is wrong
made 7.9 million issues, 6.8 GB of memory and 2.9 GB of JSON nobody reads. Beyond the cap the
issues in the first rows are kept (as the report shows them, row by row) and the others are only
counted per column and code (:attr:`Context.omitted`); rows in error are still all known, so the
count of valid rows and the exit status stay true.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import repeat
from typing import Generic, TypeVar, cast

from addin.core.fields.base import FieldChecker, Problem, leveled
from addin.core.headers import HeaderMatch
from addin.core.profile import Level, Profile
from addin.core.report import Issue, IssueKind, issue_kind
from addin.core.safety import is_fixable, is_safe_problem
from addin.core.table import Table

T = TypeVar("T")

#: Issues a report keeps one by one; beyond, they are counted per column and code. 100,000 is
#: more than anyone reads (the text report of a 100,000-issue file is 100,000 lines) and keeps
#: a report, its JSON (about 30 MB) and its marks in a few hundred megabytes.
ISSUE_CAP = 100_000


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
    #: rows with an error only a person can fix (what an export or push holds back)
    unfixable_rows: set[int] = field(default_factory=set)
    #: an error of the whole file the export's own file does not resolve
    blocking_file_errors: bool = False
    #: normalised value of each row, by field id; ``None`` for empty or invalid cells
    values: RowLists[str | None] = field(default_factory=RowLists)
    filled: RowLists[bool] = field(default_factory=RowLists)
    positions: dict[str, HeaderMatch] = field(default_factory=dict)
    #: the checker built for each checked column, reused by the cross-field rules
    checkers: dict[str, FieldChecker] = field(default_factory=dict)
    #: issues kept one by one at most (``None``: all of them)
    cap: int | None = ISSUE_CAP
    #: issues not kept, counted per column and code
    omitted: Counter[IssueKind] = field(default_factory=Counter)
    #: of the omitted errors, those counted here with their fixability known, and the fixable
    #: ones among them (``Report.totals`` splits errors into "to fix" and "fixed" with them)
    omitted_judged: Counter[IssueKind] = field(default_factory=Counter)
    omitted_fixable: Counter[IssueKind] = field(default_factory=Counter)
    #: once the cap was reached: the last row whose issues may still be kept
    horizon: int | None = None
    #: ``Profile.levels_for`` of each column met, by field id (``None``: file and rows)
    levels: dict[str | None, Mapping[str, Level]] = field(default_factory=dict)

    def keeps(self, row: int) -> bool:
        """Whether an issue on ``row`` may be kept (it may still be dropped by :meth:`trim`)."""
        return self.horizon is None or row <= self.horizon

    def trim(self, slack: int = 1) -> None:
        """Keep the first :attr:`cap` issues in report order once there are ``slack`` x cap.

        Called with ``slack=2`` while walking (sorting 200,000 issues now and then is cheap)
        and with 1 at the end; the issues dropped are counted in :attr:`omitted`.
        """
        if self.cap is None or len(self.issues) <= self.cap * slack:
            return
        self.issues.sort(key=report_order)
        profile = self.profile
        for issue in self.issues[self.cap :]:
            kind = issue_kind(issue)
            self.omitted[kind] += 1
            if issue.severity == "error":
                fixable = is_fixable(
                    issue.code,
                    issue.suggestion,
                    issue.params,
                    profile,
                    row=issue.row,
                    position=issue.position,
                )
                self.judged(kind, 1, fixable)
        del self.issues[self.cap :]
        last = self.issues[-1].row if self.issues else None
        self.horizon = 0 if last is None else last

    def leveled(self, p: Problem, match: HeaderMatch | None) -> Problem | None:
        """``p`` at the level its platform gives it (``Profile.levels_for``); ``None`` when the
        platform accepts it without a word."""
        key = match.field.id if match else None
        levels = self.levels.get(key)
        if levels is None:
            levels = self.levels[key] = self.profile.levels_for(match.field if match else None)
        return leveled(p, levels)

    def add_rows(self, p: Problem, indices: list[int], match: HeaderMatch | None) -> None:
        """``add`` for the same problem on many rows (given by index), without a call per row."""
        leveled = self.leveled(p, match)
        if leveled is None:
            return
        p = leveled
        rows = list(map(self.table.row_numbers.__getitem__, indices))
        header, field_id, position = (
            (match.header, match.field.id, match.index) if match else (None, None, None)
        )
        safe = match is not None and is_safe_problem(p.code, p.suggestion, p.params, self.profile)
        if p.severity == "error":
            self.error_rows.update(rows)
            if not safe:
                self.unfixable_rows.update(rows)
        if self.horizon is not None:
            beyond = [row for row in rows if row > self.horizon]
            if beyond:
                kind = IssueKind(header, field_id, p.code, p.severity, position)
                self.omitted[kind] += len(beyond)
                if p.severity == "error":
                    self.judged(kind, len(beyond), safe)
                rows = [row for row in rows if row <= self.horizon]
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
        self.trim(slack=2)

    def judged(self, kind: IssueKind, count: int, fixable: bool) -> None:
        """``count`` omitted errors of ``kind`` whose fixability is known."""
        self.omitted_judged[kind] += count
        if fixable:
            self.omitted_fixable[kind] += count

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
        leveled = self.leveled(p, match)
        if leveled is None:
            return
        p = leveled
        fixable = False
        if p.severity == "error":
            position = match.index if match else None
            fixable = is_fixable(
                p.code, p.suggestion, p.params, self.profile, row=row, position=position
            )
            if row is None:
                self.file_errors = True
                self.blocking_file_errors |= not fixable
            else:
                self.error_rows.add(row)
                if not fixable:
                    self.unfixable_rows.add(row)
        if row is not None and not self.keeps(row):
            kind = IssueKind(
                match.header if match else None,
                match.field.id if match else None,
                p.code,
                p.severity,
                match.index if match else None,
            )
            self.omitted[kind] += 1
            if p.severity == "error":
                self.judged(kind, 1, fixable)
            return
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
        self.trim(slack=2)


def report_order(issue: Issue) -> tuple[int, int]:
    """File issues first, in the order found; then by row, and by column within a row."""
    return (
        issue.row or 0,
        issue.position if issue.row is not None and issue.position is not None else -1,
    )
