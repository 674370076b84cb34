"""A workbook file as the use cases see it (``core.workbook.Workbook``): read once, edited in
memory, saved by the caller.

The file is read from disk once: its bytes are kept, the zip package (``XlsxPackage``) is built
from them when something must be drawn, and the readers, which read a path, are given a private
copy of those same bytes (or of the package as edited, once our marks are taken out), under the
file's own name so that their messages name it. A file that changes on disk while a command
runs is therefore never read twice in two states.

A CSV, .xls or .ods file cannot carry marks: it is read from its path, as the readers always
did, and :meth:`FileWorkbook.can_carry_marks` says no. Saving, backups, locks and atomic
replacement stay with the caller (``addin.files.safe_files``, ``addin.files.workbook_lock``):
they are about the file, not about the workbook.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path

from addin.core.catalogue import Lang
from addin.core.marks import IssueKey, MarkPlan
from addin.core.outcomes import HistoryLine, RowOutcome
from addin.core.table import CellValue, StoredMapping, Table
from addin.core.workbook import (
    HeaderScore,
    LoggedChange,
    MappingSheetRow,
    Progress,
    no_progress,
)
from addin.errors import UnsupportedFileError, UsageError
from addin.files import cell_edits, changes_sheet, marks_writer
from addin.files.mapping_sheet import put_mapping_sheet, read_mapping_sheet
from addin.files.outcome_writer import put_outcomes
from addin.files.safe_files import writing_errors
from addin.files.xlsx_package import XlsxPackage
from addin.readers.reader import WORKBOOK_MAX_BYTES, check_file, list_sheets, read_table

#: The kinds whose package we edit; every other file is read-only to us.
PACKAGES = frozenset({".xlsx", ".xlsm"})


class FileWorkbook:
    """The workbook saved at ``path``; nothing is read before it is needed."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._data: bytes | None = None
        self._package: XlsxPackage | None = None
        #: the package was edited since it was read
        self._edited = False
        self._folder: tempfile.TemporaryDirectory[str] | None = None
        #: the readers' copy of the current state, if it is up to date
        self._copy: Path | None = None

    def close(self) -> None:
        """Remove the readers' private copy."""
        if self._folder is not None:
            self._folder.cleanup()
            self._folder = None
            self._copy = None

    # --- the file ----------------------------------------------------------------------------

    @property
    def name(self) -> str:
        return self.path.name

    def can_carry_marks(self) -> bool:
        return self.path.suffix.lower() in PACKAGES

    @property
    def package(self) -> XlsxPackage:
        """The zip package, built once from the bytes read (an error when it is not one)."""
        if self._package is None:
            try:
                self._package = XlsxPackage.from_bytes(self._bytes(), self.path.name)
            except UnsupportedFileError:
                # not a zip package: the readers know what it is (protected by a password, an
                # old .xls, damaged) and say it in the user's words; else it reads as a table
                # of another kind (a CSV renamed .xlsx), which cannot carry marks
                list_sheets(self.path)
                raise UnsupportedFileError(
                    f"« {self.path.name} » n'est pas un vrai classeur Excel : c'est un fichier "
                    "d'un autre type (un CSV ?) dont le nom finit par "
                    f"{self.path.suffix}. Ouvrez-le dans Excel, enregistrez-le au format "
                    "« Classeur Excel (.xlsx) », puis réessayez.",
                    en=(
                        f"“{self.path.name}” is not a real Excel workbook: it is a file "
                        "of another type (a CSV?) whose name ends with "
                        f"{self.path.suffix}. Open it in Excel, save it as an "
                        "“Excel Workbook (.xlsx)”, then try again."
                    ),
                ) from None
        return self._package

    def save(self, target: Path) -> None:
        """Write the workbook as it now is to ``target`` (a temporary file of the caller's)."""
        if self._package is None:
            target.write_bytes(self._bytes())
        else:
            self._package.save(target)

    def _bytes(self) -> bytes:
        if self._data is None:
            check_file(self.path)  # missing, a folder, empty: the readers' own words
            try:
                self._data = self.path.read_bytes()
            except OSError as exc:
                raise UnsupportedFileError(
                    f"« {self.path.name} » n'est pas un classeur Excel lisible ({exc})",
                    en=f"“{self.path.name}” is not a readable Excel workbook ({exc})",
                ) from exc
        return self._data

    def _changed(self) -> None:
        self._edited = True
        self._copy = None

    def _readable(self) -> Path:
        """The path the readers are given: the user's file for a kind we never edit (read as it
        always was), else a private copy of the bytes read, as edited so far."""
        if self.path.suffix.lower() not in PACKAGES:
            return self.path
        if self._data is None:
            size = check_file(self.path)  # missing, a folder, empty: the readers' own words
            if size > WORKBOOK_MAX_BYTES:
                return self.path  # refused by the readers before anything is read
        if self._copy is None:
            copy = self._edited_copy() if self._edited else self._plain_copy()
            if copy is None:
                return self.path
            self._copy = copy
        return self._copy

    def _private(self) -> Path:
        """Where the copy goes: a folder only this user can read, removed by :meth:`close`."""
        if self._folder is None:
            self._folder = tempfile.TemporaryDirectory(prefix="client-import-")
        return Path(self._folder.name) / self.path.name

    def _edited_copy(self) -> Path:
        copy = self._private()
        try:
            with writing_errors(copy):
                self.package.save(copy)
        except UsageError as error:
            raise UsageError(
                f"« {self.path.name} » n'a pas pu être vérifié sans nos marques, qui en sont "
                f"retirées dans une copie temporaire : {error} ; le classeur n'a pas été modifié",
                en=(
                    f"“{self.path.name}” could not be checked without our marks, which are "
                    f"removed in a temporary copy: {error.said('en')}; the workbook was not changed"
                ),
            ) from None
        return copy

    def _plain_copy(self) -> Path | None:
        """The bytes read, copied; ``None`` (the file itself is read) when they cannot be read,
        for the readers to say why in their own words, or the copy cannot be written."""
        try:
            data = self._bytes()
        except UnsupportedFileError:
            return None
        try:
            copy = self._private()
            copy.write_bytes(data)
        except OSError:  # no room for a copy: the file is read itself, as before
            return None
        return copy

    # --- reading -----------------------------------------------------------------------------

    def sheet_names(self) -> list[str]:
        return [entry.name for entry in self.package.sheets()]

    def read_table(
        self,
        sheet: str | None = None,
        *,
        preferred_sheet: str | None = None,
        header_score: HeaderScore | None = None,
        progress: Progress = no_progress,
    ) -> Table:
        table = read_table(
            self._readable(),
            sheet=sheet,
            preferred_sheet=preferred_sheet,
            header_score=header_score,
            progress=progress,
        )
        table.source.path = str(self.path)
        return table

    def stored_mapping(self) -> StoredMapping | None:
        return read_mapping_sheet(self._readable())

    def write_mapping_sheet(
        self,
        rows: Sequence[MappingSheetRow],
        labels: Sequence[str],
        *,
        profile: str,
        platform: str,
        data_sheet: str,
        lang: Lang,
    ) -> None:
        put_mapping_sheet(
            self.package,
            rows,
            labels,
            profile=profile,
            platform=platform,
            data_sheet=data_sheet,
            lang=lang,
        )
        self._changed()

    # --- push outcomes -----------------------------------------------------------------------

    def write_outcomes(
        self,
        sheet: str,
        header_row: int,
        outcomes: Mapping[int, RowOutcome],
        history: HistoryLine,
        lang: Lang,
    ) -> None:
        put_outcomes(
            self.package,
            self._readable(),
            sheet=sheet,
            header_row=header_row,
            outcomes=outcomes,
            history=history,
            lang=lang,
        )
        self._changed()

    # --- marks -------------------------------------------------------------------------------

    def previous_issues(self) -> set[IssueKey] | None:
        names = self.sheet_names()  # the package first: a file that is none is refused here
        return marks_writer.previous_issues(self._readable(), names)

    def clear_marks(self) -> bool:
        cleared = marks_writer.clear(self.package)
        if cleared:
            self._changed()
        return cleared

    def draw_marks(self, plan: MarkPlan, lang: Lang) -> int:
        self._changed()
        return marks_writer.annotate(self.package, plan, lang)

    # --- fixes -------------------------------------------------------------------------------

    def _sheet_xml(self, sheet: str) -> bytes:
        return self.package.read(self.package.sheet(sheet).part)

    def formula_cells(self, sheet: str) -> set[str]:
        return cell_edits.formula_cells(self._sheet_xml(sheet))

    def boolean_cells(self, sheet: str, refs: Iterable[str]) -> set[str]:
        return cell_edits.boolean_cells(self._sheet_xml(sheet), refs, sheet)

    def set_cells(self, sheet: str, values: Mapping[str, CellValue]) -> None:
        part = self.package.sheet(sheet).part
        self.package.write(part, cell_edits.set_cells(self.package.read(part), values, sheet))
        self._changed()

    def read_changes(self) -> tuple[list[LoggedChange], Lang] | None:
        name = changes_sheet.own_changes_sheet(self.package)
        if name is None:
            return None
        return changes_sheet.read_changes(self._readable(), name), changes_sheet.language_of(name)

    def write_changes(self, changes: Sequence[LoggedChange], lang: Lang) -> None:
        changes_sheet.put_changes(self.package, changes, lang)
        self._changed()


@contextmanager
def open_workbook(path: Path) -> Iterator[FileWorkbook]:
    """The workbook at ``path``, its private copy removed at the end."""
    book = FileWorkbook(path)
    try:
        yield book
    finally:
        book.close()
