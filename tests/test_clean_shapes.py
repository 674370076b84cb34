"""Clean shapes: a text a shape matches must be one the full check leaves as it is.

The engine skips the full check for texts matching their column's clean shape, so each shape
is a promise: such a text gets its own value back and no problem. These properties throw
texts at each promise (texts drawn from the shape itself where Hypothesis can, near misses
otherwise), then whole tables at the engine with and without the shapes.
"""

from __future__ import annotations

import re
from unittest import mock

import phonenumbers
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from addin.core import columns
from addin.core.clean_shapes import column_shape, needing_check
from addin.core.engine import validate
from addin.core.fields.base import FieldChecker, Outcome
from addin.core.fields.dates import DateChecker
from addin.core.fields.email import EmailChecker
from addin.core.fields.phone import PhoneChecker
from addin.core.fields.text import CharacterRules, TextChecker
from addin.core.profile import Characters
from addin.core.profiles import get_profile
from addin.core.table import CellValue, SourceInfo, Table

SETTINGS = settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def assert_clean(checker: FieldChecker, text: str) -> None:
    shape = getattr(checker, "clean_shape")()  # noqa: B009 - every checker here has one
    if re.fullmatch(shape, text):
        assert checker.check(text) == Outcome(text), text


# --- each checker's promise -------------------------------------------------------------------


@SETTINGS
@given(st.from_regex(TextChecker(None).clean_shape(), fullmatch=True))
@example("C0000001")
def test_clean_text_is_kept(text: str) -> None:
    assert_clean(TextChecker(None), text)


@SETTINGS
@given(st.text(alphabet=" a\t\u00a0\u202f\r\n;é", max_size=12))
def test_text_near_misses(text: str) -> None:
    assert_clean(TextChecker(None), text)
    assert_clean(TextChecker(5), text)


@SETTINGS
@given(st.from_regex(re.compile(str(DateChecker().clean_shape())), fullmatch=True))
@example("28/02/2023")
@example("31/12/2100")
def test_clean_date_is_kept(text: str) -> None:
    assert_clean(DateChecker(), text)


@SETTINGS
@given(st.from_regex(r"[0-3]?[0-9]/[01]?[0-9]/(?:1[89]|2[01])[0-9][0-9]", fullmatch=True))
@example("29/02/2024")
@example("31/04/2020")
@example("01/01/1899")
def test_date_near_misses(text: str) -> None:
    assert_clean(DateChecker(), text)
    assert_clean(DateChecker(min_year=1950, max_year=2035), text)


def test_month_day_column_has_no_clean_shape() -> None:
    assert DateChecker(order="mdy").clean_shape() is None
    assert DateChecker(output_format="%Y-%m-%d").clean_shape() is None


LOCAL = st.text(alphabet="ab.-_+Z9é@ ", min_size=0, max_size=8)
DOMAIN = st.text(alphabet="ab.-9xnZ", min_size=0, max_size=10)
TLD = st.sampled_from(["fr", "com", "test", "local", "onion", "x", "FR", "localhost", "arpa"])


@SETTINGS
@given(LOCAL, DOMAIN, TLD)
@example("a", "x--y", "fr")
@example("a", "xn--bcher-kva", "fr")
@example("a" * 65, "x", "fr")
@example("a", "b" * 64, "fr")
def test_clean_email_is_kept(local: str, domain: str, tld: str) -> None:
    assert_clean(EmailChecker(), f"{local}@{domain}.{tld}")


PHONE_REGIONS = ("FR", "BE", "CH", "DE", "ES", "LU", "MC")


@SETTINGS
@given(
    st.sampled_from(PHONE_REGIONS),
    st.sampled_from(["+", "+0", "00", ""]),
    st.text(alphabet="0123456789", min_size=2, max_size=14),
)
@example("FR", "+", "33612345678")
@example("FR", "+", "33012345678")
@example("FR", "+", "3361234567")
def test_clean_e164_is_kept(region: str, plus: str, digits: str) -> None:
    code = str(phonenumbers.country_code_for_region(region))
    checker = PhoneChecker(region, "e164")
    assert_clean(checker, plus + digits)
    assert_clean(checker, plus + code + digits)


def test_every_region_example_fits_its_clean_shape_when_it_has_one() -> None:
    """The shape covers the region's plain valid numbers, and those are clean."""
    for region in sorted(phonenumbers.SUPPORTED_REGIONS):
        checker = PhoneChecker(region, "e164")
        shape = checker.clean_shape()
        if shape is None:
            continue
        number = phonenumbers.example_number(region)
        if number is None or number.italian_leading_zero:
            continue  # leading zeros (Benin, Italy) are left to phonenumbers
        e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
        assert re.fullmatch(shape, e164), (region, e164)
        assert checker.check(e164) == Outcome(e164), region


def test_only_e164_platforms_have_a_phone_shape() -> None:
    assert PhoneChecker("FR", "national").clean_shape() is None
    assert PhoneChecker("CA", "e164").clean_shape() is None  # +1 is shared by many regions


# --- the column's own rules on top of the shape --------------------------------------------------


def test_column_rules_narrow_the_shape() -> None:
    hokus = get_profile("hokus")
    rules = CharacterRules.from_profile(hokus.file.characters)
    shape = column_shape(hokus.field("Lastname"), TextChecker(None), rules)
    assert shape is not None
    assert needing_check(["Martin", "Mar;tin", " Martin", "Le Roux", "a\nb"], shape) == [
        "Mar;tin",
        " Martin",
        "a\nb",
    ]
    accents = CharacterRules.from_profile(Characters(accents="warning"))
    shape = column_shape(hokus.field("Lastname"), TextChecker(None), accents)
    assert shape is not None
    assert needing_check(["Lefèvre", "Lefevre"], shape) == ["Lefèvre"]
    listed = CharacterRules.from_profile(Characters(allowed_pattern="[a-z]"))
    assert column_shape(hokus.field("Lastname"), TextChecker(None), listed) is None


def test_length_limit_narrows_the_shape() -> None:
    column = get_profile("hokus").field("Lastname").model_copy(update={"max_length": 4})
    shape = column_shape(column, TextChecker(None), None)
    assert shape is not None
    assert needing_check(["Roux", "Petit"], shape) == ["Petit"]


# --- whole tables: the same report with and without the shapes --------------------------------

POOL = [
    "C0000001", "C0000001", "Mme", "Madame", "Société", "Martin", "Lefèvre", "  x  ", "a  b",
    "a;b", "x\ny", "é", "France", "FR", "Belgique", "XX", "75011", "1000", "01000",
    "14/03/1978", "29/02/2024", "29/02/2023", "31/04/2020", "1978-03-14", "45678", "1985",
    "claire.martin@exemple.fr", "Claire@Exemple.FR", "jean@@x.fr", "a@x.test", "a@x--y.fr",
    "+33612345678", "+33600000000", "+33639123456", "+3361234567", "06 12 34 56 78",
    "04 93 16 19 78", "0612345678", "06 12 34 56 78 / 01 42 68 53 00", "+1 418 692 2121",
    "612345678", "'0612345678", "Y", "oui", "12,5", "", " ", None,
]  # fmt: skip
CELL = st.one_of(st.sampled_from(POOL), st.text(alphabet="aé ;0+6@.x/\n", max_size=10))


def full_report(table: Table, profile: str) -> list[list[object]]:
    report = validate(table, get_profile(profile))
    keys = ["row", "column", "field", "severity", "code", "value", "suggestion", "params"]
    return [*report.flatten(keys), [i.message("en") for i in report.issues], report.valid_rows]


@pytest.mark.parametrize("profile", ["hokus", "aptimyz", "evoliz-clients", "reveal"])
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_shapes_change_nothing_in_the_report(profile: str, data: st.DataObject) -> None:
    headers = [c.header for c in get_profile(profile).fields]
    rows: list[list[CellValue]] = data.draw(
        st.lists(st.lists(CELL, min_size=len(headers), max_size=len(headers)), max_size=12)
    )
    table = Table.from_rows(headers, list(rows), SourceInfo(path="t.csv", kind="csv"))
    fast = full_report(table, profile)
    with mock.patch.object(columns, "column_shape", return_value=None):
        slow = full_report(table, profile)
    assert fast == slow
