"""Every error the product raises on purpose, so the CLI and the ribbon can show one clean line.

ClientImportError            base: carries a message for the user, never a traceback
├── ProfileError             a profile file is missing, unreadable or malformed
├── InputError               the user's file cannot be read as a table
│   ├── UnsupportedFileError     wrong extension or not a spreadsheet at all
│   ├── EncryptedFileError       password-protected workbook
│   ├── FileTooLargeError        over the reader's size limit
│   ├── EmptyFileError           nothing to read
│   └── SheetNotFoundError       --sheet names a sheet that does not exist
├── UsageError               arguments that do not fit together (unknown profile...)
└── AddinBuildError          the add-in's sources (vba/) or xlwings' template cannot be built
"""

from __future__ import annotations

from typing import Literal


class ClientImportError(Exception):
    """Base class: ``str(error)`` is a complete sentence meant for the user, in French.

    An error may also carry the same sentence in English (``en``): :meth:`said` gives the one of
    the run's language (``--lang``, the ribbon's setting), French when none was written.
    """

    def __init__(self, message: str = "", en: str | None = None) -> None:
        super().__init__(message)
        self.en = en

    def said(self, lang: Literal["fr", "en"]) -> str:
        return self.en if lang == "en" and self.en else str(self)


class ProfileError(ClientImportError):
    """A profile file is wrong; the message names the file and the path inside it."""


class InputError(ClientImportError):
    """The user's file cannot be turned into a table."""


class UnsupportedFileError(InputError):
    """The file is not a spreadsheet or CSV we can read."""


class EncryptedFileError(InputError):
    """The workbook is protected by a password, so its cells cannot be read."""


class FileTooLargeError(InputError):
    """The file is over the size the reader accepts."""


class EmptyFileError(InputError):
    """The file has no header row or no content."""


class SheetNotFoundError(InputError):
    """The requested sheet does not exist in the workbook."""


class UsageError(ClientImportError):
    """The command's arguments do not fit together."""


class AddinBuildError(ClientImportError):
    """The .xlam cannot be built: a source in ``vba/`` or xlwings' template is not as expected."""
