"""Edits of a workbook's parts stay valid XML whatever the producer wrote (issue 14, part 1).

Namespaces as the producer chose them (declarations on inner elements, other prefixes), the
characters XML forbids, a package without a styles part, a user's own sheet that has one of our
names, and a sheet name that would break out of a HYPERLINK formula. Files are real: written by
openpyxl or taken from tests/fixtures/producers, run through ``client-import`` as a subprocess,
read back by openpyxl, python-calamine, ElementTree and LibreOffice.
"""

from __future__ import annotations

import csv
import datetime as dt
import os
import shutil
import subprocess
import sys
import warnings
import zipfile
from pathlib import Path
from xml.etree import ElementTree

import pytest
from openpyxl import Workbook, load_workbook
from python_calamine import CalamineWorkbook

from addin.core.outcomes import HistoryLine, RowOutcome
from addin.core.profiles import get_profile
from addin.errors import UsageError
from addin.files.outcome_writer import check_output, write_outcomes
from addin.files.platform_files import write_platform_file
from addin.files.sheet_xml import hyperlink_formula
from addin.files.xlsx_package import XlsxPackage
from addin.files.xml_chars import xml_safe
from addin.usecases.exporting import export_file
from tests.libreoffice import TABLE, convert, convert_all, ods_sheets
from tests.user_workbooks import read_parts, write_parts

FIXTURES = Path(__file__).parent / "fixtures" / "producers"
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
HEADERS = ["Prénom", "Nom", "Téléphone", "SMS/Appel"]
ROWS = [["Marie", "Tremblay", "418-555-0134", "SMS"], [" Paul ", "Roy", "4185550199", "texto"]]


def _cli(*args: str | Path) -> subprocess.CompletedProcess[str]:
    """``client-import`` as the user runs it, in a child process importing this checkout."""
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).parent.parent)}
    return subprocess.run(
        [sys.executable, "-m", "addin", *map(str, args)],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )


def _book(path: Path, sheets: dict[str, list[list[str]]] | None = None) -> Path:
    book = Workbook()
    first = book.active
    assert first is not None
    first.title = "Clients"
    for row in [HEADERS, *ROWS]:
        first.append(row)
    for name, rows in (sheets or {}).items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
    book.save(path)
    return path


def _opens(path: Path) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # what openpyxl does not model
        load_workbook(path).close()
    book = CalamineWorkbook.from_path(str(path))
    for name in book.sheet_names:
        book.get_sheet_by_name(name).to_python()


# --- 1. namespaces as the producer declared them -------------------------------------------------


def _older_openpyxl_layout(path: Path) -> Path:
    """The relationships namespace declared on each <sheet>, not on the root (issue 14)."""
    _book(path)
    parts = read_parts(path)
    declaration = f' xmlns:r="{REL}"'.encode()
    workbook = parts["xl/workbook.xml"].replace(declaration, b"", 1)
    parts["xl/workbook.xml"] = workbook.replace(b"<sheet ", b"<sheet" + declaration + b" ")
    write_parts(path, parts)
    return path


def test_a_workbook_declaring_r_on_each_sheet_is_marked_fixed_and_mapped_into_valid_files(
    tmp_path: Path,
) -> None:
    source = _older_openpyxl_layout(tmp_path / "clients.xlsx")
    _opens(source)  # the original is valid
    commands = {
        "marked.xlsx": ("validate", source, "-p", "flokon", "--annotate"),
        "fixed.xlsx": ("fix", source, "-p", "flokon", "-o"),
        "mapped.xlsx": ("map", source, "-p", "flokon", "--write", "-o"),
    }
    for name, command in commands.items():
        result = _cli(*command, tmp_path / name)
        assert result.returncode in (0, 1), result.stderr
        _opens(tmp_path / name)
        workbook = read_parts(tmp_path / name)["xl/workbook.xml"]
        ElementTree.fromstring(workbook)  # "unbound prefix" before the fix


def test_inserted_elements_are_in_the_sheets_own_namespace_prefix(tmp_path: Path) -> None:
    """A .NET-style sheet (``<x:worksheet>``, no default namespace): the rules and the notes'
    drawing we insert are ``x:`` elements, the drawing's id in the relationships namespace."""
    source = shutil.copy(FIXTURES / "no_styles_part.xlsx", tmp_path / "dotnet.xlsx")
    marked = tmp_path / "marked.xlsx"
    result = _cli("validate", source, "-p", "flokon", "--annotate", marked)
    assert result.returncode in (0, 1), result.stderr
    package = XlsxPackage.open(marked)
    sheet = ElementTree.fromstring(package.read(package.sheets()[0].part))
    assert sheet.find(f"{{{MAIN}}}conditionalFormatting/{{{MAIN}}}cfRule") is not None
    drawing = sheet.find(f"{{{MAIN}}}legacyDrawing")
    assert drawing is not None and drawing.get(f"{{{REL}}}id", "").startswith("rIdCI")
    workbook = ElementTree.fromstring(package.read("xl/workbook.xml"))
    names = [s.get("name") for s in workbook.iter(f"{{{MAIN}}}sheet")]
    assert names[-2:] == ["CI_Marques", "CI_Rapport"]
    assert all(s.get(f"{{{REL}}}id") for s in workbook.iter(f"{{{MAIN}}}sheet"))
    _opens(marked)


# --- 2. characters XML forbids ------------------------------------------------------------------


def test_the_sanitiser_drops_controls_and_replaces_what_stands_for_a_lost_character() -> None:
    assert xml_safe("a\x00b\x0bc\x1fd\te\nf\rg") == "abcd\te\nf\rg"
    assert xml_safe("x\ufffey\uffffz\ud800w\udfff") == "x\ufffdy\ufffdz\ufffdw\ufffd"
    assert xml_safe("Émile & Fils 😀") == "Émile & Fils 😀"


def test_an_export_from_a_csv_holding_u_ffff_opens(tmp_path: Path) -> None:
    """The valid row goes to the platform's workbook, the other to the rejects workbook: both
    hold U+FFFF in the CSV, both open, and show U+FFFD where it was."""
    source = tmp_path / "contacts.csv"
    with source.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, delimiter=";")
        writer.writerow(["Prénom", "Nom de famille", "Entreprise", "Mobile 1"])
        writer.writerow(["Marie\uffff", "Tremblay", "Atelier \ufffe du Lac", "+1 418 555 0134"])
        writer.writerow(["Paul\uffff", "Roy", "Sans téléphone", ""])
    output, rejects = tmp_path / "contacts.xlsx", tmp_path / "rejets.xlsx"
    export_file(source, get_profile("reveal"), output, rejects=rejects)
    for path in (output, rejects):
        _opens(path)
    rows = list(load_workbook(output).worksheets[0].iter_rows(values_only=True))
    assert rows[1][:3] == ("Marie\ufffd", "Tremblay", "Atelier \ufffd du Lac")
    held = list(load_workbook(rejects).worksheets[0].iter_rows(values_only=True))
    assert held[1][:2] == ("Paul\ufffd", "Roy")


def test_a_platform_file_with_a_lone_surrogate_opens(tmp_path: Path) -> None:
    path = tmp_path / "contacts.xlsx"
    export = get_profile("reveal").file.export
    write_platform_file(path, ["Prénom"], [["Marie\ud800Anne"]], export)
    _opens(path)
    assert load_workbook(path).worksheets[0]["A2"].value == "Marie\ufffdAnne"


# --- 3. a package without a styles part ---------------------------------------------------------


def test_a_workbook_without_styles_is_marked_and_cleared_back(tmp_path: Path) -> None:
    source = shutil.copy(FIXTURES / "no_styles_part.xlsx", tmp_path / "book.xlsx")
    assert "xl/styles.xml" not in read_parts(source)
    original = read_parts(source)
    result = _cli("validate", source, "-p", "flokon", "--in-place")
    assert result.returncode in (0, 1), result.stderr  # a KeyError traceback before
    marked = read_parts(source)
    assert b"<dxfs" in marked["xl/styles.xml"]
    assert b"/styles" in marked["xl/_rels/workbook.xml.rels"]
    _opens(source)
    assert _cli("clear", source).returncode == 0
    assert read_parts(source) == original


# --- 4. a user's sheet that has one of our names ------------------------------------------------

USER_REPORT = {"CI_Rapport": [["Mes notes de rapprochement"], ["à revoir lundi"]]}


def test_clear_leaves_the_users_own_ci_rapport(tmp_path: Path) -> None:
    source = _book(tmp_path / "book.xlsx", USER_REPORT)
    original = read_parts(source)
    assert _cli("clear", source).returncode == 0
    assert read_parts(source) == original  # deleted before: the name was enough
    result = _cli("validate", source, "-p", "flokon", "--lang", "en", "--in-place")
    assert result.returncode in (0, 1), result.stderr
    assert {"CI_Report", "CI_Rapport"} <= set(load_workbook(source).sheetnames)
    assert _cli("clear", source).returncode == 0
    assert read_parts(source) == original


def test_marking_in_french_beside_a_users_ci_rapport_says_so_and_writes_nothing(
    tmp_path: Path,
) -> None:
    source = _book(tmp_path / "book.xlsx", USER_REPORT)
    original = read_parts(source)
    result = _cli("validate", source, "-p", "flokon", "--in-place")
    assert result.returncode == 2
    assert "CI_Rapport" in result.stderr and "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert read_parts(source) == original
    assert not list(tmp_path.glob("*sauvegarde*"))


def test_map_does_not_overwrite_a_users_ci_correspondance(tmp_path: Path) -> None:
    source = _book(tmp_path / "book.xlsx", {"CI_Correspondance": [["Colonne", "Note"]]})
    result = _cli("map", source, "-p", "flokon", "--write", "-o", tmp_path / "out.xlsx")
    assert result.returncode == 2, result.stderr
    assert "CI_Correspondance" in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "out.xlsx").exists()


def test_a_workbook_marked_before_the_owner_names_existed_is_still_cleared(
    tmp_path: Path,
) -> None:
    """Marks written by an earlier version carry no owner name: their sheets are recognised
    by how they begin, and only in a workbook that has none of our names."""
    source = _book(tmp_path / "book.xlsx")
    original = read_parts(source)
    marked = tmp_path / "marked.xlsx"
    assert _cli("validate", source, "-p", "flokon", "--annotate", marked).returncode == 1
    parts = read_parts(marked)
    workbook = parts["xl/workbook.xml"]
    start, end = workbook.index(b"<definedNames"), workbook.index(b"</definedNames>") + 15
    parts["xl/workbook.xml"] = workbook[:start] + b"<definedNames />" + workbook[end:]
    write_parts(marked, parts)
    assert _cli("clear", marked).returncode == 0
    assert read_parts(marked) == original


def test_fix_and_undo_leave_a_users_own_ci_corrections(tmp_path: Path) -> None:
    source = _book(tmp_path / "book.xlsx", {"CI_Corrections": [["Ma liste"], ["à faire"]]})
    original = read_parts(source)
    result = _cli("fix", source, "-p", "flokon", "--in-place")
    assert result.returncode == 2, result.stderr  # before: the user's sheet was written over
    assert "CI_Corrections" in result.stderr and "Traceback" not in result.stderr
    assert read_parts(source) == original
    assert _cli("undo", source).returncode == 0
    assert read_parts(source) == original
    fixed = tmp_path / "fixed.xlsx"
    result = _cli("fix", source, "-p", "flokon", "--lang", "en", "-o", fixed)
    assert result.returncode in (0, 1), result.stderr
    assert load_workbook(fixed)["CI_Corrections"]["A1"].value == "Ma liste"
    assert _cli("undo", fixed).returncode in (0, 1)
    assert "CI_Changes" not in load_workbook(fixed).sheetnames


def test_a_users_own_ci_correspondance_is_not_read_as_our_mapping(tmp_path: Path) -> None:
    source = _book(tmp_path / "book.xlsx", {"CI_Correspondance": [["Colonne", "Note"]]})
    result = _cli("validate", source, "-p", "flokon", "--json")
    assert result.returncode in (0, 1), result.stderr  # 2 before: "la feuille a été modifiée"


def test_a_push_is_refused_before_sending_when_the_user_has_a_ci_historique(
    tmp_path: Path,
) -> None:
    source = _book(tmp_path / "book.xlsx", {"CI_Historique": [["Mes envois"], ["mardi"]]})
    original = read_parts(source)
    with pytest.raises(UsageError, match="CI_Historique"):
        check_output(source, None)
    history = HistoryLine(dt.datetime(2026, 1, 5), "flokon", "http://127.0.0.1:1", "create", {})
    with pytest.raises(UsageError, match="CI_Historique"):
        write_outcomes(source, "Clients", 1, {2: RowOutcome("créé", "1", None)}, history)
    assert read_parts(source) == original


@pytest.mark.libreoffice
def test_our_sheets_are_still_ours_after_a_libreoffice_resave(soffice: str, tmp_path: Path) -> None:
    source = _book(tmp_path / "book.xlsx", USER_REPORT)
    marked = tmp_path / "marked.xlsx"
    result = _cli("validate", source, "-p", "flokon", "--lang", "en", "--annotate", marked)
    assert result.returncode in (0, 1), result.stderr
    resaved = convert(marked, "xlsx", tmp_path / "resaved", soffice=soffice)
    assert {"CI_Report", "CI_Marques"} <= set(load_workbook(resaved).sheetnames)
    assert _cli("clear", resaved).returncode == 0
    names = load_workbook(resaved).sheetnames
    assert names == ["Clients", "CI_Rapport"]  # ours gone, the user's kept
    assert load_workbook(resaved)["CI_Rapport"]["A1"].value == "Mes notes de rapprochement"
    data = read_parts(resaved)["xl/worksheets/sheet1.xml"]
    assert b"CI_Marques" not in data  # LibreOffice wrote our rules back as CI_Marques!A2=2


# --- 5. HYPERLINK formulas and hostile sheet names ----------------------------------------------

HOSTILE_NAMES = {
    'x"&WEBSERVICE(D5)&"': 'HYPERLINK("#\'x""&WEBSERVICE(D5)&""\'!B2","B2")',
    "It's": "HYPERLINK(\"#'It''s'!B2\",\"B2\")",
    "A & <B>": 'HYPERLINK("#\'A & <B>\'!B2","B2")',
    "Wow!": 'HYPERLINK("#\'Wow!\'!B2","B2")',
    "Clients 2026": 'HYPERLINK("#\'Clients 2026\'!B2","B2")',
    "Résumé ✓": 'HYPERLINK("#\'Résumé ✓\'!B2","B2")',
}


@pytest.mark.parametrize("name", HOSTILE_NAMES)
def test_the_link_formula_quotes_the_sheet_name_as_excel_does(name: str) -> None:
    assert hyperlink_formula(name, "B2") == HOSTILE_NAMES[name]


def _hostile_books(folder: Path) -> list[Path]:
    """One marked workbook per hostile name, the data sheet named so."""
    marked = []
    for number, name in enumerate(HOSTILE_NAMES):
        source = folder / f"source{number}.xlsx"
        book = Workbook()
        sheet = book.active
        assert sheet is not None
        sheet.title = name
        for row in [HEADERS, *ROWS]:
            sheet.append(row)
        book.save(source)
        out = folder / f"marked{number}.xlsx"
        result = _cli("validate", source, "-p", "flokon", "--annotate", out)
        assert result.returncode in (0, 1), result.stderr
        marked.append(out)
    return marked


@pytest.mark.libreoffice
def test_links_to_hostile_sheet_names_stay_links_in_libreoffice(
    soffice: str, tmp_path: Path
) -> None:
    """LibreOffice reads each link as HYPERLINK of one text (the location): no WEBSERVICE call,
    and the location names the data sheet exactly."""
    books = _hostile_books(tmp_path)
    converted = convert_all(books, "ods", tmp_path / "ods", soffice=soffice)
    for name, ods in zip(HOSTILE_NAMES, converted, strict=True):
        assert "CI_Rapport" in {sheet.name for sheet in ods_sheets(ods)}
        with zipfile.ZipFile(ods) as archive:
            root = ElementTree.fromstring(archive.read("content.xml"))
        report = next(
            t for t in root.iter(f"{{{TABLE}}}table") if t.get(f"{{{TABLE}}}name") == "CI_Rapport"
        )
        formulas = [
            cell.get(f"{{{TABLE}}}formula", "")
            for cell in report.iter(f"{{{TABLE}}}table-cell")
            if "HYPERLINK" in cell.get(f"{{{TABLE}}}formula", "")
        ]
        assert formulas, name
        for formula in formulas:
            location = _first_string_argument(formula)
            assert (
                location.startswith("#'")
                and location.rpartition("'!")[0][2:].replace("''", "'") == name
            ), (name, formula)
            assert formula.count("WEBSERVICE") == location.count("WEBSERVICE")


def _first_string_argument(formula: str) -> str:
    """``of:=HYPERLINK("#'x""y'!B2";"B2")`` → ``#'x"y'!B2`` (the literal, quotes undoubled)."""
    start = formula.index('HYPERLINK("') + len('HYPERLINK("')
    text = []
    index = start
    while True:
        char = formula[index]
        if char == '"':
            if formula[index + 1 : index + 2] == '"':
                text.append('"')
                index += 2
                continue
            return "".join(text)
        text.append(char)
        index += 1
