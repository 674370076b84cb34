"""Each pushed row's outcome written back into real files, and the history of the pushes.

The workbook is the kind a user keeps (as in tests/test_fix_files.py): styles, a formula, a
note, a hidden row, merged cells over the last header, a list validation plus an x14 one that
openpyxl would drop, a second sheet with a chart. The .xlsm is xlwings' quickstart as Excel
saved it, with rows written as Excel writes them (shared strings, ``spans``). Every assertion
reads the files back: zip parts byte for byte, the sheet's XML outside our cells, every cell
through openpyxl, and LibreOffice for a real load and re-save.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import shutil
from pathlib import Path

import pytest
from openpyxl.cell import Cell
from openpyxl.styles import Font

from addin.core.outcomes import HistoryLine, RowOutcome, shown_target
from addin.core.product_sheets import is_product_sheet
from addin.errors import InputError, SheetNotFoundError, UsageError
from addin.files.cell_edits import index_rows, put_cells
from addin.files.csv_writer import defuse
from addin.files.outcome_writer import (
    HISTORY_HEADERS,
    side_files,
    status_text,
    write_outcomes,
)
from addin.readers.reader import read_table
from tests.user_workbooks import (
    DATA_PART,
    X14_VALIDATION,
    load_closed_vba,
    read_parts,
    replace_in_part,
    write_macro_workbook,
    write_parts,
    write_rows,
    write_user_workbook,
)

FILES = Path(__file__).parent / "fixtures" / "files"
INDEX_PARTS = {"xl/workbook.xml", "xl/_rels/workbook.xml.rels", "[Content_Types].xml"}
FR_HEADERS = ("Statut envoi (client-import)", "ID plateforme (client-import)")
EN_HEADERS = ("Push status (client-import)", "Platform ID (client-import)")

HEADERS = ["Prénom", "Nom", "Téléphone", "SMS/Appel", "Adresse", "Ville", "Code postal",
           "Notes", "Identifiant du client", "Montant", "Suivi interne"]  # fmt: skip
ROWS = [
    ["Marie", "Tremblay", "418-555-0134", "SMS", "5 Av. des Pins", "Québec", "G1R 2T3", None,
     1001, 12.5],
    ["Paul", "Roy", "418-555-0199", "appel", "12 rue du Lac", "Lévis", "G6V 1A1", "VIP", 1002, 3],
    ["Anne", "Roy", "418-555-0188", "appel", None, "Lévis", None, None, 1003, None],
    ["Luc", "Côté", None, "SMS", "1 rue Haute", "Laval", "H7A 0A1", None, 1004, 7],
    ["Léa", "Gagnon", "418-555-0166", "appel", None, None, None, "Chien", 1005, 1],
]  # fmt: skip
#: the user's heading over K1:L1 makes L the last used column: ours are M and N
STATUS, PLATFORM_ID = "M", "N"
FIRST_PUSH = {
    2: RowOutcome("créé", "cli_001", None),
    3: RowOutcome("refusé", None, "Email : format invalide"),
    5: RowOutcome("mis à jour", "cli_004", None),
}
WHEN = dt.datetime(2026, 11, 25, 10, 15, 0)
HISTORY = HistoryLine(WHEN, "flokon", "https://sandbox.local", "upsert", {"created": 1,
                      "updated": 1, "rejected": 1, "not_sent": 2})  # fmt: skip
HISTORY_CELLS = ["2026-11-25 10:15:00", "flokon", "https://sandbox.local", "upsert", 1, 1, 0, 1,
                 2, 0]  # fmt: skip


# --- helpers -------------------------------------------------------------------------------------


def _values(path: Path, sheet: str = "Clients") -> dict[str, object]:
    book = load_closed_vba(path)
    try:
        return {
            cell.coordinate: cell.value
            for row in book[sheet].iter_rows()
            for cell in row
            if isinstance(cell, Cell) and cell.value is not None
        }
    finally:
        book.close()


def _ours(path: Path, columns: str = STATUS + PLATFORM_ID) -> dict[str, object]:
    return {
        ref: value
        for ref, value in _values(path).items()
        if re.fullmatch(f"[{columns}][0-9]+", ref)
    }


def _history(path: Path, sheet: str = "CI_Historique") -> list[list[object]]:
    book = load_closed_vba(path)
    try:
        return [list(row) for row in book[sheet].iter_rows(values_only=True)]
    finally:
        book.close()


def _style(cell: Cell) -> str:
    """Everything a cell's style says, as text (openpyxl's style proxies do not compare)."""
    parts = (cell.font, cell.fill, cell.border, cell.alignment, cell.protection)
    return repr((*parts, cell.number_format))


def _without_cells(sheet_xml: bytes, letters: str) -> bytes:
    """The sheet's XML without the cells of columns ``letters`` (our own)."""
    return re.sub(
        rb'<c r="[' + letters.encode() + rb']\d+"(?:[^>]*/>|[^>]*>.*?</c>)', b"", sheet_xml
    )


def _dimension(sheet_xml: bytes) -> bytes:
    found = re.search(rb'<dimension ref="([^"]*)"', sheet_xml)
    assert found is not None
    return found[1]


def _push(
    path: Path,
    outcomes: dict[int, RowOutcome] | None = None,
    output: Path | None = None,
    **options: object,
) -> Path:
    return write_outcomes(
        path,
        str(options.pop("sheet", "Clients")),
        int(str(options.pop("header_row", 1))),
        FIRST_PUSH if outcomes is None else outcomes,
        HISTORY,
        output=output,
        **options,  # type: ignore[arg-type]
    )


@pytest.fixture
def user_book(tmp_path: Path) -> Path:
    """A Flokon file as a user keeps it: styles, a formula, a note, merged cells, x14 list."""
    return write_user_workbook(
        tmp_path / "clients.xlsx",
        HEADERS,
        ROWS,
        merged="K1:L1",  # the user's own heading over two columns
        fills={"A3": "00B050"},
        fonts={"C3": Font(bold=True, color="FF0000"), "J7": Font(bold=True)},
        formulas={"J7": "=SUM(J2:J6)"},
    )


@pytest.fixture
def macro_book(tmp_path: Path) -> Path:
    """xlwings' quickstart.xlsm as Excel saved it, with rows as Excel writes them."""
    rows: list[list[object]] = [HEADERS[:10], *(row[:10] for row in ROWS[:3])]
    return write_macro_workbook(tmp_path / "macro.xlsm", rows, spans=True)


# --- the data sheet and the history sheet ---------------------------------------------------------


def test_only_our_cells_and_the_history_are_added(user_book: Path, tmp_path: Path) -> None:
    original = read_parts(user_book)
    out = _push(user_book, output=tmp_path / "envoye.xlsx")

    assert out == tmp_path / "envoye.xlsx"
    assert read_parts(user_book) == original  # the source is not touched
    written = read_parts(out)
    # our history sheet, its table and the relationship between them
    table, rels, sheet = sorted(set(written) - set(original))
    assert sheet.startswith("xl/worksheets/sheet") and table.startswith("xl/tables/")
    assert rels == f"xl/worksheets/_rels/{sheet.rsplit('/', 1)[1]}.rels"
    assert not set(original) - set(written)
    assert {name for name in original if original[name] != written[name]} == {
        DATA_PART,
        *INDEX_PARTS,
    }
    # the sheet's XML: outside our cells, only the dimension has moved, to cover them
    before, after = original[DATA_PART], written[DATA_PART]
    assert _dimension(before) == b"A1:L7"
    assert _dimension(after) == b"A1:N7"
    restored = _without_cells(after, STATUS + PLATFORM_ID).replace(b"A1:N7", b"A1:L7")
    assert restored == before
    assert X14_VALIDATION in after


def test_every_cell_of_the_users_reads_the_same(user_book: Path, tmp_path: Path) -> None:
    """Cell by cell through openpyxl: values, formulas, styles, notes, merges, hidden rows."""
    out = _push(user_book, output=tmp_path / "envoye.xlsx")
    old, new = load_closed_vba(user_book), load_closed_vba(out)
    try:
        before, after = old["Clients"], new["Clients"]
        assert (after.max_row, after.max_column) == (before.max_row, before.max_column + 2)
        for row in before.iter_rows():
            for cell in row:
                twin = after[cell.coordinate]
                assert (twin.value, _style(twin)) == (cell.value, _style(cell)), cell.coordinate
                assert (twin.comment and twin.comment.text) == (cell.comment and cell.comment.text)
        assert after["J7"].value == "=SUM(J2:J6)"
        assert [str(r) for r in after.merged_cells.ranges] == ["K1:L1"]
        assert after.row_dimensions[4].hidden
        assert [dv.sqref for dv in after.data_validations.dataValidation] == [
            dv.sqref for dv in before.data_validations.dataValidation
        ]
        assert new.sheetnames == ["Clients", "Stats", "Listes", "CI_Historique"]
        assert len(new["Stats"]._charts) == 1
    finally:
        old.close()
        new.close()
    assert _ours(out) == {
        "M1": FR_HEADERS[0],
        "N1": FR_HEADERS[1],
        "M2": "créé",
        "N2": "cli_001",
        "M3": "refusé : Email : format invalide",
        "M5": "mis à jour",
        "N5": "cli_004",
    }


def test_the_history_sheet(user_book: Path, tmp_path: Path) -> None:
    out = _push(user_book, output=tmp_path / "envoye.xlsx")
    assert _history(out) == [list(HISTORY_HEADERS["fr"]), HISTORY_CELLS]
    part = next(
        data
        for name, data in read_parts(out).items()
        if name.startswith("xl/worksheets/") and b"Non envoy" in data
    )
    assert b'state="frozen"' in part and b'ySplit="1"' in part
    assert is_product_sheet("CI_Historique") and is_product_sheet("CI_History")
    # the readers never take it for data
    table = read_table(out)
    assert table.source.sheet == "Clients"
    assert "CI_Historique" not in table.source.sheets


def test_a_second_push_reuses_the_columns_and_writes_only_its_rows(
    user_book: Path, tmp_path: Path
) -> None:
    first = _push(user_book, output=tmp_path / "un.xlsx")
    second_push = {
        3: RowOutcome("créé", "cli_002", None),
        5: RowOutcome("non envoyé", None, "délai dépassé"),  # its earlier id is kept
        6: RowOutcome("inchangé", "cli_005", None),
    }
    later = HistoryLine(WHEN + dt.timedelta(days=1), "flokon", "https://x", "create", {})
    second = write_outcomes(first, "Clients", 1, second_push, later, output=tmp_path / "deux.xlsx")

    assert _ours(second, "LMNOP") == {
        "M1": FR_HEADERS[0],
        "N1": FR_HEADERS[1],
        "M2": "créé",  # not concerned by the second push: kept
        "N2": "cli_001",
        "M3": "créé",
        "N3": "cli_002",
        "M5": "non envoyé : délai dépassé",
        "N5": "cli_004",  # the record the first push made is still on the platform
        "M6": "inchangé",
        "N6": "cli_005",
    }
    one, two = read_parts(first)[DATA_PART], read_parts(second)[DATA_PART]
    assert _without_cells(two, STATUS + PLATFORM_ID) == _without_cells(one, STATUS + PLATFORM_ID)
    assert _history(second) == [
        list(HISTORY_HEADERS["fr"]),
        HISTORY_CELLS,
        ["2026-11-26 10:15:00", "flokon", "https://x", "create", 0, 0, 0, 0, 0, 0],
    ]
    # the history sheet is rewritten where it stands: no index part moves
    changed = {n for n, data in read_parts(first).items() if read_parts(second)[n] != data}
    assert DATA_PART in changed and not changed & INDEX_PARTS
    assert set(read_parts(first)) == set(read_parts(second))


def test_english_push_finds_the_french_columns_and_keeps_the_french_history(
    user_book: Path, tmp_path: Path
) -> None:
    first = _push(user_book, output=tmp_path / "un.xlsx")
    second = _push(first, {4: RowOutcome("rejected", None, "Email: invalid")}, lang="en")

    assert second == first
    ours = _ours(second, "LMNOP")
    assert (ours["M1"], ours["N1"], ours["M4"]) == (*FR_HEADERS, "rejected: Email: invalid")
    book = load_closed_vba(second)
    try:
        assert book.sheetnames == ["Clients", "Stats", "Listes", "CI_History"]
    finally:
        book.close()
    assert _history(second, "CI_History") == [
        list(HISTORY_HEADERS["en"]),
        HISTORY_CELLS,
        HISTORY_CELLS,
    ]


def test_columns_found_where_the_user_moved_them(tmp_path: Path) -> None:
    """Our headers are found in either language wherever they stand; nothing is added."""
    path = write_rows(
        tmp_path / "deplace.xlsx",
        ["Nom", EN_HEADERS[0], "Ville", "  id PLATEFORME (client-import) ", "Notes"],
        [
            ["Marie", "créé", "Québec", "cli_9", "x"],
            ["Paul", None, "Lévis", None, "y"],
        ],
        sheet="Clients",
    )

    _push(path, {3: RowOutcome("créé", "cli_10", None)})

    assert _values(path) == {
        "A1": "Nom",
        "B1": EN_HEADERS[0],
        "C1": "Ville",
        "D1": "  id PLATEFORME (client-import) ",
        "E1": "Notes",
        "A2": "Marie",
        "B2": "créé",
        "C2": "Québec",
        "D2": "cli_9",
        "E2": "x",
        "A3": "Paul",
        "B3": "créé",  # inserted between A3 and C3
        "C3": "Lévis",
        "D3": "cli_10",  # between C3 and E3
        "E3": "y",
    }
    row = re.search(rb'<row r="3".*?</row>', read_parts(path)[DATA_PART])
    assert row is not None
    assert re.findall(rb'<c r="([A-Z]+)3"', row[0]) == [b"A", b"B", b"C", b"D", b"E"]


def test_in_place_keeps_a_backup(user_book: Path) -> None:
    original = user_book.read_bytes()
    assert _push(user_book) == user_book
    (backup,) = user_book.parent.glob("clients.sauvegarde-*.xlsx")
    assert backup.read_bytes() == original
    assert _ours(user_book)["M3"] == "refusé : Email : format invalide"


def test_a_macro_workbook_keeps_its_vba_and_rows_with_spans_widen(
    macro_book: Path, tmp_path: Path
) -> None:
    original = read_parts(macro_book)
    out = _push(macro_book, {2: RowOutcome("créé", "1", None), 4: FIRST_PUSH[3]}, sheet="Sheet1")

    assert out == macro_book
    written = read_parts(macro_book)
    assert written["xl/vbaProject.bin"] == original["xl/vbaProject.bin"]
    assert written["xl/sharedStrings.xml"] == original["xl/sharedStrings.xml"]
    assert {n for n in original if original[n] != written[n]} == {DATA_PART, *INDEX_PARTS}
    assert b"macroEnabled.main+xml" in written["[Content_Types].xml"]
    data = written[DATA_PART]
    assert _dimension(data) == b"A1:L4"
    # the rows we wrote cover our columns; the others keep their hint
    assert re.findall(rb'<row r="(\d)" spans="([\d:]+)"', data) == [
        (b"1", b"1:12"),
        (b"2", b"1:12"),
        (b"3", b"1:10"),
        (b"4", b"1:11"),  # not sent: no ID to write, only the status
    ]
    assert (
        _without_cells(data, "KL")
        .replace(b"1:12", b"1:10")
        .replace(b"1:11", b"1:10")
        .replace(b"A1:L4", b"A1:J4")
        == original[DATA_PART]
    )
    book = load_closed_vba(macro_book)
    try:
        sheet = book["Sheet1"]
        assert [sheet[f"K{n}"].value for n in range(1, 5)] == [
            FR_HEADERS[0],
            "créé",
            None,
            "refusé : Email : format invalide",
        ]
        assert [sheet[f"L{n}"].value for n in range(1, 5)] == [FR_HEADERS[1], "1", None, None]
        assert sheet["A2"].value == "Marie"
    finally:
        book.close()


def test_a_sheet_that_reaches_far_right(tmp_path: Path) -> None:
    """Ours go up to XFD, Excel's last column; a sheet already at XFC is refused, untouched."""
    path = write_rows(
        tmp_path / "large.xlsx",
        ["Nom"],
        [["Marie"]],
        sheet="Clients",
        cells={"XFB1": "Tout à droite"},
    )

    _push(path, {2: RowOutcome("créé", "cli_1", None)})
    assert {ref: v for ref, v in _values(path).items() if ref.startswith("XF")} == {
        "XFB1": "Tout à droite",
        "XFC1": FR_HEADERS[0],
        "XFD1": FR_HEADERS[1],
        "XFC2": "créé",
        "XFD2": "cli_1",
    }

    far = write_rows(
        tmp_path / "far.xlsx", ["Nom"], sheet="Clients", cells={"XFC2": "Tout à droite"}
    )
    original = far.read_bytes()
    with pytest.raises(InputError, match=r"jusqu'à XFC.*colonne XFD"):
        _push(far, {2: RowOutcome("créé", "cli_1", None)})
    assert far.read_bytes() == original
    assert not list(tmp_path.glob("far.sauvegarde-*"))


def test_a_sheet_whose_rows_lack_our_cells_and_a_row_missing(tmp_path: Path) -> None:
    """Rows that have no cell at our columns, a ``<row/>`` with nothing in it, a row the XML
    does not have at all: each gets its cells in place, in column order."""
    path = write_rows(
        tmp_path / "lignes.xlsx",
        ["Nom", "Ville"],
        [["Marie", "Québec"], ["Paul", "Lévis"]],
        sheet="Clients",
    )
    replace_in_part(
        path, DATA_PART, b"</sheetData>", b'<row r="5" spans="1:2" ht="20" customHeight="1"/>'
        b"</sheetData>"
    )  # fmt: skip

    _push(
        path,
        {
            2: RowOutcome("créé", "1", None),
            4: RowOutcome("refusé", None, "Nom manquant"),
            5: RowOutcome("créé", "5", None),
            6: RowOutcome("non envoyé", None, None),
        },
    )
    data = read_parts(path)[DATA_PART]
    assert re.findall(rb'<row r="(\d)"', data) == [b"1", b"2", b"3", b"4", b"5", b"6"]
    assert b'<row r="5" spans="1:4" ht="20" customHeight="1"><c r="C5"' in data
    assert _dimension(data) == b"A1:D6"
    assert _values(path) == {
        "A1": "Nom",
        "B1": "Ville",
        "C1": FR_HEADERS[0],
        "D1": FR_HEADERS[1],
        "A2": "Marie",
        "B2": "Québec",
        "C2": "créé",
        "D2": "1",
        "A3": "Paul",
        "B3": "Lévis",
        "C4": "refusé : Nom manquant",
        "C5": "créé",
        "D5": "5",
        "C6": "non envoyé",
    }


def test_status_text() -> None:
    assert status_text(RowOutcome("créé", "1", None)) == "créé"
    assert status_text(RowOutcome("refusé", None, "E-mail : invalide")) == (
        "refusé : E-mail : invalide"
    )
    assert status_text(RowOutcome("rejected", None, "bad"), "en") == "rejected: bad"
    assert len(status_text(RowOutcome("refusé", None, "x" * 40_000))) == 32_767


def test_the_history_never_keeps_a_secret_of_the_target() -> None:
    assert shown_target("https://jean:s3cret@api.flokon.io/v1/?token=abc#x") == (
        "https://api.flokon.io/v1/"
    )
    assert shown_target("http://127.0.0.1:8765") == "http://127.0.0.1:8765"
    assert shown_target("evoliz") == "evoliz"
    line = HistoryLine(WHEN, "evoliz", "https://k:v@www.evoliz.io?api_key=1", "create", {})
    assert line.cells()[2] == "https://www.evoliz.io"


def test_refused_requests(user_book: Path, tmp_path: Path) -> None:
    with pytest.raises(UsageError, match=r"\(\.xlsx\)"):
        _push(user_book, output=tmp_path / "out.xlsm")
    with pytest.raises(SheetNotFoundError, match="Feuil9"):
        _push(user_book, sheet="Feuil9")
    with pytest.raises(UsageError, match="client-import"):
        _push(user_book, sheet="CI_Historique")
    with pytest.raises(ValueError, match="header row"):
        _push(user_book, {1: RowOutcome("créé", None, None)})
    with pytest.raises(ValueError, match="unknown counts"):
        write_outcomes(user_book, "Clients", 1, {}, HistoryLine(WHEN, "p", "t", "m", {"créés": 1}))
    pdf = tmp_path / "clients.pdf"
    pdf.write_bytes(b"%PDF")
    with pytest.raises(UsageError, match="xlsx"):
        _push(pdf)
    assert not list(tmp_path.glob("*.sauvegarde-*"))


def test_a_formula_in_our_column_is_never_overwritten(user_book: Path, tmp_path: Path) -> None:
    first = _push(user_book, output=tmp_path / "un.xlsx")
    replace_in_part(
        first,
        DATA_PART,
        b'<c r="N2" t="inlineStr"><is><t xml:space="preserve">cli_001</t></is></c>',
        b'<c r="N2"><f>"cli_"&amp;"001"</f><v>cli_001</v></c>',
    )
    with pytest.raises(InputError, match=r"N2 .* contient une formule"):
        _push(first, {2: RowOutcome("mis à jour", "cli_001", None)})


# --- put_cells on the XML itself ------------------------------------------------------------------


def test_put_cells_in_place_in_rows_and_among_rows() -> None:
    sheet = (
        b'<worksheet><dimension ref="B2:D4"/><sheetData>'
        b'<row r="2" spans="2:4"><c r="B2" s="3"><v>1</v></c><c r="D2" t="s"><v>0</v></c></row>'
        b'<row r="4" spans="2:3 5:6"><c r="C4"><is><r><rPr><color rgb="FF0000"/></rPr><t>x</t>'
        b'</r></is></c></row></sheetData><mergeCells><mergeCell ref="E7:F8"/></mergeCells>'
        b"</worksheet>"
    )
    assert index_rows(sheet, "S").last_column == 6  # F, through the merged range

    written = put_cells(
        sheet, {"A2": "a", "C2": 3, "B2": None, "D4": "d", "C3": "new", "A5": "last"}, "S"
    )

    assert written == (
        b'<worksheet><dimension ref="A2:D5"/><sheetData>'
        b'<row r="2" spans="1:4"><c r="A2" t="inlineStr"><is><t xml:space="preserve">a</t></is>'
        b'</c><c r="B2" s="3"/><c r="C2"><v>3</v></c><c r="D2" t="s"><v>0</v></c></row>'
        b'<row r="3"><c r="C3" t="inlineStr"><is><t xml:space="preserve">new</t></is></c></row>'
        b'<row r="4"><c r="C4"><is><r><rPr><color rgb="FF0000"/></rPr><t>x</t></r></is></c>'
        b'<c r="D4" t="inlineStr"><is><t xml:space="preserve">d</t></is></c></row>'
        b'<row r="5"><c r="A5" t="inlineStr"><is><t xml:space="preserve">last</t></is></c></row>'
        b'</sheetData><mergeCells><mergeCell ref="E7:F8"/></mergeCells></worksheet>'
    )


def test_put_cells_in_an_empty_sheet_and_with_a_prefix() -> None:
    assert put_cells(
        b'<worksheet><dimension ref="A1"/><sheetData/></worksheet>', {"B2": "x"}, "S"
    ) == (
        b'<worksheet><dimension ref="A1:B2"/><sheetData><row r="2"><c r="B2" t="inlineStr">'
        b'<is><t xml:space="preserve">x</t></is></c></row></sheetData></worksheet>'
    )
    empty_row = b'<worksheet><sheetData><row r="1" spans="1:1"></row></sheetData></worksheet>'
    assert put_cells(empty_row, {"B1": 1}, "S") == (
        b'<worksheet><sheetData><row r="1" spans="1:2"><c r="B1"><v>1</v></c></row></sheetData>'
        b"</worksheet>"
    )
    prefixed = b'<x:worksheet><x:sheetData><x:row r="1"><x:c r="A1"><x:v>1</x:v></x:c></x:row>'
    prefixed += b"</x:sheetData></x:worksheet>"
    assert put_cells(prefixed, {"B1": "y", "A2": 2}, "S") == (
        b'<x:worksheet><x:sheetData><x:row r="1"><x:c r="A1"><x:v>1</x:v></x:c><x:c r="B1" '
        b't="inlineStr"><x:is><x:t xml:space="preserve">y</x:t></x:is></x:c></x:row><x:row '
        b'r="2"><x:c r="A2"><x:v>2</x:v></x:c></x:row></x:sheetData></x:worksheet>'
    )


def test_put_cells_refusals() -> None:
    no_refs = b'<worksheet><sheetData><row r="1"><c><v>1</v></c><c><v>2</v></c></row>'
    no_refs += b"</sheetData></worksheet>"
    # after the last cell is fine (they are A1 and B1); between them is not
    assert b'<v>2</v></c><c r="C1" t="inlineStr">' in put_cells(no_refs, {"C1": "x"}, "S")
    with pytest.raises(InputError, match="sans référence"):
        put_cells(no_refs, {"A1": "x"}, "S")
    out_of_order = b'<worksheet><sheetData><row r="3"/><row r="2"/></sheetData></worksheet>'
    with pytest.raises(InputError, match="pas dans l'ordre"):
        put_cells(out_of_order, {"A1": "x"}, "S")
    formula = b'<worksheet><sheetData><row r="1"><c r="A1"><f>1+1</f><v>2</v></c></row>'
    formula += b"</sheetData></worksheet>"
    with pytest.raises(InputError, match=r"A1 .* contient une formule"):
        put_cells(formula, {"A1": "x"}, "S")


# --- CSV, .xls and .ods: side files -------------------------------------------------------------


def _csv(path: Path) -> tuple[bytes, list[list[str]]]:
    """The file's first bytes (its byte order mark) and its records, separated by ";"."""
    data = path.read_bytes()
    assert data.endswith(b"\r\n")
    return data[:3], list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))


def test_a_csv_is_never_rewritten_its_outcomes_go_beside_it(tmp_path: Path) -> None:
    path = tmp_path / "clients.csv"
    shutil.copy(FILES / "clients_cp1252.csv", path)
    original = path.read_bytes()
    outcomes = {
        2: RowOutcome("créé", "cli_1", None, key="C001"),
        4: RowOutcome("refusé", None, '=HYPERLINK("http://x") : format invalide', key="C003"),
    }

    written = _push(path, outcomes)

    assert path.read_bytes() == original
    statuses, log = side_files(path)
    assert written == statuses == tmp_path / "clients.envoi.csv"
    assert log == tmp_path / "clients.historique.csv"
    assert not list(tmp_path.glob("*.sauvegarde-*"))
    bom, lines = _csv(statuses)
    assert bom == b"\xef\xbb\xbf"  # UTF-8 with its mark, the CSV's own ";"
    assert lines == [
        ["Ligne", "Clé", "Statut", "ID plateforme", "Message"],
        ["2", "C001", "créé", "cli_1", ""],
        ["4", "C003", "refusé", "", '\'=HYPERLINK("http://x") : format invalide'],
    ]
    assert lines[2][4] == defuse(str(outcomes[4].message))  # a spreadsheet shows it as text
    assert _csv(log)[1] == [
        list(HISTORY_HEADERS["fr"]),
        [str(value) for value in HISTORY_CELLS],
    ]

    # a second push: its rows replace theirs, the others stay; the history grows
    _push(path, {3: RowOutcome("créé", "cli_2", None, key="C002"), 4: FIRST_PUSH[3]}, lang="en")
    rows = read_table(statuses, header_row=1)
    assert rows.headers == ["Row", "Key", "Status", "Platform ID", "Message"]
    assert [list(row) for row in zip(*rows.columns, strict=True)] == [
        ["2", "C001", "créé", "cli_1", None],
        ["3", "C002", "créé", "cli_2", None],
        ["4", None, "refusé", None, "Email : format invalide"],
    ]
    assert len(_csv(log)[1]) == 3
    assert path.read_bytes() == original


def test_a_comma_csv_gets_comma_side_files(tmp_path: Path) -> None:
    path = tmp_path / "clients.csv"
    shutil.copy(FILES / "clients_comma.csv", path)
    statuses = _push(path, {2: RowOutcome("créé", "cli_1", None)})
    assert statuses.read_text("utf-8-sig").splitlines()[1] == "2,,créé,cli_1,"


@pytest.mark.parametrize("name", ["clients_lo.xls", "clients_lo.ods"])
def test_xls_and_ods_get_side_files(name: str, tmp_path: Path) -> None:
    path = tmp_path / name
    shutil.copy(FILES / name, path)
    original = path.read_bytes()
    statuses = _push(path, {2: RowOutcome("créé", "cli_1", None)}, sheet="Feuille1")
    assert statuses == tmp_path / "clients_lo.envoi.csv"
    assert path.read_bytes() == original
    assert statuses.read_text("utf-8-sig").splitlines() == [
        "Ligne;Clé;Statut;ID plateforme;Message",
        "2;;créé;cli_1;",
    ]
    assert (tmp_path / "clients_lo.historique.csv").is_file()


# --- LibreOffice ----------------------------------------------------------------------------------


@pytest.mark.libreoffice
def test_libreoffice_opens_it_and_a_push_after_its_resave_keeps_the_history(
    user_book: Path, tmp_path: Path, soffice: str
) -> None:
    """LibreOffice loads the workbook (``convert`` fails on a file it cannot load) and saves it
    its own way (shared strings, its own XML): our cells are there for openpyxl, and the next
    push finds our columns and the earlier history line in LibreOffice's package."""
    from tests.libreoffice import convert

    out = _push(user_book, output=tmp_path / "envoye.xlsx")
    saved = convert(out, "xlsx", tmp_path / "lo", soffice=soffice)
    parts = read_parts(saved)
    assert b"inlineStr" not in b"".join(
        data for name, data in parts.items() if name.startswith("xl/worksheets/")
    )
    expected = _ours(out)
    assert _ours(saved) == expected
    assert _history(saved) == [list(HISTORY_HEADERS["fr"]), HISTORY_CELLS]

    _push(saved, {4: RowOutcome("créé", "cli_003", None)})

    assert _ours(saved, "LMNOPQ") == {**expected, "M4": "créé", "N4": "cli_003"}
    assert _history(saved) == [list(HISTORY_HEADERS["fr"]), HISTORY_CELLS, HISTORY_CELLS]
    again = convert(saved, "xlsx", tmp_path / "lo2", soffice=soffice)
    assert _ours(again, "LMNOPQ")["M4"] == "créé"


# --- size ---------------------------------------------------------------------------------------

BIG_ROWS = 100_000


def big_workbook(path: Path, rows: int = BIG_ROWS) -> Path:
    """``rows`` clients under a header, ten columns, rows as Excel writes them (``spans``)."""
    write_rows(path, [], sheet="Clients")  # the rows are written into its part below
    texts = ("Client {n}", "Nom {n}", "0450{n:06d}", "SMS", "{n} rue du Lac", "Lévis", "G6V 1A1")
    headers = "".join(
        f'<c r="{letter}1" t="inlineStr"><is><t>{name}</t></is></c>'
        for letter, name in zip("ABCDEFGHIJ", HEADERS, strict=False)
    )
    lines = [f'<row r="1" spans="1:10">{headers}</row>']
    for n in range(2, rows + 2):
        cells = "".join(
            f'<c r="{letter}{n}" t="inlineStr"><is><t>{text.format(n=n)}</t></is></c>'
            for letter, text in zip("ABCDEFG", texts, strict=True)
        )
        numbers = f'<c r="I{n}"><v>{n}</v></c><c r="J{n}"><v>{n / 7}</v></c>'
        lines.append(f'<row r="{n}" spans="1:10">{cells}{numbers}</row>')
    parts = read_parts(path)
    xml = re.sub(
        rb'<dimension ref="[^"]*"', b'<dimension ref="A1:J%d"' % (rows + 1), parts[DATA_PART]
    )
    start, end = xml.index(b"<sheetData"), xml.index(b"<pageMargins")
    parts[DATA_PART] = xml[:start] + f"<sheetData>{''.join(lines)}</sheetData>".encode() + xml[end:]
    write_parts(path, parts)
    return path


def big_outcomes(rows: int = BIG_ROWS) -> dict[int, RowOutcome]:
    """Every row pushed: most created, one in ten refused with the platform's message."""
    return {
        n: RowOutcome("refusé", None, f"Email : format invalide ({n})")
        if n % 10 == 0
        else RowOutcome("créé", f"cli_{n:06d}", None)
        for n in range(2, rows + 2)
    }


@pytest.mark.slow
def test_a_hundred_thousand_rows(tmp_path: Path) -> None:
    """Written in one walk over the sheet (the time is measured in bench/, not asserted)."""
    path = big_workbook(tmp_path / "gros.xlsx")
    _push(path, big_outcomes())

    data = read_parts(path)[DATA_PART]
    assert _dimension(data) == f"A1:L{BIG_ROWS + 1}".encode()
    assert data.count(b'<c r="K') == BIG_ROWS + 1
    assert data.count(b'<c r="L') == BIG_ROWS - BIG_ROWS // 10 + 1
    # a row not sent gets its status only (no ID to write): one in ten
    assert data.count(b' spans="1:12"') == BIG_ROWS - BIG_ROWS // 10 + 1
    last = BIG_ROWS + 1
    table = read_table(path, sheet="Clients", header_row=1)
    assert table.headers[-2:] == list(FR_HEADERS)
    assert [column[-1] for column in table.columns[-3:]] == [last / 7, "créé", f"cli_{last:06d}"]
    assert table.columns[-2][7:9] == ["créé", "refusé : Email : format invalide (10)"]  # rows 9, 10

    _push(path, {10: RowOutcome("créé", "cli_000010", None)})  # the columns are found again
    table = read_table(path, sheet="Clients", header_row=1)
    assert len(table.headers) == 12
    assert (table.columns[-2][8], table.columns[-1][8]) == ("créé", "cli_000010")


def test_the_outcome_columns_are_neither_data_nor_unknown_to_the_next_check(
    tmp_path: Path,
) -> None:
    """A sheet pushed once is checked and pushed again: our two columns feed no field (the
    platform may have a "Statut" field) and draw no "unknown column" warning."""
    from addin.core.profiles import get_profile
    from addin.usecases.mapping_file import map_file
    from addin.usecases.validation import validate_file

    profile = get_profile("reveal")
    path = tmp_path / "contacts.xlsx"
    write_rows(path, ["Prénom", "Nom de famille", "Statut"], [["Marie", "Tremblay", "Actif"]])
    before = {(i.code, i.column) for i in validate_file(path, profile).issues}
    history = HistoryLine(dt.datetime(2026, 11, 25, 9, 0), "reveal", "http://127.0.0.1", "upsert",
                          {"created": 1})  # fmt: skip
    for lang in ("fr", "en"):
        write_outcomes(path, "Sheet", 1, {2: RowOutcome("créé", "c-1", None)}, history, lang=lang)
    assert read_table(path).headers[-2:] == list(FR_HEADERS)  # found again in English
    after = {(i.code, i.column) for i in validate_file(path, profile).issues}
    assert after == before
    ours = [line for line in map_file(path, profile).lines if "client-import" in line.column]
    assert len(ours) == 2 and all(line.choice is None for line in ours)
    reasons = {line.reason for line in ours}
    assert reasons == {"colonne écrite par client-import (résultat d'un envoi)"}
