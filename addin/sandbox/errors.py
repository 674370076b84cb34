"""The one error the sandbox raises on purpose: it cannot start (port taken, unusable database).

It is a :class:`~addin.errors.ClientImportError`, so the command line shows its message as one
line and exits 2, with no traceback. Problems of a request are not exceptions of this kind:
they are answered over HTTP (see :mod:`addin.sandbox.contract`).
"""

from __future__ import annotations

from addin.errors import ClientImportError


class SandboxError(ClientImportError):
    """The sandbox cannot start or cannot open its database; the message says what to do.

    ``str(error)`` is French, as the rest of the product by default; ``said("en")`` is the same
    sentence in English, for a run in English (``--lang en`` or ``CLIENT_IMPORT_LANG=en``).
    """
