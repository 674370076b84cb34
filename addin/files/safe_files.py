"""Writing over a user's file without ever losing it: a backup copy, then a one-step replace.

Shared by every use case that changes a file the user owns (marks, fixes, undo, the mapping
sheet, push outcomes) or writes a new one (exports, templates). The promises:

- **Never half a file.** The new content is written to a temporary file in the target's own
  folder, then renamed over the target in one step. A failure (full disk, a folder that
  vanished) removes the temporary file and leaves the target as it was.
- **Temporary files we recognise.** They are named ``.~client-import-<host>-<pid>-<random>.tmp``
  plus the target's extension (hidden on macOS and Linux; not Excel's ``~$`` owner files), so
  that one left by a killed run (power cut, ``kill -9``) is removed by the next write in that
  folder: when its process is gone, or after :data:`STALE_AFTER` (another machine's, on a
  shared folder, whose process we cannot see).
- **The file stays the user's.** A replaced file keeps its permissions (and its owner where
  the system lets us); a new file gets the usual ones (the umask), not a private 0600. A
  symbolic link is written through: its target is replaced, the link stays a link.
- **A read-only file is not replaced.** The read-only attribute (no write permission at all)
  is the user saying "do not touch", as Excel takes it.
- **Outputs never replace what a command reads**, whatever name, link or hard link they go by.
- **Failures are sentences.** An ``OSError`` while writing becomes a :class:`UsageError` that
  says what to do (create the folder, free space, close the file), never a traceback.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import gc
import hashlib
import os
import re
import secrets
import shutil
import socket
import stat
import sys
import time
import traceback
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from addin.errors import UsageError

#: the start of every temporary file's name
TEMP_PREFIX = ".~client-import-"
#: a temporary file this old is stale even when its process cannot be seen (another machine)
STALE_AFTER = dt.timedelta(hours=12)
_HOST = hashlib.sha256(socket.gethostname().encode()).hexdigest()[:8]
_TEMP = re.compile(re.escape(TEMP_PREFIX) + r"(?P<host>[0-9a-f]{8})-(?P<pid>\d+)-[0-9a-f]+\.tmp")
#: errno values that mean "the disk is full" (EFBIG: the file is over what the system allows)
_FULL = {errno.ENOSPC, errno.EFBIG, getattr(errno, "EDQUOT", errno.ENOSPC)}


def backup_path(path: Path, now: dt.datetime | None = None) -> Path:
    """``clients.xlsx`` → ``clients.sauvegarde-20261125-101500.xlsx``, beside it."""
    stamp = (now or dt.datetime.now()).strftime("%Y%m%d-%H%M%S")
    candidate = path.with_name(f"{path.stem}.sauvegarde-{stamp}{path.suffix}")
    number = 2
    while candidate.exists():
        candidate = path.with_name(f"{path.stem}.sauvegarde-{stamp}-{number}{path.suffix}")
        number += 1
    return candidate


# --- temporary files --------------------------------------------------------------------------


def temporary_path(folder: Path, suffix: str) -> Path:
    """A name for a temporary file of this process in ``folder`` (not created)."""
    return folder / f"{TEMP_PREFIX}{_HOST}-{os.getpid()}-{secrets.token_hex(4)}.tmp{suffix}"


def remove_stale_temporaries(folder: Path) -> list[Path]:
    """Remove what killed runs left in ``folder``; returns what was removed.

    Only our own names are looked at; a run still going (its process alive on this machine,
    or a recent file of another machine's) keeps its file. Anything that cannot be removed is
    left: cleaning up never stops a command.
    """
    removed: list[Path] = []
    try:
        entries = [entry for entry in folder.iterdir() if entry.name.startswith(TEMP_PREFIX)]
    except OSError:
        return removed
    for entry in entries:
        match = _TEMP.match(entry.name)
        if match is None or not _is_stale(entry, match["host"], int(match["pid"])):
            continue
        with contextlib.suppress(OSError):
            if entry.is_dir() and not entry.is_symlink():
                shutil.rmtree(entry)
            else:
                entry.unlink()
            removed.append(entry)
    return removed


def _is_stale(entry: Path, host: str, pid: int) -> bool:
    try:
        age = time.time() - entry.lstat().st_mtime
    except OSError:
        return False
    if age > STALE_AFTER.total_seconds():
        return True
    return host == _HOST and pid != os.getpid() and not _alive(pid)


def _alive(pid: int) -> bool:
    """Whether process ``pid`` runs on this machine (Windows: unknown, so assumed alive)."""
    if os.name == "nt":  # os.kill would stop it there: only the age rule applies
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process
        return True
    return True


@contextlib.contextmanager
def temporary_folder(beside: Path) -> Iterator[Path]:
    """A folder of ours in ``beside``'s folder, for files renamed into place at the end."""
    folder = _target_folder(beside)
    remove_stale_temporaries(folder)
    path = temporary_path(folder, "")
    with writing_errors(beside):
        path.mkdir()
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


# --- writing ----------------------------------------------------------------------------------


def through_links(path: Path) -> Path:
    """The file a name stands for: a symbolic link's target (written in place of the link)."""
    return Path(os.path.realpath(path)) if path.is_symlink() else path


def write_replacing(target: Path, write: Callable[[Path], object]) -> None:
    """``write(temporary)`` in ``target``'s folder, then rename over it: never half a file.

    A symbolic link is written through; an existing file keeps its permissions and owner; a
    failure leaves ``target`` as it was and no temporary file behind.
    """
    real = through_links(target)
    folder = _target_folder(target)
    check_replaceable(real)
    remove_stale_temporaries(folder)
    temporary = temporary_path(folder, real.suffix)
    try:
        with writing_errors(target):
            # created here with the usual permissions (umask), where mkstemp would make 0600
            os.close(os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666))
            write(temporary)
            _keep_owner_and_mode(real, temporary)
            temporary.replace(real)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def _keep_owner_and_mode(original: Path, new: Path) -> None:
    try:
        old = original.stat()
    except FileNotFoundError:
        return
    new.chmod(stat.S_IMODE(old.st_mode))
    if hasattr(os, "chown"):
        with contextlib.suppress(OSError):  # only root may give a file to someone else
            os.chown(new, old.st_uid, old.st_gid)


def replace_keeping_backup(path: Path, write: Callable[[Path], object]) -> Path:
    """Replace ``path`` with what ``write`` writes, after a copy of it beside it; returns the
    copy. The new content is written first: a failure leaves neither a copy nor a change."""
    real = through_links(path)
    made: list[Path] = []

    def write_then_back_up(temporary: Path) -> None:
        write(temporary)
        backup = backup_path(real)
        write_replacing(backup, lambda copy: shutil.copy2(real, copy))
        made.append(backup)

    try:
        write_replacing(path, write_then_back_up)
    except BaseException:
        for backup in made:
            backup.unlink(missing_ok=True)
        raise
    return made[0]


def write_in_place_or_to(path: Path, output: Path | None, write: Callable[[Path], object]) -> Path:
    """``path`` replaced after a backup copy when there is no ``output`` (or it names ``path``
    itself), else ``output`` written (replaced if it exists: asking first is the caller's job);
    returns the file written."""
    if output is None or same_file(output, path):
        replace_keeping_backup(path, write)
        return path
    write_replacing(output, write)
    return output


# --- checks before any work -------------------------------------------------------------------


def same_file(one: Path, other: Path) -> bool:
    """Whether two names are one file: same resolved path, or the same file on disk (a hard
    link, a link, another spelling on a case-insensitive disk)."""
    if one.resolve() == other.resolve():
        return True
    try:
        return one.samefile(other)
    except OSError:  # one of them does not exist yet
        return False


def check_output(
    output: Path, *, reads: Iterable[Path] = (), overwrite: bool = False, option: str = "--force"
) -> None:
    """Refuse, before any work, an ``output`` that would lose something: a file the command
    reads (never, even with ``--force``), a folder that is not there, a read-only file, or an
    existing file without ``overwrite``."""
    for read in reads:
        if same_file(output, read):
            raise UsageError(
                f"« {output} » est un fichier que la commande lit : l'écrire le remplacerait et "
                "ce qu'il contient serait perdu ; choisissez un autre nom de fichier",
                f"“{output}” is a file the command reads: writing it would replace it and what "
                "it holds would be lost; choose another file name",
            )
    check_folder(output)
    if output.is_dir():
        raise UsageError(
            f"« {output} » est un dossier : donnez un nom de fichier",
            f"“{output}” is a folder: give a file name",
        )
    check_replaceable(output)
    refuse_existing(output, overwrite, option)


def check_folder(path: Path) -> None:
    """The folder ``path`` goes into exists and is a folder."""
    folder = _target_folder(path)
    if folder.is_dir():
        return
    if folder.exists() or any(parent.is_file() for parent in folder.parents):
        blocker = next(p for p in (folder, *folder.parents) if p.exists())
        raise UsageError(
            f"« {blocker} » est un fichier, pas un dossier : « {path} » ne peut pas y être "
            "écrit ; choisissez un autre emplacement",
            en=(
                f"“{blocker}” is a file, not a folder: “{path}” cannot be written "
                "there; choose another location"
            ),
        )
    raise UsageError(
        f"le dossier « {folder} » n'existe pas : créez-le d'abord, ou choisissez un autre "
        "emplacement",
        f"the folder “{folder}” does not exist: create it first, or choose another place",
    )


def ensure_folder(path: Path) -> None:
    """The folder ``path`` goes into, made if it is missing (for a new template)."""
    try:
        check_folder(path)
    except UsageError:
        folder = _target_folder(path)
        if any(p.exists() and not p.is_dir() for p in (folder, *folder.parents)):
            raise
        with writing_errors(path):
            folder.mkdir(parents=True, exist_ok=True)


def check_replaceable(path: Path) -> None:
    """A file whose read-only attribute is set is not replaced (checked by its permissions,
    not by ``os.access``, which says yes to an administrator)."""
    try:
        mode = through_links(path).stat().st_mode
    except OSError:
        return
    if stat.S_ISREG(mode) and not mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH):
        raise UsageError(
            f"« {path} » est en lecture seule : il n'a pas été modifié ; retirez l'attribut "
            "lecture seule (Propriétés du fichier) ou écrivez dans une copie",
            en=(
                f"“{path}” is read-only: it was not changed; remove the read-only "
                "attribute (file Properties) or write to a copy"
            ),
        )


def refuse_existing(path: Path, overwrite: bool, option: str = "--force") -> None:
    """A file the user already has is replaced only when they said so (``--force``)."""
    if path.exists() and not overwrite:
        raise UsageError(
            f"« {path} » existe déjà : choisissez un autre nom ou ajoutez {option}",
            f"“{path}” already exists: choose another name or add {option}",
        )


def _target_folder(path: Path) -> Path:
    return through_links(path).parent


# --- errors -----------------------------------------------------------------------------------


@contextlib.contextmanager
def writing_errors(path: Path) -> Iterator[None]:
    """An ``OSError`` while writing ``path`` becomes one sentence for the user."""
    try:
        yield
    except UsageError:
        raise
    except OSError as error:
        message, message_en = describe_write_error(error, path)
        _forget_failed_write(error)
        raise UsageError(message, en=message_en) from None


def _forget_failed_write(error: OSError) -> None:
    """Close what the failed write left open, quietly.

    The writer's half-written zip or XML stream is still referenced by the error's frames; it
    would complain again at exit ("Exception ignored in ZipFile.__del__: File too large"),
    under the one line the user is meant to read. It failed already: that is said.
    """
    previous = sys.unraisablehook
    sys.unraisablehook = lambda _: None
    try:
        if error.__traceback__ is not None:
            traceback.clear_frames(error.__traceback__)
        error.__traceback__ = None
        gc.collect()
    finally:
        sys.unraisablehook = previous


def describe_write_error(error: OSError, path: Path) -> tuple[str, str]:
    """What went wrong writing ``path``, and what to do, for an accountant: (French, English)."""
    folder = _target_folder(path)
    code = error.errno
    if code in _FULL:
        what = f"le disque est plein : libérez de la place dans « {folder} », puis relancez"
        what_en = f"the disk is full: free some space in “{folder}”, then run again"
    elif code == errno.ENOENT:
        what = f"le dossier « {folder} » n'existe pas (ou plus) : créez-le, puis relancez"
        what_en = f"the folder “{folder}” does not exist (any more): create it, then run again"
    elif code == errno.ENOTDIR:
        what = f"« {folder} » n'est pas un dossier : choisissez un autre emplacement"
        what_en = f"“{folder}” is not a folder: choose another location"
    elif code == errno.EISDIR:
        what = f"« {path} » est un dossier : donnez un nom de fichier"
        what_en = f"“{path}” is a folder: give a file name"
    elif code == errno.EROFS:
        what = f"« {folder} » est sur un disque en lecture seule : choisissez un autre dossier"
        what_en = f"“{folder}” is on a read-only disk: choose another folder"
    elif code in (errno.EACCES, errno.EPERM):
        what = (
            f"accès refusé : vous n'avez pas le droit d'écrire dans « {folder} », ou le fichier "
            "est ouvert dans un autre programme (Excel ?) ; fermez-le ou choisissez un autre "
            "dossier"
        )
        what_en = (
            f"access denied: you may not write in “{folder}”, or the file is open in another "
            "program (Excel?); close it or choose another folder"
        )
    else:
        what = what_en = error.strerror or str(error)
    return (
        f"« {path} » n'a pas pu être écrit : {what}",
        f"“{path}” could not be written: {what_en}",
    )
