"""How our sheets look in the open book: column widths and colours, through a few calls.

The file path writes them into the sheet's XML (``<cols>``, ``tabColor``, a ``dxf``); live they
are one ``Range.ColumnWidth`` call per run of equal widths, COM's colour numbers, and a
conditional format's properties set one by one.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import xlwings as xw

from addin.files.mark_looks import Look


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
