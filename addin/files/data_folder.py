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
