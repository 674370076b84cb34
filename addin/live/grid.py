"""A sheet's cells read from Excel in bulk: a few calls, whatever the number of rows.

Each call into Excel costs about as much as reading thousands of cells in one call, so nothing
here asks for one cell at a time (``docs/design/xlwings-on-linux.md`` §1.4):

1. the used range (where the sheet's cells end);
2. every value of the rows wanted, from column A, in one read (xlwings splits it above
   ``max_cells_per_read``, four million cells, as Excel needs; the tests count it);
3. when a cell came back empty: the formulas of the same rows, in one read, so that a formula
   Excel has not computed (manual calculation) is told from an empty cell;
4. per column holding numbers, the number format of the rows that hold them, in one call; a
   column whose formats differ (Excel answers ``None``) is split in two, and so on, so the
   calls grow with how mixed the formats are, never with the rows.

Values are read raw (``Range.raw_value`` through xlwings' ``"raw"`` converter) and then cleaned by
the engine's own ``clean_value_data``, as xlwings' default converter does, with one difference:
Excel hands a formula whose result is an empty text as ``""`` and a formula never computed as
nothing, and the default converter makes both ``None``. The first is an empty cell for the file
path, the second a :class:`~addin.core.table.FormulaCell`, so ``""`` is set apart before the
cleaning.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from typing import Any

import xlwings as xw

from addin.core.table import FormulaCell
from addin.errors import FileTooLargeError
from addin.live.values import live_cell, needs_format
from addin.readers.common import Cell

#: Stands for a formula's empty text result while xlwings cleans the values (Excel cells cannot
#: hold U+0000, so no cell's text can be this).
_EMPTY_TEXT = "\x00client-import: texte vide\x00"

#: Most cells read from one sheet: about 1.5 GB of Python objects. Excel's used range runs to
#: the last cell ever formatted, so a stray format at XFD1048576 would otherwise mean 17
#: billion cells; a real table of 400,000 rows by 25 columns fits.
MAX_CELLS = 10_000_000

#: A cell's raw value after cleaning: what :func:`~addin.live.values.live_cell` converts.
Raw = Any


def read_rows(sheet: xw.Sheet, first_row: int = 1, last_row: int | None = None) -> list[list[Cell]]:
    """The cells of rows ``first_row`` to ``last_row`` (the last used row when ``None``), from
    column A to the last used column, as the file path reads them; ``[]`` when there are none."""
    used = sheet.used_range
    last_used_row = used.row + used.shape[0] - 1
    last_column = used.column + used.shape[1] - 1
    last = last_used_row if last_row is None else min(last_row, last_used_row)
    if last < first_row:
        return []
    if (last - first_row + 1) * last_column > MAX_CELLS:
        raise _too_large(sheet.name, last - first_row + 1, last_column)
    block = sheet.range((first_row, 1), (last, last_column))
    values = _values(block)
    formats = _formats(block, values)
    formulas = _rows_2d(block.formula) if _any_empty(values) else None
    rows: list[list[Cell]] = []
    for i, row in enumerate(values):
        cells: list[Cell] = []
        for j, value in enumerate(row):
            if type(value) is str:  # most cells: as typed
                cells.append(None if value == _EMPTY_TEXT else value)  # "" from a formula
            elif value is None:
                formula = None if formulas is None else formulas[i][j]
                if isinstance(formula, str) and formula.startswith("="):
                    cells.append(FormulaCell(formula))  # never computed
                else:
                    cells.append(None)
            else:
                cells.append(live_cell(value, formats.get((i, j))))
        rows.append(cells)
    return rows


def _too_large(name: str, rows: int, columns: int) -> FileTooLargeError:
    return FileTooLargeError(
        f"La feuille « {name} » s'étend sur {_count(rows)} lignes et {_count(columns)} colonnes, "
        f"au-delà des {_count(MAX_CELLS)} cellules qui peuvent être vérifiées : des cellules mises "
        "en forme loin sous le tableau ou à sa droite l'agrandissent. Sélectionnez les lignes "
        "vides sous le tableau jusqu'à la dernière (Ctrl+Maj+Fin), supprimez-les (clic droit > "
        "Supprimer), faites de même pour les colonnes vides à droite, enregistrez, puis "
        "réessayez.",
        en=(
            f"Sheet “{name}” spans {rows:,} rows and {columns:,} columns, "
            f"beyond the {MAX_CELLS:,} cells that can be checked: formatted cells "
            "far below the table or to its right make it larger. Select the empty rows "
            "below the table down to the last one (Ctrl+Shift+End), delete them (right-click > "
            "Delete), do the same for the empty columns on the right, save, then "
            "try again."
        ),
    )


def _count(number: int) -> str:
    """``1048576`` → ``"1 048 576"``: numbers the French way, with a no-break space."""
    return f"{number:,}".replace(",", "\u00a0")


def _values(block: xw.Range) -> list[list[Raw]]:
    """Every value of the block in one read, cleaned as xlwings cleans them (errors as text)."""
    raw = block.options("raw", err_to_str=True).value
    rows = [[_EMPTY_TEXT if value == "" else value for value in row] for row in _rows_2d(raw)]
    engine = block.sheet.book.app.engine.impl
    cleaned: list[list[Raw]] = engine.clean_value_data(rows, dt.datetime, None, None, True)
    return cleaned


def _rows_2d(raw: Any) -> list[list[Any]]:
    """Excel answers a scalar for one cell and a flat sequence for one row (on macOS)."""
    if not isinstance(raw, list | tuple):
        return [[raw]]
    if raw and not isinstance(raw[0], list | tuple):
        return [list(raw)]
    return [list(row) for row in raw]


def _any_empty(values: Sequence[Sequence[Raw]]) -> bool:
    return any(value is None for row in values for value in row)


def _formats(block: xw.Range, values: Sequence[Sequence[Raw]]) -> dict[tuple[int, int], str]:
    """The number format of each cell that needs one, by (row, column) index in the block."""
    wanted: dict[int, list[int]] = {}  # column → rows
    for i, row in enumerate(values):
        for j, value in enumerate(row):
            if type(value) is not str and value is not None and needs_format(value):
                wanted.setdefault(j, []).append(i)
    formats: dict[tuple[int, int], str] = {}
    for j in sorted(wanted):
        for rows, number_format in _column_formats(block, j, wanted[j]):
            for i in rows:
                formats[i, j] = number_format
    return formats


def _column_formats(
    block: xw.Range, column: int, rows: list[int]
) -> Iterator[tuple[list[int], str]]:
    """Groups of ``rows`` (indexes in the block) of one column sharing a number format.

    One call for the span of ``rows``; when Excel says the formats differ (``None``), each half
    of ``rows`` is asked again, down to single cells.
    """
    if not rows:
        return
    first, last = rows[0], rows[-1]
    top = block.row + first
    number_format = block.sheet.range(
        (top, block.column + column), (block.row + last, block.column + column)
    ).number_format
    if isinstance(number_format, str):
        yield rows, number_format
        return
    if len(rows) == 1:
        yield rows, "General"  # Excel gives one cell's format; an engine that does not: General
        return
    middle = len(rows) // 2
    yield from _column_formats(block, column, rows[:middle])
    yield from _column_formats(block, column, rows[middle:])
