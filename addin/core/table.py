"""The one shape every reader produces and the engine consumes: headers plus columns of cells.

Columns, not rows, because validation runs column by column (one checker built per column,
one cache per column): storing the data that way avoids transposing 100,000 rows later.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

#: What a cell can hold once read: text as typed, numbers, dates, or nothing.
#: Readers turn booleans into "TRUE"/"FALSE" and integral floats into ints, so that equal
#: values hash alike in the per-column caches.
CellValue = str | int | float | dt.datetime | dt.date | None


@dataclass(frozen=True, slots=True)
class FormulaCell:
    """A cell holding a formula whose result was never computed (no cached value in the file).

    Kept distinct from an empty cell so validation can tell the user to recalculate the file
    instead of saying the cell is empty.
    """

    formula: str


@dataclass(slots=True)
class SourceInfo:
    """What the reader found out about the file, shown to the user ("UTF-8, ';'")."""

    path: str
    kind: str  # "csv", "xlsx", "xlsm", "xls", "ods"
    size_bytes: int = 0
    encoding: str | None = None
    separator: str | None = None
    has_bom: bool = False
    sheet: str | None = None
    sheets: list[str] = field(default_factory=list)
    header_row: int = 1  # the row (CSV: line) of the column names; 0 when there are none
    #: how the header row was found: "asked" (given by the caller), "headers" (the row that fits
    #: the profile best), "shape" (the first row that looks like column names), "first" (row 1,
    #: nothing better found), "none" (no header row: see ``headerless``)
    header_found_by: str = "first"
    #: the non-empty lines above the header row (a title, a date...), skipped, one text each
    preamble: list[str] = field(default_factory=list)
    #: the file has no header row: every row is data, the columns are "Colonne A", "Colonne B"...
    headerless: bool = False
    #: how the sheet was chosen: "asked", "profile", "headers" (its header row fits the profile
    #: best), "first" (the first visible sheet); None for a CSV
    sheet_chosen_by: str | None = None


@dataclass(frozen=True, slots=True)
class StoredEntry:
    """One line of a mapping sheet: a column of the file and the label chosen for it."""

    column: str  # the header, as the sheet shows it
    letter: str  # the column's letter when the mapping was written ("C")
    label: str  # the dropdown's label: a field's header, "(ne pas importer)", a split


@dataclass(frozen=True, slots=True)
class StoredMapping:
    """The mapping sheet of a workbook, as read: which profile and sheet it is for, and the
    user's choice for each column. Read by the IO layer, understood by ``core.choices``."""

    profile: str
    sheet: str | None
    entries: tuple[StoredEntry, ...]


@dataclass(frozen=True, slots=True)
class RememberedChoice:
    """A column's field as the user once chose it for a file with the same headers (kept on
    this machine by ``files.remembered_mappings``): a field id, ``None`` (not imported) or a
    split token, and the day it was chosen (ISO ``2026-12-07``)."""

    choice: str | None
    on: str


@dataclass(slots=True)
class Table:
    """A sheet or CSV as headers and columns.

    ``columns[j][i]`` is the cell of data row ``i`` under ``headers[j]``; ``row_numbers[i]`` is the
    number the user sees for that row (spreadsheet row, or CSV line with the header on line 1).
    Rows that are entirely empty are dropped by the readers, which is why the numbers are kept.
    """

    headers: list[str]
    columns: list[list[CellValue | FormulaCell]]
    row_numbers: list[int]
    source: SourceInfo
    #: the mapping the user stored in the workbook, if any (see ``files.mapping_sheet``)
    mapping: StoredMapping | None = None
    #: by profile name, then position: the choice the user made for this column on a file with
    #: the same headers (attached by the use case that read the table; see ``core.resolve``)
    remembered: dict[str, dict[int, RememberedChoice]] = field(default_factory=dict)

    @property
    def row_count(self) -> int:
        return len(self.row_numbers)

    @classmethod
    def from_rows(
        cls,
        headers: list[str],
        rows: list[list[CellValue | FormulaCell]],
        source: SourceInfo,
        first_row_number: int = 2,
    ) -> Table:
        """Build a table from row-major data, as tests and small inputs naturally have it."""
        width = len(headers)
        columns: list[list[CellValue | FormulaCell]] = [[] for _ in range(width)]
        numbers: list[int] = []
        for offset, row in enumerate(rows):
            if all(v is None or v == "" for v in row):
                continue
            numbers.append(first_row_number + offset)
            for j in range(width):
                columns[j].append(row[j] if j < len(row) else None)
        return cls(headers=list(headers), columns=columns, row_numbers=numbers, source=source)
