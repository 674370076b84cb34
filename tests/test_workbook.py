"""The use cases take a workbook (``core.workbook.Workbook``), not a file: the same check, marks,
fixes and undo run on a workbook held in dictionaries (``tests.memory_workbook``) and give the
same report and the same plans as on the file, and the file's workbook reads the file once."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

import pytest

from addin.core.catalogue import Lang
from addin.core.marks import MarkPlan
from addin.core.outcomes import HistoryLine, RowOutcome
from addin.core.profiles import get_profile
from addin.errors import UsageError
from addin.files.file_workbook import FileWorkbook, open_workbook
from addin.files.outcome_writer import status_text, write_outcomes
from addin.usecases.fixing import fix_book, undo_book
from addin.usecases.mapping_file import write_mapping_book
from addin.usecases.marking import clear_book, mark_book
from addin.usecases.validation import check_book
from tests import test_fix_files as fix_tests
from tests.memory_workbook import MemoryWorkbook
from tests.user_workbooks import read_parts, write_rows

FLOKON = get_profile("flokon")
SHEET = "Clients"
NO_MARKS = "« {} » ne peut pas recevoir de marques"  # today's message


class RecordingFileWorkbook(FileWorkbook):
    """The file's workbook, keeping every plan it is asked to draw."""

    def __init__(self, path: Path) -> None:
        super().__init__(path)
        self.drawn: list[MarkPlan] = []

    def draw_marks(self, plan: MarkPlan, lang: Lang) -> int:
        self.drawn.append(plan)
        return super().draw_marks(plan, lang)


def _in_memory(book: FileWorkbook) -> MemoryWorkbook:
    """The file's data sheet as a live book would hold it: its table and its formulas."""
    return MemoryWorkbook(
        book.name,
        {SHEET: book.read_table(SHEET)},
        formulas={SHEET: book.formula_cells(SHEET)},
    )


@pytest.fixture
def user_book(tmp_path: Path) -> Path:
    return fix_tests._user_workbook(tmp_path / "clients.xlsx")


def test_the_check_reads_the_same_table_and_gives_the_same_report(user_book: Path) -> None:
    with open_workbook(user_book) as book:
        memory = _in_memory(book)
        table, report = check_book(book, FLOKON)
    memory_table, memory_report = check_book(memory, FLOKON)

    assert report.issues  # the user's file has issues to mark and fix
    assert memory_report.issues == report.issues
    assert (memory_report.rows, memory_report.rows_with_errors) == (
        report.rows,
        report.rows_with_errors,
    )
    assert (memory_table.headers, memory_table.columns) == (table.headers, table.columns)


def test_marks_fixes_and_undo_draw_the_same_plans_on_both(user_book: Path, tmp_path: Path) -> None:
    file_book = RecordingFileWorkbook(user_book)
    memory = _in_memory(file_book)

    marked, memory_marked = mark_book(file_book, FLOKON), mark_book(memory, FLOKON)
    assert memory_marked.report.issues == marked.report.issues
    assert memory.drawn == file_book.drawn  # one plan each, the same
    # how many notes a drawer writes is its own business: the file keeps the user's note on C3
    assert memory_marked.notes == len(memory.drawn[0].notes) == marked.notes + 1
    saved = tmp_path / "marque.xlsx"
    file_book.save(saved)
    file_book.close()

    # the fix takes the marks out, fixes, logs, and marks what is left, with the progress
    file_book = RecordingFileWorkbook(saved)
    fixed, memory_fixed = fix_book(file_book, FLOKON), fix_book(memory, FLOKON)
    changes = {c.cell: (c.before, c.after) for c in fixed.fixes.changes}
    assert changes == fix_tests.FIXED
    assert memory_fixed.fixes.changes == fixed.fixes.changes
    assert memory_fixed.formulas_kept == fixed.formulas_kept == 1
    assert memory.drawn[1:] == file_book.drawn
    assert file_book.drawn[0].progress is not None
    assert memory.cell(SHEET, "C3") == "418-555-0199"
    file_book.save(saved)
    file_book.close()

    with open_workbook(saved) as book:
        logged = book.read_changes()
        assert logged is not None
        assert memory.read_changes() == logged
        undone, memory_undone = undo_book(book), undo_book(memory)
        assert book.read_changes() is None  # every fix taken back: the sheet goes
    assert (memory_undone.restored, memory_undone.kept) == (undone.restored, undone.kept)
    assert undone.restored == len(fix_tests.FIXED)
    assert memory.changes is None
    assert {ref: memory.cell(SHEET, ref) for ref in fix_tests.FIXED} == {
        ref: before for ref, (before, _) in fix_tests.FIXED.items()
    }

    assert clear_book(memory)
    assert memory.marks is None
    assert not clear_book(memory)


@pytest.mark.parametrize("use_case", [mark_book, fix_book])
def test_a_workbook_that_cannot_carry_marks_is_refused_as_the_file_was(
    use_case: Callable[..., object], user_book: Path
) -> None:
    with open_workbook(user_book) as book:
        memory = _in_memory(book)
    memory.markable = False
    with pytest.raises(UsageError, match=re.escape("« clients.xlsx » ne peut pas")):
        use_case(memory, FLOKON)
    with pytest.raises(UsageError, match=re.escape(NO_MARKS.format("clients.xlsx"))):
        clear_book(memory)
    with pytest.raises(UsageError, match=re.escape("seuls les classeurs .xlsx et .xlsm")):
        undo_book(memory)
    assert memory.drawn == []
    assert memory.changes is None


def test_the_file_is_read_once_whatever_happens_to_it_after(
    user_book: Path, tmp_path: Path
) -> None:
    other = write_rows(tmp_path / "other.xlsx", ["Code", "Nom"], [["C1", "Autre"]], sheet="Autre")
    with open_workbook(user_book) as book:
        before = book.read_table(SHEET)
        shutil.copyfile(other, user_book)  # the file replaced on disk while the command runs
        assert book.sheet_names()[0] == SHEET
        again = book.read_table(SHEET)
        copy = tmp_path / "copie.xlsx"
        book.save(copy)
    assert (again.headers, again.columns) == (before.headers, before.columns)
    assert again.source.path == str(user_book)  # the readers' copy is never named
    with open_workbook(copy) as saved:
        assert saved.read_table(SHEET).columns == before.columns


def test_a_csv_is_read_from_its_path_and_cannot_carry_marks(tmp_path: Path) -> None:
    path = tmp_path / "clients.csv"
    path.write_text("Code;Nom\nC1;Marie\n", encoding="utf-8")
    with open_workbook(path) as book:
        assert not book.can_carry_marks()
        table = book.read_table()
        with pytest.raises(UsageError, match=re.escape(NO_MARKS.format("clients.csv"))):
            mark_book(book, FLOKON)
    assert table.source.path == str(path)
    assert table.headers == ["Code", "Nom"]


def test_the_mapping_is_stored_and_read_back_alike(user_book: Path, tmp_path: Path) -> None:
    with open_workbook(user_book) as book:
        memory = _in_memory(book)
        mapped = write_mapping_book(book, FLOKON)
        saved = tmp_path / "correspondance.xlsx"
        book.save(saved)
    memory_mapped = write_mapping_book(memory, FLOKON)

    assert memory_mapped.lines == mapped.lines
    with open_workbook(saved) as book:
        stored = book.stored_mapping()
        assert stored is not None
        assert memory.stored_mapping() == stored
        # the next check reads the columns through the stored choices, on both
        assert check_book(memory, None)[1].issues == check_book(book, None)[1].issues


def test_the_file_workbook_draws_push_outcomes_as_the_file_writer_does(
    user_book: Path, tmp_path: Path
) -> None:
    outcomes = {
        2: RowOutcome("créé", "cli_1", None, "C1"),
        3: RowOutcome("refusé", None, "Email : format invalide", "C2"),
    }
    history = HistoryLine(
        dt.datetime(2026, 12, 7, 4, 0), "flokon", "http://127.0.0.1:8765", "upsert", {"created": 1}
    )
    expected = tmp_path / "attendu.xlsx"
    write_outcomes(user_book, SHEET, 1, outcomes, history, output=expected)
    with open_workbook(user_book) as book:
        book.write_outcomes(SHEET, 1, outcomes, history, "fr")
        written = tmp_path / "ecrit.xlsx"
        book.save(written)
    assert read_parts(written) == read_parts(expected)

    memory = MemoryWorkbook("clients.xlsx", {})
    memory.write_outcomes(SHEET, 1, outcomes, history, "fr")
    with open_workbook(written) as book:
        table = book.read_table(SHEET)
    statuses = dict(zip(table.row_numbers, table.columns[-2], strict=True))
    assert {row: status_text(o) for row, o in memory.outcomes[SHEET].items()} == {
        row: statuses[row] for row in outcomes
    }


def test_a_file_is_still_read_when_no_private_copy_can_be_made(
    user_book: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with open_workbook(user_book) as book:
        expected = check_book(book, FLOKON)[1].issues
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "no-such-folder"))
    with open_workbook(user_book) as book:
        table, report = check_book(book, FLOKON)
    assert report.issues == expected
    assert table.source.path == str(user_book)


def test_a_sheet_too_large_to_rewrite_is_refused_before_anything_is_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Marks and fixes rewrite the sheet: past a bound in cells (300,000 rows of 25 columns
    took 1.9 GB), the command says so in one sentence instead of running out of memory; the
    check alone still reads the whole sheet."""
    from addin.errors import FileTooLargeError
    from addin.usecases import marking

    path = tmp_path / "clients.csv"
    path.write_text(
        "distributorId;civilTitle;Lastname\n" + "".join(f"C{n};Madame;Nom{n}\n" for n in range(40)),
        encoding="utf-8",
    )
    xlsx = tmp_path / "clients.xlsx"
    from openpyxl import Workbook as OpenpyxlWorkbook

    book = OpenpyxlWorkbook()
    sheet = book.active
    assert sheet is not None
    for line in path.read_text(encoding="utf-8").splitlines():
        sheet.append(line.split(";"))
    book.save(xlsx)
    original = xlsx.read_bytes()
    monkeypatch.setattr(marking, "MAX_REWRITTEN_CELLS", 100)  # 41 rows x 3 columns = 123

    for action in (mark_book, fix_book):
        with open_workbook(xlsx) as opened, pytest.raises(FileTooLargeError) as refused:
            action(opened, get_profile("hokus"))
        message = str(refused.value)
        assert "40 lignes × 3 colonnes" in message and "au plus 100" in message
        assert "sans --annotate" in message
    assert xlsx.read_bytes() == original
    with open_workbook(xlsx) as opened:
        assert check_book(opened, get_profile("hokus"))[1].issues  # the check alone still runs
