"""``fix`` and ``undo`` on real files: workbooks edited cell by cell, CSV kept as they came.

The workbook is the kind accountants keep (as in tests/test_marks.py): fills and fonts on the
cells to fix, a formula whose cached value would be fixable, a note, a hidden row, merged
cells, a second sheet with a chart, a list validation plus an x14 extension that openpyxl
would drop. The .xlsm is xlwings' quickstart as Excel saved it, with shared-string rows
written into its part directly. Every assertion reads the files back: zip parts byte for
byte, values through the product's readers, openpyxl where a cell's type matters.
"""

from __future__ import annotations

import csv
import io
import re
import shutil
from pathlib import Path

import pytest
from openpyxl import load_workbook
from openpyxl.styles import Font
from typer.testing import CliRunner

from addin.core.fixes import fix_label
from addin.core.kinds import kind_of
from addin.core.profiles import get_profile
from addin.core.table import CellValue, FormulaCell, Table
from addin.core.workbook import LoggedChange
from addin.errors import InputError, UsageError
from addin.files.cell_edits import formula_cells, set_cells, sort_key
from addin.files.changes_sheet import read_changes
from addin.files.csv_writer import defuse
from addin.readers.reader import read_table
from addin.shells.cli import app
from addin.usecases.fixing import fix_file, undo_fixes
from addin.usecases.marking import clear_file, mark_file
from addin.usecases.validation import validate_file
from tests.user_workbooks import (
    DATA_PART,
    X14_VALIDATION,
    load_closed_vba,
    read_parts,
    replace_in_part,
    report_header,
    write_macro_workbook,
    write_parts,
    write_rows,
    write_user_workbook,
)

FILES = Path(__file__).parent / "fixtures" / "files"
SAMPLES = Path(__file__).parent.parent / "demo" / "samples"
FLOKON = get_profile("flokon")
#: the parts a fix may rewrite besides adding the changes sheet
FIX_PARTS = {DATA_PART, "xl/workbook.xml", "xl/_rels/workbook.xml.rels", "[Content_Types].xml"}

HEADERS = ["Prénom", "Nom", "Téléphone", "SMS/Appel", "Adresse", "Adresse Ligne 1", "Ville",
           "Code postal", "Notes", "Identifiant du client", "Suivi interne"]  # fmt: skip
ADDRESS = "5 Av. des Pins, Québec, QC, G1R 2T3"
ROWS: list[list[CellValue]] = [
    ["Marie", "Tremblay", "418-555-0134", "SMS", ADDRESS, None, None, None, None, 1001],
    [" Paul ", "Roy", "4185550199", "texto", None, "12 rue du Lac", "Lévis", "g6v 1a1", None, 1002],
    ["Anne", "Roy", "418 555 0188", "appel", ADDRESS, None, None, None, "Chien", 1003],
    ["Luc", "Côté", None, "Appel", ADDRESS, None, None, None, None, 1004],  # C5: a formula
    ["Léa", "Gagnon", 4185550166, "appel", ADDRESS, None, None, None, 12.5, 1005],
]  # fmt: skip
#: what the fix writes, cell by cell: before, after
FIXED = {  # " Paul " and "g6v 1a1" (A3, H3) are taken by Flokon as typed: left alone
    "C3": ("4185550199", "418-555-0199"),
    "D3": ("texto", "SMS"),
    "C4": ("418 555 0188", "418-555-0188"),  # in the hidden row
    "D5": ("Appel", "appel"),
    "C6": (4185550166, "418-555-0166"),  # a phone typed as a number
}
FORMULA = b'<c r="C5" s="2" t="str"><f>"418 555 "&amp;"0177"</f><v>418 555 0177</v></c>'
runner = CliRunner()


# --- helpers -----------------------------------------------------------------------------------


def _user_edit(path: Path, values: dict[str, CellValue], sheet: str = "Clients") -> None:
    """The user retyping cells after the fix (and saving)."""
    parts = read_parts(path)
    parts[DATA_PART] = set_cells(parts[DATA_PART], values, sheet)
    write_parts(path, parts)


def _cells(table: Table) -> dict[str, tuple[type, CellValue]]:
    """Every filled cell by reference, with its type: ``1001`` and ``"1001"`` differ."""
    return {
        f"{_letter(position)}{row}": (type(value), value)
        for position, column in enumerate(table.columns)
        for row, value in zip(table.row_numbers, column, strict=True)
        if value is not None
    }


def _letter(position: int) -> str:
    return "ABCDEFGHIJKLMNOPQRSTUVWXYZ"[position]


def _element(sheet_xml: bytes, ref: str) -> bytes:
    """The whole ``<c>`` element of cell ``ref``."""
    match = re.search(rb'<c r="' + ref.encode() + rb'"(?:[^>]*/>|[^>]*>.*?</c>)', sheet_xml)
    assert match is not None, ref
    return match[0]


def _cell_tag(sheet_xml: bytes, ref: str) -> dict[str, str]:
    match = re.search(rb'<c r="' + ref.encode() + rb'"([^>]*)>', sheet_xml)
    assert match is not None, ref
    return {k.decode(): v.decode() for k, v in re.findall(rb'(\w+)="([^"]*)"', match[1])}


def _user_workbook(path: Path) -> Path:
    """A Flokon file as a user keeps it: formats, a formula, notes, chart, x14 validation."""
    write_user_workbook(
        path,
        HEADERS,
        ROWS,
        merged="K1:L1",  # the user's own heading over two columns
        fills={"A3": "00B050"},
        fonts={
            "C3": Font(bold=True, color="FF0000"),
            "D3": Font(italic=True),
            "C5": Font(bold=True, color="FF0000"),
        },
        formulas={"C5": '="418 555 "&"0177"'},
    )
    # Excel keeps the formula's last result; openpyxl writes none
    replace_in_part(
        path, DATA_PART, b'<c r="C5" s="2"><f>"418 555 "&amp;"0177"</f><v /></c>', FORMULA
    )
    return path


@pytest.fixture
def user_book(tmp_path: Path) -> Path:
    return _user_workbook(tmp_path / "clients.xlsx")


@pytest.fixture
def fixed_book(user_book: Path, tmp_path: Path) -> Path:
    out = tmp_path / "corrige.xlsx"
    fix_file(user_book, FLOKON, output=out)
    return out


@pytest.fixture
def macro_book(tmp_path: Path) -> Path:
    """xlwings' quickstart.xlsm as Excel saved it, with Flokon rows in shared strings."""
    rows: list[list[CellValue]] = [
        HEADERS[:10],
        ["Marie", "Tremblay", "4185550134", "texto", ADDRESS, None, None, None, None, "C1"],
        ["Paul", "Roy", 4185550199, "appel", ADDRESS, None, None, None, None, "C2"],
    ]
    return write_macro_workbook(tmp_path / "macro.xlsm", rows)


# --- workbooks ---------------------------------------------------------------------------------


def test_fix_rewrites_only_the_fixed_cells(user_book: Path, tmp_path: Path) -> None:
    out = tmp_path / "corrige.xlsx"
    result = fix_file(user_book, FLOKON, output=out)

    assert (result.output, result.backup, result.log) == (out, None, None)
    assert {c.cell: (c.before, c.after) for c in result.fixes.changes} == FIXED
    assert result.formulas_kept == 1  # C5's value is fixable, its formula is the user's
    before, after = read_parts(user_book), read_parts(out)
    assert set(before) <= set(after)
    changed = {name for name in before if before[name] != after[name]}
    assert changed == FIX_PARTS
    # our changes sheet, its table and the relationship between them
    table, rels, sheet = sorted(set(after) - set(before))
    assert sheet.startswith("xl/worksheets/") and table.startswith("xl/tables/")
    assert rels == f"xl/worksheets/_rels/{sheet.rsplit('/', 1)[1]}.rels"
    # in the data sheet, only the fixed cells' elements differ, and each keeps its style
    data = after[DATA_PART]
    for ref in FIXED:
        old, new = _element(before[DATA_PART], ref), _element(data, ref)
        assert _cell_tag(new, ref).get("s") == _cell_tag(old, ref).get("s")
        data = data.replace(new, old)
    assert data == before[DATA_PART]
    assert _cell_tag(after[DATA_PART], "C3") == {"s": "2", "t": "inlineStr"}
    assert after[DATA_PART].count(FORMULA) == 1
    assert after[DATA_PART].count(X14_VALIDATION) == 1
    assert b'<row r="4" hidden="1">' in after[DATA_PART]

    fixed, original = _cells(read_table(out)), _cells(read_table(user_book))
    for ref, (_, new) in FIXED.items():
        assert fixed.pop(ref) == (str, new)
        original.pop(ref)
    assert fixed == original  # every other cell, types included (1001, 12.5, the formula's text)


def test_the_changes_sheet_lists_each_change(user_book: Path, tmp_path: Path) -> None:
    out = tmp_path / "corrige.xlsx"
    result = fix_file(user_book, FLOKON, output=out)
    assert read_changes(out, "CI_Corrections") == [
        LoggedChange("Clients", c.cell, c.column, c.before, c.after, fix_label(c.codes, "fr"))
        for c in result.fixes.changes
    ]
    book = load_closed_vba(out)
    assert book.sheetnames == ["Clients", "Stats", "Listes", "CI_Corrections"]
    changes = book["CI_Corrections"]
    assert "undo" in str(changes["A1"].value)
    assert [c.value for c in changes[3]] == [
        "Cellule",
        "Colonne",
        "Avant",
        "Après",
        "Correction",
        "client-import (ne pas modifier)",
    ]
    assert changes.column_dimensions["F"].hidden
    rows = list(changes.iter_rows(min_row=4, max_col=5, values_only=True))
    assert [row[1:] for row in rows] == [
        (c.column, c.before, c.after, fix_label(c.codes, "fr")) for c in result.fixes.changes
    ]
    assert rows[-1][2] == 4185550166  # the number typed, kept a number
    assert str(changes["A4"].value) == '=HYPERLINK("#\'Clients\'!C3","C3")'


def test_english_changes_sheet(user_book: Path, tmp_path: Path) -> None:
    out = tmp_path / "fixed.xlsx"
    result = fix_file(user_book, FLOKON, output=out, lang="en")
    logged = read_changes(out, "CI_Changes")
    assert [entry.reason for entry in logged] == [
        fix_label(c.codes, "en") for c in result.fixes.changes
    ]
    assert "CI_Corrections" not in load_closed_vba(out).sheetnames


def test_fixing_the_fixed_file_changes_nothing(fixed_book: Path, tmp_path: Path) -> None:
    again = tmp_path / "encore.xlsx"
    result = fix_file(fixed_book, FLOKON, output=again)
    assert result.fixes.changes == []
    assert result.formulas_kept == 1
    assert read_parts(again) == read_parts(fixed_book)
    # in place, nothing to do: no backup, the file is not touched
    stamp = fixed_book.stat().st_mtime_ns
    result = fix_file(fixed_book, FLOKON, in_place=True)
    assert (result.backup, fixed_book.stat().st_mtime_ns) == (None, stamp)


def test_undo_gives_back_the_original(user_book: Path, fixed_book: Path) -> None:
    fixed_parts = read_parts(fixed_book)
    result = undo_fixes(fixed_book)

    assert (result.restored, result.kept) == (len(FIXED), [])
    assert result.backup is not None
    assert re.fullmatch(r"corrige\.sauvegarde-\d{8}-\d{6}\.xlsx", result.backup.name)
    assert read_parts(result.backup) == fixed_parts
    assert _cells(read_table(fixed_book)) == _cells(read_table(user_book))
    # the changes sheet is gone: every part but the data sheet is the original's again
    before, after = read_parts(user_book), read_parts(fixed_book)
    assert set(after) == set(before)
    assert {name for name in before if before[name] != after[name]} == {DATA_PART}
    assert load_closed_vba(fixed_book)["Clients"]["C6"].value == 4185550166
    nothing = undo_fixes(fixed_book)  # nothing left to undo
    assert (nothing.restored, nothing.kept, nothing.backup) == (0, [], None)


def test_undo_keeps_the_cells_the_user_changed_since(user_book: Path, fixed_book: Path) -> None:
    _user_edit(fixed_book, {"C3": "418-555-9999"})

    result = undo_fixes(fixed_book)

    assert (result.restored, result.kept) == (len(FIXED) - 1, ["C3"])
    cells = _cells(read_table(fixed_book))
    assert cells.pop("C3") == (str, "418-555-9999")
    original = _cells(read_table(user_book))
    original.pop("C3")
    assert cells == original
    # the change stays logged: once the cell holds the fixed value again, undo takes it back
    (left,) = read_changes(fixed_book, "CI_Corrections")
    assert (left.cell, left.before, left.after) == ("C3", "4185550199", "418-555-0199")
    _user_edit(fixed_book, {"C3": "418-555-0199"})
    again = undo_fixes(fixed_book)
    assert (again.restored, again.kept) == (1, [])
    assert _cells(read_table(fixed_book)) == _cells(read_table(user_book))
    assert "CI_Corrections" not in load_closed_vba(fixed_book).sheetnames


def test_a_second_fix_extends_the_log_and_undo_takes_the_newest_first(
    user_book: Path, fixed_book: Path, tmp_path: Path
) -> None:
    _user_edit(fixed_book, {"D2": "sms", "D3": "Texto"})
    twice = tmp_path / "deux.xlsx"
    second = fix_file(fixed_book, FLOKON, output=twice)
    assert {c.cell: (c.before, c.after) for c in second.fixes.changes} == {
        "D2": ("sms", "SMS"),
        "D3": ("Texto", "SMS"),
    }
    logged = read_changes(twice, "CI_Corrections")
    assert [entry.cell for entry in logged] == [*FIXED, "D2", "D3"]

    result = undo_fixes(twice)

    # D2 goes back to the user's typing; D3 to the second fix's start, and the first fix of
    # D3 ("texto" → "SMS") no longer matches, so it is kept for the user to decide
    assert (result.restored, result.kept) == (len(FIXED) + 1, ["D3"])
    cells, original = _cells(read_table(twice)), _cells(read_table(user_book))
    assert cells.pop("D2") == (str, "sms")
    assert cells.pop("D3") == (str, "Texto")
    del original["D2"], original["D3"]
    assert cells == original
    (left,) = read_changes(twice, "CI_Corrections")
    assert (left.cell, left.before, left.after) == ("D3", "texto", "SMS")


def test_undo_leaves_a_cell_the_user_turned_into_a_formula(fixed_book: Path) -> None:
    old = re.search(rb'<c r="C3".*?</c>', read_parts(fixed_book)[DATA_PART])
    assert old is not None
    formula = b'<c r="C3" s="2" t="str"><f>"418-555-"&amp;"0199"</f><v>418-555-0199</v></c>'
    replace_in_part(fixed_book, DATA_PART, old[0], formula)
    result = undo_fixes(fixed_book)
    assert result.kept == ["C3"]
    assert read_parts(fixed_book)[DATA_PART].count(formula) == 1


def test_undo_gives_back_a_boolean_cell_as_a_boolean(tmp_path: Path) -> None:
    headers = [column.header for column in get_profile("aptimyz").columns]
    row: list[CellValue | bool] = [None] * len(headers)
    row[0], row[3], row[4], row[6] = "anne@exemple.fr", "Anne", "Roy", "+1 418-692-2121"
    row[headers.index("Marketing Allowed")] = True
    path, out = tmp_path / "flags.xlsx", tmp_path / "flags-fixed.xlsx"
    write_rows(path, headers, [row])
    result = fix_file(path, get_profile("aptimyz"), output=out)
    assert [(c.cell, c.before, c.after) for c in result.fixes.changes] == [("U2", "TRUE", "Y")]
    undo_fixes(out)
    assert load_workbook(out).active["U2"].value is True


def test_macro_workbook_keeps_its_vba_and_its_shared_strings(macro_book: Path) -> None:
    original = read_parts(macro_book)
    result = fix_file(macro_book, FLOKON, in_place=True)

    assert {c.cell: (c.before, c.after) for c in result.fixes.changes} == {
        "C2": ("4185550134", "418-555-0134"),
        "D2": ("texto", "SMS"),
        "C3": (4185550199, "418-555-0199"),
    }
    assert result.backup is not None and result.backup.suffix == ".xlsm"
    assert result.backup.read_bytes() != macro_book.read_bytes()
    assert read_parts(result.backup) == original
    fixed = read_parts(macro_book)
    assert fixed["xl/vbaProject.bin"] == original["xl/vbaProject.bin"]
    assert fixed["xl/sharedStrings.xml"] == original["xl/sharedStrings.xml"]
    assert {name for name in original if original[name] != fixed[name]} == FIX_PARTS
    assert b"macroEnabled.main+xml" in fixed["[Content_Types].xml"]
    assert _cell_tag(fixed[DATA_PART], "D2") == {"s": "1", "t": "inlineStr"}
    assert _cell_tag(fixed[DATA_PART], "C3") == {"s": "1", "t": "inlineStr"}
    table = read_table(macro_book)
    assert table.source.sheet == "Sheet1"
    assert table.columns[2:4] == [["418-555-0134", "418-555-0199"], ["SMS", "appel"]]

    undone = undo_fixes(macro_book)

    assert undone.restored == 3 and undone.backup is not None
    assert undone.backup.suffix == ".xlsm"
    back = read_parts(macro_book)
    assert {name for name in original if original[name] != back[name]} == {DATA_PART}
    assert set(back) == set(original)
    assert _cells(read_table(macro_book)) == _cells(read_table(result.backup))
    assert load_closed_vba(macro_book)["Sheet1"]["C3"].value == 4185550199


def test_a_marked_workbook_is_marked_again_for_what_is_left(
    user_book: Path, tmp_path: Path
) -> None:
    marked, out = tmp_path / "marque.xlsx", tmp_path / "corrige.xlsx"
    first = mark_file(user_book, FLOKON, output=marked)
    assert {i.cell for i in first.report.issues} >= set(FIXED)

    result = fix_file(marked, FLOKON, output=out)

    assert {c.cell for c in result.fixes.changes} == set(FIXED)
    left = validate_file(out, FLOKON).issues
    assert [(i.row, i.cell, i.code) for i in left] == [
        (i.row, i.cell, i.code) for i in result.fixes.report.issues
    ]
    # on the fixed cells, only what a fix cannot settle (is this number a mobile?)
    assert {(i.cell, i.code) for i in left if i.cell in FIXED} == {("C3", "sms-unknown-line")}
    book = load_closed_vba(out)
    assert {"CI_Marques", "CI_Rapport", "CI_Corrections"} <= set(book.sheetnames)
    lines = list(
        book["CI_Rapport"].iter_rows(
            min_row=report_header(book["CI_Rapport"]) + 1, values_only=True
        )
    )
    report = result.fixes.report  # listed worst kind first, each kind in validate's order
    assert [(line[0], line[7], line[5]) for line in lines] == [
        (i.row, i.code, i.value) for i in sorted(left, key=lambda i: -kind_of(report, i))
    ]
    marks = book["CI_Marques"]
    marked_cells = {
        c.coordinate
        for row in marks.iter_rows(min_row=2)
        for c in row
        if c.value is not None and c.column <= len(HEADERS)
    }
    assert marked_cells == {i.cell for i in left if i.cell is not None}
    assert "C5" in marked_cells  # the formula's value is still to fix, by the user
    # the marks go away as usual and leave the fixed workbook with its changes sheet
    fixed_cells = _cells(read_table(out))
    assert clear_file(out) is not None
    assert _cells(read_table(out)) == fixed_cells
    assert load_closed_vba(out).sheetnames == ["Clients", "Stats", "Listes", "CI_Corrections"]
    assert undo_fixes(out).restored == len(FIXED)
    assert read_parts(out) == read_parts(user_book) | {DATA_PART: read_parts(out)[DATA_PART]}


def test_the_report_of_a_marked_workbook_names_the_users_file(
    user_book: Path, tmp_path: Path
) -> None:
    marked = tmp_path / "marque.xlsx"
    mark_file(user_book, FLOKON, output=marked)
    result = fix_file(marked, FLOKON, output=tmp_path / "corrige.xlsx")
    assert result.fixes.before.source.path == str(marked)
    assert result.fixes.report.source.path == str(marked)


def test_an_existing_output_is_not_replaced(user_book: Path, tmp_path: Path) -> None:
    out = tmp_path / "corrige.xlsx"
    out.write_bytes(b"work done in the copy")
    with pytest.raises(UsageError, match="existe déjà"):
        fix_file(user_book, FLOKON, output=out)
    assert out.read_bytes() == b"work done in the copy"
    fix_file(user_book, FLOKON, output=out, overwrite=True)
    assert read_changes(out, "CI_Corrections")


@pytest.mark.parametrize(
    ("name", "output", "in_place", "message"),
    [
        ("clients_lo.ods", "x.ods", False, r"\.xlsx ou un \.csv"),
        ("clients_lo.xls", None, True, r"\.xlsx ou un \.csv"),
        ("clients_lo.xlsx", None, False, "soit"),
        ("clients_lo.xlsx", "x.xlsx", True, "soit"),
        ("clients_lo.xlsx", "x.csv", False, "garder le format"),
        ("clients_utf8.csv", "x.ods", False, "garder le format"),
    ],
)
def test_refused_requests(
    tmp_path: Path, name: str, output: str | None, in_place: bool, message: str
) -> None:
    source = tmp_path / name
    shutil.copy(FILES / name, source)
    before = source.read_bytes()
    with pytest.raises(UsageError, match=message):
        fix_file(
            source,
            None,
            output=tmp_path / output if output else None,
            in_place=in_place,
        )
    assert source.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == [name]


def test_undo_refuses_a_csv_and_an_edited_log(fixed_book: Path, tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="CSV"):
        undo_fixes(tmp_path / "x.csv")
    parts = read_parts(fixed_book)
    log_part = next(
        name
        for name in parts
        if name.startswith("xl/worksheets/") and b"client-import (ne pas modifier)" in parts[name]
    )
    parts[log_part] = parts[log_part].replace(b'{"sheet": "Clients", "cell": "C3"', b"{oops", 1)
    write_parts(fixed_book, parts)
    with pytest.raises(InputError, match="colonne F"):
        undo_fixes(fixed_book)
    assert read_parts(fixed_book) == parts  # nothing written


# --- cell edits --------------------------------------------------------------------------------

SHEET = (
    b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
    b'<row r="1"><c r="A1" s="3" t="s"><v>0</v></c><c r="B1" s="4"><v>12</v></c>'
    b'<c r="C1" s="5"/><c r="D1" t="str"><f>A1&amp;B1</f><v>x12</v></c></row>'
    b'<row r="10"><c r="A10" s="3" t="s" cm="1"><v>1</v></c><c r="AA10"><f t="shared" si="0"/>'
    b"<v>3</v></c></row></sheetData></worksheet>"
)


def test_set_cells_keeps_the_cells_attributes_and_nothing_else_moves() -> None:
    edited = set_cells(
        SHEET, {"A10": "Mme & <M.>", "A1": 4185550199, "C1": "x", "B1": None}, "Feuil1"
    )
    assert edited == SHEET.replace(
        b'<c r="A1" s="3" t="s"><v>0</v></c>', b'<c r="A1" s="3"><v>4185550199</v></c>'
    ).replace(b'<c r="B1" s="4"><v>12</v></c>', b'<c r="B1" s="4"/>').replace(
        b'<c r="C1" s="5"/>',
        b'<c r="C1" s="5" t="inlineStr"><is><t xml:space="preserve">x</t></is></c>',
    ).replace(
        b'<c r="A10" s="3" t="s" cm="1"><v>1</v></c>',
        b'<c r="A10" s="3" t="inlineStr"><is><t xml:space="preserve">Mme &amp; &lt;M.&gt;</t>'
        b"</is></c>",
    )
    assert set_cells(SHEET, {}, "Feuil1") == SHEET


def test_set_cells_in_a_prefixed_sheet() -> None:
    sheet = (
        b'<x:worksheet xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        b'<x:sheetData><x:row r="2"><x:c r="B2" s="7" t="s"><x:v>0</x:v></x:c></x:row>'
        b"</x:sheetData></x:worksheet>"
    )
    assert set_cells(sheet, {"B2": "+33478123456"}, "Data") == sheet.replace(
        b'<x:c r="B2" s="7" t="s"><x:v>0</x:v></x:c>',
        b'<x:c r="B2" s="7" t="inlineStr"><x:is><x:t xml:space="preserve">+33478123456</x:t>'
        b"</x:is></x:c>",
    )


def test_set_cells_refuses_formulas_and_missing_cells() -> None:
    with pytest.raises(ValueError, match="formula"):
        set_cells(SHEET, {"D1": "y"}, "Feuil1")
    with pytest.raises(InputError, match=r"B2.*Feuil1"):
        set_cells(SHEET, {"B2": "y"}, "Feuil1")
    assert formula_cells(SHEET) == {"D1", "AA10"}
    assert sorted(["AA10", "B1", "A10", "Z1", "A2"], key=sort_key) == [
        "B1",
        "Z1",
        "A2",
        "A10",
        "AA10",
    ]


# --- CSV ---------------------------------------------------------------------------------------

CP1252_TEXT = (
    "Code client;Civilité;Nom;Prénom;Fonction;Email;Téléphone;Portable;Consentement\r\n"
    "CLI-001;Madame;Lefèvre;Anne;Trésorière €;anne@ Exemple.FR;01 42 00 00 00;;Autorisé\r\n"
    'CLI-002;M.;Dupré;Marc;"Chef\r\nd\'équipe";marc@exemple.fr;;06 11 22 33 44;autorise\r\n'
    "\r\n"
    "CLI-003;M.;Noël;  Léa ;;lea@exemple.fr;;;Autorisé\r\n"
)


def test_cp1252_semicolon_csv_keeps_its_bytes(tmp_path: Path) -> None:
    source, out = tmp_path / "contacts.csv", tmp_path / "contacts-ok.csv"
    source.write_bytes(CP1252_TEXT.encode("cp1252"))

    result = fix_file(source, get_profile("evoliz-contacts"), output=out)

    assert out.read_bytes() == (
        "Code client;Civilité;Nom;Prénom;Fonction;Email;Téléphone;Portable;Consentement\r\n"
        "CLI-001;Madame;Lefèvre;Anne;Trésorière €;anne@exemple.fr;01 42 00 00 00;;Autorisé\r\n"
        "CLI-002;M.;Dupré;Marc;Chef d'équipe;marc@exemple.fr;;06 11 22 33 44;Autorisé\r\n"
        "\r\n"
        "CLI-003;M.;Noël;  Léa ;;lea@exemple.fr;;;Autorisé\r\n"
    ).encode("cp1252")
    assert source.read_bytes() == CP1252_TEXT.encode("cp1252")
    source_info = read_table(out).source
    assert (source_info.encoding, source_info.separator, source_info.has_bom) == (
        "windows-1252",
        ";",
        False,
    )
    # the changes file: beside the output, UTF-8 with a BOM (Excel reads it), same separator
    assert result.log == tmp_path / "contacts-ok.corrections.csv"
    log = result.log.read_bytes()
    assert log.startswith(b"\xef\xbb\xbf")
    lines = list(csv.reader(io.StringIO(log.decode("utf-8-sig")), delimiter=";"))
    assert lines == [
        ["Cellule", "Colonne", "Avant", "Après", "Correction"],
        # civility, phones and spaces are taken by Evoliz as typed: left as the user wrote them
        ["F2", "Email", "anne@ Exemple.FR", "anne@exemple.fr", "adresse e-mail nettoyée"],
        ["E3", "Fonction", "Chef\nd'équipe", "Chef d'équipe", fix_label(["line-break"], "fr")],
        ["I3", "Consentement", "autorise", "Autorisé", fix_label(["choice-format"], "fr")],
    ]
    assert (
        fix_file(out, get_profile("evoliz-contacts"), output=tmp_path / "again.csv").fixes.changes
        == []
    )


FLOKON_HEADER = (
    "Prénom,Nom,Téléphone,SMS/Appel,Adresse,Adresse Ligne 1,Ville,Code postal,Notes,"
    "Identifiant du client,Remarque"
)
#: records over several lines: a fixed one (I2, its line break goes) and kept ones (K2, K7)
MULTILINE_CSV = (
    f"{FLOKON_HEADER}\n"
    f'Marie,Tremblay,4186922121,SMS,"{ADDRESS}",,,,"Ligne 1\nLigne 2",IMM-001,'
    '"garder\nces\nlignes"\n'
    f'Luc,Gagnon,(514) 872-1111,texto,"{ADDRESS}",,,,Concierge,IMM-002,\n'
    f'Julie,Roy,418-692-2121,appel,"{ADDRESS}",,,,"a, b",IMM-003,"deux\nlignes"\n'
    "Marc,Côté,418 692 2121,appel,,12 rue A,Lévis,g6v4z2,,IMM-004,\n"
)


def _records(table: Table) -> list[list[CellValue | FormulaCell]]:
    """The rows in order, whatever line each starts on."""
    return [list(row) for row in zip(*table.columns, strict=True)]


def test_utf8_bom_comma_csv_with_multiline_cells(tmp_path: Path) -> None:
    source, out = tmp_path / "flokon.csv", tmp_path / "flokon-ok.csv"
    source.write_bytes(b"\xef\xbb\xbf" + MULTILINE_CSV.encode())

    result = fix_file(source, FLOKON, output=out)

    # cells named by the line each record starts on in the file checked
    assert {c.cell: c.after for c in result.fixes.changes} == {
        "C2": "418-692-2121",
        "I2": "Ligne 1 Ligne 2",
        "C6": "514-872-1111",
        "D6": "SMS",
        "C9": "418-692-2121",
    }  # g6v4z2 (H9) finds its address as typed: Flokon takes it
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and raw.count(b"\xef\xbb\xbf") == 1
    assert raw.decode("utf-8-sig").splitlines()[0] == FLOKON_HEADER
    before, after = read_table(source), read_table(out)
    assert (after.source.separator, after.source.has_bom, after.source.encoding) == (
        ",",
        True,
        before.source.encoding,
    )
    # each fix lands on its own record; the kept multi-line cells stay in theirs
    expected = _records(before)
    for change in result.fixes.changes:
        expected[before.row_numbers.index(change.row)][change.position] = change.after
    assert _records(after) == expected
    assert [record[10] for record in _records(after)] == [
        "garder\nces\nlignes",
        None,
        "deux\nlignes",
        None,
    ]


def test_the_changes_file_points_at_the_fixed_files_cells(tmp_path: Path) -> None:
    source, out = tmp_path / "flokon.csv", tmp_path / "flokon-ok.csv"
    source.write_bytes(b"\xef\xbb\xbf" + MULTILINE_CSV.encode())
    result = fix_file(source, FLOKON, output=out)
    assert result.log is not None
    cells = _cells(read_table(out))
    logged = list(csv.reader(io.StringIO(result.log.read_text(encoding="utf-8-sig"))))[1:]
    assert len(logged) == 5
    for cell, _column, _before, after, _why in logged:
        assert cells.get(cell) == (str, after), cell


def test_csv_in_place_keeps_a_backup(tmp_path: Path) -> None:
    source = tmp_path / "hokus.csv"
    shutil.copy(SAMPLES / "hokus.csv", source)
    original = source.read_bytes()

    result = fix_file(source, get_profile("hokus"), in_place=True)

    assert result.output == source and result.backup is not None
    assert result.backup.read_bytes() == original
    assert re.fullmatch(r"hokus\.sauvegarde-\d{8}-\d{6}\.csv", result.backup.name)
    assert result.log == tmp_path / "hokus.corrections.csv"
    assert read_table(source).columns[1] == ["Mme", "Mme", "Société", "M.", "M. et Mme"]
    assert source.read_bytes().startswith(original.split(b"\r\n")[0] + b"\r\n")
    assert b"+33478123456;+33612345678" in source.read_bytes()
    # nothing left: no second backup, no new log
    again = fix_file(source, get_profile("hokus"), in_place=True)
    assert (again.fixes.changes, again.backup, again.log) == ([], None, None)


@pytest.mark.parametrize(
    ("value", "written"),
    [
        ("=1+1", "'=1+1"),
        ("+SUM(A1)", "'+SUM(A1)"),
        ("-2+3", "'-2+3"),
        ("@cmd", "'@cmd"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("-", "'-"),
        ("-12.5", "-12.5"),
        ("+33612345678", "+33612345678"),
        ("+33 6 12 34 56 78", "+33 6 12 34 56 78"),
        ("+1 418-692-2121", "+1 418-692-2121"),
        ("Mme", "Mme"),
        ("a=b", "a=b"),
        ("", ""),
    ],
)
def test_defuse(value: str, written: str) -> None:
    assert defuse(value) == written


def test_the_changes_file_defuses_formulas(tmp_path: Path) -> None:
    source = tmp_path / "f.csv"
    source.write_text(
        'distributorId;civilTitle;Lastname\nC1;Mme;"=HYPERLINK(""x"")\nB"\n', encoding="utf-8"
    )
    result = fix_file(source, get_profile("hokus"), output=tmp_path / "o.csv")
    assert result.log is not None
    text = result.log.read_text(encoding="utf-8-sig")
    [_, line] = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert line[:4] == ["C2", "Lastname", '\'=HYPERLINK("x")\nB', '\'=HYPERLINK("x") B']


# --- the command -------------------------------------------------------------------------------


def test_cli_fix_output(tmp_path: Path) -> None:
    out = tmp_path / "hokus-ok.csv"
    result = runner.invoke(app, ["fix", str(SAMPLES / "hokus.csv"), "-p", "hokus", "-o", str(out)])
    assert result.exit_code == 1  # errors are left for the user
    lines = result.stdout.splitlines()
    assert "  B3      « Madame » → « Mme »" in lines
    # rows 2 and 3 of the sample give one phone number (+33478123456, 04 78 12 34 56): a
    # likely duplicate on each, which no fix settles
    assert (
        "4 cellule(s) corrigée(s). Problèmes : 14 avant, reste 8 erreur(s) et 2 "
        "avertissement(s)." in lines
    )
    assert f"Fichier corrigé : {out}" in lines
    assert f"Corrections notées dans : {tmp_path / 'hokus-ok.corrections.csv'}" in lines
    assert out.exists()


def test_cli_fix_exit_0_when_nothing_is_left(tmp_path: Path) -> None:
    source = tmp_path / "contacts.csv"
    source.write_text(
        "Code client;Civilité;Nom;Prénom;Email;Téléphone;Consentement\n"
        "CLI-001;madame;Lefèvre;Anne;anne@ Exemple.fr;01 42 00 00 00;autorise\n",
        encoding="utf-8",
    )
    result = runner.invoke(
        app,
        [
            "fix",
            str(source),
            "-p",
            "evoliz-contacts",
            "-o",
            str(tmp_path / "o.csv"),
            "--lang",
            "en",
        ],
    )
    assert result.exit_code == 0, result.output
    assert "2 cell(s) fixed. Issues: 2 before; 0 error(s) and 0 warning(s) left." in result.stdout
    assert f"Fixed file: {tmp_path / 'o.csv'}" in result.stdout


def test_cli_fix_in_place_and_undo(user_book: Path) -> None:
    original = user_book.read_bytes()
    result = runner.invoke(app, ["fix", str(user_book), "--in-place"])  # profile detected
    assert result.exit_code == 1, result.output  # C5's formula still gives a bad phone
    (backup,) = user_book.parent.glob("clients.sauvegarde-*.xlsx")
    assert backup.read_bytes() == original
    assert f"Sauvegarde : {backup}" in result.stdout
    assert "1 cellule(s) à formule non modifiée(s) : corrigez la formule." in result.stdout
    assert f"{len(FIXED)} cellule(s) corrigée(s)" in result.stdout

    _user_edit(user_book, {"D3": "appel"})
    undo = runner.invoke(app, ["undo", str(user_book)])
    assert undo.exit_code == 0, undo.output
    lines = undo.stdout.splitlines()
    assert lines[0].startswith(f"{len(FIXED) - 1} cellule(s) remise(s) comme avant (sauvegarde : ")
    assert lines[1] == (
        "1 cellule(s) modifiée(s) depuis la correction, laissée(s) telle(s) quelle(s) : D3"
    )
    assert read_table(user_book).columns[3][1] == "appel"

    _user_edit(user_book, {"D3": "SMS"})
    assert runner.invoke(app, ["undo", str(user_book)]).exit_code == 0
    assert _cells(read_table(user_book)) == _cells(read_table(backup))
    nothing = runner.invoke(app, ["undo", str(user_book)])
    assert nothing.exit_code == 0
    assert nothing.stdout == "Aucune correction notée dans « clients.xlsx » : rien à annuler.\n"


def test_cli_refuses_to_replace_an_output(user_book: Path, tmp_path: Path) -> None:
    out = tmp_path / "corrige.xlsx"
    out.write_bytes(b"mine")
    result = runner.invoke(app, ["fix", str(user_book), "-p", "flokon", "-o", str(out)])
    assert result.exit_code == 2
    assert result.stderr.startswith("Erreur : ") and result.stderr.count("\n") == 1
    assert "existe déjà" in result.stderr and "--force" in result.stderr
    assert out.read_bytes() == b"mine"
    forced = runner.invoke(app, ["fix", str(user_book), "-p", "flokon", "-o", str(out), "--force"])
    assert forced.exit_code == 1
    assert read_changes(out, "CI_Corrections")


@pytest.mark.parametrize(
    "args",
    [
        ["fix", str(FILES / "clients_lo.ods"), "-o", "x.ods"],
        ["fix", str(FILES / "clients_lo.xls"), "--in-place"],
        ["fix", str(FILES / "clients_lo.xlsx")],
        ["fix", str(FILES / "clients_lo.xlsx"), "-o", "x.xlsx", "--lang", "de"],
        ["fix", str(FILES / "clients_lo.xlsx"), "-o", "x.xlsx", "-p", "nope"],
        ["undo", str(FILES / "clients_utf8.csv")],
        ["undo", "missing.xlsx"],
    ],
)
def test_cli_bad_requests_exit_2_with_one_line(
    args: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, args)
    assert result.exit_code == 2, result.output
    assert result.stderr.startswith("Erreur : ") and result.stderr.count("\n") == 1
    assert list(tmp_path.iterdir()) == []


def test_cli_explains_why_ods_and_xls_cannot_be_fixed(tmp_path: Path) -> None:
    for name in ("clients_lo.ods", "clients_lo.xls"):
        result = runner.invoke(app, ["fix", str(FILES / name), "-o", str(tmp_path / name)])
        assert result.exit_code == 2
        assert result.stderr == (
            f"Erreur : « {name} » ne peut pas être corrigé : les corrections s'écrivent dans un "
            "classeur .xlsx ou un .csv ; enregistrez-le au format .xlsx (Fichier > Enregistrer "
            "sous), puis relancez sur ce fichier\n"
        )


# --- LibreOffice -------------------------------------------------------------------------------


@pytest.mark.libreoffice
def test_fixed_workbook_opens_in_libreoffice(
    user_book: Path, fixed_book: Path, tmp_path: Path, soffice: str
) -> None:
    """LibreOffice loads the inline strings, then saves the workbook its own way (shared
    strings, its own parts): the fixed texts are there, and undo still works on its file."""
    from tests.libreoffice import convert

    saved = convert(fixed_book, "xlsx", tmp_path / "lo", soffice=soffice)
    table = read_table(saved, sheet="Clients")
    cells = _cells(table)
    for ref, (_, after) in FIXED.items():
        assert cells[ref] == (str, after)
    assert cells["C5"] == (str, "418 555 0177")  # recomputed by LibreOffice, same text
    assert [entry.cell for entry in read_changes(saved, "CI_Corrections")] == list(FIXED)

    result = undo_fixes(saved)

    assert (result.restored, result.kept) == (len(FIXED), [])
    assert _cells(read_table(saved, sheet="Clients")) == _cells(read_table(user_book))
