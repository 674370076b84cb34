"""The file's shape (issue 5): title lines above the header, files without column names,
several sheets, and the encodings of CSV files, each read from real files.

The committed files under ``fixtures/shape/`` were saved by LibreOffice from the data of
``make_shape_fixtures.py`` (see the README there); the others are written here, the workbooks
with openpyxl.
"""

from __future__ import annotations

import codecs
import datetime as dt
import zipfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook
from openpyxl.styles import Font

import addin.readers.reader as reader_module
from addin.core.headers import score
from addin.core.profiles import get_profile
from addin.core.table import FormulaCell, Table
from addin.readers.header_row import SCAN_ROWS, HeaderScore, describe_shape, find_header, is_value
from addin.readers.ooxml import read_package
from addin.readers.reader import read_table
from addin.readers.sheet_scan import _SharedStrings, first_rows, xlsx_sheet_scores
from tests.fixtures.shape.make_shape_fixtures import CLIENTS, CONTACTS, HEADERS, TITLE

SHAPE = Path(__file__).parent / "fixtures" / "shape"
FILES = Path(__file__).parent / "fixtures" / "files"
EXPORTS = Path(__file__).parent / "fixtures" / "exports"

ROWS: list[list[Any]] = CLIENTS
COLUMNS_A_TO_F = [f"Colonne {letter}" for letter in "ABCDEF"]


def rows_of(table: Table) -> list[list[Any]]:
    return [list(row) for row in zip(*table.columns, strict=True)]


def knows(*names: str) -> HeaderScore:
    """A header score that counts the known names in a row, like a profile's would."""

    def header_score(headers: Sequence[str]) -> float:
        return sum(h.strip() in names for h in headers) / len(names)

    return header_score


CLIENT_SCORE = knows(*HEADERS)
EVOLIZ = get_profile("evoliz-clients")


def evoliz_score(headers: Sequence[str]) -> float:
    return score(list(headers), EVOLIZ)


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


@pytest.fixture(params=[True, False], ids=["hybrid", "openpyxl"])
def xlsx_reader(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> bool:
    """Every .xlsx test runs with both readers (calamine + XML scan, and openpyxl)."""
    hybrid: bool = request.param
    monkeypatch.setattr(reader_module, "XLSX_HYBRID", hybrid)
    return hybrid


# --- what a value looks like --------------------------------------------------------------


@pytest.mark.parametrize(
    "cell",
    [
        "jean.dupont@example.fr",
        "06 12 34 56 78",
        "+33 6 12 34 56 78",
        "0033612345678",
        "(514) 555-1234",
        "12/03/2025",
        "2025-03-12",
        "12.03.2025 14:30",
        "14:30:00",
        "1 200,50",
        "12.5",
        "-3",
        "15 %",
        "01220",
        "G6V 1A2",
        "SW1A 1AA",
        "https://exemple.fr/contact",
        "www.exemple.fr",
        "TRUE",
        42,
        1.5,
        dt.date(2025, 3, 12),
        dt.datetime(2025, 3, 12, 14, 30),
    ],
)
def test_values(cell: Any) -> None:
    assert is_value(cell)


@pytest.mark.parametrize(
    "cell",
    [
        "Code client",
        "E-mail 2",
        "Téléphone",
        "Tél. mobile",
        "Phone 1 - Value",
        "N°",
        "C001",
        "Adresse 1",
        TITLE,
        "",
        "  ",
        None,
        FormulaCell("=A1"),
    ],
)
def test_names_are_not_values(cell: Any) -> None:
    assert not is_value(cell)


# --- finding the header among rows ---------------------------------------------------------

TABLE = [
    ["Code", "Nom", "Ville", "Code postal", "E-mail"],
    ["C1", "Dupont", "Lyon", "69003", "a@exemple.fr"],
    ["C2", "Martin", "Paris", "75005", None],
]


@pytest.mark.parametrize(
    ("rows", "expected"),
    [
        pytest.param(TABLE, (1, "shape"), id="header on row 1"),
        pytest.param([[TITLE], *TABLE], (2, "shape"), id="a title"),
        pytest.param([["12/03/2025"], *TABLE], (2, "shape"), id="a date alone"),
        pytest.param(
            [["Société Dupont", "Export du 12/03/2025"], *TABLE], (2, "shape"), id="two-cell title"
        ),
        pytest.param(
            [["Date d'export", "12/03/2025"], ["Filtre", "clients actifs"], *TABLE],
            (3, "shape"),
            id="key-value lines",
        ),
        pytest.param(TABLE[1:], (0, "none"), id="no header"),
        pytest.param(
            [["Code", "Nom", 2024, 2025], ["C1", "Dupont", 10, 12]], (1, "first"), id="year header"
        ),
        pytest.param([["E-mail"], ["a@exemple.fr"]], (1, "first"), id="one column"),
        pytest.param([["Code", "Nom"]], (1, "first"), id="header alone"),
        pytest.param(
            [["Code", "Nom", "Ville"], ["C1", "Dupont", "Lyon"]], (1, "shape"), id="texts only"
        ),
    ],
)
def test_find_header(rows: list[list[Any]], expected: tuple[int, str]) -> None:
    choice = find_header(rows, list(range(1, len(rows) + 1)))
    assert (choice.row, choice.found_by) == expected
    assert choice.headerless is (expected[1] == "none")


def test_the_header_is_above_the_data() -> None:
    """A row of texts under the first row of data is data too, not a late header."""
    rows = [
        ["Jean", "Dupont", "jean@exemple.fr", "06 12 34 56 78"],
        ["Marie", "Curie", "Paris", "Lyon"],
        ["Paul", "Martin", "paul@exemple.fr", "07 11 22 33 44"],
    ]
    assert find_header(rows, [1, 2, 3]).found_by == "none"


def test_only_the_first_rows_are_looked_at() -> None:
    titles = [[f"Ligne de titre {n}"] for n in range(SCAN_ROWS)]
    rows = [*titles, *TABLE]
    assert find_header(rows, list(range(1, len(rows) + 1))).row == 1
    rows = [*titles[:-1], *TABLE]
    assert find_header(rows, list(range(1, len(rows) + 1))).row == SCAN_ROWS


def test_header_score_wins_and_zero_scores_fall_back_to_the_shape() -> None:
    rows = [["Utilisateur", "Marie Curie"], ["Code", "Nom", "Ville"], ["C1", "Dupont", "Lyon"]]
    numbers = [1, 2, 3]
    assert find_header(rows, numbers).row == 1  # two names as wide as a 3-column table
    choice = find_header(rows, numbers, knows("Code", "Nom", "Ville"))
    assert (choice.row, choice.found_by, choice.score) == (2, "headers", 1.0)
    assert find_header(rows, numbers, lambda headers: 0.0).found_by == "shape"


def test_header_score_ignores_rows_of_data() -> None:
    """Google's header row fits Reveal poorly (many unknown columns); a sparse row of data that
    holds "Mobile" or "Home" would fit better, but it is data, not a header."""
    table = read_table(
        EXPORTS / "google-contacts-legacy.csv",
        header_score=lambda headers: score(list(headers), get_profile("reveal")),
    )
    assert table.source.header_row == 1
    assert table.source.header_found_by == "headers"
    assert table.headers[:3] == ["Name", "Given Name", "Additional Name"]


# --- CSV: title lines, encodings -----------------------------------------------------------


def test_csv_with_a_title_in_windows_1252() -> None:
    """LibreOffice's export of a sheet with a title and a blank row, in Windows-1252."""
    path = SHAPE / "export-clients-cp1252.csv"
    assert "—".encode("cp1252") in path.read_bytes()
    table = read_table(path)
    assert table.headers == HEADERS
    assert rows_of(table) == ROWS
    assert table.row_numbers == [4, 5, 6]  # the lines of the file
    source = table.source
    assert (source.encoding, source.has_bom, source.separator) == ("windows-1252", False, ";")
    assert (source.header_row, source.header_found_by) == (3, "shape")
    assert source.preamble == [TITLE]
    assert source.headerless is False
    assert source.sheet_chosen_by is None


def test_csv_with_a_title_in_utf_16() -> None:
    """LibreOffice's "Unicode text": UTF-16 LE with a byte order mark, tab-separated."""
    path = SHAPE / "export-clients-utf16.txt"
    assert path.read_bytes().startswith(codecs.BOM_UTF16_LE)
    table = read_table(path)
    assert table.headers == HEADERS
    assert rows_of(table) == ROWS
    assert table.row_numbers == [4, 5, 6]
    source = table.source
    assert (source.encoding, source.has_bom, source.separator) == ("utf-16-le", True, "\t")
    assert (source.header_row, source.preamble) == (3, [TITLE])


TEXT = (SHAPE / "export-clients-cp1252.csv").read_bytes().decode("cp1252")


@pytest.mark.parametrize(
    ("data", "encoding", "has_bom"),
    [
        (codecs.BOM_UTF8 + TEXT.encode("utf-8"), "utf-8", True),
        (TEXT.encode("utf-8"), "utf-8", False),
        (codecs.BOM_UTF16_LE + TEXT.encode("utf-16-le"), "utf-16-le", True),
        (codecs.BOM_UTF16_BE + TEXT.encode("utf-16-be"), "utf-16-be", True),
        (TEXT.encode("utf-16-le"), "utf-16-le", False),
        (TEXT.encode("utf-16-be"), "utf-16-be", False),
        (TEXT.replace("\n", "\r\n").encode("cp1252"), "windows-1252", False),
    ],
    ids=["utf-8 bom", "utf-8", "utf-16-le bom", "utf-16-be bom", "utf-16-le", "utf-16-be", "crlf"],
)
def test_csv_encodings_with_a_title(
    tmp_path: Path, data: bytes, encoding: str, has_bom: bool
) -> None:
    table = read_table(write(tmp_path, "export.csv", data))
    assert (table.source.encoding, table.source.has_bom) == (encoding, has_bom)
    assert table.headers == HEADERS
    assert rows_of(table) == ROWS
    assert table.row_numbers == [4, 5, 6]
    assert table.source.preamble == [TITLE]


def test_csv_line_numbers_count_every_physical_line(tmp_path: Path) -> None:
    data = (
        b'"Export des clients\n(filtre : actifs)";;\n'  # a title over two lines
        b";;\n"
        b"Code;Nom;Ville\n"
        b'C1;"Dupont\nJean";Lyon\n'
        b"C2;Martin;Paris\n"
    )
    table = read_table(write(tmp_path, "export.csv", data))
    assert table.headers == ["Code", "Nom", "Ville"]
    assert table.source.header_row == 4
    assert table.row_numbers == [5, 7]
    assert table.source.preamble == ["Export des clients\n(filtre : actifs)"]


def test_an_explicit_header_row_is_obeyed() -> None:
    path = SHAPE / "export-clients-cp1252.csv"
    title = read_table(path, header_row=1)
    assert title.headers == [TITLE, "", "", "", "", ""]
    assert title.row_numbers == [3, 4, 5, 6]
    assert (title.source.header_row, title.source.header_found_by) == (1, "asked")
    assert title.source.preamble == []

    asked = read_table(path, header_row=3)
    assert (asked.headers, asked.row_numbers) == (HEADERS, [4, 5, 6])
    assert asked.source.header_found_by == "asked"


def test_csv_header_found_by_the_profile(tmp_path: Path) -> None:
    data = b"Utilisateur;Marie Curie;\nCode client;Raison sociale;Ville\nC1;Dupont;Lyon\n"
    path = write(tmp_path, "export.csv", data)
    assert read_table(path).source.header_row == 1
    table = read_table(path, header_score=evoliz_score)
    assert table.headers == ["Code client", "Raison sociale", "Ville"]
    assert table.row_numbers == [3]
    assert (table.source.header_found_by, table.source.preamble) == (
        "headers",
        ["Utilisateur Marie Curie"],
    )


# --- files without column names ------------------------------------------------------------


def test_csv_of_contacts_without_headers() -> None:
    table = read_table(SHAPE / "contacts-sans-entetes.csv")
    assert table.headers == COLUMNS_A_TO_F
    assert rows_of(table) == CONTACTS
    assert table.row_numbers == [1, 2, 3, 4]
    source = table.source
    assert source.headerless is True
    assert (source.header_row, source.header_found_by, source.preamble) == (0, "none", [])
    # a score that finds nothing changes nothing
    assert read_table(SHAPE / "contacts-sans-entetes.csv", header_score=evoliz_score).headers == (
        COLUMNS_A_TO_F
    )


def test_one_column_of_emails_without_header(tmp_path: Path) -> None:
    data = b"jean@exemple.fr\nmarie@exemple.fr\n\nluc@exemple.fr\n"
    table = read_table(write(tmp_path, "emails.csv", data))
    assert table.headers == ["Colonne A"]
    assert rows_of(table) == [["jean@exemple.fr"], ["marie@exemple.fr"], ["luc@exemple.fr"]]
    assert table.row_numbers == [1, 2, 4]


def test_headerless_trailing_separators_make_no_column(tmp_path: Path) -> None:
    data = b"Jean;jean@exemple.fr;06 12 34 56 78;;\nMarie;marie@exemple.fr;07 98 76 54 32;;\n"
    table = read_table(write(tmp_path, "contacts.csv", data))
    assert table.headers == ["Colonne A", "Colonne B", "Colonne C"]


def test_workbook_without_headers(tmp_path: Path, xlsx_reader: bool) -> None:
    path = tmp_path / "contacts.xlsx"
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["Jean", "Dupont", "jean@exemple.fr", dt.datetime(1990, 7, 21), 1200.5])
    sheet.append([])
    sheet.append(["Marie", "Curie", "marie@exemple.fr", dt.datetime(1985, 1, 2), 89])
    book.save(path)
    table = read_table(path)
    assert table.headers == ["Colonne A", "Colonne B", "Colonne C", "Colonne D", "Colonne E"]
    assert rows_of(table) == [
        ["Jean", "Dupont", "jean@exemple.fr", dt.date(1990, 7, 21), 1200.5],
        ["Marie", "Curie", "marie@exemple.fr", dt.date(1985, 1, 2), 89],
    ]
    assert table.row_numbers == [1, 3]
    assert (table.source.headerless, table.source.header_row) == (True, 0)


# --- workbooks: a title and a blank row above the header -----------------------------------


def titled_sheet(sheet: Any, title: Sequence[Any] = (TITLE,)) -> None:
    """A title (bold, merged over the table) on row 1, row 2 empty, the header on row 3."""
    sheet.append(list(title))
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.merge_cells("A1:F1" if len(title) == 1 else "C1:F1")
    sheet.append([])
    sheet.append(HEADERS)
    for row in ROWS:
        sheet.append(row)


def test_workbook_with_a_title_and_a_blank_row(tmp_path: Path, xlsx_reader: bool) -> None:
    path = tmp_path / "export.xlsx"
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Clients"
    titled_sheet(sheet)
    book.save(path)

    table = read_table(path)
    assert table.headers == HEADERS
    assert rows_of(table) == ROWS
    assert table.row_numbers == [4, 5, 6]  # the rows Excel shows
    source = table.source
    assert (source.header_row, source.header_found_by, source.preamble) == (3, "shape", [TITLE])
    assert (source.sheet, source.sheet_chosen_by) == ("Clients", "first")


def test_workbook_title_with_a_date_cell(tmp_path: Path, xlsx_reader: bool) -> None:
    path = tmp_path / "export.xlsx"
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    titled_sheet(sheet, ["Export du", dt.datetime(2025, 3, 12)])
    book.save(path)
    table = read_table(path)
    assert (table.headers, table.row_numbers) == (HEADERS, [4, 5, 6])
    assert table.source.preamble == ["Export du 2025-03-12"]


def test_our_own_sheets_keep_their_header_on_row_1(tmp_path: Path, xlsx_reader: bool) -> None:
    """The mapping, report and changes sheets are read as written (their readers count on it)."""
    path = tmp_path / "marque.xlsx"
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Clients"
    titled_sheet(sheet)
    ours = book.create_sheet("CI_Correspondance")
    titled_sheet(ours)
    book.save(path)
    table = read_table(path, sheet="CI_Correspondance")
    assert (table.source.header_row, table.source.header_found_by) == (1, "first")
    assert table.headers[0] == TITLE


# --- several sheets -------------------------------------------------------------------------


def notes_workbook(path: Path) -> None:
    """Notes first, a hidden sheet that would fit, our report sheet, then the data."""
    book = Workbook()
    notes = book.active
    assert notes is not None
    notes.title = "Notes"
    notes.append(["Notes"])
    notes.append(["Ce classeur vient de l'outil de facturation."])
    hidden = book.create_sheet("Paramètres")
    hidden.append(HEADERS)
    hidden.append(ROWS[0])
    hidden.sheet_state = "hidden"
    report = book.create_sheet("CI_Rapport")
    report.append(HEADERS)
    titled_sheet(book.create_sheet("Clients"))
    book.save(path)


@pytest.mark.parametrize(
    ("options", "sheet", "chosen_by"),
    [
        ({}, "Notes", "first"),
        ({"header_score": CLIENT_SCORE}, "Clients", "headers"),
        ({"header_score": evoliz_score}, "Clients", "headers"),
        ({"header_score": lambda headers: 0.0}, "Notes", "first"),
        ({"header_score": CLIENT_SCORE, "preferred_sheet": "Notes"}, "Notes", "profile"),
        ({"header_score": CLIENT_SCORE, "preferred_sheet": "Absente"}, "Clients", "headers"),
        ({"header_score": CLIENT_SCORE, "sheet": "notes"}, "Notes", "asked"),
    ],
)
def test_sheet_chosen_by_its_headers(
    tmp_path: Path, xlsx_reader: bool, options: dict[str, Any], sheet: str, chosen_by: str
) -> None:
    path = tmp_path / "classeur.xlsx"
    notes_workbook(path)
    table = read_table(path, **options)
    assert (table.source.sheet, table.source.sheet_chosen_by) == (sheet, chosen_by)
    if sheet == "Clients":
        assert (table.headers, table.row_numbers) == (HEADERS, [4, 5, 6])
        assert table.source.header_row == 3


def test_sheets_that_fit_alike_the_first_wins(tmp_path: Path, xlsx_reader: bool) -> None:
    path = tmp_path / "classeur.xlsx"
    book = Workbook()
    for name in ("Notes", "Clients 2024", "Clients 2025"):
        sheet = book.create_sheet(name)
        if name == "Notes":
            sheet.append(["Deux années de clients."])
        else:
            titled_sheet(sheet)
    del book["Sheet"]
    book.save(path)
    table = read_table(path, header_score=CLIENT_SCORE)
    assert (table.source.sheet, table.source.sheet_chosen_by) == ("Clients 2024", "headers")


@pytest.mark.parametrize("name", ["classeur-notes.ods", "classeur-notes.xls"])
def test_sheet_chosen_by_its_headers_in_ods_and_xls(name: str) -> None:
    """LibreOffice's .ods and .xls of a workbook with a "Notes" sheet before the data."""
    path = SHAPE / name
    first = read_table(path)
    assert (first.source.sheet, first.source.sheet_chosen_by) == ("Notes", "first")

    table = read_table(path, header_score=evoliz_score)
    assert (table.source.sheet, table.source.sheet_chosen_by) == ("Clients", "headers")
    assert table.headers == HEADERS
    assert rows_of(table) == ROWS
    assert table.row_numbers == [4, 5, 6]
    assert (table.source.header_row, table.source.preamble) == (3, [TITLE])


# --- the first rows of each sheet, read cheaply --------------------------------------------


def test_first_rows_of_xlsx_sheets(tmp_path: Path) -> None:
    """The texts of the first rows, shared strings (LibreOffice) or inline (openpyxl)."""
    with zipfile.ZipFile(FILES / "clients_lo.xlsx") as archive:
        found = first_rows(archive, read_package(archive), ["Clients", "Absente"], 4)
    assert list(found) == ["Clients"]
    header, first, second, empty = found["Clients"]
    assert header[:3] == ["Code client", "Raison sociale", "Code postal"]
    assert first[:3] == ["C001", "L’Atelier de Façon", "01220"]
    assert (first[6], first[7], first[8]) == ("45306", "TRUE", "1200.5")  # a date's number
    assert second[10] == "Bâtiment A\n2e étage"
    assert empty == []

    path = tmp_path / "classeur.xlsx"
    book = Workbook()
    small = book.active
    assert small is not None
    small.title = "Petit"
    small["C2"] = "Code client"
    small["A3"] = True
    small["B3"] = 12.5
    small["D3"] = "L’Atelier & Fils <SARL>"
    big = book.create_sheet("Gros")
    for n in range(100):
        big.append([f"C{n:05d}", f"Client numéro {n}"])
    book.save(path)
    with zipfile.ZipFile(path) as archive:
        found = first_rows(archive, read_package(archive), ["Petit", "Gros"], 4)
    third = ["TRUE", "12.5", None, "L’Atelier & Fils <SARL>"]
    assert found == {
        "Petit": [[], [None, None, "Code client"], third],
        "Gros": [[f"C{n:05d}", f"Client numéro {n}"] for n in range(4)],
    }


def test_shared_strings_are_parsed_only_as_far_as_needed(tmp_path: Path) -> None:
    items = "".join(f"<si><t>Client {n}</t></si>" for n in range(3000))
    rich = (
        '<si><r><rPr><b/></rPr><t>L’Atelier</t></r><r><t xml:space="preserve"> &amp; Fils</t></r>'
        '<rPh sb="0" eb="1"><t>ラ</t></rPh></si>'
    )
    sst = f'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">{rich}{items}</sst>'
    path = tmp_path / "sst.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("xl/sharedStrings.xml", sst)
    with zipfile.ZipFile(path) as archive:
        strings = _SharedStrings(archive, "xl/sharedStrings.xml")
        try:
            assert strings.get(0) == "L’Atelier & Fils"  # runs joined, phonetic reading left out
            assert strings.get(3) == "Client 2"
            assert len(strings.items) < 3000
            assert strings.get(5000) is None
            assert len(strings.items) == 3001
        finally:
            strings.close()


def test_a_workbook_that_cannot_be_peeked_gets_no_scores(tmp_path: Path) -> None:
    path = tmp_path / "casse.xlsx"
    notes_workbook(tmp_path / "classeur.xlsx")
    with (
        zipfile.ZipFile(tmp_path / "classeur.xlsx") as source,
        zipfile.ZipFile(path, "w") as target,
    ):
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet4.xml":
                data = data[: len(data) // 2]  # cut in the middle of the XML
            target.writestr(item, data)
    scores: Callable[[Sequence[str]], dict[str, float]] = xlsx_sheet_scores(path, CLIENT_SCORE)
    assert scores(["Notes", "Clients"]) == {}


# --- what the user is told -----------------------------------------------------------------


def test_what_the_user_is_told(tmp_path: Path) -> None:
    assert describe_shape(read_table(FILES / "clients_utf8.csv").source) == []
    assert describe_shape(read_table(SHAPE / "export-clients-cp1252.csv").source) == [
        "Les en-têtes sont sur la ligne 3 : la ligne au-dessus (« Export des clients — "
        "12/03/2025 ») a été ignorée."
    ]
    (headerless,) = describe_shape(read_table(SHAPE / "contacts-sans-entetes.csv").source)
    assert headerless.startswith("Le fichier n'a pas de ligne d'en-têtes")
    assert "« Colonne A »" in headerless

    sheet, title = describe_shape(
        read_table(SHAPE / "classeur-notes.ods", header_score=evoliz_score).source
    )
    assert sheet.startswith("La feuille « Clients » a été lue : ses en-têtes")
    assert title.startswith("Les en-têtes sont sur la ligne 3")

    long_title = "Liste complète des clients actifs au 12 mars 2025, toutes agences confondues"
    data = (
        f"{long_title}\nSociété Dupont\nFiltre : actifs\nUtilisateur : Marie\n\n"
        "Code;Nom;Ville\nC1;Dupont;Lyon\n"
    ).encode()
    (note,) = describe_shape(read_table(write(tmp_path, "export.csv", data)).source)
    assert note == (
        "Les en-têtes sont sur la ligne 6 : les 4 lignes au-dessus (« Liste complète des "
        "clients actifs au 12 mars 2025, toutes a… », « Société Dupont », "
        "« Filtre : actifs »…) ont été ignorées."
    )
