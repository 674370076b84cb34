"""The worksheet functions (issue 16) as plain Python calls, against the real commands.

The reference for one value is what the product says of that cell in a one-row file: the value
is written under its field's header in a CSV (or an .xlsx for the numbers and dates Excel hands
over), validated by the real use case (``validate_file``) and fixed by the real one
(``fix_file``, its output read back by the readers). Hypothesis draws the values, messy ones
included, for every field type the profiles declare.
"""

from __future__ import annotations

import csv
import datetime as dt
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from addin.core.cell_verdicts import FieldVerdicts
from addin.core.formula_guard import defuse
from addin.core.profile import Column, Profile
from addin.core.profiles import all_profiles, get_profile
from addin.shells import functions
from addin.shells.functions import (
    CI_BIC,
    CI_CHECK,
    CI_COUNTRY,
    CI_DATE,
    CI_EMAIL,
    CI_FIX,
    CI_IBAN,
    CI_PHONE,
    CI_POSTCODE,
    CI_ROW,
    CI_SIRET,
    CI_VAT,
)
from addin.usecases.fixing import fix_file
from addin.usecases.validation import load_table, validate_file

#: A column beside the value, named like nothing any profile knows: with a second column the
#: CSV's separator is never in doubt, whatever the value holds (a comma, a tab...).
OTHER = "zz_autre"


def _fields_by_type() -> list[tuple[str, str]]:
    """One (profile, field id) per field type and profile: every kind of checker, every
    profile's settings (phone formats, country forms, character rules)."""
    chosen: dict[tuple[str, str], str] = {}
    for name, profile in all_profiles().items():
        for column in profile.fields:
            chosen.setdefault((name, column.type), column.id)
    return sorted((name, field) for (name, _), field in chosen.items())


FIELDS = _fields_by_type()

#: Messy values of the kinds accountants paste, per field type; free text is drawn as well.
SAMPLES: dict[str, list[str]] = {
    "phone": [
        "06 12 34 56 78",
        "+33 6 12 34 56 78",
        "0033612345678",
        "612345678",
        "01.23.45.67.89",
        "(514) 555-1234",
        "+1 514 555 1234",
        "06 12",
        "tel: 0612345678",
        "+32 470 12 34 56",
    ],
    "email": [
        " Jean@Exemple.FR ",
        "jean@exemple",
        "a@b.fr; c@d.fr",
        "jean.dupont@gmail.com",
        "JEAN@EXEMPLE.FR",
        "jean @exemple.fr",
    ],
    "country": [
        "france",
        "FR",
        "Frnace",
        "Allemagne",
        "Deutschland",
        "USA",
        "Royaume-Uni",
        "FRA",
        "Belgique ",
        "Europe",
    ],
    "date": [
        "2024-04-03",
        "03/04/2024",
        "3/4/24",
        "31/02/2024",
        "12.05.1980",
        "1980-12-31",
        "31 décembre 1980",
        "13/13/2013",
        "05/07/2031",
    ],
    "postal_code": ["1220", "01220", "75 011", "7501", "H2X 1Y4", "97400", "2A004", "ABCDE"],
    "choice": ["madame", "Mme", "M", "monsieur", "Société", "societe", "Particulier", "xyz"],
    "flag": ["oui", "non", "Y", "N", "vrai", "1", "0", "peut-être"],
    "decimal": ["12,5", "12.50", "1 234,56", "abc", "-3", "1e3", "12,345"],
    "integer": ["12", "12,0", "1 000", "-4", "douze", "3.5"],
    "siret": ["732 829 320 00074", "73282932000074", "73282932000075", "123"],
    "vat": ["FR 40 303 265 045", "FR40303265045", "FR00303265045", "BE0403170701"],
    "iban": ["FR76 3000 6000 0112 3456 7890 189", "FR7630006000011234567890188", "DE89"],
    "bic": ["BNPAFRPP", "bnpa frpp", "BNPAFRPPXXX", "BNP"],
    "text": ["Martin", "  Martin  ", "a;b", "Dupont\nJean", "Ã©tÃ©", "Zoë", "x" * 300],
}

#: Text as a cell can hold it: no control characters (the CSV reader refuses them), no carriage
#: return (a CSV line ending, not cell data).
TEXT = st.text(
    st.characters(blacklist_categories=("Cc", "Cs"), blacklist_characters="\r\x85\u2028\u2029")
    | st.sampled_from("\n;,\t\"' "),
    min_size=1,
    max_size=40,
).filter(lambda t: t.strip() != "")


def _value(kind: str) -> st.SearchStrategy[str]:
    return st.sampled_from(SAMPLES[kind]) | TEXT


def _csv(folder: Path, header: str, value: str) -> Path:
    path = folder / "une-ligne.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, delimiter=";", lineterminator="\n")
        writer.writerow([header, OTHER])
        writer.writerow([value, "x"])
    return path


#: what the row's other fields decide (cross-field rules): not a verdict on one value, so not
#: CI_CHECK's, even when the report puts it on the value's cell (the first field of a group)
ROW_RULE_CODES = {"required-if", "required-any", "duplicate-row", "duplicate-key"}


def _said(path: Path, profile: Profile) -> str:
    """What ``validate`` says of the value's cell (A2), messages as the report renders them."""
    report = validate_file(path, profile)
    return " ".join(
        i.message()
        for i in report.issues
        if i.row == 2 and i.position == 0 and i.code not in ROW_RULE_CODES
    )


def _written(path: Path, profile: Profile, folder: Path) -> object:
    """What ``fix`` leaves in the value's cell."""
    output = folder / f"corrige{path.suffix}"
    fix_file(path, profile, output=output, overwrite=True)
    return load_table(output, None, profile).columns[0][0]


def _one_field(case: str) -> tuple[Profile, Column]:
    name, field = case.split(":")
    profile = get_profile(name)
    return profile, profile.field(field)


CASES = [f"{name}:{field}" for name, field in FIELDS]
HEAVY = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@pytest.mark.parametrize("case", CASES)
def test_every_field_type_is_covered(case: str) -> None:
    _, column = _one_field(case)
    assert column.type in SAMPLES


@pytest.mark.parametrize("case", CASES)
@HEAVY
@given(data=st.data())
def test_check_says_what_validate_says_of_the_cell(
    case: str, data: st.DataObject, tmp_path_factory: pytest.TempPathFactory
) -> None:
    profile, column = _one_field(case)
    value = data.draw(_value(column.type))
    folder = tmp_path_factory.mktemp("check")
    expected = _said(_csv(folder, column.header, value), profile)
    assert CI_CHECK(value, column.id, profile.name) == expected
    # the range form answers the same, cell by cell, in the same shape
    assert CI_CHECK([[value], [None]], column.header, profile.name) == [[expected], [""]]


@pytest.mark.parametrize("case", CASES)
@HEAVY
@given(data=st.data())
def test_fix_writes_what_fix_writes(
    case: str, data: st.DataObject, tmp_path_factory: pytest.TempPathFactory
) -> None:
    profile, column = _one_field(case)
    value = data.draw(_value(column.type))
    folder = tmp_path_factory.mktemp("fix")
    expected = _written(_csv(folder, column.header, value), profile, folder)
    fixed = CI_FIX(value, column.id, profile.name)
    # ``fix`` guards a formula-like value it rewrites in a CSV ("=" → "'="); a cell holds it
    # as is: equal up to that guard
    assert fixed == expected or (isinstance(fixed, str) and defuse(fixed) == expected)
    assert CI_FIX([[value, "  "]], column.id, profile.name) == [[fixed, ""]]


#: What Excel hands over for numbers and dates (floats, datetimes), against the same cells
#: saved in an .xlsx and read by the product's readers.
EXCEL_VALUES = [
    ("hokus", "personHomeZip", 1220.0),
    ("hokus", "personHomeZip", 75011.0),
    ("hokus", "personPhone", 612345678.0),
    ("hokus", "personPhone", 33612345678.0),
    ("hokus", "birthdate", dt.datetime(1980, 12, 31)),
    ("hokus", "birthdate", dt.datetime(2031, 6, 5, 14, 30)),
    ("hokus", "Lastname", 12.5),
    ("hokus", "nationality", 33.0),
    ("evoliz-clients", "business_number", 73282932000074.0),
    ("evoliz-clients", "postcode", 1220.0),
]


@pytest.mark.parametrize(("name", "field", "value"), EXCEL_VALUES)
def test_numbers_and_dates_as_excel_passes_them(
    name: str, field: str, value: object, tmp_path: Path
) -> None:
    profile = get_profile(name)
    column = profile.field(field)
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append([column.header, OTHER])
    sheet.append([value, "x"])
    path = tmp_path / "une-ligne.xlsx"
    book.save(path)
    assert CI_CHECK(value, field, name) == _said(path, profile)
    fixed = _written(path, profile, tmp_path)
    got = CI_FIX(value, field, name)
    # unchanged: Excel's own value comes back as it was given
    assert got == (value if fixed == functions.cell_value(value) else fixed)


def test_a_range_keeps_its_shape_and_its_blanks() -> None:
    block = [["0612345678", None, "abc"], ["", "+33612345678", "  "]]
    got = CI_PHONE(block)
    assert [len(row) for row in got] == [3, 3]
    assert got[0][0] == "+33612345678"
    assert got[0][1] == "" and got[1][0] == "" and got[1][2] == ""
    assert got[1][1] == "+33612345678"
    assert "n'est pas un numéro de téléphone valide" in got[0][2]
    # one row, as a flat list, stays a flat list
    assert CI_EMAIL([" a@b.fr ", None]) == ["a@b.fr", ""]


def test_each_field_type_function() -> None:
    assert CI_PHONE("06 12 34 56 78") == "+33612345678"
    assert CI_PHONE("0612345678", "FR", "national") == "06 12 34 56 78"
    assert CI_PHONE("0612345678", "FR", "international") == "+33 6 12 34 56 78"
    assert CI_PHONE("514 555 1234", "CA", "international") == "+1 514-555-1234"
    assert CI_PHONE("0612345678", None, "hokus") == "+33612345678"  # the platform's form
    assert CI_COUNTRY("france") == "France"
    assert CI_COUNTRY([["FR", "Allemagne"]], "iso3") == [["FRA", "DEU"]]
    assert CI_COUNTRY("Allemagne", "anglais") == "Germany"
    assert CI_COUNTRY("FRA", "iso2") == "FR"
    assert CI_DATE("2024-04-03") == "03/04/2024"
    assert CI_DATE(dt.datetime(2023, 3, 15)) == "15/03/2023"
    assert CI_DATE(45000.0) == "15/03/2023"  # an Excel serial
    assert "n'est pas une date valide" in CI_DATE("31/02/2024")
    assert CI_POSTCODE(1220.0) == "01220"
    assert CI_POSTCODE("h2x1y4", "Canada") == "H2X 1Y4"
    assert CI_EMAIL(" Jean@Exemple.FR ") == "Jean@exemple.fr"
    assert CI_SIRET("732 829 320 00074") == "73282932000074"
    assert "SIRET" in CI_SIRET("73282932000075")
    assert CI_VAT("FR 40 303 265 045") == "FR40303265045"
    assert CI_IBAN("FR76 3000 6000 0112 3456 7890 189") == "FR7630006000011234567890189"
    assert CI_BIC("bnpa frpp") == "BNPAFRPP"


def test_check_in_english_and_by_header() -> None:
    french = CI_CHECK("06 12", "personPhone", "hokus")
    english = CI_CHECK("06 12", "PERSONPHONE", "Hokus", "en")
    assert french.startswith("«") and "valide" in french
    assert "valid phone number" in english
    assert CI_CHECK("+33612345678", "personPhone", "hokus") == ""


def test_row_gives_every_issue_of_each_row_in_column_order(tmp_path: Path) -> None:
    profile = get_profile("hokus")
    headers = [c.header for c in profile.fields[:9]]
    rows = [
        ["C1", "Société", "Martin", None, None, None, None, "frnace", "FR"],
        ["C2", "Mme", "Durand", "Claire", None, None, None, "France", None],
        [None] * 9,
        ["C3", "madame", "Petit", None, None, None, None, None, None],
    ]
    got = CI_ROW(rows, "hokus")
    assert [len(r) for r in got] == [1, 1, 1, 1]
    assert got[1] == [""] and got[2] == [""]
    assert got[3] == [
        "civilTitle : Valeur reconnue, mais Hokus l'attend écrite exactement « Mme ». "
        "Proposition : « Mme »."
    ]
    # the same rows saved as a file: validate reports the same issues, row by row
    path = tmp_path / "lignes.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, delimiter=";", lineterminator="\n")
        writer.writerow(headers)
        writer.writerows([["" if v is None else v for v in row] for row in rows])
    report = validate_file(path, profile)
    for number, (text,) in enumerate(got, start=2):
        issues = [i for i in report.issues if i.row == number]
        assert text == " ".join(
            f"{i.column.strip()} : {i.message()}" if i.column else i.message() for i in issues
        )
    assert "nationality : « frnace » n'est pas un pays reconnu" in got[0][0]
    assert "dénomination de l'entreprise est indispensable" in got[0][0]
    # one row given as a flat list: one text
    assert CI_ROW(rows[3], "hokus") == got[3][0]


@pytest.mark.parametrize(
    "junk",
    [
        12.5,
        -1e300,
        float("nan"),
        True,
        "#N/A",
        "#DIV/0!",
        "x" * 100_000,
        "☃" * 50,
        dt.datetime(1900, 1, 1),
        dt.date(9999, 12, 31),
        object(),
        [["a", 1.0], [None, "#REF!"]],
        "",
        None,
    ],
)
def test_junk_gives_text_never_an_exception(junk: object) -> None:
    calls = [
        lambda: CI_CHECK(junk, "personPhone", "hokus"),
        lambda: CI_FIX(junk, "personEmail", "hokus"),
        lambda: CI_PHONE(junk),
        lambda: CI_COUNTRY(junk),
        lambda: CI_DATE(junk),
        lambda: CI_POSTCODE(junk, "FR"),
        lambda: CI_EMAIL(junk),
        lambda: CI_SIRET(junk),
        lambda: CI_VAT(junk),
        lambda: CI_IBAN(junk),
        lambda: CI_BIC(junk),
        lambda: CI_ROW(junk, "hokus"),
    ]
    for call in calls:
        got = call()
        cells = [c for row in got for c in row] if isinstance(got, list) else [got]
        for cell in cells:
            assert isinstance(cell, str | int | float | dt.date)
            assert not isinstance(cell, str) or len(cell) <= functions.CELL_LIMIT


@pytest.mark.parametrize(
    ("call", "words"),
    [
        (lambda: CI_CHECK("x", "nope", "hokus"), "Hokus n'a pas de champ « nope »"),
        (lambda: CI_CHECK("x", "personPhone", "zz"), "Plateforme inconnue « zz »"),
        (lambda: CI_CHECK("x", "personPhone", "hokus", "de"), "Langue inconnue « de »"),
        (lambda: CI_PHONE("x", "ZZZ"), "Région inconnue « ZZZ »"),
        (lambda: CI_PHONE("x", "ZZ"), "Région inconnue « ZZ »"),
        (lambda: CI_PHONE("x", "FR", "romain"), "Forme inconnue « romain »"),
        (lambda: CI_COUNTRY("x", "latin"), "Forme inconnue « latin »"),
        (lambda: CI_ROW([["a"] * 60], "hokus"), "La plage a 60 colonnes, Hokus n'en attend que"),
        # an error value reaches Python as its text (err_to_str), as the live book reads it
        (lambda: CI_CHECK("#N/A", "personPhone", "hokus"), "« #N/A » n'est pas un numéro"),
    ],
)
def test_unusable_arguments_are_explained(call: object, words: str) -> None:
    assert callable(call)
    got = call()
    assert isinstance(got, str) and words in got


def test_a_bug_in_a_checker_reaches_the_cell_as_a_sentence(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def broken(self: FieldVerdicts, value: object) -> None:
        raise ZeroDivisionError

    monkeypatch.setattr(FieldVerdicts, "verdict", broken)
    failed = "Valeur impossible à juger (ZeroDivisionError) : signalez-le avec la valeur en cause."
    assert CI_EMAIL([["a@b.fr", None]]) == [[failed, ""]]


def test_verdicts_are_cached_per_distinct_value(monkeypatch: pytest.MonkeyPatch) -> None:
    judged: list[object] = []
    original = FieldVerdicts._verdict

    def counting(self: FieldVerdicts, value: object) -> object:
        judged.append(value)
        return original(self, value)  # type: ignore[arg-type]

    monkeypatch.setattr(FieldVerdicts, "_verdict", counting)
    column = ["0612345678", "0699999999", "0612345678"] * 500
    CI_CHECK([[v] for v in column], "personMobilePhone", "hokus")
    CI_CHECK("0612345678", "personMobilePhone", "hokus")
    assert sorted(judged) == ["0612345678", "0699999999"]


def test_none_is_volatile_and_each_has_french_help() -> None:
    decorated = [getattr(functions, n) for n in dir(functions) if n.startswith("CI_")]
    assert len(decorated) == 12
    for f in decorated:
        meta = f.__xlfunc__
        assert meta["volatile"] is False
        assert meta["category"] == "Import clients"
        assert meta["ret"]["doc"] == f.__doc__ and len(f.__doc__) <= 255
        for argument in meta["args"]:
            assert not argument["doc"].startswith("Positional argument"), (f, argument)
            assert len(argument["doc"]) <= 255


def test_importing_the_functions_stays_light() -> None:
    """No spreadsheet reader at import (pandas only comes with xlwings when it is installed)."""
    code = (
        "import sys; import addin.core.cell_verdicts, addin.core.row_verdicts;"
        "core = {'openpyxl', 'pandas', 'xlwings'} & set(sys.modules);"
        "import addin.shells.functions;"
        "print(sorted(core), 'openpyxl' in sys.modules, 'pythoncom' in sys.modules)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.split()
    assert out == ["[]", "False", "False"]


def test_without_a_platform_the_documented_default_answers() -> None:
    """No platform argument and no ribbon setting: ``DEFAULT_PLATFORM`` (evoliz-clients)."""
    assert functions.DEFAULT_PLATFORM == "evoliz-clients"
    assert CI_CHECK("06 12", "phone") == CI_CHECK("06 12", "phone", "evoliz-clients") != ""
    assert CI_FIX("06 12 34 56 78", "mobile") == CI_FIX(
        "06 12 34 56 78", "mobile", "evoliz-clients"
    )
