"""The XML of the sheets client-import writes itself (report, marks, changes).

One place for what every such sheet needs: the worksheet wrapper, inline-text cells (no shared
strings to update), a link to a cell of the user's sheet, a frozen header, column widths fitted
to what the columns hold.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
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


def row_xml(
    number: int,
    cells: list[ReportCell],
    styles: Mapping[int, int] | None = None,
    height: float | None = None,
) -> str:
    """Row ``number`` of one of our sheets, its cells from column A, empty ones left out; a
    text or number in a column of ``styles`` (0 for A) gets that cell style (a wrapped
    message, as Excel wraps the whole column: the report's totals in it too); the row is
    ``height`` points high if given (its wrapped text's lines)."""
    xml = []
    for i, cell in enumerate(cells):
        ref = f"{column_letter(i)}{number}"
        if isinstance(cell, Link):
            xml.append(link_cell(ref, cell.sheet, cell.target))
        elif isinstance(cell, int):
            style = (styles or {}).get(i)
            s = "" if style is None else f' s="{style}"'
            xml.append(f'<c r="{ref}"{s}><v>{cell}</v></c>')
        elif cell is not None:
            xml.append(inline_cell(ref, cell, (styles or {}).get(i)))
    high = "" if height is None else f' ht="{height:g}"'
    return f'<row r="{number}"{high}>{"".join(xml)}</row>'


#: The height of one line of text in Excel's default font (Calibri 11), in points.
LINE_HEIGHT = 15.0


def wrapped_height(cell: ReportCell, width: int) -> float | None:
    """The height (points) of a row whose ``cell`` wraps within ``width`` characters: one line
    per ``width`` characters of each paragraph, so that LibreOffice, which does not fit rows
    to wrapped text on opening, shows it whole (Excel fits it again when edited); ``None`` for
    a text on one line."""
    if not isinstance(cell, str):
        return None
    per_line = max(width, 1)
    lines = sum(-(-max(len(part), 1) // per_line) for part in cell.split("\n"))
    return LINE_HEIGHT * lines if lines > 1 else None


@dataclass(frozen=True, slots=True)
class CellStyles:
    """The cell styles the marks add (their indexes in ``cellXfs``) for the report and the
    duplicates sheets: long texts wrapped within their column (:data:`WIDEST`) rather than
    running off to the right, and the title and headers in bold. In Excel the table's style
    draws the headers; the bold is theirs where table styles are not drawn (LibreOffice up to
    7.x), and has no colour of its own, so Excel's white on blue stays."""

    wrapped: int
    bold: int


def sheet_styles(
    number: int, header_row: int, width: int, wrapped_column: int, looks: CellStyles
) -> dict[int, int]:
    """The cell styles of row ``number`` of our report or duplicates sheet (columns from 0):
    the title (row 1) and the headers bold, the long texts of ``wrapped_column`` (1 for A)
    below the totals wrapped."""
    if number == 1:
        return {0: looks.bold}
    if number == header_row:
        return dict.fromkeys(range(width), looks.bold)
    return {wrapped_column - 1: looks.wrapped} if number > 2 else {}


def styled_sheet(  # noqa: PLR0917 (the sheet's shape, said in full)
    rows: Sequence[list[ReportCell]],
    header_row: int,
    wrapped_column: int,
    widths: Sequence[int],
    looks: CellStyles | None,
    after: str = "",
    *,
    frozen: bool = True,
) -> bytes:
    """Our report or duplicates sheet: its rows (empty ones left out), columns ``widths`` wide,
    headers frozen (unless not ``frozen``), ``after`` the cells (rules); with ``looks``, the
    title and headers bold and the texts of ``wrapped_column`` (1 for A) wrapped below the
    totals, each such row as high as its text's lines (:func:`wrapped_height`)."""
    lines = _styled_rows(rows, header_row, wrapped_column, widths, looks)
    view = frozen_below(header_row) if frozen else ""
    return worksheet(lines, before=view + cols_xml(widths), after=after)


def _styled_rows(
    rows: Sequence[list[ReportCell]],
    header_row: int,
    wrapped_column: int,
    widths: Sequence[int],
    looks: CellStyles | None,
) -> list[str]:
    out = []
    for number, cells in enumerate(rows, start=1):
        if not any(cell is not None for cell in cells):
            continue
        styles, high = None, None
        if looks is not None:
            styles = sheet_styles(number, header_row, len(cells), wrapped_column, looks)
            if number > 2 and number != header_row:
                high = wrapped_height(cells[wrapped_column - 1], widths[wrapped_column - 1])
        out.append(row_xml(number, cells, styles, high))
    return out


def inline_cell(ref: str, text: str, style: int | None = None) -> str:
    """A text cell (inline: no shared strings to update), in cell style ``style`` if given."""
    s = "" if style is None else f' s="{style}"'
    return (
        f'<c r="{ref}"{s} t="inlineStr"><is><t xml:space="preserve">{xml_text(text)}</t></is></c>'
    )


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


#: The narrowest and widest column of our sheets' tables (Excel's character units): a column is
#: as wide as its longest text within these, so no header is cut and no message runs off far
#: to the right (the report's messages wrap at the widest).
NARROWEST, WIDEST = 8, 60
#: What a header needs beyond its text: the table's filter button sits on its right.
_FILTER_BUTTON = 3


def fitted_widths(
    headers: Sequence[str], lines: Sequence[Sequence[object]], *, low: int = NARROWEST,
    high: int = WIDEST,
) -> tuple[int, ...]:  # fmt: skip
    """Per column of ``headers``, the width its longest text needs (a link's shown cell, a
    number's digits, a multi-line text's longest line), the header's filter button included,
    within ``low`` and ``high``. Both drawers size the columns from it."""
    widths = [len(header) + _FILTER_BUTTON for header in headers]
    for index, width in enumerate(widths):
        cells = (line[index] for line in lines if index < len(line))
        widths[index] = max(width, _longest(cells, high))
    return tuple(min(max(width + 1, low), high) for width in widths)


def _longest(cells: Iterable[object], enough: int) -> int:
    """The longest shown text of ``cells``; stops at ``enough`` (a column capped there)."""
    best = 0
    for cell in cells:
        if cell is None:
            continue
        if type(cell) is str:
            length = len(cell)
            if length > best and "\n" in cell:
                length = max(len(part) for part in cell.split("\n"))
        elif isinstance(cell, Link):
            length = len(cell.target)
        else:
            length = len(str(cell))
        if length > best:
            best = length
            if best >= enough:
                break
    return best


def cols_xml(widths: Sequence[float], hidden: Collection[int] = ()) -> str:
    """The ``<cols>`` of widths for columns A, B…; the columns numbered in ``hidden`` (1 for A)
    hidden."""
    flag = ' hidden="1"'
    cols = "".join(
        f'<col min="{n}" max="{n}" width="{width}"{flag if n in hidden else ""} customWidth="1"/>'
        for n, width in enumerate(widths, start=1)
    )
    return f"<cols>{cols}</cols>"
