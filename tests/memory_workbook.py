"""A workbook held in dictionaries: a second ``core.workbook.Workbook``, with no file, no zip and
no XML, for the tests that show the use cases depend on that interface alone.

It keeps what a live book would show: each sheet's table, the cells holding a formula, the
plan of the marks drawn (the report sheet's issues are read back from it), the changes logged
and the stored mapping (as the mapping sheet's rows give it back). Every read gives a fresh
copy, as a reader would build it again.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from addin.core.catalogue import Lang
from addin.core.marks import IssueKey, MarkPlan, issue_key
from addin.core.outcomes import HistoryLine, RowOutcome
from addin.core.table import CellValue, FormulaCell, StoredEntry, StoredMapping, Table
from addin.core.workbook import (
    HeaderScore,
    LoggedChange,
    MappingSheetRow,
    Progress,
    no_progress,
)
from addin.errors import UsageError
from addin.files.cell_edits import sort_key


@dataclass
class MemoryWorkbook:
    """Sheets by name (their tables as a reader built them), and what we drew on them."""

    name: str
    tables: dict[str, Table]
    #: sheet → cells holding a formula
    formulas: dict[str, set[str]] = field(default_factory=dict)
    #: sheet → cells holding TRUE/FALSE
    booleans: dict[str, set[str]] = field(default_factory=dict)
    mapping: StoredMapping | None = None
    markable: bool = True
    #: the marks on the book now (``None``: none of ours)
    marks: MarkPlan | None = None
    #: every plan drawn, in order
    drawn: list[MarkPlan] = field(default_factory=list)
    changes: list[LoggedChange] | None = None
    changes_lang: Lang = "fr"
    #: sheet → row → the push's outcome written there; the history's lines, oldest first
    outcomes: dict[str, dict[int, RowOutcome]] = field(default_factory=dict)
    history: list[list[CellValue]] = field(default_factory=list)

    def can_carry_marks(self) -> bool:
        return self.markable

    def sheet_names(self) -> list[str]:
        return list(self.tables)

    def read_table(
        self,
        sheet: str | None = None,
        *,
        preferred_sheet: str | None = None,
        header_score: HeaderScore | None = None,
        progress: Progress = no_progress,
    ) -> Table:
        if sheet is not None and sheet not in self.tables:
            raise UsageError(f"la feuille « {sheet} » n'existe pas dans « {self.name} »")
        if sheet is None:
            sheet = preferred_sheet if preferred_sheet in self.tables else next(iter(self.tables))
        table = copy.deepcopy(self.tables[sheet])
        progress(len(table.row_numbers), len(table.row_numbers))
        return table

    def stored_mapping(self) -> StoredMapping | None:
        return self.mapping

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
        entries = tuple(StoredEntry(row.column, row.letter, row.label) for row in rows)
        self.mapping = StoredMapping(profile, data_sheet or None, entries)

    def write_outcomes(
        self,
        sheet: str,
        header_row: int,
        outcomes: Mapping[int, RowOutcome],
        history: HistoryLine,
        lang: Lang,
    ) -> None:
        self.outcomes.setdefault(sheet, {}).update(outcomes)
        self.history.append(history.cells())

    def previous_issues(self) -> set[IssueKey] | None:
        if self.marks is None:
            return None
        return {issue_key(line.cell, line.column, line.code) for line in self.marks.lines}

    def clear_marks(self) -> bool:
        had, self.marks = self.marks is not None, None
        return had

    def draw_marks(self, plan: MarkPlan, lang: Lang) -> int:
        assert self.marks is None, "the use case clears the marks before it draws"
        self.marks = plan
        self.drawn.append(plan)
        return len(plan.notes)

    def formula_cells(self, sheet: str) -> set[str]:
        return set(self.formulas.get(sheet, set()))

    def boolean_cells(self, sheet: str, refs: Iterable[str]) -> set[str]:
        return set(refs) & self.booleans.get(sheet, set())

    def set_cells(self, sheet: str, values: Mapping[str, CellValue]) -> None:
        table = self.tables[sheet]
        index = {number: i for i, number in enumerate(table.row_numbers)}
        for ref, value in values.items():
            row, column = sort_key(ref)
            table.columns[column - 1][index[row]] = value

    def cell(self, sheet: str, ref: str) -> CellValue | FormulaCell:
        """A cell's value now (for the tests' assertions)."""
        table = self.tables[sheet]
        row, column = sort_key(ref)
        return table.columns[column - 1][table.row_numbers.index(row)]

    def read_changes(self) -> tuple[list[LoggedChange], Lang] | None:
        if self.changes is None:
            return None
        return list(self.changes), self.changes_lang

    def write_changes(self, changes: Sequence[LoggedChange], lang: Lang) -> None:
        if self.changes is None:
            self.changes_lang = lang
        self.changes = list(changes) or None
