"""Countries: every ISO form round-trips, common names are found, ambiguity is never guessed."""

from __future__ import annotations

import gettext

import pycountry
import pytest
from hypothesis import given
from hypothesis import strategies as st

from addin.core.catalogue import CATALOGUE, render
from addin.core.fields.base import Outcome
from addin.core.fields.country import (
    CountryChecker,
    country_key,
    country_name,
    resolve_country,
)
from addin.core.profile import CountryFormat

FORMATS: list[CountryFormat] = ["fr_name", "en_name", "alpha2", "alpha3"]
_FRENCH = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["fr"])
COUNTRIES = [
    {
        "alpha2": c.alpha_2,
        "alpha3": c.alpha_3,
        "en_name": c.name,
        "fr_name": _FRENCH.gettext(c.name),
    }
    for c in pycountry.countries
]
COMMA_NAMES = [c["fr_name"] for c in COUNTRIES if "," in c["fr_name"]]

FR = CountryChecker("fr_name")


def summary(outcome: Outcome) -> tuple[str | None, list[tuple[str, str, str | None]]]:
    """An outcome in one comparable line: value, then (code, severity, suggestion) each."""
    return outcome.value, [(p.code, p.severity, p.suggestion) for p in outcome.problems]


def assert_renders(outcome: Outcome) -> None:
    """Every problem uses a catalogue code and fills all the parameters its messages name."""
    for p in outcome.problems:
        assert p.code in CATALOGUE
        assert all(isinstance(v, str) for v in p.params.values())
        params = {"value": "x", "column": "Pays", "platform": "Hokus", **p.params}
        for lang in ("fr", "en"):
            text = render(p.code, params, lang, p.suggestion)
            assert "{" not in text, text


def test_the_table_has_every_iso_country() -> None:
    assert len(COUNTRIES) == 249
    assert len(COMMA_NAMES) == 22


@pytest.mark.parametrize("country", COUNTRIES, ids=lambda c: c["alpha2"])
def test_every_form_round_trips(country: dict[str, str]) -> None:
    for output in FORMATS:
        checker = CountryChecker(output, accepts=FORMATS)
        for given_form in FORMATS:
            outcome = checker.check(country[given_form])
            assert summary(outcome) == (country[output], [])
        assert country_name(country["alpha2"], output) == country[output]
    for given_form in FORMATS:
        assert resolve_country(country[given_form]) == country["alpha2"]


@pytest.mark.parametrize("country", COUNTRIES, ids=lambda c: c["alpha2"])
def test_codes_in_the_wrong_form_are_recognised(country: dict[str, str]) -> None:
    alpha2 = CountryChecker("alpha2")
    outcome = alpha2.check(country["alpha3"])
    assert summary(outcome) == (
        country["alpha2"],
        [("country-format", "warning", country["alpha2"])],
    )
    assert outcome.problems[0].params["format"] == "code ISO à 2 lettres (ex. : FR)"
    lower = CountryChecker("alpha3").check(country["alpha2"].lower())
    assert lower.value == country["alpha3"]


@pytest.mark.parametrize("name", COMMA_NAMES)
def test_inverted_french_names_are_valid_and_found_in_natural_order(name: str) -> None:
    assert summary(FR.check(name)) == (name, [])
    head, _, tail = name.partition(", ")
    joiner = "" if tail.endswith("'") else " "
    natural = f"{tail}{joiner}{head}"
    assert summary(FR.check(natural)) == (name, [("country-format", "warning", name)])


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("france", "France"),
        ("FRANCE", "France"),
        (" France ", "France"),
        ("la France", "France"),
        ("le Canada", "Canada"),
        ("les Pays-Bas", "Pays-Bas"),
        ("l'Allemagne", "Allemagne"),
        ("FRA", "France"),
        ("FR", "France"),
        ("fr", "France"),
        ("Etats-Unis", "États-Unis"),
        ("ETATS UNIS", "États-Unis"),
        ("USA", "États-Unis"),
        ("U.S.A.", "États-Unis"),
        ("United States of America", "États-Unis"),
        ("UK", "Royaume-Uni"),
        ("Grande-Bretagne", "Royaume-Uni"),
        ("Corée du Sud", "Corée, République de"),
        ("South Korea", "Corée, République de"),
        ("Corée du Nord", "Corée, République populaire démocratique de"),
        ("Hollande", "Pays-Bas"),
        ("Russie", "Russie, Fédération de"),
        ("Vietnam", "Viêt Nam"),
        ("Cote d'Ivoire", "Côte d'Ivoire"),
        ("Côte d’Ivoire", "Côte d'Ivoire"),
        ("Côte-d'Ivoire", "Côte d'Ivoire"),
        ("Ivory Coast", "Côte d'Ivoire"),
        ("République tchèque", "Tchéquie"),
        ("Biélorussie", "Bélarus"),
        ("Macédoine", "Macédoine du Nord"),
        ("Syrie", "Syrienne, République arabe"),
        ("Iran", "Iran, République islamique d'"),
        ("Bolivie", "Bolivie, état plurinational de"),
        ("Venezuela", "Vénézuela, république bolivarienne du"),
        ("Tanzanie", "Tanzanie, République unie de"),
        ("Laos", "Lao, République démocratique populaire"),
        ("Moldavie", "Moldova, République de"),
        ("Taiwan", "Taïwan, province de Chine"),
        ("Vatican", "Saint-Siège (état de la cité du Vatican)"),
        ("Congo-Kinshasa", "République démocratique du Congo"),
        ("RDC", "République démocratique du Congo"),
        ("Congo-Brazzaville", "République du Congo"),
        ("guadeloupe", "Guadeloupe"),
        ("La Réunion", "Réunion, Île de la"),
        ("Guyane", "Guyane française"),
        ("St Pierre et Miquelon", "Saint-Pierre-et-Miquelon"),
        ("Germany", "Allemagne"),
        ("République française", "France"),
    ],
)
def test_common_names_get_the_iso_spelling(typed: str, expected: str) -> None:
    outcome = FR.check(typed)
    assert summary(outcome) == (expected, [("country-format", "warning", expected)])
    assert outcome.problems[0].params["format"] == "nom ISO français (ex. : France)"
    assert_renders(outcome)


def test_accepted_forms_are_converted_silently() -> None:
    """Hokus takes a code or the French name and stores the French name."""
    hokus = CountryChecker("fr_name", accepts=["alpha2"])
    assert summary(hokus.check("DE")) == ("Allemagne", [])
    assert summary(hokus.check("Allemagne")) == ("Allemagne", [])
    assert summary(hokus.check("DEU")) == (
        "Allemagne",
        [("country-format", "warning", "Allemagne")],
    )
    assert CountryChecker("alpha2", accepts=["alpha3"]).accepts == ["alpha3", "alpha2"]


def test_exact_means_exact() -> None:
    """Only the ISO spelling is valid: case, accents and spaces count."""
    assert FR.check("Etats-Unis").problems
    assert FR.check("états-unis").problems
    assert FR.check("France ").problems
    assert CountryChecker("alpha2").check("fr").problems


@pytest.mark.parametrize(
    ("typed", "suggestion"),
    [
        ("Angleterre", "Royaume-Uni"),
        ("England", "Royaume-Uni"),
        ("Écosse", "Royaume-Uni"),
        ("ecosse", "Royaume-Uni"),
        ("Pays de Galles", "Royaume-Uni"),
        ("Scotland", "Royaume-Uni"),
        ("Irlande du Nord", "Royaume-Uni"),
        ("Québec", "Canada"),
        ("Corse", "France"),
        ("Tahiti", "Polynésie française"),
        ("Europe", None),
        ("DOM-TOM", None),
    ],
)
def test_places_that_are_not_iso_countries(typed: str, suggestion: str | None) -> None:
    outcome = FR.check(typed)
    assert summary(outcome) == (None, [("not-a-country", "error", suggestion)])
    assert_renders(outcome)


def test_not_a_country_suggests_in_the_output_form() -> None:
    assert CountryChecker("alpha2").check("Angleterre").problems[0].suggestion == "GB"
    assert CountryChecker("alpha3").check("Angleterre").problems[0].suggestion == "GBR"
    assert resolve_country("Angleterre") == "GB"
    assert resolve_country("Québec") == "CA"


@pytest.mark.parametrize(
    ("typed", "example"),
    [
        ("Congo", "République du Congo ou République démocratique du Congo"),
        ("congo", "République du Congo ou République démocratique du Congo"),
        ("Corée", "Corée, République de ou Corée, République populaire démocratique de"),
        ("Îles Vierges", "Îles Vierges britanniques ou Îles Vierges, États-Unis"),
        (
            "Saint-Martin",
            "Saint-Martin (partie française) ou Saint-Martin (partie néerlandaise)",
        ),
    ],
)
def test_ambiguous_names_are_never_resolved(typed: str, example: str) -> None:
    outcome = FR.check(typed)
    assert summary(outcome) == (None, [("unknown-country", "error", None)])
    assert outcome.problems[0].params["example"] == example
    assert_renders(outcome)


def test_ambiguity_in_code_form() -> None:
    outcome = CountryChecker("alpha2").check("Congo")
    assert outcome.problems[0].params["example"] == "CG ou CD"
    assert outcome.problems[0].params["example_en"] == "CG or CD"
    assert resolve_country("congo") is None
    assert resolve_country("Congo") == "CG"  # the English ISO name, written exactly


@pytest.mark.parametrize(
    ("typed", "suggestion"),
    [
        ("Frnace", "France"),
        ("Allemangne", "Allemagne"),
        ("Belgiqe", "Belgique"),
        ("Espagen", "Espagne"),
        ("Itallie", "Italie"),
        ("Suise", "Suisse"),
        ("Autrishe", "Autriche"),
        ("Canda", "Canada"),
        ("Etats Unsi", "États-Unis"),
        ("hier", None),
        ("Paris", None),
        ("xx", None),
        ("-", None),
        ("12", None),
    ],
)
def test_unknown_names_and_typos(typed: str, suggestion: str | None) -> None:
    outcome = FR.check(typed)
    assert summary(outcome) == (None, [("unknown-country", "error", suggestion)])
    assert outcome.problems[0].params["example"] == "France"
    assert resolve_country(typed) is None
    assert_renders(outcome)


def test_typo_suggestions_follow_the_output_form() -> None:
    assert CountryChecker("alpha3").check("Frnace").problems[0].suggestion == "FRA"
    assert CountryChecker("en_name").check("Allemangne").problems[0].suggestion == "Germany"


def test_numbers_and_dates_are_not_countries() -> None:
    import datetime as dt

    for value in (33, 1.5, dt.date(2024, 1, 1)):
        assert FR.check(value).problems[0].code == "unknown-country"


def test_key() -> None:
    assert country_key("la Côte-d’Ivoire") == "cote d ivoire"
    assert country_key("  ÉTATS-UNIS  ") == "etats unis"
    assert country_key("St-Pierre") == "saint pierre"
    assert country_key("La") == "la"  # Laos' code, not an article


# --- properties ----------------------------------------------------------------------------


@given(st.text())
def test_key_is_idempotent(text: str) -> None:
    key = country_key(text)
    assert country_key(key) == key


@given(st.text(max_size=30), st.sampled_from(FORMATS))
def test_any_text_gives_an_outcome_in_the_output_form(text: str, output: CountryFormat) -> None:
    outcome = CountryChecker(output).check(text)
    allowed = {c[output] for c in COUNTRIES}
    assert outcome.value is None or outcome.value in allowed
    assert (outcome.value is None) == (not outcome.ok)
    for p in outcome.problems:
        assert p.suggestion is None or p.suggestion in allowed
    assert_renders(outcome)


@given(st.sampled_from(COUNTRIES), st.sampled_from(FORMATS), st.sampled_from(FORMATS))
def test_normalising_twice_changes_nothing(
    country: dict[str, str], typed_form: CountryFormat, output: CountryFormat
) -> None:
    checker = CountryChecker(output)
    once = checker.check(country[typed_form].lower())
    if once.value is None:  # lower-cased English "congo" is ambiguous
        return
    assert summary(checker.check(once.value)) == (once.value, [])


@given(st.sampled_from(COUNTRIES), st.sampled_from(FORMATS))
def test_a_valid_value_stays_valid(country: dict[str, str], output: CountryFormat) -> None:
    checker = CountryChecker(output)
    value = country[output]
    assert summary(checker.check(value)) == (value, [])
    assert resolve_country(value) == country["alpha2"]
