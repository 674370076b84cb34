"""What a use case needs from a workbook, whatever holds it: a file on disk or the book open in
Excel.

The use cases (check, mark, clear, fix, undo, map, a push's write-back) take a
:class:`Workbook` rather than a path, so the same check, marks and fixes run on a file (its zip
package edited part by part, ``addin.files.file_workbook``) and on a live book (xlwings), and a
test can stand in for either. The currency is the core's own: a
:class:`~addin.core.table.Table` read, a :class:`~addin.core.marks.MarkPlan` to draw, cells to
set, the changes to log, the mapping's rows, each pushed row's outcome. Deciding all of that
stays in the core and the use cases; an adapter only reads and draws, so two adapters given the
same workbook give the same report and the same plans.

Opening, saving, backups, locks and atomic replacement are not here: they belong to the file
(``addin.files.safe_files``, ``addin.files.workbook_lock``), and a live book has none of them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

from addin.core.catalogue import Lang
from addin.core.marks import IssueKey, MarkPlan
from addin.core.outcomes import HistoryLine, RowOutcome
from addin.core.table import CellValue, StoredMapping, Table

#: ``progress(done, total)``: rows read so far, and the total when it is known.
Progress = Callable[[int, int | None], None]
#: How well a row of headers fits a profile, from 0 to 1 (to find the header row and sheet).
HeaderScore = Callable[[Sequence[str]], float]


def no_progress(done: int, total: int | None) -> None:
    """Nobody is told how far the reading is."""


@dataclass(frozen=True, slots=True)
class LoggedChange:
    """One cell a fix rewrote, as the changes sheet keeps it for ``undo``."""

    sheet: str
    cell: str
    column: str
    before: CellValue
    after: str
    reason: str


@dataclass(frozen=True, slots=True)
class MappingSheetRow:
    """One column of the user's file as the mapping sheet shows it."""

    column: str  # the header, as written in the file
    letter: str  # "C"
    label: str  # the dropdown's label chosen (a field's header, "(ne pas importer)", a split)
    confidence: float  # 0..1
    reason: str  # a short text ready to show, in the sheet's language
    example: str  # a sample value of the column, as text


class Workbook(Protocol):
    """One workbook, as the use cases see it.

    Sheets are named as the user sees them; cells by their A1 reference. "Ours" means a sheet
    the product added (marks, report, changes, mapping), never a user's sheet of that name.
    """

    @property
    def name(self) -> str:
        """The name the user knows the workbook by, for messages (``clients.xlsx``)."""
        ...

    def can_carry_marks(self) -> bool:
        """Whether marks, fixes logged for ``undo`` and our sheets can be written into it (an
        Excel workbook can; a CSV, or an .xls/.ods the user has not converted, cannot)."""
        ...

    def sheet_names(self) -> list[str]:
        """Every sheet, in the workbook's order."""
        ...

    def read_table(
        self,
        sheet: str | None = None,
        *,
        preferred_sheet: str | None = None,
        header_score: HeaderScore | None = None,
        progress: Progress = no_progress,
    ) -> Table:
        """The sheet's cells as the user sees them, as ``addin.readers.reader.read_table`` builds
        them from a saved file (its arguments mean the same); ``source.path`` names the book."""
        ...

    def stored_mapping(self) -> StoredMapping | None:
        """The column mapping the user kept in our mapping sheet, if it has one."""
        ...

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
        """Put our mapping sheet in (replacing ours): ``rows`` and ``labels`` for the dropdown."""
        ...

    # --- push outcomes ---------------------------------------------------------------------

    def write_outcomes(
        self,
        sheet: str,
        header_row: int,
        outcomes: Mapping[int, RowOutcome],
        history: HistoryLine,
        lang: Lang,
    ) -> None:
        """Each pushed row's status and platform id in our two columns of ``sheet`` (found
        again by their headers), and the push's line at the end of our history sheet."""
        ...

    # --- marks -----------------------------------------------------------------------------

    def previous_issues(self) -> set[IssueKey] | None:
        """The issues our report sheet listed at the last check, if it has one."""
        ...

    def clear_marks(self) -> bool:
        """Take out every mark we drew; ``True`` if there were some."""
        ...

    def draw_marks(self, plan: MarkPlan, lang: Lang) -> int:
        """Draw ``plan`` on its sheet (the workbook holds no marks of ours); notes written."""
        ...

    # --- fixes -----------------------------------------------------------------------------

    def formula_cells(self, sheet: str) -> set[str]:
        """The cells of ``sheet`` that hold a formula: a fix never writes over one."""
        ...

    def boolean_cells(self, sheet: str, refs: Iterable[str]) -> set[str]:
        """Those of ``refs`` that hold TRUE/FALSE (the readers give them as text)."""
        ...

    def set_cells(self, sheet: str, values: Mapping[str, CellValue]) -> None:
        """Write ``values`` into ``sheet``'s cells, keeping each cell's format."""
        ...

    def read_changes(self) -> tuple[list[LoggedChange], Lang] | None:
        """The fixes logged in our changes sheet, oldest first, and the language it is in;
        ``None`` when it has none."""
        ...

    def write_changes(self, changes: Sequence[LoggedChange], lang: Lang) -> None:
        """Make our changes sheet list exactly ``changes`` (``lang`` for a new sheet; an
        existing one keeps its own); no changes removes the sheet."""
        ...
