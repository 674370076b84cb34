"""What the blank workbook for a platform holds, decided from its profile alone.

Why a plan apart from the writer: every choice (which dropdown, which limit, which message,
which cells are text) is a business decision tested here without opening a workbook; the
openpyxl writer (``addin.files.template_writer``) only lays the plan out. The template is thus
never out of date: change the profile, and the next template follows.

Excel's limits shape the plan: an input message or an error message holds 255 characters,
their titles 32, a validation formula 255 (and no array constants), a sheet name 31. A workbook
that breaks one of them opens with a repair prompt, so the plan never produces one.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

import pycountry

from addin.core.catalogue import Lang
from addin.core.fields.country import country_name
from addin.core.fields.text import strip_accents
from addin.core.profile import AnyRequired, Column, CountryFormat, Profile, SmsNeedsMobile
from addin.core.report import column_letter

MAX_MESSAGE = 255
MAX_TITLE = 32
MAX_FORMULA = 255
TEXT_FORMAT = "@"
DATE_FORMAT = "DD/MM/YYYY"

RuleKind = Literal["list", "whole", "decimal", "date", "textLength", "custom"]
ErrorStyle = Literal["stop", "warning"]
HeaderStyle = Literal["required", "optional", "ignored"]

#: field types whose values are codes, never quantities: typed as text so Excel keeps them
_TEXT_TYPES = frozenset({"phone", "postal_code", "siret", "siren", "vat", "iban", "bic"})
#: the earliest and latest dates a date cell accepts (birth dates to document expiry)
_FIRST_DATE = "DATE(1900,1,1)"
_LAST_DATE = "DATE(2199,12,31)"
_DEFAULT_TEXT_LIMITS = {"postal_code": 10, "vat": 20, "iban": 42, "phone": 30, "email": 254}
_WHOLE_BOUND = 999_999_999


@dataclass(frozen=True, slots=True)
class CellRule:
    """One data validation on a body column: what Excel accepts and what it says."""

    kind: RuleKind
    operator: str | None
    formula1: str | None  # for lists: filled by the writer from ``list_values``
    formula2: str | None
    list_values: tuple[str, ...]
    error_style: ErrorStyle
    prompt_title: str
    prompt: str
    error_title: str
    error: str


@dataclass(frozen=True, slots=True)
class TemplateColumn:
    """One column of the data sheet."""

    letter: str
    field_id: str
    header: str
    header_style: HeaderStyle
    note: str
    number_format: str | None
    width: float
    rule: CellRule | None
    example: str | None


@dataclass(frozen=True, slots=True)
class TemplateSpec:
    """The whole workbook: data sheet, instructions, lists, example row."""

    profile: str
    platform: str
    lang: Lang
    file_name: str
    data_sheet: str
    instructions_sheet: str | None
    lists_sheet: str | None
    columns: tuple[TemplateColumn, ...]
    body_rows: int
    example_row: bool
    instructions: tuple[tuple[str, ...], ...]
    #: how to save and send the file, as the platform's import page asks
    steps: tuple[str, ...]
    legend: tuple[tuple[HeaderStyle, str], ...]

    @property
    def last_row(self) -> int:
        """The last body row that gets checks (header on row 1)."""
        return self.body_rows + 1


def _t(lang: Lang, fr: str, en: str) -> str:
    return fr if lang == "fr" else en


def _clip(text: str, limit: int) -> str:
    """Excel refuses longer texts with a repair prompt: cut on a word, with an ellipsis."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0].rstrip(" ,;:")
    return cut + "…"


def _quoted(values: Iterable[str], lang: Lang) -> str:
    open_, close = ("« ", " »") if lang == "fr" else ('"', '"')
    return ", ".join(f"{open_}{v}{close}" for v in values)


# --- list values ------------------------------------------------------------------------------


def _sort_key(text: str) -> str:
    return strip_accents(text).casefold()


def country_list(column: Column) -> tuple[str, ...]:
    """Every ISO country in the form the platform wants, in alphabetical order."""
    return _countries(column.country_format or "fr_name")


@functools.cache
def _countries(form: CountryFormat) -> tuple[str, ...]:
    names = {country_name(c.alpha_2, form) for c in pycountry.countries}
    return tuple(sorted((n for n in names if n), key=_sort_key))


def list_values(column: Column) -> tuple[str, ...] | None:
    """The dropdown of a column, or ``None`` when its values are free."""
    if column.type == "choice" and column.choices:
        return tuple(column.choices)
    if column.type == "flag":
        return ("Y", "N")
    if column.type == "country":
        return country_list(column)
    return None


# --- what each column accepts -----------------------------------------------------------------


def _format_text(column: Column, lang: Lang) -> str:
    """The format sentence of a column, for notes, prompts and the instructions sheet."""
    kind = column.type
    if kind == "date":
        return _t(lang, "date au format JJ/MM/AAAA", "date as DD/MM/YYYY")
    if kind == "phone":
        fmt = column.phone_format or "international"
        example = column.example or ""
        return {
            "e164": _t(
                lang,
                f"numéro international sans espace, commençant par + (ex. : {example})",
                f"international number without spaces, starting with + (e.g. {example})",
            ),
            "international": _t(
                lang,
                f"numéro au format international (ex. : {example})",
                f"number in international format (e.g. {example})",
            ),
            "national": _t(
                lang, f"numéro au format national (ex. : {example})", f"national number ({example})"
            ),
            "nanp_dashes": _t(
                lang, "10 chiffres écrits 000-000-0000", "10 digits written 000-000-0000"
            ),
            "digits": _t(lang, "chiffres seuls", "digits only"),
        }[fmt]
    if kind == "country":
        form = column.country_format or "fr_name"
        return {
            "fr_name": _t(lang, "nom ISO français du pays (ex. : France)", "ISO French name"),
            "en_name": _t(lang, "nom ISO anglais du pays (ex. : Germany)", "ISO English name"),
            "alpha2": _t(lang, "code ISO à 2 lettres (ex. : FR)", "2-letter ISO code (e.g. FR)"),
            "alpha3": _t(lang, "code ISO à 3 lettres (ex. : FRA)", "3-letter ISO code (e.g. FRA)"),
        }[form]
    if kind == "choice":
        return _t(lang, "une valeur de la liste", "a value from the list")
    if kind == "flag":
        default = column.default or "N"
        return _t(lang, f"Y ou N (vide = {default})", f"Y or N (empty = {default})")
    if kind == "decimal":
        ints, fracs = column.integer_digits or 9, column.fraction_digits or 0
        return _t(
            lang,
            f"nombre, {ints} chiffres avant la virgule et {fracs} après au plus",
            f"number, at most {ints} digits before the decimal point and {fracs} after",
        )
    if kind == "integer":
        return _t(lang, "nombre entier", "whole number")
    if kind == "email":
        return _t(lang, "adresse e-mail nom@domaine.fr", "email address name@domain.com")
    if kind == "postal_code":
        return _t(
            lang,
            "code postal du pays de la ligne (France : 5 chiffres ; Canada : A1A 1A1)",
            "postal code of the row's country (France: 5 digits; Canada: A1A 1A1)",
        )
    named = {
        "siret": ("SIRET, 14 chiffres", "SIRET, 14 digits"),
        "siren": ("SIREN, 9 chiffres", "SIREN, 9 digits"),
        "vat": ("numéro de TVA intracommunautaire (ex. : FR40303265045)", "EU VAT number"),
        "iban": ("IBAN (ex. : FR76 3000 6000 0112 3456 7890 189)", "IBAN"),
        "bic": ("BIC de 8 ou 11 caractères", "BIC, 8 or 11 characters"),
    }
    if kind in named:
        return _t(lang, *named[kind])
    return _t(lang, "texte", "text")


def _range_of(column: Column) -> tuple[Decimal, Decimal]:
    """Bounds of a number column: the profile's, else what its digits allow (9.2: ±999999999.99).

    Decimal, not float: ``10**9 - 0.01`` is 999999999.9900000095 in binary floating point.
    """
    if column.type == "decimal":
        fracs = column.fraction_digits or 0
        top = Decimal(10) ** (column.integer_digits or 9) - Decimal(1).scaleb(-fracs)
    else:
        top = Decimal(_WHOLE_BOUND)
    low = Decimal(str(column.minimum)) if column.minimum is not None else -top
    high = Decimal(str(column.maximum)) if column.maximum is not None else top
    return low, high


def _number(value: Decimal) -> str:
    """``Decimal`` as Excel reads it in a formula: no exponent, no trailing zeros."""
    text = format(value.normalize(), "f")
    return "0" if text in ("-0", "0") else text


def _shown(value: Decimal, lang: Lang) -> str:
    """999999999.99 → ``999 999 999,99`` in French, ``999,999,999.99`` in English."""
    whole = value == value.to_integral_value()
    text = f"{int(value):,}" if whole else f"{value:,.2f}"
    return text.replace(",", " ").replace(".", ",") if lang == "fr" else text


def _text_limit(column: Column) -> int | None:
    if column.type == "phone" and column.phone_format == "nanp_dashes":
        return 12  # the shape itself fixes the length
    return column.max_length or _DEFAULT_TEXT_LIMITS.get(column.type)


def _forbidden_checks(cell: str, forbidden: list[str]) -> list[str]:
    """``ISERROR(FIND(...))`` per forbidden character (no array constants in validations)."""
    return [f'ISERROR(FIND("{ch.replace(chr(34), chr(34) * 2)}",{cell}))' for ch in forbidden]


def _custom_formula(parts: list[str], optional: list[str]) -> str:
    """``AND`` of the parts, adding optional ones while the formula stays within Excel's limit."""
    chosen = list(parts)
    for part in optional:
        candidate = [*chosen, part]
        if len(f"AND({','.join(candidate)})") <= MAX_FORMULA:
            chosen = candidate
    return chosen[0] if len(chosen) == 1 else f"AND({','.join(chosen)})"


#: the shape a value must have, as formula parts (``{c}``: the cell), by (type, phone format)
_SHAPES: dict[tuple[str, str | None], tuple[str, ...]] = {
    ("email", None): (
        'ISERROR(FIND(" ",{c}))',
        'LEN({c})-LEN(SUBSTITUTE({c},"@",""))=1',
        'ISNUMBER(FIND(".",{c},FIND("@",{c})+2))',
    ),
    ("phone", "nanp_dashes"): (
        "LEN({c})=12",
        'MID({c},4,1)="-"',
        'MID({c},8,1)="-"',
        'ISNUMBER(VALUE(SUBSTITUTE({c},"-","")))',
    ),
    ("phone", "e164"): (
        'LEFT({c},1)="+"',
        "LEN({c})>=8",
        'ISERROR(FIND(" ",{c}))',
        'ISERROR(FIND(".",{c}))',
        "ISNUMBER(VALUE(MID({c},2,20)))",
    ),
    ("phone", "international"): ('LEFT({c},1)="+"',),
    # SIRET, SIREN: so many digits, spaces allowed
    ("siret", None): ('LEN(SUBSTITUTE({c}," ",""))=14', 'ISNUMBER(VALUE(SUBSTITUTE({c}," ","")))'),
    ("siren", None): ('LEN(SUBSTITUTE({c}," ",""))=9', 'ISNUMBER(VALUE(SUBSTITUTE({c}," ","")))'),
    ("bic", None): ("OR(LEN({c})=8,LEN({c})=11)",),
}


def _shape_key(column: Column) -> tuple[str, str | None]:
    return column.type, column.phone_format if column.type == "phone" else None


def _text_rule_formula(column: Column, cell: str, forbidden: list[str]) -> str | None:
    """Custom formula for text-like columns: shape of the value, length, forbidden characters."""
    parts = [part.format(c=cell) for part in _SHAPES.get(_shape_key(column), ())]
    limit = _text_limit(column)
    if limit is not None and _shape_key(column) != ("phone", "nanp_dashes"):  # shape has it
        parts.append(f"LEN({cell})<={limit}")
    checks = _forbidden_checks(cell, forbidden)
    if not parts and not checks:
        return None
    if not parts:
        parts, checks = checks[:1], checks[1:]
    return _custom_formula(parts, checks)


def _error_style(column: Column, profile: Profile) -> ErrorStyle:
    """Stop what the platform rejects; only warn where it accepts the value in another form."""
    if column.type == "phone":
        refused = profile.levels_for(column).get("phone-format") == "error"
        return "stop" if refused else "warning"
    if column.type == "country":
        accepts = column.country_accepts or []
        return "warning" if any(form != column.country_format for form in accepts) else "stop"
    return "stop"


def _rule(
    column: Column,
    profile: Profile,
    letter: str,
    lang: Lang,
    values: tuple[str, ...] | None,
) -> CellRule | None:
    """The data validation of one column, or ``None`` when Excel cannot say anything useful."""
    cell = f"{letter}2"
    fmt = _format_text(column, lang)
    prompt_title = _clip(column.header, MAX_TITLE)
    prompt = _clip(f"{fmt}. {_help(column, lang)}", MAX_MESSAGE)
    style = _error_style(column, profile)
    refused = _t(lang, "Valeur refusée", "Value refused")
    unusual = _t(lang, "Valeur à vérifier", "Please check this value")
    error_title = refused if style == "stop" else unusual
    kind: RuleKind
    formula1: str | None = None
    formula2: str | None = None
    operator: str | None = None
    if values is not None:
        kind = "list"
        if len(values) <= 12:
            shown = _quoted(values, lang)
            error = _t(
                lang,
                f"Choisissez dans la liste déroulante : {shown}.",
                f"Pick a value from the dropdown: {shown}.",
            )
        else:  # the whole list cannot be quoted in 255 characters: say what form it takes
            error = _t(
                lang,
                f"Choisissez dans la liste déroulante : {fmt}.",
                f"Pick a value from the dropdown: {fmt}.",
            )
        if column.type == "country" and style == "warning":
            error += _t(
                lang,
                " Un code ISO à 2 lettres (FR) est aussi accepté.",
                " A 2-letter ISO code (FR) is accepted too.",
            )
    elif column.type in ("decimal", "integer"):
        kind = "decimal" if column.type == "decimal" else "whole"
        low, high = _range_of(column)
        operator, formula1, formula2 = "between", _number(low), _number(high)
        error = _t(
            lang,
            f"Tapez un {fmt.split(',')[0]} entre {_shown(low, lang)} et {_shown(high, lang)}, "
            "sans symbole (ni %, ni €).",
            f"Type a {fmt.split(',')[0]} between {_shown(low, lang)} and {_shown(high, lang)}, "
            "without symbols (no %, no $).",
        )
    elif column.type == "date":
        kind, operator, formula1, formula2 = "date", "between", _FIRST_DATE, _LAST_DATE
        error = _t(
            lang,
            "Tapez une date au format JJ/MM/AAAA, par exemple 31/01/1985.",
            "Type a date as DD/MM/YYYY, for example 31/01/1985.",
        )
    else:
        forbidden = profile.file.characters.forbidden
        formula = _text_rule_formula(column, cell, forbidden)
        if formula is None:
            return None
        limit = _text_limit(column)
        simple_length = column.type == "text" and not forbidden and limit is not None
        if simple_length:
            kind, operator, formula1 = "textLength", "lessThanOrEqual", str(limit)
        else:
            kind, formula1 = "custom", formula
        error = _text_error(column, fmt, limit, forbidden, lang)
    return CellRule(
        kind=kind,
        operator=operator,
        formula1=formula1,
        formula2=formula2,
        list_values=values or (),
        error_style=style,
        prompt_title=prompt_title,
        prompt=prompt,
        error_title=_clip(error_title, MAX_TITLE),
        error=_clip(error, MAX_MESSAGE),
    )


def _text_error(
    column: Column, fmt: str, limit: int | None, forbidden: list[str], lang: Lang
) -> str:
    sentences: list[str] = []
    if column.type != "text":
        sentences.append(_t(lang, f"Attendu : {fmt}.", f"Expected: {fmt}."))
    if limit is not None:
        sentences.append(_t(lang, f"{limit} caractères au plus.", f"At most {limit} characters."))
    if forbidden:
        sentences.append(
            _t(
                lang,
                f"Caractères refusés par la plateforme : {' '.join(forbidden)}",
                f"Characters the platform refuses: {' '.join(forbidden)}",
            )
        )
    return " ".join(sentences)


def _help(column: Column, lang: Lang) -> str:
    return column.help if lang == "fr" or not column.help_en else column.help_en


def _number_format(column: Column, profile: Profile) -> str | None:
    """Text for codes (leading zeros, long digits), dates as DD/MM/YYYY, decimals' precision."""
    if column.type in _TEXT_TYPES or column.keep_as_text or column.id in profile.file.key:
        return TEXT_FORMAT
    if column.type == "date":
        return DATE_FORMAT
    if column.type == "decimal":
        fracs = column.fraction_digits or 0
        return "0." + "0" * fracs if fracs else "0"
    if column.type == "integer":
        return "0"
    return None


def alternatives(column: Column, profile: Profile) -> list[list[str]] | None:
    """The other ways to fill a column a rule requires in one of several forms, or ``None``.

    Flokon's page stars « Adresse* » and lists beneath it « Adresse Ligne 1 », « Ville » and
    « Code postal »: the address is required, whole or in those parts. The profile says so
    with an ``any_required`` error rule whose groups are the whole-address field and parts
    of it (``mapping.full_address``, ``mapping.address``): the template shows the whole
    address as required, naming the parts as the other way, so the template says what
    ``validate`` checks. A rule between peers (Reveal: a first name or a last name) marks
    nothing: neither is required by itself."""
    whole, parts = profile.mapping.full_address, profile.mapping.address
    if column.id != whole or parts is None:
        return None
    pieces = {parts.street, parts.city, parts.postal_code}
    for rule in profile.rules:
        if not isinstance(rule, AnyRequired) or rule.severity != "error":
            continue
        others = [g for g in rule.groups if g != [whole]]
        if len(others) < len(rule.groups) and others and all(set(g) <= pieces for g in others):
            return others
    return None


def shown_required(column: Column, profile: Profile) -> bool:
    """Whether the template marks the column required: by itself, or in one of its forms."""
    return column.required or alternatives(column, profile) is not None


def _or_else(column: Column, profile: Profile, lang: Lang) -> str:
    """« ou bien Adresse Ligne 1, Ville et Code postal » for a column required in one of
    several forms; empty otherwise."""
    groups = alternatives(column, profile) or []
    headers = {c.id: c.header for c in profile.fields}
    said = [_listed([headers.get(i, i) for i in group], lang) for group in groups]
    return _t(lang, " ou bien ", " or else ").join(said)


def _listed(names: list[str], lang: Lang) -> str:
    if len(names) < 2:
        return "".join(names)
    return ", ".join(names[:-1]) + _t(lang, " et ", " and ") + names[-1]


def _note(
    column: Column, lang: Lang, values: tuple[str, ...] | None, profile: Profile | None = None
) -> str:
    """The header's note: what the column means, its format, whether required, an example."""
    lines = [_help(column, lang)]
    other = _or_else(column, profile, lang) if profile is not None else ""
    if column.required:
        lines.insert(0, _t(lang, "OBLIGATOIRE.", "REQUIRED."))
    elif other:
        lines.insert(
            0,
            _t(lang, f"OBLIGATOIRE (ou bien : {other}).", f"REQUIRED (or else: {other})."),
        )
    elif column.recommended:
        reason = column.recommended_reason if lang == "fr" else column.recommended_reason_en
        said = _t(lang, "Recommandé", "Recommended")
        lines.insert(0, f"{said} ({reason})." if reason else f"{said}.")
    if not column.processed:
        lines.insert(0, _t(lang, "Non traitée par la plateforme.", "Not used by the platform."))
    fmt = _format_text(column, lang)
    lines.append(_t(lang, f"Format : {fmt}.", f"Format: {fmt}."))
    listed = column.type in ("choice", "flag", "country")  # a list's own limit only
    limit = column.max_length if listed else _text_limit(column)
    if limit is not None and (column.max_length or column.type in _TEXT_TYPES):
        lines.append(_t(lang, f"Longueur maximale : {limit}.", f"Maximum length: {limit}."))
    if values is not None and len(values) <= 12:
        lines.append(
            _t(lang, f"Valeurs : {_quoted(values, lang)}.", f"Values: {_quoted(values, lang)}.")
        )
    if column.example:
        lines.append(_t(lang, f"Exemple : {column.example}", f"Example: {column.example}"))
    return "\n".join(lines)


def _width(column: Column) -> float:
    longest = max(len(column.header), len(column.example or ""), 10)
    return float(min(longest + 4, 45))


def _header_style(column: Column, profile: Profile) -> HeaderStyle:
    if not column.processed:
        return "ignored"
    return "required" if shown_required(column, profile) else "optional"


def _legend(lang: Lang) -> tuple[tuple[HeaderStyle, str], ...]:
    return (
        ("required", _t(lang, "Colonne obligatoire", "Required column")),
        ("optional", _t(lang, "Colonne facultative", "Optional column")),
        ("ignored", _t(lang, "Colonne non traitée par la plateforme", "Column not used")),
    )


def _allowed_text(values: tuple[str, ...] | None, lang: Lang) -> str:
    if values is None:
        return ""
    if len(values) > 12:
        return _t(
            lang,
            f"{len(values)} valeurs (liste déroulante)",
            f"{len(values)} values (dropdown list)",
        )
    return ", ".join(values)


def _required_cell(column: Column, profile: Profile, lang: Lang) -> str:
    """The instructions sheet's « Obligatoire » cell: « oui », « non », or « oui (ou bien
    ...) » for a column required in one of several forms."""
    other = _or_else(column, profile, lang)
    if column.required or not other:
        return _t(lang, "oui", "yes") if column.required else _t(lang, "non", "no")
    return _t(lang, f"oui (ou bien : {other})", f"yes (or else: {other})")


def _instructions(
    spec_columns: list[TemplateColumn], profile: Profile, lang: Lang
) -> list[tuple[str, ...]]:
    """Rows of the instructions sheet: the column table, then how to save and send the file."""
    header = (
        _t(lang, "Colonne", "Column"),
        _t(lang, "En-tête", "Header"),
        _t(lang, "Obligatoire", "Required"),
        _t(lang, "Description", "Description"),
        _t(lang, "Format", "Format"),
        _t(lang, "Valeurs permises", "Allowed values"),
        _t(lang, "Longueur max.", "Max. length"),
        _t(lang, "Exemple", "Example"),
    )
    rows: list[tuple[str, ...]] = [header]
    for col, field in zip(spec_columns, profile.fields, strict=True):
        values = col.rule.list_values if col.rule and col.rule.kind == "list" else None
        limit = field.max_length
        rows.append(
            (
                col.letter,
                col.header,
                _required_cell(field, profile, lang),
                _help(field, lang),
                _format_text(field, lang),
                _allowed_text(values, lang),
                str(limit) if limit else "",
                field.example or "",
            )
        )
    return rows


def saving_steps(profile: Profile, data_sheet: str, lang: Lang) -> list[str]:
    """How to save and send the file, as the platform's import page asks."""
    export = profile.file.export
    rules = profile.file
    steps: list[str] = []
    if export.format == "csv":
        sep = {";": "« ; »", ",": "« , »", "\t": "tabulation"}.get(
            export.separator, export.separator
        )
        steps.append(
            _t(
                lang,
                f"Enregistrez l'onglet « {data_sheet} » au format CSV {export.encoding.upper()} "
                f"(Fichier > Enregistrer sous > « CSV UTF-8 (délimité par des virgules) »), "
                f"séparateur {sep}.",
                f"Save the '{data_sheet}' tab as CSV {export.encoding.upper()} "
                f"(File > Save As > 'CSV UTF-8 (Comma delimited)'), separator "
                f"'{export.separator}'.",
            )
        )
        steps.append(
            _t(
                lang,
                "Excel écrit le séparateur de liste de Windows (« ; » en France, « , » au "
                f"Québec et en anglais) : ouvrez le CSV dans un éditeur de texte pour vérifier "
                f"qu'il utilise bien {sep}.",
                "Excel writes Windows' list separator (';' in France, ',' in English): open "
                f"the CSV in a text editor to check it uses '{export.separator}'.",
            )
        )
    else:
        steps.append(
            _t(
                lang,
                f"Enregistrez le classeur au format {export.format.upper()} et importez-le.",
                f"Save the workbook as {export.format.upper()} and import it.",
            )
        )
    if rules.first_row_is_example:
        steps.append(
            _t(
                lang,
                "La ligne 2 est un exemple : supprimez-la avant l'import.",
                "Row 2 is an example: delete it before importing.",
            )
        )
    if rules.characters.forbidden:
        chars = " ".join(rules.characters.forbidden)
        steps.append(
            _t(
                lang,
                f"Aucune cellule ne doit contenir ces caractères : {chars}",
                f"No cell may contain these characters: {chars}",
            )
        )
    if rules.max_rows:
        steps.append(
            _t(
                lang,
                f"{rules.max_rows:,} lignes au plus par fichier.".replace(",", " "),
                f"At most {rules.max_rows:,} rows per file.",
            )
        )
    for fmt, size in sorted(rules.max_size_bytes.items()):
        steps.append(
            _t(
                lang,
                f"Taille maximale d'un fichier {fmt.upper()} : {size / 1_000_000:g} Mo.",
                f"Maximum size of a {fmt.upper()} file: {size / 1_000_000:g} MB.",
            )
        )
    if rules.key and rules.key_unique:
        headers = ", ".join(profile.field(k).header for k in rules.key)
        steps.append(
            _t(
                lang,
                f"« {headers} » ne doit pas se répéter d'une ligne à l'autre.",
                f"'{headers}' must not repeat from one row to another.",
            )
        )
    for rule in profile.rules:
        if isinstance(rule, SmsNeedsMobile):  # said in the phone column's note instead
            continue
        text = rule.explanation if lang == "fr" else rule.explanation_en
        steps.append(text[0].upper() + text[1:])
    return steps


def _default_file_name(profile: Profile, lang: Lang) -> str:
    if profile.template.file_name:
        return profile.template.file_name
    return f"{_t(lang, 'modele', 'template')}-{profile.name}.xlsx"


def plan_template(profile: Profile, lang: Lang = "fr", rows: int | None = None) -> TemplateSpec:
    """The template of ``profile``: columns in the platform's order, checks, notes, sheets.

    A platform that wants a single sheet (Reveal) gets the data sheet alone: an instructions
    or lists sheet would make the platform refuse the very file we hand out. Its help then
    lives in the header notes and the input messages, and its dropdowns, if any, inline.
    """
    body_rows = rows or profile.template.rows
    if profile.file.max_rows:
        body_rows = min(body_rows, profile.file.max_rows)
    data_sheet = profile.file.export.sheet_name or "Clients"
    single = profile.file.single_sheet
    columns: list[TemplateColumn] = []
    for index, field in enumerate(profile.fields, start=1):
        letter = field.letter or column_letter(index - 1)
        values = list_values(field)
        columns.append(
            TemplateColumn(
                letter=letter,
                field_id=field.id,
                header=field.header,
                header_style=_header_style(field, profile),
                note=_note(field, lang, values, profile),
                number_format=_number_format(field, profile),
                width=_width(field),
                rule=_rule(field, profile, letter, lang, values),
                example=field.example,
            )
        )
    has_lists = any(c.rule is not None and c.rule.kind == "list" for c in columns)
    instructions_sheet = None
    if not single:
        instructions_sheet = profile.template.instructions_sheet or "Instructions"
    return TemplateSpec(
        profile=profile.name,
        platform=profile.platform,
        lang=lang,
        file_name=_default_file_name(profile, lang),
        data_sheet=data_sheet,
        instructions_sheet=instructions_sheet,
        lists_sheet=_t(lang, "Listes", "Lists") if has_lists and not single else None,
        columns=tuple(columns),
        body_rows=body_rows,
        example_row=profile.file.first_row_is_example,
        instructions=tuple(_instructions(columns, profile, lang)),
        steps=tuple(saving_steps(profile, data_sheet, lang)),
        legend=_legend(lang),
    )
