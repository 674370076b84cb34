"""Where the table starts: the header row of a file that does not begin with it.

Exports often open with a title, a date and a blank line before the column names; some files
have no column names at all. Only the first :data:`SCAN_ROWS` non-empty rows are looked at, so
finding the header costs the same on a 100,000-row file as on a 10-row one.

The header is, in this order:

1. the row the caller scores best, when it gives ``header_score`` (how well a row of headers
   fits the profile, 0 to 1): the highest positive score wins, the first on a tie. Only rows
   as wide as the table (at least two thirds of the usual width of the rows scanned) and made
   mostly of names (under a quarter of values) are scored: a sparse row of data holding a word
   the profile knows ("Mobile", "Société") would otherwise beat a wide export's header row,
   whose many unknown columns lower its score;
2. otherwise, the first row that *looks like headers*: at least two non-empty cells, all of
   them short texts that are not values (numbers, dates, e-mails, phone numbers, postal codes,
   web addresses, see :func:`is_value`); as wide as the table, so that a two-cell
   "Société ; Export du 12/03" line above an eight-column table is not taken; followed by at
   least one row; and above the first row that is data (as wide as the table, at least half of
   its cells values);
3. no header at all when no row looks like headers and the first row is such a row of data:
   the columns are then named "Colonne A", "Colonne B"... and every row is data;
4. otherwise row 1, as before detection existed: its emptiness, if it is empty, is reported.

A header further down than :data:`SCAN_ROWS` non-empty rows is not found: the caller gives
``header_row`` then.

The rows above the header are the *preamble*, kept as text for the message that says they were
skipped.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from itertools import islice

from addin.core.table import SourceInfo
from addin.readers.common import Cell, header_text

#: How a row of headers fits what the caller expects: 0 (not at all) to 1.
HeaderScore = Callable[[Sequence[str]], float]

#: How many non-empty rows the detection looks at (and the sheet choice, per sheet).
SCAN_ROWS = 30
#: How many rows, empty ones included, the sheet choice reads of each sheet.
PEEK_ROWS = 2 * SCAN_ROWS
#: A header cell longer than this is a sentence (a title, a note), not a column name.
MAX_LABEL = 80

_SPACES = " \t\u00a0\u202f"
_NUMBER = re.compile(r"[-+]?(?:\d[\d \u00a0\u202f.,']*)?\d(?: ?[%€$£])?|[-+]?[.,]\d+")
_DATE = re.compile(
    r"\d{1,4}[/.-]\d{1,2}[/.-]\d{1,4}(?:[ T]\d{1,2}[:h]\d{2}(?::\d{2}(?:\.\d+)?)?)?"
    r"|\d{1,2}:\d{2}(?::\d{2})?"
)
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
_PHONE = re.compile(r"(?:\+|00)?[\d(][\d ().\-/\u00a0]{5,22}\d")
_POSTAL = re.compile(r"[A-Z]\d[A-Z] ?\d[A-Z]\d|[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2}")
_WEB = re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE)
_BOOLEANS = frozenset({"TRUE", "FALSE", "VRAI", "FAUX"})


#: What :func:`value_kind` says of a cell.
NAME, VALUE, SURE_VALUE = 0, 1, 2


def value_kind(cell: Cell) -> int:
    """Whether a cell holds data rather than a column name.

    :data:`SURE_VALUE`: an e-mail or web address, a phone number, a date, which no column name
    is; :data:`VALUE`: a number (a year can head a column), a postal code, a boolean;
    :data:`NAME` otherwise (a text, an empty cell, a formula).
    """
    if isinstance(cell, dt.date):
        return SURE_VALUE
    if isinstance(cell, (int, float)):
        return VALUE
    if not isinstance(cell, str):
        return NAME
    text = cell.strip(_SPACES)
    if not text:
        return NAME
    if text[0].isdigit() or text[0] in "+-(.,":
        if _DATE.fullmatch(text):
            return SURE_VALUE
        if _PHONE.fullmatch(text) and 8 <= sum(c.isdigit() for c in text) <= 15:
            return SURE_VALUE
        return VALUE if _NUMBER.fullmatch(text) else NAME
    if _EMAIL.fullmatch(text) or _WEB.fullmatch(text):
        return SURE_VALUE
    if text in _BOOLEANS or _POSTAL.fullmatch(text.upper()):
        return VALUE
    return NAME


def is_value(cell: Cell) -> bool:
    """Whether a cell holds data rather than a column name: a number, a date, an e-mail..."""
    return value_kind(cell) != NAME


def is_blank(cell: Cell) -> bool:
    return cell is None or (isinstance(cell, str) and not cell.strip(_SPACES))


@dataclass(frozen=True, slots=True)
class _Shape:
    """What the detection needs to know of one row."""

    filled: int  # non-empty cells
    span: int  # up to the last non-empty cell
    labels: bool  # every non-empty cell is a short text that is not a value
    values: int  # cells that hold values
    sure: int  # cells that hold values no column name looks like

    @classmethod
    def of(cls, cells: Sequence[Cell]) -> _Shape:
        filled = span = values = sure = 0
        labels = True
        for position, cell in enumerate(cells):
            if is_blank(cell):
                continue
            filled += 1
            span = position + 1
            kind = value_kind(cell)
            if kind != NAME:
                values += 1
                sure += kind == SURE_VALUE
                labels = False
            elif not isinstance(cell, str) or len(cell.strip()) > MAX_LABEL:
                labels = False
        return cls(filled, span, labels, values, sure)

    def is_data(self) -> bool:
        """A row of data: an e-mail, a phone number or a date in it, or mostly values."""
        return self.sure > 0 or 2 * self.values > self.filled

    def is_wide(self, width: int) -> bool:
        """At least two thirds as many cells as the table is wide."""
        return 3 * self.filled >= 2 * width

    def may_be_scored(self, width: int) -> bool:
        """Whether the caller's score may make this row the header: as wide as the table and
        mostly names (a row of data can hold a word the profile knows, "Mobile", "Société")."""
        return self.is_wide(width) and 4 * self.values < self.filled


@dataclass(frozen=True, slots=True)
class HeaderChoice:
    """Which row holds the column names, and how it was found.

    ``row`` is the number the user sees (sheet row, CSV line), 0 when the file has no header.
    ``found_by``: ``"asked"`` (the caller gave the row), ``"headers"`` (``header_score``),
    ``"shape"`` (the first row that looks like headers), ``"first"`` (row 1, nothing better
    found) or ``"none"`` (no header row: the first row is data).
    """

    row: int
    found_by: str
    score: float = 0.0

    @property
    def headerless(self) -> bool:
        return self.found_by == "none"


class _Scan:
    """The first non-empty rows, their shapes and the table's usual width.

    The candidates are the first :data:`SCAN_ROWS`; the row after them is kept too, so that the
    last one can be seen to be followed by a row.
    """

    def __init__(self, numbered: Iterable[tuple[int, Sequence[Cell]]]) -> None:
        self.rows = [
            (number, cells)
            for number, cells in numbered
            if not all(is_blank(cell) for cell in cells)
        ][: SCAN_ROWS + 1]
        self.shapes = [_Shape.of(cells) for _, cells in self.rows]
        # The table's width: the span most rows of two cells or more have (the wider on a tie);
        # one-cell rows are titles and notes, unless every row has one cell.
        counts = Counter(shape.span for shape in self.shapes if shape.filled >= 2)
        if not counts:
            counts = Counter(shape.span for shape in self.shapes)
        self.width = max(counts, key=lambda span: (counts[span], span), default=0)

    def best_scored(self, header_score: HeaderScore) -> HeaderChoice | None:
        """The row the caller scores best (positive; the first on a tie), if any."""
        best: HeaderChoice | None = None
        for (number, cells), shape in islice(zip(self.rows, self.shapes, strict=True), SCAN_ROWS):
            if not shape.may_be_scored(self.width):
                continue
            score = header_score([header_text(cell) for cell in cells])
            if score > 0 and (best is None or score > best.score):
                best = HeaderChoice(number, "headers", score)
        return best

    def by_shape(self) -> HeaderChoice:
        """The first row that looks like headers; else no header when the first row is data;
        else row 1."""
        for index, shape in enumerate(self.shapes[:SCAN_ROWS]):
            wide = shape.is_wide(self.width)
            if wide and shape.is_data():
                if index == 0:
                    return HeaderChoice(0, "none")
                break  # the data has begun: a header would have been above it
            if wide and shape.labels and shape.filled >= 2 and index + 1 < len(self.shapes):
                return HeaderChoice(self.rows[index][0], "shape")
        return HeaderChoice(1, "first")


def find_header(
    rows: Sequence[Sequence[Cell]],
    numbers: Sequence[int],
    header_score: HeaderScore | None = None,
) -> HeaderChoice:
    """The header among ``rows``, the file's non-empty rows in order (numbered by ``numbers``).

    Only the first :data:`SCAN_ROWS` rows are candidates, whatever the length of ``rows``.
    """
    scan = _Scan(islice(zip(numbers, rows, strict=False), PEEK_ROWS))
    if header_score is not None:
        best = scan.best_scored(header_score)
        if best is not None:
            return best
    return scan.by_shape()


def best_header_score(rows: Iterable[Sequence[Cell]], header_score: HeaderScore) -> float:
    """How well the header row of a sheet whose first rows are ``rows`` fits (0 to 1).

    Only the first :data:`PEEK_ROWS` rows are looked at (empty ones included).
    """
    best = _Scan(enumerate(islice(rows, PEEK_ROWS), start=1)).best_scored(header_score)
    return 0.0 if best is None else best.score


@dataclass
class Located:
    """A sheet's rows split at the header: the header's cells, the data rows, the preamble."""

    choice: HeaderChoice
    header: list[Cell]
    rows: list[list[Cell]]
    numbers: list[int]
    preamble: list[str] = field(default_factory=list)


def locate_header(
    rows: list[list[Cell]],
    numbers: list[int],
    header_score: HeaderScore | None = None,
) -> Located:
    """Find the header among a sheet's non-empty rows (from row 1) and split them there.

    ``rows`` and ``numbers`` are taken over, not copied: the data rows are what follows the
    header in them.
    """
    choice = find_header(rows, numbers, header_score)
    if choice.headerless:
        return Located(choice, [], rows, numbers)
    index = 0
    while index < len(numbers) and numbers[index] < choice.row:
        index += 1
    preamble = [text for text in map(line_text, rows[:index]) if text]
    if index < len(numbers) and numbers[index] == choice.row:
        header = rows[index]
        index += 1
    else:
        header = []  # row 1 is empty: the caller says so
    if index:
        del rows[:index]
        del numbers[:index]
    return Located(choice, header, rows, numbers, preamble)


def line_text(cells: Sequence[Cell]) -> str:
    """A preamble row as one line: its non-empty cells, separated by spaces."""
    return " ".join(header_text(cell).strip() for cell in cells if not is_blank(cell))


def describe_shape(source: SourceInfo) -> list[str]:
    """What the reader did about the file's shape, in French sentences for the user.

    Nothing when the header is on row 1 of the only (or asked, or profile's) sheet; otherwise
    which sheet was taken and why, which lines above the header were skipped, or that the file
    has no header row.
    """
    notes: list[str] = []
    if source.sheet_chosen_by == "headers" and source.sheet is not None:
        notes.append(
            f"La feuille « {source.sheet} » a été lue : ses en-têtes sont ceux qui correspondent "
            "le mieux au profil parmi les feuilles du classeur."
        )
    if source.headerless:
        notes.append(
            "Le fichier n'a pas de ligne d'en-têtes : sa première ligne contient déjà des "
            "données. Les colonnes sont nommées d'après leur position (« Colonne A », "
            "« Colonne B »…) et chaque ligne est lue comme une ligne de données."
        )
    elif source.preamble:
        shown = [_shorten(text) for text in source.preamble[:_SHOWN_LINES]]
        quoted = ", ".join(f"« {text} »" for text in shown)
        if len(source.preamble) > _SHOWN_LINES:
            quoted += "…"
        count = len(source.preamble)
        skipped = (
            f"la ligne au-dessus ({quoted}) a été ignorée"
            if count == 1
            else f"les {count} lignes au-dessus ({quoted}) ont été ignorées"
        )
        notes.append(f"Les en-têtes sont sur la ligne {source.header_row} : {skipped}.")
    return notes


_SHOWN_LINES = 3
_SHOWN_CHARACTERS = 60


def _shorten(text: str) -> str:
    text = " ".join(text.split())
    if len(text) <= _SHOWN_CHARACTERS:
        return text
    return text[: _SHOWN_CHARACTERS - 1].rstrip() + "…"
