"""The files a platform imports, and the held-back rows, written to disk.

Workbooks are written with openpyxl's write-only mode (constant memory, one sheet); every value
is a text cell formatted ``@``, so Excel neither turns "01000" into 1000 nor reads a value
starting with "=" as a formula. CSV files are written by ``csv_writer`` with the platform's
separator and encoding, and guarded against formula injection there.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from addin.core.catalogue import Lang
from addin.core.export import HeldBack
from addin.core.profile import ExportFormat
from addin.core.table import CellValue, FormulaCell
from addin.files.csv_writer import write_csv
from addin.files.xml_chars import xml_safe

_REJECT_HEADERS = {
    "fr": ("Motif du rejet", "Ligne d'origine"),
    "en": ("Reason", "Original row"),
}


def write_platform_file(
    path: Path, headers: Sequence[str], rows: Sequence[Sequence[str]], settings: ExportFormat
) -> None:
    """One import file in the platform's format (``settings``: csv or a workbook)."""
    if settings.format == "csv":
        write_csv(
            path,
            headers,
            rows,
            separator=settings.separator,
            encoding=settings.encoding,
            bom=settings.bom,
            guard=settings.formula_guard,
        )
        return
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(settings.sheet_name or "Feuil1")
    sheet.append([text_cell(sheet, header) for header in headers])
    for row in rows:
        sheet.append([text_cell(sheet, value) for value in row])
    workbook.save(path)


def text_cell(sheet: WriteOnlyWorksheet, value: str) -> WriteOnlyCell:
    """A cell Excel shows and keeps as text: "01000" stays so, "=..." is no formula."""
    # characters XML forbids (a vertical tab pasted from another tool, U+FFFF) cannot be
    # stored in a workbook at all: openpyxl would refuse the file, or write one that does not
    # open; ``xml_safe`` drops or replaces them as every writer does
    cell = WriteOnlyCell(sheet, value=xml_safe(value))
    cell.data_type = "s"  # openpyxl would take "=..." for a formula
    cell.number_format = "@"
    return cell


def write_held_back(
    path: Path, headers: Sequence[str], held: Sequence[HeldBack], lang: Lang, separator: str = ";"
) -> None:
    """The held-back rows as typed, plus the reason and the row they came from.

    A workbook unless ``path`` ends in .csv; the user corrects it and imports it again.
    """
    extra = _REJECT_HEADERS[lang]
    if path.suffix.lower() == ".csv":
        write_csv(
            path,
            [*headers, *extra],
            ([*(_as_text(c) for c in h.cells), h.reasons, str(h.row)] for h in held),
            separator=separator,
            bom=True,
        )
        return
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Rejets" if lang == "fr" else "Rejected")
    sheet.append([text_cell(sheet, header) for header in (*headers, *extra)])
    for row in held:
        sheet.append(
            [*(_typed_cell(sheet, c) for c in row.cells), text_cell(sheet, row.reasons), row.row]
        )
    workbook.save(path)


def _typed_cell(sheet: WriteOnlyWorksheet, value: CellValue | FormulaCell) -> WriteOnlyCell:
    """The cell as the user typed it: numbers and dates stay so, text stays text."""
    if isinstance(value, FormulaCell):
        return text_cell(sheet, value.formula)
    if isinstance(value, str):
        return text_cell(sheet, value)
    cell = WriteOnlyCell(sheet, value=value)
    if isinstance(value, dt.datetime | dt.date):
        cell.number_format = "DD/MM/YYYY"
    return cell


def _as_text(value: CellValue | FormulaCell) -> str:
    if isinstance(value, FormulaCell):
        return value.formula
    if value is None:
        return ""
    if isinstance(value, dt.datetime | dt.date):
        return value.strftime("%d/%m/%Y")
    return str(value)
