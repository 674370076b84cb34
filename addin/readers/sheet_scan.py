"""One streaming pass over a worksheet's XML for what calamine does not give.

calamine gives every cell's value (a formula's cached result included) but not:

- the style of a number, which decides whether it reads ``01220`` (``00000``, ``@``) and whether
  openpyxl would call it a date: the cells whose style is in ``styles`` are collected;
- error values (``#N/A``), which calamine turns into empty cells: collected with their text;
- how far the cells reach (:class:`~addin.readers.sheet_bounds.ExtentScan`), so that calamine is
  never handed a sheet whose rectangle from A1 would not fit in memory;
- formulas stored without a result, which calamine cannot tell from empty cells: collected with
  their text, to become ``FormulaCell``.

The XML is never parsed as a whole: regular expressions (C speed) look for the few byte patterns
that matter, and only the cells they hit are looked at in Python. The data is read in blocks cut
after a ``</row>``, so that every cell lies whole in one block and memory stays flat.

Anything this pass cannot be sure to read as openpyxl does raises :class:`NotSure` (see
:mod:`addin.readers.xlsx_hybrid`): a cell of interest without its ``r`` reference, an ISO date cell
(``t="d"``), a shared or array formula without a result, ``_xHHHH_`` escapes (calamine decodes
them, openpyxl does not), and a text with spaces at either end not marked
``xml:space="preserve"`` (calamine trims it, openpyxl does not). The same text checks run on the
shared-string table (:func:`check_strings`).
"""

from __future__ import annotations

import re
import zipfile
import zlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO
from xml.parsers import expat

from addin.readers.common import SheetScores
from addin.readers.header_row import PEEK_ROWS, HeaderScore, best_header_score
from addin.readers.ooxml import NotSure, Package, parse_text, read_package
from addin.readers.sheet_bounds import ExtentScan

#: Zero-based (row, column) of a cell.
Position = tuple[int, int]

_BLOCK = 1 << 22
#: Blocks read when only the first rows are wanted.
_PEEK_BLOCK = 1 << 16
#: Columns of a worksheet (XFD).
_MAX_COLUMNS = 16_384
#: A row longer than this (16,384 cells of long texts) means the file is not what it seems.
_MAX_CARRY = 1 << 26

# A formula (the end of ``</f>``, or a self-closing ``<f .../>``) followed by the end of its cell
# or by an empty value, with or without a namespace prefix.
_NO_VALUE = rb"\s*(?:</(?:\w+:)?c>|<(?:\w+:)?v\s*/>|<(?:\w+:)?v>\s*</(?:\w+:)?v>)"
UNCACHED_FORMULAS = (  # two simple patterns search faster than one with an alternation
    re.compile(rb"f>" + _NO_VALUE),
    re.compile(rb"<(?:\w+:)?f\b[^<>]*/>" + _NO_VALUE),
)


@dataclass(frozen=True)
class _Patterns:
    """The searches of one scan. Each starts with a literal, which ``re`` finds at C speed."""

    uncached: tuple[re.Pattern[bytes], ...]
    errors: tuple[re.Pattern[bytes], ...]
    iso_dates: tuple[re.Pattern[bytes], ...]
    #: a text element opening with a space (``<t> x``), or ending with one (``x </t>``)
    space_first: tuple[re.Pattern[bytes], ...]
    space_last: tuple[re.Pattern[bytes], ...]


def _literals(*texts: bytes) -> tuple[re.Pattern[bytes], ...]:
    return tuple(re.compile(re.escape(text)) for text in texts)


_QUOTED = (b'"%s"', b"'%s'")
#: Sheets written without namespace prefixes (every file Excel, LibreOffice or openpyxl writes).
_PLAIN = _Patterns(
    uncached=(UNCACHED_FORMULAS[0], re.compile(rb"<f\b[^<>]*/>" + _NO_VALUE)),
    errors=_literals(*(b"t=" + q % b"e" for q in _QUOTED)),
    iso_dates=_literals(*(b"t=" + q % b"d" for q in _QUOTED)),
    space_first=(re.compile(rb"<t>[ \t\r\n]"),),
    space_last=_literals(b" </t>", b"\t</t>", b"\r</t>", b"\n</t>"),
)
#: Any prefix (``<x:c>``): slower, for the rare writers that use one.
_PREFIXED = _Patterns(
    uncached=UNCACHED_FORMULAS,
    errors=(re.compile(rb"""t=["']e["']"""),),
    iso_dates=(re.compile(rb"""t=["']d["']"""),),
    space_first=(re.compile(rb"<(?:\w+:)?t>[ \t\r\n]"),),
    space_last=(re.compile(rb"[ \t\r\n]</(?:\w+:)?t>"),),
)
#: The spreadsheet namespaces (transitional, strict): named once, on an unprefixed root, they are
#: the default namespace of the whole part and no element can carry a prefix for them.
_NAMESPACES = (b"/spreadsheetml/2006/main", b"purl.oclc.org/ooxml/spreadsheetml/main")
_PREFIXED_ROOT = re.compile(rb"<\w+:(?:worksheet|sst)\b")
_ESCAPE = re.compile(rb"_x[0-9A-Fa-f]{4}_")
_CELL_START = re.compile(rb"<(?:\w+:)?c[\s/>]")
_TEXT_START = re.compile(rb"<(?:\w+:)?t[\s>]")
_CELL_END = re.compile(rb"</(?:\w+:)?c>")
_ATTRIBUTE = re.compile(rb"""([\w:]+)\s*=\s*(?:"([^"]*)"|'([^']*)')""")
_REFERENCE = re.compile(rb"([A-Z]{1,3})([0-9]+)")
_VALUE = re.compile(rb"<(?:\w+:)?v>([^<]*)</")
_FORMULA = re.compile(rb"<(?:\w+:)?f(\s[^>]*?)?(?:/>|>([^<]*)</(?:\w+:)?f>)")


@dataclass
class SheetMarks:
    """What the scan found, by zero-based (row, column)."""

    #: numeric cells whose style is one of those asked for → style index
    styled: dict[Position, int] = field(default_factory=dict)
    #: error cells → their text (``#N/A``)
    errors: dict[Position, str] = field(default_factory=dict)
    #: formulas without a cached result → their text with its ``=``
    formulas: dict[Position, str] = field(default_factory=dict)
    #: the farthest row and column (1-based) that the sheet's cells reach
    rows: int = 0
    columns: int = 0


def scan_sheet(stream: IO[bytes], styles: set[int]) -> SheetMarks:
    """Scan a worksheet part for numbers in ``styles``, errors and formulas without a result."""
    marks = SheetMarks()
    numbers = b"|".join(b"%d" % style for style in sorted(styles))
    styled = tuple(re.compile(b"s=" + q % (b"(" + numbers + b")")) for q in _QUOTED)
    declared = 0
    extent = ExtentScan()
    for data in _blocks(stream, b"row"):
        patterns, declared = _patterns(data, declared)
        if patterns is _PREFIXED and not extent.prefixed:
            extent = ExtentScan(extent.rows, extent.columns, prefixed=True)
        extent.feed(data)
        _check_text(data, patterns)
        if any(_cell_at(data, m.start()) for m in _matches(data, patterns.iso_dates)):
            raise NotSure('une date enregistrée en texte ISO (t="d")')
        for match in _matches(data, styled if styles else ()):
            cell = _cell_at(data, match.start())
            if cell is not None and cell[1].get(b"t", b"n") == b"n":
                marks.styled[_position(cell[1])] = int(match.group(1))
        for match in _matches(data, patterns.errors):
            cell = _cell_at(data, match.start())
            if cell is not None:
                value = _VALUE.search(_body(data, cell[0]))
                if value is not None:
                    marks.errors[_position(cell[1])] = parse_text(value.group(1))
        for match in _matches(data, patterns.uncached):
            _uncached_formula(data, match.start(), match.end(), marks)
    marks.rows, marks.columns = extent.rows, extent.columns
    return marks


def check_strings(stream: IO[bytes]) -> None:
    """The shared-string table holds no text calamine would read differently from openpyxl."""
    declared = 0
    for data in _blocks(stream, b"si"):
        patterns, declared = _patterns(data, declared)
        _check_text(data, patterns)


def _patterns(data: bytes, declared: int) -> tuple[_Patterns, int]:
    """The searches for a block, and how many times the namespaces were declared so far.

    Plain (fast) only while the spreadsheet namespace was declared once, on an unprefixed root.
    """
    declared += sum(data.count(namespace) for namespace in _NAMESPACES)
    if declared > 1 or _PREFIXED_ROOT.search(data, 0, 4096):
        return _PREFIXED, 2  # and for every later block
    return _PLAIN, declared


def _matches(data: bytes, patterns: tuple[re.Pattern[bytes], ...]) -> Iterator[re.Match[bytes]]:
    for pattern in patterns:
        yield from pattern.finditer(data)


def _check_text(data: bytes, patterns: _Patterns) -> None:
    if _ESCAPE.search(data):
        raise NotSure("un caractère codé _xHHHH_ dans un texte")
    if next(_matches(data, patterns.space_first), None) is not None:
        raise NotSure("un texte commençant par une espace sans xml:space")
    for match in _matches(data, patterns.space_last):
        start = data.rfind(b"<", 0, match.start())
        tag = data[start : data.find(b">", start) + 1]
        if not _TEXT_START.match(tag) or b"preserve" not in tag:
            raise NotSure("un texte finissant par une espace sans xml:space")


def _uncached_formula(data: bytes, position: int, stop: int, marks: SheetMarks) -> None:
    start = _cell_start(data, position)
    if start < 0:
        raise NotSure("une formule sans résultat hors d'une cellule")
    end = data.find(b">", start)
    attributes = _attributes(data[start:end])
    if attributes.get(b"t") == b"str":
        return  # a formula whose result is an empty text: an empty cell, rightly
    formula = _FORMULA.search(data, end, stop)
    if formula is None or (formula.group(1) and b"t=" in formula.group(1)):
        raise NotSure("une formule partagée ou matricielle sans résultat")
    marks.formulas[_position(attributes)] = "=" + parse_text(formula.group(2) or b"")


def _cell_at(data: bytes, position: int) -> tuple[int, dict[bytes, bytes]] | None:
    """The cell whose start tag holds ``position`` (start, attributes); ``None`` if in a text."""
    start = data.rfind(b"<", 0, position)
    if start < 0 or not _CELL_START.match(data, start):
        return None
    return start, _attributes(data[start : data.find(b">", start)])


def _cell_start(data: bytes, position: int) -> int:
    """Start of the cell holding ``position``: the last ``<c`` before it (texts hold no ``<``)."""
    start = position
    for _ in range(64):
        start = data.rfind(b"<", 0, start)
        if start < 0:
            return -1
        if _CELL_START.match(data, start):
            return start
    return -1


def _body(data: bytes, start: int) -> bytes:
    end = data.find(b">", start)
    if data[end - 1 : end] == b"/":
        return b""
    close = _CELL_END.search(data, end)
    return data[end + 1 : close.start() if close else len(data)]


def _attributes(tag: bytes) -> dict[bytes, bytes]:
    return {m.group(1): m.group(2) or m.group(3) or b"" for m in _ATTRIBUTE.finditer(tag)}


def _position(attributes: dict[bytes, bytes]) -> Position:
    match = _REFERENCE.fullmatch(attributes.get(b"r", b""))
    if match is None:
        raise NotSure("une cellule sans référence (r=)")
    column = 0
    for letter in match.group(1):
        column = column * 26 + letter - 64
    return int(match.group(2)) - 1, column - 1


def _blocks(stream: IO[bytes], element: bytes) -> Iterator[bytes]:
    """Blocks of the stream, each cut right after a closing ``element`` tag."""
    closing = re.compile(rb"</(?:\w+:)?" + element + rb">")
    carry = b""
    while chunk := stream.read(_BLOCK):
        data = carry + chunk
        cut = _last_end(data, closing, element)
        if cut < 0:
            if len(data) > _MAX_CARRY:
                raise NotSure("une ligne démesurée dans la feuille")
            carry = data
            continue
        carry = data[cut:]
        yield data[:cut]
    if carry:
        yield carry


def _last_end(data: bytes, closing: re.Pattern[bytes], element: bytes) -> int:
    """Index just after the last closing ``element`` tag of ``data``; -1 if none."""
    end = len(data)
    suffix = element + b">"
    while (found := data.rfind(suffix, 0, end)) >= 0:
        start = data.rfind(b"</", 0, found)
        if start >= 0 and closing.fullmatch(data, start, found + len(suffix)):
            return found + len(suffix)
        end = found
    return -1


# --- the first rows of sheets, to choose among them -------------------------------------------

#: Texts of a sheet's first rows, by sheet name (``None`` for an empty cell).
FirstRows = dict[str, list[list[str | None]]]


def first_rows(
    archive: zipfile.ZipFile, package: Package, names: Sequence[str], count: int
) -> FirstRows:
    """The first ``count`` rows of each named sheet (empty rows included), as texts.

    Each sheet's XML is streamed and left after ``count`` rows; the shared strings are parsed
    only as far as those rows need. A number comes as the text of its stored value (``45306``
    for a date): enough to score headers, which are texts.
    """
    strings = _SharedStrings(archive, package.shared_strings)
    found: FirstRows = {}
    try:
        for name in names:
            part = package.sheet_paths.get(name)
            if part is not None and part in archive.NameToInfo:
                with archive.open(part) as stream:
                    found[name] = _FirstRows(strings, count).read(stream)
    finally:
        strings.close()
    return found


def xlsx_sheet_scores(path: Path, header_score: HeaderScore) -> SheetScores:
    """Scores of an .xlsx workbook's sheets for :func:`~addin.readers.common.choose_sheet`.

    From the first :data:`~addin.readers.header_row.PEEK_ROWS` rows of each sheet only. A package
    this light reading cannot follow gets no scores (the first sheet is then read), never an
    error: the reader itself will say what is wrong with the file.
    """

    def scores(names: Sequence[str]) -> dict[str, float]:
        try:
            with zipfile.ZipFile(path) as archive:
                rows = first_rows(archive, read_package(archive), names, PEEK_ROWS)
        except (NotSure, KeyError, ValueError, OSError, EOFError, zipfile.BadZipFile, zlib.error):
            return {}
        return {name: best_header_score(rows[name], header_score) for name in rows}

    return scores


class _Enough(Exception):
    """Raised from inside the XML parser once the rows asked for are read."""


class _Texts:
    """Collects the character data of ``<t>``/``<v>`` elements, phonetic runs left out."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.inside = False
        self.phonetic = 0
        self.parser = expat.ParserCreate()
        self.parser.StartDoctypeDeclHandler = _refuse_dtd
        self.parser.EntityDeclHandler = _refuse_dtd
        self.parser.StartElementHandler = lambda name, attributes: self.start(
            name.rpartition(":")[2], attributes
        )
        self.parser.EndElementHandler = lambda name: self.end(name.rpartition(":")[2])
        self.parser.CharacterDataHandler = self._text

    def feed(self, data: bytes, last: bool) -> None:
        try:
            self.parser.Parse(data, last)
        except expat.ExpatError as error:
            raise NotSure(f"XML illisible ({error})") from None

    def start(self, tag: str, attributes: dict[str, str]) -> None:
        if tag in ("t", "v"):
            self.inside = True
        elif tag == "rPh":
            self.phonetic += 1

    def end(self, tag: str) -> None:
        if tag in ("t", "v"):
            self.inside = False
        elif tag == "rPh":
            self.phonetic -= 1

    def take(self) -> str:
        text = "".join(self.parts)
        self.parts.clear()
        return text

    def _text(self, data: str) -> None:
        if self.inside and not self.phonetic:
            self.parts.append(data)


def _refuse_dtd(*_: object) -> None:
    raise NotSure("une déclaration de type de document (DTD) dans le classeur")


class _SharedStrings(_Texts):
    """The shared-string table, parsed only as far as the indexes asked for."""

    def __init__(self, archive: zipfile.ZipFile, part: str | None) -> None:
        super().__init__()
        self.items: list[str] = []
        self.stream: IO[bytes] | None = None
        if part is not None and part in archive.NameToInfo:
            self.stream = archive.open(part)

    def get(self, index: int) -> str | None:
        while len(self.items) <= index and self.stream is not None:
            chunk = self.stream.read(_PEEK_BLOCK)
            self.feed(chunk, not chunk)
            if not chunk:
                self.close()
        return self.items[index] if index < len(self.items) else None

    def close(self) -> None:
        if self.stream is not None:
            self.stream.close()
            self.stream = None

    def start(self, tag: str, attributes: dict[str, str]) -> None:
        if tag == "si":
            self.take()
        super().start(tag, attributes)

    def end(self, tag: str) -> None:
        if tag == "si":
            self.items.append(self.take())
        super().end(tag)


class _FirstRows(_Texts):
    """A sheet's first rows, read until there are enough."""

    def __init__(self, strings: _SharedStrings, count: int) -> None:
        super().__init__()
        self.strings = strings
        self.count = count
        self.rows: list[list[str | None]] = []
        self.cell: dict[str, str] = {}
        self.column = 0

    def read(self, stream: IO[bytes]) -> list[list[str | None]]:
        try:
            while chunk := stream.read(_PEEK_BLOCK):
                self.feed(chunk, False)
            self.feed(b"", True)
        except _Enough:
            pass
        return self.rows[: self.count]

    def start(self, tag: str, attributes: dict[str, str]) -> None:
        if tag == "row":
            number = attributes.get("r", "")
            wanted = int(number) - 1 if number.isdigit() else len(self.rows)
            while len(self.rows) < min(wanted, self.count):
                self.rows.append([])  # rows the file leaves out are empty
            if len(self.rows) >= self.count:
                raise _Enough
            self.rows.append([])
            self.column = 0
        elif tag == "c":
            self.cell = attributes
            self.take()
        super().start(tag, attributes)

    def end(self, tag: str) -> None:
        if tag == "c" and self.rows:
            self._put(self.take())
        elif tag == "row" and len(self.rows) >= self.count:
            raise _Enough
        super().end(tag)

    def _put(self, raw: str) -> None:
        reference = _REFERENCE.fullmatch(self.cell.get("r", "").encode())
        column = self.column
        if reference is not None:
            column = -1
            for letter in reference.group(1):
                column = (column + 1) * 26 + letter - 65
        self.column = column + 1
        kind = self.cell.get("t", "n")
        if kind == "s":
            value = self.strings.get(int(raw)) if raw.strip().isdigit() else None
        elif kind == "b":
            value = "TRUE" if raw.strip() in ("1", "true") else "FALSE"
        else:
            value = raw or None
        row = self.rows[-1]
        if value is not None and column < _MAX_COLUMNS:
            row.extend([None] * (column + 1 - len(row)))
            row[column] = value
