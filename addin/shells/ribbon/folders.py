"""Where the ribbon puts the files it makes: beside the workbook, else in Documents.

A book never saved has no folder (Excel calls it ``Classeur1``): its files go to the user's
Documents folder (``platformdirs.user_documents_dir``). A name already taken is never
overwritten: ``name (2).xlsx``, ``name (3).xlsx``... the user may have worked in the first one.
"""

from __future__ import annotations

from pathlib import Path

import platformdirs
import xlwings as xw

from addin.errors import UsageError


def documents() -> Path:
    folder = Path(platformdirs.user_documents_dir())
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise UsageError(
            f"le dossier Documents « {folder} » n'a pas pu être créé ({error.strerror or error})",
            en=(
                f"the Documents folder “{folder}” could not be created ({error.strerror or error})"
            ),
        ) from None
    return folder


def saved_path(book: xw.Book) -> Path | None:
    """The workbook's file, if it was ever saved (an unsaved book's full name is its name)."""
    path = Path(str(book.fullname))
    return path if path.is_absolute() else None


def beside(book: xw.Book) -> Path:
    """The workbook's folder, or Documents for a book never saved."""
    path = saved_path(book)
    return path.parent if path is not None else documents()


def stem(book: xw.Book) -> str:
    return Path(str(book.name)).stem or "classeur"


def free_name(wanted: Path) -> Path:
    """``wanted``, or the first ``wanted (n)`` no file holds."""
    if not wanted.exists():
        return wanted
    number = 2
    while True:
        candidate = wanted.with_name(f"{wanted.stem} ({number}){wanted.suffix}")
        if not candidate.exists():
            return candidate
        number += 1
