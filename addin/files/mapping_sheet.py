"""The mapping sheet: which field each column of the user's file feeds, correctable in Excel.

``map`` writes it into the user's workbook (``CI_Correspondance``, ``CI_Mapping`` in English);
the use cases read it back and follow it. Layout::

    1  title
    2  one instruction line
    3  Profil   | reveal            machine-readable: the profile ...
    4  Feuille  | Clients           ... and the data sheet the mapping is for
    6  Colonne du fichier | Lettre | Champ | Confiance (%) | Raison | Exemple
    7… one row per column of the file; Champ (C) has a dropdown of the profile's labels

The dropdown is a list validation whose source is a range of a hidden column (H) of the same
sheet: the labels are too many and too long for an inline list (255 characters), and a
same-sheet range works in every Excel. The labels sit below the entries, so deleting an
entry's row in Excel never takes a label out of the list.

It is written at package level (``XlsxPackage``): every part of the user's workbook other than
the workbook index parts keeps its bytes. It is read back through the ordinary readers,
finding its rows by their labels in column A, so a workbook re-saved by Excel or LibreOffice
(shared strings, rows moved by the user) still reads; only our sheet is read, never the data.
"""

from __future__ import annotations

import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import quoteattr

from addin.core.catalogue import Lang
from addin.core.product_sheets import MAPPING_SHEETS
from addin.core.table import CellValue, FormulaCell, StoredEntry, StoredMapping, Table
from addin.core.workbook import MappingSheetRow
from addin.errors import EmptyFileError, InputError, UsageError
from addin.files.safe_files import write_in_place_or_to
from addin.files.sheet_xml import (
    NARROWEST,
    cols_xml,
    fitted_widths,
    frozen_below,
    inline_cell,
    worksheet,
)
from addin.files.table_part import TABLE_PREFIX, TableSpec, add_table
from addin.files.xlsx_package import XlsxPackage, is_own_sheet
from addin.files.xml_chars import xml_safe
from addin.readers.common import header_text
from addin.readers.ooxml import NotSure, read_package
from addin.readers.reader import list_sheets, read_table

_WORKBOOKS = {".xlsx", ".xlsm"}

_WORDS: dict[Lang, dict[str, str]] = {
    "fr": {
        "title": "Correspondance des colonnes de « {sheet} » avec les champs de {platform}",
        "help": "Choisissez dans la colonne C le champ que chaque colonne alimente ; « (ne pas "
        "importer) » pour l'ignorer. validate, fix et export suivent ce choix.",
        "profile": "Profil",
        "sheet": "Feuille",
        "list": "Champs proposés (liste du menu, ne pas modifier)",
        "prompt_title": "Champ",
        "prompt": "Le champ de {platform} que cette colonne alimente (menu déroulant).",
        "error_title": "Champ inconnu",
        "error": "Choisissez un champ dans la liste, ou « (ne pas importer) » pour ignorer "
        "la colonne.",
    },
    "en": {
        "title": "Columns of “{sheet}” and the {platform} fields they feed",
        "help": "In column C, choose the field each column feeds; “(do not import)” to leave it "
        "out. validate, fix and export follow this choice.",
        "profile": "Profile",
        "sheet": "Sheet",
        "list": "Fields offered (the dropdown's list, do not edit)",
        "prompt_title": "Field",
        "prompt": "The {platform} field this column feeds (dropdown).",
        "error_title": "Unknown field",
        "error": "Choose a field from the list, or “(do not import)” to leave the column out.",
    },
}
_HEADERS: dict[Lang, tuple[str, ...]] = {
    "fr": ("Colonne du fichier", "Lettre", "Champ", "Confiance (%)", "Raison", "Exemple"),
    "en": ("File column", "Letter", "Field", "Confidence (%)", "Reason", "Example"),
}
_PROFILE_ROW, _SHEET_ROW, HEADER_ROW = 3, 4, 6
#: where the dropdown's labels are written (hidden), and how far below the entries they start
_LIST_COLUMN, _LIST_GAP = "H", 3
_EXAMPLE_MAX = 100
#: Excel's limits for a validation's titles and messages
_TITLE_MAX, _MESSAGE_MAX = 32, 255


# --- writing --------------------------------------------------------------------------------


def write_mapping_sheet(
    path: Path,
    rows: Sequence[MappingSheetRow],
    labels: Sequence[str],
    *,
    profile: str,
    platform: str,
    data_sheet: str,
    lang: Lang = "fr",
    output: Path | None = None,
) -> Path:
    """Add the mapping sheet to the workbook at ``path`` (replacing ours if it has one).

    In place after a backup copy beside it (``safe_files``), or into ``output`` (replaced if it
    exists: asking before is the caller's job). ``labels`` is the dropdown, in order. Returns
    the workbook written. A CSV, .xls or .ods is refused: it cannot hold the sheet.
    """
    _check_workbook_path(path, output)
    package = XlsxPackage.open(path)
    put_mapping_sheet(
        package, rows, labels, profile=profile, platform=platform, data_sheet=data_sheet, lang=lang
    )
    return write_in_place_or_to(path, output, package.save)


def put_mapping_sheet(
    package: XlsxPackage,
    rows: Sequence[MappingSheetRow],
    labels: Sequence[str],
    *,
    profile: str,
    platform: str,
    data_sheet: str,
    lang: Lang = "fr",
) -> None:
    """The same, in a package already open (for a use case that edits more than this sheet).

    A mapping sheet of the same language is rewritten where it stands (the sheets' order and
    indexes do not move); one of the other language is removed and the new one appended.
    """
    if not labels:
        raise ValueError("a mapping sheet needs at least one label for its dropdown")
    layout = mapping_layout(
        rows, labels, profile=profile, platform=platform, data_sheet=data_sheet, lang=lang
    )
    xml = layout_xml(layout)
    part = package.put_own_sheet(MAPPING_SHEETS[lang], xml, other_names=MAPPING_SHEETS.values())
    add_table(package, part, layout.table)


@dataclass(frozen=True, slots=True)
class Dropdown:
    """The list validation of column C: only the labels of ``source``, blank allowed (blank =
    not imported), with its prompt and its refusal (Excel's limits applied)."""

    cells: str  # "C7:C12"
    source: str  # "$H$15:$H$40"
    prompt_title: str
    prompt: str
    error_title: str
    error: str


@dataclass(frozen=True, slots=True)
class MappingLayout:
    """The whole mapping sheet, whoever draws it: the file path here, the open book in
    ``addin.live.mapping``."""

    #: row number → column letter → a text or a number
    cells: dict[int, dict[str, str | int]]
    #: ``None`` when no column is listed
    dropdown: Dropdown | None
    #: widths of A to F, in Excel's character units; the list column is hidden
    widths: tuple[int, ...]
    #: the table over the headers and the entries
    table: TableSpec
    list_column: str = _LIST_COLUMN
    header_row: int = HEADER_ROW


def mapping_layout(
    rows: Sequence[MappingSheetRow],
    labels: Sequence[str],
    *,
    profile: str,
    platform: str,
    data_sheet: str,
    lang: Lang = "fr",
) -> MappingLayout:
    """What the sheet holds, where (see the module's docstring)."""
    words = _WORDS[lang]
    top = HEADER_ROW
    cells: dict[int, dict[str, str | int]] = {
        1: {"A": words["title"].format(sheet=data_sheet, platform=platform)},
        2: {"A": words["help"]},
        _PROFILE_ROW: {"A": words["profile"], "B": profile},
        _SHEET_ROW: {"A": words["sheet"], "B": data_sheet},
        top: dict(zip("ABCDEF", _HEADERS[lang], strict=True)),
    }
    for number, row in enumerate(rows, start=top + 1):
        percent = round(min(max(row.confidence, 0.0), 1.0) * 100)
        cells[number] = {
            "A": row.column,
            "B": row.letter,
            "C": row.label,
            "D": percent,
            "E": row.reason,
            "F": _shortened(row.example),
        }
    last = top + len(rows)
    first_label = last + _LIST_GAP
    cells[first_label - 1] = {_LIST_COLUMN: words["list"]}
    for number, label in enumerate(labels, first_label):
        cells[number] = {_LIST_COLUMN: label}
    source = f"${_LIST_COLUMN}${first_label}:${_LIST_COLUMN}${first_label + len(labels) - 1}"
    dropdown = None
    if rows:
        dropdown = Dropdown(
            cells=f"C{top + 1}:C{last}",
            source=source,
            prompt_title=words["prompt_title"][:_TITLE_MAX],
            prompt=words["prompt"].format(platform=platform)[:_MESSAGE_MAX],
            error_title=words["error_title"][:_TITLE_MAX],
            error=words["error"][:_MESSAGE_MAX],
        )
    table = TableSpec(TABLE_PREFIX + "Mapping", top, _HEADERS[lang], last)
    return MappingLayout(cells, dropdown, _widths(rows, labels, lang), table)


def layout_xml(layout: MappingLayout) -> bytes:
    """The worksheet part of ``layout``, without its table."""
    lines = [_row(number, layout.cells[number]) for number in sorted(layout.cells)]
    validation = "" if layout.dropdown is None else _dropdown(layout.dropdown)
    return worksheet(
        lines,
        before=f'<sheetPr><tabColor rgb="FF{TAB_COLOUR}"/></sheetPr>'
        + frozen_below(layout.header_row)
        + _columns(layout.widths),
        after=validation,
    )


#: The mapping sheet's tab colour (RRGGBB).
TAB_COLOUR = "2F75B5"


def _row(number: int, values: dict[str, str | int]) -> str:
    cells = []
    for letter in sorted(values):
        value = values[letter]
        if isinstance(value, int):
            cells.append(f'<c r="{letter}{number}"><v>{value}</v></c>')
        else:
            cells.append(inline_cell(f"{letter}{number}", value))
    return f'<row r="{number}">{"".join(cells)}</row>'


def _shortened(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= _EXAMPLE_MAX else text[: _EXAMPLE_MAX - 1] + "…"


def _dropdown(dropdown: Dropdown) -> str:
    attributes = {
        "type": "list",
        "allowBlank": "1",
        "showInputMessage": "1",
        "showErrorMessage": "1",
        "errorStyle": "stop",
        "errorTitle": dropdown.error_title,
        "error": dropdown.error,
        "promptTitle": dropdown.prompt_title,
        "prompt": dropdown.prompt,
        "sqref": dropdown.cells,
    }
    spelled = " ".join(f"{name}={quoteattr(xml_safe(v))}" for name, v in attributes.items())
    return (
        f'<dataValidations count="1"><dataValidation {spelled}><formula1>{dropdown.source}'
        "</formula1></dataValidation></dataValidations>"
    )


def _widths(rows: Sequence[MappingSheetRow], labels: Sequence[str], lang: Lang) -> tuple[int, ...]:
    """A to F fitted to the headers and entries; the field's column to every label its
    dropdown offers."""
    lines: list[list[object]] = [
        [row.column, row.letter, row.label, 100, row.reason, _shortened(row.example)]
        for row in rows
    ]
    lines += [[None, None, label] for label in labels]
    return fitted_widths(_HEADERS[lang], lines)


#: The hidden list column's width.
LIST_WIDTH = 40


def _columns(widths: tuple[int, ...]) -> str:
    """A to F as wide as ``widths``, the list column hidden."""
    hidden = ord(_LIST_COLUMN) - ord("A") + 1
    gap = (NARROWEST,) * (hidden - len(widths) - 1)  # G, empty
    return cols_xml((*widths, *gap, LIST_WIDTH), hidden={hidden})


def _check_workbook_path(path: Path, output: Path | None) -> None:
    suffix = path.suffix.lower()
    if suffix not in _WORKBOOKS:
        raise cannot_keep_mapping(path.name)
    check_mapping_output(path, output)


def cannot_keep_mapping(name: str) -> UsageError:
    """The refusal for a workbook that cannot hold the mapping sheet (a CSV, .xls, .ods)."""
    return UsageError(
        f"« {name} » ne peut pas garder la correspondance des colonnes : seul un "
        "classeur .xlsx ou .xlsm le peut. Enregistrez le fichier au format .xlsx (Excel) "
        "d'abord, puis relancez la commande sur ce classeur.",
        en=(
            f"“{name}” cannot keep the column mapping: only an "
            ".xlsx or .xlsm workbook can. Save the file as .xlsx (Excel) "
            "first, then run the command again on that workbook."
        ),
    )


def check_mapping_output(path: Path, output: Path | None) -> None:
    """A copy written elsewhere keeps the original's format."""
    suffix = path.suffix.lower()
    if output is not None and output.suffix.lower() != suffix:
        raise UsageError(
            f"le classeur écrit doit garder le format de l'original ({suffix}) : "
            f"« {output.name} » n'en a pas l'extension",
            en=(
                f"the workbook written must keep the original's format ({suffix}): "
                f"“{output.name}” does not have that extension"
            ),
        )


# --- reading --------------------------------------------------------------------------------


def mapping_sheet_name(names: Sequence[str]) -> str | None:
    """Our mapping sheet among a workbook's sheet names, in whichever language it was made."""
    return next((name for name in names if name in MAPPING_SHEETS.values()), None)


def read_mapping_sheet(path: Path) -> StoredMapping | None:
    """The mapping stored in the workbook at ``path``; ``None`` if it has none (or is a CSV).

    Rows are found by what column A says (in French or English), so rows the user inserted or
    deleted above the table do not matter. A sheet that no longer says which profile it is for,
    or has lost its header row, is an :class:`InputError`: the user's choices cannot be trusted.
    """
    name = mapping_sheet_name(_sheet_names(path))
    if name is None or (zipfile.is_zipfile(path) and not is_own_sheet(path, name)):
        return None  # a user's own sheet of that name is the user's data, not our mapping
    return mapping_from_lines(name, _lines(path, name))


#: A row of a sheet as read: its number and its cells.
Lines = list[tuple[int, list[CellValue | FormulaCell]]]


def mapping_from_lines(name: str, lines: Lines) -> StoredMapping:
    """The mapping our sheet ``name`` stores, from its non-empty rows (read from the saved file
    here, from the open book by ``addin.live``): one parsing for both."""
    header = next((n for n, cells in lines if _key(_at(cells, 0)) in _HEADER_KEYS), None)
    above = [cells for n, cells in lines if header is None or n < header]
    profile = _beside(above, "profile")
    if not profile or header is None:
        what = "le profil" if not profile else "la ligne des en-têtes"
        what_en = "the profile" if not profile else "the header row"
        raise InputError(
            f"la feuille « {name} » a été modifiée ({what} n'y est plus) : la correspondance "
            "des colonnes ne peut pas être lue. Supprimez cette feuille ou relancez la "
            "commande map pour la refaire.",
            en=(
                f"sheet “{name}” has been changed ({what_en} is no longer there): the column "
                "mapping cannot be read. Delete this sheet or run the map command "
                "again to redo it."
            ),
        )
    entries = tuple(
        StoredEntry(column=_text(cells, 0), letter=_text(cells, 1), label=_text(cells, 2))
        for number, cells in lines
        if number > header and any(_text(cells, i).strip() for i in range(3))
    )
    return StoredMapping(profile, _beside(above, "sheet") or None, entries)


def _lines(path: Path, name: str) -> Lines:
    return sheet_lines(lambda first: read_table(path, sheet=name, header_row=first))


def sheet_lines(read: Callable[[int], Table]) -> Lines:
    """Every non-empty row of our sheet with its number, whatever row the user left first;
    ``read(first)`` reads the sheet with its header on row ``first`` (a file's or a live
    book's reader)."""
    for first in range(1, HEADER_ROW + 1):
        try:
            table = read(first)
        except EmptyFileError:  # the title row deleted, say: the next row leads
            continue
        lines: Lines = [(first, list(table.headers))]
        return lines + [
            (number, [column[i] for column in table.columns])
            for i, number in enumerate(table.row_numbers)
        ]
    return []


_HEADER_KEYS = {_HEADERS[lang][0].casefold() for lang in _HEADERS}


def _sheet_names(path: Path) -> list[str]:
    """The workbook's sheet names from its small index part, never from a sheet's data."""
    try:
        with zipfile.ZipFile(path) as archive:
            return list(read_package(archive).sheet_paths)
    except (zipfile.BadZipFile, NotSure, KeyError, OSError, ValueError):
        return list_sheets(path)  # a CSV ([]), .xls, .ods; or the readers' own refusal


def _at(cells: list[CellValue | FormulaCell], index: int) -> CellValue | FormulaCell:
    return cells[index] if index < len(cells) else None


def _text(cells: list[CellValue | FormulaCell], index: int) -> str:
    return header_text(_at(cells, index))


def _key(value: CellValue | FormulaCell) -> str:
    return header_text(value).strip().casefold()


def _beside(lines: list[list[CellValue | FormulaCell]], what: str) -> str:
    """Column B of the row whose column A says ``what`` ("Profil" or "Profile"...)."""
    keys = {_WORDS[lang][what].casefold() for lang in _WORDS}
    for cells in lines:
        if _key(_at(cells, 0)) in keys:
            return _text(cells, 1).strip()
    return ""
