"""Rows laid out as a platform's template, judged by the engine: what ``CI_ROW`` shows.

Why the whole engine and not the cell verdicts: a row's issues include the cross-field rules
(a company name required for « Société », at least a name or a phone...), which only the
engine's walk over a table applies. The rows given are validated together, as the file they
form would be (so two rows repeating the same key are reported as in ``validate``); file-level
issues (missing columns, sizes, formats) are left out: they are not any row's.
"""

from __future__ import annotations

from collections import defaultdict

from addin.core.catalogue import Lang
from addin.core.engine import validate
from addin.core.profile import Profile
from addin.core.table import CellValue, FormulaCell, SourceInfo, Table

#: The first data row of the table the rows form: line 1 holds the template's headers.
FIRST_ROW = 2


def row_texts(profile: Profile, rows: list[list[CellValue]], lang: Lang = "fr") -> list[str]:
    """Per row, every issue ``validate`` reports on it, in the order of its columns, each one
    introduced by its column's header; ``""`` for a row with nothing to report or blank.

    The rows hold the profile's fields in order, from the first (``len(row)`` of them at most).
    """
    width = max((len(row) for row in rows), default=0)
    headers = [column.header for column in profile.fields[:width]]
    cells: list[list[CellValue | FormulaCell]] = [list(row) for row in rows]
    table = Table.from_rows(headers, cells, SourceInfo(path="", kind="xlsx"), FIRST_ROW)
    report = validate(table, profile, issue_cap=None)
    found: dict[int, list[str]] = defaultdict(list)
    colon = " : " if lang == "fr" else ": "
    for issue in report.issues:
        if issue.row is None:
            continue
        message = issue.message(lang)
        where = issue.column.strip() if issue.column else None
        found[issue.row].append(f"{where}{colon}{message}" if where else message)
    return [" ".join(found.get(FIRST_ROW + i, ())) for i in range(len(rows))]
