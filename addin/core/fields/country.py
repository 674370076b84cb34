"""Countries: recognised however they are typed, written in the one form the platform expects.

People type "france", "FRA", "Etats-Unis", "la Corée du Sud" or "Angleterre"; platforms want the
ISO 3166 French name ("États-Unis", "Corée, République de"), the English name, or a code. The
lookup table is built once from pycountry (codes, English names, the ISO French translation)
plus a curated list of the names people actually use, all indexed by a spelling-blind key
(no case, accents, punctuation or leading article). A value is *valid* only when written exactly
in an accepted form; anything merely recognised gets a ``country-format`` warning with the
expected spelling, so the export writes what the platform parses.

Three kinds of input are never silently mapped to one country:

* ambiguous names ("Congo", "Corée", "Îles Vierges"): ``unknown-country`` listing the candidates;
* parts of a country that ISO does not list ("Angleterre", "Québec", "Corse"): ``not-a-country``
  with the country they belong to as suggestion (the user decides);
* typos ("Frnace"): ``unknown-country`` with a suggestion only when one country is clearly meant.
"""

from __future__ import annotations

import functools
import gettext
import re
import unicodedata
from dataclasses import dataclass, field

import pycountry
from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA

from addin.core.fields.base import Outcome, Problem, as_text, problem
from addin.core.profile import CountryFormat
from addin.core.table import CellValue

_NON_WORD = re.compile(r"[\W_]+")
_ARTICLES = frozenset({"la", "le", "les", "l", "the"})
_ABBREVIATIONS = {"st": "saint", "ste": "sainte"}


def country_key(text: str) -> str:
    """The spelling-blind form of a country name: ``"la Côte-d’Ivoire"`` → ``"cote d ivoire"``.

    Case, accents, punctuation (typographic apostrophes and hyphens included) and a leading
    article are dropped, ``St``/``Ste`` are spelled out. The key of a key is itself.
    """
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    bare = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
    words = [_ABBREVIATIONS.get(w, w) for w in _NON_WORD.sub(" ", bare).split()]
    while len(words) > 1 and words[0] in _ARTICLES:
        del words[0]
    return " ".join(words)


# --- curated knowledge: what people type that ISO does not spell -------------------------------

#: Names in common use that are not an ISO form (pycountry's ``common_name`` is indexed too).
_ALIASES: dict[str, tuple[str, ...]] = {
    "AE": ("EAU", "E.A.U.", "UAE", "Emirats"),
    "BA": ("Bosnie",),
    "BN": ("Brunei", "Brunéi"),
    "BO": ("Bolivie",),
    "BQ": ("Bonaire", "Pays-Bas caribéens"),
    "BY": ("Biélorussie", "Bielorussie"),
    "CD": (
        "Congo-Kinshasa",
        "RDC",
        "RD Congo",
        "Congo RDC",
        "DR Congo",
        "DRC",
        "Zaïre",
        "République démocratique du Congo",
    ),
    "CG": ("Congo-Brazzaville", "Congo Brazzaville"),
    "CH": ("Schweiz", "Svizzera"),
    "CI": ("Côte dIvoire", "Ivory Coast"),
    "CZ": ("République tchèque", "Czech Republic"),
    "DE": ("Deutschland",),
    "ES": ("España",),
    "FK": ("Îles Malouines", "Malouines", "Îles Falkland", "Falkland", "Falklands"),
    "FR": ("France métropolitaine", "République française"),
    "GB": ("UK", "U.K.", "Grande-Bretagne", "Great Britain", "Britain"),
    "GF": ("Guyane",),
    "IT": ("Italia",),
    "KG": ("Kirghizstan",),
    "KP": ("Corée du Nord", "Korea North"),
    "KR": ("Corée du Sud", "Korea South"),
    "LA": ("Laos",),
    "LY": ("Lybie",),
    "MD": ("Moldavie", "Moldova"),
    "MK": ("Macédoine", "Macedonia", "ARYM", "FYROM", "Ex-République yougoslave de Macédoine"),
    "MM": ("Burma",),
    "MU": ("Île Maurice",),
    "NL": ("Hollande", "Holland", "Nederland"),
    "PF": ("Polynésie",),
    "PS": ("Palestine",),
    "RE": ("La Réunion", "Île de la Réunion"),
    "RU": ("Russie", "Russia"),
    "SH": ("Sainte-Hélène",),
    "SX": ("Sint Maarten",),
    "SY": ("Syrie",),
    "SZ": ("Swaziland",),
    "TL": ("Timor", "East Timor", "Timor-Leste"),
    "TR": ("Turkey",),
    "TW": ("Taïwan", "Taiwan"),
    "TZ": ("Tanzanie",),
    "US": (
        "Etats-Unis d'Amérique",
        "USA",
        "U.S.A.",
        "U.S.",
        "United States of America",
    ),
    "VA": ("Vatican", "Cité du Vatican", "Vatican City", "Saint-Siège", "Holy See"),
    "VE": ("Venezuela", "Vénézuéla"),
    "VI": ("Îles Vierges américaines", "US Virgin Islands"),
    "VN": ("Vietnam", "Viêtnam"),
}

#: Names that mean more than one ISO country: never resolved to one of them.
_AMBIGUOUS: dict[str, tuple[str, ...]] = {
    "Congo": ("CG", "CD"),
    "Corée": ("KR", "KP"),
    "Korea": ("KR", "KP"),
    "Îles Vierges": ("VG", "VI"),
    "Virgin Islands": ("VG", "VI"),
    "Saint-Martin": ("MF", "SX"),
}

#: Places people give as a country that ISO 3166 does not list: the country they belong to
#: (``None`` when they do not belong to one: continents, groups of territories).
_NOT_COUNTRIES: dict[str, str | None] = {
    "Angleterre": "GB",
    "England": "GB",
    "Écosse": "GB",
    "Scotland": "GB",
    "Pays de Galles": "GB",
    "Wales": "GB",
    "Irlande du Nord": "GB",
    "Northern Ireland": "GB",
    "Québec": "CA",
    "Ontario": "CA",
    "Nouveau-Brunswick": "CA",
    "New Brunswick": "CA",
    "Nouvelle-Écosse": "CA",
    "Nova Scotia": "CA",
    "Colombie-Britannique": "CA",
    "British Columbia": "CA",
    "Alberta": "CA",
    "Manitoba": "CA",
    "Corse": "FR",
    "Corsica": "FR",
    "Catalogne": "ES",
    "Catalonia": "ES",
    "Canaries": "ES",
    "Îles Canaries": "ES",
    "Canary Islands": "ES",
    "Madère": "PT",
    "Madeira": "PT",
    "Açores": "PT",
    "Azores": "PT",
    "Tahiti": "PF",
    "Hawaï": "US",
    "Hawaii": "US",
    "Alaska": "US",
    "Europe": None,
    "Union européenne": None,
    "European Union": None,
    "UE": None,
    "EU": None,
    "Afrique": None,
    "Africa": None,
    "Asie": None,
    "Asia": None,
    "Amérique": None,
    "DOM-TOM": None,
    "DOM": None,
    "TOM": None,
    "Outre-mer": None,
    "Antilles": None,
    "Antilles françaises": None,
    "Maghreb": None,
    "Étranger": None,
}

_FORMAT_FR: dict[CountryFormat, str] = {
    "fr_name": "nom ISO français (ex. : France)",
    "en_name": "nom ISO anglais (ex. : Germany)",
    "alpha2": "code ISO à 2 lettres (ex. : FR)",
    "alpha3": "code ISO à 3 lettres (ex. : FRA)",
}
_FORMAT_EN: dict[CountryFormat, str] = {
    "fr_name": "the ISO French name (e.g. France)",
    "en_name": "the ISO English name (e.g. Germany)",
    "alpha2": "the 2-letter ISO code (e.g. FR)",
    "alpha3": "the 3-letter ISO code (e.g. FRA)",
}

#: A typo suggestion needs fuzz.ratio >= 85, or one edit (swap included) in a 5+ letter name:
#: "Frnace" scores only 83 on ratio but is one swap away from "France".
_FUZZY_RATIO = 85
_FUZZY_MIN_LENGTH = 4


# --- the table, built once -----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Table:
    """Every ISO country in the four forms, and the keys that lead to them."""

    forms: dict[CountryFormat, dict[str, str]]  # format → alpha2 → text in that format
    exact: dict[CountryFormat, dict[str, str]]  # format → text in that format → alpha2
    by_key: dict[str, str]  # key → alpha2
    ambiguous: dict[str, tuple[str, ...]]  # key → candidate alpha2 codes
    parts: dict[str, str | None]  # key → alpha2 of the country it belongs to
    fuzzy_keys: list[str] = field(default_factory=list)


def _natural_order(name: str) -> str | None:
    """``"Corée, République de"`` → ``"République de Corée"``; ``None`` for names without comma."""
    head, sep, tail = name.partition(", ")
    if not sep:
        return None
    joiner = "" if tail.endswith("'") else " "
    return f"{tail}{joiner}{head}"


@functools.cache
def _table() -> _Table:
    """Build the lookup table from pycountry: once per process, never per cell."""
    french = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["fr"])
    forms: dict[CountryFormat, dict[str, str]] = {
        "fr_name": {},
        "en_name": {},
        "alpha2": {},
        "alpha3": {},
    }
    by_key: dict[str, str] = {}
    ambiguous: dict[str, tuple[str, ...]] = {}

    def add(name: str, code: str) -> None:
        key = country_key(name)
        if not key:
            return
        known = by_key.get(key)
        if known is None:
            by_key[key] = code
        elif known != code:  # two countries share a spelling: refuse to pick one
            ambiguous[key] = tuple(dict.fromkeys((*ambiguous.get(key, (known,)), code)))

    for country in pycountry.countries:
        code: str = country.alpha_2
        fr_name = french.gettext(country.name)
        forms["alpha2"][code] = code
        forms["alpha3"][code] = country.alpha_3
        forms["fr_name"][code] = fr_name
        forms["en_name"][code] = country.name
        names = [code, country.alpha_3, fr_name, country.name]
        for attribute in ("common_name", "official_name"):
            other = getattr(country, attribute, None)
            if other:
                names += [other, french.gettext(other)]
        names += [n for n in map(_natural_order, names) if n]
        for name in names:
            add(name, code)
    for code, aliases in _ALIASES.items():
        for alias in aliases:
            add(alias, code)
    for name, codes in _AMBIGUOUS.items():
        ambiguous[country_key(name)] = codes
    for key in ambiguous:
        by_key.pop(key, None)
    parts = {country_key(name): parent for name, parent in _NOT_COUNTRIES.items()}
    exact: dict[CountryFormat, dict[str, str]] = {
        fmt: {text: code for code, text in texts.items()} for fmt, texts in forms.items()
    }
    # Codes are too short to fuzz: "US" is one edit from a dozen others.
    fuzzy_keys = [k for k in by_key if len(k) > 3]
    return _Table(forms, exact, by_key, ambiguous, parts, fuzzy_keys)


# --- public helpers --------------------------------------------------------------------------


@functools.lru_cache(maxsize=4096)
def resolve_country(text: str) -> str | None:
    """The ISO alpha-2 code of a row's country, for the checks that depend on it.

    Accepts anything the country checker recognises, including a part of a country
    ("Québec" → ``"CA"``: its postal codes and phone numbers are Canadian). An exact ISO form
    wins ("Congo" is the English ISO name of CG); ambiguous and unknown names give ``None``.
    No typo is corrected here: a guess would silently change which rules apply to the row.
    """
    table = _table()
    for exact in table.exact.values():
        code = exact.get(text)
        if code is not None:
            return code
    key = country_key(text)
    return table.by_key.get(key) or table.parts.get(key)


def country_name(alpha2: str, form: CountryFormat = "fr_name") -> str | None:
    """An ISO country written in ``form`` (``"FR"`` → ``"France"``), ``None`` if not a code."""
    return _table().forms[form].get(alpha2)


# --- the checker ---------------------------------------------------------------------------


class CountryChecker:
    """One ISO 3166 country, written as the platform's ``output`` form.

    ``accepts`` lists the forms the platform takes as they are (default: ``[output]``; the
    output form is always accepted). A value exactly in an accepted form is valid and converted
    to the output form without comment: Hokus accepts ``FR`` and stores "France".
    """

    def __init__(
        self, output: CountryFormat = "fr_name", accepts: list[CountryFormat] | None = None
    ) -> None:
        self.output: CountryFormat = output
        self.accepts: list[CountryFormat] = list(dict.fromkeys([*(accepts or []), output]))
        self._table = table = _table()
        self._out = table.forms[output]
        self._exact: dict[str, str] = {}
        for fmt in self.accepts:
            for text, code in table.exact[fmt].items():
                self._exact.setdefault(text, code)
        self._valid = {code: Outcome(text) for code, text in self._out.items()}
        self._format = _FORMAT_FR[output]
        self._format_en = _FORMAT_EN[output]
        self._example = self._out["FR"]

    def check(self, value: CellValue) -> Outcome:
        text = as_text(value)
        code = self._exact.get(text)
        if code is not None:
            return self._valid[code]
        key = country_key(text)
        code = self._table.by_key.get(key)
        if code is not None:
            expected = self._out[code]
            return Outcome(
                expected,
                (
                    problem(
                        "country-format",
                        "warning",
                        expected,
                        format=self._format,
                        format_en=self._format_en,
                    ),
                ),
            )
        return Outcome(None, (self._not_recognised(key),))

    def _not_recognised(self, key: str) -> Problem:
        table = self._table
        candidates = table.ambiguous.get(key)
        if candidates is not None:
            listing = " ou ".join(self._out[c] for c in candidates)
            listing_en = " or ".join(self._out[c] for c in candidates)
            return problem("unknown-country", "error", None, example=listing, example_en=listing_en)
        if key in table.parts:
            parent = table.parts[key]
            return problem("not-a-country", "error", None if parent is None else self._out[parent])
        return problem("unknown-country", "error", self._closest(key), example=self._example)

    def _closest(self, key: str) -> str | None:
        """The country a typo clearly points to, or ``None`` when none or several do."""
        if len(key) < _FUZZY_MIN_LENGTH:
            return None
        keys = self._table.fuzzy_keys
        near = [
            m[0]
            for m in process.extract(
                key, keys, scorer=fuzz.ratio, score_cutoff=_FUZZY_RATIO, limit=None
            )
        ]
        if len(key) >= 5:
            near += [
                m[0]
                for m in process.extract(key, keys, scorer=OSA.distance, score_cutoff=1, limit=None)
            ]
        codes = {self._table.by_key[k] for k in near}
        if len(codes) != 1:
            return None
        return self._out[codes.pop()]
