"""Where client-import keeps its own files on this machine: the push journal and the locks.

One place for the folder's location (``$CLIENT_IMPORT_DATA_DIR``, else platformdirs' user data
folder) so the journal (``addin.connectors.journal``) and the workbook locks
(``files.workbook_lock``) cannot drift apart. Cheap to import: every command takes a lock,
not every command pushes.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

import platformdirs

from addin.errors import UsageError

#: Overrides the data folder (the journal is then ``$CLIENT_IMPORT_DATA_DIR/journal.sqlite3``).
DATA_DIR_ENV = "CLIENT_IMPORT_DATA_DIR"
APP_NAME = "client-import"


def data_folder(environ: Mapping[str, str] | None = None) -> Path:
    """``$CLIENT_IMPORT_DATA_DIR`` when set, else the user's data folder for client-import."""
    env = os.environ if environ is None else environ
    override = env.get(DATA_DIR_ENV, "").strip()
    if override:
        return Path(override).expanduser()
    return platformdirs.user_data_path(APP_NAME, appauthor=False)


def private_folder(folder: Path) -> Path:
    """``folder`` made (owner only) if missing: a folder of client-import's own files."""
    try:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    except OSError as error:
        raise folder_error(folder, error) from None
    return folder


def folder_error(folder: Path, error: OSError) -> UsageError:
    """The sentence for a working folder that cannot be made, and how to choose another."""
    return UsageError(
        f"le dossier de travail de client-import « {folder} » n'a pas pu être créé "
        f"({error.strerror or error}) : indiquez-en un autre avec la variable {DATA_DIR_ENV}",
        en=(
            f"the client-import working folder “{folder}” could not be created "
            f"({error.strerror or error}): give another one with the {DATA_DIR_ENV} variable"
        ),
    )
