"""The mark and clear use cases: check a workbook and mark it, or take the marks out.

Nothing is lost: the marks go to a new file, or, in place, after a backup copy is made next to
the workbook; the file is replaced in one step (written beside it, then renamed), so a crash
never leaves half a workbook. The workbook written is locked from reading to writing
(``io.workbook_lock``), and a workbook with nothing to mark or clear is not rewritten at all.
Only .xlsx and .xlsm can carry marks: a CSV has no notes or colours, and .xls/.ods would have
to be converted, which is the user's call.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path

from addin.core.catalogue import Lang
from addin.core.marks import DEFAULT_NOTE_CAP, IssueKey, plan_marks
from addin.core.profile import Profile
from addin.core.report import Report
from addin.core.table import Table
from addin.errors import UsageError
from addin.io.marks_writer import annotate, clear, previous_issues
from addin.io.safe_files import (
    check_folder,
    check_replaceable,
    replace_keeping_backup,
    same_file,
    write_replacing,
    writing_errors,
)
from addin.io.workbook_lock import editing
from addin.io.xlsx_package import XlsxPackage
from addin.validation import read_and_validate

_MARKABLE = {".xlsx", ".xlsm"}


@dataclass(frozen=True, slots=True)
class MarkResult:
    report: Report
    output: Path
    backup: Path | None
    notes: int
    #: False when the workbook was left as it was (in place, nothing to mark)
    changed: bool = True


def check_markable(path: Path) -> None:
    if path.suffix.lower() not in _MARKABLE:
        raise UsageError(
            f"« {path.name} » ne peut pas recevoir de marques : seuls les classeurs .xlsx et "
            ".xlsm le peuvent (enregistrez le fichier au format Excel d'abord)"
        )


@dataclass(slots=True)
class CheckedWorkbook:
    """A workbook opened, our earlier marks taken out, and its data sheet checked."""

    package: XlsxPackage
    table: Table
    report: Report
    #: the checked sheet's name
    sheet: str
    #: whether the workbook carried our marks (they are gone from ``package``)
    marked: bool
    #: the issues of the previous check, read from its report sheet
    previous: set[IssueKey] | None


def check_workbook(path: Path, profile: Profile | None, sheet: str | None) -> CheckedWorkbook:
    """Open ``path``, remove our marks and check it as the user's data alone.

    Our marks are not the user's data: when there are some, the check reads a copy without
    them. The table and the report still name ``path``.
    """
    package = XlsxPackage.open(path)
    previous = previous_issues(path, [entry.name for entry in package.sheets()])
    with tempfile.TemporaryDirectory() as folder:
        checked = path
        marked = clear(package)
        if marked:
            checked = Path(folder) / f"unmarked{path.suffix}"
            try:
                with writing_errors(checked):
                    package.save(checked)
            except UsageError as error:
                raise UsageError(
                    f"« {path.name} » n'a pas pu être vérifié sans nos marques, qui en sont "
                    f"retirées dans une copie temporaire : {error} ; le classeur n'a pas été "
                    "modifié"
                ) from None
        table, report = read_and_validate(checked, profile, sheet)
    table.source.path = str(path)  # the report shares the table's source
    name = table.source.sheet or package.sheets()[0].name
    return CheckedWorkbook(package, table, report, name, marked, previous)


def draw_marks(book: CheckedWorkbook, report: Report, lang: Lang, note_cap: int) -> int:
    """Mark ``report``'s issues on the checked sheet, with the progress since the last check."""
    table = book.table
    plan = plan_marks(
        report,
        book.sheet,
        max(len(table.headers), 1),
        max(table.row_numbers, default=table.source.header_row + 1),
        lang=lang,
        note_cap=note_cap,
        previous=book.previous,
    )
    return annotate(book.package, plan, lang)


def mark_file(
    path: Path,
    profile: Profile | None,
    *,
    output: Path | None = None,
    in_place: bool = False,
    sheet: str | None = None,
    lang: Lang = "fr",
    note_cap: int = DEFAULT_NOTE_CAP,
    overwrite: bool = False,
) -> MarkResult:
    """Check ``path`` and write its marks to ``output``, or into ``path`` after a backup.

    An existing ``output`` is not replaced unless ``overwrite``: the user may have worked in
    the marked copy since.
    """
    check_markable(path)
    if (output is None) == (not in_place):
        raise UsageError("précisez soit un fichier de sortie (--annotate), soit --in-place")
    if output is not None:
        check_markable(output)
        if same_file(output, path):
            raise UsageError("pour marquer le fichier lui-même, utilisez --in-place")
        check_folder(output)
        if output.exists() and not overwrite:
            raise UsageError(
                f"« {output} » existe déjà : choisissez un autre nom pour la copie marquée, "
                "ou marquez ce classeur lui-même avec --in-place"
            )
    with editing(output or path):
        check_replaceable(output or path)
        book = check_workbook(path, profile, sheet)
        if output is None and not book.marked and not book.report.issues:
            return MarkResult(book.report, path, None, 0, changed=False)
        notes = draw_marks(book, book.report, lang, note_cap)
        if output is not None:
            write_replacing(output, book.package.save)
            return MarkResult(book.report, output, None, notes)
        backup = replace_keeping_backup(path, book.package.save)
        return MarkResult(book.report, path, backup, notes)


def clear_file(path: Path) -> Path | None:
    """Remove our marks from ``path`` in place; returns the backup made, or ``None`` if unmarked
    (the file is then left as it was)."""
    check_markable(path)
    with editing(path):
        package = XlsxPackage.open(path)
        if not clear(package):
            return None
        check_replaceable(path)
        return replace_keeping_backup(path, package.save)
