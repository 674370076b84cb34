"""Postal codes: the row's country decides the rule; lost zeros and stray spaces are put back."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from addin.core.catalogue import CATALOGUE, render
from addin.core.fields.base import Outcome
from addin.core.fields.postal import PostalCodeChecker
from addin.core.table import CellValue

FR = PostalCodeChecker("FR")
CA = PostalCodeChecker("CA")


def summary(outcome: Outcome) -> tuple[str | None, list[tuple[str, str, str | None]]]:
    return outcome.value, [(p.code, p.severity, p.suggestion) for p in outcome.problems]


def assert_renders(outcome: Outcome) -> None:
    for p in outcome.problems:
        assert p.code in CATALOGUE
        params = {"value": "x", "column": "Code postal", "platform": "Hokus", **p.params}
        for lang in ("fr", "en"):
            text = render(p.code, params, lang, p.suggestion)
            assert "{" not in text, text


def fmt(value: str) -> tuple[str, list[tuple[str, str, str | None]]]:
    return value, [("postal-code-format", "warning", value)]


def zero(value: str) -> tuple[str, list[tuple[str, str, str | None]]]:
    return value, [("postal-code-leading-zero", "error", value)]


def invalid(suggestion: str | None = None) -> tuple[None, list[tuple[str, str, str | None]]]:
    return None, [("invalid-postal-code", "error", suggestion)]


@pytest.mark.parametrize(
    ("cell", "country", "expected"),
    [
        ("75001", None, ("75001", [])),
        (75001, None, ("75001", [])),
        ("20000", "FR", ("20000", [])),  # Corsica: 2A/2B are not postal codes
        ("97100", "FR", ("97100", [])),
        (1220, None, zero("01220")),
        (1220.0, None, zero("01220")),
        ("1220", None, zero("01220")),
        ("75 001", None, fmt("75001")),
        (" 75001 ", None, fmt("75001")),
        ("75.001", None, fmt("75001")),
        ("F-75001", None, fmt("75001")),
        ("FR 75001", None, fmt("75001")),
        ("00123", None, invalid()),
        ("96000", None, invalid()),
        ("750011", None, invalid()),
        ("123", None, invalid()),
        ("Paris", None, invalid()),
        ("98000", "MC", ("98000", [])),
        ("MC-98000", "MC", fmt("98000")),
        ("75001", "MC", invalid()),
        ("97100", "GP", ("97100", [])),
        ("97200", "MQ", ("97200", [])),
        ("97300", "GF", ("97300", [])),
        ("97400", "RE", ("97400", [])),
        ("97500", "PM", ("97500", [])),
        ("97600", "YT", ("97600", [])),
        ("97133", "BL", ("97133", [])),
        ("97150", "MF", ("97150", [])),
        ("98800", "NC", ("98800", [])),
        ("97400", "GP", invalid()),
        ("G1P 0A0", "CA", ("G1P 0A0", [])),
        ("g1p0a0", "CA", fmt("G1P 0A0")),
        ("G1P-0A0", "CA", fmt("G1P 0A0")),
        ("G1P  0A0", "CA", fmt("G1P 0A0")),
        ("h3z 2y7", "CA", fmt("H3Z 2Y7")),
        ("G1P OAO", "CA", invalid("G1P 0A0")),
        ("W1P 0A0", "CA", invalid()),  # W and Z never start a Canadian code
        ("Z1P 0A0", "CA", invalid()),
        ("D1P 0A0", "CA", invalid()),  # D F I O Q U are never used
        ("G1U 0A0", "CA", invalid()),
        ("G1P 0A", "CA", invalid()),
        ("75001", "CA", invalid()),
        ("1000", "BE", ("1000", [])),
        (9999, "BE", ("9999", [])),
        ("B-1000", "BE", fmt("1000")),
        ("0999", "BE", invalid()),
        ("10000", "BE", invalid()),
        ("1200", "CH", ("1200", [])),
        ("CH-1200", "CH", fmt("1200")),
        ("9490", "LI", ("9490", [])),
        ("1200", "LI", invalid()),
        ("10001", "US", ("10001", [])),
        ("10001-1234", "US", ("10001-1234", [])),
        ("100011234", "US", fmt("10001-1234")),
        ("10001 1234", "US", fmt("10001-1234")),
        (2134, "US", zero("02134")),
        ("1000", "US", zero("01000")),
        ("SW1A 1AA", "GB", ("SW1A 1AA", [])),
        ("sw1a1aa", "GB", fmt("SW1A 1AA")),
        ("M1 1AE", "GB", ("M1 1AE", [])),
        ("B33 8TH", "GB", ("B33 8TH", [])),
        ("CR2 6XH", "GB", ("CR2 6XH", [])),
        ("DN55 1PT", "GB", ("DN55 1PT", [])),
        ("EC1A1BB", "GB", fmt("EC1A 1BB")),
        ("GY1 1AA", "GG", ("GY1 1AA", [])),
        ("QQ1 1AA", "GB", invalid()),
        ("75001", "GB", invalid()),
        ("10115", "DE", ("10115", [])),
        ("D-10115", "DE", fmt("10115")),
        (1067, "DE", zero("01067")),
        ("1234 AB", "NL", ("1234 AB", [])),
        (" 1234 AB ", "NL", fmt("1234 AB")),
        ("L-1234", "LU", ("L-1234", [])),
        ("1", "NL", invalid()),
        ("#1234", "NL", invalid()),
        ("12345678901", "NL", invalid()),
        ("75001", "XX", ("75001", [])),  # not an ISO code: the generic rule
    ],
)
def test_rules(cell: CellValue, country: str | None, expected: object) -> None:
    outcome = FR.check_for(cell, country)
    assert summary(outcome) == expected
    assert_renders(outcome)


def test_check_uses_the_default_country() -> None:
    assert summary(CA.check("g1p0a0")) == fmt("G1P 0A0")
    assert summary(CA.check_for("g1p0a0", None)) == fmt("G1P 0A0")
    assert summary(FR.check("G1P 0A0")) == invalid()
    assert summary(FR.check_for("1000", "be")) == ("1000", [])


def test_messages_name_the_country_and_the_expected_form() -> None:
    outcome = FR.check("Paris")
    assert dict(outcome.problems[0].params) == {
        "country": "France",
        "country_en": "France",
        "expected": "5 chiffres, ex. : 75001",
        "expected_en": "5 digits, e.g. 75001",
    }
    quebec = FR.check_for("123", "CA").problems[0].params
    assert quebec["country"] == "Canada"
    assert (
        quebec["expected"] == "lettre chiffre lettre espace chiffre lettre chiffre, ex. : G1P 0A0"
    )
    assert FR.check_for("1", "DE").problems[0].params["country"] == "Allemagne"
    assert FR.check_for("1", "XX").problems[0].params["country"] == "XX"
    assert render(
        "postal-code-format",
        {"value": "g1p0a0", **CA.check("g1p0a0").problems[0].params},
        "fr",
        None,
    ) == (
        "Code postal reconnu, mais il doit s'écrire en majuscules avec une espace au milieu "
        "(ex. : G1P 0A0). Tapez-le tel que proposé."
    )


# --- properties ----------------------------------------------------------------------------

COUNTRIES = ["FR", "MC", "GP", "RE", "CA", "BE", "CH", "LI", "US", "GB", "DE", "NL", "ES"]
_ALNUM = re.compile(r"[^0-9A-Z]")


def _alnum(text: str) -> str:
    return _ALNUM.sub("", text.upper())


@given(
    st.one_of(
        st.text(max_size=12),
        st.text(alphabet="0123456789 -.ABCGHJKLMNPRSTVXYabcfgh", max_size=10),
        st.integers(min_value=0, max_value=10**9),
    ),
    st.sampled_from(COUNTRIES),
)
def test_normalising_twice_changes_nothing(value: str | int, country: str) -> None:
    once = FR.check_for(value, country)
    assert_renders(once)
    if once.value is not None:
        assert summary(FR.check_for(once.value, country)) == (once.value, [])


@given(
    st.text(alphabet="0123456789 -.ABCEGHJKLMNPRSTVWXYZabceghjklmnprstvwxyz", max_size=12),
    st.sampled_from(COUNTRIES),
)
def test_a_fix_never_invents_data(value: str, country: str) -> None:
    """The suggested code holds the typed letters and digits, save a lost zero or country prefix."""
    outcome = FR.check_for(value, country)
    if outcome.value is None or not outcome.problems:
        return
    typed, fixed = _alnum(value), _alnum(outcome.value)
    assert typed.endswith(fixed) or fixed.endswith(typed)
    assert fixed.lstrip("0") == typed.lstrip("0") or typed.endswith(fixed)


@given(
    st.sampled_from("ABCEGHJKLMNPRSTVXY"),
    st.lists(st.sampled_from("ABCEGHJKLMNPRSTVWXYZ"), min_size=2, max_size=2),
    st.lists(st.integers(0, 9), min_size=3, max_size=3),
)
def test_every_well_formed_canadian_code_is_valid(
    first: str, letters: list[str], digits: list[int]
) -> None:
    code = f"{first}{digits[0]}{letters[0]} {digits[1]}{letters[1]}{digits[2]}"
    assert summary(CA.check(code)) == (code, [])
    assert summary(CA.check(code.lower().replace(" ", ""))) == fmt(code)


@given(st.integers(min_value=1000, max_value=95999))
def test_french_codes_as_numbers(number: int) -> None:
    text = f"{number:05d}"
    outcome = FR.check(number)
    if number < 10000:
        assert summary(outcome) == zero(text)
    else:
        assert summary(outcome) == (text, [])
