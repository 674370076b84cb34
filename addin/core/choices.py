"""What each column of a file feeds, as chosen, and the table the checks then see.

A choice per column of the file: a field id, ``None`` (not imported), or a split (one column
of whole names or addresses divided into the profile's fields). Several columns choosing the
same text field are joined into it, in the file's order ("Street", "City", "Postal code" into
Reveal's one address); several columns choosing the same typed field (an e-mail, a phone) are
a conflict the user must settle, never a silent pick.

The choices come from the mapping sheet the user edited (``StoredMapping``, read by the IO
layer) or from the automatic proposal (``mapping``). From them ``plan_feeds`` says which
columns feed which field, and ``derived_table`` appends a column per joined or split field so
the engine checks the value the platform will receive; ``origin`` sends the issues of those
columns back to the user's column.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from addin.core.fields.choice import choice_key
from addin.core.product_columns import is_product_column
from addin.core.profile import Column, Profile
from addin.core.report import column_letter
from addin.core.splits import split_address, split_name
from addin.core.table import CellValue, FormulaCell, StoredEntry, StoredMapping, Table

#: choice tokens for a split; any other non-empty choice is a field id
SPLIT_NAME = "=name"
SPLIT_ADDRESS = "=address"
SKIP_LABELS = {"fr": "(ne pas importer)", "en": "(do not import)"}
_SPLIT_LABELS = {
    SPLIT_NAME: {
        "fr": "{first} + {last} (découper le nom complet)",
        "en": "{first} + {last} (split the full name)",
    },
    SPLIT_ADDRESS: {
        "fr": "{street} + {postal_code} + {city} (découper l'adresse)",
        "en": "{street} + {postal_code} + {city} (split the address)",
    },
}
#: an address's parts are joined with commas ("12 rue X, 75001 Paris"); other texts with a
#: space ("Marie" + "Tremblay" into one name field)
ADDRESS_SEPARATOR, TEXT_SEPARATOR = ", ", " "

Choice = str | None


def choice_labels(profile: Profile, lang: str = "fr") -> dict[str, Choice]:
    """The mapping sheet's dropdown, in order: skip, each field's header, the splits."""
    labels: dict[str, Choice] = {SKIP_LABELS.get(lang, SKIP_LABELS["fr"]): None}
    for column in profile.fields:
        labels.setdefault(column.header, column.id)
    for token in (SPLIT_NAME, SPLIT_ADDRESS):
        label = _split_label(token, profile, lang)
        if label is not None:
            labels[label] = token
    return labels


def label_of(choice: Choice, profile: Profile, lang: str = "fr") -> str:
    """The dropdown label that stands for ``choice``."""
    if choice is None:
        return SKIP_LABELS.get(lang, SKIP_LABELS["fr"])
    if choice in _SPLIT_LABELS:
        label = _split_label(choice, profile, lang)
        if label is None:
            raise KeyError(choice)
        return label
    return profile.field(choice).header


def _split_label(token: str, profile: Profile, lang: str) -> str | None:
    parts = profile.mapping.name if token == SPLIT_NAME else profile.mapping.address
    if parts is None:
        return None
    headers = {name: profile.field(field_id).header for name, field_id in parts}
    return _SPLIT_LABELS[token].get(lang, _SPLIT_LABELS[token]["fr"]).format(**headers)


@dataclass(frozen=True, slots=True)
class StoredChoices:
    """The stored mapping understood for one table: a choice per column, and what was off."""

    choices: list[Choice]
    #: columns of the file the sheet does not list (they get the automatic choice)
    unlisted: list[int] = field(default_factory=list)
    #: (column header, label) pairs whose label is no field of the profile
    unknown_labels: list[tuple[str, str]] = field(default_factory=list)


def read_choices(
    stored: StoredMapping, headers: Sequence[str], profile: Profile, automatic: Sequence[Choice]
) -> StoredChoices:
    """The user's choices for ``headers``, found by header (then by letter when the header was
    renamed); columns the sheet does not know keep the ``automatic`` choice.

    Labels are compared like headers (case, accents, punctuation), in French or English, and a
    field's id is accepted too, so a label retyped by hand still counts.
    """
    known = known_labels(profile)
    by_header: dict[str, list[str]] = {}
    by_letter: dict[str, StoredEntry] = {}
    for entry in stored.entries:
        by_header.setdefault(entry.column.strip(), []).append(entry.label)
        by_letter[entry.letter.strip().upper()] = entry
    present = {h.strip() for h in headers}
    choices: list[Choice] = []
    unlisted: list[int] = []
    unknown: list[tuple[str, str]] = []
    for position, header in enumerate(headers):
        if is_product_column(header):
            choices.append(None)  # our outcome columns: never data, never "unlisted"
            continue
        labels = by_header.get(header.strip())
        label = labels.pop(0) if labels else None
        if label is None:
            # a renamed column keeps the choice made at its letter, if that header is gone
            at_letter = by_letter.get(column_letter(position))
            if at_letter is not None and at_letter.column.strip() not in present:
                label = at_letter.label
        if label is None:
            choices.append(automatic[position] if position < len(automatic) else None)
            if header.strip():
                unlisted.append(position)
            continue
        key = choice_key(label)
        if not key:
            choices.append(None)
        elif key in known:
            choices.append(known[key])
        else:
            unknown.append((header, label))
            choices.append(None)
    return StoredChoices(choices, unlisted, unknown)


def known_labels(profile: Profile) -> dict[str, Choice]:
    """Every way to name a choice, by :func:`choice_key`: the dropdown's labels in French and
    English, and each field's id (what a user may type in the sheet or after ``map --set``)."""
    known: dict[str, Choice] = {}
    for lang in ("fr", "en"):
        for text, choice in choice_labels(profile, lang).items():
            known.setdefault(choice_key(text), choice)
    for column in profile.fields:
        known.setdefault(choice_key(column.id), column.id)
    return known


@dataclass(frozen=True, slots=True)
class Feed:
    """One field and the columns of the file it is built from.

    One source: the column as it is. Several: joined, in the file's order. ``part``: the
    piece of a split column this field takes (``first``, ``last``, ``street``,
    ``postal_code``, ``city``).
    """

    field: Column
    sources: tuple[int, ...]
    part: str | None = None
    separator: str = TEXT_SEPARATOR

    @property
    def derived(self) -> bool:
        """Whether the value is built (joined or split) rather than read as it is."""
        return len(self.sources) > 1 or self.part is not None


@dataclass(frozen=True, slots=True)
class Conflict:
    """Several columns chose one field that cannot hold them all (two e-mails for one)."""

    field: Column
    sources: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class FeedPlan:
    feeds: list[Feed]
    conflicts: list[Conflict]
    #: positions that feed nothing: chosen "not imported", or losers of a conflict
    unused: list[int]
    #: positions the user (or the proposal) chose to leave out on purpose
    skipped: list[int]


def plan_feeds(choices: Sequence[Choice], profile: Profile) -> FeedPlan:
    """Group the per-column choices into per-field feeds, in the profile's field order.

    A column chosen for a field itself wins over another column's split part of it (a file
    with "Nom complet" split and a "Prénom" column keeps the "Prénom" column).
    """
    chosen: dict[str, list[int]] = {}
    parts: dict[str, list[tuple[int, str]]] = {}
    skipped: list[int] = []
    for position, choice in enumerate(choices):
        if choice is None:
            skipped.append(position)
        elif choice in (SPLIT_NAME, SPLIT_ADDRESS):
            for part, field_id in _split_parts(choice, profile):
                parts.setdefault(field_id, []).append((position, part))
        else:
            chosen.setdefault(choice, []).append(position)
    feeds: list[Feed] = []
    conflicts: list[Conflict] = []
    unused: list[int] = []
    for column in profile.fields:
        plain = chosen.get(column.id, [])
        if not plain and column.id in parts:
            position, part = parts[column.id][0]
            feeds.append(Feed(column, (position,), part))
        # only plain text can hold several columns glued together; a typed value cannot
        elif len(plain) == 1 or (plain and column.type == "text"):
            feeds.append(Feed(column, tuple(plain), separator=_separator(column, profile)))
        elif plain:
            conflicts.append(Conflict(column, tuple(plain)))
            unused += plain
    return FeedPlan(feeds, conflicts, sorted(set(unused)), skipped)


def _separator(column: Column, profile: Profile) -> str:
    settings = profile.mapping
    full = settings.full_address
    addresses = {settings.address.street} if settings.address else set()
    if full is not None:
        base = full.rstrip("0123456789")
        addresses |= {
            c.id
            for c in profile.fields
            if c.id == full or (base != full and c.id.rstrip("0123456789") == base)
        }
    return ADDRESS_SEPARATOR if column.id in addresses else TEXT_SEPARATOR


def _split_parts(token: str, profile: Profile) -> list[tuple[str, str]]:
    if token == SPLIT_NAME and profile.mapping.name is not None:
        return list(profile.mapping.name)
    if token == SPLIT_ADDRESS and profile.mapping.address is not None:
        return list(profile.mapping.address)
    return []


@dataclass(frozen=True, slots=True)
class DerivedTable:
    """The file's table with a column appended per joined or split field.

    ``fields[j]`` is the field column ``j`` feeds (or ``None``); ``origin[j]`` is the user's
    column an issue of column ``j`` belongs to (itself for the file's own columns).
    """

    table: Table
    fields: list[Column | None]
    origin: list[int]
    #: how many columns the user's file has; those after them are built
    width: int


def derived_table(table: Table, plan: FeedPlan) -> DerivedTable:
    """``table`` plus one derived column per joined or split feed (the file's are untouched)."""
    width = len(table.headers)
    headers = list(table.headers)
    columns = list(table.columns)
    fields: list[Column | None] = [None] * width
    origin = list(range(width))
    for feed in plan.feeds:
        if not feed.derived:
            fields[feed.sources[0]] = feed.field
            continue
        headers.append(feed.field.header)
        columns.append(_build(table, feed))
        fields.append(feed.field)
        origin.append(feed.sources[0])
    derived = Table(headers, columns, table.row_numbers, table.source, table.mapping)
    return DerivedTable(derived, fields, origin, width)


def _build(table: Table, feed: Feed) -> list[CellValue | FormulaCell]:
    sources = [table.columns[p] for p in feed.sources]
    if feed.part is None:
        return [_join(cells, feed.separator) for cells in zip(*sources, strict=True)]
    cutter = split_name if feed.part in ("first", "last") else split_address
    out: list[CellValue | FormulaCell] = []
    for cell in sources[0]:
        if cell is None or isinstance(cell, FormulaCell):
            out.append(cell)
            continue
        out.append(cutter(str(cell)).get(feed.part))
    return out


def _join(cells: Sequence[CellValue | FormulaCell], separator: str) -> CellValue | FormulaCell:
    formula = next((c for c in cells if isinstance(c, FormulaCell)), None)
    if formula is not None:
        return formula
    texts = [_text(c) for c in cells if c is not None and _text(c)]
    return separator.join(texts) if texts else None


def _text(cell: CellValue | FormulaCell) -> str:
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return str(cell).strip()
