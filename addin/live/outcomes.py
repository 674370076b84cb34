"""What a push did to each row, written into the open book, and the push's history line.

The same cells as the file path's (``files.outcome_writer``): our two columns on the data sheet,
« Statut envoi (client-import) » and « ID plateforme (client-import) », found again by their
header in either language wherever the user moved them, else added right of the last column
Excel uses; each pushed row's status (with the platform's message) and platform ID; and our
history sheet rewritten with its earlier lines and this push's, in either language's sheet
(ours of the other language goes). The cells are written by ``cell_writes.set_cells`` (a few
calls per column, whatever the rows), the history in one call.

A row whose outcome has no platform ID (a failed push, say) keeps the ID its cell holds: the
record made by an earlier push still exists on the platform, and its ID is how the next push
updates it rather than creating it twice.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import xlwings as xw

from addin.core.catalogue import Lang
from addin.core.outcomes import COUNT_KEYS, HistoryLine, RowOutcome
from addin.core.product_columns import ID_HEADERS, STATUS_HEADERS
from addin.core.product_sheets import HISTORY_SHEETS, is_product_sheet
from addin.core.table import CellValue, FormulaCell
from addin.errors import EmptyFileError, SheetNotFoundError, UsageError
from addin.files.outcome_writer import (
    HISTORY_HEADERS,
    OutcomeColumn,
    history_table,
    history_text,
    history_widths,
    outcome_columns,
    status_text,
)
from addin.live.book import read_book_table
from addin.live.cell_writes import excel_value, set_cells, write_block
from addin.live.grid import _rows_2d
from addin.live.own_sheets import add_own_sheet, own_sheet, refuse_taken, remove_own_sheet
from addin.live.sheet_format import freeze_below, put_table, set_widths
from addin.readers.common import header_text


def write_outcomes(
    book: xw.Book,
    sheet: str,
    header_row: int,
    outcomes: Mapping[int, RowOutcome],
    history: HistoryLine,
    *,
    lang: Lang,
) -> None:
    """Each row's outcome in our two columns of ``sheet``, and the push's history line.

    Refused before anything is written, in the file path's words: a row at or above the
    header row, one of our own sheets as ``sheet``, a missing sheet, a sheet of the user's
    with our history's name, no room right of the data for our columns.
    """
    line = history.cells()  # unknown count keys are refused before anything is written
    if any(number <= header_row for number in outcomes):
        raise ValueError(f"outcomes must be for rows below the header row {header_row}")
    if is_product_sheet(sheet):
        raise UsageError(
            f"« {sheet} » est une feuille de client-import, pas des données",
            en=f"“{sheet}” is a client-import sheet, not data",
        )
    _no_user_history_sheet(book)
    if sheet not in [each.name for each in book.sheets]:
        raise SheetNotFoundError(
            f"le classeur n'a pas de feuille « {sheet} »", en=f"the workbook has no sheet “{sheet}”"
        )
    data = book.sheets[sheet]
    status, platform_id = _our_columns(data, sheet, header_row)
    values: dict[str, CellValue] = {}
    for (letter, new), header in ((status, STATUS_HEADERS), (platform_id, ID_HEADERS)):
        if new:
            values[f"{letter}{header_row}"] = header[lang]
    for number, outcome in outcomes.items():
        values[f"{status[0]}{number}"] = status_text(outcome, lang)
        if outcome.platform_id is not None:  # a failed push keeps the ID already there
            values[f"{platform_id[0]}{number}"] = outcome.platform_id
    set_cells(data, values)
    _put_history(book, [*_history_lines(book), line], lang)


def _no_user_history_sheet(book: xw.Book) -> None:
    """A sheet of the user's that has our history's name is never written over."""
    if own_sheet(book, list(HISTORY_SHEETS.values())) is None:
        refuse_taken(
            book,
            list(HISTORY_SHEETS.values()),
            then="relancez l'envoi",
            then_en="run the push again",
        )


def _our_columns(
    data: xw.Sheet, sheet: str, header_row: int
) -> tuple[OutcomeColumn, OutcomeColumn]:
    """Our status and ID columns (letter, still without header): found by their header, else
    right of the last column the sheet uses."""
    used = data.used_range
    last = used.column + used.shape[1] - 1
    row = _rows_2d(data.range((header_row, 1), (header_row, last)).value)
    headers = [header_text(value) for value in (row[0] if row else [])]
    return outcome_columns(headers, last, sheet)


def _history_lines(book: xw.Book) -> list[list[CellValue]]:
    """The earlier pushes of our history sheets (either language), oldest first."""
    lines: list[list[CellValue]] = []
    width = len(COUNT_KEYS) + 4
    for name in HISTORY_SHEETS.values():
        if own_sheet(book, [name]) is None:
            continue
        try:
            table = read_book_table(book, name, header_row=1, active=False)
        except EmptyFileError:
            continue
        for i in range(len(table.row_numbers)):
            line = [_plain(column[i]) for column in table.columns[:width]]
            lines.append(line + [None] * (width - len(line)))
    return lines


def _plain(value: CellValue | FormulaCell) -> CellValue:
    return value.formula if isinstance(value, FormulaCell) else value


def _put_history(book: xw.Book, lines: Sequence[Sequence[CellValue]], lang: Lang) -> None:
    name = HISTORY_SHEETS[lang]
    existing = own_sheet(book, [name])
    for other in HISTORY_SHEETS.values():
        if other != name and own_sheet(book, [other]) is not None:
            remove_own_sheet(book, other)
    if existing is None:
        sheet = add_own_sheet(book, name)
    else:
        sheet = book.sheets[name]
        sheet.used_range.clear_contents()
    rows = [[excel_value(text) for text in HISTORY_HEADERS[lang]]]
    rows += [[_cell(value) for value in line] for line in lines]
    write_block(sheet, 1, 1, rows)
    set_widths(sheet, history_widths(lines, lang))
    freeze_below(book, sheet, 1)
    put_table(book, sheet, history_table(lines, lang))  # resized: it grows with every push


def _cell(value: CellValue) -> Any:
    """A history cell as the file path writes it: numbers as numbers, a date as its text."""
    shown = history_text(value)
    if shown is None or isinstance(shown, int | float):
        return shown
    return excel_value(str(shown))
