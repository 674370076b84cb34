"""Rows a push would create although the platform already holds the customer under another key.

The file's own duplicates (``core.duplicates``) are rows typed twice; these are rows typed once
whose customer is on the platform already, under another code (or, without a key column, under
other values): creating them would make a second record of one customer. A row is matched to a
platform record that has the same e-mail, the same phone number, or the same name (« Dupont
SARL » is « DUPONT S.A.R.L. ») at the same address, postal code or town; each part compared as
``core.customer_keys`` compares it, the parts a profile's ``[duplicates] fields`` (or, without
them, the customer parts ``core.duplicate_rule.customer_fields`` finds) name. A namesake at
another address is another customer. Only rows that would be *created* are looked at: a row
whose key the platform holds is an update of that record, never a duplicate of it.

Blocking, not all pairs: the platform's records are indexed once by each key (a dictionary per
e-mail, phone, name), and each row looks its own keys up, so 100,000 records cost one pass.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from addin.core.catalogue import Lang
from addin.core.customer_keys import address_key, email_key, name_key, phone_key, place_key
from addin.core.duplicate_rule import customer_fields
from addin.core.duplicates import REASON_WORDS, Reason, other_address
from addin.core.profile import Profile
from addin.core.push_plan import OutgoingRow

#: Namesakes of one row tried before giving up: a bound on the work for a very common name.
_NAMESAKES = 50


@dataclass(frozen=True, slots=True)
class RemoteMatch:
    """A row to create that is probably a customer the platform holds under another key."""

    row: int
    #: the row's own key (what it would be created under)
    key: str
    #: the platform's record it repeats
    remote_key: str
    reason: Reason

    def said(self, platform: str, lang: Lang, shown: str | None = None) -> str:
        """« même e-mail que le client C0042 sur Evoliz »; ``shown``: how the preview names
        the record when its key says little (a fingerprint)."""
        who = shown or self.remote_key
        how = REASON_WORDS[lang][self.reason]
        if lang == "fr":
            return f"{how} que le client « {who} » sur {platform}"
        return f"{how} as customer “{who}” on {platform}"


@dataclass(frozen=True, slots=True)
class _Place:
    """Where a record is, as compared (only read for namesakes: most records have none)."""

    postal: str | None
    city: str | None
    address: str | None


class _Reader:
    """Reads the customer parts out of a record's fields (the platform's names; dotted names
    are nested objects in what Evoliz lists: ``address.town``)."""

    def __init__(self, profile: Profile) -> None:
        wanted = customer_fields(profile)
        names = profile.api.field_names

        def platform(ids: list[str]) -> list[str]:
            """The platform's names of ``ids``; a column the profile does not send is left
            out (Evoliz's clients have no e-mail: no record can share one)."""
            return [names.get(i, i) for i in ids if not names or i in names]

        self.emails = platform(wanted.emails)
        self.phones = platform(wanted.phones)
        self.names = platform(wanted.names)
        self.postal = platform(wanted.postal_codes)
        self.cities = platform(wanted.cities)
        self.addresses = platform(wanted.addresses)

    @property
    def useful(self) -> bool:
        return bool(self.emails or self.phones or self.names)

    def emails_of(self, fields: Mapping[str, object]) -> list[str]:
        return [k for n in self.emails if (k := email_key(_value(fields, n)))]

    def phones_of(self, fields: Mapping[str, object]) -> list[str]:
        return [k for n in self.phones if (k := phone_key(_value(fields, n)))]

    def name_of(self, fields: Mapping[str, object]) -> str | None:
        return name_key(" ".join(v for n in self.names if (v := _value(fields, n))))

    def place_of(self, fields: Mapping[str, object]) -> _Place:
        def first(names: list[str]) -> str | None:
            return next((v for n in names if (v := _value(fields, n))), None)

        return _Place(
            place_key(first(self.postal)),
            place_key(first(self.cities)),
            address_key(first(self.addresses)),
        )


def can_match(profile: Profile) -> bool:
    """Whether the profile names any part a customer is known by (e-mail, phone or name)."""
    return _Reader(profile).useful


def remote_duplicates(
    rows: Sequence[OutgoingRow],
    remote: Mapping[str, Mapping[str, object]],
    profile: Profile,
    *,
    replaced: Mapping[str, str] | None = None,
) -> list[RemoteMatch]:
    """The rows to create (their key is not on the platform) that repeat a platform record,
    each with the first record found and why, in the rows' order.

    ``remote``: key → fields, keys spelled as the file spells them where the platform ignores
    case (``pushing._aligned``). ``replaced``: row key → the platform record that row knowingly
    takes the place of (a natural key with one part changed: ``push_plan.Move``), not a
    duplicate.
    """
    read = _Reader(profile)
    if not read.useful or not remote:
        return []
    moved = replaced or {}
    new = [row for row in rows if row.key not in remote]
    emails = [read.emails_of(row.fields) for row in new]
    phones = [read.phones_of(row.fields) for row in new]
    names = [read.name_of(row.fields) for row in new]
    # one pass over the platform's records, keeping only what a row may share: a record's
    # place is read only when its name is a row's
    wanted_emails = {e for found in emails for e in found}
    wanted_phones = {p for found in phones for p in found}
    wanted_names = {n for n in names if n is not None}
    by_email: dict[str, str] = {}
    by_phone: dict[str, str] = {}
    by_name: dict[str, list[tuple[str, _Place]]] = {}
    for key, fields in remote.items():
        if wanted_emails:
            for email in read.emails_of(fields):
                if email in wanted_emails:
                    by_email.setdefault(email, key)
        if wanted_phones:
            for phone in read.phones_of(fields):
                if phone in wanted_phones:
                    by_phone.setdefault(phone, key)
        if wanted_names:
            name = read.name_of(fields)
            if name in wanted_names:
                by_name.setdefault(name, []).append((key, read.place_of(fields)))
    found: list[RemoteMatch] = []
    for index, row in enumerate(new):
        skip = moved.get(row.key)
        match = _shared(emails[index], by_email, "email", skip) or _shared(
            phones[index], by_phone, "phone", skip
        )
        name = names[index]
        if match is None and name is not None and name in by_name:
            match = _namesake(read.place_of(row.fields), by_name[name], skip)
        if match is not None:
            found.append(RemoteMatch(row.row, row.key, *match))
    return found


def _shared(
    keys: list[str], index: Mapping[str, str], reason: Reason, skip: str | None
) -> tuple[str, Reason] | None:
    """The first record holding one of ``keys`` (not ``skip``), and ``reason``."""
    for value in keys:
        key = index.get(value)
        if key is not None and key != skip:
            return key, reason
    return None


def _namesake(
    mine: _Place, namesakes: list[tuple[str, _Place]], skip: str | None
) -> tuple[str, Reason] | None:
    """The first namesake at the same place, and how it is the same place."""
    for key, held in namesakes[:_NAMESAKES]:
        reason = _same_place(mine, held) if key != skip else None
        if reason is not None:
            return key, reason
    return None


def _same_place(mine: _Place, held: _Place) -> Reason | None:
    """Why two namesakes are one customer, or ``None``: both give an address and they are
    two places, or nothing places them together."""
    if mine.address is not None and held.address is not None:
        if mine.address != held.address and other_address(mine.address, held.address):
            return None
        return "name-address"
    if mine.postal is not None and mine.postal == held.postal:
        return "name-postcode"
    if mine.city is not None and mine.city == held.city:
        return "name-city"
    return None


def _value(fields: Mapping[str, object], name: str) -> str | None:
    """A field's value as text: ``address.town`` flat, or nested as Evoliz lists it."""
    value: object = fields.get(name)
    if value is None and "." in name:
        value = fields
        for part in name.split("."):
            value = value.get(part) if isinstance(value, Mapping) else None
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, str | int | float):
        text = str(value).strip()
        return text or None
    return None
