"""Excel 2007+ workbooks read ten times faster: calamine for the values, the XML for the rest.

openpyxl spends about 25 s on a 100,000 x 25 sheet; calamine reads the values in about 2 s but
knows neither number formats nor formulas. This reader takes calamine's values and adds, from one
streaming scan of the sheet's XML (:mod:`addin.readers.sheet_scan`), only what changes what the user
sees: numbers under a text or zero-padding format (``01220``), error values (``#N/A``) and
formulas never calculated (``FormulaCell``). The result is the :class:`Table` the openpyxl reader
(:mod:`addin.readers.xlsx_reader`) would return: tests compare the two on every fixture.

It raises :class:`NotSure` whenever it cannot vouch for that, and the caller then reads the file
with openpyxl, slower but the reference:

- calamine or the package's XML fails (openpyxl may still read it, or will say it is damaged);
- the sheet's part cannot be found, or the workbook counts dates from 1904;
- the shared-string table declares more strings than calamine can reserve room for
  (:func:`~addin.readers.sheet_bounds.check_shared_strings`);
- the sheet's cells reach so far that calamine's rectangle from A1 would pass
  :data:`~addin.readers.sheet_bounds.MAX_GRID_CELLS` (a stray value in ALL100000): openpyxl reads
  rows one at a time and keeps only the non-empty ones, within the same bound;
- the default style (cells without ``s``) has a special or date format;
- the scan meets something calamine reads differently (see :mod:`addin.readers.sheet_scan`);
- calamine returns a date where openpyxl's date formats would not, or a number where they would;
- a whole number of 16 digits or more: openpyxl keeps the integer its XML spells, calamine only
  has the float.
"""

from __future__ import annotations

import datetime as dt
import zipfile
from collections.abc import Sequence
from pathlib import Path

from python_calamine import CalamineWorkbook

from addin.core.product_sheets import is_product_sheet
from addin.core.table import FormulaCell, Table
from addin.errors import ClientImportError
from addin.readers.calamine_reader import worksheets
from addin.readers.cells import convert, is_special_format, number, with_format
from addin.readers.common import Cell, choose_sheet, workbook_table
from addin.readers.header_row import HeaderChoice, HeaderScore, Located, locate_header
from addin.readers.ooxml import NotSure, Package, read_package
from addin.readers.progress import STEP, ReadProgress, no_progress
from addin.readers.sheet_bounds import MAX_GRID_CELLS, check_shared_strings, column_letters
from addin.readers.sheet_scan import SheetMarks, check_strings, scan_sheet, xlsx_sheet_scores

_DATES = (dt.datetime, dt.date, dt.time, dt.timedelta)
_BIG = 1e15


def read_xlsx_hybrid(
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
    """Read one worksheet like :func:`~addin.readers.xlsx_reader.read_xlsx`, or raise NotSure."""
    try:
        _check_counts(path)
        with path.open("rb") as handle, CalamineWorkbook.from_filelike(handle) as book:
            sheets = worksheets(book)
            scores = None if header_score is None else xlsx_sheet_scores(path, header_score)
            chosen = choose_sheet(path, sheets, sheet, preferred_sheet, scores)
            package, marks = _scan(path, chosen.name)
            if marks.rows * marks.columns > MAX_GRID_CELLS:
                # calamine would hold the whole rectangle: openpyxl keeps only non-empty rows
                far = f"{column_letters(marks.columns)}{marks.rows}"
                raise NotSure(f"une feuille qui s'étend jusqu'à {far}")
            values = book.get_sheet_by_name(chosen.name).to_python(skip_empty_area=False)
    except (NotSure, ClientImportError, MemoryError):
        raise  # a sheet that does not exist is missing for openpyxl too
    except Exception as error:  # calamine's errors share no base class but Exception
        raise NotSure(f"calamine ou le XML du classeur : {error}") from error

    found_by = "asked"
    if header_row is None and is_product_sheet(chosen.name):
        header_row, found_by = 1, "first"
    first = header_row or 1
    header: list[Cell] = []
    rows: list[list[Cell]] = []
    numbers: list[int] = []
    for row_number, cells in enumerate(_convert(values, first, package, marks, progress), first):
        while cells and cells[-1] is None:
            cells.pop()
        if row_number == header_row:
            header = cells
        elif cells:
            rows.append(cells)
            numbers.append(row_number)

    if header_row is None:
        located = locate_header(rows, numbers, header_score)
    else:
        located = Located(HeaderChoice(header_row, found_by), header, rows, numbers)
    return workbook_table(path, kind, size, sheet=chosen, sheets=sheets, located=located)


def _check_counts(path: Path) -> None:
    """What calamine believes before reading: the shared strings' declared count."""
    with zipfile.ZipFile(path) as archive:
        check_shared_strings(archive, read_package(archive).shared_strings)


def _scan(path: Path, name: str) -> tuple[Package, SheetMarks]:
    """Number formats per style, and the marks of the sheet's cells calamine cannot give."""
    with zipfile.ZipFile(path) as archive:
        package = read_package(archive)
        if package.date1904:
            raise NotSure("un classeur dont les dates partent de 1904")
        part = package.sheet_paths.get(name)
        if part is None or part not in archive.NameToInfo:
            raise NotSure(f"la feuille « {name} » est introuvable dans l'archive")
        watched = _watched_styles(package)
        if package.shared_strings and package.shared_strings in archive.NameToInfo:
            with archive.open(package.shared_strings) as stream:
                check_strings(stream)
        with archive.open(part) as stream:
            marks = scan_sheet(stream, watched)
    return package, marks


def _watched_styles(package: Package) -> set[int]:
    """Styles under which a number reads differently (special formats) or becomes a date."""
    watched = package.date_styles()
    watched.update(i for i, fmt in enumerate(package.formats) if is_special_format(fmt))
    if 0 in watched:
        raise NotSure("le style par défaut a un format de nombre particulier")
    return watched


def _convert(
    values: Sequence[Sequence[object]],
    first_row: int,
    package: Package,
    marks: SheetMarks,
    progress: ReadProgress,
) -> list[list[Cell]]:
    """calamine's rows from ``first_row`` down, as openpyxl's reader would give them."""
    total = max(len(values) - first_row + 1, 0)
    progress(0, total)
    grid: list[list[Cell]] = []
    dates: list[object] = []  # the date-like values calamine gave, checked against the styles

    def other(value: object) -> Cell:
        if type(value) is float:
            if value.is_integer() and not -_BIG < value < _BIG:
                raise NotSure("un nombre entier de 16 chiffres ou plus")
            return number(value)
        if isinstance(value, _DATES):
            dates.append(value)
        return convert(value)

    for index, row_values in enumerate(values[first_row - 1 :], start=1):
        # texts (most cells) stay in the comprehension; the rest goes through ``other``
        grid.append([(v or None) if type(v) is str else other(v) for v in row_values])
        if index % STEP == 0:
            progress(index, total)

    first = first_row - 1
    seen_dates = 0
    date_styles = package.date_styles()
    for (row, column), style in marks.styled.items():
        if row < first:
            continue
        raw = _raw(values, row, column)
        if style in date_styles:
            if isinstance(raw, _DATES):
                seen_dates += 1
            elif raw != "":
                raise NotSure("un nombre dans un format de date que calamine n'a pas lu en date")
        elif type(raw) is float:
            _put(grid, row - first, column, with_format(raw, package.formats[style]))
    if seen_dates != len(dates):
        raise NotSure("une date lue par calamine dans un format que openpyxl ne lit pas en date")
    for (row, column), text in marks.errors.items():
        if row >= first:
            _put(grid, row - first, column, text)
    for (row, column), formula in marks.formulas.items():
        if row >= first:
            if _raw(values, row, column) not in ("", None):
                raise NotSure("une formule sans résultat à laquelle calamine donne une valeur")
            _put(grid, row - first, column, FormulaCell(formula))
    progress(total, total)
    return grid


def _raw(values: Sequence[Sequence[object]], row: int, column: int) -> object:
    if row < len(values) and column < len(values[row]):
        return values[row][column]
    return None


def _put(grid: list[list[Cell]], row: int, column: int, value: Cell) -> None:
    while len(grid) <= row:
        grid.append([])
    cells = grid[row]
    if len(cells) <= column:
        cells.extend([None] * (column + 1 - len(cells)))
    cells[column] = value
