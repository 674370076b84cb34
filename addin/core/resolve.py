"""Which mapping a table is checked with: the one the user stored, or the automatic one.

The automatic one is the proposal of ``mapping`` (one column, one field) completed with what
a column-by-column proposal cannot see: address parts of another tool's export ("Business
Street", "Business City", "Business Postal Code") joined into a profile's single address
field, a column of whole addresses split when the profile keeps street, postal code and city
apart, and a column of whole names pointed out (it is split only on the user's word).

Before any of it come the user's remembered choices (``Table.remembered``, kept on this
machine for files with the same headers and profile): they win over every automatic guess,
and a mapping sheet that says otherwise than the automatic choice is a correction worth
remembering (:attr:`Resolved.corrections`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from addin.core.choices import SPLIT_ADDRESS, SPLIT_NAME, Choice, StoredChoices, read_choices
from addin.core.fields.choice import choice_key
from addin.core.mapping import MappingProposal, propose_mapping
from addin.core.profile import AddressParts, Profile
from addin.core.splits import split_address
from addin.core.table import FormulaCell, RememberedChoice, Table

#: share of a column's sampled cells that must hold a postal code to split it automatically
SPLIT_SHARE = 0.8
_SAMPLE = 50
_PART_WORDS = {
    "street": "street",
    "rue": "street",
    "address": "street",
    "adresse": "street",
    "city": "city",
    "ville": "city",
    "town": "city",
    "municipalite": "city",
    "localite": "city",
    "postal": "postal",
    "zip": "postal",
    "zipcode": "postal",  # Thunderbird's "Home ZipCode"
    "postcode": "postal",
    "cp": "postal",
    "state": "region",
    "province": "region",
    "region": "region",
    "county": "region",
    "country": "country",
    "pays": "country",
}
_PART_FILLERS = {
    "code",
    "dep",
    "departement",
    "line",
    "ligne",
    "po",
    "box",
    "extended",
    "formatted",
    "formatee",
    "de",
    "du",
    "la",
    "le",
    "l",
    "d",
}
#: words that make an "address" an e-mail or web one
_NOT_POSTAL = {"messagerie", "mail", "email", "courriel", "web", "ip", "url", "site", "internet"}
_FULL_NAME = {
    "nom complet",
    "full name",
    "display name",
    "name",
    "nom et prenom",
    "prenom et nom",
    "nom prenom",
    "prenom nom",
    "contact name",
    "nom du contact",
    "contact",
    "nom",
    "file as",
    "classer sous",
}


@dataclass(frozen=True, slots=True)
class Resolved:
    """The choice per column the checks use, where it came from, and why each was made."""

    choices: list[Choice]
    #: ``stored`` (the workbook's mapping sheet) or ``automatic``
    origin: str
    proposal: MappingProposal
    #: per position, the reason of the automatic choice when it differs from the proposal's
    #: (``joined``, ``split``) or a hint (``split-name``: whole names, split if the user says)
    notes: dict[int, str] = field(default_factory=dict)
    stored: StoredChoices | None = None
    #: the profile the workbook's mapping sheet was made for, when it is another one
    other_profile: str | None = None
    #: positions whose choice in the mapping sheet is not the automatic one (remembered
    #: choices included): the user's corrections, with their choice
    corrections: dict[int, Choice] = field(default_factory=dict)


def resolve(table: Table, profile: Profile) -> Resolved:
    """The stored mapping when the workbook has one for ``profile``, else the automatic one."""
    proposal, choices, notes = automatic_choices(table, profile)
    stored = table.mapping
    if stored is None:
        return Resolved(choices, "automatic", proposal, notes)
    if stored.profile != profile.name:
        return Resolved(choices, "automatic", proposal, notes, other_profile=stored.profile)
    read = read_choices(stored, table.headers, profile, choices)
    unknown = {header for header, _ in read.unknown_labels}
    corrections = {
        position: choice
        for position, (choice, header) in enumerate(zip(read.choices, table.headers, strict=True))
        if choice != choices[position]
        and position not in read.unlisted
        and header not in unknown
        and header.strip()
    }
    return Resolved(read.choices, "stored", proposal, notes, read, corrections=corrections)


def automatic_choices(
    table: Table, profile: Profile
) -> tuple[MappingProposal, list[Choice], dict[int, str]]:
    """The proposal's field per column, with address joins and splits, and name hints; the
    user's remembered choices over all of them."""
    remembered = _usable(table.remembered.get(profile.name, {}), profile)
    proposal = propose_mapping(table, profile, remembered)
    choices: list[Choice] = [c.field for c in proposal.columns]
    notes: dict[int, str] = {}
    _join_address_parts(table, profile, proposal, choices, notes)
    _split_addresses(table, profile, choices, notes)
    _point_out_names(table, profile, choices, notes)
    for position, chosen in remembered.items():
        if position < len(choices):
            choices[position] = chosen.choice
            notes.pop(position, None)
    return proposal, choices, notes


def _usable(
    remembered: dict[int, RememberedChoice], profile: Profile
) -> dict[int, RememberedChoice]:
    """The remembered choices this profile can still take: its fields, not importing, and
    the splits it has."""
    splits = {
        token
        for token, parts in (
            (SPLIT_NAME, profile.mapping.name),
            (SPLIT_ADDRESS, profile.mapping.address),
        )
        if parts is not None
    }
    ids = {c.id for c in profile.fields}
    return {
        position: chosen
        for position, chosen in remembered.items()
        if chosen.choice is None or chosen.choice in ids or chosen.choice in splits
    }


def _join_address_parts(
    table: Table,
    profile: Profile,
    proposal: MappingProposal,
    choices: list[Choice],
    notes: dict[int, str],
) -> None:
    """Street, city, postal code... of one address (one prefix: "Business", "Home") → the
    profile's full-address field, next free repetition first, when the profile has one."""
    full = profile.mapping.full_address
    if full is None:
        return
    base = full.rstrip("0123456789")
    repeated = [
        c.id
        for c in profile.fields
        if c.id == full or (c.id.startswith(base) and c.id[len(base) :].isdigit() and base != full)
    ]
    groups: dict[str, list[tuple[int, str]]] = {}
    fed_groups: set[str] = set()
    for mapped in proposal.columns:
        parsed = _address_part(mapped.column)
        if parsed is None:
            continue
        key, part = parsed
        if mapped.field is not None:
            # the address is already given whole, or its parts feed fields of their own
            fed_groups.add(key)
            continue
        not_data = mapped.reason in ("label", "blank", "ours", "remembered")
        if not_data or not _filled(table.columns[mapped.position]):
            continue
        groups.setdefault(key, []).append((mapped.position, part))
    free = [f for f in repeated if f not in choices]
    parts = profile.mapping.address
    if len(repeated) == 1 and parts is not None and any(f in choices for f in _parts_ids(parts)):
        return  # one address per row, already given by its parts (Flokon's line 1, city...)
    for key, members in groups.items():
        if key in fed_groups or not free or not any(p == "street" for _, p in members):
            continue
        target = free.pop(0)
        for position, _ in members:
            choices[position] = target
            notes[position] = "joined"


def _parts_ids(parts: AddressParts) -> tuple[str, str, str]:
    return parts.street, parts.postal_code, parts.city


def _address_part(header: str) -> tuple[str, str] | None:
    """``"Business Postal Code"`` → ``("business", "postal")``; ``None`` when no part word.

    The key groups the parts of one address: what is left once part words and fillers are
    removed ("business", "bureau", "home"). A number is a line of the street ("Rue (bureau)
    2", "Street 2") and is dropped, except right after a leading "Address", where it numbers
    the address itself ("Address 1 - City"). E-mail "addresses" are no postal address.
    """
    words = choice_key(header).split()
    if not words or any(w in _NOT_POSTAL for w in words):
        return None
    parts = [_PART_WORDS[w] for w in words if w in _PART_WORDS]
    if not parts:
        return None
    # "Address 1 - City" numbers the address; "Street 2" / "Rue 2" is the street's second line
    numbered = len(words) > 1 and words[0] in ("address", "adresse") and words[1].isdigit()
    rest = [
        w
        for n, w in enumerate(words)
        if w not in _PART_WORDS
        and w not in _PART_FILLERS
        and (not w.isdigit() or (numbered and n == 1))
    ]
    if numbered and len(parts) > 1:
        parts = parts[1:]  # "Address 1 - City": the leading word names the address, not a part
    part = "street" if "street" in parts else parts[-1]
    return " ".join(rest), part


def _split_addresses(
    table: Table, profile: Profile, choices: list[Choice], notes: dict[int, str]
) -> None:
    """A street column full of whole addresses, with postal code and city unfed → split."""
    parts = profile.mapping.address
    if parts is None or parts.postal_code in choices or parts.city in choices:
        return
    for position, choice in enumerate(choices):
        if choice != parts.street:
            continue
        sample = _sample(table.columns[position])
        whole = sum(1 for text in sample if split_address(text)["postal_code"] is not None)
        if sample and whole / len(sample) >= SPLIT_SHARE:
            choices[position] = SPLIT_ADDRESS
            notes[position] = "split"
        return


def _point_out_names(
    table: Table, profile: Profile, choices: list[Choice], notes: dict[int, str]
) -> None:
    """Whole names in one column while the profile wants first and last apart: say so."""
    parts = profile.mapping.name
    if parts is None or (parts.first in choices and parts.last in choices):
        return
    for position, header in enumerate(table.headers):
        if choice_key(header) not in _FULL_NAME or choices[position] == SPLIT_NAME:
            continue
        if choices[position] not in (None, parts.first, parts.last):
            continue
        sample = _sample(table.columns[position])
        several = sum(1 for text in sample if len(text.split()) > 1)
        if sample and several / len(sample) >= SPLIT_SHARE:
            notes[position] = "split-name"


def _sample(cells: Sequence[object]) -> list[str]:
    texts = [c.strip() for c in cells if isinstance(c, str) and c.strip()]
    return texts[:_SAMPLE]


def _filled(cells: Sequence[object]) -> bool:
    return any(c not in (None, "") and not isinstance(c, FormulaCell) for c in cells)
