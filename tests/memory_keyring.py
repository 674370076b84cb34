"""A keyring that keeps passwords in a dict, for the tests of secrets and of ``login``.

Installed with ``keyring.set_keyring`` by a fixture that puts the previous backend back, so a
developer's real keyring is never read or written by the suite.
"""

from __future__ import annotations

import keyring.backend
import keyring.errors


class MemoryKeyring(keyring.backend.KeyringBackend):
    """A keyring in a dict; its low priority keeps it out of keyring's own detection."""

    priority = -10

    def __init__(self) -> None:
        super().__init__()
        self.passwords: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.passwords.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.passwords[service, username] = password

    def delete_password(self, service: str, username: str) -> None:
        try:
            del self.passwords[service, username]
        except KeyError:
            raise keyring.errors.PasswordDeleteError("not found") from None
