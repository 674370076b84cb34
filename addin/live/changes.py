"""Our changes sheet in the open book: what ``fix`` rewrote, read back by ``undo``.

The same sheet as the file path's (``addin.files.changes_sheet``): a title in A1, the headers in
row 3, one line per change (a link to the cell, its column, before, after, why) and column F,
hidden, holding the change as JSON; the sheet is marked as ours by a defined name. It is
written in one ``Range.Value`` call per 100,000 cells (the links as ``HYPERLINK`` formulas,
which Excel takes from a text starting with ``=``), and read back through the live reader and
the file path's own parsing, so the two paths cannot read it differently.

It gets the file path's column widths (fitted to the changes) and table, and a new sheet its
frozen header rows (a few calls).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import xlwings as xw

from addin.core.catalogue import Lang
from addin.core.product_sheets import CHANGES_SHEETS
from addin.core.table import CellValue
from addin.core.workbook import LoggedChange
from addin.files.changes_sheet import (
    CHANGE_HEADERS,
    HEADER_ROW,
    RECORD_HEADER,
    TITLE,
    change_widths,
    changes_from_table,
    changes_table,
    language_of,
    record,
)
from addin.files.sheet_xml import hyperlink_formula
from addin.live.book import read_book_table
from addin.live.cell_writes import excel_value, write_block
from addin.live.own_sheets import add_own_sheet, own_sheet, refuse_taken, remove_own_sheet
from addin.live.sheet_format import freeze_below, put_table, set_widths


def own_changes_sheet(book: xw.Book) -> str | None:
    """Our changes sheet in ``book`` (never a user's sheet of that name)."""
    return own_sheet(book, list(CHANGES_SHEETS.values()))


def read_changes(book: xw.Book) -> tuple[list[LoggedChange], Lang] | None:
    """The changes our sheet logs, oldest first, and its language; ``None`` without one."""
    name = own_changes_sheet(book)
    if name is None:
        return None
    table = read_book_table(book, sheet=name, header_row=HEADER_ROW, active=False)
    return changes_from_table(table, name), language_of(name)


def check_loggable(book: xw.Book) -> None:
    """Refuse, before any cell is written, a book where our changes sheet could not be added:
    a user's sheet has its name (in either language, Excel comparing names without case),
    with the file path's words."""
    if own_changes_sheet(book) is None:
        refuse_taken(book, list(CHANGES_SHEETS.values()))


def write_changes(book: xw.Book, changes: Sequence[LoggedChange], lang: Lang) -> None:
    """Make our sheet list exactly ``changes`` (a new sheet in ``lang``, an existing one keeps
    its language); none removes the sheet."""
    name = own_changes_sheet(book)
    if name is None:
        if not changes:
            return
        name = CHANGES_SHEETS[lang]
        sheet = add_own_sheet(book, name)
        name_was_new = True
    elif not changes:
        remove_own_sheet(book, name)
        return
    else:
        sheet = book.sheets[name]
        sheet.used_range.clear_contents()
        name_was_new = False
    sheet_lang = language_of(name)
    rows = _rows(changes, sheet_lang)
    write_block(sheet, 1, 1, rows)
    set_widths(sheet, change_widths(changes, sheet_lang))
    if name_was_new:
        freeze_below(book, sheet, HEADER_ROW)
    put_table(book, sheet, changes_table(changes, sheet_lang))
    sheet.range("F1").api.EntireColumn.Hidden = True  # COM's Range.EntireColumn.Hidden


def _rows(changes: Sequence[LoggedChange], lang: Lang) -> list[list[Any]]:
    blank: list[Any] = [None] * 6
    rows: list[list[Any]] = [[excel_value(TITLE[lang]), *blank[1:]]]
    rows += [list(blank) for _ in range(HEADER_ROW - 2)]
    rows.append([excel_value(text) for text in (*CHANGE_HEADERS[lang], RECORD_HEADER[lang])])
    for change in changes:
        rows.append(
            [
                "=" + hyperlink_formula(change.sheet, change.cell),
                excel_value(change.column),
                _typed(change.before),
                excel_value(change.after),
                excel_value(change.reason),
                excel_value(record(change)),
            ]
        )
    return rows


def _typed(value: CellValue) -> Any:
    """Column C as the file path writes it: a number stays a number, a boolean a boolean, any
    other value its text (so ``undo`` reads back what the user saw)."""
    if value is None or isinstance(value, bool | int | float):
        return value
    return excel_value(str(value))
