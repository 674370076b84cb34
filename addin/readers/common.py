"""What every reader shares: turning rows into a :class:`Table`, choosing a sheet, wording sizes.

The readers collect rows (already converted to :data:`CellValue` or :class:`FormulaCell`)
together with the row number the user sees, split them at the header row
(:mod:`addin.readers.header_row`), then hand them to :func:`table_from`, which records how the
header was found and calls :func:`build_table`: it pads short rows, keeps the cells of long rows
under an empty header, transposes to columns and drops the trailing columns that have neither a
header nor a value.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from openpyxl.utils.cell import get_column_letter

from addin.core.catalogue import Lang
from addin.core.product_sheets import is_product_sheet
from addin.core.table import CellValue, FormulaCell, SourceInfo, Table
from addin.errors import (
    ClientImportError,
    EmptyFileError,
    EncryptedFileError,
    InputError,
    SheetNotFoundError,
)

if TYPE_CHECKING:
    from addin.readers.header_row import Located

Cell = CellValue | FormulaCell

#: Scores of candidate sheets (by name) for how well their header row fits the profile.
SheetScores = Callable[[Sequence[str]], dict[str, float]]

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
    sheet: SheetChoice,
    sheets: Sequence[tuple[str, bool]],
    located: Located,
) -> Table:
    """The end of every workbook reader: describe the source, check the header, build the table."""
    source = SourceInfo(
        path=str(path),
        kind=kind,
        size_bytes=size,
        sheet=sheet.name,
        sheets=[name for name, _ in sheets if not is_product_sheet(name)],
        sheet_chosen_by=sheet.chosen_by,
    )
    return table_from(
        located,
        source,
        f"La feuille « {sheet.name} » du classeur « {path.name} »",
        f"Sheet “{sheet.name}” of workbook “{path.name}”",
    )


def table_from(
    located: Located,
    source: SourceInfo,
    where: str,
    where_en: str,
    *,
    empty_string_is_none: bool = False,
) -> Table:
    """The table of rows split at their header, with how the header was found in ``source``.

    ``where`` (``where_en`` in English) names the file (or sheet) in the error raised when
    there is no header to work with. A file without a header row gets the columns "Colonne A",
    "Colonne B"...
    """
    choice = located.choice
    source.header_row = choice.row
    source.header_found_by = choice.found_by
    source.headerless = choice.headerless
    source.preamble = located.preamble
    if choice.headerless:
        table = build_table(
            [], located.rows, located.numbers, source, empty_string_is_none=empty_string_is_none
        )
        table.headers = column_names(len(table.columns))
        return table
    headers = [header_text(value) for value in located.header]
    check_header(headers, bool(located.rows), where, where_en, choice.row)
    return build_table(
        headers, located.rows, located.numbers, source, empty_string_is_none=empty_string_is_none
    )


def column_names(count: int) -> list[str]:
    """Names for the columns of a file without headers: "Colonne A", "Colonne B"..."""
    return [f"Colonne {get_column_letter(index + 1)}" for index in range(count)]


def check_header(
    headers: list[str], has_data: bool, where: str, where_en: str, header_row: int
) -> None:
    """Raise :class:`EmptyFileError` when there is no header row to work with."""
    if any(h.strip() for h in headers):
        return
    if not has_data:
        raise EmptyFileError(
            f"{where} est vide : il n'y a aucune donnée à vérifier.",
            en=f"{where_en} is empty: there is no data to check.",
        )
    raise EmptyFileError(
        f"La ligne {header_row} de {_lower_first(where)} est vide, alors qu'elle doit contenir "
        "les noms des colonnes (Code client, Nom…) : ajoutez-les sur cette ligne, ou supprimez "
        "les lignes vides au-dessus du tableau, puis réessayez.",
        en=(
            f"Row {header_row} of {_lower_first(where_en)} is empty, while it must hold "
            "the column names (Customer code, Name…): add them on that row, or delete "
            "the empty rows above the table, then try again."
        ),
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


@dataclass(frozen=True, slots=True)
class SheetChoice:
    """The sheet to read, and why: ``"asked"`` (by the user), ``"profile"`` (the profile's
    preferred sheet), ``"headers"`` (its header row fits the profile best) or ``"first"`` (the
    first visible sheet)."""

    name: str
    chosen_by: str


def choose_sheet(
    path: Path,
    sheets: Sequence[tuple[str, bool]],
    sheet: str | None,
    preferred_sheet: str | None,
    scores: SheetScores | None = None,
) -> SheetChoice:
    """Pick the sheet to read among ``(name, visible)`` pairs, in workbook order.

    ``sheet`` (asked for by the user) must exist; ``preferred_sheet`` (suggested by the profile)
    is used when present; otherwise, given ``scores``, the visible sheet (not one of ours) whose
    header row fits the profile best, the first on a tie; otherwise the first visible sheet.
    Names are compared exactly first, then without case and surrounding spaces.
    """
    names = [name for name, _ in sheets]
    if not names:
        raise EmptyFileError(
            f"Le classeur « {path.name} » ne contient aucune feuille de calcul : "
            "il n'y a aucune donnée à vérifier.",
            en=(f"Workbook “{path.name}” holds no worksheet: there is no data to check."),
        )
    if sheet is not None:
        found = _match_sheet(names, sheet)
        if found is None:
            listed = ", ".join(f"« {name} »" for name in names)
            listed_en = ", ".join(f"“{name}”" for name in names)
            raise SheetNotFoundError(
                f"La feuille « {sheet} » n'existe pas dans le classeur « {path.name} ». "
                f"Feuilles disponibles : {listed}.",
                en=(
                    f"Sheet “{sheet}” does not exist in workbook “{path.name}”. "
                    f"Sheets available: {listed_en}."
                ),
            )
        return SheetChoice(found, "asked")
    if preferred_sheet is not None:
        found = _match_sheet(names, preferred_sheet)
        if found is not None:
            return SheetChoice(found, "profile")
    candidates = [name for name, visible in sheets if visible and not is_product_sheet(name)]
    if scores is not None and len(candidates) > 1:
        scored = scores(candidates)
        best = max(candidates, key=lambda name: scored.get(name, 0.0))  # the first on a tie
        if scored.get(best, 0.0) > 0:
            return SheetChoice(best, "headers")
    if candidates:
        return SheetChoice(candidates[0], "first")
    return SheetChoice(
        next((name for name in names if not is_product_sheet(name)), names[0]), "first"
    )


def _match_sheet(names: Sequence[str], wanted: str) -> str | None:
    if wanted in names:
        return wanted
    key = wanted.strip().casefold()
    matches = [name for name in names if name.strip().casefold() == key]
    return matches[0] if len(matches) == 1 else None


def format_size(size: int, lang: Lang = "fr") -> str:
    """A byte count the French way: ``"512 octets"``, ``"12,5 Ko"``, ``"100 Mo"``; in English
    (``lang="en"``): ``"512 bytes"``, ``"12.5 KB"``, ``"100 MB"``."""
    if lang == "en":
        if size < 1024:
            return f"{size} byte" if size == 1 else f"{size} bytes"
        units = (("GB", 1024**3), ("MB", 1024**2), ("KB", 1024))
    else:
        if size < 1024:
            return f"{size} octet" if size <= 1 else f"{size} octets"
        units = (("Go", 1024**3), ("Mo", 1024**2), ("Ko", 1024))
    for unit, factor in units:
        if size >= factor:
            amount = f"{size / factor:.1f}".removesuffix(".0")
            amount = amount if lang == "en" else amount.replace(".", ",")
            return f"{amount} {unit}"
    raise AssertionError("unreachable")  # pragma: no cover


def encrypted(path: Path, opendocument: bool = False) -> EncryptedFileError:
    """The error for a workbook protected by a password (``opendocument``: an .ods file)."""
    if opendocument:
        how = (
            "ouvrez-le dans LibreOffice, choisissez Fichier > Enregistrer sous, décochez "
            "« Enregistrer avec mot de passe », enregistrez-le et réessayez."
        )
        how_en = (
            "open it in LibreOffice, choose File > Save As, untick “Save with password”, "
            "save it and try again."
        )
    else:
        how = (
            "ouvrez-le dans Excel, retirez le mot de passe (Fichier > Informations > Protéger "
            "le classeur > Chiffrer avec mot de passe, puis effacez-le), enregistrez-le et "
            "réessayez."
        )
        how_en = (
            "open it in Excel, remove the password (File > Info > Protect Workbook > "
            "Encrypt with Password, then clear it), save it and try again."
        )
    return EncryptedFileError(
        f"Le classeur « {path.name} » est protégé par un mot de passe : {how}",
        en=f"Workbook “{path.name}” is protected by a password: {how_en}",
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
