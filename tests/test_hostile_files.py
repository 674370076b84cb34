"""Hostile workbooks are refused (or read) within bounded memory: one line, exit 2, no traceback.

Every file is built during the test, a few megabytes on disk (see ``tests/hostile_files.py``),
and read by a real ``client-import`` process whose address space is limited to 1.5 GB.
"""

from __future__ import annotations

import io
import json
import re
import subprocess
import zipfile
from pathlib import Path

import pytest

from addin.errors import FileTooLargeError, UnsupportedFileError
from addin.readers.csv_reader import MAX_COLUMNS
from addin.readers.ole import OleFile
from addin.readers.ooxml import NotSure
from addin.readers.reader import read_table
from addin.readers.sheet_bounds import (
    ExtentScan,
    OdsExtent,
    _greater_letters,
    _greater_number,
    check_xls,
    column_letters,
    xls_extents,
)
from addin.readers.zip_bounds import check_archive
from tests.hostile_files import (
    CLIENT_ROWS,
    CONTENT_TYPES,
    MAIN,
    SHEET_HEAD,
    SHEET_TAIL,
    bomb,
    cell,
    lying,
    ods,
    ods_cell,
    ods_row,
    part,
    row,
    run_limited,
    sheet,
    workbook,
)
from tests.libreoffice import convert

GIB = 1024
FILES = Path(__file__).parent / "fixtures" / "files"


def refused(done: subprocess.CompletedProcess[str], *needles: str) -> None:
    """Exit 2 with one line on stderr holding every needle, nothing else."""
    assert done.returncode == 2, (done.returncode, done.stderr[-2000:])
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr[-2000:]
    assert lines[0].startswith("Erreur : ")
    assert "Traceback" not in done.stderr
    for needle in needles:
        assert needle in lines[0]
    assert done.stdout == ""


def validate(path: Path) -> subprocess.CompletedProcess[str]:
    return run_limited("validate", str(path), "--profile", "hokus", "--json")


def test_a_sheet_that_expands_to_gigabytes_is_refused(tmp_path: Path) -> None:
    path = workbook(
        tmp_path / "bombe.xlsx",
        bomb("xl/worksheets/sheet1.xml", SHEET_HEAD + CLIENT_ROWS.encode(), GIB + 200, SHEET_TAIL),
    )
    assert path.stat().st_size < 3_000_000
    refused(validate(path), "bombe.xlsx", "xl/worksheets/sheet1.xml", "piégé")


def test_content_types_that_expand_to_gigabytes_are_refused(tmp_path: Path) -> None:
    head, _, tail = CONTENT_TYPES.partition(b"<Default")
    types = bomb("[Content_Types].xml", head, GIB, b"<Default" + tail)
    path = workbook(tmp_path / "types.xlsx", sheet(CLIENT_ROWS), content_types=types)
    refused(validate(path), "[Content_Types].xml")


def test_an_unreferenced_part_that_expands_to_gigabytes_is_refused(tmp_path: Path) -> None:
    junk = bomb("customXml/item1.xml", b"<a>", 2 * GIB - 10, b"</a>")
    path = workbook(tmp_path / "cache.xlsx", sheet(CLIENT_ROWS), extra=(junk,))
    refused(validate(path), "customXml/item1.xml")


@pytest.mark.parametrize(
    "command",
    [
        ("validate", "-p", "hokus", "--annotate", "marque.xlsx"),
        ("validate", "-p", "hokus", "--in-place"),
        ("fix", "-p", "hokus", "--in-place"),
        ("clear",),
        ("undo",),
        ("map", "-p", "hokus", "--write"),
    ],
    ids=["annotate", "in-place", "fix", "clear", "undo", "map-write"],
)
def test_commands_that_edit_the_workbook_refuse_a_zip_bomb_before_holding_it(
    tmp_path: Path, command: tuple[str, ...]
) -> None:
    """The package editor holds every part in memory: it is bounded like the readers."""
    junk = bomb("customXml/item1.xml", b"<a>", 1500, b"</a>")
    path = workbook(tmp_path / "cache.xlsx", sheet(CLIENT_ROWS), extra=(junk,))
    before = path.read_bytes()
    name, *options = command
    args = [name, str(path), *(str(tmp_path / o) if o.endswith(".xlsx") else o for o in options)]
    refused(run_limited(*args), "customXml/item1.xml")
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cache.xlsx"]


def test_a_directory_that_lies_about_a_part_size_does_not_help(tmp_path: Path) -> None:
    """The directory says 2 KB; the deflate stream holds 600 MB of rows, at a bomb's ratio."""
    rows = "".join(f'<row r="{n}"><c r="A{n}"><v>{n}</v></c></row>' for n in range(3, 40))
    liar = bomb(
        "xl/worksheets/sheet1.xml",
        SHEET_HEAD + CLIENT_ROWS.encode(),
        600,
        SHEET_TAIL,
        filler=rows.encode(),
    )
    path = workbook(tmp_path / "menteur.xlsx", lying(liar, 2048))
    refused(validate(path), "menteur.xlsx", "taille")


def test_check_archive_bounds_entries_total_and_ratio(tmp_path: Path) -> None:
    """The same checks with lowered bounds, on small honest archives."""
    parts = tuple(part(f"xl/media/image{n}.bin", bytes(range(256)) * 40) for n in range(30))
    path = workbook(tmp_path / "many.xlsx", sheet(CLIENT_ROWS), extra=parts)
    with zipfile.ZipFile(path) as archive:
        check_archive(archive, path.name)  # the real bounds: a normal workbook passes
        with pytest.raises(FileTooLargeError, match="35 éléments internes"):
            check_archive(archive, path.name, max_entries=20)
        with pytest.raises(FileTooLargeError, match="une fois décompressé"):
            check_archive(archive, path.name, max_total=100_000)
        with pytest.raises(FileTooLargeError, match=r"image0\.bin"):
            check_archive(archive, path.name, max_part=5000)
        with pytest.raises(FileTooLargeError, match=r"\[Content_Types\]\.xml"):
            check_archive(archive, path.name, max_small_part=200)


def test_a_part_compressed_a_thousand_times_is_refused_before_reading(tmp_path: Path) -> None:
    path = workbook(tmp_path / "ratio.xlsx", bomb("xl/worksheets/sheet1.xml", b"", 40, b""))
    with zipfile.ZipFile(path) as archive, pytest.raises(FileTooLargeError, match="bombe"):
        check_archive(archive, path.name)


def test_an_unknown_compression_method_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "bz.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_BZIP2) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
    with zipfile.ZipFile(path) as archive, pytest.raises(UnsupportedFileError, match="méthode"):
        check_archive(archive, path.name)


def test_a_real_workbook_passes_and_reads_the_same(tmp_path: Path) -> None:
    path = workbook(tmp_path / "ok.xlsx", sheet(CLIENT_ROWS))
    done = validate(path)
    assert done.returncode in (0, 1), done.stderr
    assert json.loads(done.stdout)["rows"] == 1


def test_a_declared_dimension_of_17_billion_cells_reads_the_cells_there_are(
    tmp_path: Path,
) -> None:
    path = workbook(tmp_path / "dim.xlsx", sheet(CLIENT_ROWS, dimension="A1:XFD1048576"))
    done = validate(path)
    assert done.returncode in (0, 1), done.stderr[-2000:]
    assert json.loads(done.stdout)["rows"] == 1


@pytest.mark.parametrize("far", ["ALL100000", "XFD1048576"])
def test_a_stray_value_far_away_is_read_without_blowing_up(tmp_path: Path, far: str) -> None:
    """Calamine would hold the rectangle from A1 (4 GB; 512 GB for XFD1048576, exit 134)."""
    number = int(far.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ"))
    path = workbook(tmp_path / "loin.xlsx", sheet(CLIENT_ROWS + row(number, cell(far, "oubli"))))
    done = validate(path)
    assert done.returncode in (0, 1), done.stderr[-2000:]
    report = json.loads(done.stdout)
    assert report["rows"] == 2
    # the stray row has no client code (a Hokus workbook is refused as a whole, the export
    # writes its CSV: the rows count as sendable)
    assert report["sendable_rows"] == 1


def test_far_cells_on_many_rows_are_refused_naming_the_cell(tmp_path: Path) -> None:
    rows = "".join(row(n, cell(f"A{n}", f"C{n}"), cell(f"XFD{n}", "x")) for n in range(3, 1500))
    path = workbook(tmp_path / "large.xlsx", sheet(CLIENT_ROWS + rows))
    refused(validate(path), "large.xlsx", "XFD3", "Ctrl+Fin")


def test_the_extent_scan_finds_the_farthest_cell_in_any_order() -> None:
    scan = ExtentScan()
    scan.feed(sheet(row(5, cell("C5", "a")) + row(2, cell("AB2", "b"), cell("B9", "c"))))
    assert (scan.rows, scan.columns) == (9, 28)
    scan.feed(sheet(row(1, cell("A1", "a"), cell("ZZ1", "b"))))
    assert (scan.rows, scan.columns) == (9, 702)
    with pytest.raises(NotSure, match="sans référence"):
        scan.feed(b'<row r="3"><c t="inlineStr"><is><t>x</t></is></c></row>')
    with pytest.raises(NotSure, match="sans référence"):
        ExtentScan().feed(b'<row><c r="A1"><v>1</v></c></row>')
    scan.feed(b'<row r="3"><c r="b0000200"><v>1</v></c><c r="aab3"><v>2</v></c></row>')
    assert (scan.rows, scan.columns) == (200, 704)  # read by calamine as B200 and AAB3
    prefixed = ExtentScan(prefixed=True)
    prefixed.feed(b'<x:row r="4"><x:c r="D4"><x:v>1</x:v></x:c><x:c r="B70"/></x:row>')
    assert (prefixed.rows, prefixed.columns) == (70, 4)


def test_the_searches_for_farther_cells_match_exactly_the_farther_ones() -> None:
    for number in (0, 1, 9, 10, 99, 100, 909, 1999):
        pattern = re.compile(_greater_number(number))
        assert [n for n in range(2100) if pattern.fullmatch(str(n).encode())] == list(
            range(number + 1, 2100)
        )
    names = [column_letters(n).encode() for n in range(1, 1000)]
    for column in (1, 26, 27, 52, 702, 703):
        pattern = re.compile(_greater_letters(column_letters(column).encode()))
        assert [n for n, name in enumerate(names, 1) if pattern.fullmatch(name)] == list(
            range(column + 1, 1000)
        )
        assert [n for n, name in enumerate(names, 1) if pattern.fullmatch(name.lower())] == list(
            range(column + 1, 1000)
        )


ODS_CLIENTS = ods_row(ods_cell("distributorId")) + ods_row(ods_cell("C001"))


def test_an_ods_row_repeated_into_90_million_cells_is_refused(tmp_path: Path) -> None:
    """Under calamine's own limit (100 million cells), 2.9 GB for its rectangle alone."""
    path = ods(tmp_path / "repete.ods", ODS_CLIENTS + ods_row(ods_cell("x", 10_000), repeat=9_000))
    assert path.stat().st_size < 5_000
    refused(validate(path), "repete.ods", "Clients", "NTP9002", "Ctrl+Fin")


def test_an_ods_cell_far_away_is_refused_naming_it(tmp_path: Path) -> None:
    empty = '<table:table-cell table:number-columns-repeated="16000"/>'
    rows = ODS_CLIENTS + ods_row(empty, repeat=1_000_000) + ods_row(empty, ods_cell("oubli"))
    refused(validate(ods(tmp_path / "loin.ods", rows)), "WQK1000003")


def test_empty_repeated_ods_rows_and_cells_read_as_nothing(tmp_path: Path) -> None:
    """LibreOffice writes a million empty rows, 1,024 cells wide, after the data."""
    empty = ods_row('<table:table-cell table:number-columns-repeated="1024"/>', repeat=1_048_574)
    done = validate(ods(tmp_path / "vide.ods", ODS_CLIENTS + empty))
    assert done.returncode in (0, 1), done.stderr[-2000:]
    assert json.loads(done.stdout)["rows"] == 1


def test_a_csv_line_of_22_million_cells_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "ligne.csv"
    path.write_text("distributorId;" + "a;" * 22_000_000 + "\n", encoding="utf-8")
    refused(validate(path), "La ligne 1 du fichier « ligne.csv »", "22 000 002 colonnes")


def test_a_csv_as_wide_as_excel_still_reads(tmp_path: Path) -> None:
    path = tmp_path / "large.csv"
    header = ";".join(["distributorId"] + [f"c{n}" for n in range(1, MAX_COLUMNS)])
    path.write_text(header + "\n" + ";" * (MAX_COLUMNS - 1) + "x\n", encoding="utf-8")
    table = read_table(path)
    assert len(table.headers) == MAX_COLUMNS and table.columns[-1] == ["x"]
    path.write_text(header + ";trop\nC1\n", encoding="utf-8")
    with pytest.raises(FileTooLargeError, match="16 385 colonnes"):
        read_table(path)


def test_a_shared_string_table_claiming_4_billion_strings_is_read_safely(tmp_path: Path) -> None:
    """calamine reserved room for the claim and aborted (exit 134); openpyxl reads the file."""
    rows = (
        '<row r="1"><c r="A1" t="s"><v>0</v></c></row><row r="2"><c r="A2" t="s"><v>1</v></c></row>'
    )
    strings = (
        f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{MAIN}" count="2" '
        'uniqueCount="4000000000"><si><t>distributorId</t></si><si><t>C001</t></si></sst>'
    ).encode()
    path = workbook(tmp_path / "textes.xlsx", sheet(rows), shared_strings=strings)
    done = validate(path)
    assert done.returncode in (0, 1), done.stderr[-2000:]
    assert json.loads(done.stdout)["rows"] == 1


@pytest.mark.libreoffice
def test_an_xls_sheet_reaching_iv65536_is_refused_naming_the_cell(
    tmp_path: Path, soffice: str
) -> None:
    """LibreOffice writes the .xls; calamine would hold 16.7 million cells (1.2 GB and more)."""
    far = workbook(tmp_path / "loin.xlsx", sheet(CLIENT_ROWS + row(65536, cell("IV65536", "x"))))
    path = convert(far, "xls", tmp_path / "xls", soffice=soffice)
    refused(validate(path), "loin.xls", "Clients", "IV65536", "Ctrl+Fin")


def test_the_xls_extents_are_those_of_the_cells_with_values() -> None:
    data = (FILES / "clients_lo.xls").read_bytes()
    ole = OleFile.parse(data)
    assert ole is not None
    stream = ole.head("Workbook", ole.entries["Workbook"][2])
    assert xls_extents(stream) == {"Clients": (5, 12)}
    check_xls(FILES / "clients_lo.xls", data)


def test_the_ods_extent_follows_rows_tables_and_repeats() -> None:
    empty = '<table:table-cell table:number-columns-repeated="1000"/>'
    body = (
        '<table:table table:name="Un"><table:table-columns><table:table-column/>'
        "</table:table-columns><table:table-header-rows>"
        + ods_row(ods_cell("a"), empty)
        + "</table:table-header-rows>"
        + ods_row(empty, repeat=500)
        + ods_row("<table:table-cell/>", ods_cell("b", 3), empty, repeat=2)
        + '<table:table-row table:number-rows-repeated="9"/></table:table>'
        + '<table:table table:name="Deux">'
        + ods_row(ods_cell("c"))
        + "</table:table>"
    )
    assert OdsExtent.scan(io.BytesIO(body.encode())).tables == {"Un": (503, 4), "Deux": (1, 1)}
