"""The user's corrections of a mapping, remembered on this machine for files like the one
corrected: same profile, same set of headers.

An accountant gets the same export again and again (every month's Zoho or Sage file): a
column they once pointed to its right field should not have to be corrected again. A choice is
kept per profile and per *header set* (order, case and spaces set aside: Zoho reorders its
columns, a colleague retypes "E-mail" as "e-mail"), per column: the field chosen (a field id,
``None`` for "do not import", or a split) and the day. ``core.resolve`` puts them first.

One JSON file in client-import's data folder (``files.data_folder``), replaced in one step
(never half a file). It holds header names and field ids, never a cell's value. A file that is
not ours, or was damaged, is set aside with one line (never a traceback): reading it gives
nothing, the next correction starts a new one beside it. Two commands writing at the same
moment may lose one of the two corrections, never the file.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from addin.core.product_columns import is_product_column
from addin.core.table import RememberedChoice
from addin.errors import UsageError
from addin.files.data_folder import data_folder, folder_error, private_folder
from addin.files.private_file import create_private
from addin.files.safe_files import write_replacing

FILE_NAME = "remembered-mappings.json"
#: where an unreadable file is moved when a new correction must be kept
SET_ASIDE = "remembered-mappings.unreadable.json"
_FORMAT = "client-import remembered mappings"
_VERSION = 1

logger = logging.getLogger(__name__)
_told: set[Path] = set()

#: (profile, the sorted header keys) → column key → the choice
_Memory = dict[tuple[str, tuple[str, ...]], dict[str, RememberedChoice]]


def memory_path() -> Path:
    return data_folder() / FILE_NAME


def column_keys(headers: Sequence[str]) -> dict[int, str]:
    """Each data column's key: its header without case or extra spaces, ``#2`` after a second
    column of the same header. Blank headers and client-import's own columns (a push's status
    and ID) have none: a file once pushed is still the same file."""
    keys: dict[int, str] = {}
    seen: dict[str, int] = {}
    for position, header in enumerate(headers):
        key = " ".join(header.split()).casefold()
        if not key or is_product_column(header):
            continue
        seen[key] = seen.get(key, 0) + 1
        keys[position] = key if seen[key] == 1 else f"{key}#{seen[key]}"
    return keys


def _header_set(keys: Mapping[int, str]) -> tuple[str, ...]:
    return tuple(sorted(keys.values()))


def recall(profile: str, headers: Sequence[str]) -> dict[int, RememberedChoice]:
    """The remembered choices for a file with these headers, by position."""
    keys = column_keys(headers)
    columns = (_load() or {}).get((profile, _header_set(keys)), {})
    return {p: columns[key] for p, key in keys.items() if key in columns}


def remember(
    profile: str,
    headers: Sequence[str],
    choices: Mapping[int, str | None],
    on: dt.date | None = None,
) -> int:
    """Keep ``choices`` (by position) for files with these headers and this profile; returns
    how many columns got a new choice. A :class:`UsageError` when the folder cannot be
    written."""
    keys = column_keys(headers)
    day = (on or dt.date.today()).isoformat()
    memory = _load(set_aside=True)
    if memory is None:
        raise UsageError(
            f"les choix retenus n'ont pas pu être lus dans « {memory_path()} » : rien n'est "
            "retenu tant que ce fichier ne peut pas être lu",
            en=(
                f"the remembered choices could not be read from “{memory_path()}”: nothing is "
                "remembered as long as this file cannot be read"
            ),
        )
    columns = memory.setdefault((profile, _header_set(keys)), {})
    changed = 0
    for position, choice in choices.items():
        key = keys.get(position)
        if key is None:
            continue
        before = columns.get(key)
        if before is None or before.choice != choice:
            columns[key] = RememberedChoice(choice, day)
            changed += 1
    if changed:
        _save(memory)
    return changed


@dataclass(frozen=True, slots=True)
class Forgotten:
    """What ``forget`` removed: column choices, and of how many header sets."""

    choices: int
    files: int


def forget(profile: str | None = None, headers: Sequence[str] | None = None) -> Forgotten:
    """Remove the remembered choices: all, a profile's, or those of one header set (for one
    profile, or for every one)."""
    path = memory_path()
    memory = _load()
    if memory is None:
        return Forgotten(0, 0)
    wanted = None if headers is None else _header_set(column_keys(headers))
    gone = [
        key
        for key in memory
        if (profile is None or key[0] == profile) and (wanted is None or key[1] == wanted)
    ]
    if gone:
        removed = Forgotten(sum(len(memory.pop(key)) for key in gone), len(gone))
        if memory:
            _save(memory)
        else:
            path.unlink(missing_ok=True)
        return removed
    return Forgotten(0, 0)


def _load(*, set_aside: bool = False) -> _Memory | None:
    """The memory, ``{}`` when there is none yet, ``None`` (and one line) when the file is not
    ours or is damaged; with ``set_aside``, such a file is moved away so a new one can start."""
    path = memory_path()
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return {}
    except OSError as error:
        _tell(path, f"illisible ({error.strerror or error})")
        return None
    try:
        return _parse(json.loads(data.decode("utf-8")))
    except (ValueError, TypeError, KeyError, RecursionError) as error:
        if set_aside:
            aside = path.with_name(SET_ASIDE)
            try:
                path.replace(aside)
            except OSError:
                return None
            _tell(path, f"mis de côté sous « {aside.name} » ({error})", again=True)
            return {}
        _tell(path, f"ignoré ({error})")
        return None


def _tell(path: Path, what: str, *, again: bool = False) -> None:
    """One line, once per file and process: the memory is a help, never a failure."""
    if path in _told and not again:
        return
    _told.add(path)
    logger.warning(
        "Choix de correspondance retenus : le fichier « %s » n'est pas lisible par "
        "client-import, %s ; les correspondances sont proposées sans lui.",
        path,
        what,
    )


def _parse(raw: object) -> _Memory:
    """Our file, checked to the last value; anything else raises."""
    if not isinstance(raw, dict) or raw.get("format") != _FORMAT:
        raise ValueError("pas un fichier de choix retenus de client-import")
    if raw.get("version") != _VERSION:
        raise ValueError(f"version {raw.get('version')!r} inconnue")
    files = raw["files"]
    if not isinstance(files, list):
        raise TypeError("files")
    memory: _Memory = {}
    for entry in files:
        profile, headers, columns = entry["profile"], entry["headers"], entry["columns"]
        if not isinstance(profile, str) or not isinstance(headers, list):
            raise TypeError("profile, headers")
        if not all(isinstance(h, str) for h in headers) or not isinstance(columns, dict):
            raise TypeError("headers, columns")
        kept: dict[str, RememberedChoice] = {}
        for key, value in columns.items():
            choice, on = value["choice"], value["on"]
            if not isinstance(key, str) or not (choice is None or isinstance(choice, str)):
                raise TypeError("choice")
            if not isinstance(on, str):
                raise TypeError("on")
            dt.date.fromisoformat(on)
            kept[key] = RememberedChoice(choice, on)
        memory[profile, tuple(sorted(headers))] = kept
    return memory


def _save(memory: _Memory) -> None:
    path = memory_path()
    files = [
        {
            "profile": profile,
            "headers": list(headers),
            "columns": {
                key: {"choice": chosen.choice, "on": chosen.on}
                for key, chosen in sorted(columns.items())
            },
        }
        for (profile, headers), columns in sorted(memory.items())
        if columns
    ]
    text = json.dumps(
        {"format": _FORMAT, "version": _VERSION, "files": files}, ensure_ascii=False, indent=1
    )
    private_folder(path.parent)
    try:
        create_private(path)
    except OSError as error:
        raise folder_error(path.parent, error) from None
    write_replacing(path, lambda temporary: temporary.write_text(text + "\n", encoding="utf-8"))
