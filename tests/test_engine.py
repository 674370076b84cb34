"""The engine on whole tables: file, column, cell and cross-field issues, for each platform."""

from __future__ import annotations

import pytest

from addin.core.engine import validate
from addin.core.export import plan_export
from addin.core.profiles import get_profile
from addin.core.report import Report
from addin.core.table import CellValue, FormulaCell, SourceInfo, Table


def table(
    headers: list[str], rows: list[list[CellValue | FormulaCell]], kind: str = "csv"
) -> Table:
    return Table.from_rows(headers, rows, SourceInfo(path="t." + kind, kind=kind))


def hokus_row(**cells: CellValue) -> list[CellValue | FormulaCell]:
    headers = [c.header for c in get_profile("hokus").fields]
    return [cells.get(h) for h in headers]


HOKUS = [c.header for c in get_profile("hokus").fields]


def check(
    headers: list[str], rows: list[list[CellValue | FormulaCell]], profile: str, kind: str = "csv"
) -> Report:
    return validate(table(headers, rows, kind), get_profile(profile))


def test_clean_hokus_row_has_no_issue() -> None:
    report = check(
        HOKUS,
        [
            hokus_row(
                distributorId="C1",
                civilTitle="Mme",
                Lastname="Martin",
                nationality="France",
                birthdate="14/03/1978",
                personHomeCountry="France",
                personHomeZip="69003",
                personEmail="claire@exemple.fr",
                personPhone="+33478123456",
            )
        ],
        "hokus",
    )
    assert report.flatten(["row", "code"]) == []
    assert (report.rows, report.valid_rows, report.valid) == (1, 1, True)


def test_hokus_cell_issues_with_suggestions() -> None:
    report = check(
        HOKUS,
        [
            hokus_row(
                distributorId="C1",
                civilTitle="Madame",
                personHomeCountry="France",
                personHomeZip=1220,
                personEmail="a@ Exemple.FR",
                personHomeAddress="5 rue X; bât B",
            )
        ],
        "hokus",
    )
    assert report.flatten(["row", "column", "code", "severity", "suggestion"]) == [
        [2, "civilTitle", "choice-format", "error", "Mme"],
        [2, "personHomeAddress", "forbidden-character", "error", "5 rue X, bât B"],
        [2, "personHomeZip", "postal-code-leading-zero", "error", "01220"],
        [2, "personEmail", "email-format", "error", "a@exemple.fr"],
    ]
    assert report.valid_rows == 0


def test_file_level_issues() -> None:
    headers = ["distributorId", "civilTitle", "civilTitle", "Colonne perso", ""]
    report = check(headers, [["C1", "Mme", "Mme", "x", "y"]], "hokus")
    assert report.flatten(["row", "column", "code", "severity"]) == [
        [None, "civilTitle", "duplicate-header", "error"],
        [None, "Colonne perso", "unknown-column", "warning"],
        [None, None, "blank-header", "warning"],
        [None, None, "template-columns-missing", "error"],
    ]
    assert report.valid_rows == 0


def test_missing_required_column_and_empty_file() -> None:
    report = check(["civilTitle"], [], "hokus")
    assert report.flatten(["row", "code"]) == [
        [None, "missing-column"],
        [None, "template-columns-missing"],
        [None, "no-data"],
    ]
    assert "distributorId" in report.issues[0].message("fr")


def test_duplicate_key_and_required_if_societe() -> None:
    report = check(
        HOKUS,
        [
            hokus_row(distributorId="C1", civilTitle="Société"),
            hokus_row(distributorId="C1", civilTitle="Mme"),
        ],
        "hokus",
    )
    codes = report.flatten(["row", "column", "code"])
    assert [2, "companyDenomination", "required-if"] in codes
    assert [3, "distributorId", "duplicate-key"] in codes


def test_formula_without_value_is_reported() -> None:
    report = check(HOKUS, [hokus_row(distributorId=FormulaCell("=A1&B1"))], "hokus")  # type: ignore[arg-type]
    assert report.flatten(["row", "column", "code"]) == [[2, "distributorId", "formula-no-value"]]


def test_reveal_needs_a_name_and_a_phone_and_limits_rows() -> None:
    headers = ["Prénom", "Nom de famille", "Téléphone 1", "Mobile 1"]
    report = check(
        headers,
        [["", "", "", ""], ["Paul", "", "", "581 300 1234"], ["", "", "418-692-2121", ""]],
        "reveal",
    )
    rows = [(r, c) for r, c in report.flatten(["row", "code"]) if c == "required-any"]
    assert rows == [(4, "required-any")]
    too_many = check(headers, [["Paul", "", "418-692-2121", ""]] * 10_001, "reveal")
    assert [None, "too-many-rows"] in too_many.flatten(["row", "code"])


def test_messages_in_both_languages() -> None:
    report = check(HOKUS, [hokus_row(distributorId="C1", personEmail="jean.exemple.fr")], "hokus")
    [issue] = report.issues
    assert issue.message("fr") == (
        "« jean.exemple.fr » n'est pas une adresse e-mail valide (il manque le « @ »). "
        "Tapez une adresse de la forme nom@domaine.fr."
    )
    assert issue.message("en").startswith('"jean.exemple.fr" is not a valid email address (')
    assert issue.cell == "P2"


def test_every_sample_profile_validates_its_examples() -> None:
    """Each profile's own example values pass its own checks (the help text must not lie)."""
    from addin.core.profiles import all_profiles

    for profile in all_profiles().values():
        headers = [c.header for c in profile.fields]
        row: list[CellValue | FormulaCell] = [c.example for c in profile.fields]
        report = validate(table(headers, [row]), profile)
        errors = [(i.column, i.code, i.value) for i in report.errors if i.row is not None]
        assert errors == [], profile.name


def test_a_row_lacking_one_of_several_fields_is_told_on_the_first_cell_to_fill() -> None:
    """Reveal needs a first or a last name: the issue (and its note in the marks) sits on the
    first such column of the file, the empty cell to fill in, not on column A."""
    headers = ["Téléphone 1", "Prénom", "Nom de famille"]
    report = check(headers, [["418-692-2121", "", ""]], "reveal")
    found = [
        (r, c) for r, c, code in report.flatten(["row", "column", "code"]) if code == "required-any"
    ]
    assert found == [(2, "Prénom")]


@pytest.mark.parametrize("country", ["CAN", "Canada", "CA"])
def test_a_phone_without_country_code_belongs_to_the_rows_country(country: str) -> None:
    """A Quebec number on a row whose country is Canada (any form the profile accepts, ISO3
    included) is a valid Canadian number, not a French number « trop long »; rows without a
    country keep the profile's region. Aptimyz takes any phone text: no word, and the export
    writes each in its own country's international form."""
    headers = ["Email", "First Name", "Last Name", "Phone", "Country"]
    report = check(
        headers,
        [
            ["a@exemple.fr", "Jean", "Roy", "418 692 2121", country],
            ["b@exemple.fr", "Luc", "Roy", "06 12 34 56 78", ""],
        ],
        "aptimyz",
    )
    assert [i for i in report.issues if i.field == "phone"] == []
    plan = plan_export(
        table(
            headers,
            [
                ["a@exemple.fr", "Jean", "Roy", "418 692 2121", country],
                ["b@exemple.fr", "Luc", "Roy", "06 12 34 56 78", ""],
            ],
        ),
        get_profile("aptimyz"),
    )
    phone = plan.headers.index("Phone")
    assert [row[phone] for row in plan.rows] == ["+1 418-692-2121", "+33 6 12 34 56 78"]
