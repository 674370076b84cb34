"""Fix and undo on the book open in Excel give what they give on the saved file.

The live side is a :class:`~addin.live.workbook.LiveWorkbook` over real xlwings objects on the
test engine (``tests/excel_engine.py``, which parses a text written through ``Range.Value`` as
Excel does: ``"01220"`` would become a number); the file side is ``fix_file``/``undo_fixes``.
For each workbook: the same changes, the same cells afterwards (values and types), the same
changes sheet (read back by both paths, and by the file path once the live book is saved), and
after undo the original cells again. The calls into Excel of a fix do not grow with the rows.
"""

from __future__ import annotations

import shutil
import warnings
from pathlib import Path

import pytest
import xlwings as xw
from openpyxl import load_workbook

from addin.core.catalogue import Lang
from addin.core.profile import Profile
from addin.core.profiles import get_profile
from addin.core.table import CellValue, Table
from addin.core.workbook import LoggedChange
from addin.errors import ClientImportError, UsageError
from addin.files.file_workbook import open_workbook
from addin.live import cell_writes
from addin.live.book import read_book_table
from addin.live.cell_writes import parsed_by_excel
from addin.live.session import excel_session
from addin.live.workbook import LiveWorkbook
from addin.readers.reader import read_table
from addin.usecases.fixing import fix_book, fix_file, undo_book, undo_fixes
from addin.usecases.marking import mark_file
from tests import excel_engine
from tests.test_fix_files import ADDRESS, HEADERS, _user_workbook
from tests.test_live_read import demo_samples, save_as_xlsx
from tests.test_mapping_sheet import EXPECTED as MAPPED
from tests.test_mapping_sheet import HEADERS as MAPPED_HEADERS
from tests.test_mapping_sheet import ROWS as MAPPED_ROWS
from tests.test_mapping_sheet import _write as write_mapping
from tests.user_workbooks import write_rows, write_user_workbook

FLOKON = get_profile("flokon")


def open_live(path: Path) -> tuple[xw.Book, LiveWorkbook]:
    book = xw.Book(str(path))
    return book, LiveWorkbook(book, active=False)


def file_changes(path: Path) -> tuple[list[LoggedChange], Lang] | None:
    """The changes sheet of the saved workbook, as ``undo`` reads it."""
    with open_workbook(path) as book:
        return book.read_changes()


def file_sheets(path: Path) -> list[str]:
    with open_workbook(path) as book:
        return book.sheet_names()


def changes_look(path: Path) -> tuple[object, ...] | None:
    """Our changes sheet's frozen rows, column widths, hidden column and table, read with
    openpyxl."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        book = load_workbook(path)
    if "CI_Corrections" not in book.sheetnames:
        return None
    sheet = book["CI_Corrections"]
    columns = [sheet.column_dimensions[letter] for letter in "ABCDEF"]
    return (
        sheet.freeze_panes,
        [column.width for column in columns],
        [column.hidden for column in columns],
        [(t.name, t.ref, [c.name for c in t.tableColumns]) for t in sheet.tables.values()],
    )


def assert_same_cells(live: Table, saved: Table) -> None:
    assert live.headers == saved.headers
    assert live.row_numbers == saved.row_numbers
    assert live.columns == saved.columns
    assert [[type(v) for v in c] for c in live.columns] == [
        [type(v) for v in c] for c in saved.columns
    ]


def assert_fix_and_undo_alike(source: Path, profile: Profile | None, folder: Path) -> int:
    """The whole proof for one workbook; the number of changes made."""
    (folder / "file").mkdir()
    (folder / "live").mkdir()
    original = read_table(source)
    on_file = folder / "file" / source.name
    fixed_file = folder / "file" / f"fixed-{source.name}"
    shutil.copyfile(source, on_file)
    shutil.copyfile(source, folder / "live" / source.name)
    book, live = open_live(folder / "live" / source.name)
    try:
        saved = fix_file(on_file, profile, output=fixed_file)
    except ClientImportError as error:
        with pytest.raises(type(error)) as refused:
            fix_book(live, profile)
        assert str(refused.value) == str(error)
        return 0
    fixed = fix_book(live, profile)
    assert fixed.fixes.changes == saved.fixes.changes
    assert fixed.formulas_kept == saved.formulas_kept
    sheet = original.source.sheet
    assert_same_cells(read_book_table(book, sheet, active=False), read_table(fixed_file, sheet))
    file_log = file_changes(fixed_file)
    assert live.read_changes() == file_log
    book.save(str(folder / "live-saved.xlsx"))  # the file path knows our sheet by its name
    assert file_changes(folder / "live-saved.xlsx") == file_log
    assert changes_look(folder / "live-saved.xlsx") == changes_look(fixed_file)
    assert live.sheet_names() == file_sheets(fixed_file)

    undone_file = undo_fixes(fixed_file)
    undone_live = undo_book(live)
    assert (undone_live.restored, undone_live.kept) == (undone_file.restored, undone_file.kept)
    back = read_book_table(book, sheet, active=False)
    assert_same_cells(back, read_table(fixed_file, sheet))
    assert_same_cells(back, original)
    assert live.read_changes() is None
    assert live.sheet_names() == file_sheets(on_file)
    return len(saved.fixes.changes)


# --- the proof --------------------------------------------------------------------------------


def test_a_users_workbook_is_fixed_and_undone_live_as_on_file(
    excel: excel_engine.Engine, tmp_path: Path
) -> None:
    """Fills, fonts, a hidden row, merged cells, a chart, a formula whose cached result is
    fixable (never written), phones as text and as a number (undo gives each its type)."""
    source = _user_workbook(tmp_path / "clients.xlsx")
    (tmp_path / "run").mkdir()
    assert assert_fix_and_undo_alike(source, FLOKON, tmp_path / "run") == 5
    book = xw.books[-1]
    assert book.sheets[0].range("C5").formula == '="418 555 "&"0177"'


@pytest.mark.parametrize("sample", demo_samples(), ids=lambda path: path.name)
def test_demo_samples_are_fixed_and_undone_live_as_on_file(
    excel: excel_engine.Engine, sample: Path, tmp_path: Path
) -> None:
    source = save_as_xlsx(sample, tmp_path)
    (tmp_path / "run").mkdir()
    assert_fix_and_undo_alike(source, None, tmp_path / "run")


def test_the_demo_samples_give_fixes_to_compare(tmp_path: Path) -> None:
    """The proof above is not empty: the samples do get fixed."""
    counts = []
    for sample in demo_samples():
        try:
            counts.append(
                len(
                    fix_file(
                        save_as_xlsx(sample, tmp_path),
                        None,
                        output=tmp_path / f"o-{sample.stem}.xlsx",
                    ).fixes.changes
                )
            )
        except ClientImportError:
            counts.append(0)
    assert sum(1 for count in counts if count) >= 3


def test_a_boolean_cell_and_text_codes_come_back_with_their_types(
    excel: excel_engine.Engine, tmp_path: Path
) -> None:
    headers = [column.header for column in get_profile("aptimyz").columns]
    row: list[CellValue | bool] = [None] * len(headers)
    row[0], row[3], row[4], row[6] = "anne@exemple.fr", "Anne", "Roy", "+1 418-692-2121"
    row[headers.index("Marketing Allowed")] = True
    source = write_rows(tmp_path / "flags.xlsx", headers, [row])
    (tmp_path / "run").mkdir()
    assert assert_fix_and_undo_alike(source, get_profile("aptimyz"), tmp_path / "run") == 1
    assert xw.books[-1].sheets[0].range("U2").raw_value is True


def test_text_that_excel_would_parse_stays_text(excel: excel_engine.Engine, tmp_path: Path) -> None:
    """Written live, a code with its zeros, TRUE as a word, a formula-looking text keep being
    the text they are; a number and an untouched neighbour keep theirs."""
    source = write_rows(tmp_path / "codes.xlsx", ["Code"], [["x"], [7.5], ["keep"], ["x"]])
    book, live = open_live(source)
    texts = {"A2": "01220", "A5": "=1+1"}
    live.set_cells("Sheet", {**texts, "A3": 12})
    sheet = book.sheets[0]
    assert [sheet.range(f"A{n}").raw_value for n in range(2, 6)] == ["01220", 12, "keep", "=1+1"]
    assert live.formula_cells("Sheet") == set()
    assert parsed_by_excel("TRUE") and parsed_by_excel("01220") and not parsed_by_excel("Paul")


def test_formulas_between_changed_cells_are_left_alone(
    excel: excel_engine.Engine, tmp_path: Path
) -> None:
    source = write_rows(
        tmp_path / "f.xlsx", ["Nom"], [["a"], ["b"], ["=A2"], ["c"], ["d"]], sheet="Data"
    )
    book, live = open_live(source)
    assert live.formula_cells("Data") == {"A4"}
    excel.calls.clear()
    live.set_cells("Data", {"A2": "A", "A6": "D"})
    sheet = book.sheets["Data"]
    assert sheet.range("A4").formula == "=A2"
    assert [sheet.range(f"A{n}").raw_value for n in (2, 3, 5, 6)] == ["A", "b", "c", "D"]
    # the span read (values, formulas), then one write each side of the formula
    assert excel.calls["Range.Value.set"] == 2


def test_the_stored_mapping_is_read_live_as_from_the_file(
    excel: excel_engine.Engine, tmp_path: Path
) -> None:
    """The mapping sheet ``map --write`` left in the workbook: the same mapping, and a fix that
    follows it gives the same cells live and on file."""
    rows = [list(row) for row in MAPPED_ROWS]
    rows[1][1] = "paul@ exemple.ca"  # a space Reveal refuses, the fix takes out
    source = write_user_workbook(
        tmp_path / "contacts.xlsx", MAPPED_HEADERS, rows, formulas={"F4": "=SUM(F2:F3)"}
    )
    mapped = write_mapping(source, tmp_path / "mapped.xlsx")
    book, live = open_live(mapped)
    with open_workbook(mapped) as saved:
        assert saved.stored_mapping() == MAPPED == live.stored_mapping()
    book.close()
    (tmp_path / "run").mkdir()
    assert assert_fix_and_undo_alike(mapped, get_profile("reveal"), tmp_path / "run") > 0


def test_a_users_own_mapping_sheet_is_not_a_stored_mapping(
    excel: excel_engine.Engine, tmp_path: Path
) -> None:
    source = write_rows(tmp_path / "u.xlsx", ["Nom"], [["Roy"]])
    book, live = open_live(source)
    book.sheets.add(name="CI_Correspondance").range("A3").raw_value = [["Profil", "reveal"]]
    assert live.stored_mapping() is None


# --- calls into Excel -------------------------------------------------------------------------


def flokon_rows(count: int) -> list[list[CellValue]]:
    """``count`` rows, one in ten with an alert method and a phone to write Flokon's way."""
    rows: list[list[CellValue]] = []
    for i in range(count):
        bad = i % 10 == 3
        method = "sms" if bad else "SMS"
        phone = "4185550199" if bad else "418-555-0199"
        rows.append(["Paul", "Roy", phone, method, ADDRESS, None, None, None, None, 1000 + i])
    return rows


def fix_calls(engine: excel_engine.Engine, folder: Path, count: int) -> tuple[int, dict[str, int]]:
    source = write_rows(folder / f"rows-{count}.xlsx", HEADERS[:10], flokon_rows(count))
    _book, live = open_live(source)
    engine.calls.clear()
    fixed = fix_book(live, FLOKON)
    return len(fixed.fixes.changes), dict(engine.calls)


def test_the_calls_of_a_fix_do_not_grow_with_the_rows(
    excel: excel_engine.Engine, tmp_path: Path
) -> None:
    small_changes, small = fix_calls(excel, tmp_path, 1_000)
    large_changes, large = fix_calls(excel, tmp_path, 10_000)
    assert (small_changes, large_changes) == (200, 2_000)
    assert large == small
    # the two columns fixed are written in one call each, the changes sheet in one
    assert large["Range.Value.set"] == 3


def test_a_long_stretch_is_written_within_the_write_budget(
    excel: excel_engine.Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Past the cells one write carries (100,000 in Excel), a stretch goes in several writes,
    as xlwings splits its own; a budget of 10 cells makes 25 rows three writes here."""
    monkeypatch.setattr(cell_writes, "MAX_CELLS_PER_WRITE", 10)
    source = write_rows(tmp_path / "long.xlsx", ["Nom"], [["x"]] * 25, sheet="Data")
    book, live = open_live(source)
    excel.calls.clear()
    live.set_cells("Data", {f"A{row}": f"nom {row}" for row in range(2, 27)})
    assert excel.calls["Range.Value.set"] == 3
    column = book.sheets["Data"].range("A2:A26").raw_value
    assert [cells[0] for cells in column] == [f"nom {row}" for row in range(2, 27)]


def test_the_changes_sheet_is_ours_and_its_record_column_hidden(
    excel: excel_engine.Engine, tmp_path: Path
) -> None:
    source = write_rows(tmp_path / "r.xlsx", HEADERS[:10], flokon_rows(5))
    book, live = open_live(source)
    fix_book(live, FLOKON)
    sheet = book.sheets["CI_Corrections"]
    assert sheet.range("F1").api.EntireColumn.Hidden is True
    marks = [name for name in book.names if name.name.startswith("ClientImport_Sheet")]
    assert [(m.refers_to, m.api.Visible) for m in marks] == [("='CI_Corrections'!$A$1", False)]
    assert book.sheets.active.name == "Sheet"  # the user stays on their sheet


def test_a_users_own_changes_sheet_is_neither_read_nor_replaced(
    excel: excel_engine.Engine, tmp_path: Path
) -> None:
    source = write_rows(tmp_path / "u.xlsx", HEADERS[:10], flokon_rows(5))
    book, live = open_live(source)
    book.sheets.add(name="CI_Corrections").range("A1").raw_value = "mes notes"
    assert live.read_changes() is None
    assert undo_book(live).restored == 0
    with pytest.raises(UsageError, match="déjà une feuille « CI_Corrections »"):
        fix_book(live, FLOKON)
    assert book.sheets["CI_Corrections"].range("A1").raw_value == "mes notes"
    assert book.sheets["Sheet"].range("D5").raw_value == "sms"  # no cell written either


def test_a_marked_book_is_fixed_and_marked_again_live_as_on_file(
    excel: excel_engine.Engine, tmp_path: Path
) -> None:
    """A book the command line marked: its marks are taken out live, the fix runs, the marks
    come back for what is left, and undo gives the cells back, all as on the file."""
    source = write_rows(tmp_path / "m.xlsx", HEADERS[:10], flokon_rows(5))
    mark_file(source, FLOKON, in_place=True)
    (tmp_path / "run").mkdir()
    assert assert_fix_and_undo_alike(source, FLOKON, tmp_path / "run") == 2
    book = xw.books[-1]
    assert "CI_Rapport" in [sheet.name for sheet in book.sheets]


# --- the Excel session --------------------------------------------------------------------------


def test_the_session_stills_the_screen_and_restores_it(
    excel: excel_engine.Engine, tmp_path: Path
) -> None:
    book, _live = open_live(write_rows(tmp_path / "s.xlsx", ["A"], [["x"]]))
    app = book.app
    seen = []
    with excel_session(book, "correction") as say:
        seen.append((app.screen_updating, app.status_bar))
        say("ligne 10 sur 20")
        seen.append((app.screen_updating, app.status_bar))
    assert seen == [
        (False, "client-import : correction"),
        (False, "client-import : ligne 10 sur 20"),
    ]
    assert (app.screen_updating, app.status_bar) == (True, False)


def test_the_session_restores_excel_after_an_error(
    excel: excel_engine.Engine, tmp_path: Path
) -> None:
    book, _live = open_live(write_rows(tmp_path / "s.xlsx", ["A"], [["x"]]))
    app = book.app
    app.status_bar = "Prêt à imprimer"
    with pytest.raises(ZeroDivisionError), excel_session(book, "correction"):
        _ = 1 / 0
    assert (app.screen_updating, app.status_bar) == (True, "Prêt à imprimer")
    with excel_session(book, "encore"):  # and the book is free again
        pass


def test_a_second_command_on_the_same_book_is_refused_politely(
    excel: excel_engine.Engine, tmp_path: Path
) -> None:
    book, _live = open_live(write_rows(tmp_path / "s.xlsx", ["A"], [["x"]]))
    other, _ = open_live(write_rows(tmp_path / "t.xlsx", ["A"], [["x"]]))
    with excel_session(book, "correction"):
        refused = pytest.raises(UsageError, match=r"déjà en cours sur « s\.xlsx »")
        with refused, excel_session(book, "annulation"):
            pass  # pragma: no cover - refused before
        with excel_session(other, "vérification"):  # another book is not held up
            assert other.app.screen_updating is False
        assert book.app.screen_updating is False  # the inner session gave back what it found
    assert book.app.screen_updating is True
