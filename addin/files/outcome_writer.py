"""What a push did to each row, written back where the user looks, and one history line per push.

In an .xlsx/.xlsm workbook, at package level (``XlsxPackage``: every part other than the data
sheet, the workbook index parts and ours keeps its bytes)::

    data sheet   A … K (the user's)  | L Statut envoi (client-import)  | M ID plateforme (…)
    header row   the user's headers  | our two headers (English: "Push status (client-import)",
                                     |   "Platform ID (client-import)")
    pushed rows  untouched           | "refusé : Email : format invalide" | "cli_00042"

    CI_Historique (CI_History)   one line per push, newest last, header frozen:
    Date | Profil | Cible | Mode | Créés | Mis à jour | Inchangés | Refusés | Non envoyés
         | Supprimés

Our two columns go right of the last column anything uses (cells, merged ranges). A later push
finds them again by their header text, in either language, wherever the user moved them, and
writes only the rows it concerns: the other rows keep what the columns held. No other cell is
touched: the cells are put by ``cell_edits.put_cells`` in one walk over the sheet's XML. If the
sheet reaches so far right that our columns would pass XFD, Excel's last column, the workbook
is refused (:class:`InputError`) rather than written half.

The history's earlier lines are read back through the ordinary readers, so they survive an
Excel or LibreOffice re-save (shared strings instead of our inline ones).

A CSV is never rewritten for this: the outcomes go to ``NAME.envoi.csv`` beside it (row, key,
status, platform id, message; rows of an earlier push that this one does not concern are kept)
and the history line is added to ``NAME.historique.csv``, both in UTF-8 with a byte order mark
and the CSV's own separator, every value defused against formula injection (``csv_writer``).
An .xls or .ods workbook cannot be edited part by part: it gets the same two side files, with
``;`` as separator.
"""

from __future__ import annotations

import datetime as dt
import zipfile
from collections.abc import Mapping, Sequence
from functools import partial
from pathlib import Path
from typing import NamedTuple

from addin.core.catalogue import Lang
from addin.core.outcomes import COUNT_KEYS, HistoryLine, RowOutcome
from addin.core.product_columns import ID_HEADERS, STATUS_HEADERS
from addin.core.product_sheets import HISTORY_SHEETS, is_product_sheet
from addin.core.report import column_letter
from addin.core.table import CellValue, FormulaCell
from addin.errors import EmptyFileError, InputError, SheetNotFoundError, UsageError
from addin.files.cell_edits import MAX_COLUMN, index_rows, put_cells
from addin.files.csv_writer import write_csv
from addin.files.safe_files import write_in_place_or_to, write_replacing
from addin.files.sheet_xml import cols_xml, fitted_widths, frozen_below, inline_cell, worksheet
from addin.files.table_part import TABLE_PREFIX, TableSpec, add_table
from addin.files.xlsx_package import XlsxPackage
from addin.readers.csv_reader import decode, detect_separator
from addin.readers.ooxml import NotSure, read_package
from addin.readers.reader import read_table
from addin.readers.sheet_scan import first_rows

HISTORY_HEADERS: dict[Lang, tuple[str, ...]] = {
    "fr": ("Date", "Profil", "Cible", "Mode", "Créés", "Mis à jour", "Inchangés", "Refusés",
           "Non envoyés", "Supprimés"),
    "en": ("Date", "Profile", "Target", "Mode", "Created", "Updated", "Unchanged", "Rejected",
           "Not sent", "Deleted"),
}  # fmt: skip
SIDE_HEADERS: dict[Lang, tuple[str, ...]] = {
    "fr": ("Ligne", "Clé", "Statut", "ID plateforme", "Message"),
    "en": ("Row", "Key", "Status", "Platform ID", "Message"),
}
#: Where the status text and the platform's message meet ("refusé : Email : format invalide").
_JOINS: dict[Lang, str] = {"fr": " : ", "en": ": "}
_WORKBOOKS = {".xlsx", ".xlsm"}
_SIDE_FILE_WORKBOOKS = {".xls", ".ods"}
_TEXT_FILES = {".csv", ".txt", ".tsv"}
#: The most characters a cell holds; a longer message would make Excel repair the file.
_CELL_MAX = 32_767


def status_text(outcome: RowOutcome, lang: Lang = "fr") -> str:
    """What the status cell shows: the status, then the platform's message if it gave one."""
    text = outcome.status
    if outcome.message:
        text = f"{text}{_JOINS[lang]}{outcome.message}"
    return text[:_CELL_MAX]


def check_output(path: Path, output: Path | None) -> None:
    """Refuse, before a push sends anything, an ``output`` the outcomes could not be written to:
    a workbook's copy must keep its format, and its folder must exist."""
    if path.suffix.lower() in _WORKBOOKS and zipfile.is_zipfile(path):
        _no_user_history_sheet(XlsxPackage.open(path))
    if output is None:
        return
    if not output.parent.is_dir():
        raise UsageError(
            f"le dossier de « {output} » n'existe pas : créez-le ou choisissez-en un autre",
            en=(f"the folder of “{output}” does not exist: create it or choose another one"),
        )
    if path.suffix.lower() in _WORKBOOKS and zipfile.is_zipfile(path):
        same_format(path, output)


def _no_user_history_sheet(package: XlsxPackage) -> None:
    """A sheet of the user's that has our history's name is never written over: refused before
    anything is sent, rather than after."""
    for entry in package.sheets():
        if entry.name in HISTORY_SHEETS.values() and not package.is_own(entry):
            raise UsageError(
                f"le classeur a déjà une feuille « {entry.name} » qui n'a pas été ajoutée par "
                "client-import : renommez-la (clic droit sur l'onglet, Renommer), enregistrez "
                "le classeur, puis relancez l'envoi",
                en=(
                    f"the workbook already has a sheet “{entry.name}” that was not added by "
                    "client-import: rename it (right-click on the tab, Rename), save "
                    "the workbook, then run the push again"
                ),
            )


def same_format(path: Path, output: Path) -> None:
    if output.suffix.lower() != path.suffix.lower():
        raise UsageError(
            f"le classeur écrit doit garder le format de l'original ({path.suffix}) : "
            f"« {output.name} » n'en a pas l'extension",
            en=(
                f"the workbook written must keep the original's format ({path.suffix}): "
                f"“{output.name}” does not have that extension"
            ),
        )


def write_outcomes(
    path: Path,
    sheet: str,
    header_row: int,
    outcomes: Mapping[int, RowOutcome],
    history: HistoryLine,
    *,
    lang: Lang = "fr",
    output: Path | None = None,
) -> Path:
    """Write each row's outcome and the push's history line; returns the file written.

    ``outcomes`` maps a row number of ``sheet`` (below ``header_row``) to its outcome.

    - .xlsx/.xlsm: our two columns on ``sheet`` and the history sheet (see the module's
      docstring), in place after a backup copy beside it (``safe_files``), or into ``output``
      (replaced if it exists: asking first is the caller's job). Returns the workbook.
    - .csv (.txt, .tsv), .xls, .ods: the file itself is never written. ``NAME.envoi.csv`` and
      ``NAME.historique.csv`` go beside it (beside ``output``, named after it, if given); returns
      the ``.envoi.csv`` file. ``sheet`` and ``header_row`` are not needed there.
    """
    cells = history.cells()  # unknown count keys are refused before anything is written
    if any(number <= header_row for number in outcomes):
        raise ValueError(f"outcomes must be for rows below the header row {header_row}")
    suffix = path.suffix.lower()
    if suffix in _WORKBOOKS and not zipfile.is_zipfile(path):
        # read by its content (a CSV or an old .xls saved under an .xlsx name): side files
        suffix = ".csv" if _is_text(path) else ".xls"
    if suffix in _WORKBOOKS:
        return _write_workbook(path, sheet, header_row, outcomes, history, lang=lang, output=output)
    if suffix in _TEXT_FILES | _SIDE_FILE_WORKBOOKS:
        separator = _separator(path) if suffix in _TEXT_FILES else ";"
        return _write_side_files(output or path, outcomes, cells, lang, separator)
    raise UsageError(
        f"« {path.name} » n'est pas un fichier dont client-import sait envoyer les lignes "
        "(.xlsx, .xlsm, .xls, .ods ou .csv)",
        en=(
            f"“{path.name}” is not a file whose rows client-import can push "
            "(.xlsx, .xlsm, .xls, .ods or .csv)"
        ),
    )


# --- workbooks ----------------------------------------------------------------------------------


def _write_workbook(
    path: Path,
    sheet: str,
    header_row: int,
    outcomes: Mapping[int, RowOutcome],
    history: HistoryLine,
    *,
    lang: Lang,
    output: Path | None,
) -> Path:
    if output is not None:
        same_format(path, output)
    package = XlsxPackage.open(path)
    put_outcomes(
        package,
        path,
        sheet=sheet,
        header_row=header_row,
        outcomes=outcomes,
        history=history,
        lang=lang,
    )
    return write_in_place_or_to(path, output, package.save)


def outcomes_go_in(path: Path) -> bool:
    """Whether the outcomes go into the workbook itself (a real .xlsx/.xlsm), not beside it."""
    return path.suffix.lower() in _WORKBOOKS and zipfile.is_zipfile(path)


def put_outcomes(
    package: XlsxPackage,
    saved: Path,
    *,
    sheet: str,
    header_row: int,
    outcomes: Mapping[int, RowOutcome],
    history: HistoryLine,
    lang: Lang,
) -> None:
    """Our two columns on ``sheet`` and the history line, in ``package``; ``saved`` is the
    package as saved before (its header row and earlier history are read from it)."""
    cells = history.cells()  # unknown count keys are refused before anything is written
    if any(number <= header_row for number in outcomes):
        raise ValueError(f"outcomes must be for rows below the header row {header_row}")
    if is_product_sheet(sheet):
        raise UsageError(
            f"« {sheet} » est une feuille de client-import, pas des données",
            en=f"“{sheet}” is a client-import sheet, not data",
        )
    _no_user_history_sheet(package)
    try:
        part = package.sheet(sheet).part
    except KeyError:
        raise SheetNotFoundError(
            f"le classeur n'a pas de feuille « {sheet} »", en=f"the workbook has no sheet “{sheet}”"
        ) from None
    data = package.read(part)
    rows = index_rows(data, sheet)
    status_column, id_column = _our_columns(saved, sheet, header_row, rows.last_column)
    values: dict[str, CellValue] = {}
    for column, header in ((status_column, STATUS_HEADERS), (id_column, ID_HEADERS)):
        if column.new:
            values[f"{column.letter}{header_row}"] = header[lang]
    for number, outcome in outcomes.items():
        values[f"{status_column.letter}{number}"] = status_text(outcome, lang)
        if outcome.platform_id is not None:  # a row not sent keeps the ID an earlier push wrote
            values[f"{id_column.letter}{number}"] = outcome.platform_id
    package.write(part, put_cells(data, values, sheet, rows=rows))
    _put_history(package, [*_history_lines(saved, package), cells], lang)


class OutcomeColumn(NamedTuple):
    letter: str
    new: bool  # its header is still to be written


def _our_columns(
    path: Path, sheet: str, header_row: int, last: int
) -> tuple[OutcomeColumn, OutcomeColumn]:
    """Our status and id columns in the saved sheet (:func:`outcome_columns`)."""
    return outcome_columns(_header_texts(path, sheet, header_row), last, sheet)


def outcome_columns(
    headers: Sequence[str | None], last: int, sheet: str
) -> tuple[OutcomeColumn, OutcomeColumn]:
    """Our status and id columns: found by their header, else right of the last used one
    (``last``, 1-based); both drawers place them so."""
    found: list[int | None] = []
    for texts in (STATUS_HEADERS, ID_HEADERS):
        keys = {_key(text) for text in texts.values()}
        found.append(next((i for i, h in enumerate(headers) if h and _key(h) in keys), None))
    needed = sum(1 for index in found if index is None)
    if last + needed > MAX_COLUMN:
        raise InputError(
            f"la feuille « {sheet} » occupe déjà les colonnes jusqu'à {column_letter(last - 1)} : "
            "il ne reste pas de place à droite pour les colonnes où client-import écrit le "
            "résultat de l'envoi (Excel s'arrête à la colonne XFD). Supprimez les colonnes "
            "inutiles à droite des données, enregistrez le classeur, puis relancez l'envoi.",
            en=(
                f"sheet “{sheet}” already fills the columns up to {column_letter(last - 1)}: "
                "there is no room left on the right for the columns where client-import writes the "
                "result of the push (Excel stops at column XFD). Delete the unneeded columns "
                "to the right of the data, save the workbook, then run the push again."
            ),
        )
    columns = []
    for index in found:
        if index is None:
            last += 1
            columns.append(OutcomeColumn(column_letter(last - 1), new=True))
        else:
            columns.append(OutcomeColumn(column_letter(index), new=False))
    return columns[0], columns[1]


def _key(text: str) -> str:
    return " ".join(text.split()).casefold()


def _header_texts(path: Path, sheet: str, header_row: int) -> list[str | None]:
    """The texts of the header row, shared strings resolved; only the first rows are read."""
    try:
        with zipfile.ZipFile(path) as archive:
            rows = first_rows(archive, read_package(archive), [sheet], header_row).get(sheet, [])
    except NotSure as exc:
        raise InputError(
            f"« {path.name} » n'a pas pu être lu ({exc})",
            en=f"“{path.name}” could not be read ({exc})",
        ) from exc
    return rows[header_row - 1] if len(rows) >= header_row else []


def _history_lines(path: Path, package: XlsxPackage) -> list[list[CellValue]]:
    """The earlier pushes of every history sheet of the workbook, oldest first."""
    lines: list[list[CellValue]] = []
    width = len(COUNT_KEYS) + 4
    for entry in package.sheets():
        if entry.name not in HISTORY_SHEETS.values() or not package.is_own(entry):
            continue
        try:
            # only our small sheet is read: the size limit for data does not apply
            table = read_table(path, sheet=entry.name, header_row=1, max_bytes=path.stat().st_size)
        except EmptyFileError:
            continue
        for i in range(len(table.row_numbers)):
            line = [_plain(column[i]) for column in table.columns[:width]]
            lines.append(line + [None] * (width - len(line)))
    return lines


def _plain(value: CellValue | FormulaCell) -> CellValue:
    return value.formula if isinstance(value, FormulaCell) else value


def history_xml(lines: Sequence[Sequence[CellValue]], lang: Lang) -> bytes:
    """The whole history sheet, without its table: header row frozen, one line per push,
    newest last."""
    rows = [_history_row(1, HISTORY_HEADERS[lang])]
    rows += [_history_row(number, line) for number, line in enumerate(lines, start=2)]
    return worksheet(rows, before=frozen_below(1) + cols_xml(history_widths(lines, lang)))


def history_text(value: CellValue) -> CellValue:
    """A history cell as both drawers write it: a date as its text, anything else as it is."""
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    return value


def history_widths(lines: Sequence[Sequence[CellValue]], lang: Lang) -> tuple[int, ...]:
    """The columns' widths, fitted to the headers and every push's line."""
    return fitted_widths(
        HISTORY_HEADERS[lang], [[history_text(value) for value in line] for line in lines]
    )


def history_table(lines: Sequence[Sequence[CellValue]], lang: Lang) -> TableSpec:
    """The history's table: one line per push, so it grows with every push."""
    return TableSpec(TABLE_PREFIX + "History", 1, HISTORY_HEADERS[lang], 1 + len(lines))


def _history_row(number: int, values: Sequence[CellValue]) -> str:
    cells = []
    for position, written in enumerate(values):
        ref = f"{column_letter(position)}{number}"
        value = history_text(written)
        if value is None:
            continue
        if isinstance(value, int | float):
            cells.append(f'<c r="{ref}"><v>{value!r}</v></c>')
        else:
            cells.append(inline_cell(ref, str(value)))
    return f'<row r="{number}">{"".join(cells)}</row>'


def _put_history(package: XlsxPackage, lines: list[list[CellValue]], lang: Lang) -> None:
    """Our history sheet rewritten where it stands, or added last, with its table over every
    line; one of the other language goes (its lines are in ``lines``)."""
    xml = history_xml(lines, lang)
    part = package.put_own_sheet(HISTORY_SHEETS[lang], xml, other_names=HISTORY_SHEETS.values())
    add_table(package, part, history_table(lines, lang))


# --- side files -------------------------------------------------------------------------------


def side_files(target: Path) -> tuple[Path, Path]:
    """``clients.csv`` → ``clients.envoi.csv`` and ``clients.historique.csv``, beside it."""
    return (
        target.with_name(f"{target.stem}.envoi.csv"),
        target.with_name(f"{target.stem}.historique.csv"),
    )


def _is_text(path: Path) -> bool:
    """A file that decodes as text, as the CSV reader would take it."""
    try:
        decode(path, path.read_bytes())
    except InputError:
        return False
    return True


def _separator(path: Path) -> str:
    """The CSV's own separator, so its side files open the same way; ``;`` for one column."""
    text, _encoding, _bom = decode(path, path.read_bytes())
    return detect_separator(text) or ";"


def _write_side_files(
    target: Path,
    outcomes: Mapping[int, RowOutcome],
    history: list[CellValue],
    lang: Lang,
    separator: str,
) -> Path:
    statuses, log = side_files(target)
    lines: dict[int, list[str]] = {}
    others: list[list[str]] = []  # lines of an earlier file without a row number: kept last
    for line in _csv_lines(statuses, len(SIDE_HEADERS[lang])):
        if line[0].strip().isdigit():
            lines[int(line[0])] = line
        else:
            others.append(line)
    for number, outcome in outcomes.items():
        earlier = lines.get(number)
        # a row not sent this time keeps the ID an earlier push wrote: it names the record
        kept_id = earlier[3] if earlier is not None and len(earlier) > 3 else ""
        lines[number] = [
            str(number),
            outcome.key or "",
            outcome.status,
            outcome.platform_id or kept_id,
            outcome.message or "",
        ]
    rows = [lines[number] for number in sorted(lines)] + others
    pushes = _csv_lines(log, len(HISTORY_HEADERS[lang]))
    pushes.append(["" if value is None else str(value) for value in history])
    for file, headers, content in (
        (statuses, SIDE_HEADERS[lang], rows),
        (log, HISTORY_HEADERS[lang], pushes),
    ):
        write = partial(write_csv, headers=headers, rows=content, separator=separator, bom=True)
        write_replacing(file, write)
    return statuses


def _csv_lines(path: Path, width: int) -> list[list[str]]:
    """The lines of one of our side files written earlier (none if there is no such file)."""
    if not path.exists():
        return []
    try:
        table = read_table(path, header_row=1)
    except EmptyFileError:
        return []
    lines = []
    for i in range(len(table.row_numbers)):
        line = [_text(column[i]) for column in table.columns[:width]]
        lines.append(line + [""] * (width - len(line)))
    return lines


def _text(value: CellValue | FormulaCell) -> str:
    value = _plain(value)
    return "" if value is None else str(value)
