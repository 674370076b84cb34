"""How many cells a sheet makes its reader hold, found before the reader holds them.

Why: calamine turns a sheet into a dense rectangle from A1 to its farthest cell, 32 bytes a cell
even when empty, and our readers then make one Python list slot per cell. A sheet whose only
cells are A1 and ALL100000 (a few hundred bytes of XML) is a rectangle of 100 million cells:
4 GB; with XFD1048576 calamine asks for 512 GB and the process dies (exit 134) before Python can
say anything. Real files do hold a stray value far away, so such a sheet is read another way when
it can be (the openpyxl reader streams rows and keeps only the non-empty ones) and refused, with
the far cell named, when even the non-empty rows make too large a rectangle.

:class:`ExtentScan` finds the farthest cell of an .xlsx sheet during the streaming scan of
:mod:`addin.io.sheet_scan`, without visiting every cell in Python: per block, one regular
expression looks only for a cell *beyond* the farthest seen so far (or a cell without a
reference, which calamine places by counting), and is rebuilt when one is found. A normal sheet
(rows in order) matches a handful of times in all.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from addin.errors import FileTooLargeError
from addin.io.ooxml import NotSure

#: Most cells (rows x columns of the rectangle from A1) a reader is given. A 100,000 x 30 client
#: sheet is 3 million and reads into about 460 MB; 10 million leaves three times that room
#: (or Excel's 1,048,576 rows by 9 columns) and keeps an empty rectangle under about 800 MB.
MAX_GRID_CELLS = 10_000_000


def column_letters(column: int) -> str:
    """1 → A, 27 → AA."""
    letters = ""
    while column:
        column, rest = divmod(column - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def too_many_cells(
    file: str, sheet: str, rows: int, columns: int, *, kept: int | None = None
) -> FileTooLargeError:
    """The refusal of a sheet reaching row ``rows`` and column ``columns``.

    ``kept``: the number of non-empty rows, when the rectangle that counts is theirs (a sheet
    with empty rows in between is read keeping only the others).
    """
    far = f"{column_letters(columns)}{rows}"
    cells = (kept if kept is not None else rows) * columns
    return FileTooLargeError(
        f"La feuille « {sheet} » du classeur « {file} » s'étend jusqu'à la cellule {far} : "
        f"la lire demanderait {_millions(cells)} de cellules, au-delà des "
        f"{_millions(MAX_GRID_CELLS)} acceptées. Si des valeurs ou des mises en forme ont été "
        "laissées loin du tableau, supprimez ces lignes et ces colonnes (Ctrl+Fin dans Excel "
        "mène à la dernière cellule), enregistrez, puis réessayez ; sinon, enregistrez la "
        "feuille au format CSV."
    )


def _millions(count: int) -> str:
    if count >= 10_000_000_000:
        return f"{count // 1_000_000_000} milliards"
    return f"{max(count // 1_000_000, 1)} millions"


@dataclass
class ExtentScan:
    """The farthest row and column that cells of an .xlsx sheet reach (1-based; 0: none)."""

    rows: int = 0
    columns: int = 0
    prefixed: bool = False

    def __post_init__(self) -> None:
        self._beyond = self._pattern()

    def feed(self, data: bytes) -> None:
        """Look at one block of the sheet (cut between rows, as the scan reads it)."""
        self._raise_to(data[-16_384:])  # rows are in order: the last ones are the farthest
        rows = _PREFIXED_ROW_WITHOUT_NUMBER if self.prefixed else _ROW_WITHOUT_NUMBER
        if rows.search(data):
            raise NotSure("une ligne sans numéro (r=)")
        position = 0
        while (match := self._beyond.search(data, position)) is not None:
            if match.group("reference") is None:
                raise NotSure("une cellule sans référence (r=)")
            self._raise_to(match.group(0))
            position = match.end()

    def _raise_to(self, data: bytes) -> None:
        """Take in every cell reference of ``data``; rebuild the search if one goes farther."""
        grown = False
        for letters, digits in _REFERENCE.findall(data):
            column = _column_number(letters)
            row = int(digits)
            if column > self.columns:
                self.columns, grown = column, True
            if row > self.rows:
                self.rows, grown = row, True
        if grown:
            self._beyond = self._pattern()

    def _pattern(self) -> re.Pattern[bytes]:
        """A cell beyond the farthest row or column so far, or a cell without a reference."""
        letters = rb"[A-Z]{1,3}"
        if self.columns:
            farther = [_greater_letters(column_letters(self.columns).encode()) + rb"[0-9]+"]
            farther.append(letters + _greater_number(self.rows))
        else:
            farther = [letters + rb"[0-9]+"]  # no cell seen yet: any is the farthest
        reference = rb"(?P<reference>" + b"|".join(farther) + rb")"
        start = rb"<(?:\w+:)?c" if self.prefixed else rb"<c"
        return re.compile(start + rb"(?:\s+r=[\"']" + reference + rb"[\"']|(?!\s+r=)[\s>/])")


_REFERENCE = re.compile(rb"\sr=[\"']([A-Z]+)([0-9]+)[\"']")
_ROW_WITHOUT_NUMBER = re.compile(rb"<row(?!\s+r=)[\s>/]")
_PREFIXED_ROW_WITHOUT_NUMBER = re.compile(rb"<(?:\w+:)?row(?!\s+r=)[\s>/]")


def _column_number(letters: bytes) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + letter - 64
    return number


def _greater_number(number: int) -> bytes:
    """A pattern for the decimal numbers greater than ``number`` (no leading zeros)."""
    digits = str(number).encode()
    size = len(digits)
    branches = [rb"[1-9][0-9]{%d,}" % size]
    for index in range(size):
        digit = digits[index] - 48
        if digit < 9:
            rest = rb"[0-9]{%d}" % (size - index - 1) if index < size - 1 else b""
            branches.append(digits[:index] + b"[%d-9]" % (digit + 1) + rest)
    return b"(?:" + b"|".join(branches) + b")"


def _greater_letters(letters: bytes) -> bytes:
    """A pattern for the column names after ``letters`` (``AD`` → ``AE``…``ZZ``, ``AAA``…)."""
    size = len(letters)
    branches = [rb"[A-Z]{%d,}" % (size + 1)]
    for index in range(size):
        letter = letters[index]
        if letter < ord("Z"):
            rest = rb"[A-Z]{%d}" % (size - index - 1) if index < size - 1 else b""
            branches.append(letters[:index] + b"[%c-Z]" % (letter + 1) + rest)
    return b"(?:" + b"|".join(branches) + b")"
