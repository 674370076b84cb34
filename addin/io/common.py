"""What every reader shares: turning rows into a :class:`Table`, choosing a sheet, wording sizes.

The readers collect data rows (already converted to :data:`CellValue` or :class:`FormulaCell`)
together with the row number the user sees, then hand them to :func:`build_table`, which pads
short rows, keeps the cells of long rows under an empty header, transposes to columns and drops
the trailing columns that have neither a header nor a value.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from addin.core.table import CellValue, FormulaCell, SourceInfo, Table
from addin.errors import (
    ClientImportError,
    EmptyFileError,
    EncryptedFileError,
    InputError,
    SheetNotFoundError,
)
from addin.io.product_sheets import is_product_sheet

Cell = CellValue | FormulaCell

#: Rows are transposed by chunks of this many rows, so that ``zip(*chunk)`` stays small.
_CHUNK = 4096


def build_table(
    headers: list[str],
    rows: list[list[Cell]],
    row_numbers: list[int],
    source: SourceInfo,
    *,
    empty_string_is_none: bool = False,
) -> Table:
    """Turn row-major data (empty rows already dropped) into a :class:`Table`.

    ``empty_string_is_none`` converts ``""`` to ``None`` while transposing (the CSV reader
    uses it so that it never touches a cell one by one in Python).
    """
    width = max(len(headers), max(map(len, rows), default=0))
    headers = headers + [""] * (width - len(headers))
    for row in rows:
        if len(row) < width:
            row.extend([None] * (width - len(row)))

    columns: list[list[Cell]] = [[] for _ in range(width)]
    for start in range(0, len(rows), _CHUNK):
        chunk = rows[start : start + _CHUNK]
        for j, values in enumerate(zip(*chunk, strict=True)):
            if empty_string_is_none:
                columns[j].extend([v or None for v in values])
            else:
                columns[j].extend(values)

    # Trailing columns without a header and without any value: separators at the end of every
    # CSV line, cells formatted but never filled in a workbook.
    while headers and not headers[-1].strip() and columns[-1].count(None) == len(columns[-1]):
        headers.pop()
        columns.pop()

    return Table(headers=headers, columns=columns, row_numbers=row_numbers, source=source)


def workbook_table(
    path: Path,
    kind: str,
    size: int,
    *,
    sheet: str,
    sheets: Sequence[tuple[str, bool]],
    header_row: int,
    header: list[Cell],
    rows: list[list[Cell]],
    row_numbers: list[int],
) -> Table:
    """The end of every workbook reader: describe the source, check the header, build the table."""
    source = SourceInfo(
        path=str(path),
        kind=kind,
        size_bytes=size,
        sheet=sheet,
        sheets=[name for name, _ in sheets if not is_product_sheet(name)],
        header_row=header_row,
    )
    headers = [header_text(value) for value in header]
    where = f"La feuille « {sheet} » du classeur « {path.name} »"
    check_header(headers, bool(rows), where, header_row)
    return build_table(headers, rows, row_numbers, source)


def check_header(headers: list[str], has_data: bool, where: str, header_row: int) -> None:
    """Raise :class:`EmptyFileError` when there is no header row to work with."""
    if any(h.strip() for h in headers):
        return
    if not has_data:
        raise EmptyFileError(f"{where} est vide : il n'y a aucune donnée à vérifier.")
    raise EmptyFileError(
        f"La ligne {header_row} de {_lower_first(where)} est vide, alors qu'elle doit contenir "
        "les noms des colonnes (Code client, Nom…) : ajoutez-les sur cette ligne, ou supprimez "
        "les lignes vides au-dessus du tableau, puis réessayez."
    )


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def header_text(value: Cell) -> str:
    """A header cell as text: ``None`` becomes ``""``; dates, numbers and formulas are shown."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, FormulaCell):
        return value.formula
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def choose_sheet(
    path: Path,
    sheets: Sequence[tuple[str, bool]],
    sheet: str | None,
    preferred_sheet: str | None,
) -> str:
    """Pick the sheet to read among ``(name, visible)`` pairs, in workbook order.

    ``sheet`` (asked for by the user) must exist; ``preferred_sheet`` (suggested by the profile)
    is used when present; otherwise the first visible sheet. Names are compared exactly first,
    then without case and surrounding spaces.
    """
    names = [name for name, _ in sheets]
    if not names:
        raise EmptyFileError(
            f"Le classeur « {path.name} » ne contient aucune feuille de calcul : "
            "il n'y a aucune donnée à vérifier."
        )
    if sheet is not None:
        found = _match_sheet(names, sheet)
        if found is None:
            listed = ", ".join(f"« {name} »" for name in names)
            raise SheetNotFoundError(
                f"La feuille « {sheet} » n'existe pas dans le classeur « {path.name} ». "
                f"Feuilles disponibles : {listed}."
            )
        return found
    if preferred_sheet is not None:
        found = _match_sheet(names, preferred_sheet)
        if found is not None:
            return found
    for name, visible in sheets:
        if visible and not is_product_sheet(name):
            return name
    return next((name for name in names if not is_product_sheet(name)), names[0])


def _match_sheet(names: Sequence[str], wanted: str) -> str | None:
    if wanted in names:
        return wanted
    key = wanted.strip().casefold()
    matches = [name for name in names if name.strip().casefold() == key]
    return matches[0] if len(matches) == 1 else None


def format_size(size: int) -> str:
    """A byte count the French way: ``"512 octets"``, ``"12,5 Ko"``, ``"100 Mo"``."""
    if size < 1024:
        return f"{size} octet" if size <= 1 else f"{size} octets"
    for unit, factor in (("Go", 1024**3), ("Mo", 1024**2), ("Ko", 1024)):
        if size >= factor:
            amount = f"{size / factor:.1f}".replace(".", ",")
            amount = amount.removesuffix(",0")
            return f"{amount} {unit}"
    raise AssertionError("unreachable")  # pragma: no cover


def encrypted(path: Path, opendocument: bool = False) -> EncryptedFileError:
    """The error for a workbook protected by a password (``opendocument``: an .ods file)."""
    if opendocument:
        how = (
            "ouvrez-le dans LibreOffice, choisissez Fichier > Enregistrer sous, décochez "
            "« Enregistrer avec mot de passe », enregistrez-le et réessayez."
        )
    else:
        how = (
            "ouvrez-le dans Excel, retirez le mot de passe (Fichier > Informations > Protéger "
            "le classeur > Chiffrer avec mot de passe, puis effacez-le), enregistrez-le et "
            "réessayez."
        )
    return EncryptedFileError(
        f"Le classeur « {path.name} » est protégé par un mot de passe : {how}"
    )


@contextmanager
def library_errors_as(damaged: InputError) -> Iterator[None]:
    """Whatever a spreadsheet library trips on means the file is not what it claims to be.

    Our own errors (and running out of memory) pass through unchanged; anything else the
    library raises becomes ``damaged``, a sentence for the user instead of a traceback.
    """
    try:
        yield
    except (ClientImportError, MemoryError):
        raise
    except Exception as error:
        raise damaged from error
