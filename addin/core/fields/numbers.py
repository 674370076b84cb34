"""Amounts and counts: Aptimyz wants ``nnnnnnnnn.nn`` (9.2), ``nnn.nn`` (3.2), whole days <= 999.

French users type ``1 234,56 €`` and Excel stores ``0.30000000000000004``: both are read as the
number the user meant and written back plainly with a dot, which is what CSV importers parse.
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from addin.core.fields.base import Outcome, Problem, as_text, problem
from addin.core.table import CellValue

_DECORATION = re.compile(r"[\s\u00a0\u202f€$£%]|EUR|CAD|USD", re.IGNORECASE)
_PLAIN = re.compile(r"-?\d+(?:\.\d+)?")


def parse_number(value: CellValue) -> tuple[Decimal | None, bool]:
    """The number a cell means, and whether it had to be cleaned to get there.

    Returns ``(None, False)`` when the text is not a number. A single comma is a decimal
    comma (French); a comma and a dot together take the last one as the decimal separator.
    """
    if isinstance(value, bool):
        return None, False
    if isinstance(value, int):
        return Decimal(value), False
    if isinstance(value, float):
        text = f"{value:.10f}".rstrip("0").rstrip(".")
        return Decimal(text), False
    text = as_text(value)
    if _PLAIN.fullmatch(text):
        return Decimal(text), False
    cleaned = _DECORATION.sub("", text).replace("'", "")
    if cleaned.startswith("+"):
        cleaned = cleaned[1:]
    if cleaned.startswith("(") and cleaned.endswith(")"):  # accounting negative
        cleaned = "-" + cleaned[1:-1]
    if "," in cleaned and "." in cleaned:
        decimal_sep = "," if cleaned.rfind(",") > cleaned.rfind(".") else "."
        thousands = "." if decimal_sep == "," else ","
        cleaned = cleaned.replace(thousands, "").replace(decimal_sep, ".")
    elif cleaned.count(",") == 1:
        cleaned = cleaned.replace(",", ".")
    if not _PLAIN.fullmatch(cleaned):
        return None, False
    try:
        return Decimal(cleaned), True
    except InvalidOperation:
        return None, False


def plain(number: Decimal) -> str:
    """``Decimal`` written without exponent: ``1E+3`` → ``1000``."""
    text = format(number, "f")
    return "0" if text in ("-0", "-0.0") else text


def _range_text(minimum: float | None, maximum: float | None, to: str = "à") -> str:
    def fmt(x: float) -> str:
        return plain(Decimal(str(x)).normalize())

    if minimum is not None and maximum is not None:
        return f"{fmt(minimum)} {to} {fmt(maximum)}"
    if minimum is not None:
        return f">= {fmt(minimum)}"
    return f"<= {fmt(maximum)}" if maximum is not None else ""


class DecimalChecker:
    """A decimal with at most ``integer_digits`` before the point and ``fraction_digits`` after."""

    def __init__(
        self,
        integer_digits: int,
        fraction_digits: int,
        minimum: float | None = None,
        maximum: float | None = None,
    ) -> None:
        self.integer_digits = integer_digits
        self.fraction_digits = fraction_digits
        self.minimum = minimum
        self.maximum = maximum
        self._example = "1234.50" if fraction_digits >= 2 else "1234"
        self._expected = "n" * integer_digits + (
            "." + "n" * fraction_digits if fraction_digits else ""
        )

    def check(self, value: CellValue) -> Outcome:
        number, cleaned = parse_number(value)
        if number is None:
            return Outcome(None, (problem("invalid-number", "error", None, example=self._example),))
        text = plain(number)
        problems: list[Problem] = []
        _sign, digits, exponent = number.as_tuple()
        assert isinstance(exponent, int)  # finite: parse_number never yields NaN or infinity
        fraction = max(0, -exponent)
        whole = max(0, len(digits) + exponent)
        if whole > self.integer_digits or fraction > self.fraction_digits:
            # rounding only helps a number whose whole part fits (and quantizing a number of
            # more digits than the decimal context holds would raise)
            suggestion = None
            if whole <= self.integer_digits:
                step = Decimal(1).scaleb(-self.fraction_digits)
                suggestion = plain(number.quantize(step, ROUND_HALF_UP))
            problems.append(
                problem(
                    "number-precision",
                    "error",
                    suggestion,
                    integer_digits=str(self.integer_digits),
                    fraction_digits=str(self.fraction_digits),
                )
            )
        problems += _range_problems(number, self.minimum, self.maximum)
        if cleaned and not problems:
            problems.append(problem("number-format", "warning", text, expected=self._expected))
        valid = not any(p.severity == "error" for p in problems)
        return Outcome(text if valid else None, tuple(problems))


class IntegerChecker:
    """A whole number, optionally bounded (Aptimyz credit terms: up to 999 days)."""

    def __init__(self, minimum: float | None = None, maximum: float | None = None) -> None:
        self.minimum = minimum
        self.maximum = maximum

    def check(self, value: CellValue) -> Outcome:
        number, cleaned = parse_number(value)
        if number is None:
            return Outcome(None, (problem("invalid-number", "error", None, example="30"),))
        if number != number.to_integral_value():
            return Outcome(None, (problem("not-an-integer", "error", None),))
        text = plain(number.to_integral_value())
        problems = _range_problems(number, self.minimum, self.maximum)
        if problems:
            return Outcome(None, tuple(problems))
        if cleaned or text != as_text(value):
            return Outcome(text, (problem("number-format", "warning", text, expected="nnn"),))
        return Outcome(text)


def _range_problems(number: Decimal, minimum: float | None, maximum: float | None) -> list[Problem]:
    if (minimum is not None and number < Decimal(str(minimum))) or (
        maximum is not None and number > Decimal(str(maximum))
    ):
        return [
            problem(
                "number-out-of-range",
                "error",
                None,
                range=_range_text(minimum, maximum),
                range_en=_range_text(minimum, maximum, "to"),
            )
        ]
    return []
