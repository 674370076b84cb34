"""Workbook cell values "as the user sees them", shared by the openpyxl and calamine readers.

- text stays as typed; an empty string is an empty cell (``None``);
- booleans become ``"TRUE"`` / ``"FALSE"``;
- integral numbers become ``int`` (``1220.0`` → ``1220``), other numbers stay ``float``;
- a date cell whose time is midnight becomes a ``datetime.date``, any other a
  ``datetime.datetime`` (Excel stores both the same way; a pure date is by far the most common
  and comparing it with a ``date`` is what the date checks want);
- a time of day (``14:30``) becomes the text ``"14:30:00"``, a duration (``[h]:mm``) the text
  ``"25:30:00"``: the table has no type for them and they are never customer data;
- with the number format at hand (openpyxl only): a number in a cell formatted as text (``@``)
  becomes its text, and a whole number shown with leading zeros (``00000`` for a postal code,
  ``0000000000`` or ``0# ## ## ## ##`` for a phone number) becomes the zero-padded text the user
  sees (``1220`` → ``"01220"``).
"""

from __future__ import annotations

import datetime as dt
import re

from addin.readers.common import Cell

#: OOXML's escape for characters XML cannot hold as such (``_x000D_`` for a carriage return;
#: ``_x005F_`` for a literal underscore before such a sequence): ECMA-376 Part 1, §22.9.2.19
_XSTRING_ESCAPE = re.compile(r"_x([0-9A-Fa-f]{4})_")

_MIDNIGHT = dt.time()
#: Integral floats this large stay floats: they are not identifiers anyone typed.
_INT_LIMIT = 1e15


def unescape_xstring(text: str) -> str:
    """A text as Excel shows it: openpyxl leaves ``_x000D_`` in what it reads (calamine decodes
    it), and an export must not carry the escape to the platform.

    openpyxl has already dropped the ``x005F_`` that marks a literal ``_x000D_`` typed by the
    user, so such a text (very rare) is decoded too: the carriage returns Excel escapes this way
    in pasted data are the common case.
    """
    if "_x" not in text:
        return text
    return _XSTRING_ESCAPE.sub(lambda found: chr(int(found.group(1), 16)), text)


def convert(value: object) -> Cell:
    """Convert a value read without its number format."""
    if value is None:
        return None
    if isinstance(value, str):
        return value or None
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return number(value)
    if isinstance(value, dt.datetime):
        return moment(value)
    if isinstance(value, dt.date):
        return value
    if isinstance(value, dt.time):
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        return duration(value)
    return str(value)


def number(value: float) -> int | float:
    """``1220.0`` → ``1220``; ``0.1`` stays ``0.1``."""
    if value.is_integer() and -_INT_LIMIT < value < _INT_LIMIT:
        return int(value)
    return value


def moment(value: dt.datetime) -> dt.datetime | dt.date:
    """A date cell: a ``date`` when the time is midnight, else the ``datetime``."""
    if value.time() == _MIDNIGHT:
        return value.date()
    return value


def duration(value: dt.timedelta) -> str:
    """``timedelta(hours=25, minutes=30)`` → ``"25:30:00"``."""
    seconds = round(value.total_seconds())
    sign = "-" if seconds < 0 else ""
    hours, rest = divmod(abs(seconds), 3600)
    minutes, secs = divmod(rest, 60)
    return f"{sign}{hours:02d}:{minutes:02d}:{secs:02d}"


def general_text(value: int | float) -> str:
    """A number written in a cell formatted as text, as Excel's General format shows it."""
    if isinstance(value, float):
        value = number(value)
        if isinstance(value, float):
            return f"{value:.15g}"
    return str(value)


# --- number formats -------------------------------------------------------------------------

_Token = tuple[bool, str]  # (is a digit placeholder, text)
_PATTERNS: dict[str, list[_Token] | None] = {}


def with_format(value: int | float, number_format: str) -> Cell:
    """A number as the user sees it under ``number_format`` (text and zero-padding formats)."""
    if number_format == "@":
        return general_text(value)
    if number_format in _PATTERNS:
        pattern = _PATTERNS[number_format]
    else:
        pattern = _PATTERNS[number_format] = _digit_pattern(number_format)
    converted = number(value) if isinstance(value, float) else value
    if pattern is None or not isinstance(converted, int) or converted < 0:
        return converted
    return _render(converted, pattern)


def is_special_format(number_format: str) -> bool:
    """Whether :func:`with_format` can change a number shown with ``number_format``."""
    return number_format == "@" or _digit_pattern(number_format) is not None


def _digit_pattern(number_format: str) -> list[_Token] | None:
    """Tokens of a format that shows whole numbers with leading zeros, else ``None``.

    Accepted: digit placeholders ``0`` and ``#`` (the first one being ``0``, at least two of
    them), with literal spaces, hyphens, parentheses, ``\\x`` escapes and ``"quoted"`` text, as in
    ``00000``, ``0000000000``, ``0# ## ## ## ##`` or ``0#" "##" "##" "##" "##``. Anything else
    (decimals, thousands separators, colours, conditions, dates) is left to the number.
    """
    tokens: list[_Token] = []
    i = 0
    text = number_format
    while i < len(text):
        char = text[i]
        if char in "0#":
            tokens.append((True, char))
        elif char == "\\" and i + 1 < len(text):
            tokens.append((False, text[i + 1]))
            i += 1
        elif char == '"':
            end = text.find('"', i + 1)
            if end < 0:
                return None
            tokens.append((False, text[i + 1 : end]))
            i = end
        elif char == "_" and i + 1 < len(text):
            tokens.append((False, " "))
            i += 1
        elif char in " -()+":
            tokens.append((False, char))
        elif char == ";":
            break
        else:
            return None
        i += 1
    placeholders = [t for placeholder, t in tokens if placeholder]
    if len(placeholders) < 2 or placeholders[0] != "0":
        return None
    return tokens


def _render(value: int, tokens: list[_Token]) -> str:
    digits = str(value)
    remaining = len(digits)
    left_most = next(i for i, (placeholder, _) in enumerate(tokens) if placeholder)
    parts: list[str] = []
    for i in range(len(tokens) - 1, -1, -1):
        placeholder, text = tokens[i]
        if not placeholder:
            parts.append(text)
        elif i == left_most and remaining > 0:
            parts.append(digits[:remaining])
            remaining = 0
        elif remaining > 0:
            parts.append(digits[remaining - 1])
            remaining -= 1
        elif text == "0":
            parts.append("0")
    return "".join(reversed(parts))
