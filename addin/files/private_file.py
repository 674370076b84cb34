"""Files only their owner may read: the push journal, the sandbox's records.

Both hold personal data (file paths, customers' records, platform messages). Created with
mode 0600 *before* SQLite opens them, there is no moment when another user of the machine
could open them; SQLite gives the ``-wal`` and ``-shm`` files it keeps beside a database the
database file's own permissions. (On Windows the mode is ignored: the user's profile folder
is private already.)
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path


def create_private(path: Path) -> None:
    """Create ``path`` empty, readable and writable by its owner only, unless it exists.

    An existing file is left as it is: it may be someone's on purpose.
    """
    with contextlib.suppress(FileExistsError):
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
