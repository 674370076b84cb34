"""What the tests' workbooks share: how they are built, their parts, the other sheets.

A user's Flokon workbook keeps, beside its data sheet, a "Stats" sheet with merged cells and a
chart, and a "Listes" sheet that an Excel 2010 (x14) list validation reads; openpyxl drops x14
validations, so they are injected into the saved package. Each test module names its own
headers, rows and the user's touches on them (what it checks) and builds the workbook here, so
that the files the modules test are made one way; the .xlsm is xlwings' quickstart as Excel
saved it, with rows written into its part as Excel writes them.
"""

from __future__ import annotations

import io
import shutil
import warnings
import zipfile
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from openpyxl import Workbook, load_workbook
from openpyxl.chart import BarChart, Reference
from openpyxl.comments import Comment
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

#: the first sheet's part in a package openpyxl or Excel wrote: the data sheet of every test file
DATA_PART = "xl/worksheets/sheet1.xml"
#: xlwings' quickstart.xlsm, saved by Excel with its VBA project; its first sheet is empty
QUICKSTART = Path(__file__).parent / "fixtures" / "files" / "xlwings_quickstart.xlsm"
#: how many shared strings the quickstart's table already holds
QUICKSTART_STRINGS = 15

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


def write_rows(
    path: Path,
    header: Sequence[object],
    rows: Iterable[Sequence[object]] = (),
    *,
    sheet: str | None = None,
    cells: Mapping[str, object] | None = None,
) -> Path:
    """A plain one-sheet workbook: ``header``, ``rows`` under it, then any ``cells`` set.

    For the tests that need a file with given values and nothing of a user's; ``sheet`` renames
    openpyxl's "Sheet". An empty ``header`` writes no row (a sheet to fill by other means).
    """
    book = Workbook()
    active = book.active
    assert active is not None
    if sheet is not None:
        active.title = sheet
    active.append(header)
    for row in rows:
        active.append(row)
    for ref, value in (cells or {}).items():
        active[ref] = value
    book.save(path)
    book.close()
    return path


def write_user_workbook(
    path: Path,
    headers: Sequence[str],
    rows: Iterable[Any],
    *,
    formulas: Mapping[str, str],
    merged: str | None = None,
    fills: Mapping[str, str] | None = None,
    fonts: Mapping[str, Font] | None = None,
    note: tuple[str, str] = ("C3", "Numéro à vérifier avec Paul"),
    hidden_row: int | None = 4,
    list_validation: bool = True,
) -> Path:
    """A "Clients" sheet as a user keeps it, the other sheets beside it, the x14 list injected.

    The user's touches, each where the calling module checks it: ``formulas`` by cell, a
    ``merged`` range, solid ``fills`` (cell → colour), ``fonts`` by cell, a ``note`` (cell,
    text) signed by Alice, a ``hidden_row``, and a plain list validation on D2:D100 beside the
    x14 one; the last three default to the Flokon clients' file of the fix, mark and outcome
    tests. Fonts are set in the order given, after the fills: that order numbers the styles in
    the saved file, and the fix tests spell out a cell's ``s="2"``.
    """
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Clients"
    sheet.append(list(headers))
    for row in rows:
        sheet.append(row)
    if merged is not None:
        sheet.merge_cells(merged)
    for ref, colour in (fills or {}).items():
        sheet[ref].fill = PatternFill("solid", fgColor=colour)
    for ref, font in (fonts or {}).items():
        sheet[ref].font = font
    for ref, formula in formulas.items():
        sheet[ref] = formula
    ref, text = note
    sheet[ref].comment = Comment(text, "Alice")
    if hidden_row is not None:
        sheet.row_dimensions[hidden_row].hidden = True
    if list_validation:
        validation = DataValidation(type="list", formula1='"SMS,appel"', allow_blank=True)
        validation.add("D2:D100")
        sheet.add_data_validation(validation)
    add_other_sheets(book)
    book.save(path)
    book.close()
    replace_in_part(path, DATA_PART, b"</worksheet>", X14_VALIDATION + b"</worksheet>")
    return path


def shared_string_rows(
    rows: Sequence[Sequence[object]], first: int, *, spans: bool = False
) -> tuple[bytes, list[str]]:
    """``<sheetData>`` as Excel writes it: texts in the shared-string table from ``first``.

    With ``spans`` each row also carries Excel's ``spans`` and ``x14ac:dyDescent``.
    Returns the XML and the texts to add to the table, in order.
    """
    strings: list[str] = []
    xml = []
    for number, row in enumerate(rows, start=1):
        cells = []
        for position, value in enumerate(row):
            ref = f"{get_column_letter(position + 1)}{number}"
            if isinstance(value, str):
                cells.append(f'<c r="{ref}" s="1" t="s"><v>{first + len(strings)}</v></c>')
                strings.append(value)
            elif value is not None:
                cells.append(f'<c r="{ref}" s="1"><v>{value}</v></c>')
        extra = f' spans="1:{len(row)}" x14ac:dyDescent="0.3"' if spans else ""
        xml.append(f'<row r="{number}"{extra}>{"".join(cells)}</row>')
    return f"<sheetData>{''.join(xml)}</sheetData>".encode(), strings


def write_macro_workbook(
    path: Path, rows: Sequence[Sequence[object]], *, spans: bool = False
) -> Path:
    """xlwings' quickstart.xlsm copied to ``path``, ``rows`` written into its first sheet.

    The rows go in as Excel writes them (see ``shared_string_rows``), their texts added to the
    quickstart's shared strings; with ``spans``, the sheet's dimension is set to them too.
    """
    shutil.copy(QUICKSTART, path)
    data, strings = shared_string_rows(rows, QUICKSTART_STRINGS, spans=spans)
    parts = read_parts(path)
    parts[DATA_PART] = parts[DATA_PART].replace(b"<sheetData/>", data)
    if spans:
        last = f"{get_column_letter(max(len(row) for row in rows))}{len(rows)}"
        parts[DATA_PART] = parts[DATA_PART].replace(
            b'<dimension ref="A1"/>', f'<dimension ref="A1:{last}"/>'.encode()
        )
    total = QUICKSTART_STRINGS + len(strings)
    shared = parts["xl/sharedStrings.xml"].replace(
        f'count="{QUICKSTART_STRINGS}" uniqueCount="{QUICKSTART_STRINGS}"'.encode(),
        f'count="{total}" uniqueCount="{total}"'.encode(),
    )
    added = "".join(f"<si><t>{text}</t></si>" for text in strings).encode()
    parts["xl/sharedStrings.xml"] = shared.replace(b"</sst>", added + b"</sst>")
    write_parts(path, parts)
    return path


def read_parts(path: Path) -> dict[str, bytes]:
    """Every part of a package by name, in the package's order: what byte-for-byte checks read."""
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def write_parts(path: Path, parts: dict[str, bytes]) -> None:
    """Write a package from its parts, in the order given: an edit openpyxl would not make."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)


def replace_in_part(path: Path, part: str, old: bytes, new: bytes) -> None:
    """Rewrite one part of a package in place (what openpyxl cannot write, a user's edit)."""
    parts = read_parts(path)
    assert parts[part].count(old) == 1, f"{old!r} is not once in {part}"
    parts[part] = parts[part].replace(old, new)
    write_parts(path, parts)


def load_closed_vba(path: Path) -> Workbook:
    """``load_workbook`` for reading cells back, x14 warnings silenced, the macro zip closed.

    openpyxl warns that it would drop the x14 validation (the product does not). With
    ``keep_vba`` openpyxl keeps the macros in a zip opened for writing on a memory buffer and
    never closes it; left to the garbage collector it fails in ``__del__`` during whichever
    test runs then.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        book = load_workbook(path, keep_vba=path.suffix == ".xlsm")
    return settled_macros(book)


def load_macro_book(path: Path, **options: Any) -> Workbook:
    """``load_workbook(path, keep_vba=True)`` whose macros can be saved again and never fail
    in the garbage collector (:func:`settled_macros`)."""
    return settled_macros(load_workbook(path, keep_vba=True, **options))


def settled_macros(book: Workbook) -> Workbook:
    """``book`` with the macros openpyxl kept moved to a zip opened for reading.

    With ``keep_vba`` openpyxl copies the macros into a zip opened for appending on a memory
    buffer and never closes it. The workbook holds reference cycles, so the collector frees
    the zip and its buffer in any order: when the buffer goes first, the zip's ``__del__``
    writes its directory to a closed buffer and prints « I/O operation on closed file »
    during whichever test runs then. A zip opened for reading writes nothing when it goes, and
    openpyxl only reads it when the book is saved.
    """
    archive = getattr(book, "vba_archive", None)
    if archive is not None and archive.mode != "r":
        buffer = archive.fp
        archive.close()  # writes the directory; the buffer, passed in, stays open
        book.vba_archive = zipfile.ZipFile(io.BytesIO(buffer.getvalue()))
    return book


def report_header(sheet: Any) -> int:
    """The row of the issues table's header on a report sheet opened by openpyxl: the first
    whose A cell is « Ligne » / « Row » (below the legend and the totals block, which move it)."""
    return next(
        cell.row for cell in sheet["A"] if cell.value in ("Ligne", "Row")
    )  # a report without it fails the test here
