"""An error nobody foresaw, from a ribbon button: one sentence for the user, details in a log.

The user reads a message box saying that something went wrong and where the details are; the
traceback goes to ``ribbon-errors.log`` in client-import's data folder (created readable by its
owner only), where whoever helps them can read it. What is logged is the error's type, its
message and the lines of code it went through, never the values the code held (no frame
locals): a token read from the keyring lives in a local, never in a message
(``connectors.http`` scrubs them out of the ones it makes).
"""

from __future__ import annotations

import datetime as dt
import traceback
from pathlib import Path

from addin.files.data_folder import data_folder
from addin.files.private_file import create_private

FILE_NAME = "ribbon-errors.log"
#: the log is cut back to its newest half past this size
MAX_BYTES = 1_000_000


def log_failure(error: BaseException, button: str) -> Path | None:
    """Append ``error``'s traceback to the log; where it is, or ``None`` if it cannot be
    written (the message box then says so without a place)."""
    path = data_folder() / FILE_NAME
    stamp = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    lines = traceback.format_exception(type(error), error, error.__traceback__)
    entry = f"--- {stamp} button {button}\n{''.join(lines)}"
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        create_private(path)
        if path.stat().st_size > MAX_BYTES:
            kept = path.read_bytes()[-MAX_BYTES // 2 :]
            path.write_bytes(kept)
        with path.open("a", encoding="utf-8") as log:
            log.write(entry)
    except OSError:
        return None
    return path
