"""Safe fixes on a table: what ``fix_table`` rewrites, what it leaves to the user, and its log.

A safe fix writes the same value in the platform's spelling (spaces, case, separators, a date
or phone format); a guess (a fuzzy country, a rounded amount, a century for a two-digit year,
a day/month order) stays an issue with its suggestion. The tables are built the way the readers
build them: texts as typed, numbers for numeric cells.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import pytest

from addin.core.engine import validate
from addin.core.fixes import (
    FIX_LABELS,
    Change,
    fix_label,
    fix_table,
    is_safe,
)
from addin.core.profile import Profile
from addin.core.profiles import all_profiles, get_profile
from addin.core.report import Issue, column_letter
from addin.core.safety import SAFE_CODES
from addin.core.table import CellValue, FormulaCell, SourceInfo, Table
from addin.usecases.validation import read_and_validate

SAMPLES = Path(__file__).parent.parent / "demo" / "samples"
#: every code a fix may apply: the safe ones, and forbidden characters and accents where allowed
FIXABLE = SAFE_CODES | {"forbidden-character", "accented-character"}

Row = Mapping[str, CellValue | FormulaCell]


def _table(profile: str, *rows: Row, kind: str = "csv") -> Table:
    """A table under the profile's own headers, one dict of values per row (row 2 first)."""
    headers = [column.header for column in get_profile(profile).columns]
    unknown = {name for row in rows for name in row} - set(headers)
    assert not unknown, f"not columns of {profile}: {unknown}"
    return Table.from_rows(
        headers,
        [[row.get(header) for header in headers] for row in rows],
        SourceInfo(path=f"x.{kind}", kind=kind),
    )


def _at(issues: list[Issue], row: int, position: int) -> list[Issue]:
    return [issue for issue in issues if (issue.row, issue.position) == (row, position)]


def _cell(table: Table, row: int, position: int) -> CellValue | FormulaCell:
    return table.columns[position][table.row_numbers.index(row)]


# --- each safe code, with the value it writes --------------------------------------------------

SAFE_CASES = [
    # profile, the row, the fixed column, the value written, the codes logged
    ("hokus", {"civilTitle": "Madame"}, "civilTitle", "Mme", ("choice-format",)),
    ("hokus", {"birthdate": "1985-07-02"}, "birthdate", "02/07/1985", ("date-format",)),
    ("hokus", {"birthdate": 31230}, "birthdate", "02/07/1985", ("date-format",)),
    ("hokus", {"birthdate": "31230"}, "birthdate", "02/07/1985", ("date-format",)),
    ("hokus", {"birthdate": 31230.75}, "birthdate", "02/07/1985", ("date-format",)),
    ("hokus", {"birthdate": "3 avril 2024"}, "birthdate", "03/04/2024", ("date-format",)),
    (
        "hokus",
        {"personHomeCountry": "France", "personHomeZip": 1000},
        "personHomeZip",
        "01000",
        ("postal-code-leading-zero",),
    ),
    (
        "hokus",
        {"personEmail": "sophie@ Exemple.FR"},
        "personEmail",
        "sophie@exemple.fr",
        ("email-format",),
    ),
    (
        "hokus",
        {"personMobilePhone": 612345678},
        "personMobilePhone",
        "+33612345678",
        ("phone-stored-as-number",),
    ),
    ("hokus", {"firstname": "Anne\nMarie"}, "firstname", "Anne Marie", ("line-break",)),
    ("hokus", {"nationality": "france"}, "nationality", "France", ("country-format",)),
    (
        "hokus",
        {"personHomeAddress": "5 avenue Foch; Bât. B"},
        "personHomeAddress",
        "5 avenue Foch, Bât. B",
        ("forbidden-character",),
    ),
    (  # spaces around are silent on every platform, the export trims them: fixed with the rest
        "hokus",
        {"personHomeAddress": "  5 avenue Foch;  Bât. B "},
        "personHomeAddress",
        "5 avenue Foch, Bât. B",
        ("forbidden-character",),
    ),
    ("evoliz-clients", {"Pays": "France"}, "Pays", "FR", ("country-format",)),
    ("evoliz-clients", {"Pays": "france"}, "Pays", "FR", ("country-format",)),
    ("aptimyz", {"Marketing Allowed": "oui"}, "Marketing Allowed", "Y", ("flag-format",)),
    ("aptimyz", {"Email Receipt": "non"}, "Email Receipt", "N", ("flag-format",)),
    ("aptimyz", {"Marketing Allowed": "true"}, "Marketing Allowed", "Y", ("flag-format",)),
    ("aptimyz", {"Email Receipt": "FALSE"}, "Email Receipt", "N", ("flag-format",)),
    ("aptimyz", {"Marketing Allowed": 1}, "Marketing Allowed", "Y", ("flag-format",)),
    ("aptimyz", {"Last Name": "O'Neil"}, "Last Name", "O Neil", ("forbidden-character",)),
    ("aptimyz", {"Comments": "Dit “bonjour”"}, "Comments", "Dit bonjour", ("forbidden-character",)),
    # Aptimyz: "de A à Z", no accent; a comma cannot be written in its unquoted CSV
    ("aptimyz", {"City": "Hérouville"}, "City", "Herouville", ("accented-character",)),
    (
        "aptimyz",
        {"Address 1": "12 rue A, Bât B"},
        "Address 1",
        "12 rue A Bat B",
        ("forbidden-character", "accented-character"),
    ),
    ("aptimyz", {"Account Balance": "-1 250,5"}, "Account Balance", "-1250.5", ("number-format",)),
    ("aptimyz", {"Discount %": "12,5 %"}, "Discount %", "12.5", ("number-format",)),
    ("flokon", {"Téléphone": "(514) 872-1111"}, "Téléphone", "514-872-1111", ("phone-format",)),
]


def test_the_cases_cover_every_code_a_fix_applies() -> None:
    """Every code a fix applies, where some platform reports it (a code every profile silences
    is never reported, so never fixed: the export writes its form without a word)."""
    silenced = {"extra-spaces", "postal-code-format", "identifier-format"}
    for code in silenced:
        assert {p.severity[code] for p in all_profiles().values() if code in p.severity} == {
            "silent"
        }
    assert {code for *_, codes in SAFE_CASES for code in codes} == FIXABLE - silenced


@pytest.mark.parametrize(
    ("profile_name", "row", "column", "after", "codes"),
    SAFE_CASES,
    ids=[f"{case[0]}-{case[2]}-{case[1][case[2]]!r}" for case in SAFE_CASES],
)
def test_each_safe_code_is_fixed(
    profile_name: str, row: Row, column: str, after: str, codes: tuple[str, ...]
) -> None:
    profile = get_profile(profile_name)
    table = _table(profile_name, row)
    position = table.headers.index(column)
    before = _at(validate(table, profile).issues, 2, position)
    assert {issue.code for issue in before} == set(codes)
    assert all(is_safe(issue, profile) for issue in before)

    result = fix_table(table, profile)

    (change,) = [c for c in result.changes if c.position == position]
    assert change == Change(2, position, column, row[column], after, codes)
    assert change.cell == f"{column_letter(position)}2"
    assert _cell(result.table, 2, position) == after
    assert _at(result.report.issues, 2, position) == []
    assert _cell(table, 2, position) == row[column]  # the table given is not touched


def test_every_fix_has_a_label_in_both_languages() -> None:
    for code in FIXABLE:
        french, english = FIX_LABELS[code]
        assert french.strip() and english.strip() and french != english
    assert fix_label(("extra-spaces", "date-format"), "fr") == (
        "espaces en trop retirées ; date écrite JJ/MM/AAAA"
    )
    assert fix_label(("extra-spaces", "date-format"), "en") == (
        "extra spaces removed ; date written DD/MM/YYYY"
    )


# --- what stays for the user -----------------------------------------------------------------

UNSAFE_CASES = [
    # profile, rows, column, row number, code, suggestion kept in the report
    ("hokus", [{"nationality": "Frnace"}], "nationality", 2, "unknown-country", "France"),
    ("hokus", [{"civilTitle": "Mdame"}], "civilTitle", 2, "invalid-choice", "Mme"),
    ("evoliz-clients", [{"Type": "Profesionel"}], "Type", 2, "invalid-choice", "Professionnel"),
    ("aptimyz", [{"Account Balance": "12.345"}], "Account Balance", 2, "number-precision", "12.35"),
    (
        "evoliz-clients",
        [{"Email": "anne@exemple.fr, paul@exemple.fr"}],
        "Email",
        2,
        "several-emails",
        "anne@exemple.fr",
    ),
    ("hokus", [{"birthdate": "02/07/85"}], "birthdate", 2, "date-format", "02/07/1985"),
    ("hokus", [{"birthdate": "1er mai 85"}], "birthdate", 2, "date-format", "01/05/1985"),
    (  # month/day evidence that stays in the column (a two-digit year is not fixed either)
        "hokus",
        [{"idDocumentExpirationDate": "12/25/30"}, {"idDocumentExpirationDate": "03/04/2030"}],
        "idDocumentExpirationDate",
        3,
        "date-ambiguous",
        "04/03/2030",
    ),
    ("flokon", [{"Code postal": "G1P OAO"}], "Code postal", 2, "invalid-postal-code", "G1P 0A0"),
    ("hokus", [{"personHomeZip": "ABCDE"}], "personHomeZip", 2, "invalid-postal-code", None),
]


@pytest.mark.parametrize(
    "case",
    UNSAFE_CASES,
    ids=[f"{case[0]}-{case[4]}-{case[1][-1][case[2]]!r}" for case in UNSAFE_CASES],
)
def test_guesses_are_left_to_the_user(
    case: tuple[str, list[Row], str, int, str, str | None],
) -> None:
    profile_name, rows, column, row, code, suggestion = case
    profile = get_profile(profile_name)
    table = _table(profile_name, *rows)
    position = table.headers.index(column)
    (issue,) = [i for i in _at(validate(table, profile).issues, row, position) if i.code == code]
    assert issue.suggestion == suggestion
    assert not is_safe(issue, profile)

    result = fix_table(table, profile)

    assert [c for c in result.changes if c.position == position] == []
    kept = _cell(result.table, row, position)
    assert kept == rows[row - 2][column] and type(kept) is type(rows[row - 2][column])
    left = [i for i in _at(result.report.issues, row, position) if i.code == code]
    assert [(i.suggestion, i.value) for i in left] == [(suggestion, issue.value)]


def test_fixing_the_month_day_evidence_keeps_the_ambiguity_reported() -> None:
    profile = get_profile("hokus")
    table = _table(
        "hokus",
        {"idDocumentExpirationDate": "12/25/2024"},
        {"idDocumentExpirationDate": "03/04/2024"},
    )
    position = table.headers.index("idDocumentExpirationDate")
    (before,) = _at(validate(table, profile).issues, 3, position)
    assert (before.code, before.suggestion) == ("date-ambiguous", "04/03/2024")

    result = fix_table(table, profile)

    assert _cell(result.table, 3, position) == "03/04/2024"
    # the column was written month/day: 03/04/2024 is still 4 March or 3 April
    assert [i.code for i in _at(result.report.issues, 3, position)] == ["date-ambiguous"]


def test_no_leading_zero_is_added_for_a_country_that_is_not_recognised() -> None:
    profile = get_profile("hokus")
    table = _table("hokus", {"personHomeCountry": "Belgie", "personHomeZip": 1000})
    zip_position = table.headers.index("personHomeZip")

    result = fix_table(table, profile)

    assert [c.cell for c in result.changes] == []
    assert _cell(result.table, 2, zip_position) == 1000


def test_forbidden_characters_are_replaced_only_where_the_profile_allows_it() -> None:
    hokus = get_profile("hokus")
    characters = hokus.file.characters.model_copy(update={"fix_forbidden": False})
    strict: Profile = hokus.model_copy(
        update={"file": hokus.file.model_copy(update={"characters": characters})}
    )
    table = _table("hokus", {"birthCity": "Lyon; centre", "civilTitle": "Madame"})
    position = table.headers.index("birthCity")

    result = fix_table(table, strict)

    assert [c.column for c in result.changes] == ["civilTitle"]  # other fixes still apply
    assert _cell(result.table, 2, position) == "Lyon; centre"
    (left,) = _at(result.report.issues, 2, position)
    assert (left.code, left.suggestion) == ("forbidden-character", "Lyon, centre")
    assert not is_safe(left, strict) and is_safe(left, hokus)


def test_issues_without_a_cell_or_a_suggestion_are_never_safe() -> None:
    table = _table("hokus", {"personPhone": "06 12", "personEmail": "paul@exemple"})
    issues = validate(table, get_profile("hokus")).issues
    codes = {issue.code: issue for issue in issues}
    assert codes["invalid-phone"].suggestion is None
    assert not is_safe(codes["invalid-phone"], get_profile("hokus"))
    assert not is_safe(codes["invalid-email"], get_profile("hokus"))
    # a safe code placed on no cell (a file-level issue) has nowhere to be written
    loose = codes["invalid-phone"]._replace(code="extra-spaces", suggestion="x", row=None)
    assert not is_safe(loose, get_profile("hokus"))
    assert fix_table(table, get_profile("hokus")).changes == []


# --- locked cells, the log, the report ---------------------------------------------------------

HOKUS_ROWS: list[Row] = [
    {"civilTitle": "Madame", "birthdate": "1985-07-02", "nationality": "FRA"},
    {"distributorId": "C2", "civilTitle": "Monsieur", "personEmail": "Paul@ Exemple.FR"},
]


def test_locked_cells_are_never_written() -> None:
    profile = get_profile("hokus")
    table = _table("hokus", *HOKUS_ROWS)
    title, country = table.headers.index("civilTitle"), table.headers.index("nationality")

    result = fix_table(table, profile, locked={(2, title), (2, country)})

    assert _cell(result.table, 2, title) == "Madame"
    assert _cell(result.table, 2, country) == "FRA"
    assert {c.cell for c in result.changes} == {"J2", "B3", "P3"}
    # the locked cells' issues are still there for the user
    assert [i.code for i in _at(result.report.issues, 2, title)] == ["choice-format"]
    assert [i.code for i in _at(result.report.issues, 2, country)] == ["country-format"]


def test_formula_cells_without_a_value_are_left_alone() -> None:
    formula = FormulaCell('=CONCATENATE("04 78 ";"12 34 56")')
    table = _table("hokus", {"personPhone": formula, "civilTitle": "Madame"})
    result = fix_table(table, get_profile("hokus"))
    assert [c.column for c in result.changes] == ["civilTitle"]
    assert _cell(result.table, 2, table.headers.index("personPhone")) is formula


def test_the_log_holds_each_cell_once_with_its_first_value() -> None:
    table = _table("hokus", *HOKUS_ROWS)
    result = fix_table(table, get_profile("hokus"))
    assert [(c.cell, c.column, c.before, c.after, c.codes) for c in result.changes] == [
        ("B2", "civilTitle", "Madame", "Mme", ("choice-format",)),
        ("H2", "nationality", "FRA", "France", ("country-format",)),
        ("J2", "birthdate", "1985-07-02", "02/07/1985", ("date-format",)),
        ("B3", "civilTitle", "Monsieur", "M.", ("choice-format",)),
        ("P3", "personEmail", "Paul@ Exemple.FR", "Paul@exemple.fr", ("email-format",)),
    ]


def test_the_report_given_is_used_and_gives_the_same_fixes() -> None:
    profile = get_profile("hokus")
    table = _table("hokus", *HOKUS_ROWS)
    report = validate(table, profile)
    given = fix_table(table, profile, report=report)
    assert given.before is report
    assert given.changes == fix_table(table, profile).changes


def test_the_hokus_sample_changes_exactly_these_cells() -> None:
    table, report = read_and_validate(SAMPLES / "hokus.csv", get_profile("hokus"))
    result = fix_table(table, report.profile, report=report)
    assert [(c.cell, c.before, c.after, c.codes) for c in result.changes] == [
        ("B3", "Madame", "Mme", ("choice-format",)),
        ("F3", "5 avenue Foch; Bât. B", "5 avenue Foch, Bât. B", ("forbidden-character",)),
        ("J3", "1985-07-02", "02/07/1985", ("date-format",)),
        ("O3", "1000", "01000", ("postal-code-leading-zero",)),
    ]  # the domain in capitals and the national phone forms are taken by Hokus as typed
    # what is left: the fuzzy country, the impossible date, the British postcode...
    left = {(i.cell, i.code, i.suggestion) for i in result.report.issues}
    assert ("H5", "unknown-country", "Allemagne") in left
    assert ("N5", "not-a-country", "Royaume-Uni") in left
    assert ("J5", "invalid-date", None) in left
    assert ("O5", "invalid-postal-code", None) in left


@pytest.mark.parametrize("sample", sorted(p.name for p in SAMPLES.iterdir()))
def test_fixing_a_sample_twice_changes_nothing_more(sample: str) -> None:
    table, report = read_and_validate(SAMPLES / sample, None)
    profile = report.profile
    result = fix_table(table, profile, report=report)
    assert result.changes, f"{sample} has safe fixes to show"
    assert result.before is report
    assert len(result.report.issues) < len(report.issues)
    assert not [i for i in result.report.issues if is_safe(i, profile)]
    assert result.report.issues == validate(result.table, profile).issues

    again = fix_table(result.table, profile)
    assert again.changes == []
    assert again.table.columns == result.table.columns

    # every changed cell is in the log, with its value before and after; nothing else moved
    changed = {(c.row, c.position): c for c in result.changes}
    for position, (old, new) in enumerate(zip(table.columns, result.table.columns, strict=True)):
        for row, before, after in zip(table.row_numbers, old, new, strict=True):
            change = changed.pop((row, position), None)
            if change is None:
                assert after == before
            else:
                assert (change.before, change.after) == (before, after)
                assert change.column == table.headers[position]
                assert all(code in FIXABLE for code in change.codes)
    assert changed == {}


def test_a_consent_is_never_guessed_from_a_tick_mark() -> None:
    """Aptimyz' « Marketing Allowed » is a customer's consent: an explicit « oui » or « non » is
    written Y or N, but an « x » in the column is not taken for a yes (it would be a consent
    the customer never gave); on another flag column, a tick still means yes."""
    profile = get_profile("aptimyz")
    table = _table(
        "aptimyz",
        {"Marketing Allowed": "oui", "Email Receipt": "x"},
        {"Marketing Allowed": "x", "Email Receipt": "ok"},
        {"Marketing Allowed": "OK", "Email Receipt": "non"},
        {"Marketing Allowed": "Non", "Email Receipt": "1"},
    )
    consent = table.headers.index("Marketing Allowed")
    receipt = table.headers.index("Email Receipt")

    result = fix_table(table, profile)

    assert [_cell(result.table, row, consent) for row in (2, 3, 4, 5)] == ["Y", "x", "OK", "N"]
    assert [_cell(result.table, row, receipt) for row in (2, 3, 4, 5)] == ["Y", "Y", "N", "Y"]
    left = {(i.row, i.code) for i in result.report.issues if i.column == "Marketing Allowed"}
    assert left == {(3, "invalid-flag"), (4, "invalid-flag")}
