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
from dataclasses import dataclass, field
from typing import Literal

from addin.core.catalogue import Lang
from addin.core.export import ExportPlan
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


def outgoing_rows(plan: ExportPlan, profile: Profile) -> list[OutgoingRow]:
    """The records of the valid rows: platform field names, mapped values, empty cells left out
    (an update must not erase what the platform has and the file leaves blank).

    The key is the profile's API key field, else its file key, else a fingerprint of the row's
    values (a changed row is then a new record: said in the docs, fine for create-only use).
    """
    ids = [f.id for f in profile.fields]
    names = profile.api.field_names or {i: i for i in ids}
    value_maps = profile.api.value_maps
    key_fields = profile.api.key_fields or list(profile.file.key)
    rows: list[OutgoingRow] = []
    for number, values in zip(plan.row_numbers, plan.rows, strict=True):
        by_id = dict(zip(ids, values, strict=True))
        fields: dict[str, str] = {}
        for field_id, name in names.items():
            value = by_id.get(field_id, "")
            if value == "":
                continue
            fields[name] = value_maps.get(field_id, {}).get(value, value)
        parts = [by_id[k] for k in key_fields]
        # a key with a blank part identifies nothing: the row's own values do
        key = "|".join(parts) if parts and all(parts) else fingerprint(fields)
        rows.append(OutgoingRow(number, key, fields))
    return rows


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
) -> dict[str, str]:
    """What a preview shows for a fingerprint key, which says nothing to a person: the row and
    its values for the file's records, the values for the platform's; the ``names`` fields
    (:func:`name_fields`) come first, so a record to delete reads « Marie Tremblay », not its
    address and alert mode."""
    labels = {
        r.key: f"ligne {r.row} ({_first_values(r.fields, names)})"
        for r in rows
        if is_fingerprint(r.key)
    }
    for key, fields in remote.items():
        if is_fingerprint(key) and key not in labels:
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


def preview(
    rows: Sequence[OutgoingRow], remote: Mapping[str, Mapping[str, object]], mode: Mode
) -> Preview:
    """Compare the file's records with the platform's (key → fields) under ``mode``."""
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
    return result


def _same(sent: Mapping[str, str], held: Mapping[str, object]) -> bool:
    return all(str(held.get(name, "")) == value for name, value in sent.items())
