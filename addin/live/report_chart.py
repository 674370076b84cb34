"""The report sheet's chart in the open book: the file path's chart, drawn through xlwings.

The same picture as ``files.chart_part``'s, from the same cells (``report_layout.chart_data``):
horizontal stacked bars from the totals block, one series per kind in its cells' colours (the
look's fill, its border or text colour for the outline), the first column on top, the title
above and the kinds' legend below, from K1. Excel computes the series from the block's cells
itself (``SetSourceData``, by columns: a block of two columns with issues is wider than tall,
and Excel would otherwise take its rows for series).

« Not moved or sized with cells » is COM's ``ChartObject.Placement`` (``xlFreeFloating``),
which xlwings does not offer: set through ``chart.api``'s ``ChartObject`` on Windows. On macOS
(``api`` is then one AppleScript object) the chart keeps Excel's default placement.

A constant number of calls into Excel, whatever the number of columns: about twenty. The
chart goes with the sheet: ``clear`` deletes the report sheet, and Excel its charts.
"""

from __future__ import annotations

import xlwings as xw

from addin.core.catalogue import Lang
from addin.core.marks import MarkPlan
from addin.files.chart_part import ANCHOR_COLUMN, WIDTH_COLUMNS, chart_rows
from addin.files.mark_looks import CELL_LOOKS
from addin.files.report_layout import chart_data

#: COM's ``XlPlacement.xlFreeFloating``: neither moved nor sized with the cells.
XL_FREE_FLOATING = 3
#: Excel's default column width and row height, in points: the chart's size in cells.
COLUMN_POINTS, ROW_POINTS = 48.0, 15.0


def _rgb(colour: str) -> tuple[int, int, int]:
    return int(colour[0:2], 16), int(colour[2:4], 16), int(colour[4:6], 16)


def draw_chart(sheet: xw.Sheet, plan: MarkPlan, lang: Lang) -> None:
    """The totals block's chart on our report ``sheet`` (none for a clean file)."""
    data = chart_data(plan, sheet.name, lang)
    if data is None:
        return
    chart = sheet.charts.add(
        width=WIDTH_COLUMNS * COLUMN_POINTS,
        height=chart_rows(len(data.categories)) * ROW_POINTS,
        chart_type="bar_stacked",
        source=sheet.range(data.source),
        plot_by="columns",
        anchor=sheet.range((1, ANCHOR_COLUMN + 1)),
        style=None,
    )
    chart.title = data.title
    chart.category_axis.reverse_order = True  # the first column on top, as in the block
    chart.legend.position = "bottom"
    for series, drawn in zip(data.series, chart.series, strict=True):
        look = CELL_LOOKS[series.kind]
        outline = look.border_colour or look.font or look.fill
        drawn.set(fill_color=_rgb(look.fill), line_color=_rgb(outline))
    api = chart.api
    if isinstance(api, tuple):  # Windows: (ChartObject, Chart)
        api[0].Placement = XL_FREE_FLOATING
