"""A CSV as the workbook an accountant goes on with in Excel.

Hokus and Aptimyz take CSV only, and Outlook, Google and Zoho export CSV: the user who wants
marks, a changes sheet or a mapping sheet needs a workbook, and opening the CSV in Excel would
turn « 01220 » into 1220 and « 0612345678 » into a number. Here every cell is written as text
(``@``), the headers on row 1 and one row per record, so nothing the CSV held is changed.
"""

from __future__ import annotations

import re
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from addin.core.table import CellValue, FormulaCell, Table
from addin.files.platform_files import text_cell
from addin.files.safe_files import write_replacing

#: suffixes read as delimited text
CSV_SUFFIXES = frozenset({".csv", ".txt", ".tsv"})
#: what Excel allows in a sheet name: at most 31 characters, none of these
_NOT_IN_SHEET_NAMES = re.compile(r"[\[\]:*?/\\]")


def is_csv(path: Path) -> bool:
    return path.suffix.lower() in CSV_SUFFIXES


def sheet_name_for(path: Path) -> str:
    """The sheet the CSV's rows go to: its file name, as Excel names a CSV it opens."""
    name = _NOT_IN_SHEET_NAMES.sub("_", path.stem).strip("'")[:31]
    return name or "Feuil1"


def write_table_as_workbook(table: Table, path: Path, sheet_name: str) -> None:
    """``table``'s headers on row 1 and its records below, one row each, every value text."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(sheet_name)
    sheet.append([text_cell(sheet, header) for header in table.headers])
    for row in zip(*table.columns, strict=True):
        sheet.append([_cell(sheet, value) for value in row])
    workbook.save(path)


def write_csv_copy(table: Table, csv_path: Path, output: Path) -> str:
    """The CSV's ``table`` written into the workbook ``output`` in one step (never half a
    file); returns the sheet it went to."""
    name = sheet_name_for(csv_path)
    write_replacing(output, lambda target: write_table_as_workbook(table, target, name))
    return name


def _cell(sheet: WriteOnlyWorksheet, value: CellValue | FormulaCell) -> WriteOnlyCell | None:
    if value is None:
        return None
    return text_cell(sheet, value.formula if isinstance(value, FormulaCell) else str(value))


def rows_in_workbook(table: Table) -> dict[int, int]:
    """Each record's line in the CSV → its row in :func:`write_table_as_workbook`'s sheet (a
    record over several lines, or a title line above the headers, shifts the CSV's numbers)."""
    return {line: index + 2 for index, line in enumerate(table.row_numbers)}
