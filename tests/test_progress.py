"""Readers report their progress for real: called, never backwards, ending at the total."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from openpyxl import Workbook
from rich.console import Console

import addin.readers.reader as reader_module
from addin.core.profiles import get_profile
from addin.readers.progress import STEP
from addin.readers.reader import read_table
from addin.shells.render.progress import progress_bar
from addin.usecases.validation import validate_file

FILES = Path(__file__).parent / "fixtures" / "files"
ROWS = 3 * STEP + 17  # several intermediate calls


def recorded(path: Path) -> tuple[list[tuple[int, int | None]], int]:
    calls: list[tuple[int, int | None]] = []
    table = read_table(path, progress=lambda done, total: calls.append((done, total)))
    return calls, table.row_count


def assert_well_behaved(calls: list[tuple[int, int | None]]) -> None:
    assert calls, "never called"
    done = [d for d, _ in calls]
    assert done == sorted(done), calls
    last_done, last_total = calls[-1]
    assert last_done == last_total, calls
    known = {total for _, total in calls if total is not None}
    assert len(known) <= 1, calls  # a total, once known, does not change
    assert all(d <= last_done for d in done)


@pytest.mark.parametrize(
    "name",
    [
        "clients_utf8.csv",
        "clients_utf16.csv",
        "clients_lo.xlsx",
        "clients_lo.xls",
        "clients_lo.ods",
    ],
)
def test_fixtures_report_progress(name: str) -> None:
    calls, _ = recorded(FILES / name)
    assert_well_behaved(calls)
    assert calls[-1][0] >= 4  # header, three data rows and an empty one (CSV: lines)


def test_large_csv_reports_lines(tmp_path: Path) -> None:
    path = tmp_path / "grand.csv"
    path.write_text("Code;Nom\n" + "".join(f"C{n};Nom {n}\n" for n in range(ROWS)), "utf-8")
    calls, rows = recorded(path)
    assert_well_behaved(calls)
    assert rows == ROWS
    assert calls[-1] == (ROWS + 1, ROWS + 1)
    assert len(calls) >= 4


@pytest.fixture(scope="module")
def large_workbook(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("progress") / "grand.xlsx"
    book = Workbook(write_only=True)
    sheet = book.create_sheet("Data")
    sheet.append(["Code", "Nom"])
    for n in range(ROWS):
        sheet.append([f"C{n}", f"Nom {n}"])
    book.save(path)
    return path


def test_large_workbook_hybrid(large_workbook: Path) -> None:
    calls, rows = recorded(large_workbook)
    assert_well_behaved(calls)
    assert rows == ROWS
    assert calls[0] == (0, ROWS + 1)
    assert calls[-1] == (ROWS + 1, ROWS + 1)
    assert len(calls) >= 5


def test_large_workbook_openpyxl(large_workbook: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """openpyxl does not know the total before the end: ``None``, then rows read = total."""
    monkeypatch.setattr(reader_module, "XLSX_HYBRID", False)
    calls, rows = recorded(large_workbook)
    assert_well_behaved(calls)
    assert rows == ROWS
    assert all(total is None for _, total in calls[:-1])
    assert calls[-1] == (ROWS + 1, ROWS + 1)
    assert len(calls) >= 4


class Recorder:
    def __init__(self) -> None:
        self.events: list[str] = []

    def reading(self, done: int, total: int | None) -> None:
        self.events.append(f"read {done}/{total}")

    def checking(self) -> None:
        self.events.append("check")


def test_validation_reads_then_checks() -> None:
    recorder = Recorder()
    validate_file(FILES / "clients_utf8.csv", get_profile("hokus"), progress=recorder)
    assert recorder.events[-1] == "check"
    assert recorder.events[-2] == "read 6/6"  # 6 lines: a quoted cell spans two
    assert recorder.events.count("check") == 1


def test_bar_is_drawn_on_a_terminal_only() -> None:
    terminal = io.StringIO()
    with progress_bar(Console(file=terminal, force_terminal=True, width=100), "fr") as bar:
        assert bar is not None
        validate_file(FILES / "clients_utf8.csv", get_profile("hokus"), progress=bar)
    assert "Lecture" in terminal.getvalue()

    pipe = io.StringIO()
    with progress_bar(Console(file=pipe, force_terminal=False), "fr") as bar:
        assert bar is None
    assert pipe.getvalue() == ""
