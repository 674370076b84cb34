"""Our mapping sheet written into the open book: which field each column feeds, with a dropdown.

The same sheet as the file path's (``files.mapping_sheet.mapping_layout`` gives both their cells,
dropdown and widths): its cells in one ``Range.Value`` call, the dropdown as COM's
``Validation.Add`` of a list read from the hidden column H, the widths, the tab's colour, the
frozen header rows. Ours of the same language is rewritten where it stands (the sheets' order
does not move), ours of the other language goes, a sheet of the user's with its name is refused
before anything is written, as on the file path. It is read back by ``LiveWorkbook.stored_mapping``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import xlwings as xw

from addin.core.catalogue import Lang
from addin.core.product_sheets import MAPPING_SHEETS
from addin.core.workbook import MappingSheetRow
from addin.files.mapping_sheet import LIST_WIDTH, TAB_COLOUR, MappingLayout, mapping_layout
from addin.live.cell_writes import excel_value, write_block
from addin.live.own_sheets import add_own_sheet, own_sheet, refuse_taken, remove_own_sheet
from addin.live.sheet_format import com_colour, freeze_below, put_table, set_widths

#: COM's ``XlDVType.xlValidateList``, ``XlDVAlertStyle.xlValidAlertStop``, ``xlBetween``.
XL_VALIDATE_LIST, XL_VALID_ALERT_STOP, XL_BETWEEN = 3, 1, 1


def write_mapping_sheet(
    book: xw.Book,
    rows: Sequence[MappingSheetRow],
    labels: Sequence[str],
    *,
    profile: str,
    platform: str,
    data_sheet: str,
    lang: Lang,
) -> None:
    """Put our mapping sheet in ``book`` (replacing ours): ``rows``, ``labels`` for the
    dropdown, in order."""
    if not labels:
        raise ValueError("a mapping sheet needs at least one label for its dropdown")
    layout = mapping_layout(
        rows, labels, profile=profile, platform=platform, data_sheet=data_sheet, lang=lang
    )
    name = MAPPING_SHEETS[lang]
    existing = own_sheet(book, [name])
    if existing is None:
        refuse_taken(book, [name])
    for other in MAPPING_SHEETS.values():
        if other != name and own_sheet(book, [other]) is not None:
            remove_own_sheet(book, other)
    if existing is None:
        sheet = add_own_sheet(book, name)
    else:
        sheet = book.sheets[name]
        sheet.used_range.clear_contents()
        sheet.cells.api.Validation.Delete()
    write_block(sheet, 1, 1, _grid(layout))
    set_widths(sheet, layout.widths)
    hidden = sheet.range(f"{layout.list_column}1")
    hidden.column_width = LIST_WIDTH
    hidden.api.EntireColumn.Hidden = True  # COM's Range.EntireColumn.Hidden
    sheet.api.Tab.Color = com_colour(TAB_COLOUR)
    freeze_below(book, sheet, layout.header_row)
    put_table(book, sheet, layout.table)
    _add_dropdown(sheet, layout)


def _grid(layout: MappingLayout) -> list[list[Any]]:
    """The sheet's cells from A1, as wide as the list column and as deep as the last label."""
    width = ord(layout.list_column) - ord("A") + 1
    rows: list[list[Any]] = [[None] * width for _ in range(max(layout.cells))]
    for number, cells in layout.cells.items():
        for letter, value in cells.items():
            index = ord(letter) - ord("A")
            rows[number - 1][index] = excel_value(value) if isinstance(value, str) else value
    return rows


def _add_dropdown(sheet: xw.Sheet, layout: MappingLayout) -> None:
    dropdown = layout.dropdown
    if dropdown is None:
        return
    validation = sheet.range(dropdown.cells).api.Validation
    validation.Add(
        Type=XL_VALIDATE_LIST,
        AlertStyle=XL_VALID_ALERT_STOP,
        Operator=XL_BETWEEN,
        Formula1="=" + dropdown.source,
    )
    validation.IgnoreBlank = True
    validation.InCellDropdown = True
    validation.InputTitle = dropdown.prompt_title
    validation.InputMessage = dropdown.prompt
    validation.ErrorTitle = dropdown.error_title
    validation.ErrorMessage = dropdown.error
    validation.ShowInput = True
    validation.ShowError = True
