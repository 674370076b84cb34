"""Text, choices, flags, numbers, identifiers and e-mail: valid, invalid and fixable inputs."""

from __future__ import annotations

import datetime as dt
import re
from unittest import mock

import pytest
from email_validator import EmailNotValidError, validate_email
from hypothesis import example, given, settings
from hypothesis import strategies as st

from addin.core.fields import email
from addin.core.fields.base import Outcome, as_text
from addin.core.fields.choice import ChoiceChecker, FlagChecker
from addin.core.fields.email import EmailChecker, is_fast_valid
from addin.core.fields.identifiers import IdentifierChecker
from addin.core.fields.numbers import DecimalChecker, IntegerChecker
from addin.core.fields.text import CharacterRules, TextChecker
from addin.core.profile import Characters


def codes(outcome: Outcome) -> list[str]:
    return [p.code for p in outcome.problems]


def summary(outcome: Outcome) -> tuple[str | None, list[str], list[str | None]]:
    return outcome.value, codes(outcome), [p.suggestion for p in outcome.problems]


def test_as_text_shows_numbers_as_typed() -> None:
    assert [as_text(v) for v in [33612345678.0, 12, 1.5, "x", dt.date(2024, 1, 2)]] == [
        "33612345678",
        "12",
        "1.5",
        "x",
        "2024-01-02",
    ]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Dupont", ("Dupont", [], [])),
        ("  Dupont ", ("Dupont", ["extra-spaces"], ["Dupont"])),
        ("Jean  Pierre", ("Jean Pierre", ["extra-spaces"], ["Jean Pierre"])),
        ("Rue\u00a0des Lilas", ("Rue des Lilas", ["extra-spaces"], ["Rue des Lilas"])),
        ("ligne 1\nligne 2", ("ligne 1 ligne 2", ["line-break"], ["ligne 1 ligne 2"])),
        (1234, ("1234", [], [])),
    ],
)
def test_text(value: str, expected: tuple[str, list[str], list[str]]) -> None:
    assert summary(TextChecker(None).check(value)) == expected


def test_text_too_long() -> None:
    assert codes(TextChecker(5).check("abcdef")) == ["text-too-long"]
    assert TextChecker(5).check("abcdef").problems[0].params["limit"] == "5"


def test_hokus_semicolon_is_forbidden_and_replaced() -> None:
    rules = CharacterRules.from_profile(Characters(forbidden=[";"], replacements={";": ","}))
    assert rules is not None
    [found] = rules.problems("Bât. A; 2e étage")
    assert (found.code, found.severity, found.suggestion) == (
        "forbidden-character",
        "error",
        "Bât. A, 2e étage",
    )


def test_aptimyz_quotes_accents_and_unusual_characters() -> None:
    rules = CharacterRules.from_profile(
        Characters(
            forbidden=["'", '"', "’"],
            accents="warning",
            allowed_pattern=r"[A-Za-z0-9 ()\[\]\-+=&/<>,.@_€$£]",
            allowed_description="lettres, chiffres et ( ) [ ] - + = & / < > ,",
        )
    )
    assert rules is not None
    found = rules.problems("L’Hôtel #1")
    assert [(p.code, p.severity, p.suggestion) for p in found] == [
        ("forbidden-character", "error", "LHôtel #1"),
        ("accented-character", "warning", "LHotel #1"),
        ("unusual-character", "warning", None),
    ]
    assert CharacterRules.from_profile(Characters()) is None


CIVIL = ChoiceChecker(
    ["Mme", "M.", "M. et Mme", "Société"],
    {"Mme": ["Madame"], "M.": ["Monsieur", "Mr"], "Société": ["Entreprise"]},
)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Mme", ("Mme", [], [])),
        ("mme", ("Mme", ["choice-format"], ["Mme"])),
        ("M", ("M.", ["choice-format"], ["M."])),
        ("m et mme", ("M. et Mme", ["choice-format"], ["M. et Mme"])),
        ("SOCIETE", ("Société", ["choice-format"], ["Société"])),
        ("Madame", ("Mme", ["choice-format"], ["Mme"])),
        ("Monsieur", ("M.", ["choice-format"], ["M."])),
        ("Sociéte", ("Société", ["choice-format"], ["Société"])),
        ("Socité", (None, ["invalid-choice"], ["Société"])),
        ("Docteur", (None, ["invalid-choice"], [None])),
    ],
)
def test_choice(value: str, expected: tuple[str | None, list[str], list[str | None]]) -> None:
    assert summary(CIVIL.check(value)) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Y", ("Y", [], [])),
        ("N", ("N", [], [])),
        ("oui", ("Y", ["flag-format"], ["Y"])),
        ("Non", ("N", ["flag-format"], ["N"])),
        ("TRUE", ("Y", ["flag-format"], ["Y"])),
        (1, ("Y", ["flag-format"], ["Y"])),
        ("peut-être", (None, ["invalid-flag"], [None])),
    ],
)
def test_flag(value: str, expected: tuple[str | None, list[str], list[str | None]]) -> None:
    assert summary(FlagChecker().check(value)) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("1234.56", ("1234.56", [], [])),
        (-150, ("-150", [], [])),
        (0.1 + 0.2, ("0.3", [], [])),
        ("1 234,56", ("1234.56", ["number-format"], ["1234.56"])),
        ("1.234,56 €", ("1234.56", ["number-format"], ["1234.56"])),
        ("12.345", (None, ["number-precision"], ["12.35"])),
        ("1234567890", (None, ["number-precision"], [None])),
        # more digits than a decimal context holds: said too long, not a traceback
        ("100000000000000000000000000", (None, ["number-precision"], [None])),
        ("1" * 40 + ".5", (None, ["number-precision"], [None])),
        ("douze", (None, ["invalid-number"], [None])),
    ],
)
def test_decimal_9_2(
    value: object, expected: tuple[str | None, list[str], list[str | None]]
) -> None:
    assert summary(DecimalChecker(9, 2).check(value)) == expected  # type: ignore[arg-type]


def test_discount_3_2_percent_sign_is_removed() -> None:
    assert summary(DecimalChecker(3, 2).check("12,5 %")) == ("12.5", ["number-format"], ["12.5"])


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (30, ("30", [], [])),
        ("30", ("30", [], [])),
        (30.0, ("30", [], [])),
        ("1000", (None, ["number-out-of-range"], [None])),
        ("2.5", (None, ["not-an-integer"], [None])),
        ("-1", (None, ["number-out-of-range"], [None])),
    ],
)
def test_integer_0_999(
    value: object, expected: tuple[str | None, list[str], list[str | None]]
) -> None:
    assert summary(IntegerChecker(0, 999).check(value)) == expected  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("kind", "value", "expected"),
    [
        ("siret", "73282932000074", ("73282932000074", [], [])),
        (
            "siret",
            "732 829 320 00074",
            ("73282932000074", ["identifier-format"], ["73282932000074"]),
        ),
        ("siret", "73282932000075", (None, ["invalid-identifier"], [None])),
        ("siret", "35600000000048", ("35600000000048", [], [])),  # La Poste exception
        ("siren", "732829320", ("732829320", [], [])),
        ("vat", "FR40303265045", ("FR40303265045", [], [])),
        ("vat", "N/C", ("N/C", [], [])),
        (
            "iban",
            "FR76 3000 6000 0112 3456 7890 189",
            ("FR7630006000011234567890189", ["identifier-format"], ["FR7630006000011234567890189"]),
        ),
        ("iban", "FR7630006000011234567890188", (None, ["invalid-identifier"], [None])),
        ("bic", "BNPAFRPP", ("BNPAFRPP", [], [])),
    ],
)
def test_identifiers(
    kind: str, value: str, expected: tuple[str | None, list[str], list[str | None]]
) -> None:
    assert summary(IdentifierChecker(kind, ["N/C"]).check(value)) == expected


def test_identifier_reason_is_translated() -> None:
    [found] = IdentifierChecker("siret").check("123").problems
    assert found.params["reason"] == "nombre de caractères incorrect"
    assert found.params["reason_en"] == "wrong length"


EMAIL = EmailChecker()


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("jean.dupont@exemple.fr", ("jean.dupont@exemple.fr", [], [])),
        # a domain ignores case: the same address, no word (written lower case on export)
        ("Jean.Dupont@Exemple.FR", ("Jean.Dupont@exemple.fr", [], [])),
        (" jean@exemple.fr ", ("jean@exemple.fr", ["extra-spaces"], ["jean@exemple.fr"])),
        ("jean @exemple.fr", ("jean@exemple.fr", ["email-format"], ["jean@exemple.fr"])),
        ("mailto:jean@exemple.fr", ("jean@exemple.fr", ["email-format"], ["jean@exemple.fr"])),
        ("jean@exemple.fr; marie@exemple.fr", (None, ["several-emails"], ["jean@exemple.fr"])),
        ("jean.exemple.fr", (None, ["invalid-email"], [None])),
        ("jean@exemple", (None, ["invalid-email"], [None])),
        ("jean..d@exemple.fr", (None, ["invalid-email"], [None])),
    ],
)
def test_email(value: str, expected: tuple[str | None, list[str], list[str | None]]) -> None:
    assert summary(EMAIL.check(value)) == expected


def test_email_reason_in_french() -> None:
    [found] = EMAIL.check("jean.exemple.fr").problems
    assert found.params["reason"] == "il manque le « @ »"


def _reference(text: str) -> str | None:
    try:
        return str(validate_email(text, check_deliverability=False).normalized)
    except EmailNotValidError:
        return None


_LOCAL = st.text(alphabet="abcXYZ019._+-'!é", min_size=0, max_size=12)
_DOMAIN = st.lists(st.text(alphabet="abz09-", min_size=0, max_size=8), min_size=1, max_size=3).map(
    ".".join
)
_TLD = st.sampled_from(["fr", "com", "c", "local", "test", "x1", "Fr", "invalid", "co"])


@settings(max_examples=600, deadline=None)
@given(_LOCAL, _DOMAIN, _TLD)
def test_email_fast_path_agrees_with_email_validator(local: str, domain: str, tld: str) -> None:
    text = f"{local}@{domain}.{tld}"
    if is_fast_valid(text):
        assert _reference(text) == text


@settings(max_examples=600, deadline=None)
@given(st.one_of(_LOCAL, st.text(alphabet='ab.-_+ ;,"<>x', max_size=70)))
@example("claire.martin0exemple.fr")
@example("a" * 65)
@example("a..b")
def test_email_without_at_sign_has_email_validator_reason(text: str) -> None:
    """The shortcut for a plain local part without @ gives email-validator's own reason."""
    fast = EMAIL.check(text)
    with mock.patch.object(email, "_PLAIN_LOCAL", re.compile(r"(?!)")):  # never matches
        slow = EMAIL.check(text)
    assert fast == slow, text


@settings(max_examples=300, deadline=None)
@given(_LOCAL, _DOMAIN, _TLD)
def test_email_normalising_twice_changes_nothing(local: str, domain: str, tld: str) -> None:
    first = EMAIL.check(f"{local}@{domain}.{tld}")
    if first.value is not None:
        again = EMAIL.check(first.value)
        assert (again.value, again.problems) == (first.value, ())


@settings(max_examples=300, deadline=None)
@given(st.decimals(min_value=-999_999_999, max_value=999_999_999, places=2, allow_nan=False))
def test_decimal_normalising_twice_changes_nothing(number: object) -> None:
    checker = DecimalChecker(9, 2)
    first = checker.check(str(number))
    assert first.value is not None
    assert checker.check(first.value) == Outcome(first.value)


@settings(max_examples=300, deadline=None)
@given(
    st.sampled_from(["Mme", "M.", "M. et Mme", "Société"]),
    st.sampled_from([str.upper, str.lower, str.title, lambda s: s.replace(".", "")]),
)
def test_choice_any_spelling_normalises_to_a_valid_value(value: str, spell: object) -> None:
    first = CIVIL.check(spell(value))  # type: ignore[operator]
    assert first.value == value
    assert CIVIL.check(value) == Outcome(value)
