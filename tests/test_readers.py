"""Readers: every fixture read as a whole, every bad input refused with a sentence for the user."""

from __future__ import annotations

import csv
import datetime as dt
import io
import shutil
import zipfile
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook

import addin.readers.reader as reader_module
import addin.readers.xlsx_reader as xlsx_module
from addin.core.table import FormulaCell, Table
from addin.errors import (
    EmptyFileError,
    EncryptedFileError,
    FileTooLargeError,
    InputError,
    SheetNotFoundError,
    UnsupportedFileError,
    UsageError,
)
from addin.readers.cells import convert, with_format
from addin.readers.common import format_size
from addin.readers.csv_reader import detect_separator
from addin.readers.reader import list_sheets, ole_stream_names, read_table

FILES = Path(__file__).parent / "fixtures" / "files"

HEADERS = [
    "Code client",
    "Raison sociale",
    "Code postal",
    "Ville",
    "Téléphone",
    "Mobile",
    "Date de création",
    "Actif",
    "Montant HT",
    "Montant TTC",
    "Commentaire",
    "",  # column L: a value without a header
]

# The client table as LibreOffice saved it (.xlsx): what the user sees in Excel.
XLSX_ROWS: list[list[Any]] = [
    [
        "C001",
        "L’Atelier de Façon",
        "01220",
        "Divonne-les-Bains",
        "0450203040",
        "0612345678",
        dt.date(2024, 1, 15),
        "TRUE",
        1200.5,
        1440.6,
        "Client historique",
        None,
    ],
    [
        "C002",
        "Boulangerie Émile & Fils",
        "01220",
        "Bourg-en-Bresse",
        "04 74 22 33 44",
        698765432,
        dt.datetime(2023, 6, 30, 14, 30),
        "FALSE",
        89,
        106.8,
        "Bâtiment A\n2e étage",
        None,
    ],
    [
        "C003",
        "Société Générale d’Équipement",
        "75008",
        "Paris",
        None,
        None,
        dt.date(2019, 12, 1),
        "TRUE",
        0.1,
        "#N/A",
        None,
        "note hors tableau",
    ],
]

# The same table exported to CSV by LibreOffice: strings exactly as shown.
CSV_ROWS: list[list[Any]] = [
    [
        "C001",
        "L’Atelier de Façon",
        "01220",
        "Divonne-les-Bains",
        "0450203040",
        "0612345678",
        "15/01/2024",
        "TRUE",
        "1200.5",
        "1440.6",
        "Client historique",
        None,
    ],
    [
        "C002",
        "Boulangerie Émile & Fils",
        "01220",
        "Bourg-en-Bresse",
        "04 74 22 33 44",
        "698765432",
        "30/06/2023 14:30",
        "FALSE",
        "89",
        "106.8",
        "Bâtiment A\n2e étage",
        None,
    ],
    [
        "C003",
        "Société Générale d’Équipement",
        "75008",
        "Paris",
        None,
        None,
        "01/12/2019",
        "TRUE",
        "0.1",
        "#N/A",
        None,
        "note hors tableau",
    ],
]


def rows_of(table: Table) -> list[list[Any]]:
    return [list(row) for row in zip(*table.columns, strict=True)]


def replace(rows: list[list[Any]], changes: dict[tuple[int, int], Any]) -> list[list[Any]]:
    """A copy of ``rows`` with cells changed: ``{(row index, column index): value}``."""
    copy = [list(row) for row in rows]
    for (i, j), value in changes.items():
        copy[i][j] = value
    return copy


def assert_message(error: pytest.ExceptionInfo[Exception], *words: str) -> None:
    """A user's sentence: French words expected, one line, no traceback or Python jargon."""
    message = str(error.value)
    for word in words:
        assert word in message, message
    assert message[0].isupper() or message[0] == "«", message
    assert message.endswith("."), message
    assert "\n" not in message
    for jargon in ("Traceback", "Error", "Exception", "errno", "None"):
        assert jargon not in message, message


# --- workbooks ------------------------------------------------------------------------------

# J (9): formulas; K (10): =IF(...,"") ; H (7): booleans; C3, F2: zero-padding formats.
WORKBOOKS = {
    "clients_lo.xlsx": ("xlsx", XLSX_ROWS),
    "clients_openpyxl.xlsx": (
        "xlsx",
        replace(
            XLSX_ROWS,
            {
                (0, 9): FormulaCell("=I2*1.2"),
                (1, 9): FormulaCell("=I3*1.2"),
                (2, 9): FormulaCell("=NA()"),
                (2, 10): FormulaCell('=IF(I5>1,"gros","")'),
            },
        ),
    ),
    "clients_lo.xls": (
        "xls",
        replace(XLSX_ROWS, {(0, 5): 612345678, (1, 2): 1220, (2, 9): None}),
    ),
    "clients_lo.ods": (
        "ods",
        replace(
            XLSX_ROWS,
            {(0, 5): 612345678, (1, 2): 1220, (2, 9): None, (0, 7): 1, (1, 7): 0, (2, 7): 1},
        ),
    ),
}


@pytest.mark.parametrize("name", sorted(WORKBOOKS))
def test_workbook_fixture_read_as_a_whole(name: str) -> None:
    kind, expected = WORKBOOKS[name]
    path = FILES / name
    table = read_table(path)

    assert table.headers == HEADERS
    assert table.row_numbers == [2, 3, 5]  # row 4 is empty
    assert rows_of(table) == expected
    assert table.source.kind == kind
    assert table.source.sheet == "Clients"
    assert table.source.sheets == ["Clients"]
    assert table.source.size_bytes == path.stat().st_size
    assert table.source.encoding is None
    assert table.source.separator is None
    assert table.source.header_row == 1


@pytest.mark.parametrize("name", sorted(WORKBOOKS))
def test_workbook_value_types(name: str) -> None:
    """Equal values must also have the type the engine expects (ints, not floats)."""
    table = read_table(FILES / name)
    montant_ht = table.columns[HEADERS.index("Montant HT")]
    assert [type(v) for v in montant_ht] == [float, int, float]
    created = table.columns[HEADERS.index("Date de création")]
    assert [type(v) for v in created] == [dt.date, dt.datetime, dt.date]


def test_renamed_files_are_read_by_content(tmp_path: Path) -> None:
    workbook = tmp_path / "clients.csv"
    shutil.copy(FILES / "clients_lo.xlsx", workbook)
    assert rows_of(read_table(workbook)) == XLSX_ROWS
    assert read_table(workbook).source.kind == "xlsx"

    old_excel = tmp_path / "clients.xlsx"
    shutil.copy(FILES / "clients_lo.xls", old_excel)
    assert read_table(old_excel).source.kind == "xls"

    text = tmp_path / "clients.xlsx.txt"
    shutil.copy(FILES / "clients_utf8.csv", text)
    assert rows_of(read_table(text)) == CSV_ROWS

    opendocument = tmp_path / "clients.dat"
    shutil.copy(FILES / "clients_lo.ods", opendocument)
    assert read_table(opendocument).source.kind == "ods"


def test_renamed_encrypted_workbooks(tmp_path: Path) -> None:
    for name in ("encrypted.xls", "encrypted.xlsx", "encrypted.ods"):
        renamed = tmp_path / f"{name}.csv"
        shutil.copy(FILES / name, renamed)
        with pytest.raises(EncryptedFileError):
            read_table(renamed)


def test_macro_enabled_workbook(tmp_path: Path) -> None:
    """The kind comes from the main part's content type, whatever the extension says."""
    path = tmp_path / "clients.xlsx"
    with (
        zipfile.ZipFile(FILES / "clients_lo.xlsx") as source,
        zipfile.ZipFile(path, "w") as target,
    ):
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "[Content_Types].xml":
                data = data.replace(
                    b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
                    b"application/vnd.ms-excel.sheet.macroEnabled.main+xml",
                )
            target.writestr(item, data)
    table = read_table(path)
    assert table.source.kind == "xlsm"
    assert rows_of(table) == XLSX_ROWS


def test_sheet_selection() -> None:
    path = FILES / "sheets.xlsx"
    assert list_sheets(path) == ["Paramètres", "Notes", "Clients"]

    default = read_table(path)  # first visible sheet: "Paramètres" is hidden
    assert default.source.sheet == "Notes"
    assert default.headers == ["Note"]
    assert rows_of(default) == [["Ce classeur sert aux tests des lecteurs."]]
    assert default.source.sheets == ["Paramètres", "Notes", "Clients"]

    clients = read_table(path, preferred_sheet="Clients")
    assert clients.source.sheet == "Clients"
    assert clients.headers == ["Code client", "Nom", "Civilité"]
    assert rows_of(clients) == [["C010", "Durand", "Mme"], ["C011", "Martin", "M."]]
    assert clients.row_numbers == [2, 3]

    assert read_table(path, preferred_sheet="Absente").source.sheet == "Notes"
    assert read_table(path, sheet=" clients ").source.sheet == "Clients"
    assert read_table(path, sheet="Paramètres").headers == ["Civilités"]
    # The user's choice wins over the profile's preference.
    assert read_table(path, sheet="Notes", preferred_sheet="Clients").source.sheet == "Notes"


@pytest.mark.parametrize("name", ["sheets.xlsx", "clients_lo.xls", "clients_lo.ods"])
def test_missing_sheet_lists_the_sheets(name: str) -> None:
    with pytest.raises(SheetNotFoundError) as error:
        read_table(FILES / name, sheet="Inconnue")
    assert_message(error, "« Inconnue »", name, "« Clients »", "Feuilles disponibles")


def test_list_sheets_of_every_format() -> None:
    assert list_sheets(FILES / "clients_lo.xls") == ["Clients"]
    assert list_sheets(FILES / "clients_lo.ods") == ["Clients"]
    assert list_sheets(FILES / "clients_openpyxl.xlsx") == ["Clients"]
    assert list_sheets(FILES / "clients_utf8.csv") == []


def test_header_row_below_a_title(tmp_path: Path) -> None:
    path = tmp_path / "titre.xlsx"
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["Export du 15/01/2024"])
    sheet.append(["Code", "Nom"])
    sheet.append(["C1", "Dupont"])
    book.save(path)

    table = read_table(path, header_row=2)
    assert table.headers == ["Code", "Nom"]
    assert rows_of(table) == [["C1", "Dupont"]]
    assert table.row_numbers == [3]
    assert table.source.header_row == 2

    with pytest.raises(UsageError):
        read_table(path, header_row=0)


def write_mixed_workbook(path: Path) -> None:
    """No special number format: the fast (values only) path applies."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["Texte", "Nombre", "Date", "Heure", "Booléen", "Formule", 2024])
    sheet.append(["  espaces  ", 3.0, dt.datetime(2024, 2, 29), dt.time(14, 30), True, "=B2*2"])
    sheet.append(["=texte", 2.5, dt.datetime(2024, 3, 1, 8, 0), None, False, None])
    sheet["A3"].data_type = "s"  # a text starting with "=", not a formula
    sheet.append([None, None, None, None, None, None])
    sheet.append([None, None, None, None, None, "=A2"])  # a row holding only a formula
    book.save(path)


MIXED_HEADERS = ["Texte", "Nombre", "Date", "Heure", "Booléen", "Formule", "2024"]
MIXED_ROWS = [
    ["  espaces  ", 3, dt.date(2024, 2, 29), "14:30:00", "TRUE", FormulaCell("=B2*2"), None],
    ["=texte", 2.5, dt.datetime(2024, 3, 1, 8, 0), None, "FALSE", None, None],
    [None, None, None, None, None, FormulaCell("=A2"), None],
]


def test_values_path_and_cells_path_agree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "mixte.xlsx"
    write_mixed_workbook(path)

    fast = read_table(path)
    assert fast.headers == MIXED_HEADERS
    assert rows_of(fast) == MIXED_ROWS
    assert fast.row_numbers == [2, 3, 5]

    monkeypatch.setattr(xlsx_module, "_has_special_formats", lambda book: True)
    slow = read_table(path)
    assert slow.headers == fast.headers
    assert slow.columns == fast.columns
    assert slow.row_numbers == fast.row_numbers


def count_workbook_loads(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """Record the ``data_only`` argument of every openpyxl ``load_workbook`` call."""
    calls: list[bool] = []
    real = xlsx_module.load_workbook

    def spy(*args: Any, **kwargs: Any) -> Any:
        calls.append(kwargs["data_only"])
        return real(*args, **kwargs)

    monkeypatch.setattr(xlsx_module, "load_workbook", spy)
    return calls


def test_cached_formulas_take_one_pass(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every formula has a result (as in any file Excel saved): one data_only pass is enough.

    In clients_lo.xlsx, K5's formula result is an empty text (``t="str"``, empty value): a
    result all the same.
    """
    monkeypatch.setattr(reader_module, "XLSX_HYBRID", False)  # this is about openpyxl's passes
    calls = count_workbook_loads(monkeypatch)
    assert rows_of(read_table(FILES / "clients_lo.xlsx")) == XLSX_ROWS
    assert calls == [True]

    calls.clear()
    table = read_table(FILES / "clients_openpyxl.xlsx")
    assert table.columns[9][0] == FormulaCell("=I2*1.2")
    assert calls == [True, False]


@pytest.mark.parametrize(
    ("xml", "uncached"),
    [
        (b'<c r="B2"><f>A1*2</f><v>4</v></c>', False),
        (b'<c r="B2" t="str"><f>IF(A1&gt;1,"x","")</f><v></v></c>', False),
        (b'<c r="B2"><f>A1*2</f><v></v></c>', True),
        (b'<c r="B2"><f>A1*2</f><v /></c>', True),
        (b'<c r="B2"><f>A1*2</f></c>', True),
        (b'<c r="B3"><f t="shared" si="0"/><v>6</v></c>', False),
        (b'<c r="B3"><f t="shared" si="0"/></c>', True),
        (b'<x:c r="B2"><x:f>A1*2</x:f></x:c>', True),
        (b'<x:c r="B2" t="str"><x:f>A1</x:f><x:v></x:v></x:c>', False),
        (b'<c r="B2" t="inlineStr"><is><t>f&gt;</t></is></c>', False),
    ],
)
def test_uncached_formula_scan(tmp_path: Path, xml: bytes, uncached: bool) -> None:
    path = tmp_path / "sheet.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("sheet1.xml", b"<sheetData><row r='2'>" + xml + b"</row></sheetData>")

    class Book:
        _archive = zipfile.ZipFile(path)

    class Sheet:
        _worksheet_path = "sheet1.xml"

    assert xlsx_module._may_hold_uncached_formulas(Book(), Sheet()) is uncached
    Book._archive.close()


def test_openpyxl_warnings_are_silenced(tmp_path: Path) -> None:
    """Extensions openpyxl does not support and a missing stylesheet only warn: not for us.

    pytest turns warnings into errors (pyproject.toml), so a leak fails this test.
    """
    path = tmp_path / "avec_extensions.xlsx"
    extension = (
        '<extLst><ext uri="{CCE6A557-97BC-4b89-ADB6-D9C93CAAB3DF}" '
        'xmlns:x14="http://schemas.microsoft.com/office/spreadsheetml/2009/9/main">'
        '<x14:dataValidations count="0"/></ext></extLst></worksheet>'
    )
    with (
        zipfile.ZipFile(FILES / "clients_lo.xlsx") as source,
        zipfile.ZipFile(path, "w") as target,
    ):
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/styles.xml":
                continue
            if item.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(b"</worksheet>", extension.encode())
            target.writestr(item, data)

    table = read_table(path)
    assert table.headers == HEADERS
    assert table.row_numbers == [2, 3, 5]
    assert list_sheets(path) == ["Clients"]


# --- CSV ------------------------------------------------------------------------------------

CSV_FILES = {
    "clients_utf8.csv": ("utf-8", ";", False),
    "clients_utf8_bom.csv": ("utf-8", ";", True),
    "clients_cp1252.csv": ("windows-1252", ";", False),
    "clients_comma.csv": ("utf-8", ",", False),
    "clients_tab.tsv": ("utf-8", "\t", False),
    "clients_utf16.csv": ("utf-16-le", ";", True),
}


@pytest.mark.parametrize("name", sorted(CSV_FILES))
def test_csv_fixture_read_as_a_whole(name: str) -> None:
    encoding, separator, has_bom = CSV_FILES[name]
    path = FILES / name
    table = read_table(path)

    assert table.headers == HEADERS
    # Line 3 holds a quoted cell over two lines (3-4), line 5 is empty, C003 is on line 6.
    assert table.row_numbers == [2, 3, 6]
    assert rows_of(table) == CSV_ROWS
    assert table.source.kind == "csv"
    assert table.source.encoding == encoding
    assert table.source.separator == separator
    assert table.source.has_bom is has_bom
    assert table.source.size_bytes == path.stat().st_size
    assert table.source.sheet is None
    assert table.source.sheets == []


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def test_csv_ragged_rows_crlf_and_line_numbers(tmp_path: Path) -> None:
    data = (
        "Code;Nom;Ville;\r\n"  # trailing separator: an empty fourth column, dropped
        'C1;"Dupont; Jean";Lyon;\r\n'
        "\r\n"
        'C2;" Martin ";"Saint-\r\nÉtienne";\r\n'  # a quoted cell over lines 4-5
        "C3;Petit\r\n"  # short row: padded
        ";;;\r\n"  # empty row: dropped
        "C4;Durand;Paris;;en trop\r\n"  # long row: the extra cell under a blank header
    ).encode()
    table = read_table(write(tmp_path, "ragged.csv", data))
    assert table.headers == ["Code", "Nom", "Ville", "", ""]
    assert rows_of(table) == [
        ["C1", "Dupont; Jean", "Lyon", None, None],
        ["C2", " Martin ", "Saint-\nÉtienne", None, None],
        ["C3", "Petit", None, None, None],
        ["C4", "Durand", "Paris", None, "en trop"],
    ]
    assert table.row_numbers == [2, 4, 6, 8]
    assert table.source.separator == ";"


def test_csv_keeps_text_exactly(tmp_path: Path) -> None:
    data = 'Code postal,Montant, Nom \n01220,"1 200,50",  Zoé  \n'.encode()
    table = read_table(write(tmp_path, "brut.csv", data))
    assert table.headers == ["Code postal", "Montant", " Nom "]
    assert rows_of(table) == [["01220", "1 200,50", "  Zoé  "]]


def test_csv_header_row(tmp_path: Path) -> None:
    data = b"Export clients;;\nCode;Nom\nC1;Dupont\n"
    table = read_table(write(tmp_path, "titre.csv", data), header_row=2)
    assert table.headers == ["Code", "Nom"]
    assert rows_of(table) == [["C1", "Dupont"]]
    assert table.row_numbers == [3]


@pytest.mark.parametrize(
    ("data", "encoding", "has_bom"),
    [
        ("Nom;Ville\nZoé;Besançon\n".encode("utf-16-be"), "utf-16-be", False),
        (b"\xfe\xff" + "Nom;Ville\nZoé;Besançon\n".encode("utf-16-be"), "utf-16-be", True),
        ("Nom;Ville\nZoé;Besançon\n".encode("utf-16-le"), "utf-16-le", False),
        ("Nom;Ville\nZoé;Besançon\n".encode("cp1252"), "windows-1252", False),
    ],
)
def test_csv_encodings(tmp_path: Path, data: bytes, encoding: str, has_bom: bool) -> None:
    table = read_table(write(tmp_path, "encodage.csv", data))
    assert table.headers == ["Nom", "Ville"]
    assert rows_of(table) == [["Zoé", "Besançon"]]
    assert table.source.encoding == encoding
    assert table.source.has_bom is has_bom


def test_csv_bytes_undefined_in_windows_1252_fall_back_to_latin_1(tmp_path: Path) -> None:
    data = b"Nom;Ville\nZo\xe9;X\x81\n"  # 0x81 is not a Windows-1252 character
    table = read_table(write(tmp_path, "latin1.csv", data))
    assert table.source.encoding == "iso-8859-1"
    assert rows_of(table) == [["Zoé", "X\x81"]]


def test_csv_single_column(tmp_path: Path) -> None:
    table = read_table(write(tmp_path, "emails.txt", b"Email\na@b.fr\n\nc@d.fr"))
    assert table.headers == ["Email"]
    assert rows_of(table) == [["a@b.fr"], ["c@d.fr"]]
    assert table.row_numbers == [2, 4]
    assert table.source.separator is None


def test_csv_starting_with_a_bracket_is_still_a_csv(tmp_path: Path) -> None:
    table = read_table(write(tmp_path, "chevron.csv", b"<Code>;Nom\nC1;Dupont\n"))
    assert table.headers == ["<Code>", "Nom"]


def test_csv_header_only(tmp_path: Path) -> None:
    table = read_table(write(tmp_path, "entete.csv", b"Code;Nom\n"))
    assert table.headers == ["Code", "Nom"]
    assert table.columns == [[], []]
    assert table.row_numbers == []


@pytest.mark.parametrize(
    ("text", "separator"),
    [
        ("a;b;c\n1;2,5;3\n4;5,5;6\n", ";"),  # decimal commas do not fool it
        ('a,b,c\n1,"x;y",3\n', ","),  # separators inside quotes do not count
        ("a\tb\n1\t2,3\n", "\t"),
        ("Nom, prénom;Ville\nDupont, Jean;Lyon\n", ";"),  # tie: ';' preferred
        ("seul\nune colonne\n", None),
    ],
)
def test_detect_separator(text: str, separator: str | None) -> None:
    assert detect_separator(text) == separator


# --- bad input ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "error_type", "words"),
    [
        ("empty.csv", EmptyFileError, ("empty.csv", "vide")),
        ("blank_lines.csv", EmptyFileError, ("blank_lines.csv", "vide")),
        ("empty_sheet.xlsx", EmptyFileError, ("« Feuil1 »", "empty_sheet.xlsx", "vide")),
        ("encrypted.xlsx", EncryptedFileError, ("encrypted.xlsx", "mot de passe", "Excel")),
        ("encrypted.xls", EncryptedFileError, ("encrypted.xls", "mot de passe")),
        ("encrypted.ods", EncryptedFileError, ("encrypted.ods", "mot de passe", "LibreOffice")),
        ("picture.csv", UnsupportedFileError, ("picture.csv", "image PNG")),
        ("random.xlsx", UnsupportedFileError, ("random.xlsx", "texte lisible")),
    ],
)
def test_bad_fixtures(name: str, error_type: type[Exception], words: tuple[str, ...]) -> None:
    with pytest.raises(error_type) as error:
        read_table(FILES / name)
    assert_message(error, *words)


def test_encrypted_workbooks_cannot_be_listed_either() -> None:
    for name in ("encrypted.xlsx", "encrypted.xls", "encrypted.ods"):
        with pytest.raises(EncryptedFileError):
            list_sheets(FILES / name)


def test_ole_directory_is_read() -> None:
    assert "EncryptedPackage" in ole_stream_names((FILES / "encrypted.xlsx").read_bytes())
    assert "Workbook" in ole_stream_names((FILES / "clients_lo.xls").read_bytes())
    assert ole_stream_names(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\xff" * 100) == set()


def test_missing_file_and_folder(tmp_path: Path) -> None:
    with pytest.raises(InputError) as error:
        read_table(tmp_path / "absent.xlsx")
    assert_message(error, "absent.xlsx", "introuvable")
    assert type(error.value) is InputError

    with pytest.raises(InputError) as error:
        read_table(tmp_path)
    assert_message(error, "dossier")

    with pytest.raises(InputError) as error:
        list_sheets(tmp_path / "absent.xlsx")
    assert_message(error, "introuvable")


def test_permission_denied(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "verrouille.xlsx"
    shutil.copy(FILES / "clients_lo.xlsx", path)

    def refuse(*args: object, **kwargs: object) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(Path, "open", refuse)
    with pytest.raises(InputError) as error:
        read_table(path)
    assert_message(error, "verrouille.xlsx", "accès est refusé", "fermez-le")


def test_too_large_with_a_given_limit() -> None:
    with pytest.raises(FileTooLargeError) as error:
        read_table(FILES / "clients_utf8.csv", max_bytes=100)
    assert_message(error, "clients_utf8.csv", "549 octets", "100 octets")


def test_too_large_default_limits(monkeypatch: pytest.MonkeyPatch) -> None:
    assert reader_module.CSV_MAX_BYTES == 100 * 1024 * 1024
    assert reader_module.WORKBOOK_MAX_BYTES == 40 * 1024 * 1024
    monkeypatch.setattr(reader_module, "CSV_MAX_BYTES", 500)
    monkeypatch.setattr(reader_module, "WORKBOOK_MAX_BYTES", 2048)

    with pytest.raises(FileTooLargeError) as error:
        read_table(FILES / "clients_utf8.csv")
    assert_message(error, "549 octets", "500 octets", "fichier CSV")

    workbook = FILES / "clients_lo.xlsx"
    with pytest.raises(FileTooLargeError) as error:
        read_table(workbook)
    assert_message(error, format_size(workbook.stat().st_size), "2 Ko", "classeur", "CSV")

    assert read_table(FILES / "clients_lo.xlsx", max_bytes=10_000).row_count == 3


def office_zip(path: Path, content_types: str, extra: dict[str, bytes] | None = None) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("[Content_Types].xml", content_types)
        for name, data in (extra or {}).items():
            archive.writestr(name, data)
    return path


@pytest.mark.parametrize(
    ("name", "data", "words"),
    [
        ("export.xls", b"<html><body><table><tr><td>1</td></tr></table>", ("page web",)),
        (
            "export.xls",
            b'<?xml version="1.0"?>\n'
            b'<Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet">',
            ("XML 2003",),
        ),
        ("flux.csv", b'<?xml version="1.0"?>\n<clients><client/></clients>', ("fichier XML",)),
        ("scan.csv", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", ("document PDF",)),
        ("binaire.csv", b"Nom;Ville\nA\x00B;C\n", ("texte lisible",)),
        ("controle.csv", b"Nom;Ville\n" + bytes(range(1, 9)) * 10 + b"\n", ("texte lisible",)),
        ("archive.csv.gz", b"\x1f\x8b\x08\x00" + b"\x00" * 20, ("gzip",)),
        ("abime.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\xff" * 600, ("endommagé",)),
    ],
)
def test_unsupported_content(tmp_path: Path, name: str, data: bytes, words: tuple[str]) -> None:
    with pytest.raises(UnsupportedFileError) as error:
        read_table(write(tmp_path, name, data))
    assert_message(error, name, *words)


def test_unsupported_archives(tmp_path: Path) -> None:
    word = office_zip(
        tmp_path / "lettre.xlsx",
        '<Types><Override ContentType="application/vnd.openxmlformats-officedocument.'
        'wordprocessingml.document.main+xml"/></Types>',
    )
    with pytest.raises(UnsupportedFileError) as error:
        read_table(word)
    assert_message(error, "document Word")

    plain = tmp_path / "donnees.xlsx"
    with zipfile.ZipFile(plain, "w") as archive:
        archive.writestr("clients.csv", "Nom\nDupont\n")
    with pytest.raises(UnsupportedFileError) as error:
        read_table(plain)
    assert_message(error, "archive ZIP", "décompressez-la")

    truncated = write(tmp_path, "coupe.xlsx", (FILES / "clients_lo.xlsx").read_bytes()[:3000])
    with pytest.raises(UnsupportedFileError) as error:
        read_table(truncated)
    assert_message(error, "coupe.xlsx", "endommagé")

    broken = office_zip(
        tmp_path / "casse.xlsx",
        '<Types><Override ContentType="application/vnd.openxmlformats-officedocument.'
        'spreadsheetml.sheet.main+xml"/></Types>',
    )
    with pytest.raises(UnsupportedFileError) as error:
        read_table(broken)
    assert_message(error, "casse.xlsx", "endommagé")


def test_empty_header_with_data_below(tmp_path: Path) -> None:
    with pytest.raises(EmptyFileError) as error:
        read_table(write(tmp_path, "sans_entete.csv", b";;\nC1;Dupont\n"))
    assert_message(error, "ligne 1", "noms des colonnes")


def test_unclosed_quote(tmp_path: Path) -> None:
    data = b'Nom;Ville\n"Dupont;Lyon\n' + b"x" * 140_000 + b"\n"
    with pytest.raises(InputError) as error:
        read_table(write(tmp_path, "guillemet.csv", data))
    assert_message(error, "guillemet.csv", "ligne 2", "guillemet")


# --- cell values ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "number_format", "expected"),
    [
        (1220, "00000", "01220"),
        (1220.0, "00000", "01220"),
        (75001, "00000", "75001"),
        (612345678, "0000000000", "0612345678"),
        (612345678, "0# ## ## ## ##", "06 12 34 56 78"),
        (612345678, '0#" "##" "##" "##" "##', "06 12 34 56 78"),
        (1234567, "000-0000", "123-4567"),
        (123456, "000", "123456"),
        (0, "00000", "00000"),
        (42, "0", 42),  # a plain number format, not a padding one
        (42.0, "General", 42),
        (1234, "#,##0", 1234),
        (1234, "# ##0", 1234),  # first placeholder '#': not a padding format
        (12.5, "00000", 12.5),  # not a whole number
        (-5, "00000", -5),
        (12.5, "@", "12.5"),
        (12.0, "@", "12"),
        (0.1 + 0.2, "@", "0.3"),
    ],
)
def test_number_formats(value: float, number_format: str, expected: object) -> None:
    result = with_format(value, number_format)
    assert result == expected
    assert type(result) is type(expected)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("", None),
        ("texte", "texte"),
        (True, "TRUE"),
        (False, "FALSE"),
        (3.0, 3),
        (3.5, 3.5),
        (1e20, 1e20),
        (dt.datetime(2024, 1, 15), dt.date(2024, 1, 15)),
        (dt.datetime(2024, 1, 15, 8, 5), dt.datetime(2024, 1, 15, 8, 5)),
        (dt.date(2024, 1, 15), dt.date(2024, 1, 15)),
        (dt.time(14, 30), "14:30:00"),
        (dt.timedelta(hours=25, minutes=30), "25:30:00"),
    ],
)
def test_convert(value: object, expected: object) -> None:
    result = convert(value)
    assert result == expected
    assert type(result) is type(expected)


def test_format_size() -> None:
    assert format_size(1) == "1 octet"
    assert format_size(549) == "549 octets"
    assert format_size(2048) == "2 Ko"
    assert format_size(5851) == "5,7 Ko"
    assert format_size(100 * 1024 * 1024) == "100 Mo"


# --- size (speed is measured in bench/, never here) -----------------------------------------


@pytest.mark.slow
def test_large_csv_is_read_whole(tmp_path: Path) -> None:
    """100,000 rows x 25 columns (about 20 MB): every row arrives, numbered as in the file."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow([f"Colonne {j}" for j in range(25)])
    row = [f"valeur é{j}" for j in range(25)]
    for i in range(100_000):
        row[0] = f"C{i:06d}"
        writer.writerow(row)
    path = write(tmp_path, "gros.csv", buffer.getvalue().encode("utf-8"))

    table = read_table(path)

    assert table.row_count == 100_000
    assert len(table.columns) == 25
    assert table.columns[0][-1] == "C099999"
    assert table.row_numbers[-1] == 100_001
