"""Dates: every way a date reaches a sheet, read, written DD/MM/YYYY, never guessed silently."""

from __future__ import annotations

import datetime as dt
import re
from unittest import mock

import pytest
from hypothesis import given
from hypothesis import strategies as st
from openpyxl.utils.datetime import from_excel

from addin.core.catalogue import CATALOGUE, render
from addin.core.fields import dates
from addin.core.fields.base import Outcome
from addin.core.fields.dates import DateChecker, Order, column_order
from addin.core.table import CellValue

DATES = DateChecker(two_digit_pivot=25)
MDY = DateChecker(order="mdy", two_digit_pivot=25)


def summary(outcome: Outcome) -> tuple[str | None, list[tuple[str, str, str | None, str]]]:
    """Value, then (code, severity, suggestion, reading) for each problem."""
    return outcome.value, [
        (p.code, p.severity, p.suggestion, p.params.get("reading", "")) for p in outcome.problems
    ]


def assert_renders(outcome: Outcome) -> None:
    for p in outcome.problems:
        assert p.code in CATALOGUE
        params = {"value": "x", "column": "Date", "platform": "Hokus", **p.params}
        for lang in ("fr", "en"):
            text = render(p.code, params, lang, p.suggestion)
            assert "{" not in text, text


def warning(value: str, reading: str) -> tuple[str, list[tuple[str, str, str | None, str]]]:
    return value, [("date-format", "warning", value, reading)]


INVALID: tuple[None, list[tuple[str, str, str | None, str]]] = (
    None,
    [("invalid-date", "error", None, "")],
)


def test_the_expected_form_is_valid() -> None:
    assert summary(DATES.check("03/04/2024")) == ("03/04/2024", [])
    assert summary(DATES.check("31/12/1980")) == ("31/12/1980", [])
    assert summary(DATES.check("29/02/2024")) == ("29/02/2024", [])


def test_date_cells_are_valid_whatever_their_time() -> None:
    assert summary(DATES.check(dt.date(2024, 4, 3))) == ("03/04/2024", [])
    assert summary(DATES.check(dt.datetime(2024, 4, 3, 17, 45))) == ("03/04/2024", [])


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("3/4/2024", warning("03/04/2024", "3 avril 2024, lue jour/mois")),
        ("03-04-2024", warning("03/04/2024", "3 avril 2024, lue jour/mois")),
        ("03.04.2024", warning("03/04/2024", "3 avril 2024, lue jour/mois")),
        ("03 04 2024", warning("03/04/2024", "3 avril 2024, lue jour/mois")),
        ("25-12-2024", warning("25/12/2024", "25 décembre 2024")),
        (" 25/12/2024 ", warning("25/12/2024", "25 décembre 2024")),
        ("25/12/2024 10:30", warning("25/12/2024", "25 décembre 2024, heure ignorée")),
        ("2024-04-03", warning("03/04/2024", "3 avril 2024")),
        ("2024/04/03", warning("03/04/2024", "3 avril 2024")),
        ("2024-04-03T10:30:00", warning("03/04/2024", "3 avril 2024, heure ignorée")),
        ("2024-04-03 10:30:00", warning("03/04/2024", "3 avril 2024, heure ignorée")),
        ("2024-04-03T10:30:00.123+02:00", warning("03/04/2024", "3 avril 2024, heure ignorée")),
        ("2024-04-03 00:00:00", warning("03/04/2024", "3 avril 2024")),
        ("3 avril 2024", warning("03/04/2024", "3 avril 2024")),
        ("3 avr. 2024", warning("03/04/2024", "3 avril 2024")),
        ("03-avr.-24", warning("03/04/2024", "3 avril 2024, année 24 lue 2024")),
        ("1er mai 2024", warning("01/05/2024", "1er mai 2024")),
        ("mercredi 3 avril 2024", warning("03/04/2024", "3 avril 2024")),
        ("le 14 juillet 1789", (None, [("date-out-of-range", "error", None, "")])),
        ("14 Juillet 1989", warning("14/07/1989", "14 juillet 1989")),
        ("3 février 2024", warning("03/02/2024", "3 février 2024")),
        ("3 fevrier 2024", warning("03/02/2024", "3 février 2024")),
        ("15 août 2024", warning("15/08/2024", "15 août 2024")),
        ("April 3, 2024", warning("03/04/2024", "3 avril 2024")),
        ("Apr 3rd 2024", warning("03/04/2024", "3 avril 2024")),
        ("3 April 2024", warning("03/04/2024", "3 avril 2024")),
        ("12/25/2024", warning("25/12/2024", "25 décembre 2024, écrite mois/jour")),
        ("03/04/85", warning("03/04/1985", "3 avril 1985, lue jour/mois, année 85 lue 1985")),
        ("25/12/25", warning("25/12/2025", "25 décembre 2025, année 25 lue 2025")),
        ("25/12/26", warning("25/12/1926", "25 décembre 1926, année 26 lue 1926")),
    ],
)
def test_other_writings_are_read_and_say_how(
    typed: str, expected: tuple[str | None, list[tuple[str, str, str | None, str]]]
) -> None:
    outcome = DATES.check(typed)
    assert summary(outcome) == expected
    assert_renders(outcome)


@pytest.mark.parametrize(
    "typed",
    [
        "31/02/2024",
        "29/02/2023",
        "13/13/2020",
        "hier",
        "2024",
        "avril 2024",
        "3 avril",
        "lundi 3 avril 2024",  # 3 April 2024 was a Wednesday
        "2024-13-01",
        "2024-04-03T25:00",
        "0000-01-01",
        "03/04/2024 24:00",
        "3/4",
        "TRUE",
    ],
)
def test_invalid_dates(typed: str) -> None:
    outcome = DATES.check(typed)
    assert summary(outcome) == INVALID
    assert_renders(outcome)


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        (45678, warning("21/01/2025", "numéro de série Excel 45678 = 21/01/2025")),
        (
            45678.75,
            warning("21/01/2025", "numéro de série Excel 45678.75 = 21/01/2025, heure ignorée"),
        ),
        ("45678", warning("21/01/2025", "numéro de série Excel 45678 = 21/01/2025")),
        (1, warning("01/01/1900", "numéro de série Excel 1 = 01/01/1900")),
        (59, warning("28/02/1900", "numéro de série Excel 59 = 28/02/1900")),
        (61, warning("01/03/1900", "numéro de série Excel 61 = 01/03/1900")),
        (60, INVALID),  # Lotus 1-2-3's 29/02/1900, which never existed
        (0, INVALID),
        (-5, INVALID),
        (1985, INVALID),  # a year alone, not 07/06/1905
        (2958466, INVALID),
        (float("nan"), INVALID),
        (float("inf"), INVALID),
    ],
)
def test_excel_serial_numbers(
    cell: CellValue, expected: tuple[str | None, list[tuple[str, str, str | None, str]]]
) -> None:
    assert summary(DATES.check(cell)) == expected


@pytest.mark.parametrize("serial", [1, 59, 61, 10000, 25569, 45678, 73050])
def test_serials_agree_with_openpyxl(serial: int) -> None:
    assert DATES.check(serial).value == from_excel(serial).strftime("%d/%m/%Y")


@pytest.mark.parametrize(
    ("cell", "reason"),
    [
        ("01/01/1899", "année antérieure à 1900"),
        ("01/01/2101", "année postérieure à 2100"),
        ("0024-01-01", "année antérieure à 1900"),
        (dt.date(1850, 1, 1), "année antérieure à 1900"),
        (dt.datetime(2200, 1, 1), "année postérieure à 2100"),
        (2958465, "année postérieure à 2100"),  # 31/12/9999
    ],
)
def test_implausible_years(cell: CellValue, reason: str) -> None:
    outcome = DATES.check(cell)
    assert outcome.value is None
    assert [(p.code, p.severity, p.params["reason"]) for p in outcome.problems] == [
        ("date-out-of-range", "error", reason)
    ]
    assert_renders(outcome)


def test_year_limits_are_settings() -> None:
    births = DateChecker(min_year=1920, max_year=2010)
    assert births.check("01/01/1919").problems[0].code == "date-out-of-range"
    assert births.check("01/01/2011").problems[0].params["reason_en"] == "year after 2010"
    assert births.check("01/01/1990").ok


# --- month/day order -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("values", "order"),
    [
        (["12/25/2024", "03/04/2024"], "mdy"),
        (["12/25/2024", "1/13/24", 45678, dt.date(2024, 1, 1), None], "mdy"),
        (["25/12/2024", "03/04/2024"], "dmy"),
        (["25/12/2024", "12/25/2024"], "unknown"),
        (["03/04/2024", "2024-12-25", "25 décembre 2024"], "unknown"),
        (["02/30/2024"], "unknown"),  # not a date either way: no evidence
        ([], "unknown"),
    ],
)
def test_column_order(values: list[CellValue], order: str) -> None:
    assert column_order(values) == order


def test_month_day_columns_make_two_way_dates_errors() -> None:
    outcome = MDY.check("03/04/2024")
    assert summary(outcome) == (
        None,
        [("date-ambiguous", "error", "04/03/2024", "3 avril ou 4 mars")],
    )
    assert outcome.problems[0].params["reading_en"] == "3 April or 4 March"
    assert_renders(outcome)
    assert summary(MDY.check("3/4/85")) == (
        None,
        [("date-ambiguous", "error", "04/03/1985", "3 avril ou 4 mars ; année 85 lue 1985")],
    )


def test_month_day_columns_keep_what_reads_one_way() -> None:
    assert summary(MDY.check("25/12/2024")) == ("25/12/2024", [])
    assert summary(MDY.check("03/03/2024")) == ("03/03/2024", [])
    assert summary(MDY.check("12/25/2024")) == warning(
        "25/12/2024", "25 décembre 2024, écrite mois/jour"
    )
    assert summary(MDY.check("2024-04-03")) == warning("03/04/2024", "3 avril 2024")


def test_for_column_builds_with_the_evidence() -> None:
    checker = DateChecker.for_column(["12/25/2024", "03/04/2024"])
    assert checker.order == "mdy"
    assert checker.check("03/04/2024").problems[0].code == "date-ambiguous"
    assert DateChecker.for_column(["25/12/2024", "03/04/2024"]).check("03/04/2024").ok


def test_other_output_formats() -> None:
    iso = DateChecker(output_format="%Y-%m-%d")
    assert summary(iso.check("2024-04-03")) == ("2024-04-03", [])
    assert summary(iso.check("03/04/2024")) == warning("2024-04-03", "3 avril 2024, lue jour/mois")
    assert summary(iso.check(dt.date(2024, 4, 3))) == ("2024-04-03", [])


def test_default_pivot_is_the_current_year() -> None:
    this_year = dt.date.today().year
    yy = f"{this_year % 100:02d}"
    assert DateChecker().check(f"01/01/{yy}").value == f"01/01/{this_year}"


# --- properties ----------------------------------------------------------------------------

in_range = st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2100, 12, 31))


ORDERS: list[Order] = ["unknown", "dmy", "mdy"]


@given(in_range, st.sampled_from(ORDERS))
def test_any_date_formatted_is_valid_unchanged(date: dt.date, order: Order) -> None:
    checker = DateChecker(order=order)
    text = date.strftime("%d/%m/%Y")
    outcome = checker.check(text)
    if order == "mdy" and date.day <= 12 and date.day != date.month:
        assert outcome.problems[0].code == "date-ambiguous"
    else:
        assert summary(outcome) == (text, [])
    assert summary(checker.check(date)) == (text, [])


@given(
    in_range,
    st.sampled_from(
        [
            "%d/%m/%Y",
            "%-d/%-m/%Y",
            "%d-%m-%Y",
            "%d.%m.%y",
            "%Y-%m-%d",
            "%Y-%m-%dT%H:%M:%S",
            "%d %B %Y",
            "%B %d, %Y",
            "%d %b %Y",
        ]
    ),
)
def test_normalising_twice_changes_nothing(date: dt.date, fmt: str) -> None:
    text = dt.datetime.combine(date, dt.time(10, 30)).strftime(fmt)
    once = DATES.check(text)
    if once.value is None:  # a two-digit year out of range, or read month/day
        return
    assert summary(DATES.check(once.value)) == (once.value, [])


@given(in_range)
def test_a_fix_never_invents_a_date(date: dt.date) -> None:
    """Whatever the writing, the date read back is the date written (day/month first)."""
    expected = date.strftime("%d/%m/%Y")
    for text in (date.isoformat(), date.strftime("%d-%m-%Y"), date.strftime("%d %B %Y")):
        assert DATES.check(text).value == expected


@given(st.text(max_size=40) | st.integers() | st.floats())
def test_never_raises(value: str | int | float) -> None:
    for checker in (DATES, MDY):
        outcome = checker.check(value)
        assert (outcome.value is None) == (not outcome.ok)
        assert_renders(outcome)


#: Dates as typed: DD/MM/YYYY, and either order with any separator (12/25/2024, 3.4.2024).
_DATE_LIKE = r"[0-3][0-9]/[0-1][0-9]/(?:19|20)[0-9]{2}|[0-9]{1,2}([/.-])[0-9]{1,2}\1[0-9]{4}"


@given(st.lists(st.from_regex(_DATE_LIKE, fullmatch=True), max_size=30))
def test_column_order_skip_changes_nothing(values: list[str]) -> None:
    """Skipping DD/MM/YYYY dates with a month ≤ 12 once day/month evidence is found."""
    with mock.patch.object(dates, "_MONTH_SECOND", re.compile(r"(?!)")):
        slow = column_order(list(values))
    assert column_order(list(values)) == slow
