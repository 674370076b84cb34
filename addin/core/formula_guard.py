"""Formula injection: what a spreadsheet would run as a formula if a value of an exported CSV
were opened in it, and the guard that keeps it text. Pure: the CSV writer applies it, and the
export (``core.export``) measures values with it so no guarded value passes a platform's limit.
"""

from __future__ import annotations

import re

#: What makes a spreadsheet read a cell as a formula when a value starts with it: OWASP's list
#: (tab and CR included), line feed, and the full-width forms an IME types.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n", "\uff1d", "\uff0b", "\uff0d", "\uff20")

#: A number as Excel reads one in a CSV: a sign, digits with one decimal mark (point or
#: comma, whatever the user's locale), an exponent. ``-12.5``, ``+33612345678`` (an E.164
#: phone: Excel shows 33612345678, the platform gets the text as it is), ``-1,5``, ``+1e5``.
_PLAIN_NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:[.,][0-9]+)?|[.,][0-9]+)(?:[eE][+-]?[0-9]+)?")

#: A phone number as platforms want it in international format: ``+``, the country code, then
#: groups of digits (some in brackets) with one space, dash or dot between them
#: (``+33 6 12 34 56 78``, ``+1 418-692-2121``, ``+44 (20) 7946 0958``), 8 to 15 digits.
_PHONE = re.compile(r"\+[0-9]{1,3}(?:[ .-]?(?:\([0-9]{1,4}\)|[0-9]+))+")
_PHONE_DIGITS = range(8, 16)

#: What Excel computes once it reads a leading ``+`` or ``-`` as a formula: numbers (brackets
#: allowed) joined by arithmetic operators, spaces around them allowed. A space *between* two
#: numbers is Excel's intersection operator, which numbers cannot take: such a value is not
#: computed. ``+1-418-692-2121`` is (Excel shows -3530, and saves it if the user saves).
_NUMBER_TERM = r"\s*\(*\s*[0-9]+(?:[.,][0-9]+)?\s*\)*\s*"
_ARITHMETIC = re.compile(rf"{_NUMBER_TERM}(?:[-+*/^]{_NUMBER_TERM})+")

#: C0 control characters but tab, line feed and carriage return, and DEL: invisible, refused
#: by many importers. Vertical tab and form feed separate lines (Excel for Mac writes a line
#: break in a cell as ``\x0b``): they become a space, so words stay apart; the others go.
_CONTROLS = re.compile("[\x00-\x08\x0e-\x1f\x7f]")
_LINE_CONTROLS = re.compile("[\x0b\x0c]")


def defuse(value: str, guard: str = "apostrophe") -> str:
    """A value that opens in Excel as text or as a number, never as a formula that can do
    anything (CSV injection), and without control characters.

    The rule follows what Excel evaluates: a value starting with ``=``, ``@``, a tab, a line
    break or a full-width ``＝ ＋ － ＠`` is a formula; one starting with ``+`` or ``-`` is a
    formula unless the whole value is a plain number (:data:`_PLAIN_NUMBER`): ``-1-1``,
    ``+33-1``, ``-1 250,5`` are computed. Those get the profile's guard in front: an
    apostrophe (OWASP's advice, shown by Excel as a text marker) or a space for platforms that
    refuse quotes.

    Left as they are: numbers (``-12.5``), E.164 phones (``+33612345678``, a number to
    Excel), and phones in international format whose groups are apart by spaces, dots or
    brackets (:data:`_PHONE`: ``+33 6 12 34 56 78``, ``+1 418 692 2121``): Excel cannot
    compute those (a space between numbers is an intersection), digits and those separators
    can neither call a function nor reach a cell or a program, and the file is the platform's,
    which asked for that very text. A phone whose groups are joined by dashes
    (``+1-418-692-2121``) is arithmetic Excel does compute (:data:`_ARITHMETIC`): guarded, so an
    accountant who opens the export and saves it does not send -3530 instead.

    Control characters (C0 but tab, LF, CR; DEL) are removed first (vertical tab and form
    feed become a space), so none can hide a formula behind it.
    """
    value = _CONTROLS.sub("", _LINE_CONTROLS.sub(" ", value))
    if not value.startswith(_FORMULA_STARTS) or _PLAIN_NUMBER.fullmatch(value) or _is_phone(value):
        return value
    return (" " if guard == "space" else "'") + value


def _is_phone(value: str) -> bool:
    return (
        _PHONE.fullmatch(value) is not None
        and sum(c.isdigit() for c in value) in _PHONE_DIGITS
        and _ARITHMETIC.fullmatch(value[1:]) is None
    )
