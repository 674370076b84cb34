"""Our duplicates sheet (``CI_Doublons``, ``CI_Duplicates`` in English): the groups of rows that
are probably one customer, one line per link with its reason, each row a link to the data.

Drawn with the marks when the check found duplicates (``marks_writer.annotate`` here, and
``addin.live.duplicates_sheet`` in the open book, from the same :func:`duplicate_rows`), taken
out by ``clear`` with them. Why one line per link rather than per row: the accountant decides
pair by pair (« is row 48 the same customer as row 12, and why do we think so? »); a group is
its lines with the same number, which the filter of its table shows at once.
"""

from __future__ import annotations

from addin.core.catalogue import Lang
from addin.core.duplicates import REASON_WORDS
from addin.core.marks import MarkPlan
from addin.core.product_sheets import DUPLICATES_SHEETS
from addin.files.sheet_xml import (
    CellStyles,
    Link,
    ReportCell,
    fitted_widths,
    styled_sheet,
)
from addin.files.table_part import TABLE_PREFIX, TableSpec, add_table
from addin.files.xlsx_package import XlsxPackage

#: The row of the headers; the lines follow it.
DUPLICATES_HEADER_ROW = 4
#: The column of the reasons, wrapped within its width.
REASON_COLUMN = 8

_WORDS = {
    "fr": {
        "title": "Doublons probables repérés par client-import",
        "totals": "{groups} groupe(s) de lignes qui sont probablement le même client, "
        "{rows} lignes en tout ; chaque ligne ci-dessous relie deux d'entre elles, avec la "
        "raison. Gardez une seule ligne par client (ou fusionnez-les), puis vérifiez à nouveau.",
        "headers": (
            "Groupe",
            "Ligne",
            "Cellule",
            "Client",
            "Même client que la ligne",
            "Sa cellule",
            "Son client",
            "Raison",
        ),
    },
    "en": {
        "title": "Probable duplicates found by client-import",
        "totals": "{groups} group(s) of rows that are probably the same customer, {rows} rows "
        "in all; each line below links two of them, with the reason. Keep one row per "
        "customer (or merge them), then check again.",
        "headers": (
            "Group",
            "Row",
            "Cell",
            "Customer",
            "Same customer as row",
            "Its cell",
            "Its customer",
            "Reason",
        ),
    },
}


def duplicate_rows(plan: MarkPlan, lang: Lang) -> list[list[ReportCell]]:
    """The duplicates sheet from row 1 down, eight cells a row: the title, the totals, the
    headers on :data:`DUPLICATES_HEADER_ROW`, then one line per link of each group."""
    words = _WORDS[lang]
    width = len(words["headers"])
    blank: list[ReportCell] = [None] * width
    totals = str(words["totals"]).format(
        groups=len(plan.duplicates), rows=sum(len(g.rows) for g in plan.duplicates)
    )
    rows: list[list[ReportCell]] = [[str(words["title"]), *blank[1:]], [totals, *blank[1:]]]
    rows += [list(blank) for _ in range(DUPLICATES_HEADER_ROW - 3)]
    rows.append(list(words["headers"]))
    for number, group in enumerate(plan.duplicates, start=1):
        label = dict(zip(group.rows, group.labels, strict=False))
        for pair in group.pairs:
            rows.append(
                [
                    number,
                    pair.first,
                    Link(plan.sheet, f"A{pair.first}"),
                    label.get(pair.first) or None,
                    pair.second,
                    Link(plan.sheet, f"A{pair.second}"),
                    label.get(pair.second) or None,
                    REASON_WORDS[lang][pair.reason],
                ]
            )
    return rows


def duplicates_widths(rows: list[list[ReportCell]], lang: Lang) -> tuple[int, ...]:
    """The columns' widths, fitted to the headers and the lines (not the title and totals,
    which run across the empty cells on their right)."""
    return fitted_widths(_WORDS[lang]["headers"], rows[DUPLICATES_HEADER_ROW:])


def duplicates_table(rows: list[list[ReportCell]], lang: Lang) -> TableSpec:
    """The sheet's table: its headers and one line per link."""
    headers = tuple(_WORDS[lang]["headers"])
    return TableSpec(TABLE_PREFIX + "Duplicates", DUPLICATES_HEADER_ROW, headers, len(rows))


def duplicates_xml(rows: list[list[ReportCell]], lang: Lang, looks: CellStyles | None) -> bytes:
    """The sheet's part, without its table: its rows, widths, frozen headers; the reasons
    wrapped, the title and headers bold (``looks``; ``None``: no style)."""
    top = DUPLICATES_HEADER_ROW
    widths = duplicates_widths(rows, lang)
    return styled_sheet(rows, top, REASON_COLUMN, widths, looks)


def add_duplicates_sheet(
    package: XlsxPackage,
    plan: MarkPlan,
    lang: Lang,
    looks: CellStyles | None = None,
) -> None:
    """Our duplicates sheet, with its table, at the end of ``package`` when the plan has
    duplicates. A user's sheet of that name is never replaced: the user is told
    (``XlsxPackage.add_sheet``)."""
    if plan.duplicates:
        rows = duplicate_rows(plan, lang)
        entry = package.add_sheet(DUPLICATES_SHEETS[lang], duplicates_xml(rows, lang, looks))
        add_table(package, entry.part, duplicates_table(rows, lang))
