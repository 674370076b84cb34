"""The language a run speaks before any option is read: ``CLIENT_IMPORT_LANG``.

Kept apart from the shells so that the sandbox (a process of its own) and the command line read
the one variable the same way; French unless it says ``en``.
"""

from __future__ import annotations

import os

from addin.core.catalogue import Lang

#: The environment variable that sets the language of every command, its help included.
LANG_ENV = "CLIENT_IMPORT_LANG"


def environment_language() -> Lang:
    return "en" if os.environ.get(LANG_ENV, "").strip().lower() == "en" else "fr"
