"""Marks drawn on the book open in Excel are the marks the file path draws, and clear takes
exactly them out again.

The live side is a :class:`~addin.live.workbook.LiveWorkbook` over real xlwings objects on the
test engine (``tests/excel_engine.py``: its conditional formats, validations and notes are
openpyxl's, added through COM's object model as Excel offers it; a formula given to
``FormatConditions.Add`` is read from the active cell, as in Excel). The file side is
``mark_file``/``clear_file``. The proof, for a user's workbook and the demo samples: the engine's
book, saved, and the file path's output, both read with openpyxl, have the same report sheet,
the same marks sheet, the same conditional formats (ranges, formulas, colours), the same notes;
clear gives back the original cells, notes and formats; the calls into Excel do not grow with
the rows, apart from the capped notes.
"""

from __future__ import annotations

import shutil
import warnings
import zipfile
from pathlib import Path
from typing import Any

import pytest
import xlwings as xw
from openpyxl import load_workbook
from openpyxl.formatting.rule import CellIsRule
from openpyxl.styles import PatternFill

from addin.core.marks import DEFAULT_NOTE_CAP
from addin.core.profile import Profile
from addin.core.profiles import get_profile
from addin.core.table import CellValue
from addin.errors import ClientImportError, UsageError
from addin.files.file_workbook import open_workbook
from addin.files.marks_writer import AUTHOR
from addin.live.workbook import LiveWorkbook
from addin.usecases.marking import clear_book, clear_file, mark_book, mark_file
from tests import excel_engine
from tests.test_live_read import demo_samples, save_as_xlsx
from tests.test_marks import HEADERS, ROWS
from tests.user_workbooks import write_rows, write_user_workbook

FLOKON = get_profile("flokon")
MARKS = "CI_Marques"


def user_book(path: Path) -> Path:
    """A Flokon file as a user keeps it (fills, fonts, a formula, Alice's note on C3, a hidden
    row, validations, other sheets), with a conditional format of the user's own."""
    write_user_workbook(
        path,
        HEADERS,
        ROWS,
        fills={"A2": "00B050"},
        formulas={"I5": '=CONCATENATE("Client ",J5)'},
    )
    book = read(path)  # the x14 validation goes: the marks do not need it
    rule = CellIsRule(operator="equal", formula=['"Roy"'], fill=PatternFill(bgColor="FF00FF00"))
    book["Clients"].conditional_formatting.add("B2:B5", rule)
    book.save(path)
    return path


def read(path: Path) -> Any:
    """The workbook as openpyxl reads it (the extensions it drops, dropped silently)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        return load_workbook(path)


def open_live(path: Path) -> tuple[xw.Book, LiveWorkbook]:
    book = xw.Book(str(path))
    return book, LiveWorkbook(book, active=False)


# --- what a saved workbook shows, read with openpyxl --------------------------------------------


def _cells(sheet: Any) -> dict[str, Any]:
    return {
        cell.coordinate: cell.value
        for row in sheet.iter_rows()
        for cell in row
        if cell.value is not None
    }


def _rules(sheet: Any) -> list[tuple[Any, ...]]:
    """Each rule in priority order: where, what it tests, and the whole look it gives (fill,
    font colour and weight, borders' style and colour)."""
    found = []
    for cf in sheet.conditional_formatting:
        for rule in cf.rules:
            dxf = rule.dxf
            fill = dxf.fill.bgColor.rgb if dxf is not None and dxf.fill is not None else None
            font = dxf.font if dxf is not None else None
            colour = font.color.rgb if font is not None and font.color is not None else None
            bold = bool(font is not None and font.b)
            border = dxf.border if dxf is not None else None
            sides = (
                None
                if border is None
                else tuple(
                    (side.style, side.color.rgb if side.color is not None else None)
                    for side in (border.left, border.right, border.top, border.bottom)
                )
            )
            found.append(
                (
                    rule.priority,
                    (
                        str(cf.sqref),
                        rule.type,
                        rule.operator,
                        tuple(rule.formula),
                        bool(rule.stopIfTrue),
                        fill,
                        colour,
                        bold,
                        sides,
                    ),
                )
            )
    return [entry for _priority, entry in sorted(found, key=lambda pair: pair[0])]


def shown(path: Path) -> dict[str, Any]:
    """Everything of our marks (and the user's data) that the user sees in ``path``."""
    book = read(path)
    seen: dict[str, Any] = {"sheets": [(ws.title, ws.sheet_state) for ws in book.worksheets]}
    for ws in book.worksheets:
        cells = _cells(ws)
        if ws.title == MARKS:
            cells.pop("A1", None)  # the record of what to undo: the two paths keep different ones
            seen[f"{ws.title} protected"] = bool(ws.protection.sheet)
        elif ws.title in ("CI_Rapport", "CI_Report", "CI_Doublons", "CI_Duplicates"):
            widths = {letter: ws.column_dimensions[letter].width for letter in "ABCDEFGHI"}
            seen[f"{ws.title} widths"] = widths
            seen[f"{ws.title} filter"] = ws.auto_filter.ref
            seen[f"{ws.title} frozen"] = ws.freeze_panes
            seen[f"{ws.title} tables"] = [
                (t.name, t.ref, [c.name for c in t.tableColumns], t.tableStyleInfo.name)
                for t in ws.tables.values()
            ]
            seen[f"{ws.title} bold and wrapped"] = {
                cell.coordinate: (bool(cell.font.b), bool(cell.alignment.wrap_text))
                for row in ws.iter_rows()
                for cell in row
                if cell.value is not None and (cell.font.b or cell.alignment.wrap_text)
            }
        seen[f"{ws.title} cells"] = cells
        seen[f"{ws.title} rules"] = _rules(ws)
        seen[f"{ws.title} notes"] = {
            cell.coordinate: cell.comment.text
            for row in ws.iter_rows()
            for cell in row
            if cell.comment is not None
        }
    return seen


def note_authors(path: Path, sheet: str) -> dict[str, str]:
    ws = read(path)[sheet]
    return {c.coordinate: c.comment.author for row in ws.iter_rows() for c in row if c.comment}


# --- the proof ----------------------------------------------------------------------------------


def assert_marks_alike(source: Path, profile: Profile | None, folder: Path) -> int:
    """Mark then clear, live and on file; the notes the file path wrote."""
    (folder / "live").mkdir(parents=True)
    on_file, marked_file = folder / source.name, folder / f"marked-{source.name}"
    shutil.copyfile(source, on_file)
    shutil.copyfile(source, folder / "live" / source.name)
    book, live = open_live(folder / "live" / source.name)
    try:
        saved = mark_file(on_file, profile, output=marked_file)
    except ClientImportError as error:
        with pytest.raises(type(error)) as refused:
            mark_book(live, profile)
        assert str(refused.value) == str(error)
        return 0
    marked = mark_book(live, profile)
    assert {**marked.report.to_dict(), "file": ""} == {**saved.report.to_dict(), "file": ""}
    assert marked.notes == saved.notes
    marked_live = folder / f"live-marked-{source.name}"
    book.save(str(marked_live))
    assert shown(marked_live) == shown(marked_file)

    assert clear_book(live) is True
    assert clear_file(marked_file) is not None
    cleared_live = folder / f"live-cleared-{source.name}"
    book.save(str(cleared_live))
    assert shown(cleared_live) == shown(marked_file) == shown(on_file)
    assert clear_book(live) is False
    return saved.notes


def test_a_users_workbook_is_marked_and_cleared_live_as_on_file(
    excel: excel_engine.Engine, tmp_path: Path
) -> None:
    source = user_book(tmp_path / "clients.xlsx")
    assert assert_marks_alike(source, FLOKON, tmp_path / "run") > 0


@pytest.mark.parametrize("sample", demo_samples(), ids=lambda path: path.name)
def test_demo_samples_are_marked_and_cleared_live_as_on_file(
    excel: excel_engine.Engine, sample: Path, tmp_path: Path
) -> None:
    assert_marks_alike(save_as_xlsx(sample, tmp_path), None, tmp_path / "run")


def test_the_demo_samples_give_marks_to_compare(tmp_path: Path) -> None:
    """The proof above is not empty: the samples do get marked, with notes."""
    notes = []
    for sample in demo_samples():
        try:
            result = mark_file(
                save_as_xlsx(sample, tmp_path), None, output=tmp_path / f"m-{sample.stem}.xlsx"
            )
        except ClientImportError:
            continue
        notes.append(result.notes)
    assert sum(1 for count in notes if count) >= 3


def test_a_users_note_stays_and_ours_go(excel: excel_engine.Engine, tmp_path: Path) -> None:
    """C3 has an issue and Alice's note: she keeps it, ours are on the other cells; Excel signs
    ours with its user's name, and clear still knows them; the user stays on their sheet."""
    source = user_book(tmp_path / "clients.xlsx")
    book, live = open_live(source)
    book.sheets["Stats"].activate()
    assert mark_book(live, FLOKON).notes == 5
    assert book.sheets.active.name == "Stats"
    book.save(str(tmp_path / "marked.xlsx"))
    authors = note_authors(tmp_path / "marked.xlsx", "Clients")
    assert authors.pop("C3") == "Alice"
    assert set(authors.values()) == {excel_engine.EXCEL_USER}
    assert clear_book(live)
    book.save(str(tmp_path / "cleared.xlsx"))
    assert note_authors(tmp_path / "cleared.xlsx", "Clients") == {"C3": "Alice"}


def test_the_rules_read_the_marks_sheet_from_a2_wherever_the_cursor_was(
    excel: excel_engine.Engine, tmp_path: Path
) -> None:
    """Excel reads a rule's relative references from the active cell: with the cursor on
    E9, a rule added without care would read CI_Marques!E9 for A2. The rules still read A2."""
    source = user_book(tmp_path / "clients.xlsx")
    book, live = open_live(source)
    book.sheets["Clients"].range("E9").select()
    mark_book(live, FLOKON)
    book.save(str(tmp_path / "marked.xlsx"))
    formulas = [entry[3][0] for entry in _rules(read(tmp_path / "marked.xlsx")["Clients"])]
    assert formulas[1:] == [
        f"'{MARKS}'!A2=3",
        f"'{MARKS}'!A2=2",
        f"'{MARKS}'!A2=1",
        f"'{MARKS}'!$K2=3",
        f"'{MARKS}'!$K2=2",
        f"'{MARKS}'!$K2=1",
    ]


def test_a_book_marked_by_the_command_line_is_checked_again_live(
    excel: excel_engine.Engine, tmp_path: Path
) -> None:
    """The file path's marks (its notes signed client-import) are taken out live, the
    progress since that check is shown, and the result is what the command line gives. (No
    note of the user's here: openpyxl, under the test engine, cannot save the notes drawing
    the file path makes of hers and ours, see the report.)"""
    source = write_rows(tmp_path / "clients.xlsx", HEADERS, ROWS, sheet="Clients")
    mark_file(source, FLOKON, in_place=True)
    live_copy = tmp_path / "live" / "clients.xlsx"
    live_copy.parent.mkdir()
    shutil.copyfile(source, live_copy)
    book, live = open_live(live_copy)
    fixed_by_hand = {"C3": "418-555-0199"}  # one issue fixed by hand, in Excel and in the file
    book.sheets["Clients"].range("C3").raw_value = fixed_by_hand["C3"]
    with open_workbook(source) as saved:
        saved.set_cells("Clients", fixed_by_hand)
        saved.save(tmp_path / "edited.xlsx")
    shutil.move(tmp_path / "edited.xlsx", source)
    assert live.previous_issues() is not None
    again = mark_book(live, FLOKON)
    on_file = mark_file(source, FLOKON, in_place=True)
    assert again.notes == on_file.notes
    book.save(str(tmp_path / "again.xlsx"))
    assert shown(tmp_path / "again.xlsx") == shown(source)
    totals = read(source)["CI_Rapport"]["A2"].value
    assert "1 problème(s) résolu(s)" in totals
    assert AUTHOR not in note_authors(tmp_path / "again.xlsx", "Clients").values()


def test_a_users_own_report_sheet_is_refused_before_anything_is_drawn(
    excel: excel_engine.Engine, tmp_path: Path
) -> None:
    source = user_book(tmp_path / "clients.xlsx")
    book, live = open_live(source)
    book.sheets.add(name="CI_Rapport", after=book.sheets[-1]).range("A1").raw_value = "à moi"
    with pytest.raises(UsageError, match="déjà une feuille « CI_Rapport »"):
        mark_book(live, FLOKON)
    assert live.sheet_names() == ["Clients", "Stats", "Listes", "CI_Rapport"]
    assert live.previous_issues() is None
    assert clear_book(live) is False
    assert book.sheets["CI_Rapport"].range("A1").raw_value == "à moi"


# --- calls into Excel ---------------------------------------------------------------------------


def rows_with_bad_cells(count: int) -> list[list[CellValue]]:
    """``count`` Flokon rows of five columns, one cell in ten bad: every other row has a phone
    to reformat or a call mode misspelt."""
    rows: list[list[CellValue]] = []
    for i in range(count):
        phone = f"418555{i:04d}" if i % 4 == 1 else f"418-555-{i:04d}"  # unique: no duplicates
        mode = "Appel" if i % 4 == 3 else "appel"
        rows.append(["Paul", "Roy", phone, mode, f"{i + 1} Av. des Pins, Québec, QC, G1R 2T3"])
    return rows


def mark_calls(engine: excel_engine.Engine, folder: Path, count: int) -> tuple[int, dict[str, int]]:
    source = write_rows(folder / f"rows-{count}.xlsx", HEADERS[:5], rows_with_bad_cells(count))
    _book, live = open_live(source)
    engine.calls.clear()
    marked = mark_book(live, FLOKON)
    return marked.notes, dict(engine.calls)


NOTE_CALLS = ("Range.Comment.get", "Range.AddComment")


@pytest.mark.slow
def test_the_calls_of_check_and_marks_do_not_grow_with_the_rows(
    excel: excel_engine.Engine, tmp_path: Path
) -> None:
    small_notes, small = mark_calls(excel, tmp_path, 1_000)
    large_notes, large = mark_calls(excel, tmp_path, 10_000)
    # 500 bad cells in 1,000 rows, 5,000 in 10,000: the notes stop at the cap in both
    assert (small_notes, large_notes) == (DEFAULT_NOTE_CAP, DEFAULT_NOTE_CAP)
    without_notes = {name: n for name, n in large.items() if name not in NOTE_CALLS}
    assert without_notes == {name: n for name, n in small.items() if name not in NOTE_CALLS}
    assert large["Range.AddComment"] == large_notes <= DEFAULT_NOTE_CAP
    assert large["Range.Comment.get"] == large_notes
    # the marks sheet and the report: one write each, and the rules: six on the data, three on
    # the report's kind column, three on its totals' headers
    assert large["Range.Value.set"] == 2
    assert large["FormatConditions.Add"] == 12
    # the report is a table (ListObjects.Add, after its name is checked against the book's
    # tables and names), its title and headers bold, its messages wrapped
    assert large["ListObjects.Add"] == 1
    assert large["Range.Font.Bold.set"] == 2
    assert large["Range.WrapText.set"] == 2
    # the totals' chart: added with its data and type, its title, order, legend, the three
    # series' colours (two calls each) and its placement
    chart = ("Chart", "Series", "Axis")
    assert {name: n for name, n in large.items() if name.startswith(chart)} == {
        "ChartObjects.Add": 1,
        "Chart.SetSourceData": 1,
        "Chart.ChartType.set": 1,
        "Chart.ChartTitle.set": 1,
        "Axis.ReversePlotOrder.set": 1,
        "Chart.Legend.Position.set": 1,
        "Chart.SeriesCollection": 1,
        "Series.Format.Fill.set": 3,
        "Series.Format.Line.set": 3,
        "ChartObject.Placement.set": 1,
    }
    # clear lists the sheets once for its three sheets (marks, report, duplicates)
    assert sum(without_notes.values()) == 159  # and two per note: 1,159 in all


# --- LibreOffice --------------------------------------------------------------------------------


@pytest.mark.libreoffice
def test_a_book_marked_live_and_saved_opens_in_libreoffice(
    excel: excel_engine.Engine, tmp_path: Path, soffice: str
) -> None:
    from tests.libreoffice import convert

    source = user_book(tmp_path / "clients.xlsx")
    book, live = open_live(source)
    notes = mark_book(live, FLOKON).notes
    book.save(str(tmp_path / "marked.xlsx"))
    ods = convert(tmp_path / "marked.xlsx", "ods", tmp_path / "ods", soffice=soffice)
    with zipfile.ZipFile(ods) as archive:
        content = archive.read("content.xml")
    assert content.count(b"<office:annotation") == notes + 1  # ours and Alice's
    assert b"CI_Marques" in content  # the conditional formats still read the marks sheet
    assert b"calcext:conditional-format" in content


def test_a_book_marked_live_is_cleared_by_the_command_line(
    excel: excel_engine.Engine, tmp_path: Path
) -> None:
    """Saved from Excel and cleared by ``clear``: our notes go although Excel signed them with
    its user's name (the marks sheet lists them), Alice's stays, and so does the user's rule."""
    source = user_book(tmp_path / "clients.xlsx")
    before = shown(source)
    book, live = open_live(source)
    mark_book(live, FLOKON)
    book.save(str(tmp_path / "marked.xlsx"))
    assert clear_file(tmp_path / "marked.xlsx") is not None
    after = shown(tmp_path / "marked.xlsx")
    assert (
        after["Clients notes"] == before["Clients notes"] == {"C3": "Numéro à vérifier avec Paul"}
    )
    assert after["Clients rules"] == before["Clients rules"]
    assert after["sheets"] == before["sheets"]


def test_marking_again_live_shows_the_progress_as_the_command_line_does(
    excel: excel_engine.Engine, tmp_path: Path
) -> None:
    """The report drawn live is read back live (its links are formulas Excel has not computed
    here: their shown text is taken from the formula) for the next check's progress."""
    source = write_rows(tmp_path / "clients.xlsx", HEADERS, ROWS, sheet="Clients")
    live_copy = tmp_path / "live" / "clients.xlsx"
    live_copy.parent.mkdir()
    shutil.copyfile(source, live_copy)
    book, live = open_live(live_copy)
    mark_book(live, FLOKON)
    mark_file(source, FLOKON, in_place=True)
    with open_workbook(source) as marked:
        assert live.previous_issues() == marked.previous_issues() is not None
    fixed_by_hand = {"C3": "418-555-0199", "D3": "SMS"}
    for cell, value in fixed_by_hand.items():
        book.sheets["Clients"].range(cell).raw_value = value
    with open_workbook(source) as saved:
        saved.set_cells("Clients", fixed_by_hand)
        saved.save(tmp_path / "edited.xlsx")
    shutil.move(tmp_path / "edited.xlsx", source)
    mark_book(live, FLOKON)
    mark_file(source, FLOKON, in_place=True)
    book.save(str(tmp_path / "again.xlsx"))
    assert shown(tmp_path / "again.xlsx") == shown(source)
    # the phone and the method fixed; the SMS warning on that number is new
    assert "2 problème(s) résolu(s), 1 nouveau(x)" in read(source)["CI_Rapport"]["A2"].value


def test_the_three_kinds_are_drawn_live_as_on_file(
    excel: excel_engine.Engine, tmp_path: Path
) -> None:
    """An error only the user can fix, one the product fixes and a warning: the same three
    looks (fills, fonts, borders), notes, legend and order live as on file; clear takes
    them all out."""
    from tests.test_marks_kinds import HOKUS, kinds_book

    source = kinds_book(tmp_path / "kinds.xlsx")
    assert assert_marks_alike(source, HOKUS, tmp_path / "run") == 5
    marked = read(tmp_path / "run" / "live-marked-kinds.xlsx")
    looks = {entry[3][0]: entry[5:] for entry in _rules(marked["Clients"])}
    cells = [looks[f"'{MARKS}'!A2={code}"] for code in (3, 2, 1)]
    assert len(set(cells)) == 3 and len({look[2:] for look in cells}) == 3
    kinds = [entry[5:] for entry in _rules(marked["CI_Rapport"])]
    # the legend and the report's kind column show the same looks, and the totals' headers
    assert kinds == cells + cells
