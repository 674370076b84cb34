"""The fix and undo use cases: apply the safe fixes to a file, or take them back.

Workbooks (.xlsx, .xlsm) are fixed in their own package: only the fixed cells' XML changes, and
a changes sheet records each cell's value before and after (``undo`` reads it back). A file the
product had marked gets its marks again, for the issues that are left. A CSV keeps its encoding
and separator; its changes go to a ``.corrections.csv`` file beside the output.

Nothing is lost: the output is a new file, or the file itself after a backup copy, replaced in
one step; cells holding a formula are never written. The output (and a CSV's changes file) is
never a file the command reads, an existing one is replaced only with ``--force``, the file
written is locked from reading to writing (``files.workbook_lock``), and a file with nothing to
fix or undo is not rewritten.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from addin.core.catalogue import Lang
from addin.core.fixes import Change, FixResult, fix_label, fix_table, is_safe
from addin.core.marks import DEFAULT_NOTE_CAP
from addin.core.profile import Profile
from addin.core.table import CellValue, FormulaCell, Table
from addin.core.workbook import LoggedChange, Workbook
from addin.errors import UsageError
from addin.files.cell_edits import sort_key
from addin.files.changes_sheet import CHANGE_HEADERS
from addin.files.csv_workbook import is_csv, write_csv_copy
from addin.files.csv_writer import rewrite_csv, write_csv
from addin.files.file_workbook import FileWorkbook, open_workbook
from addin.files.safe_files import (
    check_output,
    check_replaceable,
    replace_keeping_backup,
    same_file,
    write_replacing,
)
from addin.files.workbook_lock import editing
from addin.usecases.marking import check_workbook, draw_marks
from addin.usecases.validation import read_and_validate, read_sheet

_WORKBOOKS = {".xlsx", ".xlsm"}
_FIXABLE = {*_WORKBOOKS, ".csv", ".txt", ".tsv"}


@dataclass(frozen=True, slots=True)
class FixFileResult:
    fixes: FixResult
    output: Path
    backup: Path | None
    #: the CSV changes file, for CSV input
    log: Path | None
    #: cells left alone because they hold a formula
    formulas_kept: int


@dataclass(frozen=True, slots=True)
class UndoResult:
    restored: int
    #: cells changed by the user since the fix, left as they are
    kept: list[str]
    backup: Path | None


def _not_fixable(name: str) -> UsageError:
    """An .ods or .xls: fixes are written in the original's format, which these are not."""
    return UsageError(
        f"« {name} » ne peut pas être corrigé : les corrections s'écrivent dans un classeur "
        ".xlsx ou un .csv ; enregistrez-le au format .xlsx (Fichier > Enregistrer sous), puis "
        "relancez sur ce fichier",
        en=(
            f"“{name}” cannot be fixed: corrections are written to an .xlsx "
            "workbook or a .csv; save it as .xlsx (File > Save As), then "
            "run again on that file"
        ),
    )


def _check_paths(path: Path, output: Path | None, in_place: bool, overwrite: bool) -> None:
    suffix = path.suffix.lower()
    if suffix not in _FIXABLE:
        raise _not_fixable(path.name)
    if (output is None) == (not in_place):
        raise UsageError(
            "précisez soit un fichier de sortie (-o), soit --in-place",
            en="give either an output file (-o) or --in-place",
        )
    if output is None:
        check_replaceable(path)
        return
    into_workbook = is_csv(path) and output.suffix.lower() == ".xlsx"
    if output.suffix.lower() != suffix and not into_workbook:
        raise UsageError(
            f"le fichier corrigé doit garder le format de l'original ({suffix}), ou, pour un "
            f"CSV, être un classeur .xlsx : « {output.name} » n'a pas l'une de ces extensions",
            en=(
                f"the fixed file must keep the original's format ({suffix}) or, for a "
                f"CSV, be an .xlsx workbook: “{output.name}” has neither of these extensions"
            ),
        )
    if same_file(output, path):
        raise UsageError(
            "pour corriger le fichier lui-même, utilisez --in-place",
            en="to fix the file itself, use --in-place",
        )
    check_output(output, reads=[path], overwrite=overwrite)


def fix_file(
    path: Path,
    profile: Profile | None,
    *,
    output: Path | None = None,
    in_place: bool = False,
    sheet: str | None = None,
    lang: Lang = "fr",
    overwrite: bool = False,
) -> FixFileResult:
    """Apply every safe fix of ``path`` and record them, to ``output`` or in place."""
    _check_paths(path, output, in_place, overwrite)
    with editing(output or path):
        if output is not None and is_csv(path) and output.suffix.lower() == ".xlsx":
            return _fix_csv_into_workbook(path, profile, output, lang)
        if FileWorkbook(path).can_carry_marks():
            return _fix_workbook(path, profile, output, sheet, lang)
        return _fix_csv(path, profile, output, lang, overwrite)


def _fix_csv_into_workbook(
    path: Path, profile: Profile | None, output: Path, lang: Lang
) -> FixFileResult:
    """The CSV's records copied as text into the workbook ``output``, then fixed there with the
    changes sheet and undo of any workbook: the accountant goes on in Excel."""
    with open_workbook(path) as source:  # read as the checks read it; fix_book checks the copy
        table = read_sheet(source, None, profile)
    name = write_csv_copy(table, path, output)
    with open_workbook(output) as book:
        fixed = fix_book(book, profile, sheet=name, lang=lang)
        write_replacing(output, book.save)
    return FixFileResult(fixed.fixes, output, None, None, fixed.formulas_kept)


def changes_file(target: Path) -> Path:
    """Where the changes of a fixed CSV are listed: ``NAME.corrections.csv`` beside it."""
    return target.with_name(f"{target.stem}.corrections.csv")


def _fix_csv(
    path: Path, profile: Profile | None, output: Path | None, lang: Lang, overwrite: bool
) -> FixFileResult:
    table, report = read_and_validate(path, profile, None)
    result = fix_table(table, report.profile, report=report)
    if output is None and not result.changes:
        return FixFileResult(result, path, None, None, 0)
    target = output or path
    log = changes_file(target)
    check_output(log, reads=[path], overwrite=True)
    if log.exists() and not overwrite:
        raise UsageError(
            f"« {log} » existe déjà (les corrections d'une fois précédente ?) : renommez-le pour "
            "le garder, ou ajoutez --force pour le remplacer",
            en=(
                f"“{log}” already exists (the corrections of an earlier run?): rename it to "
                "keep it, or add --force to replace it"
            ),
        )
    edits = {(c.row, c.position): c.after for c in result.changes}
    separator = table.source.separator or ";"

    def write(fixed: Path) -> None:
        # the changes file is written before the fixed file is put in place: a failure of
        # either leaves both as they were
        lines = rewrite_csv(table.source, fixed, edits)  # where each record starts now
        rows = [
            [
                c._replace(row=lines.get(c.row, c.row)).cell,
                c.column,
                _text(c.before),
                c.after,
                fix_label(c.codes, lang),
            ]
            for c in result.changes
        ]
        write_replacing(
            log,
            lambda temporary: write_csv(
                temporary, CHANGE_HEADERS[lang], rows, separator=separator, bom=True
            ),
        )

    backup = None
    if output is None:
        backup = replace_keeping_backup(path, write)
    else:
        write_replacing(output, write)
    return FixFileResult(result, target, backup, log, 0)


def _text(value: CellValue) -> str:
    return "" if value is None else str(value)


def _fix_workbook(
    path: Path, profile: Profile | None, output: Path | None, sheet: str | None, lang: Lang
) -> FixFileResult:
    with open_workbook(path) as book:
        fixed = fix_book(book, profile, sheet=sheet, lang=lang)
        if output is not None:
            write_replacing(output, book.save)
            return FixFileResult(fixed.fixes, output, None, None, fixed.formulas_kept)
        if not fixed.fixes.changes:
            return FixFileResult(fixed.fixes, path, None, None, fixed.formulas_kept)
        backup = replace_keeping_backup(path, book.save)
        return FixFileResult(fixed.fixes, path, backup, None, fixed.formulas_kept)


@dataclass(frozen=True, slots=True)
class Fixed:
    """What :func:`fix_book` did."""

    fixes: FixResult
    #: cells left alone because they hold a formula
    formulas_kept: int


def fix_book(
    book: Workbook, profile: Profile | None, *, sheet: str | None = None, lang: Lang = "fr"
) -> Fixed:
    """Apply every safe fix of ``book``'s data sheet, log them in our changes sheet (after the
    earlier ones), and mark again what is left if the workbook was marked."""
    if not book.can_carry_marks():
        raise _not_fixable(book.name)
    checked = check_workbook(book, profile, sheet)
    table = checked.table
    earlier = book.read_changes()
    logged = earlier[0] if earlier else []
    locked = {_row_position(ref) for ref in book.formula_cells(checked.sheet)}
    result = fix_table(table, checked.report.profile, locked, checked.report)
    if result.changes:
        booleans = book.boolean_cells(checked.sheet, [c.cell for c in result.changes])
        book.set_cells(checked.sheet, {c.cell: c.after for c in result.changes})
        logged += [
            _logged(checked.sheet, _as_boolean(c) if c.cell in booleans else c, lang)
            for c in result.changes
        ]
        book.write_changes(logged, lang)
    if checked.marked:  # the marks again, for what is left, with the progress since the last check
        draw_marks(checked, result.report, lang, DEFAULT_NOTE_CAP)
    kept = len(
        {
            (issue.row, issue.position)
            for issue in result.report.issues
            if (issue.row, issue.position) in locked and is_safe(issue, result.report.profile)
        }
    )
    return Fixed(result, kept)


def _as_boolean(change: Change) -> Change:
    """The readers give TRUE/FALSE cells as text; undo must give back the boolean."""
    return change._replace(before=change.before == "TRUE")


def _row_position(ref: str) -> tuple[int, int]:
    row, column = sort_key(ref)
    return row, column - 1


def _logged(sheet: str, change: Change, lang: Lang) -> LoggedChange:
    return LoggedChange(
        sheet,
        change.cell,
        change.column,
        change.before,
        change.after,
        fix_label(change.codes, lang),
    )


def undo_fixes(path: Path) -> UndoResult:
    """Put back the value each logged fix replaced, where the cell still holds the fixed value
    (:func:`undo_book` on the file at ``path``, replaced after a backup when a cell changed)."""
    if path.suffix.lower() not in _WORKBOOKS:
        raise UsageError(
            "seuls les classeurs .xlsx et .xlsm gardent leurs corrections : pour un CSV, "
            "reprenez le fichier d'origine ou sa sauvegarde",
            en=(
                "only .xlsx and .xlsm workbooks keep their corrections: for a CSV, "
                "go back to the original file or its backup"
            ),
        )
    with editing(path), open_workbook(path) as book:
        undone = undo_book(book)
        if not undone.restored:  # every logged cell was changed since: the file stays as it is
            return undone
        check_replaceable(path)
        return UndoResult(undone.restored, undone.kept, replace_keeping_backup(path, book.save))


def undo_book(book: Workbook) -> UndoResult:
    """Put back the value each logged fix replaced, where the cell still holds the fixed value.

    A cell the user changed since keeps the user's value (and stays in the changes sheet, so a
    later undo can still be asked for once it holds the fixed value again). ``backup`` is
    ``None``: a workbook has no backups, its file may.
    """
    if not book.can_carry_marks():
        raise UsageError(
            "seuls les classeurs .xlsx et .xlsm gardent leurs corrections : pour un CSV, "
            "reprenez le fichier d'origine ou sa sauvegarde",
            en=(
                "only .xlsx and .xlsm workbooks keep their corrections: for a CSV, "
                "go back to the original file or its backup"
            ),
        )
    earlier = book.read_changes()
    if earlier is None:
        return UndoResult(0, [], None)
    logged, lang = earlier
    restore: dict[str, dict[str, CellValue]] = {}
    remaining: list[LoggedChange] = []
    tables: dict[str, _SheetValues] = {}
    formulas: dict[str, set[str]] = {}
    names = set(book.sheet_names())
    for change in reversed(logged):  # the newest first: a cell fixed twice goes back to the start
        if change.sheet not in names:  # the sheet was renamed or deleted since
            remaining.append(change)
            continue
        if change.sheet not in tables:
            tables[change.sheet] = _SheetValues(book.read_table(change.sheet))
            formulas[change.sheet] = book.formula_cells(change.sheet)
        current = tables[change.sheet]
        if change.cell in formulas[change.sheet]:  # the user typed a formula there since
            remaining.append(change)
        elif current[change.cell] == change.after:
            restore.setdefault(change.sheet, {})[change.cell] = change.before
            current[change.cell] = change.before
        else:
            remaining.append(change)
    restored = sum(len(values) for values in restore.values())
    kept = [change.cell for change in remaining[::-1]]
    if not restored:  # every logged cell was changed since: the workbook stays as it is
        return UndoResult(0, kept, None)
    for sheet_name, values in restore.items():
        book.set_cells(sheet_name, values)
    book.write_changes(remaining[::-1], lang)
    return UndoResult(restored, kept, None)


class _SheetValues:
    """A sheet's cells by reference, as the readers see them; ``undo``'s restores on top.

    Only the logged cells are ever looked up, so the table is not turned into a dictionary of
    every cell.
    """

    def __init__(self, table: Table) -> None:
        self.table = table
        self.index = {number: i for i, number in enumerate(table.row_numbers)}
        self.changed: dict[str, CellValue] = {}

    def __getitem__(self, ref: str) -> CellValue:
        if ref in self.changed:
            return self.changed[ref]
        row, column = sort_key(ref)
        i = self.index.get(row)
        if i is None or column > len(self.table.columns):
            return None
        value = self.table.columns[column - 1][i]
        return None if isinstance(value, FormulaCell) else value

    def __setitem__(self, ref: str, value: CellValue) -> None:
        self.changed[ref] = value
