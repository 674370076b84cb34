"""The worksheet functions (``=CI_CHECK(E2;"personPhone";"hokus")``): thin, over ``cell_verdicts``.

Each function takes one value or a whole range and answers in the same shape, so
``=CI_PHONE(E2:E10001)`` is one call that spills instead of 10,000 calls; blank cells stay blank.
xlwings hands the values over with ``ndim="natural"``: a cell as a value, a row as a list, a
column or a block as a list of rows, which is how the answer goes back.
What a value is worth is decided in ``addin.core.cell_verdicts`` (the engine's own checkers and
catalogue, so a cell gets the same verdict here as from ``validate`` and ``fix``); this module
only reads Excel's values, picks the profile and field, and turns every failure into a sentence
for the cell: a worksheet function never shows a traceback.

Defaults: the platform is the one chosen on the ribbon (``addin.settings``), else
:data:`DEFAULT_PLATFORM`; messages
are in French unless the ``langue`` argument (or the ribbon's language setting) says "en".

Decorated with xlwings' real decorators (``udf_support``), so that ``addin build`` generates the
VBA wrappers from this module and Excel's "Insert function" dialog shows the French help texts.
None is volatile: Excel recalculates a cell only when its inputs change.
"""

from __future__ import annotations

import datetime as dt
import decimal
import time
from collections.abc import Callable
from functools import lru_cache
from typing import Any, TypeVar, get_args

from addin.core.catalogue import Lang
from addin.core.cell_verdicts import FieldVerdicts, country_code, is_blank
from addin.core.fields.country import resolve_country
from addin.core.profile import Column, CountryFormat, FieldKind, FileRules, PhoneFormat, Profile
from addin.core.profiles import all_profiles
from addin.core.row_verdicts import row_texts
from addin.core.table import CellValue
from addin.settings import load_settings
from addin.shells.udf_support import arg, func

#: The profile used when neither the call nor the ribbon names one
#: (``templates/evoliz-clients.toml``: the platform with a connector, the most field types).
DEFAULT_PLATFORM = "evoliz-clients"
CATEGORY = "Import clients"
#: Excel's limit for the text of one cell; a longer answer would show #VALUE!.
CELL_LIMIT = 32_767
#: How long the ribbon's settings are trusted before they are read again (a recalculation of a
#: whole sheet calls the functions thousands of times; a change is seen within this delay).
SETTINGS_TTL = 2.0

_T = TypeVar("_T")
Shape = Any  # one value, a row (list) or a block (list of lists), as xlwings passes them

_WORDS: dict[str, dict[Lang, str]] = {
    "platform": {
        "fr": "Plateforme inconnue « {value} » : choisissez parmi {known}.",
        "en": 'Unknown platform "{value}": choose among {known}.',
    },
    "field": {
        "fr": "{platform} n'a pas de champ « {value} » : choisissez parmi {known}.",
        "en": '{platform} has no field "{value}": choose among {known}.',
    },
    "lang": {
        "fr": "Langue inconnue « {value} » : « fr » ou « en ».",
        "en": 'Unknown language "{value}": "fr" or "en".',
    },
    "form": {
        "fr": "Forme inconnue « {value} » : choisissez parmi {known}.",
        "en": 'Unknown form "{value}": choose among {known}.',
    },
    "region": {
        "fr": "Région inconnue « {value} » : un code pays à 2 lettres (FR, BE, CA...).",
        "en": 'Unknown region "{value}": a 2-letter country code (FR, BE, CA...).',
    },
    "width": {
        "fr": "La plage a {value} colonnes, {platform} n'en attend que {known}.",
        "en": "The range has {value} columns; {platform} expects {known} only.",
    },
    "failed": {
        "fr": "Valeur impossible à juger ({value}) : signalez-le avec la valeur en cause.",
        "en": "This value could not be judged ({value}): report it with the value.",
    },
}


class Refusal(Exception):
    """An argument the function cannot use: the sentence to show in the cell."""


def _say(word: str, lang: Lang, **params: str) -> str:
    return _WORDS[word][lang].format(**params)


# --- arguments ------------------------------------------------------------------------------


class _Settings:
    """The ribbon's choices (platform, language, phone region), read at most every
    :data:`SETTINGS_TTL` seconds."""

    def __init__(self) -> None:
        self._read_at = -SETTINGS_TTL
        self._values: tuple[str | None, str | None, str | None] = (None, None, None)

    def values(self) -> tuple[str | None, str | None, str | None]:
        now = time.monotonic()
        if now - self._read_at >= SETTINGS_TTL:
            self._values = _read_settings()
            self._read_at = now
        return self._values


def _read_settings() -> tuple[str | None, str | None, str | None]:
    """The ribbon's platform, language and phone region (``load_settings`` gives the defaults
    for a missing or broken file)."""
    settings = load_settings()
    return settings.platform, settings.lang, settings.phone_region


_SETTINGS = _Settings()


def _lang(langue: object) -> Lang:
    """The language asked, else the ribbon's, else French."""
    text = _SETTINGS.values()[1] if is_blank(langue) else str(langue)
    key = (text or "fr").strip().lower()[:2]
    if key in ("fr", "en"):
        return "fr" if key == "fr" else "en"
    raise Refusal(_say("lang", "fr", value=str(langue)))


def _profile(plateforme: object, lang: Lang) -> Profile:
    name = _SETTINGS.values()[0] if is_blank(plateforme) else str(plateforme).strip()
    name = name or DEFAULT_PLATFORM
    profiles = all_profiles()
    found = profiles.get(name) or profiles.get(name.lower())
    if found is None:
        by_platform = [p for p in profiles.values() if p.platform.lower() == name.lower()]
        if len(by_platform) == 1:
            return by_platform[0]
        raise Refusal(_say("platform", lang, value=name, known=", ".join(profiles)))
    return found


def _column(profile: Profile, name: str, lang: Lang) -> Column:
    """The field named by its id or its header, as written in the template (any case)."""
    wanted = name.casefold()
    for column in profile.fields:
        if wanted in (column.id.casefold(), column.header.casefold()):
            return column
    known = ", ".join(c.id for c in profile.fields)
    raise Refusal(_say("field", lang, platform=profile.platform, value=name, known=known))


def _field_verdicts(plateforme: object, champ: object, lang: Lang) -> FieldVerdicts:
    """The verdicts of the field asked, on the platform asked (or the ribbon's)."""
    profile = _profile(plateforme, lang)
    field = "" if champ is None else str(champ).strip()
    return _verdicts_of(profile.name, field, lang)


@lru_cache(maxsize=256)
def _verdicts_of(profile_name: str, field: str, lang: Lang) -> FieldVerdicts:
    """One cache of verdicts per platform and field, kept across calls."""
    profile = all_profiles()[profile_name]
    return FieldVerdicts(profile, _column(profile, field, lang))


def _neutral(column: Column) -> Profile:
    """A profile of one column and no file rules: a field type's own verdict, no platform's."""
    return Profile(
        name="fonction",
        platform="la plateforme",
        description="Fonctions de feuille de calcul",
        description_en="Worksheet functions",
        source="addin.shells.functions",
        file=FileRules(accepted_formats=["csv"]),
        columns=[column],
    )


_NEUTRAL_CONTEXT = {"platform": "la plateforme", "platform_en": "the platform"}


@lru_cache(maxsize=256)
def _type_verdicts(kind: FieldKind, setting: str | None, country: str | None) -> FieldVerdicts:
    """The verdicts of a field type alone (CI_PHONE, CI_DATE...), cached per setting."""
    options: dict[str, Any] = {}
    if kind == "phone" and setting is not None:
        region, _, form = setting.partition("/")
        options = {"phone_region": region, "phone_format": form}
    elif kind == "country" and setting is not None:
        options = {"country_format": setting}
    column = Column(id=kind, header=kind, type=kind, help="-", **options)
    return FieldVerdicts(_neutral(column), column, country, context=_NEUTRAL_CONTEXT)


# --- values ---------------------------------------------------------------------------------


def cell_value(value: object) -> CellValue:
    """A value as Excel hands it (through xlwings) turned into the one the file readers give:
    ``1220.0`` → ``1220``, ``True`` → ``"TRUE"``, a date at midnight → a ``date``."""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, decimal.Decimal):
        value = float(value)
    if isinstance(value, float):
        return int(value) if value.is_integer() and abs(value) < 1e15 else value
    if isinstance(value, dt.datetime):
        return value.date() if value.time() == dt.time() else value.replace(tzinfo=None)
    if isinstance(value, str | int | dt.date) or value is None:
        return value
    return str(value)


def _cut(text: str) -> str:
    return text if len(text) <= CELL_LIMIT else text[: CELL_LIMIT - 1] + "…"


def _each(
    values: Shape, answer: Callable[[CellValue], object], lang: Lang, *, keep: bool = False
) -> Shape:
    """``answer`` for each non-blank value, in the shape the values came in.

    ``keep``: an answer equal to the value read gives back the value as Excel passed it (a fix
    that changes nothing leaves a date a date, a number a number).
    """

    def one(value: object) -> object:
        if is_blank(value):
            return ""
        try:
            read = cell_value(value)
            result = answer(read)
            if keep and result == read and isinstance(value, str | float | int | dt.date):
                result = value
        except Exception as exc:  # a bug must reach the cell as a sentence, not a traceback
            return _say("failed", lang, value=type(exc).__name__)
        return _cut(result) if isinstance(result, str) else result

    if isinstance(values, list | tuple):
        return [
            [one(v) for v in row] if isinstance(row, list | tuple) else one(row) for row in values
        ]
    return one(values)


def _guarded(call: Callable[[], _T]) -> _T | str:
    """The function's answer, or the sentence of the argument it could not use."""
    try:
        return call()
    except Refusal as refusal:
        return str(refusal)
    except Exception as exc:
        return _say("failed", "fr", value=type(exc).__name__)


def _normalised(verdicts: FieldVerdicts, value: CellValue, lang: Lang) -> object:
    """A field type's answer: the value in the platform's form (after the fixes ``fix`` would
    make: a postal code's lost zero is an error ``fix`` repairs), or why it has none."""
    verdict = verdicts.verdict(value)
    if verdict.ok and verdict.normalised is not None:
        return verdict.normalised
    fixed = verdicts.fixed(value)
    if fixed != value:
        repaired = verdicts.verdict(fixed)
        if repaired.ok and repaired.normalised is not None:
            return repaired.normalised
    return verdict.text(lang)


def _typed(values: Shape, kind: FieldKind, setting: str | None, country: str | None) -> Shape:
    verdicts = _type_verdicts(kind, setting, country)
    lang = _lang(None)
    return _each(values, lambda v: _normalised(verdicts, v, lang), lang)


# --- the functions --------------------------------------------------------------------------

_VALUE_DOC = "La cellule ou la plage à traiter (une plage renvoie une plage de même forme)."
_PLATFORM_DOC = "Le profil de la plateforme (ex. hokus) ; par défaut celui choisi dans le ruban."
_LANG_DOC = "Langue des messages : fr (par défaut) ou en."


@func(category=CATEGORY)
@arg("valeur", ndim="natural", err_to_str=True, doc=_VALUE_DOC)
@arg("champ", doc="Le champ de la plateforme : son identifiant ou son en-tête (ex. personPhone).")
@arg("plateforme", doc=_PLATFORM_DOC)
@arg("langue", doc=_LANG_DOC)
def CI_CHECK(valeur: Shape, champ: object, plateforme: object = None, langue: object = None) -> Any:
    """Ce que « Vérifier » dit de la valeur pour ce champ : vide si rien à redire."""

    def run() -> Shape:
        lang = _lang(langue)
        verdicts = _field_verdicts(plateforme, champ, lang)
        return _each(valeur, lambda v: verdicts.verdict(v).text(lang), lang)

    return _guarded(run)


@func(category=CATEGORY)
@arg("valeur", ndim="natural", err_to_str=True, doc=_VALUE_DOC)
@arg("champ", doc="Le champ de la plateforme : son identifiant ou son en-tête (ex. personPhone).")
@arg("plateforme", doc=_PLATFORM_DOC)
def CI_FIX(valeur: Shape, champ: object, plateforme: object = None) -> Any:
    """La valeur telle que « Corriger » l'écrirait ; inchangée sans correction sûre."""

    def run() -> Shape:
        lang = _lang(None)
        verdicts = _field_verdicts(plateforme, champ, lang)
        return _each(valeur, verdicts.fixed, lang, keep=True)

    return _guarded(run)


_PHONE_FORMS: dict[str, PhoneFormat] = {
    "e164": "e164",
    "e.164": "e164",
    "international": "international",
    "national": "national",
    "chiffres": "digits",
    "digits": "digits",
    "nanp": "nanp_dashes",
    "nanp_dashes": "nanp_dashes",
}


def _phone_setting(region: object, forme: object, lang: Lang) -> str:
    """``"FR/e164"``: the region and format asked, a platform's own, or the defaults."""
    form = "" if is_blank(forme) else str(forme).strip().lower()
    chosen: PhoneFormat | None = _PHONE_FORMS.get(form or "e164")
    own_region: str | None = None
    if chosen is None:
        profiles = all_profiles()
        profile = profiles.get(form)
        phones = [c for c in profile.fields if c.type == "phone"] if profile else []
        if profile is None or not phones:
            known = ", ".join([*_PHONE_FORMS, *(n for n, p in profiles.items() if p.fields)])
            raise Refusal(_say("form", lang, value=str(forme), known=known))
        chosen = phones[0].phone_format or "e164"
        own_region = phones[0].phone_region or profile.phone_region
    if is_blank(region):
        code = own_region or _SETTINGS.values()[2] or "FR"
    else:
        code = str(region).strip().upper()
        if len(code) != 2 or not code.isalpha():
            code = resolve_country(str(region)) or ""
        if not code:
            raise Refusal(_say("region", lang, value=str(region)))
    return f"{code}/{chosen}"


@func(category=CATEGORY)
@arg("valeur", ndim="natural", err_to_str=True, doc=_VALUE_DOC)
@arg("region", doc="Pays des numéros écrits sans indicatif (ex. FR, BE) ; FR par défaut.")
@arg("forme", doc="e164 (par défaut), international, national, chiffres, ou un profil (hokus).")
def CI_PHONE(valeur: Shape, region: object = None, forme: object = None) -> Any:
    """Le numéro de téléphone dans la forme demandée, ou pourquoi il n'est pas valide."""

    def run() -> Shape:
        lang = _lang(None)
        setting = _phone_setting(region, forme, lang)
        try:
            _type_verdicts("phone", setting, None)
        except ValueError:  # a two-letter code phonenumbers has no plan for ("ZZ")
            raise Refusal(_say("region", lang, value=str(region))) from None
        return _typed(valeur, "phone", setting, None)

    return _guarded(run)


_COUNTRY_FORMS: dict[str, CountryFormat] = {
    "nom": "fr_name",
    "fr": "fr_name",
    "français": "fr_name",
    "iso2": "alpha2",
    "alpha2": "alpha2",
    "iso3": "alpha3",
    "alpha3": "alpha3",
    "anglais": "en_name",
    "en": "en_name",
    "english": "en_name",
}
assert set(_COUNTRY_FORMS.values()) == set(get_args(CountryFormat))


@func(category=CATEGORY)
@arg("valeur", ndim="natural", err_to_str=True, doc=_VALUE_DOC)
@arg("forme", doc="nom (nom ISO français, par défaut), iso2, iso3 ou anglais.")
def CI_COUNTRY(valeur: Shape, forme: object = None) -> Any:
    """Le pays dans la forme demandée (France, FR, FRA, France en anglais)."""

    def run() -> Shape:
        form = "nom" if is_blank(forme) else str(forme).strip().lower()
        if form not in _COUNTRY_FORMS:
            known = ", ".join(_COUNTRY_FORMS)
            raise Refusal(_say("form", _lang(None), value=str(forme), known=known))
        return _typed(valeur, "country", _COUNTRY_FORMS[form], None)

    return _guarded(run)


@func(category=CATEGORY)
@arg("valeur", ndim="natural", err_to_str=True, doc=_VALUE_DOC)
def CI_DATE(valeur: Shape) -> Any:
    """La date écrite JJ/MM/AAAA, depuis un texte, une date Excel ou une date ISO."""
    return _guarded(lambda: _typed(valeur, "date", None, None))


@func(category=CATEGORY)
@arg("valeur", ndim="natural", err_to_str=True, doc=_VALUE_DOC)
@arg("pays", doc="Le pays du code postal (France, FR, Belgique...) ; la France par défaut.")
def CI_POSTCODE(valeur: Shape, pays: object = None) -> Any:
    """Le code postal mis en forme pour son pays (zéro initial compris), ou ce qui ne va pas."""

    def run() -> Shape:
        country = None if is_blank(pays) else country_code(str(pays))
        return _typed(valeur, "postal_code", None, country)

    return _guarded(run)


@func(category=CATEGORY)
@arg("valeur", ndim="natural", err_to_str=True, doc=_VALUE_DOC)
def CI_EMAIL(valeur: Shape) -> Any:
    """L'adresse e-mail nettoyée (espaces, majuscules du domaine), ou pourquoi elle est invalide."""
    return _guarded(lambda: _typed(valeur, "email", None, None))


@func(category=CATEGORY)
@arg("valeur", ndim="natural", err_to_str=True, doc=_VALUE_DOC)
def CI_SIRET(valeur: Shape) -> Any:
    """Le SIRET sur 14 chiffres sans espaces, ou pourquoi il est invalide (clé de contrôle...)."""
    return _guarded(lambda: _typed(valeur, "siret", None, None))


@func(category=CATEGORY)
@arg("valeur", ndim="natural", err_to_str=True, doc=_VALUE_DOC)
def CI_VAT(valeur: Shape) -> Any:
    """Le numéro de TVA intracommunautaire sans espaces, ou pourquoi il est invalide."""
    return _guarded(lambda: _typed(valeur, "vat", None, None))


@func(category=CATEGORY)
@arg("valeur", ndim="natural", err_to_str=True, doc=_VALUE_DOC)
def CI_IBAN(valeur: Shape) -> Any:
    """L'IBAN sans espaces, ou pourquoi il est invalide (clé de contrôle, longueur...)."""
    return _guarded(lambda: _typed(valeur, "iban", None, None))


@func(category=CATEGORY)
@arg("valeur", ndim="natural", err_to_str=True, doc=_VALUE_DOC)
def CI_BIC(valeur: Shape) -> Any:
    """Le code BIC (SWIFT) sans espaces, ou pourquoi il est invalide."""
    return _guarded(lambda: _typed(valeur, "bic", None, None))


@func(category=CATEGORY)
@arg(
    "plage",
    ndim=2,
    err_to_str=True,
    doc="Une ou plusieurs lignes, colonnes dans l'ordre du modèle de la plateforme.",
)
@arg("plateforme", doc=_PLATFORM_DOC)
@arg("langue", doc=_LANG_DOC)
def CI_ROW(plage: Shape, plateforme: object = None, langue: object = None) -> Any:
    """Tous les problèmes de chaque ligne, dans l'ordre de ses colonnes : vide si rien à redire."""

    def run() -> Shape:
        lang = _lang(langue)
        profile = _profile(plateforme, lang)
        block = isinstance(plage, list | tuple) and all(isinstance(r, list | tuple) for r in plage)
        rows = [list(r) for r in plage] if block else [_as_row(plage)]
        width = max((len(r) for r in rows), default=0)
        if width > len(profile.fields):
            known = str(len(profile.fields))
            raise Refusal(
                _say("width", lang, value=str(width), platform=profile.platform, known=known)
            )
        texts = row_texts(profile, [[_row_cell(v) for v in r] for r in rows], lang)
        return [[_cut(t)] for t in texts] if block else _cut(texts[0])

    return _guarded(run)


def _as_row(values: object) -> list[object]:
    return list(values) if isinstance(values, list | tuple) else [values]


def _row_cell(value: object) -> CellValue:
    """A cell of CI_ROW's range as the engine reads it: blank as empty, Excel errors as text."""
    return None if is_blank(value) else cell_value(value)
