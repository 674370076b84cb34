"""Excel 2007+ workbooks (.xlsx, .xlsm) with openpyxl in read-only mode.

openpyxl rather than calamine because it gives what the user sees beyond the raw value: the
number format (postal codes shown with leading zeros, numbers in text-formatted cells) and the
formulas (a formula whose result was never computed must not pass for an empty cell).

Values: when the workbook has no number format that changes how a number reads (``@``,
``00000``...), rows are read as plain values, the fastest way openpyxl has; otherwise cell by
cell, for their number format.

Formulas: what the user sees is a formula's cached result, which ``data_only=True`` gives. A
formula without a cached result (files written by openpyxl and other libraries, never opened in
Excel) becomes ``FormulaCell(formula)``; a formula whose cached result is an empty text
(``=SI(A2="";"";…)``) is an empty cell. So:

- the sheet's XML is first scanned (at C speed, with a regular expression) for a formula followed
  by no value; when there is none, which is the case of every file Excel or LibreOffice saved,
  one ``data_only=True`` pass reads everything;
- otherwise, first pass ``data_only=False`` (formulas as their text), and a second pass
  ``data_only=True`` over the rows holding formulas takes their cached results where they exist.

openpyxl's ``UserWarning``\\ s (unsupported extensions such as data validation lists, missing
default style...) are about features we do not read: they are silenced here, around openpyxl's
calls only.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from openpyxl import load_workbook
from openpyxl.styles.numbers import BUILTIN_FORMATS, BUILTIN_FORMATS_MAX_SIZE

from addin.core.product_sheets import is_product_sheet
from addin.core.table import FormulaCell, Table
from addin.errors import UnsupportedFileError
from addin.readers.cells import convert, is_special_format, number, unescape_xstring, with_format
from addin.readers.common import (
    Cell,
    choose_sheet,
    library_errors_as,
    workbook_table,
)
from addin.readers.header_row import HeaderChoice, HeaderScore, Located, locate_header
from addin.readers.progress import STEP, ReadProgress, no_progress
from addin.readers.sheet_bounds import MAX_GRID_CELLS, too_many_cells
from addin.readers.sheet_scan import UNCACHED_FORMULAS, xlsx_sheet_scores


def list_xlsx_sheets(path: Path) -> list[tuple[str, bool]]:
    """``(name, visible)`` of each worksheet (chart sheets left out), in workbook order."""
    with library_errors_as(_damaged(path)), _workbook(path, data_only=False) as book:
        return _sheets(book)


def read_xlsx(
    path: Path,
    kind: str,
    size: int,
    *,
    sheet: str | None = None,
    preferred_sheet: str | None = None,
    header_row: int | None = None,
    header_score: HeaderScore | None = None,
    progress: ReadProgress = no_progress,
) -> Table:
    """Read one worksheet of an .xlsx/.xlsm workbook into a :class:`Table`.

    ``header_row`` ``None``: found (see :mod:`addin.readers.header_row`), except on our own sheets,
    whose header is on row 1. ``progress`` gets the rows read with no total: openpyxl only
    knows it once it has read them all (the stored size is not trusted).
    """
    with library_errors_as(_damaged(path)), _workbook(path, data_only=True) as book:
        sheets = _sheets(book)
        scores = None if header_score is None else xlsx_sheet_scores(path, header_score)
        chosen = choose_sheet(path, sheets, sheet, preferred_sheet, scores)
        found_by = "asked"
        if header_row is None and is_product_sheet(chosen.name):
            header_row, found_by = 1, "first"
        worksheet = book[chosen.name]
        worksheet.reset_dimensions()  # the stored size is sometimes wrong: read every cell
        special_formats = _has_special_formats(book)
        two_passes = _may_hold_uncached_formulas(book, worksheet)
        grid = _Grid(
            header_row, formulas=two_passes, progress=progress, where=(path.name, chosen.name)
        )
        if not two_passes:
            grid.read(worksheet, special_formats)
        else:
            with _workbook(path, data_only=False) as formulas_book:
                formulas_sheet = formulas_book[chosen.name]
                formulas_sheet.reset_dimensions()
                grid.read(formulas_sheet, special_formats)
            if grid.waiting:
                grid.resolve_formulas(worksheet)  # the data_only sheet, read again

    progress(grid.seen, grid.seen)
    rows, numbers = grid.data_rows()
    if header_row is None:
        located = locate_header(rows, numbers, header_score)
    else:
        located = Located(HeaderChoice(header_row, found_by), grid.header, rows, numbers)
    return workbook_table(path, kind, size, sheet=chosen, sheets=sheets, located=located)


@dataclass
class _Grid:
    """Rows read so far, with the formulas still waiting for their cached result."""

    #: ``None``: the header is not known yet, every non-empty row is kept from row 1
    header_row: int | None
    #: Whether the worksheet was opened with ``data_only=False``, so that formulas show as text.
    formulas: bool
    header: list[Cell] = field(default_factory=list)
    rows: list[list[Cell]] = field(default_factory=list)
    numbers: list[int] = field(default_factory=list)
    #: sheet row number → (row's cells, [(column index, formula text)])
    waiting: dict[int, tuple[list[Cell], list[tuple[int, str]]]] = field(default_factory=dict)
    progress: ReadProgress = no_progress
    #: rows read so far, header included
    seen: int = 0
    #: (file name, sheet name), for the refusal of a sheet too large to hold
    where: tuple[str, str] = ("", "")
    #: the longest non-empty row kept so far: (its number, its cells)
    widest: tuple[int, int] = (0, 0)

    def read(self, worksheet: Any, special_formats: bool) -> None:
        if special_formats:
            self.read_cells(worksheet)
        else:
            self.read_values(worksheet)

    def _keep(self, row_number: int, cells: list[Cell], formulas: list[tuple[int, str]]) -> None:
        self.seen += 1
        if self.seen % STEP == 0:
            self.progress(self.seen, None)
        while cells and cells[-1] is None:
            cells.pop()
        if formulas:
            self.waiting[row_number] = (cells, formulas)
        if row_number == self.header_row:
            self.header = cells
        elif cells:
            self._bound(row_number, len(cells))
            self.rows.append(cells)
            self.numbers.append(row_number)

    def _bound(self, row_number: int, width: int) -> None:
        """Refuse before the kept rows, padded to the widest, pass ``MAX_GRID_CELLS``."""
        if width > self.widest[1]:
            self.widest = (row_number, width)
        kept = len(self.rows) + 1
        if kept * self.widest[1] > MAX_GRID_CELLS:
            file, sheet = self.where
            raise too_many_cells(file, sheet, self.widest[0], self.widest[1], kept=kept)

    def read_values(self, worksheet: Any) -> None:
        """Plain values: enough when no number format can change what the user sees."""
        row_number = self.header_row or 1
        detect = self.formulas
        for row in worksheet.iter_rows(min_row=row_number, values_only=True):
            cells: list[Cell] = []
            formulas: list[tuple[int, str]] = []
            for value in row:
                if value is None:
                    cells.append(None)
                elif type(value) is str:
                    if detect and value[:1] == "=":  # a formula, or a text starting with "="
                        formulas.append((len(cells), value))
                        cells.append(FormulaCell(value))
                    else:
                        cells.append(unescape_xstring(value) or None)
                elif detect and _is_formula_object(value):
                    text = _formula_text(value)
                    formulas.append((len(cells), text))
                    cells.append(FormulaCell(text))
                else:
                    cells.append(convert(value))
            self._keep(row_number, cells, formulas)
            row_number += 1

    def read_cells(self, worksheet: Any) -> None:
        """Cell by cell, to see number formats and tell formulas from text."""
        row_number = self.header_row or 1
        for row in worksheet.iter_rows(min_row=row_number):
            cells: list[Cell] = []
            formulas: list[tuple[int, str]] = []
            for cell in row:
                value = cell.value
                if value is None:
                    cells.append(None)
                elif cell.data_type == "f":
                    text = _formula_text(value)
                    formulas.append((len(cells), text))
                    cells.append(FormulaCell(text))
                elif type(value) is str:
                    cells.append(unescape_xstring(value) or None)
                else:
                    cells.append(_cell_value(cell, value))
            self._keep(row_number, cells, formulas)
            row_number += 1

    def resolve_formulas(self, worksheet: Any) -> None:
        """Replace each formula by its cached result (worksheet opened with ``data_only``)."""
        first, last = min(self.waiting), max(self.waiting)
        row_number = first
        for row in worksheet.iter_rows(min_row=first, max_row=last):
            waiting = self.waiting.get(row_number)
            row_number += 1
            if waiting is None:
                continue
            cells, formulas = waiting
            for column, text in formulas:
                cell = row[column] if column < len(row) else None
                value = None if cell is None else cell.value
                if value is not None:
                    cells[column] = _cell_value(cell, value)
                elif cell is not None and cell.data_type == "n":
                    cells[column] = FormulaCell(text)  # no cached result: never calculated
                else:
                    cells[column] = None  # the formula's result is an empty text
        self.waiting.clear()

    def data_rows(self) -> tuple[list[list[Cell]], list[int]]:
        """Data rows and their numbers, without the rows that formulas left empty."""
        rows: list[list[Cell]] = []
        numbers: list[int] = []
        for cells, row_number in zip(self.rows, self.numbers, strict=True):
            if cells.count(None) != len(cells):
                rows.append(cells)
                numbers.append(row_number)
        return rows, numbers


#: number format → whether it can change how a number reads (see ``is_special_format``)
_SPECIAL: dict[str, bool] = {}


def _cell_value(cell: Any, value: object) -> Cell:
    if type(value) is int or type(value) is float:
        number_format = cell.number_format
        special = _SPECIAL.get(number_format)
        if special is None:
            special = _SPECIAL[number_format] = is_special_format(number_format)
        if special:
            return with_format(value, number_format)
        return number(value) if type(value) is float else value
    return convert(value)


def _is_formula_object(value: object) -> bool:
    return type(value).__name__ in ("ArrayFormula", "DataTableFormula")


def _formula_text(value: object) -> str:
    if isinstance(value, str):
        return value
    text = getattr(value, "text", None)  # ArrayFormula
    return text if isinstance(text, str) and text else "=TABLE()"  # DataTableFormula


def _has_special_formats(book: Any) -> bool:
    """Whether any cell style uses a number format that :func:`with_format` would change.

    Reads openpyxl's style tables (``_cell_styles``, ``_number_formats``: private but stable in
    openpyxl 3.1, which ``pyproject.toml`` pins); if they are not there, answers ``True`` so that
    the cells are read one by one, which is slower but always right.
    """
    try:
        custom = list(book._number_formats)
        for style in book._cell_styles:
            format_id = style.numFmtId
            if format_id < BUILTIN_FORMATS_MAX_SIZE:
                number_format = BUILTIN_FORMATS.get(format_id, "General")
            else:
                number_format = custom[format_id - BUILTIN_FORMATS_MAX_SIZE]
            if is_special_format(number_format):
                return True
    except (AttributeError, IndexError, TypeError):
        return True
    return False


_UNCACHED_FORMULAS = UNCACHED_FORMULAS  # shared with the hybrid reader's scan


def _may_hold_uncached_formulas(book: Any, worksheet: Any) -> bool:
    """Whether the worksheet's XML holds a formula stored without a result.

    A formula whose result is an empty text is stored with an empty value too, but in a cell
    typed ``t="str"``: those are left aside (``data_only=True`` reads them as empty, rightly).
    Reads the part openpyxl reads (``_archive``, ``_worksheet_path``: private but stable in
    openpyxl 3.1); if they are not there, answers ``True``: two passes, slower but always right.
    """
    try:
        stream = book._archive.open(worksheet._worksheet_path)
    except (AttributeError, KeyError):
        return True
    with stream:
        tail = b""
        while chunk := stream.read(1 << 22):
            data = tail + chunk
            for pattern in _UNCACHED_FORMULAS:
                for match in pattern.finditer(data):
                    if not _is_text_result(data, match.start()):
                        return True
            tail = data[-1024:]
    return False


def _is_text_result(data: bytes, position: int) -> bool:
    """Whether the cell around ``position`` is typed as a formula's text result (``t="str"``)."""
    start = max(data.rfind(b"<c ", 0, position), data.rfind(b":c ", 0, position))
    if start < 0:
        return False
    opening = data[start : data.find(b">", start)]
    return b't="str"' in opening or b"t='str'" in opening


def _sheets(book: Any) -> list[tuple[str, bool]]:
    return [(ws.title, ws.sheet_state == "visible") for ws in book.worksheets]


@contextmanager
def quiet_openpyxl() -> Iterator[None]:
    """Silence openpyxl's warnings about workbook features that reading does not need."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", category=UserWarning, module="openpyxl")
        yield


@contextmanager
def _workbook(path: Path, data_only: bool) -> Iterator[Any]:
    # A file object, not a name: openpyxl refuses names whose extension it does not know, and a
    # workbook renamed .csv or .dat is still a workbook.
    with path.open("rb") as handle, quiet_openpyxl():
        book = load_workbook(handle, read_only=True, data_only=data_only, keep_links=False)
        try:
            yield book
        finally:
            book.close()


def _damaged(path: Path) -> UnsupportedFileError:
    return UnsupportedFileError(
        f"Le classeur « {path.name} » est endommagé ou n'est pas un vrai fichier Excel : "
        "il ne peut pas être lu. Ouvrez-le dans Excel, enregistrez-le à nouveau au format "
        ".xlsx, puis réessayez.",
        en=(
            f"Workbook “{path.name}” is damaged or is not a real Excel file: "
            "it cannot be read. Open it in Excel, save it again as "
            ".xlsx, then try again."
        ),
    )
