"""How our sheets look in the open book: column widths and colours, tables, through a few calls.

The file path writes them into the sheet's XML (``<cols>``, ``tabColor``, a ``dxf``, a table
part); live they are one ``Range.ColumnWidth`` call per run of equal widths, COM's colour
numbers, a conditional format's properties set one by one, and a ``ListObject`` (xlwings'
``sheet.tables``) named as the file path names it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import xlwings as xw

from addin.files.mark_looks import Look
from addin.files.table_part import TABLE_STYLE, TableSpec, free_name


def com_colour(rgb: str) -> int:
    """``"FFC7CE"`` → COM's colour number (red + green × 256 + blue × 65536)."""
    red, green, blue = (int(rgb[i : i + 2], 16) for i in (0, 2, 4))
    return red + (green << 8) + (blue << 16)


def width_runs(widths: Sequence[int]) -> list[tuple[int, int, int]]:
    """``(9, 9, 16)`` → ``[(1, 2, 9), (3, 3, 16)]``: (first column, last column, width)."""
    runs: list[tuple[int, int, int]] = []
    for column, width in enumerate(widths, start=1):
        if runs and runs[-1][2] == width:
            runs[-1] = (runs[-1][0], column, width)
        else:
            runs.append((column, column, width))
    return runs


def set_widths(sheet: xw.Sheet, widths: Sequence[int]) -> None:
    """Columns A, B… of ``sheet`` as wide as ``widths`` says: one call per run of equals."""
    for first, last, width in width_runs(widths):
        sheet.range((1, first), (1, last)).column_width = width


def freeze_below(book: xw.Book, sheet: xw.Sheet, header_row: int) -> None:
    """Keep ``sheet``'s rows down to ``header_row`` in sight, as the file path's sheets do.

    A window's setting in Excel (``Window.SplitRow`` then ``FreezePanes``), on the sheet it
    shows: the sheet is shown for it, then the one the user was on again.
    """
    shown = book.sheets.active
    sheet.activate()
    window = book.api.Windows(1)
    window.FreezePanes = False
    window.SplitColumn = 0
    window.SplitRow = header_row
    window.FreezePanes = True
    shown.activate()


#: COM's ``XlLineStyle`` for a look's border style, and ``XlBorderWeight.xlThin``.
_LINE_STYLES = {"thin": 1, "dashed": -4115}
_THIN = 2


def apply_look(condition: Any, look: Look) -> None:
    """Give a conditional format (COM's ``FormatCondition``) ``look``: the properties the
    file path writes in its ``dxf`` (``files.mark_looks.dxf_xml``), one call each."""
    condition.Interior.Color = com_colour(look.fill)
    if look.font is not None:
        condition.Font.Color = com_colour(look.font)
    if look.bold:
        condition.Font.Bold = True
    if look.border is not None:
        borders = condition.Borders  # the four sides at once
        borders.LineStyle = _LINE_STYLES[look.border]
        borders.Weight = _THIN
        if look.border_colour is not None:
            borders.Color = com_colour(look.border_colour)


def put_table(book: xw.Book, sheet: xw.Sheet, spec: TableSpec) -> None:
    """Our sheet's table over ``spec``'s range: the one the sheet has resized to it (a history
    that grew, a sheet rewritten), else a new one in Excel's default style, named as the file
    path names it (suffixed when the workbook has that name: a user's table, a defined name).
    A few calls whatever the rows: one per sheet and table of the book to learn the names."""
    area = sheet.range(spec.ref)
    existing = list(sheet.tables)
    if existing:
        existing[0].resize(area)
        return
    taken = {table.name.casefold() for each in book.sheets for table in each.tables}
    taken |= {name.name.casefold() for name in book.names}
    sheet.tables.add(source=area, name=free_name(spec.name, taken), table_style_name=TABLE_STYLE)


def style_cells(
    sheet: xw.Sheet, header_row: int, width: int, wrapped_column: int, last_row: int
) -> None:
    """The title and headers bold, the long texts of ``wrapped_column`` (1 for A) below the
    totals wrapped, the headers' excepted: the file path's cell styles
    (``sheet_xml.sheet_styles``), four calls at most."""
    sheet.range("A1").api.Font.Bold = True
    sheet.range((header_row, 1), (header_row, width)).api.Font.Bold = True
    for first, last in ((3, header_row - 1), (header_row + 1, last_row)):
        if first <= last:
            sheet.range((first, wrapped_column), (last, wrapped_column)).api.WrapText = True
