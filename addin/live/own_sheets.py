"""Which sheets of the open book are ours, and how a sheet we add is marked as ours.

The same mark as the file path's (``XlsxPackage._name_own_sheet``): a hidden defined name
``ClientImport_Sheet<n>`` referring to the sheet (``='CI_Corrections'!$A$1``), so that a user's
own sheet that has one of our names is never taken for ours, and a sheet we add live is ours
again once the book is saved and read by the command line. A book none of whose names are ours
may still hold our sheets from before the names existed: those are known by how they begin
(``product_sheets.LEGACY_CELLS``), as on the file path.
"""

from __future__ import annotations

import re

import xlwings as xw

from addin.core.product_sheets import LEGACY_CELLS, OWN_SHEET_NAME, PRODUCT_SHEETS
from addin.errors import UsageError
from addin.files.xlsx_package import quote_sheet

_QUOTED = re.compile(r"'((?:[^']|'')*)'!")


def referred_sheet(reference: str) -> str:
    """``='It''s'!$A$1`` → ``It's``; ``=Data!$A$1`` → ``Data``; ``=#REF!`` → ``""``."""
    reference = reference.strip().lstrip("=")
    if reference.startswith("'"):
        match = _QUOTED.match(reference)
        return match.group(1).replace("''", "'") if match else ""
    sheet, bang, _cell = reference.partition("!")
    return sheet if bang and sheet != "#REF" else ""


def _own_names(book: xw.Book) -> dict[str, list[xw.Name]]:
    """Our defined names, by the sheet each refers to."""
    found: dict[str, list[xw.Name]] = {}
    for name in book.names:
        if name.name.startswith(OWN_SHEET_NAME):
            found.setdefault(referred_sheet(name.refers_to or ""), []).append(name)
    return found


def own_sheet(book: xw.Book, candidates: list[str], present: list[str] | None = None) -> str | None:
    """The first of ``candidates`` (our names for one sheet, in each language) that is a sheet
    of ``book`` and ours; ``present``: the book's sheet names, when the caller has them (each
    listing is a call into Excel per sheet)."""
    if present is None:
        present = [sheet.name for sheet in book.sheets]
    wanted = [name for name in candidates if name in present]
    if not wanted:
        return None
    owned = set(_own_names(book)) - {""}
    if owned:
        return next((name for name in wanted if name in owned), None)
    return next((name for name in wanted if _legacy(book.sheets[name])), None)


def _legacy(sheet: xw.Sheet) -> bool:
    """A sheet of ours written before the owner names: it begins as ours did."""
    cells = LEGACY_CELLS.get(sheet.name)
    if sheet.name not in PRODUCT_SHEETS or cells is None:  # None: always had its owner mark
        return False
    for ref, beginnings in cells.items():
        value = sheet.range(ref).value
        if not (isinstance(value, str) and value.startswith(beginnings)):
            return False
    return True


def refuse_taken(
    book: xw.Book, names: list[str], then: str = "recommencez", then_en: str = "try again"
) -> None:
    """Refuse, before anything is written, to add our sheets ``names`` where a sheet of the
    user's has one of them (Excel compares sheet names without case), in the file path's
    words (``XlsxPackage.add_sheet``)."""
    wanted = {name.casefold() for name in names}
    taken = next((s.name for s in book.sheets if s.name.casefold() in wanted), None)
    if taken is not None:
        raise UsageError(
            f"le classeur a déjà une feuille « {taken} » qui n'a pas été ajoutée par "
            "client-import : renommez-la (clic droit sur l'onglet, Renommer), enregistrez "
            f"le classeur, puis {then}",
            en=(
                f"the workbook already has a sheet “{taken}” that was not added by "
                "client-import: rename it (right-click on the tab, Rename), save "
                f"the workbook, then {then_en}"
            ),
        )


def add_own_sheet(book: xw.Book, name: str) -> xw.Sheet:
    """A new sheet ``name`` at the end of ``book``, named as ours; the sheet the user was on
    stays the active one (Excel activates a sheet it adds)."""
    active = book.sheets.active
    sheet = book.sheets.add(name=name, after=book.sheets[len(book.sheets) - 1])
    taken = {each.name.lower() for each in book.names}
    number = 1
    while f"{OWN_SHEET_NAME}{number}".lower() in taken:
        number += 1
    mark = book.names.add(f"{OWN_SHEET_NAME}{number}", f"={quote_sheet(name)}!$A$1")
    mark.api.Visible = False  # COM's Name.Visible: hidden from the Name Manager, as ours are
    active.activate()
    return sheet


def remove_own_sheet(book: xw.Book, name: str) -> None:
    """Delete our sheet ``name`` and the names that marked it (else they would say ``#REF!``)."""
    for mark in _own_names(book).get(name, []):
        mark.delete()
    book.sheets[name].delete()
