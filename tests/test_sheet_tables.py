"""Our sheets are Excel tables (issue 19, item 5): report, changes, mapping, history, duplicates.

Each is checked as Excel would find it: a table part whose columns are exactly the header cells'
texts, in Excel's default style, with its own filter (not the sheet's), columns as wide as what
they hold within a cap, the report's messages wrapped, title and headers bold. Then as the other
office finds it: LibreOffice opens and re-saves the workbook keeping the tables, and renders the
report (PDF, then PNG with poppler's pdftoppm) into a picture a person can look at: the path is
printed, and the picture kept under ``artefacts/sheet-tables/`` of the checkout.

The history's table grows with each push; ``clear`` takes our tables out with our sheets and
leaves a user's own table, even one named as ours would be (ours then gets a suffix).
"""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
import warnings
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from openpyxl.worksheet.table import Table

from addin.core.outcomes import HistoryLine, RowOutcome
from addin.core.profiles import get_profile
from addin.files.outcome_writer import write_outcomes
from addin.files.sheet_xml import NARROWEST, WIDEST
from addin.files.xlsx_package import XlsxPackage
from addin.usecases.marking import clear_book, clear_file, mark_book, mark_file
from tests import excel_engine
from tests.commands import client_import as cli
from tests.libreoffice import ONE_PAGE_A_SHEET, convert, pdftoppm
from tests.test_duplicates import HEADERS, ROWS
from tests.test_live_marks import open_live
from tests.user_workbooks import report_header, write_rows

EVOLIZ = get_profile("evoliz-clients")
ARTEFACTS = Path(__file__).parent.parent / "artefacts" / "sheet-tables"
#: our tables' names, and where their headers are, in a workbook marked in French
#: the report's sheet and table; its header row is below the totals per column, found there
REPORT = ("CI_Rapport", "ClientImport_Report")
DUPLICATES = ("CI_Doublons", "ClientImport_Duplicates", 4)


def read(path: Path) -> Any:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        return load_workbook(path)


def clients(path: Path) -> Path:
    """The duplicates tests' customers: a report with every kind of issue and duplicates."""
    return write_rows(path, HEADERS, ROWS, sheet="Clients")


def marked(folder: Path) -> Path:
    source = clients(folder / "clients.xlsx")
    mark_file(source, EVOLIZ, output=folder / "marked.xlsx")
    return folder / "marked.xlsx"


def our_table(book: Any, sheet: str, name: str, header_row: int) -> Table:
    """The one table of ``sheet``, checked as Excel checks it: its name, its columns equal to
    the header cells' texts, its style; the sheet's own filter gone (a table brings its own)."""
    ws = book[sheet]
    (table,) = ws.tables.values()
    assert table.displayName == name
    first, _last = table.ref.split(":")
    assert first == f"A{header_row}"
    headers = [ws.cell(header_row, n).value for n in range(1, len(table.tableColumns) + 1)]
    assert [column.name for column in table.tableColumns] == headers
    assert len(set(headers)) == len(headers)
    assert table.tableStyleInfo.name == "TableStyleMedium2"
    assert table.tableStyleInfo.showRowStripes
    assert table.autoFilter.ref == table.ref
    assert ws.auto_filter.ref is None
    return table


def test_the_report_and_duplicates_are_tables_with_fitted_wrapped_columns(tmp_path: Path) -> None:
    book = read(marked(tmp_path))
    sheet = book["CI_Rapport"]
    top = report_header(sheet)
    report = our_table(book, *REPORT, top)
    last_issue = max(row for row in range(top + 1, sheet.max_row + 1) if sheet.cell(row, 8).value)
    assert report.ref == f"A{top}:I{last_issue}"
    widths = {c: sheet.column_dimensions[c].width for c in "ABCDEFGHI"}
    assert all(NARROWEST <= w <= WIDEST for w in widths.values()), widths
    for n, letter in enumerate("ABCDEFGHI", start=1):  # no header cut (its filter button too)
        assert widths[letter] >= len(sheet.cell(top, n).value) + 3, (letter, widths)
    assert widths["E"] == WIDEST  # the messages: capped, and wrapped on every line
    assert all(sheet.cell(row, 5).alignment.wrap_text for row in range(top + 1, last_issue + 1))
    assert sheet.cell(top, 1).font.b and sheet["A1"].font.b
    assert sheet.freeze_panes == f"A{top + 1}"
    duplicates = our_table(book, *DUPLICATES)
    assert duplicates.ref == "A4:H10"
    assert book["CI_Doublons"]["H5"].alignment.wrap_text


def test_libreoffice_keeps_the_tables_and_renders_the_report(soffice: str, tmp_path: Path) -> None:
    source = marked(tmp_path)
    resaved = convert(source, "xlsx", tmp_path / "resaved", soffice=soffice)
    book = read(resaved)
    report = (*REPORT, report_header(book[REPORT[0]]))
    for sheet, name, header_row in (report, DUPLICATES):
        (table,) = book[sheet].tables.values()
        assert table.displayName == name and table.ref.startswith(f"A{header_row}:")
        assert [c.name for c in table.tableColumns] == [c.value for c in book[sheet][header_row]]
    # and the file LibreOffice wrote is still ours to clear, tables and all
    assert clear_file(resaved) is not None
    assert read(resaved).sheetnames == ["Clients"]
    assert not [p for p in XlsxPackage.open(resaved).parts if "/tables/" in p]
    # the picture: the report sheet alone, as LibreOffice draws it
    only_report = tmp_path / "report.xlsx"
    shutil.copyfile(source, only_report)
    package = XlsxPackage.open(only_report)
    for entry in package.sheets():
        if entry.name not in ("CI_Rapport", "Clients"):
            package.remove_sheet(entry)
    package.save(only_report)
    # each sheet on one page of its own size: the report whole, its chart beside its tables
    pdf = convert(only_report, ONE_PAGE_A_SHEET, tmp_path / "pdf", soffice=soffice)
    pictures = render(pdf, tmp_path / "png")
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    for picture in pictures:
        shutil.copyfile(picture, ARTEFACTS / picture.name)
    print("report rendered by LibreOffice:", *pictures, f"(copied to {ARTEFACTS})")
    assert pictures and all(p.stat().st_size > 5_000 for p in pictures)


def render(pdf: Path, folder: Path) -> list[Path]:
    """Every page of ``pdf`` as a PNG, with poppler's pdftoppm."""
    binary = pdftoppm()
    folder.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [binary, "-r", "60", "-png", str(pdf), str(folder / "report")], check=True, timeout=120
    )
    return sorted(folder.glob("report*.png"))


def test_a_users_own_table_keeps_its_name_and_stays_after_clear(tmp_path: Path) -> None:
    source = clients(tmp_path / "clients.xlsx")
    book = read(source)
    book["Clients"].add_table(Table(displayName="ClientImport_Report", ref="A1:J13"))
    book.save(source)
    mark_file(source, EVOLIZ, output=tmp_path / "marked.xlsx")
    ours = read(tmp_path / "marked.xlsx")
    assert list(ours["Clients"].tables) == ["ClientImport_Report"]
    assert list(ours["CI_Rapport"].tables) == ["ClientImport_Report_2"]
    ids = [
        int(part.split(b' id="')[1].split(b'"')[0])
        for name, part in XlsxPackage.open(tmp_path / "marked.xlsx").parts.items()
        if "/tables/" in name
    ]
    assert len(ids) == len(set(ids)) == 3
    assert clear_file(tmp_path / "marked.xlsx") is not None
    cleared = read(tmp_path / "marked.xlsx")
    assert cleared.sheetnames == ["Clients"]
    assert cleared["Clients"].tables["ClientImport_Report"].ref == "A1:J13"


def _push(path: Path, when: str) -> Path:
    line = HistoryLine(dt.datetime.fromisoformat(when), "flokon", "https://x", "upsert", {})
    return write_outcomes(path, "Clients", 1, {2: RowOutcome("créé", "cli_1", None)}, line)


def test_the_history_table_grows_with_each_push(tmp_path: Path) -> None:
    source = clients(tmp_path / "clients.xlsx")
    for pushes, when in enumerate(("2026-12-07 09:00", "2026-12-07 10:00", "2026-12-08 08:00")):
        _push(source, when)
        table = our_table(read(source), "CI_Historique", "ClientImport_History", 1)
        assert table.ref == f"A1:J{pushes + 2}"
    # one table part, not one per push
    assert len([p for p in XlsxPackage.open(source).parts if "/tables/" in p]) == 1


def test_the_mapping_and_changes_sheets_are_tables(tmp_path: Path) -> None:
    source = clients(tmp_path / "clients.xlsx")
    assert cli("map", source, "-p", "evoliz-clients", "--write").returncode == 0
    assert cli("map", source, "-p", "evoliz-clients", "--write").returncode == 0  # rewritten
    book = read(source)
    mapping = our_table(book, "CI_Correspondance", "ClientImport_Mapping", 6)
    assert mapping.ref == f"A6:F{6 + len(HEADERS)}"
    assert len([p for p in XlsxPackage.open(source).parts if "/tables/" in p]) == 1
    widths = [book["CI_Correspondance"].column_dimensions[c].width for c in "ABCDEF"]
    assert all(NARROWEST <= w <= WIDEST for w in widths)
    fixed = tmp_path / "fixed.xlsx"
    done = cli("fix", source, "-p", "evoliz-clients", "-o", fixed)
    assert done.returncode in (0, 1), done.stderr
    book = read(fixed)
    changes = our_table(book, "CI_Corrections", "ClientImport_Changes", 3)
    assert changes.ref == f"A3:F{book['CI_Corrections'].max_row}"
    assert book["CI_Corrections"].column_dimensions["F"].hidden


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_the_table_columns_are_the_headers_in_either_language(lang: str, tmp_path: Path) -> None:
    source = clients(tmp_path / "clients.xlsx")
    mark_file(source, EVOLIZ, output=tmp_path / "marked.xlsx", lang=lang)  # type: ignore[arg-type]
    book = read(tmp_path / "marked.xlsx")
    report = "CI_Rapport" if lang == "fr" else "CI_Report"
    duplicates = "CI_Doublons" if lang == "fr" else "CI_Duplicates"
    our_table(book, report, "ClientImport_Report", report_header(book[report]))
    our_table(book, duplicates, "ClientImport_Duplicates", 4)


def test_marked_in_excel_the_sheets_are_the_same_tables_and_libreoffice_keeps_them(
    excel: excel_engine.Engine, soffice: str, tmp_path: Path
) -> None:
    book, live = open_live(clients(tmp_path / "clients.xlsx"))
    mark_book(live, EVOLIZ)
    book.save(str(tmp_path / "live.xlsx"))
    saved = read(tmp_path / "live.xlsx")
    top = report_header(saved["CI_Rapport"])
    report = our_table(saved, *REPORT, top)
    our_table(saved, *DUPLICATES)
    sheet = saved["CI_Rapport"]
    assert sheet[f"E{top + 1}"].alignment.wrap_text and sheet[f"A{top}"].font.b
    resaved = read(convert(tmp_path / "live.xlsx", "xlsx", tmp_path / "lo", soffice=soffice))
    (kept,) = resaved["CI_Rapport"].tables.values()
    assert (kept.displayName, kept.ref) == (report.displayName, report.ref)
    # clear in Excel takes the tables with their sheets
    assert clear_book(live) is True
    book.save(str(tmp_path / "cleared.xlsx"))
    cleared = read(tmp_path / "cleared.xlsx")
    assert cleared.sheetnames == ["Clients"] and not cleared["Clients"].tables
