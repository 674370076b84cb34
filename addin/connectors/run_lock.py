"""One run at a time: per file, and per set of records sent to a target.

Two windows pushing one workbook, or two copies of one file pushed at once, would resume the
same journal push and send its rows twice over, each run's answers overwriting the other's.
A run holds two system locks (``filelock``: ``fcntl``/``msvcrt``, released by the system when
the process dies, so a crash never leaves a file locked): one named after the file's path, one
after the records' fingerprint and the target. The lock files are small empty files beside the
journal.

The journal's "running" status says a run started and has not finished; whether it is still
alive is what :func:`is_busy` tells, by trying the file's lock.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

from filelock import FileLock, Timeout

from addin.errors import UsageError
from addin.files.workbook_lock import held_elsewhere


def _lock(folder: Path, *parts: str) -> FileLock:
    name = hashlib.sha256("\0".join(parts).encode()).hexdigest()[:16]
    return FileLock(folder / f"push-{name}.lock", timeout=0)


def _file_lock(folder: Path, path: Path | str) -> FileLock:
    return _lock(folder, "file", str(Path(path).resolve()))


@contextmanager
def one_run(folder: Path, path: Path, fingerprint: str, target: str) -> Iterator[None]:
    """Hold the locks of ``path`` and of ``fingerprint`` to ``target`` for the ``with`` block;
    :class:`UsageError` at once if another run holds either."""
    with ExitStack() as held:
        for lock in (_file_lock(folder, path), _lock(folder, "records", fingerprint, target)):
            try:
                lock.acquire()
            except Timeout:
                raise UsageError(
                    f"« {path.name} » (ou une copie de ses lignes) est déjà en cours d'envoi "
                    "vers cette plateforme (une autre fenêtre ?) : attendez la fin de cet envoi, "
                    "puis relancez si besoin",
                    en=(
                        f"“{path.name}” (or a copy of its rows) is already being pushed "
                        "to this platform (another window?): wait for that push to end, "
                        "then run again if needed"
                    ),
                ) from None
            held.callback(lock.release)
        yield


def is_busy(folder: Path, path: Path | str) -> bool:
    """True while a run pushes ``path`` (a push left "running" by a crash is not busy)."""
    return held_elsewhere(_file_lock(folder, path))
