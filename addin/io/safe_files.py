"""Writing over a user's file without ever losing it: a backup copy, then a one-step replace.

Shared by every use case that changes a file the user owns (marks, fixes, undo, the mapping
sheet, push outcomes): the new file is written beside the target and renamed over it, so a
crash never leaves half a file, and in place the original is first copied to
``NAME.sauvegarde-<date>.ext``.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

from addin.errors import UsageError


def backup_path(path: Path, now: dt.datetime | None = None) -> Path:
    """``clients.xlsx`` → ``clients.sauvegarde-20261125-101500.xlsx``, beside it."""
    stamp = (now or dt.datetime.now()).strftime("%Y%m%d-%H%M%S")
    candidate = path.with_name(f"{path.stem}.sauvegarde-{stamp}{path.suffix}")
    number = 2
    while candidate.exists():
        candidate = path.with_name(f"{path.stem}.sauvegarde-{stamp}-{number}{path.suffix}")
        number += 1
    return candidate


def write_replacing(target: Path, write: Callable[[Path], object]) -> None:
    """``write(temporary)`` beside ``target``, then rename over it: never half a file."""
    handle, temporary = tempfile.mkstemp(suffix=target.suffix, dir=target.parent)
    os.close(handle)
    try:
        write(Path(temporary))
        Path(temporary).replace(target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def replace_keeping_backup(path: Path, write: Callable[[Path], object]) -> Path:
    """Copy ``path`` aside, then replace it with what ``write`` writes; returns the copy."""
    backup = backup_path(path)
    shutil.copy2(path, backup)
    write_replacing(path, write)
    return backup


def write_in_place_or_to(path: Path, output: Path | None, write: Callable[[Path], object]) -> Path:
    """``path`` replaced after a backup copy when there is no ``output`` (or it names ``path``
    itself), else ``output`` written (replaced if it exists: asking first is the caller's job);
    returns the file written."""
    if output is None or output.resolve() == path.resolve():
        replace_keeping_backup(path, write)
        return path
    write_replacing(output, write)
    return output


def refuse_existing(path: Path, overwrite: bool) -> None:
    """A file the user already has is replaced only when they said so (``--force``)."""
    if path.exists() and not overwrite:
        raise UsageError(f"« {path} » existe déjà : choisissez un autre nom ou ajoutez --force")
