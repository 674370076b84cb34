"""Where things stand on the report sheet, and its totals block: one layout for both drawers.

From the top: the title and the totals sentence (rows 1-2); the legend from :data:`LEGEND_ROW`,
one row per kind; then, when the check found issues, the totals block from
:data:`TOTALS_ROW` — a header (« Colonne », the three kinds' words, « Total »), one row per
column with issues (the whole file's first, named « Fichier »), a « Total » row — and a blank
row; then the issues table, its header on :func:`report_header_row`. The numbers are
``Report.totals`` (carried by the plan), the ones the text report prints first and last.

The block sits in columns C to G (C is wide enough for a column's name), so its cells are also
what the chart plots (:func:`chart_data`): one category per column, one series per kind, each
series' name and values read from the block's cells, so the chart shows what the sheet says and
a person who edits the block sees the chart follow. The file drawer writes the chart as parts
(``files.chart_part``), the live one through xlwings (``live.report_chart``).
"""

from __future__ import annotations

from dataclasses import dataclass

from addin.core.catalogue import Lang
from addin.core.kinds import KIND_WORDS, WORST_FIRST, Kind
from addin.core.marks import MarkPlan
from addin.core.report import ColumnTotals, column_letter, summed
from addin.files.sheet_xml import ReportCell
from addin.files.xlsx_package import quote_sheet

#: The legend's first row (one row per kind, worst first).
LEGEND_ROW = 4
#: The totals block's header row, one blank row below the legend.
TOTALS_ROW = LEGEND_ROW + len(WORST_FIRST) + 1
#: The totals block's first column (C): the names, then one column per kind, then the total.
TOTALS_COLUMN = 3
#: The report sheet's width, A to I: the issues table's nine columns.
REPORT_COLUMNS = 9

_WORDS: dict[Lang, dict[str, str]] = {
    "fr": {
        "column": "Colonne",
        "whole": "Fichier",
        "total": "Total",
        "chart": "Problèmes par colonne",
    },
    "en": {
        "column": "Column",
        "whole": "File",
        "total": "Total",
        "chart": "Issues by column",
    },
}


def report_header_row(plan: MarkPlan) -> int:
    """The row of the issues table's header: below the totals block and a blank row, or where
    the block would start when there is nothing to total (a clean file: the sheet as before)."""
    if not plan.totals:
        return TOTALS_ROW
    return TOTALS_ROW + len(plan.totals) + 3  # the block's header, its Total row, a blank row


#: The most rows kept in sight above the issues: past it (a file with many columns with
#: issues) freezing the rows down to the header would leave no room on a laptop's screen to
#: scroll the issues themselves, so none are frozen.
MAX_FROZEN_ROWS = 20


def freezes_header(plan: MarkPlan) -> bool:
    """Whether the rows down to the issues' header stay in sight (see :data:`MAX_FROZEN_ROWS`)."""
    return report_header_row(plan) <= MAX_FROZEN_ROWS


def totals_heads(plan: MarkPlan) -> list[str]:
    """The totals block's kind headers (``D8:F8``), given the kinds' looks by the same rules as
    the « Gravité » column, so each series' name shows its bars' look; none without a block."""
    if not plan.totals:
        return []
    first = column_letter(TOTALS_COLUMN)
    last = column_letter(TOTALS_COLUMN - 1 + len(WORST_FIRST))
    return [f"{first}{TOTALS_ROW}:{last}{TOTALS_ROW}"]


def _counts(totals: ColumnTotals) -> dict[Kind, int]:
    return {Kind.PERSON: totals.to_fix, Kind.PRODUCT: totals.fixed, Kind.LOOK: totals.warnings}


def totals_rows(plan: MarkPlan, lang: Lang) -> list[list[ReportCell]]:
    """The totals block's rows from :data:`TOTALS_ROW`, each :data:`REPORT_COLUMNS` cells from
    column A (none when the check found nothing)."""
    if not plan.totals:
        return []
    words = _WORDS[lang]
    before: list[ReportCell] = [None] * (TOTALS_COLUMN - 1)

    def row(cells: list[ReportCell]) -> list[ReportCell]:
        return [*before, *cells, *[None] * (REPORT_COLUMNS - len(before) - len(cells))]

    heads: list[ReportCell] = [KIND_WORDS[lang][kind] for kind in WORST_FIRST]
    rows = [row([words["column"], *heads, words["total"]])]
    for totals in plan.totals:
        cells: list[ReportCell] = [_counts(totals)[kind] for kind in WORST_FIRST]
        rows.append(row([totals.place(lang, words["whole"]), *cells, totals.total]))
    whole = summed(plan.totals)
    last: list[ReportCell] = [_counts(whole)[kind] for kind in WORST_FIRST]
    rows.append(row([words["total"], *last, whole.total]))
    return rows


@dataclass(frozen=True, slots=True)
class ChartSeries:
    """One kind's bars: its name and values, and the report's cells that hold them."""

    kind: Kind
    name: str
    #: ``'CI_Rapport'!$D$8``
    name_ref: str
    values: tuple[int, ...]
    #: ``'CI_Rapport'!$D$9:$D$12``
    values_ref: str


@dataclass(frozen=True, slots=True)
class ChartData:
    """What the report's chart shows: one category per column with issues, a series per kind."""

    title: str
    categories: tuple[str, ...]
    #: ``'CI_Rapport'!$C$9:$C$12``
    categories_ref: str
    series: tuple[ChartSeries, ...]
    #: the block's header and lines without the Total row, names to the last kind (``C8:F12``):
    #: the source Excel's own chart wizard would be given
    source: str


def chart_data(plan: MarkPlan, sheet: str, lang: Lang) -> ChartData | None:
    """The chart of ``plan``'s totals block on the report sheet ``sheet``; ``None`` without
    issues (no block, no chart)."""
    if not plan.totals:
        return None
    first, last = TOTALS_ROW + 1, TOTALS_ROW + len(plan.totals)
    where = quote_sheet(sheet)

    def column(offset: int) -> str:
        return column_letter(TOTALS_COLUMN - 1 + offset)

    series = tuple(
        ChartSeries(
            kind=kind,
            name=KIND_WORDS[lang][kind],
            name_ref=f"{where}!${column(n)}${TOTALS_ROW}",
            values=tuple(_counts(totals)[kind] for totals in plan.totals),
            values_ref=f"{where}!${column(n)}${first}:${column(n)}${last}",
        )
        for n, kind in enumerate(WORST_FIRST, start=1)
    )
    whole = _WORDS[lang]["whole"]
    return ChartData(
        title=_WORDS[lang]["chart"],
        categories=tuple(totals.place(lang, whole) for totals in plan.totals),
        categories_ref=f"{where}!${column(0)}${first}:${column(0)}${last}",
        series=series,
        source=f"{column(0)}{TOTALS_ROW}:{column(len(WORST_FIRST))}{last}",
    )
