"""The result of a validation: every issue, with what the JSON contract and the tests read.

Messages are rendered on demand from the catalogue, so validation never formats text it
may not show, and the same report can be shown in French or English.

A report keeps at most a cap of issues one by one (see :mod:`addin.core.context`); the others
are counted per column and code in :attr:`Report.omitted`. Every total (errors, warnings, valid
rows, whether the file is valid) counts them too, so a capped report tells the same truth.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache
from types import MappingProxyType
from typing import Any, NamedTuple

from addin.core.catalogue import Lang, missing_kept, render_owned
from addin.core.duplicates import REASON_WORDS, DuplicateGroup
from addin.core.profile import Profile, Severity
from addin.core.safety import is_fixable, is_safe_problem
from addin.core.table import SourceInfo

_NO_CONTEXT: Mapping[str, str] = MappingProxyType({})


@lru_cache(maxsize=1024)
def column_letter(index: int) -> str:
    """0 → A, 26 → AA: how the user finds the column in Excel (cached: asked once per issue)."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


class Issue(NamedTuple):
    """One problem, where the user will look for it.

    ``row`` is the row number the user sees (``None`` for file-level issues); ``column`` the
    header as written in the file; ``position`` the column's 0-based index in the file.

    A named tuple rather than a frozen dataclass: a file can hold 200,000 issues, and a frozen
    dataclass takes about 1.2 µs to build against 0.2 µs here, for the same immutable fields.
    """

    code: str
    severity: Severity
    row: int | None
    column: str | None
    field: str | None
    value: str | None
    suggestion: str | None
    params: Mapping[str, str]
    position: int | None = None
    #: parameters shared by every issue of a report (the platform's name)
    context: Mapping[str, str] = _NO_CONTEXT

    def message(self, lang: Lang = "fr") -> str:
        """Rendered only when shown: building 100,000 sentences nobody reads costs seconds."""
        params = missing_kept(self.context, self.params)
        if self.column is not None and "column" not in params:
            params["column"] = self.column.strip()
        if self.value is not None and "value" not in params:
            params["value"] = self.value
        return render_owned(self.code, params, lang, self.suggestion)

    @property
    def cell(self) -> str | None:
        """``G12``: the cell reference, when the issue is about one cell."""
        if self.row is None or self.position is None:
            return None
        return f"{column_letter(self.position)}{self.row}"


class IssueKind(NamedTuple):
    """What issues are counted by once there are too many to keep: column and code."""

    column: str | None
    field: str | None
    code: str
    severity: Severity
    position: int | None


def issue_kind(issue: Issue) -> IssueKind:
    return IssueKind(issue.column, issue.field, issue.code, issue.severity, issue.position)


class ColumnTotals(NamedTuple):
    """Every issue of one column (or of the whole file: ``position`` is ``None``) by kind: what
    the person reading the report must do about it."""

    column: str | None
    position: int | None
    #: errors only a person can fix (the platform refuses them, the product cannot guess)
    to_fix: int
    #: errors the product puts right on its own (``fix``, ``export``, ``push``)
    fixed: int
    warnings: int

    @property
    def total(self) -> int:
        return self.to_fix + self.fixed + self.warnings

    def place(self, lang: Lang, whole: str) -> str:
        """Where the issues are, as the text report and the report sheet name it: ``E « Mail »``
        (the column's letter and header), or ``whole`` for the whole file's issues."""
        column = (self.column or "").strip()
        if self.position is None:
            return column or whole
        named = f"« {column} »" if lang == "fr" else f"“{column}”"
        return f"{column_letter(self.position)} {named}"


def summed(totals: Sequence[ColumnTotals]) -> ColumnTotals:
    """Every column's issues of each kind: the last line of the text report's totals and of
    the report sheet's block (``column`` and ``position`` ``None``)."""
    return ColumnTotals(
        None,
        None,
        sum(t.to_fix for t in totals),
        sum(t.fixed for t in totals),
        sum(t.warnings for t in totals),
    )


@dataclass(slots=True)
class Report:
    profile: Profile
    source: SourceInfo
    rows: int
    issues: list[Issue]
    rows_with_errors: set[int] = field(default_factory=set)
    file_errors: bool = False
    #: issues past the cap, not kept one by one: how many of each kind
    omitted: Counter[IssueKind] = field(default_factory=Counter)
    #: rows with an error only a person can fix (``core.safety``): held back by export, push
    unfixable_rows: set[int] = field(default_factory=set)
    #: an error of the whole file that the export's own file does not resolve
    blocking_file_errors: bool = False
    #: of :attr:`omitted`'s errors, those whose fixability was known when they were counted...
    omitted_judged: Counter[IssueKind] = field(default_factory=Counter)
    #: ...and of those, the ones the product fixes on its own
    omitted_fixable: Counter[IssueKind] = field(default_factory=Counter)
    #: rows that are probably the same customer (``core.duplicates``), every group, whatever
    #: the cap on issues: the duplicates sheet lists them
    duplicates: tuple[DuplicateGroup, ...] = ()

    @property
    def truncated(self) -> bool:
        """Whether some issues are only counted (:attr:`omitted`), not kept one by one."""
        return bool(self.omitted)

    @property
    def error_count(self) -> int:
        """Errors in all, those only counted included."""
        return len(self.errors) + self._omitted_of("error")

    @property
    def warning_count(self) -> int:
        """Warnings in all, those only counted included."""
        return len(self.warnings) + self._omitted_of("warning")

    def _omitted_of(self, severity: str) -> int:
        return sum(n for kind, n in self.omitted.items() if kind.severity == severity)

    def counts(self) -> list[tuple[IssueKind, int]]:
        """Every issue, kept or only counted, per column and code: in column order, most first."""
        every = Counter(map(issue_kind, self.issues))
        every.update(self.omitted)
        return sorted(
            every.items(),
            key=lambda item: (-1 if item[0].position is None else item[0].position, -item[1]),
        )

    def needs_person(self, issue: Issue) -> bool:
        """An error the product cannot put right: the list a person works through."""
        return issue.severity == "error" and not self.fixable(issue)

    def totals(self) -> list[ColumnTotals]:
        """Every issue, kept or only counted, per column and kind; whole-file issues first,
        then the columns in file order.

        An omitted error counted without its suggestion (the column checks count the rows past
        the cap per code only) is judged by its code: fixable when the code's suggestion is the
        same value in the platform's form (``core.safety``).
        """
        to_fix: Counter[tuple[int | None, str | None]] = Counter()
        fixed: Counter[tuple[int | None, str | None]] = Counter()
        warnings: Counter[tuple[int | None, str | None]] = Counter()
        fixable = self.fixable
        for issue in self.issues:
            where = (issue.position, issue.column)
            if issue.severity == "warning":
                warnings[where] += 1
            elif fixable(issue):
                fixed[where] += 1
            else:
                to_fix[where] += 1
        for kind, count in self.omitted.items():
            where = (kind.position, kind.column)
            if kind.severity == "warning":
                warnings[where] += count
                continue
            unknown = count - self.omitted_judged[kind]
            known_fixed = self.omitted_fixable[kind]
            by_code = kind.position is not None and is_safe_problem(kind.code, "", {}, self.profile)
            fixed[where] += known_fixed + (unknown if by_code else 0)
            to_fix[where] += count - known_fixed - (unknown if by_code else 0)
        places = sorted(
            {*to_fix, *fixed, *warnings},
            key=lambda place: (-1 if place[0] is None else place[0], place[1] or ""),
        )
        return [
            ColumnTotals(place[1], place[0], to_fix[place], fixed[place], warnings[place])
            for place in places
        ]

    @property
    def valid_rows(self) -> int:
        """Rows the platform would accept; none when the file itself cannot be imported."""
        return 0 if self.file_errors else self.rows - len(self.rows_with_errors)

    @property
    def sendable_rows(self) -> int:
        """Rows ``export`` and ``push`` will send: no error, or only errors the product fixes
        on its own (the platform's form written for them); none past a blocking file error."""
        return 0 if self.blocking_file_errors else self.rows - len(self.unfixable_rows)

    def on_rows(self, rows: Mapping[int, int]) -> Report:
        """The same verdicts with each row renumbered by ``rows``: a CSV's lines become the rows
        of the workbook it is copied into, where its marks are drawn."""
        return replace(
            self,
            issues=[i if i.row is None else i._replace(row=rows[i.row]) for i in self.issues],
            rows_with_errors={rows[row] for row in self.rows_with_errors},
            unfixable_rows={rows[row] for row in self.unfixable_rows},
            duplicates=tuple(group.renumbered(rows) for group in self.duplicates),
        )

    def fixable(self, issue: Issue) -> bool:
        """Whether the product writes the platform's form of ``issue`` on its own."""
        return is_fixable(
            issue.code,
            issue.suggestion,
            issue.params,
            self.profile,
            row=issue.row,
            position=issue.position,
        )

    @property
    def errors(self) -> list[Issue]:
        return [i for i in self.issues if i.severity == "error"]

    @property
    def warnings(self) -> list[Issue]:
        return [i for i in self.issues if i.severity == "warning"]

    @property
    def valid(self) -> bool:
        return not self.errors and not self._omitted_of("error")

    def flatten(self, keys: list[str]) -> list[list[Any]]:
        """``report.flatten(["row", "column", "code"])``: whole lists for tests to compare."""
        return [[getattr(issue, key) for key in keys] for issue in self.issues]

    def to_dict(self, lang: Lang = "fr") -> dict[str, Any]:
        """The ``validate --json`` contract.

        A capped report adds ``"truncated": true`` and ``"counts"``: every issue, kept or not,
        per column and code (``column``, ``field``, ``code``, ``severity``, ``count``).
        """
        return {
            **self.head_dict(),
            "issues": [
                {
                    "row": i.row,
                    "column": i.column,
                    "field": i.field,
                    "severity": i.severity,
                    "code": i.code,
                    "message": i.message(lang),
                    "value": i.value,
                    "suggestion": i.suggestion,
                    "fixable": self.fixable(i),
                }
                for i in self.issues
            ],
            **self.tail_dict(lang),
        }

    def head_dict(self) -> dict[str, Any]:
        """The contract's keys before ``"issues"`` (what a writer of the issues adds them to)."""
        return {
            "profile": self.profile.name,
            "file": self.source.path,
            "rows": self.rows,
            "valid_rows": self.valid_rows,
            "sendable_rows": self.sendable_rows,
        }

    def tail_dict(self, lang: Lang = "fr") -> dict[str, Any]:
        """The contract's keys after ``"issues"``: ``"duplicates"`` when rows are probably the
        same customer, and those of a capped report.

        ``"duplicates"`` lists every group, whatever the cap on issues (the warnings on its rows
        may be past the cap): its rows, who each row is, and the pairs that made it with their
        reason as a code and in words, so a program sees what the duplicates sheet shows.
        """
        tail: dict[str, Any] = {}
        if self.duplicates:
            tail["duplicates"] = [duplicate_dict(group, lang) for group in self.duplicates]
        if not self.truncated:
            return tail
        return {
            **tail,
            "truncated": True,
            "counts": [
                {
                    "column": kind.column,
                    "field": kind.field,
                    "code": kind.code,
                    "severity": kind.severity,
                    "count": count,
                }
                for kind, count in self.counts()
            ],
        }


def duplicate_dict(group: DuplicateGroup, lang: Lang) -> dict[str, Any]:
    """One group of the ``"duplicates"`` key: ``{"rows": [12, 48], "labels": [...], "pairs":
    [{"rows": [12, 48], "reason": "email", "said": "même e-mail"}]}``."""
    words = REASON_WORDS[lang]
    return {
        "rows": list(group.rows),
        "labels": list(group.labels),
        "pairs": [
            {"rows": [pair.first, pair.second], "reason": pair.reason, "said": words[pair.reason]}
            for pair in group.pairs
        ],
    }
