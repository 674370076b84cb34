"""Postal codes, checked against the rules of the row's country.

A postal code means nothing without its country: "1000" is Brussels but a broken French code,
"G1P 0A0" is Quebec City. The engine resolves each row's country (``resolve_country``) and calls
``check_for``; rows without a country use the profile's default.

Excel's favourite damage is handled on purpose: numeric postal codes lose their leading zero
(01220 → 1220), which is an error since the platform would store another code, but one whose
fix is certain, so the outcome carries the padded code.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from addin.core.fields.base import Outcome, as_text, problem
from addin.core.fields.country import country_name
from addin.core.fields.text import tidy_spaces
from addin.core.table import CellValue

_SEPARATORS = re.compile(r"[\s.\-]+")


@dataclass(frozen=True, slots=True)
class _Rule:
    """How one country writes its postal codes.

    ``pattern`` matches the canonical form only; ``canonical`` turns the compacted input
    (upper case, no spaces, hyphens or dots, country prefix removed) into a candidate for it.
    ``digits`` is set for all-digit codes, which is where Excel drops leading zeros.
    """

    pattern: re.Pattern[str]
    canonical: Callable[[str], str]
    expected: str  # for invalid-postal-code: what a code looks like
    expected_en: str
    written: str  # for postal-code-format: how it must be written
    written_en: str
    digits: int | None = None
    prefixes: tuple[str, ...] = ()  # "F-75001", "CH-1200": old international prefixes


def _same(compact: str) -> str:
    return compact


def _numeric(
    pattern: str, digits: int, example: str, prefixes: tuple[str, ...], starts: str = ""
) -> _Rule:
    start_fr = f" commençant par {starts}" if starts else ""
    start_en = f" starting with {starts}" if starts else ""
    return _Rule(
        pattern=re.compile(pattern),
        canonical=_same,
        expected=f"{digits} chiffres{start_fr}, ex. : {example}",
        expected_en=f"{digits} digits{start_en}, e.g. {example}",
        written=f"en {digits} chiffres sans espace (ex. : {example})",
        written_en=f"as {digits} digits without spaces (e.g. {example})",
        digits=digits,
        prefixes=prefixes,
    )


def _canadian(compact: str) -> str:
    return f"{compact[:3]} {compact[3:]}" if len(compact) == 6 else compact


def _british(compact: str) -> str:
    return f"{compact[:-3]} {compact[-3:]}" if 5 <= len(compact) <= 7 else compact


def _american(compact: str) -> str:
    return f"{compact[:5]}-{compact[5:]}" if len(compact) == 9 and compact.isdigit() else compact


_FRENCH = ("FR", "F")
#: Metropolitan départements 01-95, overseas 97, Monaco and the Pacific 98.
_FR = _numeric(r"(?:0[1-9]|[1-8]\d|9[0-5]|9[78])\d{3}", 5, "75001", _FRENCH)


def _overseas(prefix: str, example: str, code: str) -> _Rule:
    return _numeric(rf"{prefix}\d{{{5 - len(prefix)}}}", 5, example, (code, *_FRENCH), prefix)


_CA = _Rule(
    pattern=re.compile(r"[ABCEGHJ-NPRSTVXY]\d[ABCEGHJ-NPRSTV-Z] \d[ABCEGHJ-NPRSTV-Z]\d"),
    canonical=_canadian,
    expected="lettre chiffre lettre espace chiffre lettre chiffre, ex. : G1P 0A0",
    expected_en="letter digit letter space digit letter digit, e.g. G1P 0A0",
    written="en majuscules avec une espace au milieu (ex. : G1P 0A0)",
    written_en="in capitals with one space in the middle (e.g. G1P 0A0)",
)
_GB = _Rule(
    pattern=re.compile(
        r"GIR 0AA"
        r"|[A-PR-UWYZ](?:\d[A-HJKPSTUW\d]?|[A-HK-Y]\d[ABEHMNPRVWXY\d]?) \d[ABD-HJLNP-UW-Z]{2}"
    ),
    canonical=_british,
    expected="code britannique, ex. : SW1A 1AA",
    expected_en="a British postcode, e.g. SW1A 1AA",
    written="en majuscules avec une espace avant les 3 derniers caractères (ex. : SW1A 1AA)",
    written_en="in capitals with one space before the last 3 characters (e.g. SW1A 1AA)",
)
_US = _Rule(
    pattern=re.compile(r"\d{5}(?:-\d{4})?"),
    canonical=_american,
    expected="5 chiffres, ou 5 chiffres, un tiret et 4 chiffres, ex. : 10001 ou 10001-1234",
    expected_en="5 digits, or 5 digits, a hyphen and 4 digits, e.g. 10001 or 10001-1234",
    written="en 5 chiffres, ou 5 chiffres, un tiret et 4 chiffres (ex. : 10001-1234)",
    written_en="as 5 digits, or 5 digits, a hyphen and 4 digits (e.g. 10001-1234)",
    digits=5,
    prefixes=("US",),
)
#: The row names a country that is not recognised: only the generic shape applies, never the
#: default country's rules (Brussels' "1000" must not become the French "01000").
UNKNOWN_COUNTRY = "ZZ"

_OTHER = _Rule(
    pattern=re.compile(r"[A-Za-z0-9][A-Za-z0-9 \-]{0,8}[A-Za-z0-9]"),
    canonical=_same,
    expected="2 à 10 lettres ou chiffres",
    expected_en="2 to 10 letters or digits",
    written="sans espaces superflus",
    written_en="without extra spaces",
)

_RULES: dict[str, _Rule] = {
    "FR": _FR,
    "MC": _overseas("980", "98000", "MC"),
    "GP": _overseas("971", "97100", "GP"),
    "MQ": _overseas("972", "97200", "MQ"),
    "GF": _overseas("973", "97300", "GF"),
    "RE": _overseas("974", "97400", "RE"),
    "PM": _overseas("975", "97500", "PM"),
    "YT": _overseas("976", "97600", "YT"),
    "BL": _overseas("971", "97133", "BL"),
    "MF": _overseas("971", "97150", "MF"),
    "WF": _overseas("986", "98600", "WF"),
    "PF": _overseas("987", "98700", "PF"),
    "NC": _overseas("988", "98800", "NC"),
    "CA": _CA,
    "GB": _GB,
    "GG": _GB,
    "JE": _GB,
    "IM": _GB,
    "US": _US,
    "BE": _numeric(r"[1-9]\d{3}", 4, "1000", ("BE", "B")),
    "CH": _numeric(r"[1-9]\d{3}", 4, "1200", ("CH",)),
    "LI": _numeric(r"94[89]\d", 4, "9490", ("LI", "FL")),
    "DE": _numeric(r"(?:0[1-9]|[1-9]\d)\d{3}", 5, "10115", ("DE", "D")),
}

#: Letters Canada Post never uses in digit positions look like digits: "G1P OAO" means G1P 0A0.
_LOOKALIKE_DIGITS = str.maketrans({"O": "0", "I": "1", "L": "1"})


class PostalCodeChecker:
    """A postal code valid for the row's country (ISO alpha-2), or ``default_country``.

    Countries without a rule here accept any 2 to 10 letters, digits, spaces or hyphens: a
    wrong rule would block real addresses, a missing one only lets a typo through.
    """

    def __init__(self, default_country: str = "FR") -> None:
        self.default_country = default_country.upper()

    def check(self, value: CellValue) -> Outcome:
        return self.check_for(value, None)

    def check_for(self, value: CellValue, country: str | None) -> Outcome:
        code = (country or self.default_country).upper()
        rule = _RULES.get(code, _OTHER)
        text = as_text(value)
        if rule.pattern.fullmatch(text):
            return Outcome(text)
        compact = _SEPARATORS.sub("", text).upper()
        for prefix in rule.prefixes:
            if compact.startswith(prefix) and compact[len(prefix) :].isdigit():
                compact = compact[len(prefix) :]
                break
        candidate = tidy_spaces(text) if rule is _OTHER else rule.canonical(compact)
        if rule.pattern.fullmatch(candidate):
            return Outcome(
                candidate,
                (
                    problem(
                        "postal-code-format",
                        "warning",
                        candidate,
                        expected=rule.written,
                        expected_en=rule.written_en,
                    ),
                ),
            )
        if rule.digits is not None and compact.isdigit() and len(compact) < rule.digits:
            padded = compact.zfill(rule.digits)
            if len(compact) >= rule.digits - 2 and rule.pattern.fullmatch(padded):
                return Outcome(padded, (problem("postal-code-leading-zero", "error", padded),))
        suggestion = None
        if rule is _CA and len(compact) == 6:
            letters, digits = compact[0::2], compact[1::2].translate(_LOOKALIKE_DIGITS)
            candidate = _canadian("".join(a + b for a, b in zip(letters, digits, strict=True)))
            suggestion = candidate if rule.pattern.fullmatch(candidate) else None
        if code == UNKNOWN_COUNTRY:
            name, name_en = "un pays non reconnu", "an unrecognised country"
        else:
            name = country_name(code) or code
            name_en = country_name(code, "en_name") or code
        return Outcome(
            None,
            (
                problem(
                    "invalid-postal-code",
                    "error",
                    suggestion,
                    country=name,
                    country_en=name_en,
                    expected=rule.expected,
                    expected_en=rule.expected_en,
                ),
            ),
        )
