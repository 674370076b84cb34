"""How many cells a sheet makes its reader hold, found before the reader holds them.

Why: calamine turns a sheet into a dense rectangle from A1 to its farthest cell, 32 bytes a cell
even when empty, and our readers then make one Python list slot per cell. A sheet whose only
cells are A1 and ALL100000 (a few hundred bytes of XML) is a rectangle of 100 million cells:
4 GB; with XFD1048576 calamine asks for 512 GB and the process dies (exit 134) before Python can
say anything. Real files do hold a stray value far away, so such a sheet is read another way when
it can be (the openpyxl reader streams rows and keeps only the non-empty ones) and refused, with
the far cell named, when even the non-empty rows make too large a rectangle.

:class:`ExtentScan` finds the farthest cell of an .xlsx sheet during the streaming scan of
:mod:`addin.readers.sheet_scan`, without visiting every cell in Python: per block, one regular
expression looks only for a cell *beyond* the farthest seen so far (or a cell without a
reference, which calamine places by counting), and is rebuilt when one is found. A normal sheet
(rows in order) matches a handful of times in all. :class:`OdsExtent` does the same for the
tables of an OpenDocument file, whose repeated rows and cells calamine expands, and
:func:`xls_extents` for the cell records of an Excel 97-2003 workbook.
"""

from __future__ import annotations

import re
import struct
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from addin.errors import FileTooLargeError, UnsupportedFileError
from addin.readers.ole import OleFile
from addin.readers.ooxml import NotSure

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
        "feuille au format CSV.",
        en=(
            f"Sheet “{sheet}” of workbook “{file}” reaches cell {far}: "
            f"reading it would take {cells:,} cells, beyond the "
            f"{MAX_GRID_CELLS:,} accepted. If values or formatting were "
            "left far from the table, delete those rows and columns (Ctrl+End in Excel "
            "goes to the last cell), save, then try again; otherwise, save the "
            "sheet as CSV."
        ),
    )


def _millions(count: int) -> str:
    if count >= 10_000_000_000:
        return f"{count // 1_000_000_000} milliards"
    return f"{max(count // 1_000_000, 1)} millions"


@dataclass
class ExtentScan:
    """The farthest row and column that cells of an .xlsx sheet reach (1-based; 0: none).

    Every cell and row must spell its reference first and plainly (``<c r="B7"``,
    ``<row r="7"``), as Excel, LibreOffice, openpyxl and XlsxWriter all do: the searches then
    start with a literal that ``re`` finds at C speed, and fail at the first characters of
    almost every cell. A cell or row written otherwise (no reference, another attribute first,
    spaces around ``=``) raises :class:`NotSure`: the openpyxl reader, bounded row by row, reads
    the sheet. ``prefixed`` (``<x:c r="B7"``): the same searches with any prefix, slower.
    """

    rows: int = 0
    columns: int = 0
    prefixed: bool = False

    def __post_init__(self) -> None:
        self._start = rb"<(?:\w+:)?c r=\"" if self.prefixed else rb"<c r=\""
        self._plain = _PREFIXED_PLAIN if self.prefixed else _PLAIN
        self._farther = self._patterns()

    def feed(self, data: bytes) -> None:
        """Look at one block of the sheet (cut between rows, as the scan reads it)."""
        for plain in self._plain:
            if plain.search(data):
                raise NotSure("une ligne ou une cellule sans référence (r=) en premier")
        self._raise_to(data[-16_384:])  # rows are in order: the last ones are the farthest
        for which in range(2):
            position = 0
            while (match := self._farther[which].search(data, position)) is not None:
                self._raise_to(match.group(0))
                position = match.end()

    def _raise_to(self, data: bytes) -> None:
        """Take in every cell reference of ``data``; rebuild the searches if one goes farther."""
        grown = False
        for letters, digits in _REFERENCE.findall(data):
            column = _column_number(letters)
            row = int(digits)
            if column > self.columns:
                self.columns, grown = column, True
            if row > self.rows:
                self.rows, grown = row, True
        if grown:
            self._farther = self._patterns()

    def _patterns(self) -> tuple[re.Pattern[bytes], re.Pattern[bytes]]:
        """A reference beyond the farthest column so far; one beyond the farthest row."""
        if not self.columns:
            anything = re.compile(self._start + rb"[A-Za-z]+[0-9]+\"")  # no cell seen yet
            return anything, anything
        column = _greater_letters(column_letters(self.columns).encode())
        row = _greater_number(self.rows)
        # atomic groups and possessive repeats: no backtracking into a reference that failed
        return (
            re.compile(self._start + rb"(?>" + column + rb")[0-9]"),
            re.compile(self._start + rb"[A-Za-z]++0*+(?>" + row + rb")\""),
        )


#: calamine reads ``b0200`` as B200: letters in either case, zeros in front of the row.
_REFERENCE = re.compile(rb"\sr=\"([A-Za-z]+)([0-9]+)\"")
#: A cell or a row whose reference is not its first attribute, written plainly.
_PLAIN = (re.compile(rb"<c(?! r=\")[\s>/]"), re.compile(rb"<row(?! r=\")[\s>/]"))
_PREFIXED_PLAIN = (re.compile(rb"<(?:\w+:)?(?:c|row)(?! r=\")[\s>/]"),)


def _column_number(letters: bytes) -> int:
    number = 0
    for letter in letters.upper():
        number = number * 26 + letter - 64
    return number


def _greater_number(number: int) -> bytes:
    """A pattern for the decimal numbers greater than ``number`` (no leading zeros).

    Nested digit by digit (``1(?:0(?:[2-9]|…)|[1-9]…)``) rather than one branch per digit, so
    that a smaller number fails at its first digits.
    """
    digits = str(number).encode()
    size = len(digits)

    def beyond(index: int) -> bytes | None:
        if index == size:
            return None
        digit, rest = digits[index] - 48, size - index - 1
        branches = []
        if digit < 9:
            branches.append(b"[%d-9]" % (digit + 1) + (rb"[0-9]{%d}" % rest if rest else b""))
        same = beyond(index + 1)
        if same is not None:
            branches.append(b"%d" % digit + same)
        return b"(?:" + b"|".join(branches) + b")" if branches else None

    longer = rb"[1-9][0-9]{%d,}" % size
    same_length = beyond(0)
    return b"(?:" + longer + (b"|" + same_length if same_length else b"") + b")"


def _greater_letters(letters: bytes) -> bytes:
    """A pattern for the column names after ``letters`` (``AD`` → ``AE``…``ZZ``, ``AAA``…),
    in either case (calamine reads ``ae`` as AE)."""
    size = len(letters)
    branches = [rb"[A-Za-z]{%d,}" % (size + 1)]
    for index in range(size):
        letter = letters[index]
        if letter < ord("Z"):
            same = b"".join(b"[%c%c]" % (c, c + 32) for c in letters[:index])
            higher = b"[%c-Z%c-z]" % (letter + 1, letter + 33)
            rest = rb"[A-Za-z]{%d}" % (size - index - 1) if index < size - 1 else b""
            branches.append(same + higher + rest)
    return b"(?:" + b"|".join(branches) + b")"


# --- OpenDocument -----------------------------------------------------------------------------

#: The tags that delimit rows and tables in an OpenDocument ``content.xml``. calamine matches
#: these names with their usual ``table:`` prefix, so the scan does too.
_ODS_TAGS = re.compile(
    rb"<table:(table-row|table)(?=[\s/>])([^>]*?)(/?)>|</table:(table-row|table)>"
)
_ODS_ROW_END = re.compile(rb"</table:table-row>")
_ODS_NAME = re.compile(rb"""table:name=["']([^"']*)["']""")
_ODS_ROWS = re.compile(rb"""table:number-rows-repeated=["']([0-9]+)["']""")
_ODS_COLUMNS = re.compile(rb"""table:number-columns-repeated=["']([0-9]+)["']""")
_ODS_CELLS = (b"<table:table-cell", b"<table:covered-table-cell")
_ODS_BLOCK = 1 << 22
#: A row whose XML passes this is not a spreadsheet's row (16,384 long texts would not).
_ODS_MAX_ROW = 1 << 26


@dataclass
class OdsExtent:
    """The farthest non-empty row and column of each table of an OpenDocument ``content.xml``.

    calamine reads every table when it opens the file, and repeats a cell or a row as many
    times as ``number-columns-repeated``/``number-rows-repeated`` say, into the rectangle from
    A1 to the farthest non-empty cell: one 40-byte row can ask for 17 billion cells. Empty cells
    and rows, however repeated, only move the position (LibreOffice writes a million of them).
    A cell counts as non-empty when it has a value type or any content.

    Rows are looked at whole, with byte counts at C speed, not cell by cell: the scan costs
    about a third of calamine's own reading.
    """

    #: table name → (rows, columns) of its rectangle from A1
    tables: dict[str, tuple[int, int]]

    @classmethod
    def scan(cls, stream: IO[bytes]) -> OdsExtent:
        state = _OdsState()
        carry = b""
        while chunk := stream.read(_ODS_BLOCK):
            data = carry + chunk
            last = data.rfind(b"</table:table-row>")
            cut = len(data) if last < 0 else last + len(b"</table:table-row>")
            if last < 0:
                cut = data.rfind(b">") + 1 if b"<table:table-row" not in data else 0
            if cut == 0 and len(data) > _ODS_MAX_ROW:
                raise NotSure("une ligne démesurée dans content.xml")
            state.feed(data[:cut])
            carry = data[cut:]
        state.feed(carry)
        state.close()
        return cls(state.tables)


@dataclass
class _OdsState:
    tables: dict[str, tuple[int, int]] = field(default_factory=dict)
    name: str = ""
    row: int = 0  # rows before the current one
    rows: int = 0
    columns: int = 0

    def feed(self, data: bytes) -> None:
        position = 0
        while (match := _ODS_TAGS.search(data, position)) is not None:
            tag, attributes, closed, end = match.groups()
            position = match.end()
            if end == b"table":
                self._end_table()
            elif tag == b"table":
                found = _ODS_NAME.search(attributes)
                self.name = found.group(1).decode("utf-8", "replace") if found else ""
                self.row = self.rows = self.columns = 0
            elif tag == b"table-row":
                repeat = _repeat(_ODS_ROWS, attributes)
                width = 0
                if not closed:
                    close = _ODS_ROW_END.search(data, position)
                    stop = len(data) if close is None else close.start()
                    width = _row_width(data[position:stop])
                    position = stop if close is None else close.end()
                if width:
                    self.rows = self.row + repeat
                    self.columns = max(self.columns, width)
                self.row += repeat

    def _end_table(self) -> None:
        self.tables[self.name] = (self.rows, self.columns)
        self.row = self.rows = self.columns = 0

    def close(self) -> None:
        if self.rows or self.columns:
            self._end_table()


def _row_width(body: bytes) -> int:
    """Columns of a row up to its last non-empty cell (0: none), repeats included."""
    end = len(body)
    while True:
        start = max(body.rfind(tag, 0, end) for tag in _ODS_CELLS)
        if start < 0:
            return 0
        close = body.find(b">", start)
        if body[close - 1 : close] != b"/" or b"value-type" in body[start:close]:
            break
        end = start  # an empty cell, however repeated, at the end: not part of the rectangle
    kept = body[: body.find(b">", start) + 1]
    cells = sum(kept.count(tag) for tag in _ODS_CELLS)
    return cells + sum(int(count) - 1 for count in _ODS_COLUMNS.findall(kept))


def _repeat(pattern: re.Pattern[bytes], attributes: bytes) -> int:
    found = pattern.search(attributes)
    return int(found.group(1)) if found else 1


def check_ods(path: Path) -> None:
    """Refuse an .ods file one of whose tables would make calamine hold too many cells."""
    try:
        with zipfile.ZipFile(path) as archive, archive.open("content.xml") as stream:
            extent = OdsExtent.scan(stream)
    except (KeyError, OSError, EOFError, zipfile.BadZipFile, zlib.error):
        return  # calamine will say the file is damaged
    except NotSure:
        raise UnsupportedFileError(
            f"Le classeur « {path.name} » contient une ligne de plus de 64 Mo : ce n'est pas un "
            "vrai tableau. Ouvrez-le dans LibreOffice et enregistrez-le à nouveau, ou demandez "
            "à son expéditeur de vous le renvoyer.",
            en=(
                f"Workbook “{path.name}” holds a row of more than 64 MB: it is not a "
                "real table. Open it in LibreOffice and save it again, or ask "
                "its sender to send it again."
            ),
        ) from None
    for sheet, (rows, columns) in extent.tables.items():
        if rows * columns > MAX_GRID_CELLS:
            raise too_many_cells(path.name, sheet, rows, columns)


# --- shared strings ---------------------------------------------------------------------------

#: Most strings a shared-string table may declare (``uniqueCount``). calamine reserves room for
#: that many strings when it opens the workbook, before reading one: ``uniqueCount="4000000000"``
#: aborts the process. 10 million is three times a 100,000 x 30 sheet of all-different texts.
MAX_SHARED_STRINGS = 10_000_000

_SST_ROOT = re.compile(rb"<(?:\w+:)?sst\b[^>]*>")
_UNIQUE_COUNT = re.compile(rb"""\suniqueCount\s*=\s*["']\s*([0-9]+)""")
_SST_HEAD = 1 << 16


def check_shared_strings(archive: zipfile.ZipFile, part: str | None) -> None:
    """Raise :class:`NotSure` unless the table's root says it holds a bearable number of strings.

    The openpyxl reader, which does not trust the count, then reads the workbook.
    """
    if part is None or part not in archive.NameToInfo:
        return
    with archive.open(part) as stream:
        head = stream.read(_SST_HEAD)
    root = _SST_ROOT.search(head)
    if root is None:
        raise NotSure("la table des textes partagés ne commence pas par <sst>")
    declared = _UNIQUE_COUNT.search(root.group(0))
    if declared is not None and int(declared.group(1)) > MAX_SHARED_STRINGS:
        raise NotSure(f"une table de {int(declared.group(1))} textes partagés annoncés")


# --- Excel 97-2003 ----------------------------------------------------------------------------

#: BIFF records holding one cell's value, its row and column in their first four bytes.
_XLS_CELLS = frozenset({0x0006, 0x00D6, 0x00FD, 0x0203, 0x0204, 0x0205, 0x027E})
_XLS_MULRK = 0x00BD  # several RK numbers on a row: first column after the row, last at the end
_XLS_BOF, _XLS_EOF, _XLS_BOUNDSHEET = 0x0809, 0x000A, 0x0085
_RECORD = struct.Struct("<HH")


def xls_extents(stream: bytes) -> dict[str, tuple[int, int]]:
    """Sheet name → (rows, columns) of the rectangle from A1 to its farthest value, from the
    cell records of a BIFF ``Workbook`` stream (blank formatted cells left out, as calamine
    leaves them)."""
    names: dict[int, str] = {}
    extents: dict[str, tuple[int, int]] = {}
    start = rows = columns = 0
    position, size = 0, len(stream)
    unpack = _RECORD.unpack_from
    while position + 4 <= size:
        kind, length = unpack(stream, position)
        body = position + 4
        if kind in _XLS_CELLS and length >= 4:
            row, column = unpack(stream, body)
            rows, columns = max(rows, row + 1), max(columns, column + 1)
        elif kind == _XLS_MULRK and length >= 6:
            row = unpack(stream, body)[0]
            last = _RECORD.unpack_from(stream, body + length - 4)[1]
            rows, columns = max(rows, row + 1), max(columns, last + 1)
        elif kind == _XLS_BOF:
            start, rows, columns = position, 0, 0
        elif kind == _XLS_EOF and (rows or columns):
            extents[names.get(start, f"n° {len(extents) + 1}")] = (rows, columns)
            rows = columns = 0
        elif kind == _XLS_BOUNDSHEET and length >= 8:
            names[struct.unpack_from("<I", stream, body)[0]] = _sheet_name(
                stream[body + 6 : body + length]
            )
        position = body + length
    return extents


def _sheet_name(data: bytes) -> str:
    """A BOUNDSHEET name: a character count, then (BIFF8) a flag for 16-bit characters."""
    if len(data) < 2:
        return "?"
    count, wide = data[0], data[1] & 1
    text = data[2 : 2 + count * (2 if wide else 1)]
    return text.decode("utf-16-le" if wide else "latin-1", errors="replace")


def check_xls(path: Path, data: bytes) -> None:
    """Refuse an .xls workbook one of whose sheets would make calamine hold too many cells.

    calamine reads every sheet on opening; a value in IV65536 (the last cell .xls allows) is a
    rectangle of 16.7 million cells: over 1.2 GB, and the process aborted (exit 134) under a
    1.5 GB limit.
    """
    ole = OleFile.parse(data)
    if ole is None:
        return  # calamine will say whether it is a workbook
    name = "Workbook" if "Workbook" in ole.entries else "Book"
    try:
        stream = ole.head(name, ole.entries[name][2])
    except (KeyError, IndexError, struct.error):
        return
    for sheet, (rows, columns) in xls_extents(stream).items():
        if rows * columns > MAX_GRID_CELLS:
            raise too_many_cells(path.name, sheet, rows, columns)
