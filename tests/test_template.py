"""Template workbooks: generated from each profile, read back with openpyxl, checked against it.

What the issue asks of every template: headers exactly as the platform wants them, in its
order, frozen, filtered, required columns marked, a note on each header, dropdowns sourced
from a hidden protected list sheet, checks with French (or English) messages, text format on
codes, an instructions sheet, an example row only where the platform's template has one. And
nothing that makes Excel open it with a repair prompt (texts over its limits).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import load_workbook
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from addin.core.catalogue import Lang
from addin.core.profile import Column, Profile
from addin.core.profiles import all_profiles, get_profile
from addin.core.template import (
    MAX_FORMULA,
    MAX_MESSAGE,
    MAX_TITLE,
    country_list,
    plan_template,
    shown_required,
)
from addin.errors import UsageError
from addin.usecases.template_file import make_template
from addin.usecases.validation import validate_file

PROFILES = sorted(all_profiles())
ROWS = 50


@pytest.fixture(scope="module")
def books(tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[str, str], Path]:
    """Every profile's template in both languages, written once for the module."""
    folder = tmp_path_factory.mktemp("templates")
    out: dict[tuple[str, str], Path] = {}
    for name in PROFILES:
        for lang in ("fr", "en"):
            out[name, lang] = make_template(
                get_profile(name), folder / f"{name}-{lang}.xlsx", lang=lang, rows=ROWS
            )
    return out


def _open(path: Path) -> Workbook:
    return load_workbook(path)


def _letters(profile: Profile) -> list[str]:
    from addin.core.report import column_letter

    return [c.letter or column_letter(i) for i, c in enumerate(profile.fields)]


def _validations(sheet: Worksheet) -> dict[str, DataValidation]:
    """Each validation by the column letter of its range (one range per column)."""
    found: dict[str, DataValidation] = {}
    for validation in sheet.data_validations.dataValidation:
        ranges = str(validation.sqref).split()
        assert len(ranges) == 1, ranges
        letter = "".join(ch for ch in ranges[0].split(":")[0] if ch.isalpha())
        assert letter not in found
        found[letter] = validation
    return found


def _list_values(book: Workbook, reference: str) -> list[str]:
    sheet_name, cells = reference.rsplit("!", 1)
    sheet = book[sheet_name.strip("'")]
    start, end = cells.replace("$", "").split(":")
    return [str(c[0].value) for c in sheet[f"{start}:{end}"]]


# --- the data sheet -------------------------------------------------------------------------


@pytest.mark.parametrize("name", PROFILES)
def test_headers_exactly_as_the_platform_wants_them(
    books: dict[tuple[str, str], Path], name: str
) -> None:
    profile = get_profile(name)
    book = _open(books[name, "fr"])
    sheet = book.worksheets[0]
    assert sheet.title == (profile.file.export.sheet_name or "Clients")
    letters = _letters(profile)
    assert [sheet[f"{letter}1"].value for letter in letters] == [c.header for c in profile.fields]
    assert sheet.max_column == len(profile.fields)
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == f"A1:{letters[-1]}{ROWS + 1}"


@pytest.mark.parametrize("name", PROFILES)
def test_required_columns_stand_out_and_every_header_has_its_note(
    books: dict[tuple[str, str], Path], name: str
) -> None:
    profile = get_profile(name)
    sheet = _open(books[name, "fr"]).worksheets[0]
    fills = {}
    for letter, column in zip(_letters(profile), profile.fields, strict=True):
        cell = sheet[f"{letter}1"]
        assert cell.comment is not None, column.id
        note = cell.comment.text
        assert column.help in note
        assert note.startswith("OBLIGATOIRE") == shown_required(column, profile)
        if column.example:
            assert f"Exemple : {column.example}" in note
        assert "Format : " in note
        fills[shown_required(column, profile)] = cell.fill.fgColor.rgb
    if len(fills) == 2:
        assert fills[True] != fills[False]


def test_notes_in_english(books: dict[tuple[str, str], Path]) -> None:
    sheet = _open(books["aptimyz", "en"]).worksheets[0]
    note = sheet["A1"].comment.text
    assert note.startswith("REQUIRED.")
    assert "Example: claire.martin@exemple.fr" in note
    assert get_profile("aptimyz").field("email").help_en in note  # type: ignore[operator]


def _expected_kind(column: Column) -> str | None:
    if column.type in ("choice", "flag", "country"):
        return "list"
    if column.type == "date":
        return "date"
    if column.type == "decimal":
        return "decimal"
    if column.type == "integer":
        return "whole"
    return None


@pytest.mark.parametrize("name", PROFILES)
def test_every_column_gets_the_check_its_type_calls_for(
    books: dict[tuple[str, str], Path], name: str
) -> None:
    profile = get_profile(name)
    book = _open(books[name, "fr"])
    validations = _validations(book.worksheets[0])
    for letter, column in zip(_letters(profile), profile.fields, strict=True):
        validation = validations.get(letter)
        kind = _expected_kind(column)
        if kind is None and column.type == "text" and not column.max_length:
            forbidden = profile.file.characters.forbidden
            if not forbidden:
                assert validation is None, column.id
                continue
        assert validation is not None, column.id
        assert str(validation.sqref) == f"{letter}2:{letter}{ROWS + 1}"
        assert validation.allow_blank
        assert validation.showErrorMessage and validation.showInputMessage
        assert validation.error and validation.prompt and validation.errorTitle
        if kind is not None:
            assert validation.type == kind, column.id
        else:
            assert validation.type in ("custom", "textLength"), column.id
        if column.max_length and kind is None:
            assert f"{column.max_length}" in (validation.formula1 or ""), column.id


@pytest.mark.parametrize("name", PROFILES)
def test_dropdowns_come_from_the_hidden_protected_list_sheet(
    books: dict[tuple[str, str], Path], name: str
) -> None:
    profile = get_profile(name)
    book = _open(books[name, "fr"])
    validations = _validations(book.worksheets[0])
    lists = [
        (lt, c)
        for lt, c in zip(_letters(profile), profile.fields, strict=True)
        if _expected_kind(c) == "list"
    ]
    if not lists:
        assert "Listes" not in book.sheetnames
        return
    sheet = book["Listes"]
    assert sheet.sheet_state == "hidden"
    assert sheet.protection.sheet
    for letter, column in lists:
        reference = validations[letter].formula1
        assert reference.startswith("'Listes'!$"), reference
        values = _list_values(book, reference)
        if column.type == "choice":
            assert values == column.choices
        elif column.type == "flag":
            assert values == ["Y", "N"]
        else:
            assert values == list(country_list(column))


def test_country_lists_hold_every_iso_country_in_the_platform_form(
    books: dict[tuple[str, str], Path],
) -> None:
    hokus = country_list(get_profile("hokus").field("nationality"))
    assert len(hokus) == 249
    assert "France" in hokus and "Corée, République de" in hokus
    assert hokus.index("Afghanistan") == 0  # sorted without regard to accents: Åland later
    aptimyz = country_list(get_profile("aptimyz").field("country"))
    assert {"FRA", "CAN", "GBR", "IRL", "USA"} <= set(aptimyz)
    assert all(len(code) == 3 for code in aptimyz)
    # a list this long cannot be typed inline (255 characters): it must be a range
    assert len(",".join(hokus)) > 255


def test_hokus_accepts_iso2_countries_so_its_list_only_warns() -> None:
    spec = plan_template(get_profile("hokus"))
    rules = {c.field_id: c.rule for c in spec.columns}
    nationality = rules["nationality"]
    assert nationality is not None and nationality.error_style == "warning"
    assert "FR" in nationality.error
    civil = rules["civilTitle"]
    assert civil is not None and civil.error_style == "stop"


def test_number_checks_follow_the_platform_precision(books: dict[tuple[str, str], Path]) -> None:
    book = _open(books["aptimyz", "fr"])
    sheet = book.worksheets[0]
    validations = _validations(sheet)
    balance, discount, points, terms = (validations[x] for x in "QRTY")
    assert (balance.type, balance.operator) == ("decimal", "between")
    assert (balance.formula1, balance.formula2) == ("-999999999.99", "999999999.99")
    assert (discount.formula1, discount.formula2) == ("0", "100")
    assert (points.type, terms.type) == ("whole", "whole")
    assert (terms.formula1, terms.formula2) == ("0", "999")
    assert sheet["Q2"].number_format == "0.00"
    assert sheet.column_dimensions["Q"].number_format == "0.00"
    assert "999 999 999,99" in balance.error


def test_dates_display_day_month_year(books: dict[tuple[str, str], Path]) -> None:
    sheet = _open(books["hokus", "fr"]).worksheets[0]
    birthdate = _validations(sheet)["J"]
    assert birthdate.type == "date" and birthdate.operator == "between"
    assert birthdate.formula1 == "DATE(1900,1,1)"
    assert sheet["J2"].number_format == "DD/MM/YYYY"
    assert sheet[f"J{ROWS + 1}"].number_format == "DD/MM/YYYY"
    assert "JJ/MM/AAAA" in birthdate.error


TEXT_COLUMNS = {
    "hokus": [
        "distributorId",
        "personHomeZip",
        "personPhone",
        "personMobilePhone",
        "taxIdNumber",
        "companyZip",
    ],
    "aptimyz": ["account_number", "phone", "postcode", "loyalty_card"],
    "evoliz-clients": [
        "code",
        "postcode",
        "business_number",
        "vat_number",
        "phone",
        "mobile",
        "fax",
        "iban",
        "bic",
    ],
    "evoliz-contacts": ["client_code", "phone", "mobile"],
    "flokon": ["phone", "postal_code", "client_id"],
    "reveal": ["phone1", "phone5", "mobile1", "mobile5"],
}


@pytest.mark.parametrize("name", PROFILES)
def test_codes_are_typed_as_text_so_excel_keeps_leading_zeros(
    books: dict[tuple[str, str], Path], name: str
) -> None:
    profile = get_profile(name)
    sheet = _open(books[name, "fr"]).worksheets[0]
    letter_of = dict(zip((c.id for c in profile.fields), _letters(profile), strict=True))
    for field_id in TEXT_COLUMNS[name]:
        letter = letter_of[field_id]
        assert sheet.column_dimensions[letter].number_format == "@", field_id
        assert sheet[f"{letter}2"].number_format == "@", field_id
        assert sheet[f"{letter}{ROWS + 1}"].number_format == "@", field_id
    texts = {letter_of[f] for f in TEXT_COLUMNS[name]}
    free = [c for c in profile.fields if c.type == "text" and letter_of[c.id] not in texts]
    for column in free:  # a name or an address stays General: formulas typed there still work
        assert sheet[f"{letter_of[column.id]}2"].number_format == "General", column.id


def test_flokon_phone_check_wants_its_dashes() -> None:
    spec = plan_template(get_profile("flokon"))
    phone = next(c for c in spec.columns if c.field_id == "phone")
    assert phone.rule is not None and phone.rule.kind == "custom"
    assert phone.rule.error_style == "stop"  # Flokon refuses other shapes
    assert 'MID(C2,4,1)="-"' in (phone.rule.formula1 or "")
    assert "000-000-0000" in phone.rule.error


def test_forbidden_characters_are_refused_as_typed() -> None:
    spec = plan_template(get_profile("hokus"))
    for column in spec.columns:
        if column.rule is not None and column.rule.kind == "custom":
            assert f'ISERROR(FIND(";",{column.letter}2))' in (column.rule.formula1 or "")
    aptimyz = plan_template(get_profile("aptimyz"))
    name = next(c for c in aptimyz.columns if c.field_id == "first_name")
    assert name.rule is not None
    assert 'ISERROR(FIND("""",D2))' in (name.rule.formula1 or "")  # the double quote itself


@pytest.mark.parametrize("lang", ["fr", "en"])
@pytest.mark.parametrize("name", PROFILES)
def test_nothing_goes_over_excel_limits(name: str, lang: Lang) -> None:
    """Longer prompts, titles or formulas make Excel open the file with a repair prompt."""
    spec = plan_template(get_profile(name), lang)
    for column in spec.columns:
        rule = column.rule
        if rule is None:
            continue
        assert len(rule.prompt) <= MAX_MESSAGE and len(rule.error) <= MAX_MESSAGE
        assert len(rule.prompt_title) <= MAX_TITLE and len(rule.error_title) <= MAX_TITLE
        for formula in (rule.formula1, rule.formula2):
            assert formula is None or len(formula) <= MAX_FORMULA
            assert formula is None or "{" not in formula  # no array constants in validations
    for sheet in (spec.data_sheet, spec.instructions_sheet, spec.lists_sheet):
        assert sheet is None or len(sheet) <= 31


# --- other sheets ------------------------------------------------------------------------


@pytest.mark.parametrize("name", PROFILES)
def test_instructions_sheet_describes_every_column(
    books: dict[tuple[str, str], Path], name: str
) -> None:
    profile = get_profile(name)
    book = _open(books[name, "fr"])
    if profile.file.single_sheet:
        # Reveal refuses a workbook of more than one sheet: its help lives in the notes
        assert book.sheetnames == [profile.file.export.sheet_name]
        return
    expected = profile.template.instructions_sheet or "Instructions"
    assert book.sheetnames[1] == expected
    sheet = book[expected]
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    table = {row[1]: row for row in rows if row and row[1] and row[0] and len(str(row[0])) <= 3}
    for letter, column in zip(_letters(profile), profile.fields, strict=True):
        row = table[column.header]
        assert row[0] == letter
        if column.required or not shown_required(column, profile):
            assert row[2] == ("oui" if column.required else "non")
        else:  # required in one of several forms (Flokon's address: whole or in parts)
            assert str(row[2]).startswith("oui (ou bien : ")
        assert row[3] == column.help
        if column.type == "choice":
            assert row[5] == ", ".join(column.choices or [])
    text = " ".join(str(v) for row in rows for v in row if v)
    if profile.file.export.format == "csv":
        assert "CSV UTF-8" in text
        assert f"« {profile.file.export.separator} »" in text


def test_hokus_instructions_are_its_csv_format_tab(books: dict[tuple[str, str], Path]) -> None:
    book = _open(books["hokus", "fr"])
    assert book.sheetnames == ["Data", "csv format", "Listes"]
    text = " ".join(str(c.value) for row in book["csv format"].iter_rows() for c in row if c.value)
    assert "« Data »" in text and "séparateur « ; »" in text
    assert "Aucune cellule ne doit contenir ces caractères : ;" in text
    assert "« distributorId » ne doit pas se répéter" in text


def test_reveal_limits_are_written_in_its_notes_and_rows() -> None:
    spec = plan_template(get_profile("reveal"), rows=50_000)
    assert spec.body_rows == 10_000  # never more rows than the platform imports
    assert spec.instructions_sheet is None and spec.lists_sheet is None
    assert any("10 000" in step for step in spec.steps)


@pytest.mark.parametrize("name", PROFILES)
def test_example_row_only_where_the_platform_template_has_one(
    books: dict[tuple[str, str], Path], name: str
) -> None:
    profile = get_profile(name)
    sheet = _open(books[name, "fr"]).worksheets[0]
    row2 = [sheet[f"{letter}2"].value for letter in _letters(profile)]
    if not profile.file.first_row_is_example:
        assert row2 == [None] * len(row2)
        return
    assert row2 == [c.example for c in profile.fields]
    assert sheet["A2"].font.italic
    assert "exemple" in sheet["A2"].comment.text.lower()


@pytest.mark.parametrize("name", PROFILES)
def test_our_own_check_recognises_every_template(
    books: dict[tuple[str, str], Path], name: str
) -> None:
    """Read back through the product's reader: every header matches, none missing or unknown."""
    report = validate_file(books[name, "en"], get_profile(name))
    header_codes = {
        "missing-column",
        "unknown-column",
        "duplicate-column",
        "column-order",
        "blank-header",
    }
    assert not [i for i in report.issues if i.code in header_codes]
    if get_profile(name).file.first_row_is_example:
        assert next(i.code for i in report.issues if i.row == 2) == "example-row"


# --- the use case ---------------------------------------------------------------------------


def test_default_file_name_and_folder_output(tmp_path: Path) -> None:
    path = make_template(get_profile("hokus"), tmp_path)
    assert path == tmp_path / "Client data enrichment template.xlsx"
    assert make_template(get_profile("flokon"), tmp_path).name == "modele-flokon.xlsx"
    assert make_template(get_profile("flokon"), tmp_path, lang="en").name == "template-flokon.xlsx"


def test_an_existing_file_is_never_replaced_silently(tmp_path: Path) -> None:
    target = tmp_path / "mine.xlsx"
    target.write_bytes(b"the user's own work")
    with pytest.raises(UsageError, match="existe déjà"):
        make_template(get_profile("hokus"), target)
    assert target.read_bytes() == b"the user's own work"
    make_template(get_profile("hokus"), target, overwrite=True)
    assert load_workbook(target).sheetnames[0] == "Data"


@pytest.mark.parametrize("rows", [0, 1_048_576])
def test_rows_out_of_excel_range_are_refused(tmp_path: Path, rows: int) -> None:
    with pytest.raises(UsageError, match="--rows"):
        make_template(get_profile("hokus"), tmp_path / "t.xlsx", rows=rows)


def test_not_an_xlsx_name_is_refused(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match=r"\.xlsx"):
        make_template(get_profile("hokus"), tmp_path / "t.csv")


# --- the command ----------------------------------------------------------------------------


def _cli(*args: str) -> tuple[int, str, str]:
    from typer.testing import CliRunner

    from addin.shells.cli import app

    result = CliRunner().invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_template_command_writes_the_platform_file(tmp_path: Path) -> None:
    code, out, _ = _cli("template", "evoliz-contacts", "-o", str(tmp_path), "--rows", "20")
    assert code == 0
    path = tmp_path / "modele-evoliz-contacts.xlsx"
    assert out.strip() == f"Modèle écrit : {path}"
    sheet = load_workbook(path)["Contacts"]
    assert sheet["A1"].value == "Code client"
    assert {str(v.sqref) for v in sheet.data_validations.dataValidation} >= {"I2:I21"}


def test_template_command_in_english(tmp_path: Path) -> None:
    code, out, _ = _cli("template", "aptimyz", "-o", str(tmp_path / "a.xlsx"), "--lang", "en")
    assert code == 0 and out.startswith("Template written: ")
    assert load_workbook(tmp_path / "a.xlsx").sheetnames == ["Clients", "Instructions", "Lists"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["template", "nope"], "profil inconnu « nope »"),
        (["template", "hokus", "--lang", "de"], "--lang accepte fr ou en"),
        (["template", "hokus", "--rows", "0"], "--rows doit être entre 1 et 1 048 575"),
        (["template", "hokus", "-o", "out.csv"], "n'en est pas un"),
        (["template", "hokus", "-o", "missing/"], "le dossier « missing » n'existe pas : créez-le"),
    ],
)
def test_template_command_errors_are_one_line(args: list[str], message: str) -> None:
    code, _, err = _cli(*args)
    assert code == 2
    assert err.count("\n") == 1 and message in err and err.startswith("Erreur : ")


def test_template_command_refuses_to_replace_a_file_without_force(tmp_path: Path) -> None:
    target = tmp_path / "t.xlsx"
    target.write_bytes(b"x")
    code, _, err = _cli("template", "hokus", "-o", str(target))
    assert code == 2 and "--force" in err and target.read_bytes() == b"x"
    code, _, _ = _cli("template", "hokus", "-o", str(target), "--force")
    assert code == 0 and load_workbook(target).sheetnames[0] == "Data"


def test_a_list_column_with_a_length_says_the_length_not_none(tmp_path: Path) -> None:
    """Aptimyz' column J is a list of 10 characters at most: its note gives the number."""
    path = tmp_path / "aptimyz.xlsx"
    code, _, _ = _cli("template", "aptimyz", "-o", str(path))
    assert code == 0
    notes = {
        cell.coordinate: cell.comment.text
        for cell in load_workbook(path).worksheets[0][1]
        if cell.comment is not None
    }
    assert "Longueur maximale : 10." in notes["J1"]
    assert not [ref for ref, text in notes.items() if "None" in text]
