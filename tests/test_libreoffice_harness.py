"""The LibreOffice harness itself: a workbook with every kind of data validation, written by
openpyxl, read back after a LibreOffice round trip and typed into through LibreOffice."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from openpyxl import Workbook
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.datavalidation import DataValidation

from tests.libreoffice import (
    CellRange,
    LibreOfficeServer,
    OdsSheet,
    OdsValidation,
    convert,
    convert_all,
    ods_sheets,
    ods_validations,
    unavailable,
    validation_at,
    validity_of,
)

pytestmark = pytest.mark.libreoffice

CIVILITIES = ["M.", "Mme", "Mlle", "Dr"]
LAST_ROW = 1001


def build_workbook(path: Path) -> Path:
    """Data sheet with one validation kind per column, lists on a hidden, protected sheet."""
    book = Workbook()
    data = book.active
    assert data is not None
    data.title = "Data"
    lists = book.create_sheet("Listes")
    for row, civility in enumerate(CIVILITIES, start=1):
        lists.cell(row, 1, civility)
    lists.sheet_state = "hidden"
    lists.protection.sheet = True
    headers = ["Client", "Civilité", "Quantité", "Prix", "Code", "Date", "Lot", "Lot bis", "Libre"]
    for column, header in enumerate(headers, start=1):
        data.cell(1, column, header)

    def add(kind: str, ranges: str, **options: object) -> None:
        rule = DataValidation(type=kind, showErrorMessage=True, **options)
        for cells in ranges.split():
            rule.add(cells)
        data.add_data_validation(rule)

    add("list", f"A2:A{LAST_ROW}", formula1='"Y,N"', allow_blank=True)
    add(
        "list",
        f"B2:B{LAST_ROW}",
        formula1="Listes!$A$1:$A$4",
        allow_blank=True,
        showInputMessage=True,
        promptTitle="Civilité",
        prompt="Choisissez dans la liste",
        errorTitle="Civilité inconnue",
        error="Choisissez M., Mme, Mlle ou Dr",
    )
    add("whole", f"C2:C{LAST_ROW}", operator="between", formula1="0", formula2="100")
    add(
        "decimal",
        f"D2:D{LAST_ROW}",
        operator="greaterThanOrEqual",
        formula1="0",
        errorStyle="warning",
    )
    add("textLength", f"E2:E{LAST_ROW}", operator="lessThanOrEqual", formula1="5")
    add(
        "date",
        f"F2:F{LAST_ROW}",
        operator="between",
        formula1="DATE(2000,1,1)",
        formula2="DATE(2030,12,31)",
    )
    add("whole", "G2:H10 G20", operator="greaterThan", formula1="0")
    book.defined_names["Civilites"] = DefinedName("Civilites", attr_text="Listes!$A$1:$A$4")
    add("list", "J2:J5", formula1="Civilites")
    add("list", "K2:K3", formula1='"a ""b"",c;d"')
    for row in range(2, LAST_ROW + 1):
        data.cell(row, 5).number_format = "@"  # text: leading zeros are kept when typed
    book.save(path)
    return path


@pytest.fixture(scope="module")
def workbook(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_workbook(tmp_path_factory.mktemp("harness") / "validations.xlsx")


@pytest.fixture(scope="module")
def ods(soffice: str, workbook: Path) -> Path:
    return convert(workbook, "ods", workbook.parent / "ods", soffice=soffice)


@pytest.fixture(scope="module")
def validations(ods: Path) -> list[OdsValidation]:
    return ods_validations(ods)


def test_sheets_keep_their_visibility_and_protection(ods: Path) -> None:
    assert ods_sheets(ods) == [
        OdsSheet("Data", visible=True, protected=False),
        OdsSheet("Listes", visible=False, protected=True),
    ]


def test_every_validation_survives_the_round_trip(validations: list[OdsValidation]) -> None:
    kinds = sorted(v.kind for v in validations)
    assert kinds == [
        "date",
        "decimal",
        "list",
        "list",
        "list",
        "list",
        "text-length",
        "whole",
        "whole",
    ]


def test_list_from_the_hidden_protected_sheet(validations: list[OdsValidation]) -> None:
    civility = validation_at(validations, "Data", "B2")
    assert civility.kind == "list"
    assert civility.list_source == "$Listes.$A$1:$A$4"
    assert civility.list_values is None
    assert civility.ranges == (CellRange("Data", f"B2:B{LAST_ROW}"),)
    assert civility.allow_empty
    assert civility.display_list == "unsorted"
    assert (civility.help_display, civility.help_title, civility.help_text) == (
        True,
        "Civilité",
        "Choisissez dans la liste",
    )
    assert (civility.error_display, civility.error_type) == (True, "stop")
    assert (civility.error_title, civility.error_text) == (
        "Civilité inconnue",
        "Choisissez M., Mme, Mlle ou Dr",
    )


def test_list_written_in_the_rule(validations: list[OdsValidation]) -> None:
    answer = validation_at(validations, "Data", "A2")
    assert (answer.list_values, answer.list_source) == (("Y", "N"), None)
    assert answer.ranges == (CellRange("Data", f"A2:A{LAST_ROW}"),)
    quoted = validation_at(validations, "Data", "K2")
    assert quoted.list_values == ('a "b"', "c;d")


def test_list_from_a_defined_name(validations: list[OdsValidation]) -> None:
    named = validation_at(validations, "Data", "J2")
    assert (named.list_source, named.list_values) == ("Civilites", None)
    assert named.ranges == (CellRange("Data", "J2:J5"),)


@pytest.mark.parametrize(
    ("column", "kind", "condition", "error_type"),
    [
        ("C", "whole", "cell-content-is-whole-number() and cell-content-is-between(0,100)", "stop"),
        ("D", "decimal", "cell-content-is-decimal-number() and cell-content()>=0", "warning"),
        ("E", "text-length", "cell-content-text-length()<=5", "stop"),
        (
            "F",
            "date",
            "cell-content-is-date() and cell-content-is-between(DATE(2000;1;1),DATE(2030;12;31))",
            "stop",
        ),
    ],
)
def test_rule_and_range_of_each_kind(
    validations: list[OdsValidation], column: str, kind: str, condition: str, error_type: str
) -> None:
    rule = validation_at(validations, "Data", f"{column}2")
    assert (rule.kind, rule.formula, rule.condition) == (kind, condition, f"of:{condition}")
    assert not rule.allow_empty  # openpyxl's default: blanks refused
    assert (rule.error_display, rule.error_type) == (True, error_type)
    assert rule.ranges == (CellRange("Data", f"{column}2:{column}{LAST_ROW}"),)


def test_ranges_spanning_columns_and_separate_cells(validations: list[OdsValidation]) -> None:
    lot = validation_at(validations, "Data", "H10")
    assert lot.ranges == (CellRange("Data", "G2:H10"), CellRange("Data", "G20"))
    assert lot.covers("Data", "G5:H6")
    assert not lot.covers("Data", "G10:G11")
    assert not lot.covers("Listes", "G2")


def test_cells_without_validation(validations: list[OdsValidation]) -> None:
    assert not any(v.covers("Data", "I2") or v.covers("Data", "A1") for v in validations)
    with pytest.raises(AssertionError, match=r"no data validation on Data!I2"):
        validation_at(validations, "Data", "I2")


# Typed into the workbook through LibreOffice: (cell, value, accepted).
TYPED: list[tuple[str, str | float, bool]] = [
    ("A2", "Y", True),
    ("A3", "Maybe", False),
    ("A4", "", True),  # blank allowed
    ("B2", "Mme", True),
    ("B3", "Dr", True),
    ("B4", "Madame", False),
    ("B5", "", True),
    ("C2", "50", True),
    ("C3", "150", False),
    ("C4", "2.5", False),
    ("C5", "abc", False),
    ("C6", "", False),  # blank refused
    ("C7", 0, True),
    ("C8", 100.0, True),
    ("D2", "3.14", True),
    ("D3", "-1", False),
    ("D4", "abc", False),
    ("E2", "abc", True),
    ("E3", "abcdef", False),
    ("E4", "01220", True),
    ("E5", "000001", False),  # text format: six characters, not the number 1
    ("F2", "2024-03-12", True),
    ("F3", "1990-01-01", False),
    ("F4", "hello", False),
    ("F5", 45363, True),  # 2024-03-12 as a serial number
    ("G20", "-3", False),
    ("H2", "3", True),
    ("J2", "Mlle", True),
    ("J3", "Mister", False),
    ("K2", 'a "b"', True),
    ("K3", "c", False),  # the values are 'a "b"' and 'c;d'
]


@pytest.fixture(scope="module")
def verdicts(lo_server: LibreOfficeServer, workbook: Path) -> dict[str, bool]:
    return validity_of(
        workbook, "Data", {cell: value for cell, value, _ in TYPED}, server=lo_server
    )


@pytest.mark.parametrize(
    ("cell", "value", "accepted"), TYPED, ids=[f"{cell}={value!r}" for cell, value, _ in TYPED]
)
def test_libreoffice_accepts_or_rejects_typed_values(
    verdicts: dict[str, bool], cell: str, value: str | float, accepted: bool
) -> None:
    assert verdicts[cell] is accepted, f"{value!r} typed in Data!{cell}"


def test_the_workbook_file_is_left_unchanged(lo_server: LibreOfficeServer, workbook: Path) -> None:
    before = hashlib.sha256(workbook.read_bytes()).hexdigest()
    assert validity_of(workbook, "Data", {"C2": "1000"}, server=lo_server) == {"C2": False}
    assert hashlib.sha256(workbook.read_bytes()).hexdigest() == before


def test_a_cell_without_validation_proves_nothing(
    lo_server: LibreOfficeServer, workbook: Path
) -> None:
    with pytest.raises(AssertionError, match=r"no data validation on Data!I2"):
        validity_of(workbook, "Data", {"I2": "x"}, server=lo_server)
    assert validity_of(
        workbook, "Data", {"I2": "x", "C2": "x"}, server=lo_server, require_validation=False
    ) == {"I2": True, "C2": False}


def test_unknown_sheet(lo_server: LibreOfficeServer, workbook: Path) -> None:
    with pytest.raises(AssertionError, match=r"no sheet 'Données'.*sheets: Data, Listes"):
        validity_of(workbook, "Données", {"A2": "Y"}, server=lo_server)


def test_at_most_1000_cells_per_check(lo_server: LibreOfficeServer, workbook: Path) -> None:
    entries: dict[str, str | float] = {f"C{row}": "1" for row in range(2, 1003)}
    with pytest.raises(AssertionError, match=r"at most 1000 cells per check, got 1001"):
        validity_of(workbook, "Data", entries, server=lo_server)


def test_validity_with_an_office_of_its_own(soffice: str, workbook: Path) -> None:
    assert validity_of(workbook, "Data", {"B2": "Mlle", "B3": "Mr"}) == {"B2": True, "B3": False}


def test_a_file_libreoffice_cannot_load_fails_the_conversion(
    soffice: str, workbook: Path, tmp_path: Path
) -> None:
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(b"PK\x03\x04 not really a workbook")
    with pytest.raises(AssertionError, match=r"did not convert broken\.xlsx to ods") as failure:
        convert_all([workbook, broken], "ods", tmp_path / "out", soffice=soffice)
    assert "stdout: " in str(failure.value)
    assert (tmp_path / "out" / "validations.ods").is_file()  # the good one of the batch


@pytest.mark.parametrize(
    ("ci", "outcome"), [("true", pytest.fail.Exception), ("", pytest.skip.Exception)]
)
def test_missing_libreoffice_skips_except_under_ci(
    monkeypatch: pytest.MonkeyPatch, ci: str, outcome: type[BaseException]
) -> None:
    monkeypatch.setenv("CI", ci)
    with pytest.raises(outcome, match=r"LibreOffice \(soffice\) is not installed"):
        unavailable("LibreOffice (soffice) is not installed: test")
