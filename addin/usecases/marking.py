"""The mark and clear use cases: check a workbook and mark it, or take the marks out.

``mark_book`` and ``clear_book`` work on any ``core.workbook.Workbook``; ``mark_file`` and
``clear_file`` open the file's workbook for them and keep the file safe:

Nothing is lost: the marks go to a new file, or, in place, after a backup copy is made next to
the workbook; the file is replaced in one step (written beside it, then renamed), so a crash
never leaves half a workbook. The workbook written is locked from reading to writing
(``files.workbook_lock``), and a workbook with nothing to mark or clear is not rewritten at all.
Only .xlsx and .xlsm can carry marks: a CSV has no notes or colours, and .xls/.ods would have
to be converted, which is the user's call.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from addin.core.catalogue import Lang
from addin.core.marks import DEFAULT_NOTE_CAP, IssueKey, plan_marks
from addin.core.profile import Profile
from addin.core.report import Report
from addin.core.table import Table
from addin.core.workbook import Workbook
from addin.errors import FileTooLargeError, UsageError
from addin.files.csv_workbook import (
    is_csv,
    rows_in_workbook,
    sheet_name_for,
    write_csv_copy,
)
from addin.files.file_workbook import FileWorkbook, open_workbook
from addin.files.safe_files import (
    check_folder,
    check_replaceable,
    replace_keeping_backup,
    same_file,
    write_replacing,
)
from addin.files.workbook_lock import editing
from addin.usecases.validation import check_book, read_and_validate


@dataclass(frozen=True, slots=True)
class MarkResult:
    report: Report
    output: Path
    backup: Path | None
    notes: int
    #: False when the workbook was left as it was (in place, nothing to mark)
    changed: bool = True


def check_markable(path: Path) -> None:
    """An output file must be able to carry marks too."""
    require_marks(FileWorkbook(path))


def require_marks(book: Workbook) -> None:
    """Refuse a workbook that cannot carry marks, saying what to do."""
    if not book.can_carry_marks():
        raise UsageError(
            f"« {book.name} » ne peut pas recevoir de marques : seuls les classeurs .xlsx et "
            ".xlsm le peuvent (pour un CSV, --annotate COPIE.xlsx en écrit un classeur marqué ; "
            "sinon enregistrez le fichier au format Excel d'abord)",
            en=(
                f"“{book.name}” cannot receive marks: only .xlsx and "
                ".xlsm workbooks can (for a CSV, --annotate COPY.xlsx writes a marked workbook of "
                "it; "
                "otherwise save the file as Excel first)"
            ),
        )


@dataclass(slots=True)
class CheckedWorkbook:
    """A workbook whose earlier marks are taken out, and its data sheet checked."""

    book: Workbook
    table: Table
    report: Report
    #: the checked sheet's name
    sheet: str
    #: whether the workbook carried our marks (they are gone from ``book`` now)
    marked: bool
    #: the issues of the previous check, read from its report sheet
    previous: set[IssueKey] | None


#: Most cells (data rows x columns) of a sheet that marks or fixes rewrite. Rewriting holds the
#: sheet several times over: 300,000 rows of 25 columns (7.5 million) took 1.3 GB to mark and
#: 1.9 GB to fix; 4 million stays near 1 GB. The check alone reads up to the readers' bound.
MAX_REWRITTEN_CELLS = 4_000_000


def check_workbook(book: Workbook, profile: Profile | None, sheet: str | None) -> CheckedWorkbook:
    """Remove our marks from ``book`` and check it as the user's data alone, for a command that
    then rewrites the sheet (marks, fixes).

    Our marks are not the user's data: the check reads the workbook once they are out. A sheet
    too large to rewrite in bounded memory is refused before anything is written.
    """
    previous = book.previous_issues()
    marked = book.clear_marks()
    table, report = check_book(book, profile, sheet)
    name = table.source.sheet or book.sheet_names()[0]
    _check_rewritable(table, name)
    return CheckedWorkbook(book, table, report, name, marked, previous)


def _check_rewritable(table: Table, sheet: str) -> None:
    rows, columns = len(table.row_numbers), len(table.headers)
    if rows * columns > MAX_REWRITTEN_CELLS:
        raise FileTooLargeError(
            f"la feuille « {sheet} » est trop grande pour y écrire des marques ou des "
            f"corrections : {_count(rows)} lignes × {_count(columns)} colonnes, au plus "
            f"{_count(MAX_REWRITTEN_CELLS)} cellules ; vérifiez-la sans --annotate (le rapport "
            "reste complet) ou découpez-la en plusieurs fichiers",
            en=(
                f"sheet “{sheet}” is too large to write marks or "
                f"corrections in it: {rows:,} rows × {columns:,} columns, at most "
                f"{MAX_REWRITTEN_CELLS:,} cells; check it without --annotate (the report "
                "stays complete) or split it into several files"
            ),
        )


def _count(number: int) -> str:
    """``4000000`` → ``"4 000 000"``: numbers the French way, with a no-break space."""
    return f"{number:,}".replace(",", "\u00a0")


def draw_marks(checked: CheckedWorkbook, report: Report, lang: Lang, note_cap: int) -> int:
    """Mark ``report``'s issues on the checked sheet, with the progress since the last check."""
    table = checked.table
    plan = plan_marks(
        report,
        checked.sheet,
        max(len(table.headers), 1),
        max(table.row_numbers, default=table.source.header_row + 1),
        lang=lang,
        note_cap=note_cap,
        previous=checked.previous,
    )
    return checked.book.draw_marks(plan, lang)


@dataclass(frozen=True, slots=True)
class Marked:
    """What :func:`mark_book` did."""

    report: Report
    notes: int
    #: False when nothing was drawn or taken out (nothing to mark, no earlier marks)
    changed: bool


def mark_book(
    book: Workbook,
    profile: Profile | None,
    *,
    sheet: str | None = None,
    lang: Lang = "fr",
    note_cap: int = DEFAULT_NOTE_CAP,
) -> Marked:
    """Check ``book`` and mark its issues, instead of the marks it carried."""
    require_marks(book)
    checked = check_workbook(book, profile, sheet)
    if not checked.marked and not checked.report.issues:
        return Marked(checked.report, 0, changed=False)
    notes = draw_marks(checked, checked.report, lang, note_cap)
    return Marked(checked.report, notes, changed=True)


def clear_book(book: Workbook) -> bool:
    """Take our marks out of ``book``; ``False`` if it had none."""
    require_marks(book)
    return book.clear_marks()


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
    if (output is None) == (not in_place):
        raise UsageError(
            "précisez soit un fichier de sortie (--annotate), soit --in-place",
            en="give either an output file (--annotate) or --in-place",
        )
    if output is not None and is_csv(path):
        return _mark_csv_copy(
            path, profile, output, lang=lang, note_cap=note_cap, overwrite=overwrite
        )
    check_markable(path)
    if output is not None:
        if same_file(output, path):
            raise UsageError(
                "pour marquer le fichier lui-même, utilisez --in-place",
                en="to mark the file itself, use --in-place",
            )
        _check_copy(output, overwrite)
    with editing(output or path), open_workbook(path) as book:
        check_replaceable(output or path)
        marked = mark_book(book, profile, sheet=sheet, lang=lang, note_cap=note_cap)
        if output is not None:
            write_replacing(output, book.save)
            return MarkResult(marked.report, output, None, marked.notes)
        if not marked.changed:
            return MarkResult(marked.report, path, None, 0, changed=False)
        backup = replace_keeping_backup(path, book.save)
        return MarkResult(marked.report, path, backup, marked.notes)


def _check_copy(output: Path, overwrite: bool) -> None:
    check_markable(output)
    check_folder(output)
    if output.exists() and not overwrite:
        raise UsageError(
            f"« {output} » existe déjà : choisissez un autre nom pour la copie marquée, "
            "ou marquez ce classeur lui-même avec --in-place",
            en=(
                f"“{output}” already exists: choose another name for the marked copy, "
                "or mark this workbook itself with --in-place"
            ),
        )


def _mark_csv_copy(
    path: Path,
    profile: Profile | None,
    output: Path,
    *,
    lang: Lang,
    note_cap: int,
    overwrite: bool,
) -> MarkResult:
    """A CSV checked as it is, its records copied as text into the workbook ``output`` (headers
    on row 1) and its issues marked there, for the user to go on in Excel.

    The report is the CSV's own (its lines, its encoding and separator); the marks are drawn on
    the rows its records landed on.
    """
    _check_copy(output, overwrite)
    with editing(output):
        check_replaceable(output)
        table, report = read_and_validate(path, profile)
        _check_rewritable(table, sheet_name_for(path))
        name = write_csv_copy(table, path, output)
        on_rows = report.on_rows(rows_in_workbook(table))
        copied = replace(table, row_numbers=list(range(2, table.row_count + 2)))
        notes = 0
        with open_workbook(output) as book:
            if on_rows.issues or on_rows.truncated:
                checked = CheckedWorkbook(book, copied, on_rows, name, False, None)
                notes = draw_marks(checked, on_rows, lang, note_cap)
                write_replacing(output, book.save)
    return MarkResult(report, output, None, notes)


def clear_file(path: Path) -> Path | None:
    """Remove our marks from ``path`` in place; returns the backup made, or ``None`` if unmarked
    (the file is then left as it was)."""
    check_markable(path)
    with editing(path), open_workbook(path) as book:
        if not clear_book(book):
            return None
        check_replaceable(path)
        return replace_keeping_backup(path, book.save)
