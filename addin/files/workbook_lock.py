"""One command at a time on a workbook: every command that writes a user's file holds its lock.

A ``validate --in-place`` that read the workbook before a push wrote its outcomes, and wrote
after it, would drop them without a word; two ``fix --in-place`` would each lose the other's
fixes. So every command that writes a workbook (marks, clear, fix, undo, the mapping sheet, a
push from reading its rows to writing their outcomes back) holds a lock on it for the whole
time between reading it and writing it, and a second command is refused at once, in one line.

The lock is a system lock (``filelock``: ``fcntl``/``msvcrt``, released by the system when the
process dies, so a crash never leaves a workbook locked) on a small file in the user's data
folder (``$CLIENT_IMPORT_DATA_DIR``, else ``platformdirs``' data folder, where the push journal
lives), named after the workbook's resolved path: nothing appears beside the user's files
(Excel users would see it, copy it, mail it), and a symbolic link shares its target's lock.
A folder shared by several machines is not covered: each machine has its own data folder.
Taking the lock also removes, in the workbook's folder, the temporary files a killed run left
(``safe_files.remove_stale_temporaries``).
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

from filelock import FileLock, Timeout

from addin.errors import UsageError
from addin.files.data_folder import data_folder, private_folder
from addin.files.safe_files import remove_stale_temporaries, through_links


def locks_folder() -> Path:
    return data_folder() / "locks"


def _key(path: Path) -> str:
    resolved = os.path.normcase(os.path.realpath(path))
    return hashlib.sha256(resolved.encode("utf-8", "surrogatepass")).hexdigest()[:20]


def _lock(path: Path) -> FileLock:
    folder = locks_folder()
    # the data folder holds the journal too: private from the first command that makes it
    # (``mkdir(parents=True)`` would give the folders it makes on the way the usual mode)
    private_folder(folder.parent)
    private_folder(folder)
    return FileLock(folder / f"workbook-{_key(path)}.lock", timeout=0)


@contextmanager
def editing(*paths: Path | None) -> Iterator[None]:
    """Hold the lock of each of ``paths`` (``None`` skipped) for the ``with`` block;
    :class:`UsageError` at once if another command holds one."""
    with ExitStack() as held:
        seen: set[str] = set()
        for path in paths:
            if path is None or _key(path) in seen:
                continue
            seen.add(_key(path))
            remove_stale_temporaries(through_links(path).parent)  # what a killed run left
            lock = _lock(path)
            try:
                lock.acquire()
            except Timeout:
                raise UsageError(
                    f"« {path.name} » est en cours de modification par une autre commande "
                    "client-import ; réessayez quand elle sera finie.",
                    en=(
                        f"“{path.name}” is being changed by another client-import "
                        "command; try again when it has finished."
                    ),
                ) from None
            held.callback(lock.release)
        yield


def is_busy(path: Path) -> bool:
    """True while a command holds the lock of ``path``."""
    return held_elsewhere(_lock(path))


def held_elsewhere(lock: FileLock) -> bool:
    """Whether another process holds ``lock`` (a lock without a wait, tried and let go)."""
    try:
        lock.acquire()
    except Timeout:
        return True
    lock.release()
    return False
