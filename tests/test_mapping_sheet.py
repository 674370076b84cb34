"""The mapping sheet written into a user's workbook, corrected in Excel, and read back.

Real files throughout: a workbook made like a user's (formulas, merged cells, a note, an x14
list validation, a chart on another sheet) must keep every part of its own byte for byte;
the sheet is read back as written, after a user's edit of a Champ cell, and after LibreOffice
has re-saved the workbook its own way (shared strings, its own parts), where the dropdown must
still be on the Champ cells.
"""

from __future__ import annotations

import shutil
from collections.abc import Sequence
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font
from typer.testing import CliRunner

from addin.core.catalogue import Lang
from addin.core.choices import choice_labels, read_choices
from addin.core.profiles import get_profile
from addin.core.table import StoredEntry, StoredMapping
from addin.errors import InputError, UsageError
from addin.files.mapping_sheet import MappingSheetRow, read_mapping_sheet, write_mapping_sheet
from addin.files.xlsx_package import XlsxPackage
from addin.readers.reader import read_table
from addin.shells.cli import app
from addin.usecases.validation import validate_file
from tests.libreoffice import LibreOfficeServer, convert, ods_validations, validation_at
from tests.user_workbooks import (
    DATA_PART,
    X14_VALIDATION,
    load_closed_vba,
    read_parts,
    replace_in_part,
    write_rows,
    write_user_workbook,
)

FILES = Path(__file__).parent / "fixtures" / "files"
REVEAL = get_profile("reveal")
LABELS = list(choice_labels(REVEAL, "fr"))
LABELS_EN = list(choice_labels(REVEAL, "en"))
SPLIT = next(label for label in LABELS if "découper" in label)
#: the index parts adding a sheet touches; every other part of the user's keeps its bytes
INDEX_PARTS = {"xl/workbook.xml", "xl/_rels/workbook.xml.rels", "[Content_Types].xml"}

HEADERS = ["Nom complet", "E-mail Address", "Mobile Phone", "Profil", "", "2024"]
ROWS = [
    ["Marie Tremblay", "marie@exemple.ca", "418-555-0134", "VIP", "x", 12],
    ["Paul Roy", "paul@exemple.ca", None, "standard", None, 7],
]
#: what map would propose for those columns (the "Profil" column is the user's own data)
MAPPING = [
    MappingSheetRow("Nom complet", "A", SPLIT, 0.6, "contenu : des noms", "Marie Tremblay"),
    MappingSheetRow("E-mail Address", "B", "Courriel 1", 0.95, "alias", "marie@exemple.ca"),
    MappingSheetRow("Mobile Phone", "C", "Mobile 1", 0.9, "alias (Mobile)", "418-555-0134"),
    MappingSheetRow("Profil", "D", "(ne pas importer)", 0.0, "aucun champ ressemblant", "VIP"),
    MappingSheetRow("", "E", "(ne pas importer)", 0.0, "colonne sans en-tête", "x"),
    MappingSheetRow("2024", "F", "(ne pas importer)", 0.0, "aucun champ ressemblant", "12"),
]  # fmt: skip
EXPECTED = StoredMapping(
    profile="reveal",
    sheet="Clients",
    entries=tuple(StoredEntry(row.column, row.letter, row.label) for row in MAPPING),
)
FIRST, LAST = 7, 6 + len(MAPPING)  # the Champ cells: C7:C12


def _write(
    path: Path,
    output: Path | None = None,
    *,
    rows: Sequence[MappingSheetRow] = MAPPING,
    labels: Sequence[str] = LABELS,
    data_sheet: str = "Clients",
    lang: Lang = "fr",
) -> Path:
    return write_mapping_sheet(
        path,
        rows,
        labels,
        profile="reveal",
        platform="Reveal Field",
        data_sheet=data_sheet,
        lang=lang,
        output=output,
    )


@pytest.fixture
def user_book(tmp_path: Path) -> Path:
    """A contacts workbook as a user keeps it: a formula, merged cells, a note, an x14 list."""
    return write_user_workbook(
        tmp_path / "contacts.xlsx",
        HEADERS,
        ROWS,
        fonts={"F4": Font(bold=True)},
        formulas={"F4": "=SUM(F2:F3)"},
        merged="G1:H1",
        note=("A2", "Cliente depuis 2019"),
        hidden_row=None,
        list_validation=False,
    )


# --- writing into the user's workbook -----------------------------------------------------------


def test_the_users_parts_keep_their_bytes_and_ours_is_added(
    user_book: Path, tmp_path: Path
) -> None:
    original = read_parts(user_book)
    out = _write(user_book, tmp_path / "avec-correspondance.xlsx")

    assert out == tmp_path / "avec-correspondance.xlsx"
    assert read_parts(user_book) == original  # the source is not touched
    written = read_parts(out)
    # our sheet, its table and the relationship between them
    table, rels, sheet = sorted(set(written) - set(original))
    assert sheet.startswith("xl/worksheets/sheet") and table.startswith("xl/tables/")
    assert rels == f"xl/worksheets/_rels/{sheet.rsplit('/', 1)[1]}.rels"
    assert not set(original) - set(written)
    assert {name for name in original if original[name] != written[name]} == INDEX_PARTS
    assert X14_VALIDATION in written[DATA_PART]

    book = load_closed_vba(out)
    try:
        assert book.sheetnames == ["Clients", "Stats", "Listes", "CI_Correspondance"]
        ours = book["CI_Correspondance"]
        assert ours["A1"].value == (
            "Correspondance des colonnes de « Clients » avec les champs de Reveal Field"
        )
        assert ours["A2"].value == (
            "Choisissez dans la colonne C le champ que chaque colonne alimente ; « (ne pas "
            "importer) » pour l'ignorer. validate, fix et export suivent ce choix."
        )
        assert [[c.value for c in row] for row in ours["A3:B4"]] == [
            ["Profil", "reveal"],
            ["Feuille", "Clients"],
        ]
        assert [c.value for c in ours[6]][:6] == [
            "Colonne du fichier", "Lettre", "Champ", "Confiance (%)", "Raison", "Exemple"
        ]  # fmt: skip
        assert [c.value for c in ours[FIRST + 1]][:6] == [
            "E-mail Address", "B", "Courriel 1", 95, "alias", "marie@exemple.ca"
        ]  # fmt: skip
        assert ours.freeze_panes == "A7"
        assert ours.column_dimensions["H"].hidden
        assert ours.column_dimensions["C"].width >= max(len(label) for label in LABELS)
        (validation,) = ours.data_validations.dataValidation
        assert validation.type == "list"
        assert str(validation.sqref) == f"C{FIRST}:C{LAST}"
        assert (validation.showErrorMessage, validation.errorStyle) == (True, "stop")
        assert validation.showInputMessage and validation.prompt
        first_label, last_label = validation.formula1.replace("$", "").split(":")
        listed = [cell.value for (cell,) in ours[first_label:last_label]]
        assert listed == LABELS
        assert int(first_label[1:]) > LAST  # below the entries: deleting one keeps every label
    finally:
        book.close()


def test_the_data_sheet_is_still_the_one_read_and_ours_is_never_counted(
    user_book: Path, tmp_path: Path
) -> None:
    out = _write(user_book, tmp_path / "out.xlsx")

    table = read_table(out)
    assert (table.source.sheet, table.source.sheets) == ("Clients", ["Clients", "Stats", "Listes"])
    # Reveal wants one sheet: ours does not make a second one
    single = write_rows(
        tmp_path / "single.xlsx",
        ["Prénom", "Nom de famille", "Mobile 1"],
        [["Marie", "Tremblay", "+14185550134"]],
    )
    _write(single, data_sheet="Sheet")
    assert "several-sheets" not in {issue.code for issue in validate_file(single, REVEAL).issues}


def test_in_place_keeps_a_backup_of_the_original(user_book: Path) -> None:
    original = user_book.read_bytes()

    assert _write(user_book) == user_book

    (backup,) = user_book.parent.glob("contacts.sauvegarde-*.xlsx")
    assert backup.read_bytes() == original
    assert read_mapping_sheet(user_book) == EXPECTED
    assert read_mapping_sheet(backup) is None


# --- reading back -------------------------------------------------------------------------------


def test_read_back_what_was_written(user_book: Path, tmp_path: Path) -> None:
    assert read_mapping_sheet(user_book) is None
    out = _write(user_book, tmp_path / "out.xlsx")

    assert read_mapping_sheet(out) == EXPECTED


def test_english_sheet(user_book: Path, tmp_path: Path) -> None:
    rows = [MappingSheetRow("E-mail Address", "B", "Email 1", 0.95, "alias (E-mail)", "m@x.ca")]
    out = _write(user_book, tmp_path / "out.xlsx", rows=rows, labels=LABELS_EN, lang="en")

    book = load_closed_vba(out)
    try:
        ours = book["CI_Mapping"]
        assert [c.value for c in ours[6]][:3] == ["File column", "Letter", "Field"]
        assert ours["A3"].value == "Profile"
    finally:
        book.close()
    assert read_mapping_sheet(out) == StoredMapping(
        "reveal", "Clients", (StoredEntry("E-mail Address", "B", "Email 1"),)
    )


def test_rewriting_replaces_the_sheet(user_book: Path, tmp_path: Path) -> None:
    out = _write(user_book, tmp_path / "out.xlsx")
    order = load_closed_vba(out).sheetnames
    again = [MappingSheetRow("E-mail Address", "B", "Courriel 2", 0.5, "choisi", "m@x.ca")]

    _write(out, rows=again)

    book = load_closed_vba(out)
    try:
        assert book.sheetnames == order  # rewritten where it stands
    finally:
        book.close()
    assert read_mapping_sheet(out) == StoredMapping(
        "reveal", "Clients", (StoredEntry("E-mail Address", "B", "Courriel 2"),)
    )

    _write(out, rows=again, labels=LABELS_EN, lang="en")  # another language: one sheet still

    book = load_closed_vba(out)
    try:
        assert [n for n in book.sheetnames if n.startswith("CI_")] == ["CI_Mapping"]
    finally:
        book.close()

    # a workbook that somehow has both (a French one added beside the English one)
    package = XlsxPackage.open(out)
    package.add_sheet("CI_Correspondance", package.read(package.sheet("CI_Mapping").part))
    package.save(out)
    _write(out, rows=again, labels=LABELS_EN, lang="en")

    book = load_closed_vba(out)
    try:
        assert [n for n in book.sheetnames if n.startswith("CI_")] == ["CI_Mapping"]
    finally:
        book.close()


def test_a_champ_cell_edited_as_in_excel_is_read_back(user_book: Path, tmp_path: Path) -> None:
    out = _write(user_book, tmp_path / "out.xlsx")
    book = load_closed_vba(out)
    book["CI_Correspondance"][f"C{FIRST}"] = "Prénom"  # not the split after all
    book["CI_Correspondance"][f"C{FIRST + 3}"] = None  # cleared: not imported
    book.save(out)
    book.close()

    stored = read_mapping_sheet(out)

    assert stored is not None
    assert [entry.label for entry in stored.entries] == [
        "Prénom", "Courriel 1", "Mobile 1", "", "(ne pas importer)", "(ne pas importer)"
    ]  # fmt: skip
    table = read_table(out)
    chosen = read_choices(stored, table.headers, REVEAL, [None] * len(table.headers))
    assert chosen.choices[:4] == ["first_name", "email1", "mobile1", None]
    assert chosen.unknown_labels == []


def test_rows_the_user_inserted_above_do_not_matter(user_book: Path, tmp_path: Path) -> None:
    out = _write(user_book, tmp_path / "out.xlsx")
    book = load_closed_vba(out)
    book["CI_Correspondance"].insert_rows(2, amount=3)
    book["CI_Correspondance"]["A2"] = "Mes notes"
    book.save(out)
    book.close()

    assert read_mapping_sheet(out) == EXPECTED


def test_the_title_and_instruction_rows_deleted_do_not_matter(
    user_book: Path, tmp_path: Path
) -> None:
    out = _write(user_book, tmp_path / "out.xlsx")
    book = load_closed_vba(out)
    book["CI_Correspondance"].delete_rows(1, amount=2)
    book.save(out)
    book.close()

    assert read_mapping_sheet(out) == EXPECTED


def test_a_sheet_that_lost_its_profile_is_refused(user_book: Path, tmp_path: Path) -> None:
    out = _write(user_book, tmp_path / "out.xlsx")
    book = load_closed_vba(out)
    book["CI_Correspondance"].delete_rows(3)
    book.save(out)
    book.close()

    with pytest.raises(InputError, match=r"CI_Correspondance.*le profil"):
        read_mapping_sheet(out)


def test_reading_never_opens_the_data_sheet(user_book: Path, tmp_path: Path) -> None:
    """The data sheet made unreadable (a broken XML part): our sheet still reads."""
    out = _write(user_book, tmp_path / "out.xlsx")
    replace_in_part(out, DATA_PART, b"<sheetData>", b"<sheetData><row r=")
    with pytest.raises(InputError):
        read_table(out, sheet="Clients")

    assert read_mapping_sheet(out) == EXPECTED


# --- other formats ------------------------------------------------------------------------------


def test_a_macro_workbook_keeps_its_vba(tmp_path: Path) -> None:
    path = tmp_path / "macro.xlsm"
    shutil.copy(FILES / "xlwings_quickstart.xlsm", path)
    original = read_parts(path)

    _write(path, data_sheet="Sheet1")

    written = read_parts(path)
    assert written["xl/vbaProject.bin"] == original["xl/vbaProject.bin"]
    assert {name for name in original if original[name] != written[name]} == INDEX_PARTS
    assert b"macroEnabled.main+xml" in written["[Content_Types].xml"]
    stored = read_mapping_sheet(path)
    assert stored is not None and stored.sheet == "Sheet1"
    assert list(path.parent.glob("macro.sauvegarde-*.xlsm"))


def test_an_xlsm_is_not_written_as_an_xlsx(tmp_path: Path) -> None:
    path = tmp_path / "macro.xlsm"
    shutil.copy(FILES / "xlwings_quickstart.xlsm", path)

    with pytest.raises(UsageError, match=r"\(\.xlsm\)"):
        _write(path, tmp_path / "out.xlsx")


@pytest.mark.parametrize("name", ["clients_utf8.csv", "clients_lo.xls", "clients_lo.ods"])
def test_files_that_cannot_hold_the_sheet_are_refused(name: str, tmp_path: Path) -> None:
    path = tmp_path / name
    shutil.copy(FILES / name, path)
    before = path.read_bytes()

    with pytest.raises(UsageError) as refused:
        _write(path)

    assert str(refused.value).startswith(f"« {name} » ne peut pas garder la correspondance")
    assert "Enregistrez le fichier au format .xlsx (Excel) d'abord" in str(refused.value)
    assert path.read_bytes() == before
    assert list(tmp_path.iterdir()) == [path]


@pytest.mark.parametrize("name", ["clients_utf8.csv", "clients_lo.xls", "clients_lo.ods"])
def test_files_without_a_mapping_sheet_have_none(name: str) -> None:
    assert read_mapping_sheet(FILES / name) is None


# --- LibreOffice --------------------------------------------------------------------------------


@pytest.mark.libreoffice
def test_a_workbook_resaved_by_libreoffice_still_reads_and_keeps_its_dropdown(
    user_book: Path, tmp_path: Path, soffice: str, lo_server: LibreOfficeServer
) -> None:
    """LibreOffice writes its own package (shared strings, its own XML): the mapping reads back,
    the dropdown is still on the Champ cells, drawn from the hidden labels, refusing others."""
    out = _write(user_book, tmp_path / "out.xlsx")
    saved = convert(out, "xlsx", tmp_path / "lo", soffice=soffice)
    assert b"inlineStr" not in b"".join(
        data for name, data in read_parts(saved).items() if name.startswith("xl/worksheets/")
    )

    assert read_mapping_sheet(saved) == EXPECTED

    validations = ods_validations(convert(saved, "ods", tmp_path / "ods", soffice=soffice))
    dropdown = validation_at(validations, "CI_Correspondance", f"C{FIRST}")
    assert dropdown.covers("CI_Correspondance", f"C{FIRST}:C{LAST}")
    assert (dropdown.kind, dropdown.error_type, dropdown.display_list) == (
        "list",
        "stop",
        "unsorted",
    )
    assert dropdown.list_source is not None and "$H$" in dropdown.list_source
    assert not [v for v in validations if v.covers("CI_Correspondance", f"C{LAST + 1}")]

    typed = lo_server.validity(
        saved,
        "CI_Correspondance",
        {f"C{FIRST}": "Prénom", f"C{FIRST + 1}": SPLIT, f"C{FIRST + 2}": "Courriel 9", "C10": ""},
    )
    assert typed == {f"C{FIRST}": True, f"C{FIRST + 1}": True, f"C{FIRST + 2}": False, "C10": True}

    # written again over LibreOffice's own package, then read once more
    again = [MappingSheetRow("E-mail Address", "B", "Courriel 2", 0.5, "choisi", "m@x.ca")]
    _write(saved, rows=again)
    assert read_mapping_sheet(saved) == StoredMapping(
        "reveal", "Clients", (StoredEntry("E-mail Address", "B", "Courriel 2"),)
    )


def test_the_reason_column_keeps_what_the_cells_said(tmp_path: Path) -> None:
    """Zoho → Evoliz in Excel: the sheet says why « Billing Code » is the postal code and why
    the empty « Billing Phone » feeds nothing, as the text and the JSON do."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Contacts"
    sheet.append(["Customer ID", "Phone", "Billing Street", "Billing Code", "Billing Phone"])
    sheet.append(["C-1", "+33 1 42 68 53 00", "12 rue de la Roquette", "75011", None])
    sheet.append(["C-2", "04 74 21 33 10", "3 place de la Mairie", "01000", None])
    path = tmp_path / "zoho.xlsx"
    book.save(path)
    result = CliRunner().invoke(app, ["map", str(path), "-p", "evoliz-clients", "--write"])
    assert result.exit_code == 0, result.output
    written = load_workbook(path)["CI_Correspondance"]
    reasons = {
        str(row[0].value): str(row[4].value)
        for row in written.iter_rows(min_row=FIRST)
        if row[0].value is not None
    }
    assert "codes postaux, pas un code client" in reasons["Billing Code"]
    assert "colonne vide" in reasons["Billing Phone"]
    assert reasons["Customer ID"] == "autre nom connu du champ"
