"""The hybrid .xlsx reader returns the openpyxl reader's Table, or says it cannot be sure."""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook

from addin.core.table import FormulaCell, Table
from addin.readers.ooxml import NotSure, parse_part
from addin.readers.reader import read_table
from addin.readers.xlsx_hybrid import read_xlsx_hybrid
from addin.readers.xlsx_reader import read_xlsx

FILES = Path(__file__).parent / "fixtures" / "files"


def both(path: Path, **options: object) -> tuple[Table, Table]:
    size = path.stat().st_size
    hybrid = read_xlsx_hybrid(path, "xlsx", size, **options)  # type: ignore[arg-type]
    reference = read_xlsx(path, "xlsx", size, **options)  # type: ignore[arg-type]
    return hybrid, reference


def assert_same(hybrid: Table, reference: Table) -> None:
    assert hybrid.headers == reference.headers
    assert hybrid.row_numbers == reference.row_numbers
    assert hybrid.columns == reference.columns
    # equal values must have equal types too (1220 vs 1220.0, date vs datetime)
    assert [[type(v) for v in c] for c in hybrid.columns] == [
        [type(v) for v in c] for c in reference.columns
    ]
    assert hybrid.source == reference.source


@pytest.mark.parametrize(
    ("name", "sheet"),
    [
        ("clients_lo.xlsx", None),
        ("clients_openpyxl.xlsx", None),
        ("sheets.xlsx", None),
        ("sheets.xlsx", "Clients"),
        ("sheets.xlsx", "Paramètres"),  # hidden
    ],
)
def test_fixtures_read_alike(name: str, sheet: str | None) -> None:
    assert_same(*both(FILES / name, sheet=sheet))


def write_formats_workbook(path: Path) -> None:
    """Special formats, dates and times, booleans, formulas with and without results, gaps."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Clients"
    sheet.append(["Code postal", "Téléphone", "Texte", "Date", "Heure", "Durée", "Montant", "F"])
    for n in range(1, 40):
        sheet.append(
            [
                1000 + n,
                600000000 + n,
                n,
                dt.datetime(2024, 1, n % 28 + 1, 0 if n % 2 else 9, 30 if n % 3 else 0),
                dt.time(n % 24, 15),
                dt.timedelta(hours=20 + n, minutes=5),
                n + 0.25,
                f"=G{n + 1}*2" if n % 5 else None,
            ]
        )
        row = n + 1
        sheet[f"A{row}"].number_format = "00000"
        sheet[f"B{row}"].number_format = "0# ## ## ## ##"
        sheet[f"C{row}"].number_format = "@"
        sheet[f"D{row}"].number_format = "DD/MM/YYYY HH:MM"
        sheet[f"F{row}"].number_format = "[h]:mm:ss"
        sheet[f"G{row}"].number_format = "#,##0.00"
    sheet["A10"] = "75008"  # text in a zero-padded column
    sheet["B12"] = None  # an empty, formatted cell
    sheet.append([])
    sheet.append([None, None, None, None, None, None, None, "=A2"])  # only a formula
    sheet.append([True, False, "  espaces  ", None, None, None, -3, None])
    hidden = book.create_sheet("Cachée")
    hidden.sheet_state = "hidden"
    hidden.append(["x"])
    book.save(path)


def test_generated_workbook_with_formats_dates_and_formulas(tmp_path: Path) -> None:
    path = tmp_path / "formats.xlsx"
    write_formats_workbook(path)
    hybrid, reference = both(path)
    assert_same(hybrid, reference)
    assert hybrid.columns[0][:2] == ["01001", "01002"]
    assert hybrid.columns[1][0] == "06 00 00 00 01"
    assert hybrid.columns[7][0] == FormulaCell("=G2*2")  # openpyxl stores no results
    assert hybrid.source.sheets == ["Clients", "Cachée"]


def resave_with(path: Path, target: Path, changes: dict[str, bytes]) -> Path:
    """A copy of the workbook at ``path`` with some parts replaced."""
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(target, "w") as copy:
        for item in source.infolist():
            copy.writestr(item, changes.get(item.filename, source.read(item.filename)))
    return target


SHEET = (
    b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    b"<sheetData>%s</sheetData></worksheet>"
)
STRINGS = (
    b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    b'<si><t>Nom</t></si><si><t>Dupont</t></si><si><r><t>Ri</t></r><r><t xml:space="preserve">'
    b" che </t></r></si></sst>"
)


def hand_written(tmp_path: Path, cells: bytes, strings: bytes = STRINGS) -> Path:
    """A LibreOffice workbook whose first sheet and shared strings are replaced."""
    return resave_with(
        FILES / "clients_lo.xlsx",
        tmp_path / "main.xlsx",
        {"xl/worksheets/sheet1.xml": SHEET % cells, "xl/sharedStrings.xml": strings},
    )


def test_shared_inline_error_and_cached_cells(tmp_path: Path) -> None:
    path = hand_written(
        tmp_path,
        b'<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="inlineStr"><is><t>Code</t></is>'
        b'</c><c r="C1" t="s"><v>2</v></c></row>'
        b'<row r="2"><c r="A2" t="s"><v>1</v></c><c r="B2" t="e"><f>1/0</f><v>#DIV/0!</v></c>'
        b'<c r="C2"><f>1+1</f><v>2</v></c><c r="D2" t="str"><f>""</f><v></v></c></row>'
        b'<row r="4"><c r="B4"><f>A2&amp;"&lt;x&gt;"</f></c><c r="C4" t="e"><v>#N/A</v></c></row>',
    )
    hybrid, reference = both(path, sheet="Clients")
    assert_same(hybrid, reference)
    assert hybrid.headers == ["Nom", "Code", "Ri che "]
    assert hybrid.columns[1] == ["#DIV/0!", FormulaCell('=A2&"<x>"')]
    assert hybrid.columns[2] == [2, "#N/A"]


@pytest.mark.parametrize(
    ("cells", "strings", "reason"),
    [
        (
            b'<row r="1"><c r="A1" t="s"><v>0</v></c></row>',
            STRINGS.replace(b"Nom", b"a_x000D_b"),
            "_x",
        ),
        (b'<row r="1"><c r="A1" t="inlineStr"><is><t> Nom</t></is></c></row>', STRINGS, "espace"),
        (
            b'<row r="1"><c r="A1" t="s"><v>0</v></c></row>',
            STRINGS.replace(b"Nom<", b"Nom <"),
            "espace",
        ),
        (b'<row r="1"><c r="A1" t="d"><v>2024-01-15</v></c></row>', STRINGS, "ISO"),
        (b'<row r="1"><c r="A1"><v>1234567890123456</v></c></row>', STRINGS, "16 chiffres"),
        (
            b'<row r="1"><c r="A1"><f>1</f><v>1</v></c></row><row r="2"><c r="A2">'
            b'<f t="shared" si="0"/></c></row>',
            STRINGS,
            "partagée",
        ),
        (b'<row r="1"><c t="e"><v>#N/A</v></c></row>', STRINGS, "référence"),
    ],
)
def test_not_sure_falls_back_to_openpyxl(
    tmp_path: Path, cells: bytes, strings: bytes, reason: str
) -> None:
    path = hand_written(tmp_path, cells, strings)
    with pytest.raises(NotSure) as error:
        read_xlsx_hybrid(path, "xlsx", 1, sheet="Clients")
    assert reason in str(error.value)
    # read_table still reads the file, with openpyxl
    reference = read_xlsx(path, "xlsx", path.stat().st_size, sheet="Clients")
    assert read_table(path, sheet="Clients").columns == reference.columns


def test_date1904_falls_back(tmp_path: Path) -> None:
    with zipfile.ZipFile(FILES / "clients_lo.xlsx") as archive:
        workbook = archive.read("xl/workbook.xml")
    path = resave_with(
        FILES / "clients_lo.xlsx",
        tmp_path / "mac.xlsx",
        {"xl/workbook.xml": workbook.replace(b'date1904="false"', b'date1904="true"')},
    )
    with pytest.raises(NotSure, match="1904"):
        read_xlsx_hybrid(path, "xlsx", 1)


def test_damaged_workbook_is_left_to_openpyxl() -> None:
    with pytest.raises(NotSure):
        read_xlsx_hybrid(FILES / "random.xlsx", "xlsx", 1)


def test_parts_with_a_dtd_are_refused() -> None:
    bomb = (
        b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa">'
        b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]><x y="&b;"/>'
    )
    with pytest.raises(NotSure, match="DTD"):
        parse_part(bomb)


@pytest.mark.slow
def test_large_generated_workbook_reads_alike(tmp_path: Path) -> None:
    """Several scan blocks (the sheet XML is larger than one 4 MB block)."""
    path = tmp_path / "grand.xlsx"
    book = Workbook(write_only=True)
    sheet = book.create_sheet("Data")
    sheet.append(["Code", "Nom", "Ville", "Montant", "Formule"])
    for n in range(30_000):
        sheet.append([f"C{n:06d}", f"Nom {n % 97}", "Lyon", n * 1.5, f"=D{n + 2}*2"])
    book.save(path)
    assert_same(*both(path))


def test_escaped_characters_read_as_excel_shows_them(tmp_path: Path) -> None:
    """XlsxWriter (like Excel) stores a carriage return as ``_x000D_``: the text the user sees is
    read, never the escape that an export would carry to the platform."""
    import xlsxwriter

    path = tmp_path / "escaped.xlsx"
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("Clients")
    sheet.write_row(0, 0, ["Nom", "Adresse 1"])
    sheet.write_row(1, 0, ["Martin", "12 rue A\r\nBât B"])
    sheet.write_row(2, 0, ["Roy", "tab\there"])
    book.close()
    assert b"_x000D_" in zipfile.ZipFile(path).read("xl/sharedStrings.xml")

    with pytest.raises(NotSure):  # the fast reader leaves such texts to openpyxl
        read_xlsx_hybrid(path, "xlsx", path.stat().st_size)
    for table in (read_table(path), read_xlsx(path, "xlsx", path.stat().st_size)):
        assert table.columns[1] == ["12 rue A\r\nBât B", "tab\there"]
