"""The mark and clear use cases: check a workbook and mark it, or take the marks out.

Nothing is lost: the marks go to a new file, or, in place, after a backup copy is made next to
the workbook; the file is replaced in one step (written beside it, then renamed), so a crash
never leaves half a workbook. Only .xlsx and .xlsm can carry marks: a CSV has no notes or
colours, and .xls/.ods would have to be converted, which is the user's call.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from addin.core.catalogue import Lang
from addin.core.marks import DEFAULT_NOTE_CAP, IssueKey, issue_key, plan_marks
from addin.core.profile import Profile
from addin.core.report import Report
from addin.errors import ClientImportError, UsageError
from addin.io.marks_writer import annotate, clear
from addin.io.product_sheets import REPORT_SHEETS
from addin.io.reader import read_table
from addin.io.xlsx_package import XlsxPackage
from addin.validation import read_and_validate

_MARKABLE = {".xlsx", ".xlsm"}


@dataclass(frozen=True, slots=True)
class MarkResult:
    report: Report
    output: Path
    backup: Path | None
    notes: int


def check_markable(path: Path) -> None:
    if path.suffix.lower() not in _MARKABLE:
        raise UsageError(
            f"« {path.name} » ne peut pas recevoir de marques : seuls les classeurs .xlsx et "
            ".xlsm le peuvent (enregistrez le fichier au format Excel d'abord)"
        )


def backup_path(path: Path, now: dt.datetime | None = None) -> Path:
    """``clients.xlsx`` → ``clients.sauvegarde-20261125-101500.xlsx``, beside it."""
    stamp = (now or dt.datetime.now()).strftime("%Y%m%d-%H%M%S")
    candidate = path.with_name(f"{path.stem}.sauvegarde-{stamp}{path.suffix}")
    number = 2
    while candidate.exists():
        candidate = path.with_name(f"{path.stem}.sauvegarde-{stamp}-{number}{path.suffix}")
        number += 1
    return candidate


def save_replacing(package: XlsxPackage, target: Path) -> None:
    """Write beside ``target``, then rename over it: never half a file."""
    handle, temporary = tempfile.mkstemp(suffix=target.suffix, dir=target.parent)
    os.close(handle)
    try:
        package.save(Path(temporary))
        Path(temporary).replace(target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def replace_keeping_backup(package: XlsxPackage, path: Path) -> Path:
    """Copy ``path`` aside, then replace it by ``package``; returns the copy."""
    backup = backup_path(path)
    shutil.copy2(path, backup)
    save_replacing(package, path)
    return backup


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
        if output.resolve() == path.resolve():
            raise UsageError("pour marquer le fichier lui-même, utilisez --in-place")
        if output.exists() and not overwrite:
            raise UsageError(
                f"« {output} » existe déjà : choisissez un autre nom pour la copie marquée, "
                "ou marquez ce classeur lui-même avec --in-place"
            )
    package = XlsxPackage.open(path)
    previous = previous_issues(path, [entry.name for entry in package.sheets()])
    with tempfile.TemporaryDirectory() as folder:
        checked = path
        if clear(package):  # our earlier marks are not the user's data: check without them
            checked = Path(folder) / f"unmarked{path.suffix}"
            package.save(checked)
        table, report = read_and_validate(checked, profile, sheet)
    report.source.path = table.source.path = str(path)
    sheet_name = table.source.sheet or package.sheets()[0].name
    last_row = max(table.row_numbers, default=table.source.header_row + 1)
    plan = plan_marks(
        report,
        sheet_name,
        max(len(table.headers), 1),
        last_row,
        lang=lang,
        note_cap=note_cap,
        previous=previous,
    )
    notes = annotate(package, plan, lang)
    if output is not None:
        save_replacing(package, output)
        return MarkResult(report, output, None, notes)
    return MarkResult(report, path, replace_keeping_backup(package, path), notes)


def previous_issues(path: Path, sheets: list[str]) -> set[IssueKey] | None:
    """The issues listed by the report sheet of an earlier mark, if the workbook has one.

    Read through the ordinary readers, so a report Excel has re-saved is read as well; a report
    the user has reshaped is ignored (the progress line is then left out, nothing else).
    """
    name = next((n for n in sheets if n in REPORT_SHEETS.values()), None)
    if name is None:
        return None
    try:
        table = read_table(path, sheet=name, header_row=_REPORT_HEADER_ROW)
    except ClientImportError:
        return None
    if len(table.columns) < _REPORT_CODE + 1:
        return None
    cells, columns, codes = (table.columns[i] for i in (1, 2, _REPORT_CODE))
    return {
        issue_key(_text(cell), _text(column), code)
        for cell, column, code in zip(cells, columns, codes, strict=True)
        if isinstance(code, str)
    }


_REPORT_HEADER_ROW = 4
_REPORT_CODE = 7


def _text(value: object) -> str | None:
    return value if isinstance(value, str) else None


def clear_file(path: Path) -> Path | None:
    """Remove our marks from ``path`` in place; returns the backup made, or ``None`` if unmarked."""
    check_markable(path)
    package = XlsxPackage.open(path)
    if not clear(package):
        return None
    return replace_keeping_backup(package, path)
