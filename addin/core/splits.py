"""Dividing one cell into the fields a profile keeps apart: a whole name, a whole address.

Both are guesses about how people write, which is why a name is split only when the user
chooses it in the mapping sheet, and why a piece that cannot be found is left empty (the
checks then say so in the user's cell) rather than invented.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import lru_cache

#: "75001", "G1P 0A0" / "G1P0A0", "1000" (Belgium), "H3Z 2Y7"
_POSTAL = re.compile(r"(?<!^)\b(\d{5}|\d{4}|[A-Za-z]\d[A-Za-z] ?\d[A-Za-z]\d)\b")
#: province or state abbreviations and names that sit between a city and a postal code
#: (not "Québec", which is a city too); also what a natural key leaves out of an address
REGION_WORDS = frozenset(
    {
        "qc",
        "on",
        "ontario",
        "nb",
        "ns",
        "pe",
        "nl",
        "mb",
        "sk",
        "ab",
        "bc",
        "yt",
        "nt",
        "nu",
        "canada",
        "france",
        "belgique",
        "belgium",
        "suisse",
        "switzerland",
        "fr",
        "ca",
        "be",
        "ch",
    }
)
_PARENTHESES = re.compile(r"\s*\([^)]*\)$")
_CEDEX = re.compile(r"\s+cedex(\s+\d+)?$", re.IGNORECASE)


#: distinct cells remembered: a split column feeds two or three fields, each asking for its
#: piece of the same cells, and a column repeats its values
_CACHE = 65_536


@lru_cache(maxsize=_CACHE)
def split_name(text: str) -> Mapping[str, str | None]:
    """``{"first": ..., "last": ...}`` from a whole name.

    "Tremblay, Marie" (comma: last name first), "DUPONT Jean" or "Jean DUPONT" (the word in
    capitals is the last name, as French forms write it), otherwise "Marie Tremblay" (first
    word, then the rest, so "Jean-Pierre de la Fontaine" keeps "de la Fontaine").
    """
    text = " ".join(text.split())
    if not text:
        return {"first": None, "last": None}
    if "," in text:
        last, _, first = text.partition(",")
        return {"first": first.strip() or None, "last": last.strip() or None}
    words = text.split(" ")
    if len(words) == 1:
        return {"first": None, "last": words[0]}
    capitals = [_is_capitals(w) for w in words]
    if any(capitals) and not all(capitals):
        if capitals[0]:
            cut = capitals.index(False)
            return {"first": " ".join(words[cut:]), "last": " ".join(words[:cut])}
        if capitals[-1]:
            cut = len(words) - capitals[::-1].index(False)
            return {"first": " ".join(words[:cut]), "last": " ".join(words[cut:])}
    return {"first": words[0], "last": " ".join(words[1:])}


def _is_capitals(word: str) -> bool:
    letters = [c for c in word if c.isalpha()]
    return len(letters) > 1 and all(c.isupper() for c in letters)


@lru_cache(maxsize=_CACHE)
def split_address(text: str) -> Mapping[str, str | None]:
    """``{"street", "postal_code", "city"}`` from a whole address.

    "12 rue de la Paix, 75002 Paris" and "999 Rue exemple, Québec, QC, G1P 0A0" both work: the
    postal code is found first (the last one in the text), the city is what follows it, or
    else the last part before it that is not a province; the street is what remains. Without a
    postal code nothing is guessed: the whole text is the street.
    """
    text = " ".join(text.replace("\n", ", ").split())
    found = list(_POSTAL.finditer(text))
    if not found:
        return {"street": text or None, "postal_code": None, "city": None}
    postal = found[-1]
    before = [p.strip() for p in text[: postal.start()].split(",") if p.strip()]
    after = _CEDEX.sub("", text[postal.end() :].strip(" ,"))
    after_parts = [p.strip() for p in after.split(",") if p.strip()]
    after_parts = [p for p in after_parts if p.lower() not in REGION_WORDS]
    city: str | None = after_parts[0] if after_parts else None
    while before and before[-1].lower().rstrip(".") in REGION_WORDS:
        before.pop()
    if city is None and len(before) > 1:
        city = before.pop()
    if city is not None:
        city = _PARENTHESES.sub("", city) or None  # "Québec (Québec)": the province again
    street = ", ".join(before) or None
    return {"street": street, "postal_code": postal.group(1).upper(), "city": city}
