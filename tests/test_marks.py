"""Marks in a user's workbook: exactly on the cells with issues, removable, and lossless.

The workbooks are the kind accountants have: their own fills and fonts, formulas, a merged
title over the header, hidden rows, other sheets, a chart, their own notes, data validation
including an Excel 2010 (x14) extension that openpyxl would drop, and an .xlsm with a macro
(xlwings' quickstart.xlsm, saved by Excel, with rows added).
"""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook
from openpyxl.styles import Font
from typer.testing import CliRunner

from addin.core.kinds import KIND_WORDS, WORST_FIRST, kind_of
from addin.core.profiles import get_profile
from addin.files.cell_edits import set_cells
from addin.files.xlsx_package import XlsxPackage
from addin.shells.cli import app
from addin.usecases.fixing import fix_file
from addin.usecases.marking import clear_file, mark_file
from addin.usecases.validation import validate_file
from tests.user_workbooks import (
    X14_VALIDATION,
    load_closed_vba,
    load_macro_book,
    read_parts,
    report_header,
    write_rows,
    write_user_workbook,
)

FIXTURES = Path(__file__).parent / "fixtures" / "files"
HEADERS = ["Prénom", "Nom", "Téléphone", "SMS/Appel", "Adresse", "Adresse Ligne 1", "Ville",
           "Code postal", "Notes", "Identifiant du client"]  # fmt: skip
ROWS = [
    ["Marie", "Tremblay", "418-555-0134", "SMS", "999 Rue exemple, Québec, QC, G1P 0A0", None,
     None, None, None, "C1"],
    ["Paul", "Roy", "4185550199", "texto", None, "12 rue du Lac", "Lévis", "G6V 1A1", None, "C2"],
    ["Anne", "Roy", "418-555-0188", "appel", None, None, None, None, "Chien", "C3"],
    ["Luc", "Côté", "418-555-0177", "Appel", "5 Av. des Pins, Québec, QC, G1R 2T3", None, None,
     None, None, "C4"],
]  # fmt: skip


@pytest.fixture
def user_book(tmp_path: Path) -> Path:
    """A Flokon file as a user keeps it: formats, formulas, notes, chart, x14 validation."""
    return write_user_workbook(
        tmp_path / "clients.xlsx",
        HEADERS,
        ROWS,
        fills={"A2": "00B050"},
        fonts={"B3": Font(bold=True, color="FF0000")},
        formulas={"I5": '=CONCATENATE("Client ",J5)'},
    )


@pytest.fixture
def macro_book(tmp_path: Path) -> Path:
    """xlwings' quickstart.xlsm (saved by Excel, with its VBA project) with Flokon rows."""
    book = load_macro_book(FIXTURES / "xlwings_quickstart.xlsm")
    sheet = book.worksheets[0]
    sheet.append(HEADERS)
    for row in ROWS:
        sheet.append(row)
    path = tmp_path / "macro.xlsm"
    book.save(path)
    return path


def _expected_marks(path: Path) -> dict[str, int]:
    report = validate_file(path, get_profile("flokon"))
    marks: dict[str, int] = {}
    for issue in report.issues:
        if issue.cell:
            marks[issue.cell] = max(marks.get(issue.cell, 0), kind_of(report, issue))
    return marks


def test_marks_are_exactly_on_the_cells_with_issues(user_book: Path, tmp_path: Path) -> None:
    expected = _expected_marks(user_book)
    assert expected  # the file has problems: phone without dashes, "texto", missing address
    out = tmp_path / "marked.xlsx"
    result = mark_file(user_book, get_profile("flokon"), output=out)
    book = load_closed_vba(out)
    marks = book["CI_Marques"]
    assert marks.sheet_state == "hidden"
    found = {
        c.coordinate: c.value
        for row in marks.iter_rows(min_row=2)
        for c in row
        if c.value is not None and c.column <= len(HEADERS)
    }
    assert found == expected
    flagged_rows = {
        c.row: c.value for row in marks.iter_rows(min_row=2) for c in row if c.column == 11
    }
    assert set(flagged_rows) == {i.row for i in result.report.issues if i.row is not None}


def test_notes_carry_the_message_and_keep_the_users_own(user_book: Path, tmp_path: Path) -> None:
    out = tmp_path / "marked.xlsx"
    result = mark_file(user_book, get_profile("flokon"), output=out)
    sheet = load_closed_vba(out)["Clients"]
    notes = {
        c.coordinate: c.comment for row in sheet.iter_rows() for c in row if c.comment is not None
    }
    assert notes.pop("C3").author == "Alice"  # the user's note stays, ours goes to the report
    by_cell: dict[str, list[str]] = {}
    for issue in result.report.issues:
        if issue.row is not None:
            by_cell.setdefault(issue.cell or f"A{issue.row}", []).append(issue.message("fr"))
    by_cell.pop("C3")
    assert set(notes) == set(by_cell)
    for cell, messages in by_cell.items():
        assert notes[cell].author == "client-import"
        for message in messages:
            assert message in notes[cell].text
    assert result.notes == len(notes)


def test_report_sheet_matches_validate_json(user_book: Path, tmp_path: Path) -> None:
    out = tmp_path / "marked.xlsx"
    mark_file(user_book, get_profile("flokon"), output=out)
    code = CliRunner().invoke(app, ["validate", str(user_book), "-p", "flokon", "--json"])
    issues = json.loads(code.stdout)["issues"]
    # what a person must fix first, then what the product fixes, then warnings: each in order
    worst_first = {("error", False): 0, ("error", True): 1, ("warning", True): 2,
                   ("warning", False): 2}  # fmt: skip
    issues.sort(key=lambda issue: worst_first[issue["severity"], issue["fixable"]])
    report = load_closed_vba(out)["CI_Rapport"]
    lines = list(report.iter_rows(min_row=report_header(report) + 1, values_only=True))
    assert len(lines) == len(issues)
    words = dict(enumerate(KIND_WORDS["fr"][kind] for kind in WORST_FIRST))
    for line, issue in zip(lines, issues, strict=True):
        row, _cell, column, severity, message, value, suggestion, code_, follow_up = line
        assert follow_up is None  # first check: nothing to compare with
        assert (row, column, message, value, suggestion, code_) == (
            issue["row"],
            issue["column"],
            issue["message"],
            issue["value"],
            issue["suggestion"],
            issue["code"],
        )
        assert severity == words[worst_first[issue["severity"], issue["fixable"]]]
    assert "erreur(s)" in str(report["A2"].value)
    links = [c.value for c in report["B"][report_header(report) :] if c.value]
    assert links and all(str(v).startswith("=HYPERLINK(\"#'Clients'!") for v in links)


def test_marking_again_shows_the_progress_since_the_last_check(
    user_book: Path, tmp_path: Path
) -> None:
    """Issues are known by cell and code: after a fix, the report says what went and what came."""
    marked = tmp_path / "marked.xlsx"
    mark_file(user_book, get_profile("flokon"), output=marked)
    first = _report_keys(marked)
    fixed = tmp_path / "fixed.xlsx"
    fix_file(marked, get_profile("flokon"), output=fixed)  # marks again, for what is left
    after_fix = _report_keys(fixed)
    resolved, revealed = len(first - after_fix), len(after_fix - first)
    assert resolved > 0  # a fixed phone can reveal a new warning (SMS to a Quebec line)
    assert f"{resolved} problème(s) résolu(s), {revealed} nouveau(x)" in _totals(fixed)
    package = XlsxPackage.open(fixed)
    part = package.sheet("Clients").part
    package.write(part, set_cells(package.read(part), {"C5": "pas un numéro"}, "Clients"))
    package.save(fixed)
    remarked = tmp_path / "remarked.xlsx"
    mark_file(fixed, get_profile("flokon"), output=remarked)
    latest = _report_keys(remarked)
    new = latest - after_fix
    assert new and all("C5" in str(cell) for cell, _code in new)
    assert f"{len(after_fix - latest)} problème(s) résolu(s), {len(new)} nouveau(x)" in (
        _totals(remarked)
    )
    sheet = load_closed_vba(remarked)["CI_Rapport"]
    lines = sheet.iter_rows(min_row=report_header(sheet) + 1, values_only=True)
    assert {(line[1], line[7]) for line in lines if line[8] == "nouveau"} == new


def _report_keys(path: Path) -> set[tuple[object, object]]:
    sheet = load_closed_vba(path)["CI_Rapport"]
    lines = sheet.iter_rows(min_row=report_header(sheet) + 1, values_only=True)
    return {(line[1], line[7]) for line in lines}


def _totals(path: Path) -> str:
    return str(load_closed_vba(path)["CI_Rapport"]["A2"].value)


def test_everything_else_stays_byte_identical(user_book: Path, tmp_path: Path) -> None:
    out = tmp_path / "marked.xlsx"
    mark_file(user_book, get_profile("flokon"), output=out)
    before, after = read_parts(user_book), read_parts(out)
    changed = {name for name in before if before[name] != after.get(name)}
    assert changed <= {
        "[Content_Types].xml",
        "xl/workbook.xml",
        "xl/_rels/workbook.xml.rels",
        "xl/styles.xml",
        "xl/worksheets/sheet1.xml",  # the conditional formatting
        "xl/comments/comment1.xml",  # our notes beside Alice's
        "xl/drawings/commentsDrawing1.vml",
    }
    assert after["xl/worksheets/sheet1.xml"].count(X14_VALIDATION) == 1
    assert after["xl/charts/chart1.xml"] == before["xl/charts/chart1.xml"]
    assert b"Alice" in after["xl/comments/comment1.xml"]


def test_clear_gives_back_the_original_part_for_part(user_book: Path, tmp_path: Path) -> None:
    out = tmp_path / "marked.xlsx"
    mark_file(user_book, get_profile("flokon"), output=out)
    backup = clear_file(out)
    assert backup is not None and backup.exists()
    assert read_parts(out) == read_parts(user_book)
    assert clear_file(out) is None  # nothing left to clear


def test_macro_workbook_keeps_its_vba_and_clears_back(macro_book: Path) -> None:
    original = read_parts(macro_book)
    result = mark_file(macro_book, get_profile("flokon"), in_place=True)
    assert result.backup is not None and read_parts(result.backup) == original
    marked = read_parts(macro_book)
    assert marked["xl/vbaProject.bin"] == original["xl/vbaProject.bin"]
    assert "CI_Rapport" in load_closed_vba(macro_book).sheetnames
    clear_file(macro_book)
    assert read_parts(macro_book) == original


def test_marking_twice_shows_the_last_check_only(user_book: Path, tmp_path: Path) -> None:
    once, twice = tmp_path / "once.xlsx", tmp_path / "twice.xlsx"
    mark_file(user_book, get_profile("flokon"), output=once)
    mark_file(once, get_profile("flokon"), output=twice)
    report = XlsxPackage.open(twice).sheet("CI_Rapport").part
    first, second = read_parts(once), read_parts(twice)
    progress = "Depuis la vérification précédente : 0 problème(s) résolu(s), 0 nouveau(x)."
    assert first.pop(report) == second.pop(report).replace(f" {progress}".encode(), b"")
    assert first == second
    assert progress in _totals(twice)


def test_an_existing_marked_copy_is_not_replaced(user_book: Path, tmp_path: Path) -> None:
    from addin.errors import UsageError

    out = tmp_path / "marked.xlsx"
    out.write_bytes(b"work done in the copy")
    with pytest.raises(UsageError, match="existe déjà"):
        mark_file(user_book, get_profile("flokon"), output=out)
    assert out.read_bytes() == b"work done in the copy"
    mark_file(user_book, get_profile("flokon"), output=out, overwrite=True)
    assert "CI_Rapport" in load_closed_vba(out).sheetnames


def test_notes_are_capped_and_the_report_has_everything(tmp_path: Path) -> None:
    """10,000 rows, 5,000 of them with a bad phone: 500 notes, 5,000 report lines."""
    rows: list[list[object]] = []
    for n in range(10_000):
        phone = f"418-555-{n % 10_000:04d}" if n % 2 else f"418555{n % 10_000:04d}"
        rows.append(["A", "B", phone, "appel", "1 rue X, Québec, QC, G1P 0A0", None, None, None,
                     None, f"C{n}"])  # fmt: skip
    path = write_rows(tmp_path / "big.xlsx", HEADERS, rows)
    out = tmp_path / "big-marked.xlsx"
    result = mark_file(path, get_profile("flokon"), output=out)
    phone_issues = [i for i in result.report.issues if i.column == "Téléphone"]
    assert len(phone_issues) == 5_000
    assert result.notes == 500
    marked = load_closed_vba(out)
    lines = marked["CI_Rapport"].iter_rows(min_row=report_header(marked["CI_Rapport"]) + 1)
    assert len(list(lines)) == len(result.report.issues)
    assert "500 premières cellules" in str(marked["CI_Rapport"]["A2"].value)
    comments = read_parts(out)["xl/comments/commentCI1.xml"].count(b"<comment ")
    assert comments == 500


def test_csv_cannot_be_marked_in_place_nor_into_another_csv(tmp_path: Path) -> None:
    """A CSV has no notes or colours: its marks go to a workbook copy (test_csv_workbook)."""
    from addin.errors import UsageError

    csv = tmp_path / "x.csv"
    csv.write_text("Prénom;Nom\n", encoding="utf-8")
    with pytest.raises(UsageError, match=r"\.xlsx et \.xlsm"):
        mark_file(csv, get_profile("flokon"), in_place=True)
    with pytest.raises(UsageError, match=r"\.xlsx et \.xlsm"):
        mark_file(csv, get_profile("flokon"), output=tmp_path / "o.csv")


def test_cli_annotate_and_clear(user_book: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    out = tmp_path / "m.xlsx"
    result = runner.invoke(
        app, ["validate", str(user_book), "-p", "flokon", "--annotate", str(out)]
    )
    assert result.exit_code == 1  # errors found
    assert "Classeur marqué" in result.stderr
    result = runner.invoke(app, ["clear", str(out)])
    assert result.exit_code == 0 and "Marques retirées" in result.stdout
    assert read_parts(out) == read_parts(user_book)
    both = runner.invoke(app, ["validate", str(user_book), "--annotate", str(out), "--in-place"])
    assert both.exit_code == 2 and "soit" in both.stderr


@pytest.mark.libreoffice
def test_marked_workbook_opens_in_libreoffice(
    user_book: Path, tmp_path: Path, soffice: str
) -> None:
    from tests.libreoffice import convert

    out = tmp_path / "marked.xlsx"
    result = mark_file(user_book, get_profile("flokon"), output=out)
    ods = convert(out, "ods", tmp_path / "ods", soffice=soffice)
    with zipfile.ZipFile(ods) as archive:
        content = archive.read("content.xml")
    assert content.count(b"<office:annotation") == result.notes + 1  # ours and Alice's
    assert b"CI_Marques" in content  # the conditional formats still read the marks sheet
    assert b"calcext:conditional-format" in content


def test_notes_added_to_a_drawing_with_other_prefixes_keep_it_well_formed(tmp_path: Path) -> None:
    """openpyxl writes the notes' drawing with ``ns0:``/``ns1:`` prefixes: our note boxes use
    ``v:``/``o:``/``x:``, so their declarations must be there too, or the drawing is no XML
    and the marked workbook does not open."""
    from xml.etree import ElementTree

    from openpyxl import Workbook
    from openpyxl.comments import Comment

    path = tmp_path / "noted.xlsx"
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["distributorId", "civilTitle", "Lastname"])
    sheet.append(["C1", "Madame", "Roy"])
    sheet.append(["C2", "Mme", "Martin"])
    sheet["C1"].comment = Comment("la note d'Alice", "Alice")
    book.save(path)
    out = tmp_path / "marked.xlsx"

    result = mark_file(path, get_profile("hokus"), output=out)

    assert result.notes >= 1
    with zipfile.ZipFile(out) as package:
        for name in package.namelist():
            if name.endswith(".vml"):
                ElementTree.fromstring(package.read(name))  # well-formed, prefixes declared
    marked = load_workbook(out)["Sheet"]
    assert marked["C1"].comment.text == "la note d'Alice"
    assert marked["B2"].comment is not None and marked["B2"].comment.author == "client-import"
