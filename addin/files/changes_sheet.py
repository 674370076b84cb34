"""The changes sheet: every cell ``fix`` rewrote, what it held, what it holds, and why.

The user reads columns A to E (with a link to each cell); column F, hidden, holds the same
change as JSON for ``undo``. It is read back through the ordinary workbook readers, so it still
works after Excel has re-saved the file (Excel turns our inline strings into shared ones).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

from addin.core.catalogue import Lang
from addin.core.product_sheets import CHANGES_SHEETS
from addin.core.table import CellValue, Table
from addin.core.workbook import LoggedChange
from addin.errors import InputError
from addin.files.sheet_xml import (
    cols_xml,
    fitted_widths,
    frozen_below,
    inline_cell,
    link_cell,
    worksheet,
)
from addin.files.table_part import TABLE_PREFIX, TableSpec, add_table
from addin.files.xlsx_package import XlsxPackage
from addin.readers.reader import read_table

#: What the user reads (also the headers of a CSV's changes file), then the machine's copy.
CHANGE_HEADERS = {
    "fr": ("Cellule", "Colonne", "Avant", "Après", "Correction"),
    "en": ("Cell", "Column", "Before", "After", "Fix"),
}
RECORD_HEADER = {"fr": "client-import (ne pas modifier)", "en": "client-import (do not edit)"}
TITLE = {
    "fr": "Corrections faites par client-import (commande undo pour les annuler)",
    "en": "Fixes made by client-import (the undo command reverts them)",
}
HEADER_ROW = 3


def record(change: LoggedChange) -> str:
    """Column F's copy of ``change``, read back by ``undo``."""
    before = change.before
    if before is not None and not isinstance(before, str | int | float):
        before = str(before)
    return json.dumps(
        {"sheet": change.sheet, "cell": change.cell, "before": before, "after": change.after},
        # escaped, so a character a workbook cannot hold (U+FFFF) still comes back on undo
        ensure_ascii=True,
    )


def _typed(ref: str, value: CellValue) -> str:
    """The value as it was typed: a number stays a number, so ``undo`` gives it back as one."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return f'<c r="{ref}" t="b"><v>{int(value)}</v></c>'
    if isinstance(value, int | float):
        return f'<c r="{ref}"><v>{value!r}</v></c>'
    return inline_cell(ref, str(value))


def changes_xml(changes: Sequence[LoggedChange], lang: Lang) -> bytes:
    """The whole changes sheet, newest changes last."""
    top = HEADER_ROW
    headers = (*CHANGE_HEADERS[lang], RECORD_HEADER[lang])
    rows = [
        f'<row r="1">{inline_cell("A1", TITLE[lang])}</row>',
        f'<row r="{top}">'
        + "".join(
            inline_cell(f"{letter}{top}", text)
            for letter, text in zip("ABCDEF", headers, strict=True)
        )
        + "</row>",
    ]
    for number, change in enumerate(changes, start=top + 1):
        rows.append(
            f'<row r="{number}">'
            + link_cell(f"A{number}", change.sheet, change.cell)
            + inline_cell(f"B{number}", change.column)
            + _typed(f"C{number}", change.before)
            + inline_cell(f"D{number}", change.after)
            + inline_cell(f"E{number}", change.reason)
            + inline_cell(f"F{number}", record(change))
            + "</row>"
        )
    widths = change_widths(changes, lang)
    return worksheet(rows, before=frozen_below(top) + cols_xml(widths, hidden={RECORD_COLUMN}))


#: Column F, the machine's copy, hidden.
RECORD_COLUMN = 6


def change_widths(changes: Sequence[LoggedChange], lang: Lang) -> tuple[int, ...]:
    """The columns' widths, A to F, fitted to what the user reads (F is hidden): here and live."""
    lines = [
        [change.cell, change.column, change.before, change.after, change.reason]
        for change in changes
    ]
    return (*fitted_widths(CHANGE_HEADERS[lang], lines), 10)


def changes_table(changes: Sequence[LoggedChange], lang: Lang) -> TableSpec:
    """The sheet's table: the headers and every change, the hidden record included (sorting
    the table keeps each change with its record)."""
    headers = (*CHANGE_HEADERS[lang], RECORD_HEADER[lang])
    return TableSpec(TABLE_PREFIX + "Changes", HEADER_ROW, headers, HEADER_ROW + len(changes))


def put_changes(package: XlsxPackage, changes: Sequence[LoggedChange], lang: Lang) -> None:
    """Make our changes sheet list exactly ``changes``, with its table: a new sheet in ``lang``,
    an existing one rewritten in its own language; no change removes it."""
    existing = own_changes_sheet(package)
    if existing is None:
        if not changes:
            return
        part = package.add_sheet(CHANGES_SHEETS[lang], changes_xml(changes, lang)).part
    elif not changes:
        package.remove_sheet(package.sheet(existing))
        return
    else:
        lang = language_of(existing)
        part = package.sheet(existing).part
        package.write(part, changes_xml(changes, lang))
    add_table(package, part, changes_table(changes, lang))


def read_changes(path: Path, sheet_name: str) -> list[LoggedChange]:
    """The changes logged in ``sheet_name`` of the workbook at ``path``, oldest first."""
    return changes_from_table(read_table(path, sheet=sheet_name, header_row=HEADER_ROW), sheet_name)


def changes_from_table(table: Table, sheet_name: str) -> list[LoggedChange]:
    """The changes logged in our sheet ``sheet_name``, read as a table from its header row
    (by the file readers or, in the open book, by ``addin.live``)."""
    if len(table.columns) <= len(CHANGE_HEADERS["fr"]):
        raise InputError(
            f"la feuille « {sheet_name} » a été modifiée : les corrections ne peuvent plus être "
            "annulées automatiquement",
            en=(
                f"sheet “{sheet_name}” has been changed: the corrections can no longer be "
                "undone automatically"
            ),
        )
    changes = []
    for column_b, column_e, record in zip(
        table.columns[1], table.columns[4], table.columns[5], strict=True
    ):
        if not isinstance(record, str):
            continue
        try:
            data = json.loads(record)
            changes.append(
                LoggedChange(
                    sheet=str(data["sheet"]),
                    cell=str(data["cell"]),
                    column=str(column_b or ""),
                    before=data["before"],
                    after=str(data["after"]),
                    reason=str(column_e or ""),
                )
            )
        except (ValueError, KeyError, TypeError):
            raise InputError(
                f"la feuille « {sheet_name} » a été modifiée (colonne F) : les corrections ne "
                "peuvent plus être annulées automatiquement",
                en=(
                    f"sheet “{sheet_name}” has been changed (column F): the corrections can no "
                    "longer be undone automatically"
                ),
            ) from None
    return changes


def language_of(sheet_name: str) -> Lang:
    """The language our changes sheet was made in, told by its name."""
    return "en" if sheet_name == CHANGES_SHEETS["en"] else "fr"


def own_changes_sheet(package: XlsxPackage) -> str | None:
    """Our changes sheet in ``package``, never a user's own sheet that has its name: ``fix``
    does not write over it and ``undo`` does not read it (``XlsxPackage.is_own``)."""
    names = CHANGES_SHEETS.values()
    return next((e.name for e in package.sheets() if e.name in names and package.is_own(e)), None)
