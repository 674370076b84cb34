"""The open workbook's sheet as the :class:`Table` the file path builds from the saved file.

The same pieces as the file readers, given the cells read live (:mod:`addin.live.grid`): the
sheet is chosen by :func:`~addin.readers.common.choose_sheet`, the header row found by
:func:`~addin.readers.header_row.locate_header` (row 1 on our own sheets), the table built by
:func:`~addin.readers.common.workbook_table`. So a workbook checked from the ribbon gets the
report the command line gives for the same workbook saved, which the tests prove on every fixture.

One addition: the sheet the user is looking at. A click on « Vérifier » means *this* sheet, so
the active sheet is read (``SourceInfo.sheet_chosen_by == "active"``) unless the user named one,
or the active sheet is one of ours (the report they just read, say), or ``active=False`` (then the
choice is exactly the file path's).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import xlwings as xw

from addin.core.product_sheets import is_product_sheet
from addin.core.table import Table
from addin.live.grid import read_rows
from addin.readers.common import Cell, SheetChoice, SheetScores, choose_sheet, workbook_table
from addin.readers.header_row import (
    PEEK_ROWS,
    HeaderChoice,
    HeaderScore,
    Located,
    best_header_score,
    locate_header,
)
from addin.readers.progress import ReadProgress, no_progress

#: What ``SourceInfo.kind`` says of a book, by its file's extension; a book never saved is
#: what Excel saves by default.
_KINDS = ("xlsx", "xlsm", "xls", "ods", "csv")


def read_book_table(
    book: xw.Book,
    sheet: str | None = None,
    preferred_sheet: str | None = None,
    header_row: int | None = None,
    *,
    active: bool = True,
    header_score: HeaderScore | None = None,
    progress: ReadProgress = no_progress,
) -> Table:
    """Read one sheet of the open ``book`` into a :class:`Table`, as ``read_table`` reads a file.

    ``sheet``: the one the user picked (an error if missing); otherwise, with ``active``, the
    sheet the user is looking at, when it is a visible sheet of theirs; otherwise the file
    path's choice: ``preferred_sheet`` (the profile's), then the best ``header_score``, then the
    first visible sheet. ``header_row``, ``header_score`` and ``progress`` as for
    :func:`addin.readers.reader.read_table`; the rows are read in one go, so ``progress`` hears of
    the start and the end only.
    """
    path = Path(book.fullname)
    sheets = [(each.name, is_visible(each.visible)) for each in book.sheets]
    chosen = _choose(
        book,
        path=path,
        sheets=sheets,
        sheet=sheet,
        preferred_sheet=preferred_sheet,
        header_score=header_score,
        active=active,
    )
    found_by = "asked"
    if header_row is None and is_product_sheet(chosen.name):
        header_row, found_by = 1, "first"
    first = header_row or 1
    progress(0, None)
    grid = read_rows(book.sheets[chosen.name], first)
    header: list[Cell] = []
    rows: list[list[Cell]] = []
    numbers: list[int] = []
    for number, cells in enumerate(grid, start=first):
        while cells and cells[-1] is None:
            cells.pop()
        if number == header_row:
            header = cells
        elif cells:
            rows.append(cells)
            numbers.append(number)
    progress(len(grid), len(grid))
    if header_row is None:
        located = locate_header(rows, numbers, header_score)
    else:
        located = Located(HeaderChoice(header_row, found_by), header, rows, numbers)
    return workbook_table(
        path, _kind(path), _saved_size(path), sheet=chosen, sheets=sheets, located=located
    )


def _choose(
    book: xw.Book,
    *,
    path: Path,
    sheets: Sequence[tuple[str, bool]],
    sheet: str | None,
    preferred_sheet: str | None,
    header_score: HeaderScore | None,
    active: bool,
) -> SheetChoice:
    if sheet is None and active:
        current = book.sheets.active.name
        if (current, True) in sheets and not is_product_sheet(current):
            return SheetChoice(current, "active")
    scores = None if header_score is None else _sheet_scores(book, header_score)
    return choose_sheet(path, sheets, sheet, preferred_sheet, scores)


def _sheet_scores(book: xw.Book, header_score: HeaderScore) -> SheetScores:
    """How well each sheet's header row fits, from its first rows only (a few calls each)."""

    def scores(names: Sequence[str]) -> dict[str, float]:
        return {
            name: best_header_score(read_rows(book.sheets[name], 1, PEEK_ROWS), header_score)
            for name in names
        }

    return scores


def is_visible(visibility: object) -> bool:
    """Whether a sheet is shown: xlwings hands on Excel's ``XlSheetVisibility`` on Windows (-1
    visible, 0 hidden, 2 very hidden, which is truthy) and a ``bool`` on macOS."""
    return visibility is True or visibility == -1


def _kind(path: Path) -> str:
    kind = path.suffix.lower().lstrip(".")
    return kind if kind in _KINDS else "xlsx"


def _saved_size(path: Path) -> int:
    """The size of the book's file as last saved (what a platform's size limit is about), 0 for
    a book never saved."""
    try:
        return path.stat().st_size if path.is_file() else 0
    except OSError:
        return 0
