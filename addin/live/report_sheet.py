"""Our report sheet in the open book: totals and one line per issue, each linked to its cell.

The same sheet as the file path's (``files.marks_writer.report_rows`` gives both their cells): it is
written in one ``Range.Value`` call per 100,000 cells, the links as ``HYPERLINK`` formulas
(Excel takes a text starting with ``=`` as a formula), every other text behind Excel's quote
prefix when Excel would parse it (``cell_writes.excel_value``: a value ``01220`` stays text).
Then its column widths (fitted to the content: a call per run of equal widths), its frozen
header rows (shown for it, then the user's sheet again, unless the totals above make them too
many), its table (Excel's own, with filter buttons, named as on the file path), its bold
headers and wrapped messages, the three rules that give its « Gravité » column, legend
included, and the totals block's headers the marks' looks (``marks_writer.kind_rules``), and
the totals' chart (``live.report_chart``). It is read back for the next check's progress line
through the live reader and the file path's own parsing (``marks_writer.issues_from_table``),
so the two paths cannot read it differently.
"""

from __future__ import annotations

from typing import Any

import xlwings as xw

from addin.core.catalogue import Lang
from addin.core.marks import IssueKey, MarkPlan
from addin.core.product_sheets import REPORT_SHEETS
from addin.errors import ClientImportError
from addin.files.mark_looks import RULE_LOOKS
from addin.files.marks_writer import (
    MESSAGE_COLUMN,
    issues_from_table,
    kind_rules,
    report_bounds,
    report_rows,
    report_table,
    report_widths,
)
from addin.files.report_layout import freezes_header, totals_heads
from addin.files.sheet_xml import Link, ReportCell, hyperlink_formula
from addin.live.book import read_book_table
from addin.live.cell_writes import excel_value, write_block
from addin.live.own_sheets import add_own_sheet, own_sheet
from addin.live.report_chart import draw_chart
from addin.live.sheet_format import apply_look, freeze_below, put_table, set_widths, style_cells

#: COM's ``XlFormatConditionType.xlCellValue`` and ``XlFormatConditionOperator.xlEqual``: a rule
#: for the cells equal to a value (no reference to read from the active cell).
XL_CELL_VALUE, XL_EQUAL = 1, 3


def own_report_sheet(book: xw.Book) -> str | None:
    """Our report sheet in ``book``, in whichever language it was made."""
    return own_sheet(book, list(REPORT_SHEETS.values()))


def draw_report(book: xw.Book, plan: MarkPlan, lang: Lang, notes: int) -> None:
    """Add the report sheet of ``plan`` (``notes`` written) at the end of ``book``."""
    sheet = add_own_sheet(book, REPORT_SHEETS[lang])
    cells = report_rows(plan, lang, notes)
    write_block(sheet, 1, 1, [[cell_value(cell) for cell in line] for line in cells])
    widths = report_widths(cells, lang)
    set_widths(sheet, widths)
    top, last = report_bounds(plan)
    if freezes_header(plan):
        freeze_below(book, sheet, top)
    put_table(book, sheet, report_table(plan, lang))
    style_cells(sheet, top, len(widths), MESSAGE_COLUMN, last)
    where, texts = kind_rules(plan, lang)
    # the « Gravité » column, then the totals block's headers (the chart's series names)
    for area in [where, *totals_heads(plan)]:
        conditions = sheet.range(area).api.FormatConditions
        for text, look in texts:
            condition = conditions.Add(Type=XL_CELL_VALUE, Operator=XL_EQUAL, Formula1="=" + text)
            apply_look(condition, RULE_LOOKS[look][1])
            condition.SetLastPriority()  # in the legend's order, as the file path numbers them
    draw_chart(sheet, plan, lang)


def cell_value(cell: ReportCell) -> Any:
    """A cell of our sheets as written through COM: a link as its formula, a text as typed."""
    if isinstance(cell, Link):
        return "=" + hyperlink_formula(cell.sheet, cell.target)
    if isinstance(cell, str):
        return excel_value(cell)
    return cell


def previous_issues(book: xw.Book) -> set[IssueKey] | None:
    """The issues our report sheet listed at the last check, as the file path reads them; a
    report the user reshaped is ignored (the progress line is left out, nothing else)."""
    name = own_report_sheet(book)
    if name is None:
        return None
    try:
        table = read_book_table(book, name, header_row=1, active=False)
    except ClientImportError:
        return None
    return issues_from_table(table)
