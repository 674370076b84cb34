"""Our duplicates sheet in the open book: the file path's (``files.duplicates_sheet``), drawn
through Excel's object model from the same rows (``duplicate_rows``): one ``Range.Value`` call
per 100,000 cells, the links as ``HYPERLINK`` formulas, then its widths, frozen headers, its
table (named as on the file path), bold headers and wrapped reasons.
"""

from __future__ import annotations

import xlwings as xw

from addin.core.catalogue import Lang
from addin.core.marks import MarkPlan
from addin.core.product_sheets import DUPLICATES_SHEETS
from addin.files.duplicates_sheet import (
    DUPLICATES_HEADER_ROW,
    REASON_COLUMN,
    duplicate_rows,
    duplicates_table,
    duplicates_widths,
)
from addin.live.cell_writes import write_block
from addin.live.own_sheets import add_own_sheet, own_sheet
from addin.live.report_sheet import cell_value
from addin.live.sheet_format import freeze_below, put_table, set_widths, style_cells


def own_duplicates_sheet(book: xw.Book) -> str | None:
    """Our duplicates sheet in ``book``, in whichever language it was made."""
    return own_sheet(book, list(DUPLICATES_SHEETS.values()))


def draw_duplicates(book: xw.Book, plan: MarkPlan, lang: Lang) -> None:
    """Add the duplicates sheet of ``plan`` at the end of ``book``, when it has duplicates."""
    if not plan.duplicates:
        return
    sheet = add_own_sheet(book, DUPLICATES_SHEETS[lang])
    cells = duplicate_rows(plan, lang)
    write_block(sheet, 1, 1, [[cell_value(cell) for cell in line] for line in cells])
    widths = duplicates_widths(cells, lang)
    set_widths(sheet, widths)
    freeze_below(book, sheet, DUPLICATES_HEADER_ROW)
    put_table(book, sheet, duplicates_table(cells, lang))
    style_cells(sheet, DUPLICATES_HEADER_ROW, len(widths), REASON_COLUMN, len(cells))
