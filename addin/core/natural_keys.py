"""A record's natural key: the parts a platform identifies it by, each normalised.

Why: a key made of every value of a row (a fingerprint) changes when one value is corrected,
so the corrected row reaches the platform as a second record (Flokon: a second occupant,
alerted twice). A profile without a key column declares instead, in ``[[api.key_parts]]``,
the parts its platform merges records on (Flokon: the client, its service point's address,
the occupant within it) and how each is normalised, so that the same person typed a little
differently (« Rue » or « rue », ``G1P 0A0`` or ``g1p0a0``, an accent less) keeps one key,
and a corrected phone updates the record sent before.

Pure: values come in by column id (the file's row) and go out as texts; push_plan builds the
key and the label, and finds the records an earlier version sent under a fingerprint.
"""

from __future__ import annotations

import functools
import hashlib
import re
from collections.abc import Mapping, Sequence

from addin.core.fields.text import strip_accents
from addin.core.profile import ApiSettings
from addin.core.splits import REGION_WORDS

KeyPart = ApiSettings.KeyPart

#: between the parts of a key; never inside a normalised part (see :func:`_no_separator`)
SEPARATOR = " | "
#: the push contract's longest key (docs/push-contract.md)
MAX_KEY = 255
#: a Canadian postal code anywhere in an address (``G1P 0A0``, ``g1p0a0``, ``G1P-0A0``)
_POSTAL_CA = re.compile(r"\b([a-z]\d[a-z])[ -]?(\d[a-z]\d)\b")
_NOT_WORD = re.compile(r"[^0-9a-z]+")


def part_values(values: Mapping[str, str], parts: Sequence[KeyPart]) -> tuple[str, ...] | None:
    """Each part's normalised value, in the profile's order; ``None`` when a part has none
    (the row is then known by its values, as before).

    A part takes the first of its groups that holds a value; an empty part declared
    ``when_empty`` takes that other part's value (Flokon: « Si laissé vide, l'adresse sera
    utilisée »)."""
    own = {part.name: _normalised(part, values) for part in parts}
    found: list[str] = []
    for part in parts:
        value = own[part.name] or (own.get(part.when_empty, "") if part.when_empty else "")
        if not value:
            return None
        found.append(value)
    return tuple(found)


def natural_key(parts: Sequence[str]) -> str:
    """The key sent to the platform: the parts, readable, in order. The push contract takes
    keys of 255 characters at most: a longer one keeps its start and ends with a digest of
    the whole, so it stays the same on every run and distinct from its neighbours."""
    key = SEPARATOR.join(parts)
    if len(key) <= MAX_KEY:
        return key
    digest = hashlib.sha256(key.encode()).hexdigest()[:20]
    return f"{key[: MAX_KEY - len(digest) - 2]} #{digest}"


def label(values: Mapping[str, str], parts: Sequence[KeyPart]) -> str:
    """The record as the user knows it, from its values as typed, the most precise part
    first: « Marie Tremblay · 999 Rue exemple, Québec · client C-1042 ». A part standing in
    for an empty one (the address for the client) is not said twice."""
    shown: list[str] = []
    for part in reversed(parts):
        joiner = ", " if part.normalise == "address" else " "
        text = joiner.join(v for v in _raw(part, values) if v)
        if text:
            shown.append(f"{part.label_prefix} {text}".strip())
    return " · ".join(shown)


def _groups_value(part: KeyPart, values: Mapping[str, str]) -> list[str]:
    for group in part.groups:
        found = [values.get(field, "").strip() for field in group]
        if any(found):
            return found
    return []


def _raw(part: KeyPart, values: Mapping[str, str]) -> list[str]:
    return [" ".join(v.split()) for v in _groups_value(part, values)]


def _normalised(part: KeyPart, values: Mapping[str, str]) -> str:
    found = [v for v in _groups_value(part, values) if v]
    if not found:
        return ""
    if part.normalise == "exact":
        return _no_separator(" ".join(" ".join(found).split()))
    if part.normalise == "address":
        return normalise_address(", ".join(found))
    return normalise_text(" ".join(found))


@functools.lru_cache(maxsize=65536)  # a file repeats its addresses, clients and names
def normalise_text(text: str) -> str:
    """Case, accents, punctuation and spaces do not tell two names apart:
    « Marie-Ève  Tremblay » and « marie eve TREMBLAY » are one person."""
    return " ".join(_NOT_WORD.split(strip_accents(text).casefold())).strip()


@functools.lru_cache(maxsize=65536)
def normalise_address(text: str) -> str:
    """One address, however typed: in one cell or in parts (street, city, postal code), with
    or without the province or the country, « Rue » or « rue », accents or not, the postal
    code in any spacing. ``999 Rue exemple, Québec, QC, G1P 0A0`` and ``999 rue Exemple,
    Quebec, g1p0a0`` give ``999 rue exemple quebec g1p0a0``."""
    plain = strip_accents(text).casefold()
    postal = [a + b for a, b in _POSTAL_CA.findall(plain)]
    plain = _POSTAL_CA.sub(" ", plain)
    segments = [normalise_text(s) for s in plain.split(",")]
    kept: list[str] = []
    for index, segment in enumerate(s for s in segments if s):
        words = segment.split()
        if index and segment in REGION_WORDS:
            continue  # ", QC," or ", Canada": the province or the country, not a place
        if index and len(words) > 1 and words[-1] in REGION_WORDS:
            words = words[:-1]  # "Québec QC": the city, then its province
        kept.append(" ".join(words))
    return " ".join([*kept, *postal[:1]])


def _no_separator(text: str) -> str:
    """An identifier as typed (``C-1042``), with the key's separator made harmless."""
    return text.replace("|", "¦")
