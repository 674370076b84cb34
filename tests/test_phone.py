"""Phone checker: the fast path must say exactly what phonenumbers says.

The reference below uses nothing but phonenumbers; the property tests throw numbers in many
shapes at both and compare verdict, E.164, type and every output format.
"""

from __future__ import annotations

from typing import get_args
from unittest import mock

import phonenumbers
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from phonenumbers import PhoneNumberFormat, PhoneNumberType

from addin.core.fields import phone
from addin.core.fields.phone import PhoneChecker
from addin.core.profile import PhoneFormat

FAST_REGIONS = ("FR", "BE", "CH", "CA", "US", "GB", "DE")
#: Shared country codes (NANP, +44, +262, +590), leading zeros (IT), transform rules (AR, MX).
OTHER_REGIONS = ("IT", "AR", "MX", "JE", "GG", "IM", "PR", "DO", "JM", "RE", "YT", "GP", "LU")
FORMATS: tuple[PhoneFormat, ...] = get_args(PhoneFormat)

EXAMPLE_TYPES = (
    PhoneNumberType.MOBILE,
    PhoneNumberType.FIXED_LINE,
    PhoneNumberType.TOLL_FREE,
    PhoneNumberType.PREMIUM_RATE,
    PhoneNumberType.SHARED_COST,
    PhoneNumberType.VOIP,
    PhoneNumberType.PERSONAL_NUMBER,
    PhoneNumberType.PAGER,
    PhoneNumberType.UAN,
    PhoneNumberType.VOICEMAIL,
)
SETTINGS = settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])


# --- the reference: phonenumbers alone ------------------------------------------------------


def reference(text: str, region: str) -> phonenumbers.PhoneNumber | None:
    """phonenumbers' parse + is_valid_number, nothing else."""
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        return None
    return number if phonenumbers.is_valid_number(number) else None


def reference_line_type(number: phonenumbers.PhoneNumber) -> str:
    kind = phonenumbers.number_type(number)
    return {
        PhoneNumberType.MOBILE: "mobile",
        PhoneNumberType.FIXED_LINE: "fixed",
        PhoneNumberType.FIXED_LINE_OR_MOBILE: "fixed_or_mobile",
    }.get(kind, "other")


def reference_format(number: phonenumbers.PhoneNumber, fmt: str, region: str) -> str | None:
    """What each platform format means, written with phonenumbers' formatter."""
    e164 = phonenumbers.format_number(number, PhoneNumberFormat.E164)
    domestic = number.country_code == phonenumbers.country_code_for_region(region)
    national = phonenumbers.format_number(number, PhoneNumberFormat.NATIONAL)
    international = phonenumbers.format_number(number, PhoneNumberFormat.INTERNATIONAL)
    nsn = phonenumbers.national_significant_number(number)
    if fmt == "e164":
        return e164
    if fmt == "international":
        return international
    if fmt == "national":
        return national if domestic else international
    if fmt == "digits":
        return "".join(c for c in national if c.isdigit()) if domestic else e164
    if number.country_code == 1 and len(nsn) == 10:
        return f"{nsn[:3]}-{nsn[3:6]}-{nsn[6:]}"
    return None


# --- generators ---------------------------------------------------------------------------


def example_nsns(region: str) -> list[str]:
    found = []
    for kind in EXAMPLE_TYPES:
        number = phonenumbers.example_number_for_type(region, kind)
        if number is not None:
            found.append(phonenumbers.national_significant_number(number))
    return found


EXAMPLES = {region: example_nsns(region) for region in FAST_REGIONS + OTHER_REGIONS}


@st.composite
def national_digits(draw: st.DrawFn, region: str) -> str:
    """Mostly-valid national numbers (an example's leading digits, random tail) or noise."""
    if draw(st.integers(0, 4)) == 0:
        return draw(st.text("0123456789", min_size=8, max_size=13))
    base = draw(st.sampled_from(EXAMPLES[region]))
    keep = draw(st.integers(1, len(base)))
    tail_length = len(base) - keep + draw(st.sampled_from((0, 0, 0, 0, -1, 1, 2)))
    tail = draw(st.text("0123456789", min_size=max(tail_length, 0), max_size=max(tail_length, 0)))
    return base[:keep] + tail


@st.composite
def spelled(draw: st.DrawFn, region: str) -> str:
    """A number written the ways people write them: prefixes, groups, separators."""
    nsn = draw(national_digits(region))
    code = str(phonenumbers.country_code_for_region(region))
    prefix = draw(
        st.sampled_from(
            ("", "", "0", "1", f"+{code}", f"+{code} ", f"00{code}", code, f"+{code} (0)",
             f"+{code}0", f"011{code}", f"(+{code}) ", "+", "00", "+44", "+1", "0033")
        )
    )  # fmt: skip
    separators = draw(st.lists(st.sampled_from(" .-/ ()"), min_size=0, max_size=6))
    cuts = sorted(draw(st.lists(st.integers(1, max(len(nsn) - 1, 1)), max_size=len(separators))))
    pieces: list[str] = []
    start = 0
    for cut, separator in zip(cuts, separators, strict=False):
        pieces.extend((nsn[start:cut], separator))
        start = cut
    pieces.append(nsn[start:])
    return prefix + "".join(pieces)


def spelled_anywhere(regions: tuple[str, ...]) -> st.SearchStrategy[tuple[str, str]]:
    return st.sampled_from(regions).flatmap(lambda r: spelled(r).map(lambda text: (r, text)))


# --- properties -----------------------------------------------------------------------------


@SETTINGS
@given(spelled_anywhere(FAST_REGIONS + OTHER_REGIONS))
@example(("FR", "+33 (0)6 12 34 56 78"))
@example(("CA", "1 (418) 692-2121"))
@example(("US", "011 33 6 12 34 56 78"))
@example(("GB", "+44 1624 756789"))  # Isle of Man, shares +44
def test_fast_path_agrees_with_phonenumbers(case: tuple[str, str]) -> None:
    """Whenever the fast path finds a number, phonenumbers finds the same, of the same type."""
    region, text = case
    rules = phone._parse_rules(region)
    fast = phone._fast_parse(text, rules) if rules is not None else None
    expected = reference(text, region)
    if fast is None:
        return
    if isinstance(fast, phone._Invalid):
        assert expected is None, text
        return
    assert expected is not None, text
    assert f"+{fast.country_code}{fast.nsn}" == phonenumbers.format_number(
        expected, PhoneNumberFormat.E164
    )
    assert fast.kind == phonenumbers.number_type(expected)


@SETTINGS
@given(spelled_anywhere(FAST_REGIONS + OTHER_REGIONS), st.sampled_from(FORMATS))
def test_checker_agrees_with_phonenumbers(case: tuple[str, str], fmt: PhoneFormat) -> None:
    """Verdict, value in every format and line type, against the reference."""
    region, text = case
    if fmt == "nanp_dashes" and phonenumbers.country_code_for_region(region) != 1:
        region = "CA"
    checker = PhoneChecker(region, fmt)
    outcome = checker.check(text)
    expected = reference(text, region)
    if phone._several_numbers(text):  # a product rule on top of phonenumbers
        expected = None
    wanted = reference_format(expected, fmt, region) if expected is not None else None
    assert outcome.value == wanted, text
    assert outcome.ok == (wanted is not None)
    line = reference_line_type(expected) if wanted is not None and expected else None
    assert checker.line_type(text) == line


@SETTINGS
@given(spelled_anywhere(FAST_REGIONS + OTHER_REGIONS), st.sampled_from(FORMATS))
@example(("CA", "698765432"), "e164")  # too short for the US metadata, not the Canadian one
@example(("FR", "+33 6 00 00 00 00 0"), "e164")
def test_fast_path_gives_the_outcome_of_phonenumbers_alone(
    case: tuple[str, str], fmt: PhoneFormat
) -> None:
    """The whole outcome (value, codes, reasons, suggestions) with and without the fast path.

    Invalid numbers included: the fast path also decides those whose digits it reads exactly
    as parse does, and must then give phonenumbers' reason. The national route (plain
    national numbers for an E.164 platform) is switched off too on the slow side.
    """
    region, text = case
    if fmt == "nanp_dashes" and phonenumbers.country_code_for_region(region) != 1:
        region = "CA"
    checker = PhoneChecker(region, fmt)
    fast = checker.check(text)
    with (
        mock.patch.object(phone, "_fast_parse", return_value=None),
        mock.patch.object(phone._NationalRoute, "e164", return_value=None),
    ):
        slow = checker.check(text)
    assert fast == slow, text


def test_plain_national_numbers_take_the_national_route() -> None:
    """``04 93 16 19 78`` in a Hokus file: E.164 and the format warning, from one regex."""
    route = phone._NationalRoute.of("FR")
    assert route is not None
    assert route.e164("04 93 16 19 78") == "+33493161978"
    assert route.e164("06.12.34.56.78") == "+33612345678"
    assert route.e164(" 06  12-34 56 78 ") == "+33612345678"  # what _clean would make of it
    for other in ("0033612345678", "06 12 34 56 7", "06/12/34/56/78", "+33612345678", "O6123"):
        assert route.e164(other) is None, other


def test_unallocated_mobiles_are_decided_without_phonenumbers() -> None:
    """``+336…`` numbers outside the allocated ranges: the bench file has 8 % of them."""
    rules = phone._parse_rules("FR")
    assert rules is not None
    assert phone._fast_parse("+33600000000", rules) == phone._Number(33, "600000000", 1)
    verdict = phone._fast_parse("+33 6 39 12 34 56", rules)
    assert verdict == phone._Invalid("unallocated")
    assert reference("+33 6 39 12 34 56", "FR") is None


@SETTINGS
@given(spelled_anywhere(FAST_REGIONS), st.sampled_from(FORMATS))
def test_normalising_twice_changes_nothing(case: tuple[str, str], fmt: PhoneFormat) -> None:
    region, text = case
    if fmt == "nanp_dashes" and phonenumbers.country_code_for_region(region) != 1:
        region = "US"
    checker = PhoneChecker(region, fmt)
    first = checker.check(text)
    if first.value is None:
        return
    again = checker.check(first.value)
    assert again.value == first.value
    assert again.problems == ()


def test_common_spellings_use_the_fast_path() -> None:
    """The speed only exists if well-formed numbers do not fall back to phonenumbers."""
    cases = {
        "FR": ["06 12 34 56 78", "06.12.34.56.78", "+33 6 12 34 56 78", "0033612345678",
               "+33 (0)6 12 34 56 78", "01 42 68 53 00", "+33612345678", "0612345678"],
        "CA": ["418-692-2121", "(514) 872-1111", "1 418 692 2121", "+1 418 692 2121",
               "4186922121", "819.555.0142"],
        "US": ["(212) 555-0123", "+1 212-555-0123"],
        "BE": ["0470 12 34 56", "+32 2 512 45 67"],
        "CH": ["079 123 45 67", "+41 22 123 45 67"],
        "GB": ["020 7946 0958", "+44 7400 123456", "07400 123456"],
        "DE": ["030 123456", "+49 1512 3456789", "0151 23456789"],
    }  # fmt: skip
    for region, texts in cases.items():
        rules = phone._parse_rules(region)
        assert rules is not None, region
        for text in texts:
            assert phone._fast_parse(text, rules) is not None, (region, text)


# --- examples -------------------------------------------------------------------------------

FR_MOBILE = "+33612345678"


@pytest.mark.parametrize(
    "text",
    ["06 12 34 56 78", "06.12.34.56.78", "06-12-34-56-78", "+33 6 12 34 56 78",
     "0033612345678", "+33 (0)6 12 34 56 78", "0033 6 12 34 56 78", "'06 12 34 56 78",
     " 06 12 34 56 78 ", "06\u00a012\u00a034\u00a056\u00a078"],
)  # fmt: skip
def test_french_mobile_in_all_spellings(text: str) -> None:
    checker = PhoneChecker("FR", "e164")
    outcome = checker.check(text)
    assert outcome.value == FR_MOBILE
    assert [p.code for p in outcome.problems] == ["phone-format"]
    assert outcome.problems[0].severity == "warning"
    assert outcome.problems[0].suggestion == FR_MOBILE
    assert checker.line_type(text) == "mobile"


def test_already_formatted_value_has_no_problem() -> None:
    assert PhoneChecker("FR", "e164").check(FR_MOBILE).problems == ()
    assert PhoneChecker("FR", "international").check("+33 6 12 34 56 78").problems == ()
    assert PhoneChecker("FR", "national").check("01 42 68 53 00").problems == ()
    assert PhoneChecker("FR", "digits").check("0142685300").problems == ()
    assert PhoneChecker("CA", "nanp_dashes").check("418-692-2121").problems == ()


def test_apostrophe_and_spaces_are_normalised_silently() -> None:
    outcome = PhoneChecker("FR", "e164").check("  '+33612345678 ")
    assert outcome.value == FR_MOBILE
    assert outcome.problems == ()


def test_french_landline_formats() -> None:
    text = "01.42.68.53.00"
    assert PhoneChecker("FR", "e164").check(text).value == "+33142685300"
    assert PhoneChecker("FR", "international").check(text).value == "+33 1 42 68 53 00"
    assert PhoneChecker("FR", "national").check(text).value == "01 42 68 53 00"
    assert PhoneChecker("FR", "digits").check(text).value == "0142685300"
    assert PhoneChecker("FR", "e164").line_type(text) == "fixed"


def test_strict_platform_makes_format_an_error() -> None:
    outcome = PhoneChecker("FR", "e164", strict=True).check("06 12 34 56 78")
    assert outcome.problems[0].severity == "error"
    assert not outcome.ok


def test_format_description_names_the_format() -> None:
    params = PhoneChecker("FR", "e164").check("06 12 34 56 78").problems[0].params
    assert params["format"] == "+33612345678 (format international E.164)"
    params = PhoneChecker("CA", "nanp_dashes").check("(418) 692-2121").problems[0].params
    assert params["format"] == "000-000-0000"


@pytest.mark.parametrize(
    ("text", "expected"),
    [("418-692-2121", "418-692-2121"), ("(418) 692-2121", "418-692-2121"),
     ("418 692 2121", "418-692-2121"), ("1-418-692-2121", "418-692-2121"),
     ("+1 514 872 1111", "514-872-1111"), ("514.555.0199", "514-555-0199"),
     ("418 555 0123", "418-555-0123")],
)  # fmt: skip
def test_quebec_numbers(text: str, expected: str) -> None:
    """phonenumbers accepts 555 numbers in Quebec area codes (it does not know they are fake)."""
    checker = PhoneChecker("CA", "nanp_dashes")
    assert checker.check(text).value == expected
    assert checker.line_type(text) == "fixed_or_mobile"


def test_quebec_national_and_digits() -> None:
    assert PhoneChecker("CA", "national").check("418-692-2121").value == "(418) 692-2121"
    assert PhoneChecker("CA", "digits").check("(418) 692-2121").value == "4186922121"
    assert PhoneChecker("CA", "e164").check("418-692-2121").value == "+14186922121"


def test_canadian_toll_free_is_other() -> None:
    assert PhoneChecker("CA", "e164").line_type("1-800-555-0199") == "other"


def test_nanp_format_cannot_take_a_french_number() -> None:
    outcome = PhoneChecker("CA", "nanp_dashes").check("+33 6 12 34 56 78")
    assert outcome.value is None
    (issue,) = outcome.problems
    assert issue.code == "invalid-phone"
    assert "nord-américains" in issue.params["reason"]
    assert "North-American" in issue.params["reason_en"]
    assert PhoneChecker("CA", "nanp_dashes").line_type("+33 6 12 34 56 78") is None


def test_foreign_number_keeps_its_country_code() -> None:
    assert PhoneChecker("FR", "national").check("+32 470 12 34 56").value == "+32 470 12 34 56"
    assert PhoneChecker("FR", "digits").check("+32 470 12 34 56").value == "+32470123456"
    assert PhoneChecker("FR", "national").check("+1 418 692 2121").value == "+1 418-692-2121"


@pytest.mark.parametrize(
    ("text", "reason", "reason_en"),
    [("06 12 34", "trop court", "too short"),
     ("06 12 34 56 78 90 12 34", "trop long", "too long"),
     ("06 12 AB CD EF", "contient des lettres", "contains letters"),
     ("inconnu", "contient des lettres", "contains letters"),
     ("06 12 34 56 78 (portable)", "contient des lettres", "contains letters"),
     ("06 12 34 56 78 / 01 23 45 67 89", "plusieurs numéros", "several numbers"),
     ("0612345678;0142685300", "plusieurs numéros", "several numbers"),
     ("06 12 34 56 78 ou 07 12 34 56 78", "plusieurs numéros", "several numbers"),
     ("+999 12 34 56 78", "indicatif inconnu", "unknown country code"),
     ("06 12 34 56 78 #12", "contient un numéro de poste", "contains an extension")],
)  # fmt: skip
def test_invalid_numbers_say_why(text: str, reason: str, reason_en: str) -> None:
    checker = PhoneChecker("FR", "e164")
    outcome = checker.check(text)
    assert outcome.value is None
    (issue,) = outcome.problems
    assert issue.code == "invalid-phone"
    assert issue.severity == "error"
    assert issue.params["reason"] == reason
    assert issue.params["reason_en"] == reason_en
    assert issue.params["example"] == FR_MOBILE
    assert checker.line_type(text) is None


def test_impossible_length_between_two_possible_ones() -> None:
    """Swiss numbers have 9 or 12 digits: 10 is neither too short nor too long."""
    outcome = PhoneChecker("CH", "e164").check("079 123 45 67 8")
    assert outcome.problems[0].params["reason"] == "nombre de chiffres incorrect"


def test_nanp_dashes_needs_a_nanp_region() -> None:
    with pytest.raises(ValueError, match="nanp_dashes"):
        PhoneChecker("FR", "nanp_dashes")


def test_invalid_example_is_in_the_target_format() -> None:
    issue = PhoneChecker("FR", "national").check("06 12").problems[0]
    assert issue.params["example"] == "06 12 34 56 78"
    issue = PhoneChecker("CA", "nanp_dashes").check("418 692").problems[0]
    assert issue.params["example"] == "506-234-5678"


def test_unallocated_range() -> None:
    """Right length, but no French number starts with 08 7."""
    outcome = PhoneChecker("FR", "e164").check("08 70 00 00 00")
    assert outcome.problems[0].params["reason"] == "ne correspond à aucun numéro attribué"


@pytest.mark.parametrize(
    ("value", "expected"),
    [(612345678, FR_MOBILE), (33612345678, FR_MOBILE), (33612345678.0, FR_MOBILE),
     (142685300, "+33142685300")],
)  # fmt: skip
def test_phone_stored_as_number(value: int | float, expected: str) -> None:
    outcome = PhoneChecker("FR", "e164").check(value)
    assert outcome.value == expected
    assert [p.code for p in outcome.problems] == ["phone-stored-as-number"]
    assert outcome.problems[0].severity == "warning"
    assert outcome.problems[0].suggestion == expected
    assert outcome.ok


def test_number_cell_on_a_strict_platform_also_gets_the_format_error() -> None:
    outcome = PhoneChecker("FR", "e164", strict=True).check(612345678)
    assert [p.code for p in outcome.problems] == ["phone-stored-as-number", "phone-format"]
    assert not outcome.ok


def test_canadian_number_cell() -> None:
    outcome = PhoneChecker("CA", "digits").check(4186922121)
    assert outcome.value == "4186922121"
    assert [p.code for p in outcome.problems] == ["phone-stored-as-number"]
    assert PhoneChecker("CA", "nanp_dashes").check(14186922121).value == "418-692-2121"


def test_non_integral_float_is_invalid() -> None:
    outcome = PhoneChecker("FR", "e164").check(6.5)
    assert outcome.value is None
    assert [p.code for p in outcome.problems] == ["phone-stored-as-number", "invalid-phone"]


def test_unknown_region_is_refused_at_construction() -> None:
    with pytest.raises(ValueError, match="ZZ"):
        PhoneChecker("ZZ", "e164")


def test_regions_that_go_slow_still_work() -> None:
    """Argentina uses a transform rule: no fast path, same answer."""
    assert phone._parse_rules("AR") is None
    checker = PhoneChecker("AR", "e164")
    assert checker.check("011 15-2345-6789").value == "+5491123456789"


def all_examples() -> list[phonenumbers.PhoneNumber]:
    found = []
    for region in sorted(phonenumbers.SUPPORTED_REGIONS):
        for kind in EXAMPLE_TYPES:
            number = phonenumbers.example_number_for_type(region, kind)
            if number is not None:
                found.append(number)
    return found


def test_every_region_example_agrees() -> None:
    """Every example number of every region, in E.164, national and international spelling.

    Covers the metadata this module compiles for regions the property tests never draw.
    """
    for number in all_examples():
        region = phonenumbers.region_code_for_number(number) or ""
        nsn = phonenumbers.national_significant_number(number)
        code = int(number.country_code or 0)
        matcher = phone._country_matcher(code)
        if matcher is not None:
            assert matcher.number_type(nsn) == phonenumbers.number_type(number), nsn
        fast = phone._Number(code, nsn, 0)
        if not nsn.startswith("0"):
            for fmt in (PhoneNumberFormat.NATIONAL, PhoneNumberFormat.INTERNATIONAL):
                national = fmt == PhoneNumberFormat.NATIONAL
                mirrored = phone._national(fast) if national else phone._international(fast)
                assert mirrored == phonenumbers.format_number(number, fmt), (region, nsn)
        rules = phone._parse_rules(region) if region else None
        if rules is None:
            continue
        for fmt in (PhoneNumberFormat.E164, PhoneNumberFormat.NATIONAL):
            text = phonenumbers.format_number(number, fmt)
            found = phone._fast_parse(text, rules)
            expected = reference(text, region)
            if isinstance(found, phone._Invalid):
                assert expected is None, text
            elif found is not None:
                assert expected is not None, text
                assert (found.country_code, found.nsn) == (
                    expected.country_code,
                    phonenumbers.national_significant_number(expected),
                )
                assert found.kind == phonenumbers.number_type(expected)
