"""Which column of someone else's export feeds which field of a profile, and how sure we are.

Files rarely come from our template: Outlook, Google Contacts, an accounting package or a
colleague's sheet each name columns their own way. Each column is tried, from the surest to
the loosest: the platform's own header, the same header spelt differently (case, accents,
punctuation, spaces), a declared alias, a numbered repeat ("E-mail 2 Address", "Phone 1 -
Value"), a close spelling (rapidfuzz), and last what the cells hold (a column of e-mails is an
e-mail column). The surest claims are served first; a field takes one column, and a second
claim goes to the next free repetition of the field (Reveal's five e-mails) or is refused with
the reason, never silently dropped.

Pure: headers and a sample of cells in, a :class:`MappingProposal` out.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz, process

from addin.core.checkers import build_checker
from addin.core.fields.choice import choice_key
from addin.core.headers import Spellings
from addin.core.profile import Column, Profile
from addin.core.table import CellValue, FormulaCell, Table

#: Confidence of each way of matching, before the conflicts are settled.
CONFIDENCE = {"exact": 1.0, "spelling": 0.95, "alias": 0.9, "numbered": 0.85}
FUZZY_CUTOFF = 88
#: Share of a column's sampled cells that must be valid for a content-based match.
CONTENT_SHARE = 0.8
SAMPLE = 50
_CONTENT_TYPES = ("email", "phone", "date", "postal_code", "country", "siret", "iban")
#: Words that describe a value's slot, not the value ("Phone 1 - Value", "Address 1 -
#: Formatted"); after the number, "address" too ("E-mail 2 Address").
_FILLERS = {"value", "valeur", "formatted", "formatee"}
_TRAILING_FILLERS = {*_FILLERS, "address", "adresse", "name", "nom"}
#: Columns that hold the kind of the next value ("Phone 1 - Type"): never data for a field.
_LABEL_WORDS = {"type", "label", "libelle", "etiquette"}
_NUMBER = re.compile(r"^(.*?)\s*\b(\d{1,2})\b\s*(.*)$")
_REPEAT_ID = re.compile(r"^(.*?)(\d+)$")


@dataclass(frozen=True, slots=True)
class ColumnMapping:
    """What one column of the file feeds: a field id or ``None``, how sure, and why."""

    position: int
    column: str
    field: str | None
    confidence: float
    #: exact, spelling, alias, numbered, fuzzy, content, taken, label, blank, none
    reason: str
    #: for ``taken``: the column that feeds the field instead
    rival: str | None = None


@dataclass(frozen=True, slots=True)
class MappingProposal:
    profile: Profile
    columns: list[ColumnMapping]
    missing_required: list[str]

    def to_dict(self) -> dict[str, object]:
        """The ``map --json`` contract."""
        return {
            "profile": self.profile.name,
            "mapping": [
                {
                    "column": c.column,
                    "field": c.field,
                    "confidence": round(c.confidence, 2),
                    "reason": c.reason,
                }
                for c in self.columns
            ],
            "missing_required": self.missing_required,
        }

    def field_of(self) -> dict[int, str]:
        """Position of each mapped column → its field id."""
        return {c.position: c.field for c in self.columns if c.field is not None}


@dataclass(frozen=True, slots=True)
class _Claim:
    position: int
    field: Column
    confidence: float
    reason: str


class _Index(Spellings):
    """The profile's spellings, told apart: the profile's own header, or an alias."""

    def __init__(self, profile: Profile) -> None:
        super().__init__(profile)
        self.keys = list(self.all)

    def get(self, key: str) -> tuple[Column, str] | None:
        if key in self.headers:
            return self.headers[key], "spelling"
        if key in self.aliases:
            return self.aliases[key], "alias"
        return None


def propose_mapping(table: Table, profile: Profile) -> MappingProposal:
    """The best field for each column of ``table``, with the reason and a confidence."""
    index = _Index(profile)
    claims: list[_Claim] = []
    outcome: dict[int, ColumnMapping] = {}
    for position, header in enumerate(table.headers):
        if not header.strip():
            outcome[position] = ColumnMapping(position, header, None, 0.0, "blank")
            continue
        claim = _by_header(position, header, profile, index)
        if claim is None and _is_label(header):
            outcome[position] = ColumnMapping(position, header, None, 0.0, "label")
            continue
        if claim is None:
            claim = _by_content(position, table.columns[position], profile)
        if claim is None:
            outcome[position] = ColumnMapping(position, header, None, 0.0, "none")
        else:
            claims.append(claim)
    outcome.update(_settle(claims, table.headers, profile))
    columns = [outcome[p] for p in range(len(table.headers))]
    fed = {c.field for c in columns if c.field is not None}
    missing = [c.id for c in profile.fields if c.required and c.id not in fed]
    return MappingProposal(profile, columns, missing)


def _by_header(position: int, header: str, profile: Profile, index: _Index) -> _Claim | None:
    for column in profile.fields:
        if header.strip() == column.header:
            return _Claim(position, column, CONFIDENCE["exact"], "exact")
    key = choice_key(header)
    found = index.get(key)
    if found is not None:
        # "Given name" before "Name" when both claim a first name: aliases are listed surest first
        penalty = 0.001 * min(index.rank.get(key, 0), 50) if found[1] == "alias" else 0.0
        return _Claim(position, found[0], CONFIDENCE[found[1]] - penalty, found[1])
    numbered = _numbered(key, index)
    if numbered is not None:
        return _Claim(position, numbered, CONFIDENCE["numbered"], "numbered")
    best = process.extractOne(key, index.keys, scorer=fuzz.ratio, score_cutoff=FUZZY_CUTOFF)
    if best is None:
        return None
    close = index.get(best[0])
    assert close is not None
    return _Claim(position, close[0], 0.85 * best[1] / 100, "fuzzy")


def _numbered(key: str, index: _Index) -> Column | None:
    """``e mail 2 address`` → the alias ``e mail address 2``; ``phone 1 value`` → ``phone 1``;
    ``business phone 2`` → the field of ``business phone`` (the settling picks the repetition)."""
    match = _NUMBER.match(key)
    if match is None:
        return None
    before, number, after = match.groups()
    words = [*before.split(), *after.split()]
    kept = [w for w in words if w not in _FILLERS]
    trimmed = [*before.split(), *(w for w in after.split() if w not in _TRAILING_FILLERS)]
    for base in (words, kept, trimmed):
        # "Business Phone 2": the field of "Business Phone", whose next repetition is free
        for candidate in (" ".join([*base, number]), " ".join(base)):
            found = index.get(candidate)
            if found is not None:
                return found[0]
    return None


def _is_label(header: str) -> bool:
    """``Phone 1 - Type``, ``E-mail 2 - Label``: the kind of a value, not a value."""
    words = choice_key(header).split()
    return bool(words) and words[-1] in _LABEL_WORDS and any(w.isdigit() for w in words)


def _by_content(
    position: int, cells: Sequence[CellValue | FormulaCell], profile: Profile
) -> _Claim | None:
    """A field whose checker accepts most of the column's filled cells."""
    sample = [c for c in cells if c is not None and not isinstance(c, FormulaCell)][:SAMPLE]
    if len(sample) < 2:
        return None
    tried: set[str] = set()
    for column in profile.fields:
        if column.type not in _CONTENT_TYPES or column.type in tried:
            continue
        tried.add(column.type)
        checker = build_checker(column, profile, sample)
        valid = sum(
            1
            for value in sample
            if not (column.type == "date" and isinstance(value, int | float))  # codes, amounts
            and checker.check(value).ok
        )
        share = valid / len(sample)
        if share >= CONTENT_SHARE:
            return _Claim(position, column, round(0.7 * share, 2), "content")
    return None


def _settle(
    claims: list[_Claim], headers: Sequence[str], profile: Profile
) -> dict[int, ColumnMapping]:
    """Surest claims first; a field feeds from one column, repeats go to the next number."""
    taken: dict[str, int] = {}
    settled: dict[int, ColumnMapping] = {}
    by_id = {c.id: c for c in profile.fields}
    for claim in sorted(claims, key=lambda c: (-c.confidence, c.position)):
        field = claim.field
        if field.id in taken or claim.reason == "content":
            field = _free_sibling(field, taken, by_id) or field
        header = headers[claim.position]
        if field.id in taken:
            rival = headers[taken[field.id]]
            settled[claim.position] = ColumnMapping(
                claim.position, header, None, claim.confidence, "taken", rival
            )
            continue
        taken[field.id] = claim.position
        settled[claim.position] = ColumnMapping(
            claim.position, header, field.id, claim.confidence, claim.reason
        )
    return settled


def _free_sibling(field: Column, taken: dict[str, int], by_id: dict[str, Column]) -> Column | None:
    """The first repetition of ``field``'s group nobody feeds yet (``email1`` → ``email2``)."""
    match = _REPEAT_ID.match(field.id)
    if match is None:
        return None if field.id in taken else field
    base = match.group(1)
    number = 1
    while f"{base}{number}" in by_id:
        if f"{base}{number}" not in taken:
            return by_id[f"{base}{number}"]
        number += 1
    return None
