"""What goes into a platform's import file, and what is held back, with the reason.

The valid rows are written with each field's normalised value (the value the checks would
send: "+33612345678", "01000", "02/07/1985"), in the profile's column order and under the
platform's own headers; a row with any error is never written. The held-back rows keep what
the user typed, in the file's own columns, plus the reason: the user corrects them and
imports them again, as with Reveal's failed-rows download.

File-level issues that the export itself resolves (order of columns, separator, encoding, too
many rows: the export splits) do not hold rows back; the others (a required column missing,
repeated headers) hold back every row.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from addin.core.catalogue import Lang
from addin.core.engine import validate_values
from addin.core.fixes import fix_table
from addin.core.formula_guard import defuse
from addin.core.profile import Profile
from addin.core.report import Issue, Report
from addin.core.safety import RESOLVED_BY_EXPORT
from addin.core.table import CellValue, FormulaCell, Table

#: Row-level warnings that still hold a row back.
HOLDS_ROW_BACK = frozenset({"example-row"})


@dataclass(frozen=True, slots=True)
class HeldBack:
    """A row the platform would refuse: the row number, its cells as typed, and why."""

    row: int
    cells: list[CellValue | FormulaCell]
    reasons: str


@dataclass(frozen=True, slots=True)
class ExportPlan:
    headers: list[str]
    #: the valid rows' normalised values, one list per row in ``headers`` order
    rows: list[list[str]]
    #: row numbers of ``rows`` in the user's file
    row_numbers: list[int]
    #: the user's headers, for the held-back rows
    source_headers: list[str]
    held_back: list[HeldBack]
    report: Report


def plan_export(table: Table, profile: Profile, lang: Lang = "fr") -> ExportPlan:
    """Split ``table`` into the platform's rows and the rows held back with their reasons.

    Errors the product fixes on its own (``core.safety``: a date written month first, a
    quote Aptimyz refuses) are written in the platform's form, as ``fix`` would write them:
    only rows with an error a person must resolve are held back (``Report.sendable_rows``).
    Held-back rows keep their cells as typed, for the rejects file.
    """
    report, values = validate_values(table, profile)
    if any(report.fixable(i) for i in report.errors if i.row is not None) or report.truncated:
        fixed = fix_table(table, profile, report=report)
        if fixed.values is not None:  # the fixed table, checked by the fix's last round
            report, values = fixed.report, fixed.values
    blocking = [
        issue
        for issue in report.issues
        if issue.row is None and issue.severity == "error" and issue.code not in RESOLVED_BY_EXPORT
    ]
    reasons = _reasons_by_row(report.issues, lang)
    fields = profile.fields
    columns = [values[field.id] for field in fields]
    rows: list[list[str]] = []
    numbers: list[int] = []
    held: list[HeldBack] = []
    file_reason = " | ".join(issue.message(lang) for issue in blocking)
    limits = _guarded_limits(profile)
    for index, number in enumerate(table.row_numbers):
        row = [_text(column[index]) for column in columns]
        reason = file_reason or reasons.get(number) or _over_limit(row, limits, profile, lang)
        if reason:
            cells = [column[index] for column in table.columns]
            held.append(HeldBack(number, cells, reason))
            continue
        rows.append(row)
        numbers.append(number)
    return ExportPlan(
        headers=[field.header for field in fields],
        rows=rows,
        row_numbers=numbers,
        source_headers=list(table.headers),
        held_back=held,
        report=report,
    )


def _guarded_limits(profile: Profile) -> list[tuple[int, str, int]]:
    """(position, header, limit) of the fields with a length limit, in a CSV platform file:
    there the formula guard may add a character (``core.formula_guard``)."""
    if profile.file.export.format != "csv":
        return []
    return [
        (position, field.header, field.max_length)
        for position, field in enumerate(profile.fields)
        if field.max_length is not None
    ]


def _over_limit(
    row: Sequence[str], limits: Sequence[tuple[int, str, int]], profile: Profile, lang: Lang
) -> str | None:
    """Why a row cannot go out as written: a value longer than the platform's limit once
    guarded against formulas (« +1-418-692-2121 » gets a leading character). The checks count
    the value itself; this counts what the file will hold, so no output passes a limit."""
    guard = profile.file.export.formula_guard
    for position, header, limit in limits:
        value = row[position]
        written = len(defuse(value, guard)) if value else 0
        if written > limit:
            if lang == "fr":
                return (
                    f"{header} : « {value} » ferait {written} caractères dans le fichier (protégé "
                    f"contre les formules), {profile.platform} en accepte {limit} au plus : "
                    "raccourcissez-le"
                )
            return (
                f'{header}: "{value}" would be {written} characters in the file (guarded against '
                f"formulas); {profile.platform} accepts {limit} at most: shorten it"
            )
    return None


def _reasons_by_row(issues: Sequence[Issue], lang: Lang) -> dict[int, str]:
    """Each row's errors (and the warnings that hold it back), as one line of messages."""
    found: dict[int, list[str]] = {}
    for issue in issues:
        if issue.row is None:
            continue
        if issue.severity == "error" or issue.code in HOLDS_ROW_BACK:
            colon = " : " if lang == "fr" else ": "
            where = f"{issue.cell}{colon}" if issue.cell else ""
            found.setdefault(issue.row, []).append(where + issue.message(lang))
    return {row: " | ".join(messages) for row, messages in found.items()}


def _text(value: str | None) -> str:
    return "" if value is None else value


def split_rows(count: int, max_rows: int | None) -> list[range]:
    """Row ranges of at most ``max_rows`` each (one range when there is no limit)."""
    if max_rows is None or count <= max_rows:
        return [range(count)]
    return [range(start, min(start + max_rows, count)) for start in range(0, count, max_rows)]
