"""What a push sends, and what each import mode will do with the platform's records.

Pure: the export plan's valid rows (the values the checks normalised) become records under
the platform's field names, each with the key that identifies it on both sides; the preview
compares them with what the platform holds, so destructive modes show their consequences
before anything is sent. Only rows without errors reach this module: a row held back by the
export plan can never be sent.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Literal

from addin.core.catalogue import Lang
from addin.core.export import ExportPlan
from addin.core.natural_keys import KeyPart, natural_key, part_values
from addin.core.natural_keys import label as natural_label
from addin.core.profile import Profile

Mode = Literal["update_only", "create_only", "upsert", "upsert_delete_rest", "replace_all"]
MODES: tuple[Mode, ...] = (
    "update_only",
    "create_only",
    "upsert",
    "upsert_delete_rest",
    "replace_all",
)
#: modes that delete records of the platform: backup, preview and confirmation first
DESTRUCTIVE: frozenset[Mode] = frozenset({"upsert_delete_rest", "replace_all"})
MODE_LABELS: dict[Lang, dict[Mode, str]] = {
    "fr": {
        "update_only": "mise à jour seulement (une clé inconnue est une erreur)",
        "create_only": "création seulement (une clé déjà présente est laissée telle quelle)",
        "upsert": "créer ou mettre à jour, garder le reste",
        "upsert_delete_rest": "créer ou mettre à jour, supprimer le reste",
        "replace_all": "tout remplacer (tout supprimer puis créer)",
    },
    "en": {
        "update_only": "update only (an unknown key is an error)",
        "create_only": "create only (a key already there is left as it is)",
        "upsert": "create or update, keep the rest",
        "upsert_delete_rest": "create or update, delete the rest",
        "replace_all": "replace everything (delete all, then create)",
    },
}

#: a push's state as the journal keeps it ("running", "finished"...), in the user's words
PUSH_STATUS_LABELS: dict[Lang, dict[str, str]] = {
    "fr": {
        "running": "en cours",
        "finished": "terminé",
        "interrupted": "interrompu",
    },
    "en": {
        "running": "running",
        "finished": "finished",
        "interrupted": "interrupted",
    },
}


def mode_label(mode: str, lang: Lang) -> str:
    """A mode as the user reads it; a code this version does not know is shown as it is."""
    for code, label in MODE_LABELS[lang].items():
        if code == mode:
            return label
    return mode


@dataclass(frozen=True, slots=True)
class OutgoingRow:
    """One valid row of the user's file and the record it becomes."""

    row: int
    key: str
    fields: dict[str, str]
    #: its natural key's parts (``api.key_parts``), normalised; empty without them
    parts: tuple[str, ...] = ()
    #: the record as the user knows it (« Marie Tremblay · 999 Rue exemple · client C-1042 »)
    label: str = ""


def outgoing_rows(plan: ExportPlan, profile: Profile) -> list[OutgoingRow]:
    """The records of the valid rows: platform field names, mapped values, empty cells left out
    (an update must not erase what the platform has and the file leaves blank).

    The key is the profile's API key field, else its file key, else its natural key
    (``api.key_parts``: the parts the platform merges on, each normalised, each sent in its
    own field when the profile names one), else a fingerprint of the row's values (a changed
    row is then a new record: said in the docs, fine for create-only use).
    """
    ids = [f.id for f in profile.fields]
    names = profile.api.field_names or {i: i for i in ids}
    value_maps = profile.api.value_maps
    key_fields = profile.api.key_fields or list(profile.file.key)
    key_parts = profile.api.key_parts
    _check_parts(profile)
    rows: list[OutgoingRow] = []
    for number, values in zip(plan.row_numbers, plan.rows, strict=True):
        by_id = dict(zip(ids, values, strict=True))
        fields: dict[str, str] = {}
        for field_id, name in names.items():
            value = by_id.get(field_id, "")
            if value == "":
                continue
            fields[name] = value_maps.get(field_id, {}).get(value, value)
        if key_parts:
            rows.append(_natural_row(number, by_id, fields, key_parts))
            continue
        parts = [by_id[k] for k in key_fields]
        # a key with a blank part identifies nothing: the row's own values do
        key = "|".join(parts) if parts and all(parts) else fingerprint(fields)
        rows.append(OutgoingRow(number, key, fields))
    return rows


def _natural_row(
    number: int, by_id: Mapping[str, str], fields: dict[str, str], key_parts: Sequence[KeyPart]
) -> OutgoingRow:
    """A row known by its natural key; a row missing a part is known by its values."""
    parts = part_values(by_id, key_parts)
    if parts is None:
        return OutgoingRow(number, fingerprint(fields), fields)
    for part, value in zip(key_parts, parts, strict=True):
        if part.field is not None:
            fields[part.field] = value
    return OutgoingRow(number, natural_key(parts), fields, parts, natural_label(by_id, key_parts))


def _check_parts(profile: Profile) -> None:
    """A key part naming no column is a mistake in the profile, said in its words."""
    known = {f.id for f in profile.fields}
    for part in profile.api.key_parts:
        for name in (n for group in part.groups for n in group):
            if name not in known:
                raise ValueError(f"api.key_parts '{part.name}' names the unknown column '{name}'")


def _values_by_id(fields: Mapping[str, object], profile: Profile) -> dict[str, str]:
    """A platform record's values under the profile's column ids (the platform's names
    undone), as text."""
    names = profile.api.field_names
    return {
        f.id: "" if (value := fields.get(names.get(f.id, f.id))) is None else str(value)
        for f in profile.fields
    }


def remote_parts(
    remote: Mapping[str, Mapping[str, object]], profile: Profile
) -> dict[str, tuple[str, ...]]:
    """The natural key's parts of each record the platform holds, found from its values
    (whatever its key: a fingerprint sent by an earlier version, or a natural key)."""
    key_parts = profile.api.key_parts
    if not key_parts:
        return {}
    found: dict[str, tuple[str, ...]] = {}
    for key, fields in remote.items():
        parts = part_values(_values_by_id(fields, profile), key_parts)
        if parts is not None:
            found[key] = parts
    return found


def adopt_earlier_keys(
    rows: Sequence[OutgoingRow],
    remote: Mapping[str, Mapping[str, object]],
    held_parts: Mapping[str, tuple[str, ...]],
) -> list[OutgoingRow]:
    """Rows sent by an earlier version under a fingerprint of their values keep that key.

    Before natural keys, a Flokon row was sent under a fingerprint; sent now under its natural
    key it would be a second record (a second occupant alerted). A record the platform holds
    under a fingerprint whose values give a row's natural key is that row's record: the row is
    sent under the old key, so the platform updates it (same id) instead. One old record per
    natural key is taken (the oldest: the platform lists oldest first); any other is a
    duplicate an earlier version made, left as it is or deleted by the modes that delete the
    rest. ``held_parts``: :func:`remote_parts` of ``remote``."""
    held = {row.key for row in rows}
    earlier: dict[tuple[str, ...], str] = {}
    for key, parts in held_parts.items():
        if is_fingerprint(key):
            earlier.setdefault(parts, key)
    adopted: list[OutgoingRow] = []
    for row in rows:
        old = earlier.get(row.parts) if row.parts else None
        if old is not None and row.key not in remote and old not in held:
            held.add(old)
            adopted.append(replace(row, key=old))
        else:
            adopted.append(row)
    return adopted


def record_label(fields: Mapping[str, object], profile: Profile) -> str:
    """A platform record as the user knows it, by its natural key's parts as typed; empty for
    a profile without them."""
    if not profile.api.key_parts:
        return ""
    return natural_label(_values_by_id(fields, profile), profile.api.key_parts)


FINGERPRINT_PREFIX = "empreinte-"


def is_fingerprint(key: str) -> bool:
    """True for a key made from a row's values (the profile names no key column)."""
    return key.startswith(FINGERPRINT_PREFIX)


#: the fields a person knows a customer by, in the profiles' ids: shown first in a preview
NAME_FIELDS = (
    "first_name",
    "firstname",
    "last_name",
    "lastname",
    "name",
    "company",
    "company_name",
)


def name_fields(profile: Profile) -> list[str]:
    """The platform's names of the profile's name fields, in the profile's order."""
    names = profile.api.field_names or {}
    return [names.get(c.id, c.id) for c in profile.fields if c.id in NAME_FIELDS]


def key_labels(
    rows: Sequence[OutgoingRow],
    remote: Mapping[str, Mapping[str, object]],
    names: Sequence[str] = (),
    profile: Profile | None = None,
) -> dict[str, str]:
    """What a preview shows for a key that says little to a person: the row and its values
    for the file's records, the values for the platform's.

    A fingerprint: the ``names`` fields (:func:`name_fields`) first, so a record to delete
    reads « Marie Tremblay », not its address and alert mode. A natural key (``profile``'s
    ``api.key_parts``, normalised: lower case, no accents): its parts as typed, « Marie
    Tremblay · 999 Rue exemple, Québec · client C-1042 »."""
    labels: dict[str, str] = {}
    for r in rows:
        if r.label:
            labels[r.key] = f"ligne {r.row} ({r.label})"
        elif is_fingerprint(r.key):
            labels[r.key] = f"ligne {r.row} ({_first_values(r.fields, names)})"
    for key, fields in remote.items():
        if key in labels:
            continue
        said = record_label(fields, profile) if profile is not None else ""
        if said:
            labels[key] = said
        elif is_fingerprint(key):
            labels[key] = _first_values(fields, names)
    return labels


def _first_values(fields: Mapping[str, object], names: Sequence[str] = (), count: int = 2) -> str:
    def shown(value: object) -> bool:
        return value not in (None, "")

    named = [str(fields[n]) for n in names if shown(fields.get(n))]
    if named:
        return " ".join(named)
    others = [str(v) for k, v in fields.items() if not k.startswith("__") and shown(v)]
    return " ".join(others[:count]) or "?"


def fingerprint(fields: Mapping[str, str]) -> str:
    """A stable key for a row without one: the same values give the same key on every run."""
    text = json.dumps(dict(sorted(fields.items())), ensure_ascii=False, separators=(",", ":"))
    return FINGERPRINT_PREFIX + hashlib.sha256(text.encode()).hexdigest()[:20]


@dataclass(frozen=True, slots=True)
class Preview:
    """What a mode will do, counted before anything is sent."""

    mode: Mode
    create: list[str] = field(default_factory=list)
    update: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    delete: list[str] = field(default_factory=list)
    #: keys that cannot be sent in this mode (update-only: the platform does not know them)
    refused: list[str] = field(default_factory=list)
    #: keys the file holds twice: only the first row is sent
    repeated: list[str] = field(default_factory=list)
    #: records created in place of one the platform holds that differs by one key part (a
    #: new address): the new one is created, the old one stays unless the mode deletes it
    moved: list[Move] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Move:
    """A record to create whose natural key differs from a held one's by one part only."""

    key: str
    #: the platform's record it replaces in the user's mind (kept, or deleted by the mode)
    old_key: str
    #: the index of the part that changed in ``api.key_parts``
    part: int


def preview(
    rows: Sequence[OutgoingRow],
    remote: Mapping[str, Mapping[str, object]],
    mode: Mode,
    held_parts: Mapping[str, tuple[str, ...]] | None = None,
) -> Preview:
    """Compare the file's records with the platform's (key → fields) under ``mode``;
    ``held_parts`` (:func:`remote_parts`) finds the records a changed key part replaces."""
    result = Preview(mode)
    seen: set[str] = set()
    for row in rows:
        if row.key in seen:
            result.repeated.append(row.key)
            continue
        seen.add(row.key)
        held = remote.get(row.key)
        if mode == "replace_all":
            result.create.append(row.key)
        elif held is None:
            (result.refused if mode == "update_only" else result.create).append(row.key)
        elif mode == "create_only" or _same(row.fields, held):
            result.unchanged.append(row.key)
        else:
            result.update.append(row.key)
    if mode == "replace_all":
        result.delete.extend(remote)
    elif mode == "upsert_delete_rest":
        result.delete.extend(k for k in remote if k not in seen)
    if held_parts:
        new = set(result.create)
        created = [r for r in rows if r.parts and r.key in new]
        result.moved.extend(_moves(created, held_parts, seen))
    return result


def _moves(
    created: Sequence[OutgoingRow], held_parts: Mapping[str, tuple[str, ...]], sent: set[str]
) -> list[Move]:
    """Each created record's nearest held record: same parts but one, not sent again."""
    width = max((len(r.parts) for r in created), default=0)
    around: dict[tuple[int, tuple[str, ...]], list[str]] = {}
    for key, parts in held_parts.items():
        if key in sent or len(parts) != width:
            continue
        for index in range(width):
            around.setdefault((index, parts[:index] + parts[index + 1 :]), []).append(key)
    moves: list[Move] = []
    for row in created:
        for index in range(len(row.parts)):
            near = around.get((index, row.parts[:index] + row.parts[index + 1 :]), [])
            old = next((k for k in near if held_parts[k] != row.parts), None)
            if old is not None:
                moves.append(Move(row.key, old, index))
                break
    return moves


def _same(sent: Mapping[str, str], held: Mapping[str, object]) -> bool:
    return all(str(held.get(name, "")) == value for name, value in sent.items())
