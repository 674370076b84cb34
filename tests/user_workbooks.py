"""What the tests' user-style workbooks share: the parts openpyxl cannot write, the other sheets.

A user's Flokon workbook keeps, beside its data sheet, a "Stats" sheet with merged cells and a
chart, and a "Listes" sheet that an Excel 2010 (x14) list validation reads; openpyxl drops x14
validations, so they are injected into the saved package. Each test module builds its own data
sheet (its rows are what it checks) and calls these for the rest.
"""

from __future__ import annotations

import warnings
import zipfile
from pathlib import Path

from openpyxl import Workbook, load_workbook
from openpyxl.chart import BarChart, Reference

#: A list validation on D2:D100 as Excel 2010 writes it when the list is on another sheet.
X14_VALIDATION = (
    b'<extLst><ext uri="{CCE6A557-97BC-4b89-ADB6-D9C93CAAB3DF}" '
    b'xmlns:x14="http://schemas.microsoft.com/office/spreadsheetml/2009/9/main">'
    b'<x14:dataValidations count="1" xmlns:xm="http://schemas.microsoft.com/office/excel/2006/main">'
    b'<x14:dataValidation type="list" allowBlank="1"><x14:formula1><xm:f>Listes!$A$1:$A$2</xm:f>'
    b"</x14:formula1><xm:sqref>D2:D100</xm:sqref></x14:dataValidation></x14:dataValidations>"
    b"</ext></extLst>"
)


def add_other_sheets(book: Workbook) -> None:
    """The user's "Stats" sheet (merged title, chart) and the "Listes" sheet of the x14 list."""
    stats = book.create_sheet("Stats")
    stats.merge_cells("A1:C1")
    stats["A1"] = "Occupants par client"
    for n, value in enumerate([3, 5, 2], start=2):
        stats.append([f"C{n}", value])
    chart = BarChart()
    chart.add_data(Reference(stats, min_col=2, min_row=2, max_row=4))
    stats.add_chart(chart, "E2")
    listes = book.create_sheet("Listes")
    listes.append(["SMS"])
    listes.append(["appel"])


def replace_in_part(path: Path, part: str, old: bytes, new: bytes) -> None:
    """Rewrite one part of a package in place (what openpyxl cannot write, a user's edit)."""
    with zipfile.ZipFile(path) as archive:
        parts = {info.filename: archive.read(info) for info in archive.infolist()}
    assert parts[part].count(old) == 1, f"{old!r} is not once in {part}"
    parts[part] = parts[part].replace(old, new)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)


def load_closed_vba(path: Path) -> Workbook:
    """``load_workbook`` for reading cells back, x14 warnings silenced, the macro zip closed.

    With ``keep_vba`` openpyxl keeps the macros in a zip opened for writing on a memory buffer
    and never closes it; left to the garbage collector it fails in ``__del__`` during
    whichever test runs then.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        book = load_workbook(path, keep_vba=path.suffix == ".xlsm")
    archive = getattr(book, "vba_archive", None)
    if archive is not None:
        archive.close()
    return book
