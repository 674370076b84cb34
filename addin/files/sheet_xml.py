"""The XML of the sheets client-import writes itself (report, marks, changes).

One place for what every such sheet needs: the worksheet wrapper, inline-text cells (no shared
strings to update), a link to a cell of the user's sheet, a frozen header.
"""

from __future__ import annotations

from dataclasses import dataclass

from addin.core.report import column_letter
from addin.files.xlsx_package import quote_sheet
from addin.files.xml_chars import xml_text

MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'


@dataclass(frozen=True, slots=True)
class Link:
    """A cell of our sheets that shows ``target`` (``B12``) and jumps to it on ``sheet``."""

    sheet: str
    target: str


#: One cell of our report or duplicates sheet: a text, a row number, a link, or nothing.
ReportCell = str | int | Link | None


def row_xml(number: int, cells: list[ReportCell]) -> str:
    """Row ``number`` of one of our sheets, its cells from column A, empty ones left out."""
    xml = []
    for i, cell in enumerate(cells):
        ref = f"{column_letter(i)}{number}"
        if isinstance(cell, Link):
            xml.append(link_cell(ref, cell.sheet, cell.target))
        elif isinstance(cell, int):
            xml.append(f'<c r="{ref}"><v>{cell}</v></c>')
        elif cell is not None:
            xml.append(inline_cell(ref, cell))
    return f'<row r="{number}">{"".join(xml)}</row>'


def inline_cell(ref: str, text: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t xml:space="preserve">{xml_text(text)}</t></is></c>'


def link_cell(ref: str, sheet: str, target: str) -> str:
    """A cell showing ``target`` (``B12``) that jumps to it on ``sheet`` when clicked.

    The sheet name is quoted as Excel quotes it in a reference (``'It''s'!B12``), and the
    whole location is a formula string literal, where ``"`` is doubled: a name such as
    ``x"&WEBSERVICE(D5)&"`` stays text and never becomes part of the formula.
    """
    formula = xml_text(hyperlink_formula(sheet, target))
    return f'<c r="{ref}" t="str"><f>{formula}</f><v>{target}</v></c>'


def hyperlink_formula(sheet: str, target: str) -> str:
    """``HYPERLINK("#'Clients'!B12","B12")``, the sheet name quoted for a formula."""
    location = f"#{quote_sheet(sheet)}!{target}".replace('"', '""')
    return f'HYPERLINK("{location}","{target}")'


def frozen_below(header_row: int) -> str:
    """A sheet view whose rows down to ``header_row`` stay in sight."""
    return (
        f'<sheetViews><sheetView workbookViewId="0"><pane ySplit="{header_row}" '
        f'topLeftCell="A{header_row + 1}" activePane="bottomLeft" state="frozen"/>'
        "</sheetView></sheetViews>"
    )


def worksheet(rows: list[str], *, before: str = "", after: str = "") -> bytes:
    """A whole worksheet part: ``before`` the data (views, columns), ``after`` it (filters...)."""
    return (
        f'{HEAD}<worksheet xmlns="{MAIN_NS}">{before}<sheetData>{"".join(rows)}</sheetData>'
        f"{after}</worksheet>"
    ).encode()
