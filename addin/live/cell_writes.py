"""Cells written into the open book in bulk: a few calls per column, whatever the cells changed.

Each call into Excel costs about as much as writing thousands of cells in one call
(``docs/design/xlwings-on-linux.md``), so a fix of 10,000 cells must not be 10,000 calls. The
changed cells of one column are written as *stretches*: from the first changed row to the last,
in one ``Range.Value`` write, the cells in between written back as they are. A cell whose value
cannot be written back exactly through ``Range.Value`` ends a stretch instead of being written:
a formula (it would become its result), an error value, a date or a currency amount (COM hands
them in forms that do not come back identical). So per column: one read of the values and one
of the formulas of the span, then one write per stretch, the stretches being one more than the
such cells *between* the changed rows (and one more per 100,000 cells of a stretch, the most
one write carries); the calls never grow with the number of cells changed.

Excel *parses* a text written through ``Range.Value`` as if it were typed: ``"01220"`` would
become the number 1220 and lose its zero, ``"TRUE"`` a boolean, ``"=A1"`` a formula. A text
Excel could take for something else is therefore written behind an apostrophe (Excel's quote
prefix: the cell holds the text, the apostrophe is not part of it); other texts are written as
they are, so that untouched cells of a stretch get no quote prefix they did not have.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import xlwings as xw
from openpyxl.utils import get_column_letter

from addin.core.table import CellValue
from addin.files.cell_edits import sort_key
from addin.live.grid import _rows_2d

#: Most cells written in one call: xlwings' own budget (``max_cells_per_write``), above which
#: it splits a write for Excel; ``Range.raw_value`` is not split by xlwings, so it is here.
MAX_CELLS_PER_WRITE = 100_000
#: Texts Excel takes for a boolean when typed (English and French Excel).
_BOOLEAN_WORDS = frozenset({"TRUE", "FALSE", "VRAI", "FAUX"})
#: A text starting with one of these is a formula, a sign, an error or a prefix when typed.
_TYPED_STARTS = ("'", "=", "+", "-", "@", "#")


def parsed_by_excel(text: str) -> bool:
    """Whether Excel could store ``text`` typed into a cell as anything but that text.

    Any digit may make it a number, a date, a time or a percentage (in some locale), so it is
    enough to quote it; the words TRUE/FALSE and the typed prefixes too.
    """
    return (
        text.startswith(_TYPED_STARTS)
        or any(character.isdigit() for character in text)
        or text.strip().upper() in _BOOLEAN_WORDS
    )


def excel_value(value: CellValue) -> Any:
    """What to hand ``Range.Value`` so that the cell holds ``value`` with its type: a text stays
    text, a number a number, a boolean a boolean, ``None`` empties the cell."""
    if isinstance(value, str):
        if value == "":
            return None
        return "'" + value if parsed_by_excel(value) else value
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return dt.datetime(value.year, value.month, value.day)
    return value


def _written_back(raw: Any) -> bool:
    """Whether a cell Excel handed as ``raw`` comes back identical when written as it is: an
    empty cell, a text, a double or a boolean (an ``int`` is an error code on Windows)."""
    return raw is None or type(raw) in (str, float, bool)


def _column(raw: Any) -> list[Any]:
    return [row[0] if row else None for row in _rows_2d(raw)]


def by_column(refs: Iterable[str]) -> dict[int, list[int]]:
    """``["B4", "B2", "C9"]`` → ``{2: [2, 4], 3: [9]}``: the rows of each column, in order."""
    columns: dict[int, list[int]] = {}
    for ref in refs:
        row, column = sort_key(ref)
        columns.setdefault(column, []).append(row)
    return {column: sorted(rows) for column, rows in sorted(columns.items())}


def set_cells(sheet: xw.Sheet, values: Mapping[str, CellValue]) -> None:
    """Write ``values`` (by A1 reference) into ``sheet``, keeping every cell's format: a few
    calls per column, as the module says, and never over a formula."""
    for column, rows in by_column(values).items():
        letter = get_column_letter(column)
        wanted = {row: values[f"{letter}{row}"] for row in rows}
        top, bottom = rows[0], rows[-1]
        if bottom - top + 1 == len(rows):  # one unbroken run: nothing else to write back
            _write(sheet, column, top, [excel_value(wanted[row]) for row in rows])
            continue
        span = sheet.range((top, column), (bottom, column))
        current = _column(span.raw_value)
        formulas = _column(span.formula)
        for first, block in _stretches(top, wanted, current, formulas):
            _write(sheet, column, first, block)


def _stretches(
    top: int, wanted: Mapping[int, CellValue], current: list[Any], formulas: list[Any]
) -> Iterable[tuple[int, list[Any]]]:
    """The writes of one column: (first row, values), split at cells not to be written back,
    each from its first changed row to its last."""
    block: list[Any] = []
    first = 0
    last_wanted = -1  # index in block of the last changed cell
    for offset, (raw, formula) in enumerate(zip(current, formulas, strict=True)):
        row = top + offset
        if row in wanted:
            if not block:
                first = row
            block.append(excel_value(wanted[row]))
            last_wanted = len(block) - 1
        elif block and _written_back(raw) and not str(formula or "").startswith("="):
            block.append(excel_value(raw) if isinstance(raw, str) else raw)
        else:
            if block:
                yield first, block[: last_wanted + 1]
            block, last_wanted = [], -1
    if block:
        yield first, block[: last_wanted + 1]


def _write(sheet: xw.Sheet, column: int, first: int, block: list[Any]) -> None:
    write_block(sheet, first, column, [[value] for value in block])


def write_block(sheet: xw.Sheet, row: int, column: int, rows: Sequence[Sequence[Any]]) -> None:
    """Write ``rows`` (all as wide as the first) from (``row``, ``column``) down, in one
    ``Range.Value`` call per :data:`MAX_CELLS_PER_WRITE` cells, as xlwings splits its own
    writes for Excel."""
    if not rows:
        return
    width = len(rows[0])
    step = max(1, MAX_CELLS_PER_WRITE // width)
    for start in range(0, len(rows), step):
        chunk = [list(cells) for cells in rows[start : start + step]]
        top = row + start
        sheet.range((top, column), (top + len(chunk) - 1, column + width - 1)).raw_value = chunk


def formula_cells(sheet: xw.Sheet) -> set[str]:
    """Every cell of ``sheet`` holding a formula: two reads of the used range (formulas and
    values). Excel's ``Formula`` of a *text* that begins with ``=`` (written behind an
    apostrophe) is that text, so a cell whose value is its formula's very text is a text."""
    used = sheet.used_range
    formulas = _rows_2d(used.formula)
    values = _rows_2d(used.raw_value)
    found = set()
    for i, row in enumerate(formulas):
        for j, formula in enumerate(row):
            is_formula = isinstance(formula, str) and formula.startswith("=") and len(formula) > 1
            if is_formula and values[i][j] != formula:
                found.add(f"{get_column_letter(used.column + j)}{used.row + i}")
    return found


def boolean_cells(sheet: xw.Sheet, refs: Iterable[str]) -> set[str]:
    """Those of ``refs`` holding TRUE/FALSE: one read per column, of the span of its rows."""
    found = set()
    for column, rows in by_column(refs).items():
        top = rows[0]
        raw = _column(sheet.range((top, column), (rows[-1], column)).raw_value)
        letter = get_column_letter(column)
        found |= {f"{letter}{row}" for row in rows if type(raw[row - top]) is bool}
    return found
