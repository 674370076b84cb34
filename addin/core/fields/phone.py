"""Phone numbers: phonenumbers' verdict, at a fraction of its cost for well-formed numbers.

``phonenumbers.parse`` plus ``is_valid_number`` costs 20-55 µs a number, and a customer file
brings 100,000 rows with two phone columns. Almost every cell is a plain national or
international number made of digits and separators, so this module mirrors, for exactly those
shapes, the few steps of phonenumbers that decide such a number (country code, national prefix,
length, pattern matching, region of a shared country code) with regexes compiled once per
region from phonenumbers' own metadata. The mirror is only trusted when it finds a valid
number; every other cell (invalid, unusual characters, leading zeros, regions whose metadata
use rules not mirrored here) goes through phonenumbers itself, which also gives the reason for
an invalid number. ``tests/test_phone.py`` checks the two paths agree.

Three rules of the product sit on top of phonenumbers: a cell holding several numbers, or
letters inside the number, is invalid, and a platform wanting ``NXX-NXX-XXXX`` cannot take a
number from outside North America.
"""

from __future__ import annotations

import dataclasses
import functools
import re
from dataclasses import dataclass
from typing import Any, Literal, NamedTuple

import phonenumbers
from phonenumbers import PhoneMetadata, PhoneNumberFormat, PhoneNumberType

from addin.core.fields.base import Outcome, Problem, as_text, problem
from addin.core.profile import PhoneFormat, Severity
from addin.core.table import CellValue

LineType = Literal["mobile", "fixed", "fixed_or_mobile", "other"]

# --- limits and results copied from phonenumbers (phonenumberutil.py) -------------------------
_MIN_LENGTH_FOR_NSN = 2
_MAX_LENGTH_FOR_NSN = 17
_MAX_INPUT_LENGTH = 250
_MAX_LENGTH_COUNTRY_CODE = 3
_NON_GEO_REGION = "001"
# ValidationResult values of ``_test_number_length``.
_IS_POSSIBLE = 0
_TOO_SHORT = 2
_TOO_LONG = 3
_IS_POSSIBLE_LOCAL_ONLY = 4
_INVALID_LENGTH = 5
#: ``_FIRST_GROUP_PATTERN``: where a national prefix formatting rule puts the first group.
_FIRST_GROUP = re.compile(r"(\\\d)")

#: The order in which ``_number_type_helper`` tries the number types; it matters because a
#: number may match several patterns (the first wins), and fixed line comes before mobile.
_TYPE_ORDER: tuple[tuple[str, int], ...] = (
    ("premium_rate", PhoneNumberType.PREMIUM_RATE),
    ("toll_free", PhoneNumberType.TOLL_FREE),
    ("shared_cost", PhoneNumberType.SHARED_COST),
    ("voip", PhoneNumberType.VOIP),
    ("personal_number", PhoneNumberType.PERSONAL_NUMBER),
    ("pager", PhoneNumberType.PAGER),
    ("uan", PhoneNumberType.UAN),
    ("voicemail", PhoneNumberType.VOICEMAIL),
    ("fixed_line", PhoneNumberType.FIXED_LINE),
    ("mobile", PhoneNumberType.MOBILE),
)

_LINE_TYPES: dict[int, LineType] = {
    PhoneNumberType.MOBILE: "mobile",
    PhoneNumberType.FIXED_LINE: "fixed",
    PhoneNumberType.FIXED_LINE_OR_MOBILE: "fixed_or_mobile",
}

# --- reasons of ``invalid-phone`` (French for {reason}, English in reason_en) ------------------
_REASONS: dict[str, tuple[str, str]] = {
    "several": ("plusieurs numéros", "several numbers"),
    "letters": ("contient des lettres", "contains letters"),
    "extension": ("contient un numéro de poste", "contains an extension"),
    "too_short": ("trop court", "too short"),
    "too_long": ("trop long", "too long"),
    "country_code": ("indicatif inconnu", "unknown country code"),
    "length": ("nombre de chiffres incorrect", "wrong number of digits"),
    "local_only": ("indicatif régional manquant", "area code missing"),
    "unallocated": ("ne correspond à aucun numéro attribué", "matches no allocated number"),
    "characters": ("caractères inattendus", "unexpected characters"),
    "not_nanp": (
        "la plateforme n'accepte que les numéros nord-américains à 10 chiffres",
        "the platform only takes North-American 10-digit numbers",
    ),
}
_PARSE_ERROR_REASONS = {
    phonenumbers.NumberParseException.INVALID_COUNTRY_CODE: "country_code",
    phonenumbers.NumberParseException.TOO_SHORT_AFTER_IDD: "too_short",
    phonenumbers.NumberParseException.TOO_SHORT_NSN: "too_short",
    phonenumbers.NumberParseException.TOO_LONG: "too_long",
}
_LENGTH_REASONS = {
    phonenumbers.ValidationResult.INVALID_COUNTRY_CODE: "country_code",
    phonenumbers.ValidationResult.TOO_SHORT: "too_short",
    phonenumbers.ValidationResult.TOO_LONG: "too_long",
    phonenumbers.ValidationResult.IS_POSSIBLE_LOCAL_ONLY: "local_only",
    phonenumbers.ValidationResult.INVALID_LENGTH: "length",
}

#: How each format is described in ``phone-format`` ({example} is the region's example).
_FORMAT_NAMES: dict[PhoneFormat, tuple[str, str]] = {
    "e164": ("{example} (format international E.164)", "{example} (international E.164 format)"),
    "international": ("{example} (format international)", "{example} (international format)"),
    "national": ("{example} (format national)", "{example} (national format)"),
    "nanp_dashes": ("000-000-0000", "000-000-0000"),
    "digits": ("{example} (chiffres seuls)", "{example} (digits only)"),
}

# --- shapes of the text -----------------------------------------------------------------------
#: Characters the fast path ignores between digits; phonenumbers drops them all when it
#: normalises, and none of them can start an extension. "/" may part two numbers: cells with
#: one are checked for a second number before the fast path.
_SEPARATORS = " .-/()"
#: Where a cell may hold a second number ("06… / 01…", "06…; 01…", "06… ou 01…").
_SPLIT = re.compile(r"[/;,|\n]|\s(?:ou|et|or|and)\s", re.IGNORECASE)
_DIGIT = re.compile(r"\d")
_NOT_DIGIT = re.compile(r"[^0-9]")
_QUOTES = "'’‘\"«»“”"
_NUMBER_OF_DIGITS_OF_A_NUMBER = 7


class _Number(NamedTuple):
    """A valid number: country code, national significant number, phonenumbers' type.

    ``parsed`` is phonenumbers' object when the slow path made it (it may carry an extension);
    ``None`` means the fast path found the number and the mirrored formatter applies.
    """

    country_code: int
    nsn: str
    kind: int
    parsed: Any = None


class _Invalid(NamedTuple):
    """Why a cell is not a usable number: a key of ``_REASONS``."""

    reason: str


# === metadata compiled once per region ========================================================


class _TypeMatcher:
    """``region_code_for_number`` then ``_number_type_helper``, for one country code, in one call.

    phonenumbers walks the regions of a country code in order: a region with leading digits
    claims the numbers starting with them, another claims the numbers valid in it. For each
    length, this is one alternation in the same order, so ``match`` picks the same region: a
    region's leading digits as a prefix, or its types as a look-ahead for its general pattern
    followed by one named group per type, in ``_number_type_helper``'s order, anchored at the
    end. The group that matches names both the region and the type.
    """

    __slots__ = ("_by_length", "_groups")

    def __init__(self, regions: list[tuple[str, Any, bool]]) -> None:
        """``regions``: (region, metadata, whether its leading digits decide) in order."""
        self._by_length: dict[int, re.Pattern[str]] = {}
        self._groups: dict[str, tuple[str, int | None, _Refinement | None]] = {}
        lengths = sorted({n for _, metadata, _ in regions for n in _general_lengths(metadata)})
        refinements = [_Refinement.of(metadata) for _, metadata, _ in regions]
        for length in lengths:
            parts = []
            for index, (region, metadata, by_leading_digits) in enumerate(regions):
                if by_leading_digits:
                    self._groups[f"r{index}"] = (region, None, None)
                    parts.append(f"(?P<r{index}>{metadata.leading_digits})")
                    continue
                types = _type_alternatives(metadata, length, f"r{index}")
                if types is not None:
                    pattern, kinds = types
                    claims = (
                        (group, (region, kind, refinements[index])) for group, kind in kinds.items()
                    )
                    self._groups.update(claims)
                    parts.append(f"(?:{pattern})\\Z")
            if parts:
                self._by_length[length] = re.compile("|".join(parts))

    def number_type(self, nsn: str) -> int:
        """The type phonenumbers gives ``nsn`` (``UNKNOWN`` when invalid)."""
        pattern = self._by_length.get(len(nsn))
        match = pattern.match(nsn) if pattern is not None else None
        if match is None or match.lastgroup is None:
            return PhoneNumberType.UNKNOWN
        region, kind, refinement = self._groups[match.lastgroup]
        if kind is None:  # claimed by its leading digits: the region's own patterns decide
            matcher = _region_matcher(region)
            return matcher.number_type(nsn) if matcher else PhoneNumberType.UNKNOWN
        if kind == PhoneNumberType.FIXED_LINE and refinement is not None:
            return refinement.fixed_line_type(nsn)
        return kind


@dataclass(frozen=True, slots=True)
class _Refinement:
    """Whether a number matching the fixed-line pattern is also mobile (the end of the helper)."""

    same_mobile_and_fixed: bool
    mobile: dict[int, re.Pattern[str]]

    @classmethod
    def of(cls, metadata: Any) -> _Refinement:
        mobile = {}
        for length in _general_lengths(metadata):
            pattern = _pattern_for_length(metadata.mobile, length)
            if pattern is not None:
                mobile[length] = re.compile(pattern)
        return cls(bool(metadata.same_mobile_and_fixed_line_pattern), mobile)

    def fixed_line_type(self, nsn: str) -> int:
        if self.same_mobile_and_fixed:
            return PhoneNumberType.FIXED_LINE_OR_MOBILE
        mobile = self.mobile.get(len(nsn))
        if mobile is not None and mobile.fullmatch(nsn):
            return PhoneNumberType.FIXED_LINE_OR_MOBILE
        return PhoneNumberType.FIXED_LINE


def _general_lengths(metadata: Any) -> tuple[int, ...]:
    return tuple(metadata.general_desc.possible_length)


def _type_alternatives(
    metadata: Any, length: int, tag: str, named: bool = True
) -> tuple[str, dict[str, int]] | None:
    """The region's types admitting ``length`` as one pattern, and its groups' types.

    ``None`` when no type admits the length or the general pattern refuses it, as
    ``_is_number_matching_desc`` would for each of them. With ``named`` false the types are
    plain alternatives, so that patterns of several lengths can share one expression.
    """
    general = metadata.general_desc
    if length not in general.possible_length:
        return None
    same = bool(metadata.same_mobile_and_fixed_line_pattern)
    parts, kinds = [], {}
    for name, kind in _TYPE_ORDER:
        if name == "mobile" and same:
            continue  # phonenumbers never tests it on its own then
        pattern = _pattern_for_length(getattr(metadata, name), length)
        if pattern is not None:
            kinds[f"{tag}t{kind}"] = kind
            parts.append(f"(?P<{tag}t{kind}>{pattern})" if named else f"(?:{pattern})")
    if not parts:
        return None
    return f"(?=(?:{general.national_number_pattern})\\Z)(?:{'|'.join(parts)})", kinds


def _pattern_for_length(desc: Any, length: int) -> str | None:
    """The pattern of a number type when it admits ``length`` (``_is_number_matching_desc``)."""
    if desc is None or not desc.national_number_pattern:
        return None
    if desc.possible_length and length not in desc.possible_length:
        return None
    return str(desc.national_number_pattern)


@dataclass(frozen=True, slots=True)
class _ParseRules:
    """What ``phonenumbers.parse`` reads from a region's metadata to find the national number."""

    region: str
    country_code: int
    country_code_text: str
    general: re.Pattern[str]
    lengths: tuple[int, ...]
    local_lengths: frozenset[int]
    #: ``length_verdict`` of every length a cell can have, looked up instead of recomputed.
    verdicts: tuple[int, ...]
    national_prefix: re.Pattern[str] | None
    national_prefix_digits: str | None  # the same prefix when it is plain digits ("0", "1")
    international_prefix: re.Pattern[str] | None

    def is_viable(self, number: str) -> bool:
        """``_match_national_number`` against the general pattern (no length check)."""
        return self.general.fullmatch(number) is not None

    def length_verdict(self, number: str) -> int:
        """``_test_number_length`` for the UNKNOWN type, step by step."""
        length = len(number)
        if length in self.local_lengths:
            return _IS_POSSIBLE_LOCAL_ONLY
        shortest = self.lengths[0]
        if shortest == length:
            return _IS_POSSIBLE
        if shortest > length:
            return _TOO_SHORT
        if self.lengths[-1] < length:
            return _TOO_LONG
        return _IS_POSSIBLE if length in self.lengths[1:] else _INVALID_LENGTH

    def strip_national_prefix(self, number: str) -> str:
        """``_maybe_strip_national_prefix_carrier_code`` without a transform rule."""
        if not number or self.national_prefix is None:
            return number
        if self.national_prefix_digits is not None:  # startswith is 3 times cheaper than match
            if not number.startswith(self.national_prefix_digits):
                return number
            rest = number[len(self.national_prefix_digits) :]
        else:
            match = self.national_prefix.match(number)
            if match is None:
                return number
            rest = number[match.end() :]
        general = self.general
        if general.fullmatch(number) is not None and general.fullmatch(rest) is None:
            return number
        return rest


@functools.cache
def _metadata(region: str) -> Any:
    return PhoneMetadata.metadata_for_region(region, None)


@functools.cache
def _parse_rules(region: str) -> _ParseRules | None:
    """The region's parsing rules, or ``None`` when they use something not mirrored here."""
    metadata = _metadata(region)
    if metadata is None or metadata.national_prefix_transform_rule:
        return None
    general = metadata.general_desc
    if not general.possible_length or not general.national_number_pattern:
        return None
    prefix = metadata.national_prefix_for_parsing
    idd = metadata.international_prefix
    rules = _ParseRules(
        region=region,
        country_code=int(metadata.country_code),
        country_code_text=str(metadata.country_code),
        general=re.compile(general.national_number_pattern),
        lengths=tuple(general.possible_length),
        local_lengths=frozenset(general.possible_length_local_only),
        verdicts=(),
        national_prefix=re.compile(prefix) if prefix else None,
        national_prefix_digits=prefix if prefix and prefix.isdigit() else None,
        international_prefix=re.compile(idd) if idd else None,
    )
    verdicts = tuple(rules.length_verdict("0" * n) for n in range(_MAX_INPUT_LENGTH + 1))
    return dataclasses.replace(rules, verdicts=verdicts)


@functools.cache
def _region_matcher(region: str) -> _TypeMatcher | None:
    """The types of one region, ignoring the others of its country code."""
    metadata = _metadata(region)
    if metadata is None or not metadata.general_desc.possible_length:
        return None
    return _TypeMatcher([(region, metadata, False)])


@functools.cache
def _country_matcher(country_code: int) -> _TypeMatcher | None:
    """How to validate numbers of a country code, or ``None`` to leave them to phonenumbers."""
    regions = phonenumbers.COUNTRY_CODE_TO_REGION_CODE.get(country_code)
    if not regions or _NON_GEO_REGION in regions:
        return None
    if len(regions) == 1:  # phonenumbers does not look at leading digits then
        return _region_matcher(regions[0])
    steps = []
    for region in regions:
        metadata = _metadata(region)
        if metadata is None:
            continue  # phonenumbers skips it too
        if not metadata.general_desc.possible_length:
            return None
        steps.append((region, metadata, metadata.leading_digits is not None))
    return _TypeMatcher(steps)


@functools.cache
def _own_code(region: str) -> _ParseRules | None:
    """The region's rules when its country code is its alone and no shorter code prefixes it.

    Then ``_fast_parse`` reads ``+CC…`` and national numbers of the region in the simplest way,
    which the patterns below retrace.
    """
    home = _parse_rules(region)
    if home is None or phonenumbers.COUNTRY_CODE_TO_REGION_CODE.get(home.country_code) != (region,):
        return None
    code = home.country_code_text
    shorter = (int(code[:size]) for size in range(1, len(code)))
    return None if any(c in phonenumbers.COUNTRY_CODE_TO_REGION_CODE for c in shorter) else home


def _valid_nsn(home: _ParseRules, national: bool) -> str | None:
    """Valid national significant numbers of the region (ASCII digits, no leading 0).

    One of the region's types must admit the number, as in ``_TypeMatcher``. With ``national``,
    only lengths for which parse strips the national prefix (``IS_POSSIBLE``).
    """
    metadata = _metadata(home.region)
    parts = []
    for length in _general_lengths(metadata):
        if not _MIN_LENGTH_FOR_NSN <= length <= _MAX_LENGTH_FOR_NSN:
            continue
        if national and home.verdicts[length] != _IS_POSSIBLE:
            continue
        types = _type_alternatives(metadata, length, "", named=False)
        if types is not None:
            parts.append(f"(?=[1-9][0-9]{{{length - 1}}}\\Z){types[0]}\\Z")
    return f"(?:{'|'.join(parts)})" if parts else None


@functools.cache
def _clean_e164(region: str) -> str | None:
    """``+CC`` and a valid national number of ``region``: E.164 as ``check`` leaves it.

    The number must not start with the national prefix (parse would strip it). ``None`` for a
    country code shared by several regions, or regions that go to phonenumbers anyway.
    """
    home = _own_code(region)
    nsn = _valid_nsn(home, national=False) if home is not None else None
    if home is None or nsn is None:
        return None
    prefix = f"(?!{home.national_prefix.pattern})" if home.national_prefix is not None else ""
    return f"\\+{home.country_code_text}{prefix}{nsn}"


class _NationalRoute:
    """``06 12 34 56 78`` → ``+33612345678`` in one regex, for an E.164 platform.

    Retraces ``_clean`` and ``_fast_parse`` for a national number of the region made of
    ASCII digits, spaces, dots and dashes only (``_digits`` drops exactly those): no
    international prefix, not starting with the country code, the national prefix (plain
    digits) stripped, and the rest a valid number whose length parse accepts after stripping.
    Anything else returns ``None`` and takes the usual path.
    """

    __slots__ = ("_code", "_idd", "_nsn", "_plus_code", "_prefix")

    def __init__(self, home: _ParseRules, prefix: str, nsn: str) -> None:
        self._prefix = prefix
        self._nsn = re.compile(nsn)
        self._idd = home.international_prefix
        self._code = home.country_code_text
        self._plus_code = "+" + home.country_code_text

    @classmethod
    def of(cls, region: str) -> _NationalRoute | None:
        home = _own_code(region)
        prefix = home.national_prefix_digits if home is not None else None
        nsn = _valid_nsn(home, national=True) if home is not None else None
        if home is None or not prefix or nsn is None:
            return None
        return cls(home, prefix, nsn)

    def e164(self, text: str) -> str | None:
        """The number in E.164 when ``text`` is a valid national number in plain spelling."""
        digits = text.replace(" ", "").replace(".", "").replace("-", "")
        if not digits.isdigit() or not digits.isascii() or len(text) > _MAX_INPUT_LENGTH:
            return None
        if not digits.startswith(self._prefix):
            return None
        nsn = digits[len(self._prefix) :]
        if self._nsn.fullmatch(nsn) is None or digits.startswith(self._code):
            return None
        if self._idd is not None and self._idd.match(digits) is not None:
            return None
        return self._plus_code + nsn


# === the fast path: phonenumbers.parse for digits and separators ==============================


def _fast_parse(text: str, home: _ParseRules) -> _Number | _Invalid | None:
    """phonenumbers' verdict on ``text``, or ``None`` to ask phonenumbers.

    Accepts digits mixed with `` .-/()`` and an optional leading ``+`` (or ``(+``), which
    phonenumbers reads as just the digits; anything else is left to phonenumbers.
    """
    if text[0] == "+":
        plus, body = True, text[1:]
    elif text.startswith("(+"):
        plus, body = True, text[2:]
    else:
        plus, body = False, text
    digits = _digits(body)
    if not digits or len(text) > _MAX_INPUT_LENGTH:
        return None
    if plus:
        return _after_international_prefix(digits, home)
    idd = home.international_prefix
    if idd is not None:
        match = idd.match(digits)
        # phonenumbers keeps the prefix when a 0 follows, as country codes never start with 0.
        if match is not None and digits[match.end() : match.end() + 1] != "0":
            return _after_international_prefix(digits[match.end() :], home)
    return _from_default_country(digits, home)


def _digits(body: str) -> str:
    """The digits of a text made only of digits and separators, else ``""``.

    Chained ``replace`` calls cost a third of ``str.translate`` here, and most numbers need
    only the first one.
    """
    digits = body.replace(" ", "")
    if not digits.isdigit():
        for separator in _SEPARATORS[1:]:
            digits = digits.replace(separator, "")
    return digits if digits.isdigit() and digits.isascii() else ""


def _after_international_prefix(digits: str, home: _ParseRules) -> _Number | _Invalid | None:
    """``+CC…`` or ``00CC…``: the country code is read from the number."""
    if len(digits) <= _MIN_LENGTH_FOR_NSN or digits[0] == "0":
        return None
    for size in range(1, min(len(digits), _MAX_LENGTH_COUNTRY_CODE) + 1):
        code = int(digits[:size])
        if code in phonenumbers.COUNTRY_CODE_TO_REGION_CODE:
            rules = _rules_for_code(code, home)
            return _finish(code, digits[size:], rules) if rules else None
    return None


def _from_default_country(digits: str, home: _ParseRules) -> _Number | _Invalid | None:
    """A national number, or the region's country code typed without ``+`` (``33612345678``)."""
    code = home.country_code_text
    if digits.startswith(code):
        potential = home.strip_national_prefix(digits[len(code) :])
        better = not home.is_viable(digits) and home.is_viable(potential)
        if better or home.verdicts[len(digits)] == _TOO_LONG:
            rules = _rules_for_code(home.country_code, home)
            return _finish(home.country_code, potential, rules) if rules else None
    return _finish(home.country_code, digits, home)


def _rules_for_code(country_code: int, home: _ParseRules) -> _ParseRules | None:
    """The metadata parse switches to once it knows the country code: its main region's."""
    main = phonenumbers.COUNTRY_CODE_TO_REGION_CODE[country_code][0]
    if main == home.region:
        return home
    return None if main == _NON_GEO_REGION else _parse_rules(main)


def _finish(country_code: int, number: str, rules: _ParseRules) -> _Number | _Invalid | None:
    """Strip the national prefix as parse does, then validate as ``is_valid_number`` does."""
    if len(number) < _MIN_LENGTH_FOR_NSN:
        return None
    potential = rules.strip_national_prefix(number)
    if rules.verdicts[len(potential)] in (_IS_POSSIBLE, _TOO_LONG):
        number = potential
    if len(number) > _MAX_LENGTH_FOR_NSN or number[0] == "0":
        return None  # leading zeros ("Italian") are left to phonenumbers
    matcher = _country_matcher(country_code)
    if matcher is None:
        return None
    kind = matcher.number_type(number)
    if kind != PhoneNumberType.UNKNOWN:
        return _Number(country_code, number, kind)
    # parse found this very number and is_valid_number refuses it: the reason is then
    # is_possible_number_with_reason, ``_test_number_length`` in the metadata of the country
    # code's main region (US for a Canadian number), which may not be the one parse used.
    main = _rules_for_code(country_code, rules)
    if main is None:
        return None
    return _Invalid(_LENGTH_REASONS.get(main.verdicts[len(number)], "unallocated"))


# === formatting ===============================================================================


class _Layout(NamedTuple):
    """One ``NumberFormat`` of the metadata, compiled, with the rule for the wanted format.

    ``template`` is the rule as a ``str.format`` template, when the pattern is plain enough
    for one match covering the number to be all ``re.sub`` would replace (``re.sub`` with a
    template string costs 2.5 µs, ``str.format`` 0.3 µs).
    """

    leading: re.Pattern[str] | None
    pattern: re.Pattern[str]
    rule: str
    template: str | None

    def layout(self, nsn: str) -> str | None:
        """``re.sub(pattern, rule, nsn)`` if the pattern matches all of ``nsn``, else ``None``."""
        match = self.pattern.match(nsn)
        if match is not None and match.end() == len(nsn):
            groups = match.groups()
            if self.template is not None and None not in groups:
                return self.template.format(*groups)
        elif self.pattern.fullmatch(nsn) is None:  # match may stop short where fullmatch wins
            return None
        return self.pattern.sub(self.rule, nsn)


#: What a format pattern may contain for ``_Layout.template``: groups, digits, classes,
#: quantifiers and alternation, nothing that looks around or anchors.
_PLAIN_PATTERN = re.compile(r"[()\\d{},|?:\[\]\-0-9]*")
_GROUP_REFERENCE = re.compile(r"\\(\d)")


def _template(pattern: re.Pattern[str], rule: str) -> str | None:
    r"""``\1 \2`` as ``{0} {1}``, or ``None`` when the shortcut might not equal ``re.sub``."""
    if not _PLAIN_PATTERN.fullmatch(pattern.pattern) or pattern.match("") is not None:
        return None
    pieces = _GROUP_REFERENCE.split(rule)
    literals, groups = pieces[0::2], pieces[1::2]
    if any("\\" in literal for literal in literals):
        return None  # another escape: leave it to re
    if any(lit[:1].isdigit() for lit in literals[1:]) or any(g == "0" for g in groups):
        return None  # \10 or \0 mean something else to re
    if any(int(g) > pattern.groups for g in groups):
        return None
    template = literals[0].replace("{", "{{").replace("}", "}}")
    for group, literal in zip(groups, literals[1:], strict=True):
        template += "{" + str(int(group) - 1) + "}" + literal.replace("{", "{{").replace("}", "}}")
    return template


@functools.cache
def _layouts(country_code: int, national: bool) -> tuple[_Layout, ...]:
    """``_format_nsn``'s choice of formats: the main region's, intl ones for INTERNATIONAL."""
    main = phonenumbers.COUNTRY_CODE_TO_REGION_CODE[country_code][0]
    metadata = PhoneMetadata.metadata_for_region_or_calling_code(country_code, main)
    if metadata is None:
        return ()
    formats = metadata.number_format
    if not national and len(metadata.intl_number_format) > 0:
        formats = metadata.intl_number_format
    layouts = []
    for fmt in formats:
        rule = str(fmt.format)
        if national and fmt.national_prefix_formatting_rule:
            rule = _FIRST_GROUP.sub(fmt.national_prefix_formatting_rule, rule, count=1)
        leading = fmt.leading_digits_pattern
        pattern = re.compile(str(fmt.pattern))
        ld = re.compile(leading[-1]) if leading else None
        layouts.append(_Layout(ld, pattern, rule, _template(pattern, rule)))
    return tuple(layouts)


def _layout_nsn(country_code: int, nsn: str, national: bool) -> str:
    """``_format_nsn`` + ``_format_nsn_using_pattern`` without carrier codes."""
    for layout in _layouts(country_code, national):
        if layout.leading is None or layout.leading.match(nsn):
            formatted = layout.layout(nsn)
            if formatted is not None:
                return formatted
    return nsn


def _international(number: _Number) -> str:
    if number.parsed is not None:
        return str(phonenumbers.format_number(number.parsed, PhoneNumberFormat.INTERNATIONAL))
    return f"+{number.country_code} {_layout_nsn(number.country_code, number.nsn, False)}"


def _national(number: _Number) -> str:
    if number.parsed is not None:
        return str(phonenumbers.format_number(number.parsed, PhoneNumberFormat.NATIONAL))
    return _layout_nsn(number.country_code, number.nsn, True)


def _only_digits(text: str) -> str:
    """The digits of a formatted number (spaces, brackets and dashes cover nearly all)."""
    digits = text.replace(" ", "").replace("(", "").replace(")", "").replace("-", "")
    return digits if digits.isdigit() else _NOT_DIGIT.sub("", digits)


def _nanp_dashes(number: _Number) -> str | None:
    """``NXX-NXX-XXXX``, or ``None`` for a number outside the 10-digit NANP plan."""
    nsn = number.nsn
    if number.country_code != 1 or len(nsn) != 10:
        return None
    return f"{nsn[:3]}-{nsn[3:6]}-{nsn[6:]}"


def _format(number: _Number, fmt: PhoneFormat, home_code: int) -> str | None:
    """The number as the platform wants it; ``None`` when the format cannot express it.

    National and digits formats only make sense for numbers of the column's country: a
    foreign number keeps its country code (international format, or E.164 for digits).
    """
    if fmt == "e164":
        return f"+{number.country_code}{number.nsn}"
    if fmt == "nanp_dashes":
        return _nanp_dashes(number)
    domestic = number.country_code == home_code
    if fmt == "international" or (fmt == "national" and not domestic):
        return _international(number)
    if fmt == "national":
        return _national(number)
    if not domestic:
        return f"+{number.country_code}{number.nsn}"
    return _only_digits(_national(number))


# === reading a cell ===========================================================================

#: The warning for an invalid number cell, which has nothing to suggest.
_STORED_AS_NUMBER = problem("phone-stored-as-number", "warning")


def _clean(text: str) -> str:
    """Trim, drop Excel's leading apostrophe and wrapping quotes, collapse runs of spaces."""
    text = text.strip()
    if text and (text[0] in _QUOTES or text[-1] in _QUOTES):
        text = text.strip(_QUOTES).strip()
    if not text.isascii() or "  " in text or "\t" in text:
        text = " ".join(text.split())
    return text


def _read(value: CellValue) -> str:
    """The text to parse: a number cell reads as its digits (``612345678``, ``33612345678``).

    phonenumbers restores what Excel dropped when the digits allow only one reading: nine
    French digits are a national number without its 0, ``33…`` carries the country code.
    """
    return _clean(value) if isinstance(value, str) else as_text(value)


def _several_numbers(text: str) -> bool:
    """Two parts with enough digits to be numbers: ``06 12 34 56 78 / 01 23 45 67 89``."""
    if _SPLIT.search(text) is None:
        return False
    parts = _SPLIT.split(text)
    numbers = sum(1 for part in parts if len(_DIGIT.findall(part)) >= _NUMBER_OF_DIGITS_OF_A_NUMBER)
    return numbers >= 2


def _letters_inside(text: str) -> bool:
    """Letters after the first digit (``06 12 AB``, ``poste 12``), not a label before it."""
    first = _DIGIT.search(text)
    return first is not None and any(c.isalpha() for c in text[first.start() :])


def _slow_parse(text: str, region: str) -> _Number | _Invalid:
    """phonenumbers' own verdict, with the reason when the number is not valid."""
    try:
        parsed = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException as exc:
        reason = _PARSE_ERROR_REASONS.get(exc.error_type)
        if reason is None:  # NOT_A_NUMBER: say what is wrong with the text
            if any(c.isalpha() for c in text):
                reason = "letters"
            else:
                reason = "too_short" if len(_DIGIT.findall(text)) < 3 else "characters"
        return _Invalid(reason)
    if not phonenumbers.is_valid_number(parsed):
        verdict = phonenumbers.is_possible_number_with_reason(parsed)
        return _Invalid(_LENGTH_REASONS.get(verdict, "unallocated"))
    if parsed.extension:  # "… #12": dropping it loses data, keeping it is not a phone field
        return _Invalid("extension")
    nsn = phonenumbers.national_significant_number(parsed)
    code = int(parsed.country_code or 0)
    return _Number(code, nsn, phonenumbers.number_type(parsed), parsed)


@functools.cache
def _example(region: str, fmt: PhoneFormat) -> str:
    """A mobile number of the region in the target format, for the messages."""
    parsed = phonenumbers.example_number_for_type(region, PhoneNumberType.MOBILE)
    if parsed is None:
        parsed = phonenumbers.example_number(region)
    if parsed is None:
        return ""
    nsn = phonenumbers.national_significant_number(parsed)
    code = int(parsed.country_code or 0)
    return _format(_Number(code, nsn, PhoneNumberType.MOBILE, parsed), fmt, code) or ""


class PhoneChecker:
    """Checks phone numbers for a platform: valid for phonenumbers, written as it wants.

    ``region`` is the country assumed for numbers typed without a country code; ``fmt`` the
    platform's format; ``strict`` makes a valid number in another format an error (for
    platforms that reject it instead of reformatting it).
    """

    __slots__ = (
        "_elsewhere",
        "_example",
        "_fmt",
        "_format_params",
        "_home",
        "_home_code",
        "_invalid",
        "_national",
        "_region",
        "_severity",
        "_strict",
    )

    def __init__(self, region: str, fmt: PhoneFormat, strict: bool = False) -> None:
        region = region.upper()
        if _metadata(region) is None:
            raise ValueError(f"phonenumbers has no numbering plan for region {region!r}")
        if fmt == "nanp_dashes" and phonenumbers.country_code_for_region(region) != 1:
            # The format drops the country code: only a NANP region can read it back.
            raise ValueError(f"nanp_dashes needs a North-American region, not {region!r}")
        self._region = region
        self._fmt: PhoneFormat = fmt
        self._strict = strict
        #: the same checks for the other countries rows name (``check_for``), built once each
        self._elsewhere: dict[str, PhoneChecker | None] = {}
        self._severity: Severity = "error" if strict else "warning"
        self._home = _parse_rules(region)
        self._national = _NationalRoute.of(region) if fmt == "e164" else None
        self._home_code = int(phonenumbers.country_code_for_region(region))
        self._example = _example(region, fmt)
        fr, en = (name.format(example=self._example) for name in _FORMAT_NAMES[fmt])
        # Problems are immutable: what does not depend on the value is built once.
        self._format_params = problem("phone-format", "warning", format=fr, format_en=en).params
        self._invalid = {
            reason: problem(
                "invalid-phone", "error", reason=fr, reason_en=en, example=self._example
            )
            for reason, (fr, en) in _REASONS.items()
        }

    def clean_shape(self) -> str | None:
        """E.164 numbers of the column's region, for an E.164 platform (``clean_shapes``)."""
        return _clean_e164(self._region) if self._fmt == "e164" else None

    def check_for(self, value: CellValue, country: str | None) -> Outcome:
        """``check`` with the row's country as the region of numbers typed without a country
        code: a Quebec number on a row whose country is Canada is not judged as a French one.
        An empty, unknown or unnumbered country, or one the format cannot write (a North
        American dashes format), leaves the column's region."""
        if country is None or country == self._region:
            return self.check(value)
        if country not in self._elsewhere:
            try:
                self._elsewhere[country] = PhoneChecker(country, self._fmt, self._strict)
            except ValueError:
                self._elsewhere[country] = None
        other = self._elsewhere[country]
        return (other or self).check(value)

    def check(self, value: CellValue) -> Outcome:
        """The number formatted as the platform wants it, and what is wrong with the cell."""
        if self._national is not None and isinstance(value, str):
            e164 = self._national.e164(value)
            if e164 is not None:  # what the lines below find, in a third of the time
                return Outcome(e164, (self._reformat(e164),))
        if isinstance(value, str):
            text, stored_as_number = _clean(value), False
        else:
            text = as_text(value)
            stored_as_number = isinstance(value, int | float) and not isinstance(value, bool)
        found = self._analyse(text)
        formatted = (
            None if isinstance(found, _Invalid) else _format(found, self._fmt, self._home_code)
        )
        if formatted is None:
            reason = found.reason if isinstance(found, _Invalid) else "not_nanp"
            refusal = self._invalid[reason]
            return Outcome(None, (_STORED_AS_NUMBER, refusal) if stored_as_number else (refusal,))
        if not stored_as_number:
            if formatted == text:
                return Outcome(formatted)
            return Outcome(formatted, (self._reformat(formatted),))
        # A number cell already says how to retype it; a strict platform still rejects it.
        stored = problem("phone-stored-as-number", "warning", formatted)
        if self._strict and formatted != text:
            return Outcome(formatted, (stored, self._reformat(formatted)))
        return Outcome(formatted, (stored,))

    def line_type(self, value: CellValue) -> LineType | None:
        """Mobile, fixed, either (NANP numbers) or other; ``None`` when ``check`` finds it invalid.

        Lets a rule like "SMS needs a mobile" warn on ``fixed_or_mobile`` (Canada, US) and
        refuse ``fixed``.
        """
        found = self._analyse(_read(value))
        if isinstance(found, _Invalid):
            return None
        if self._fmt == "nanp_dashes" and _nanp_dashes(found) is None:
            return None
        return _LINE_TYPES.get(found.kind, "other")

    def _analyse(self, text: str) -> _Number | _Invalid:
        """The number in ``text``: the fast path first, phonenumbers when it cannot tell."""
        if not text:
            return _Invalid("too_short")
        slashed = "/" in text  # the only separator of two numbers that the fast path accepts
        if slashed and _several_numbers(text):
            return _Invalid("several")
        if self._home is not None:
            number = _fast_parse(text, self._home)
            if number is not None:
                return number
        if not slashed and _several_numbers(text):
            return _Invalid("several")
        if _letters_inside(text):
            return _Invalid("letters")
        return _slow_parse(text, self._region)

    def _reformat(self, formatted: str) -> Problem:
        return Problem("phone-format", self._severity, formatted, self._format_params)
