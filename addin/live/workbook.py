"""The book open in Excel as the use cases see it (``core.workbook.Workbook``): the live twin of
``addin.files.file_workbook``, for every use case that draws on a workbook.

What it reads goes through :mod:`addin.live.book` (the same table as the saved file gives);
what it writes is what the file path writes, drawn through Excel's object model in a few bulk
calls whatever the number of rows: fixed cells (:mod:`addin.live.cell_writes`) and the changes
sheet ``undo`` reads (:mod:`addin.live.changes`); marks, their clearing and the previous
check's issues (:mod:`addin.live.marks`, :mod:`addin.live.report_sheet`); the mapping sheet
(:mod:`addin.live.mapping`); a push's outcomes and history (:mod:`addin.live.outcomes`). Every
sheet it adds is marked ours by the file path's hidden defined name, so a book marked, fixed or
mapped here and saved is the command line's to clear or undo, and the other way round.

Nothing is saved: the user saves the book, and Excel's own undo history is theirs to keep.
``formula_cells`` is read again on each call: a fix asks once per sheet.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

import xlwings as xw

from addin.core.catalogue import Lang
from addin.core.marks import IssueKey, MarkPlan
from addin.core.outcomes import HistoryLine, RowOutcome
from addin.core.product_sheets import MAPPING_SHEETS
from addin.core.table import CellValue, StoredMapping, Table
from addin.core.workbook import HeaderScore, LoggedChange, MappingSheetRow, Progress, no_progress
from addin.files.mapping_sheet import mapping_from_lines, sheet_lines
from addin.live import cell_writes, changes, mapping, marks, report_sheet
from addin.live import outcomes as outcomes_
from addin.live.book import read_book_table
from addin.live.own_sheets import own_sheet


class LiveWorkbook:
    """``book``, open in Excel; ``active``: a sheet not named is the one the user is on."""

    def __init__(self, book: xw.Book, *, active: bool = True) -> None:
        self.book = book
        self.active = active

    @property
    def name(self) -> str:
        return str(self.book.name)

    def can_carry_marks(self) -> bool:
        """An open book can hold our sheets and cells, whatever file it came from (Excel saves
        it as .xlsx)."""
        return True

    def sheet_names(self) -> list[str]:
        return [sheet.name for sheet in self.book.sheets]

    def read_table(
        self,
        sheet: str | None = None,
        *,
        preferred_sheet: str | None = None,
        header_score: HeaderScore | None = None,
        progress: Progress = no_progress,
    ) -> Table:
        return read_book_table(
            self.book,
            sheet,
            preferred_sheet,
            active=self.active,
            header_score=header_score,
            progress=progress,
        )

    def stored_mapping(self) -> StoredMapping | None:
        """The mapping our sheet stores (read live, parsed as the file path parses it); a
        user's own sheet of that name is the user's data, not our mapping."""
        name = own_sheet(self.book, list(MAPPING_SHEETS.values()))
        if name is None:
            return None
        lines = sheet_lines(
            lambda first: read_book_table(self.book, name, header_row=first, active=False)
        )
        return mapping_from_lines(name, lines)

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
        mapping.write_mapping_sheet(
            self.book,
            rows,
            labels,
            profile=profile,
            platform=platform,
            data_sheet=data_sheet,
            lang=lang,
        )

    def write_outcomes(
        self,
        sheet: str,
        header_row: int,
        outcomes: Mapping[int, RowOutcome],
        history: HistoryLine,
        lang: Lang,
    ) -> None:
        outcomes_.write_outcomes(self.book, sheet, header_row, outcomes, history, lang=lang)

    # --- marks ---------------------------------------------------------------------------------

    def previous_issues(self) -> set[IssueKey] | None:
        return report_sheet.previous_issues(self.book)

    def clear_marks(self) -> bool:
        return marks.clear_marks(self.book)

    def draw_marks(self, plan: MarkPlan, lang: Lang) -> int:
        return marks.draw_marks(self.book, plan, lang)

    # --- fixes -------------------------------------------------------------------------------

    def formula_cells(self, sheet: str) -> set[str]:
        return cell_writes.formula_cells(self.book.sheets[sheet])

    def boolean_cells(self, sheet: str, refs: Iterable[str]) -> set[str]:
        return cell_writes.boolean_cells(self.book.sheets[sheet], refs)

    def set_cells(self, sheet: str, values: Mapping[str, CellValue]) -> None:
        """Written at once (a file is only written when saved): so a fix that could not log
        its changes, a user's own sheet having our changes sheet's name, is refused first."""
        changes.check_loggable(self.book)
        cell_writes.set_cells(self.book.sheets[sheet], values)

    def read_changes(self) -> tuple[list[LoggedChange], Lang] | None:
        return changes.read_changes(self.book)

    def write_changes(self, changes_: Sequence[LoggedChange], lang: Lang) -> None:
        changes.write_changes(self.book, changes_, lang)
