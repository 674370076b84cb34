"""Where the marks of a checked sheet go: which cells and rows, which notes, the report lines.

Pure: a :class:`~addin.core.report.Report` in, a :class:`MarkPlan` out. The workbook adapter
(``addin.files.marks_writer``) and the live-Excel adapter (``addin.live.marks``) both draw the
same plan, so an accountant sees the same marks in a file and in Excel.

Every mark is of one of three kinds (:mod:`addin.core.kinds`): an error only the user can fix,
an error the product fixes, a warning. A cell or row shows the worst kind of its issues, notes
start with the kind in words, and the report lists the worst kind first: what needs a person
is what an accountant must find without reading the rest.

Why a cap on notes: each note is one call into Excel (slow) and one shape in the file; past a
few hundred nobody reads them cell by cell, and the report sheet carries every issue anyway.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass

from addin.core.catalogue import Lang
from addin.core.duplicates import DuplicateGroup
from addin.core.kinds import Kind, kind_of, with_kind
from addin.core.report import ColumnTotals, Issue, Report, column_letter

DEFAULT_NOTE_CAP = 500

_TYPE = {"fr": "À taper : ", "en": "Type instead: "}


@dataclass(frozen=True, slots=True)
class Note:
    """A note the product owns, on one cell (1-based row and column)."""

    row: int
    column: int
    text: str


#: What identifies an issue from one check to the next: cell (or ""), column (or ""), code.
#: Row numbers and messages are not part of it, so a fixed cell shows as resolved, not moved.
IssueKey = tuple[str, str, str]


def issue_key(cell: str | None, column: str | None, code: str) -> IssueKey:
    return (cell or "", (column or "").strip(), code)


@dataclass(frozen=True, slots=True)
class Progress:
    """Since the previous check of the same sheet: issues gone, issues new."""

    resolved: int
    new: int


@dataclass(frozen=True, slots=True)
class ReportLine:
    """One line of the report sheet: the worst kind first, then in ``validate``'s order."""

    row: int | None
    cell: str | None
    column: str | None
    kind: Kind
    message: str
    value: str | None
    suggestion: str | None
    code: str
    #: not in the previous check (always ``False`` when there was none)
    new: bool = False


@dataclass(frozen=True, slots=True)
class MarkPlan:
    """Everything the marks layer shows for one sheet."""

    sheet: str
    #: (row, column) → the worst kind of its issues, 1-based, for cells with an issue
    cells: dict[tuple[int, int], Kind]
    #: row → the worst kind of its issues
    rows: dict[int, Kind]
    notes: tuple[Note, ...]
    notes_left_out: int
    width: int
    last_row: int
    lines: tuple[ReportLine, ...]
    rows_checked: int
    valid_rows: int
    errors: int
    warnings: int
    progress: Progress | None = None
    #: issues of each kind; for the errors, only those listed one by one (see ``exact``)
    kinds: tuple[tuple[Kind, int], ...] = ()
    #: whether :attr:`kinds` counts every issue (not when errors past the report's cap are
    #: only counted per column and code: their kind is not known one by one)
    exact: bool = True
    #: the groups of rows that are probably one customer, for the duplicates sheet
    duplicates: tuple[DuplicateGroup, ...] = ()
    #: every issue per column and kind (``Report.totals``, the text report's numbers): the
    #: report sheet's totals block and its chart
    totals: tuple[ColumnTotals, ...] = ()


def _note_line(kind: Kind, issue: Issue, message: str, lang: Lang) -> str:
    text = with_kind(kind, message, lang)
    if issue.suggestion and issue.suggestion not in message:
        text += f"\n{_TYPE[lang]}{issue.suggestion}"
    return text


def plan_marks(
    report: Report,
    sheet: str,
    width: int,
    last_row: int,
    *,
    lang: Lang = "fr",
    note_cap: int = DEFAULT_NOTE_CAP,
    previous: Collection[IssueKey] | None = None,
) -> MarkPlan:
    """Marks for ``report``'s issues on ``sheet`` (``width`` columns, data down to ``last_row``).

    A cell issue marks its cell and its row; a row issue (a cross-field rule) marks the row and
    puts its note on the row's first cell; file issues only go to the report. Notes are merged
    per cell and kept for the first ``note_cap`` cells in reading order. ``previous`` holds
    the issue keys of the last check, to show the progress. The report's lines come worst kind
    first, each kind in ``validate``'s order (by row, then column).
    """
    cells: dict[tuple[int, int], Kind] = {}
    rows: dict[int, Kind] = {}
    texts: dict[tuple[int, int], list[tuple[int, str]]] = defaultdict(list)
    lines: list[ReportLine] = []
    current: set[IssueKey] = set()
    counted = dict.fromkeys(Kind, 0)
    #: (column, code) → the worst kind listed: what a count of issues past the cap shows
    seen: dict[tuple[int | None, str], Kind] = {}
    for issue in report.issues:
        level = kind_of(report, issue)
        counted[level] += 1
        if report.truncated:
            where = (issue.position, issue.code)
            seen[where] = max(seen.get(where, Kind.LOOK), level)
        cell = issue.cell
        identity = issue_key(cell, issue.column, issue.code)
        current.add(identity)
        message = issue.message(lang)  # rendered once, for the report and the note
        lines.append(
            ReportLine(
                row=issue.row,
                cell=cell,
                column=issue.column,
                kind=level,
                message=message,
                value=issue.value,
                suggestion=issue.suggestion,
                code=issue.code,
                new=previous is not None and identity not in previous,
            )
        )
        if issue.row is None:
            continue
        rows[issue.row] = max(rows.get(issue.row, Kind.LOOK), level)
        column = 1 if issue.position is None else issue.position + 1
        if issue.position is not None:
            key = (issue.row, column)
            cells[key] = max(cells.get(key, Kind.LOOK), level)
        texts[issue.row, column].append((-level, _note_line(level, issue, message, lang)))
    lines.sort(key=lambda line: -line.kind)  # stable: each kind keeps validate's order
    if report.truncated:
        lines[:0] = _partial_lines(report, lang, seen)
    listed_errors = counted[Kind.PERSON] + counted[Kind.PRODUCT]
    counted[Kind.LOOK] = report.warning_count
    ordered = sorted(texts)
    kept = ordered[:note_cap]
    # in a note too, what needs a person first (a stable sort: then in the report's order)
    notes = tuple(
        Note(r, c, "\n".join(text for _kind, text in sorted(texts[r, c], key=_first)))
        for r, c in kept
    )
    return MarkPlan(
        sheet=sheet,
        cells=cells,
        rows=rows,
        notes=notes,
        notes_left_out=len(ordered) - len(kept),
        width=width,
        last_row=last_row,
        lines=tuple(lines),
        rows_checked=report.rows,
        valid_rows=report.valid_rows,
        errors=report.error_count,
        warnings=report.warning_count,
        kinds=tuple(counted.items()),
        exact=listed_errors == report.error_count,
        duplicates=report.duplicates,
        totals=tuple(report.totals()),
        progress=None
        if previous is None
        else Progress(resolved=len(set(previous) - current), new=len(current - set(previous))),
    )


def _first(entry: tuple[int, str]) -> int:
    return entry[0]


_PARTIAL = {
    "fr": (
        "Marques partielles : {omitted} problèmes de plus ne sont ni marqués ni listés (les "
        "marques s'arrêtent à la ligne {last}) ; ils sont comptés par colonne ci-dessous. "
        "Corrigez d'abord les plus nombreux, puis vérifiez à nouveau."
    ),
    "en": (
        "Partial marks: {omitted} more problems are neither marked nor listed (the marks stop "
        "at row {last}); they are counted per column below. Fix the most frequent ones first, "
        "then check again."
    ),
}
_COUNT = {
    "fr": "{count} problème(s) « {code} » dans cette colonne, en tout.",
    "en": '{count} "{code}" problem(s) in this column, in all.',
}


def _partial_lines(
    report: Report, lang: Lang, seen: dict[tuple[int | None, str], Kind]
) -> list[ReportLine]:
    """First lines of a capped report: the marks are partial, and every issue counted.

    A count of errors is of the kind listed for its column and code (``seen``); one with none
    listed is shown as needing a person, the safe side: its issues are not known one by one.
    """
    last = max((i.row for i in report.issues if i.row is not None), default=0)
    omitted = sum(report.omitted.values())
    lines = [
        ReportLine(
            row=None,
            cell=None,
            column=None,
            kind=Kind.LOOK,
            message=_PARTIAL[lang].format(omitted=omitted, last=last),
            value=None,
            suggestion=None,
            code="issues-truncated",
        )
    ]
    for kind, count in report.counts():
        lines.append(
            ReportLine(
                row=None,
                cell=None,
                column=kind.column,
                kind=Kind.LOOK
                if kind.severity != "error"
                else seen.get((kind.position, kind.code), Kind.PERSON),
                message=_COUNT[lang].format(count=count, code=kind.code),
                value=None,
                suggestion=None,
                code="issues-counted",
            )
        )
    return lines


def cell_ref(row: int, column: int) -> str:
    return f"{column_letter(column - 1)}{row}"
