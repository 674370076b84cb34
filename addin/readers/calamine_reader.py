"""Excel 97-2003 (.xls) and OpenDocument (.ods) workbooks with python-calamine.

calamine gives each cell's value (the cached result for a formula) but neither number formats
nor formulas, so, unlike the .xlsx reader:

- a number shown with leading zeros (format ``00000``) arrives as the bare number (``1220``);
- a formula that was never calculated cannot be told from an empty cell;
- error values (``#N/A``) arrive as empty cells;
- in .ods files, booleans arrive as ``1``/``0``.

Values are otherwise converted as for .xlsx (see :mod:`addin.readers.cells`).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from python_calamine import (
    CalamineWorkbook,
    PasswordError,
    SheetTypeEnum,
    SheetVisibleEnum,
)

from addin.core.product_sheets import is_product_sheet
from addin.core.table import Table
from addin.errors import UnsupportedFileError
from addin.readers.cells import convert
from addin.readers.common import (
    Cell,
    SheetScores,
    choose_sheet,
    encrypted,
    library_errors_as,
    workbook_table,
)
from addin.readers.header_row import (
    PEEK_ROWS,
    HeaderChoice,
    HeaderScore,
    Located,
    best_header_score,
    locate_header,
)
from addin.readers.progress import STEP, ReadProgress, no_progress
from addin.readers.sheet_bounds import check_ods, check_xls


def list_calamine_sheets(path: Path, kind: str) -> list[tuple[str, bool]]:
    """``(name, visible)`` of each worksheet, in workbook order."""
    with _open_book(path, kind) as book:
        return worksheets(book)


def read_calamine(
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
    """Read one worksheet of an .xls or .ods workbook into a :class:`Table`.

    ``header_row`` ``None``: found (see :mod:`addin.readers.header_row`), except on our own sheets,
    whose header is on row 1.
    """
    with _open_book(path, kind) as book:
        sheets = worksheets(book)
        scores = None if header_score is None else sheet_scores(book, header_score)
        chosen = choose_sheet(path, sheets, sheet, preferred_sheet, scores)
        values = book.get_sheet_by_name(chosen.name).to_python(skip_empty_area=False)
    found_by = "asked"
    if header_row is None and is_product_sheet(chosen.name):
        header_row, found_by = 1, "first"

    first = header_row or 1
    rows: list[list[Cell]] = []
    numbers: list[int] = []
    total = max(len(values) - first + 1, 0)
    progress(0, total)
    header: list[Cell] = []
    for number, raw in enumerate(values[first - 1 :], start=first):
        if (number - first) % STEP == 0 and number > first:
            progress(number - first, total)
        cells = [convert(value) for value in raw]
        while cells and cells[-1] is None:
            cells.pop()
        if number == header_row:
            header = cells
        elif cells:
            rows.append(cells)
            numbers.append(number)

    progress(total, total)
    if header_row is None:
        located = locate_header(rows, numbers, header_score)
    else:
        located = Located(HeaderChoice(header_row, found_by), header, rows, numbers)
    return workbook_table(path, kind, size, sheet=chosen, sheets=sheets, located=located)


def sheet_scores(book: CalamineWorkbook, header_score: HeaderScore) -> SheetScores:
    """How well each sheet's header row fits, from its first rows only."""

    def scores(names: Sequence[str]) -> dict[str, float]:
        found: dict[str, float] = {}
        for name in names:
            sheet = book.get_sheet_by_name(name)
            first = sheet.to_python(skip_empty_area=False, nrows=PEEK_ROWS)
            rows = [[convert(value) for value in row] for row in first]
            found[name] = best_header_score(rows, header_score)
        return found

    return scores


def worksheets(book: CalamineWorkbook) -> list[tuple[str, bool]]:
    """``(name, visible)`` of each worksheet of an open book (charts sheets left out)."""
    return [
        (meta.name, meta.visible == SheetVisibleEnum.Visible)
        for meta in book.sheets_metadata
        if meta.typ == SheetTypeEnum.WorkSheet
    ]


@contextmanager
def _open_book(path: Path, kind: str) -> Iterator[CalamineWorkbook]:
    """The workbook, with calamine's failures turned into sentences for the user.

    Opened from a file object, not a name: calamine picks the format by extension from a
    name, by content from a file object (and users rename files). Its password error means
    an encrypted workbook; anything else, a damaged one.
    """
    # calamine reads every sheet on opening: bounded first
    if kind == "ods":
        check_ods(path)
    elif kind == "xls":
        check_xls(path, path.read_bytes())
    with library_errors_as(_damaged(path)):
        try:
            with path.open("rb") as handle, CalamineWorkbook.from_filelike(handle) as book:
                yield book
        except PasswordError:
            raise encrypted(path, opendocument=kind == "ods") from None


def _damaged(path: Path) -> UnsupportedFileError:
    return UnsupportedFileError(
        f"Le classeur « {path.name} » est endommagé ou n'est pas un vrai fichier Excel ou "
        "OpenDocument : il ne peut pas être lu. Ouvrez-le dans Excel ou LibreOffice, "
        "enregistrez-le au format .xlsx, puis réessayez.",
        en=(
            f"Workbook “{path.name}” is damaged or is not a real Excel or "
            "OpenDocument file: it cannot be read. Open it in Excel or LibreOffice, "
            "save it as .xlsx, then try again."
        ),
    )
