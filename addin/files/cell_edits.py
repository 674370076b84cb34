"""Rewrite a few cells of a worksheet's XML and leave every other byte as it was.

Why not openpyxl: loading and saving a workbook rewrites every part and drops what openpyxl
does not model (charts, shapes, x14 validations); a fix touches a few hundred cells out of
millions. Each rewritten cell keeps its attributes (its style above all) and gets an inline
string, which Excel and LibreOffice read like any other text; the shared-string table is left
alone, so no other cell can change.

Cells are found by their ``r`` attribute, which Excel, LibreOffice and openpyxl always write;
a sheet written without it cannot be edited this way and is refused with a clear message.

``set_cells`` rewrites cells that exist; ``put_cells`` also writes cells (and rows) the XML does
not have yet, in their place, keeping the row's ``spans`` hint and the ``<dimension>`` right.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import NamedTuple

from addin.core.report import column_letter
from addin.core.table import CellValue
from addin.errors import InputError
from addin.files.xml_chars import xml_text

_REF = re.compile(r"([A-Z]{1,3})([0-9]+)")
_FORMULA = re.compile(rb"<(?:\w+:)?f[\s/>]")
_CELL_TAG = re.compile(rb"<((?:\w+:)?c)\s[^>]*>")
_ATTRIBUTE = re.compile(rb"""([\w:]+)\s*=\s*("[^"]*"|'[^']*')""")
#: attributes that describe the old value, not the cell: dropped when the value changes
_VALUE_ATTRIBUTES = {b"t", b"cm", b"vm"}


def sort_key(ref: str) -> tuple[int, int]:
    match = _REF.fullmatch(ref)
    if match is None:
        raise ValueError(f"not a cell reference: {ref}")
    column = 0
    for letter in match[1]:
        column = column * 26 + ord(letter) - 64
    return int(match[2]), column


def formula_cells(sheet: bytes) -> set[str]:
    """References of the cells that hold a formula: their value is computed, never written."""
    refs: set[str] = set()
    for match in _FORMULA.finditer(sheet):
        start = sheet.rfind(b"<", 0, match.start())
        while start >= 0 and not _CELL_TAG.match(sheet, start):
            start = sheet.rfind(b"<", 0, start)
        if start < 0:
            continue
        tag = _CELL_TAG.match(sheet, start)
        assert tag is not None
        ref = _attributes(tag.group(0)).get(b"r")
        if ref is not None:
            refs.add(ref.strip(b"\"'").decode())
    return refs


def set_cells(sheet: bytes, values: Mapping[str, CellValue], sheet_name: str) -> bytes:
    """``sheet`` with each cell of ``values`` holding its new value (``None`` empties it).

    Cells are met in sheet order (rows, then columns, as the format requires), so the whole
    edit is one pass over the part whatever the number of cells.
    """
    pieces: list[bytes] = []
    position = 0
    for ref in sorted(values, key=sort_key):
        start, end, name, attributes = _find(sheet, ref, position, sheet_name)
        pieces += [sheet[position:start], _element(name, attributes, values[ref])]
        position = end
    pieces.append(sheet[position:])
    return b"".join(pieces)


def boolean_cells(sheet: bytes, refs: Iterable[str], sheet_name: str) -> set[str]:
    """Those of ``refs`` that hold a TRUE/FALSE cell (the readers give them as text)."""
    found: set[str] = set()
    position = 0
    for ref in sorted(refs, key=sort_key):
        _start, position, _name, attributes = _find(sheet, ref, position, sheet_name)
        if attributes.get(b"t", b"").strip(b"\"'") == b"b":
            found.add(ref)
    return found


def _find(
    sheet: bytes, ref: str, position: int, sheet_name: str
) -> tuple[int, int, bytes, dict[bytes, bytes]]:
    """Start and end of cell ``ref`` (searched from ``position``), its tag name, attributes."""
    tag = _cell_tag_of(sheet, ref, position, len(sheet))
    if tag is None:
        raise InputError(
            f"la cellule {ref} de la feuille « {sheet_name} » est introuvable dans le fichier "
            "(il a peut-être été produit par un outil qui n'écrit pas les références des "
            "cellules) : ouvrez-le dans Excel, enregistrez-le, puis recommencez",
            en=(
                f"cell {ref} of sheet “{sheet_name}” cannot be found in the file "
                "(it may have been written by a tool that does not write cell "
                "references): open it in Excel, save it, then try again"
            ),
        )
    start, end, name, attributes = _cell_span(sheet, tag, ref, sheet_name)
    if _holds_formula(sheet, tag, end):
        raise ValueError(f"{ref} holds a formula: it must not be written")
    return start, end, name, attributes


def _cell_tag_of(sheet: bytes, ref: str, position: int, stop: int) -> re.Match[bytes] | None:
    """The start tag of cell ``ref`` between ``position`` and ``stop``, if it is there."""
    for needle in (f'r="{ref}"'.encode(), f"r='{ref}'".encode()):  # either quote is XML
        at = position
        while True:
            at = sheet.find(needle, at, stop)
            if at < 0:
                break
            start = sheet.rfind(b"<", 0, at)
            tag = _CELL_TAG.match(sheet, start)
            if tag is not None and tag.end() > at and sheet[at - 1 : at].isspace():
                return tag
            at += len(needle)
    return None


def _cell_span(
    sheet: bytes, tag: re.Match[bytes], ref: str, sheet_name: str
) -> tuple[int, int, bytes, dict[bytes, bytes]]:
    """Start and end of the cell whose start tag is ``tag``, its tag name and attributes."""
    start = tag.start()
    name = tag.group(1)
    attributes = _attributes(tag.group(0))
    if tag.group(0).endswith(b"/>"):
        return start, tag.end(), name, attributes
    close = sheet.find(b"</" + name + b">", tag.end())
    if close < 0:
        raise InputError(
            f"la cellule {ref} de la feuille « {sheet_name} » est mal formée",
            en=f"cell {ref} of sheet “{sheet_name}” is malformed",
        )
    return start, close + len(name) + 3, name, attributes


def _holds_formula(sheet: bytes, tag: re.Match[bytes], end: int) -> bool:
    return _FORMULA.search(sheet, tag.end(), end) is not None


def _attributes(tag: bytes) -> dict[bytes, bytes]:
    return dict(_ATTRIBUTE.findall(tag))


def _element(name: bytes, attributes: dict[bytes, bytes], value: CellValue) -> bytes:
    """The cell with its own attributes and the new value, in the sheet's own prefix."""
    tag = name.decode()
    prefix = tag[: -len("c")]
    kept = "".join(
        f" {key.decode()}={quoted.decode()}"
        for key, quoted in attributes.items()
        if key not in _VALUE_ATTRIBUTES
    )
    if value is None or value == "":
        return f"<{tag}{kept}/>".encode()
    if isinstance(value, bool):  # before int: a boolean is an int to Python
        return f'<{tag}{kept} t="b"><{prefix}v>{int(value)}</{prefix}v></{tag}>'.encode()
    if isinstance(value, int | float):
        return f"<{tag}{kept}><{prefix}v>{value!r}</{prefix}v></{tag}>".encode()
    text = value if isinstance(value, str) else str(value)
    return (
        f'<{tag}{kept} t="inlineStr"><{prefix}is><{prefix}t xml:space="preserve">'
        f"{xml_text(text)}</{prefix}t></{prefix}is></{tag}>"
    ).encode()


# --- cells that may not exist yet -------------------------------------------------------------

#: Excel's last column, XFD.
MAX_COLUMN = 16_384

_ROW_NUMBER = re.compile(rb"""\sr\s*=\s*["']([0-9]+)["']""")
_CELL_REF = re.compile(rb"""\sr\s*=\s*["']([A-Z]{1,3})[0-9]+["']""")
#: any cell start tag, ``<c>`` and ``<c/>`` included (a text run's ``<color>`` is not one)
_ANY_CELL = re.compile(rb"<((?:\w+:)?c)(?=[\s/>])[^>]*>")
_SHEET_DATA = re.compile(rb"<(\w+:)?sheetData\b[^>]*?(/?)>")
_DIMENSION = re.compile(rb"""<(?:\w+:)?dimension\b[^>]*?\sref\s*=\s*["']([A-Z0-9:]+)["']""")
_MERGE = re.compile(rb"""<(?:\w+:)?mergeCell\b[^>]*?\sref\s*=\s*["']([A-Z0-9:]+)["']""")
_SPANS = re.compile(rb"""\sspans\s*=\s*(?:"([^"]*)"|'([^']*)')""")
_AFTER_NAME = (b" ", b"\t", b"\r", b"\n", b"/", b">")
_COLUMNS: dict[bytes, int] = {}
_COLUMN_NAMES: dict[str, int] = {}
#: (a row's spans hint, first and last column written) → the hint covering both
_SPANS_CACHE: dict[tuple[bytes, int, int], bytes] = {}


class _Row(NamedTuple):
    number: int
    start: int  # the "<" of the row
    open_end: int  # after its start tag
    close: int  # where its end tag starts (``open_end`` for ``<row/>`` and ``<row></row>``)
    end: int  # after the element
    last: int  # column of its last cell (A = 1), 0 without cells


@dataclass(frozen=True, slots=True)
class SheetRows:
    """Where each row of a worksheet's XML lies, found in one walk over the part.

    Per row, only its start tag, its end tag and its last cell are looked at (a row's cells are
    in column order), with searches at C speed, whatever the number of cells.
    """

    prefix: bytes  # b"" or b"x:", as the sheet writes its elements
    sheet_data: tuple[int, int]  # the ``<sheetData>`` start tag
    data_end: int  # where ``</sheetData>`` starts (the start tag's end for ``<sheetData/>``)
    rows: list[_Row]
    #: the rightmost column a cell or a merged range takes (A = 1), 0 for an empty sheet
    last_column: int
    #: the sheet is written ``<sheetData/>``
    self_closing: bool = False


def index_rows(sheet: bytes, sheet_name: str) -> SheetRows:
    """The rows of ``sheet`` (see :class:`SheetRows`); rows out of order are refused."""
    data = _SHEET_DATA.search(sheet)
    if data is None:
        raise InputError(
            f"la feuille « {sheet_name} » n'a pas de cellules lisibles",
            en=f"sheet “{sheet_name}” has no readable cells",
        )
    prefix = data.group(1) or b""
    if data.group(2):
        return SheetRows(prefix, data.span(), data.end(), [], 0, self_closing=True)
    data_end = sheet.rfind(b"</" + prefix + b"sheetData>")
    if data_end < data.end():
        raise InputError(
            f"la feuille « {sheet_name} » est mal formée (fin des cellules absente)",
            en=f"sheet “{sheet_name}” is malformed (end of cells missing)",
        )
    # the usual spelling (``r`` first) is read by the pattern itself; any other by a search
    row_tag = re.compile(b"<" + re.escape(prefix) + rb"""row\b(?:\s+r="([0-9]+)")?[^>]*?(/?)>""")
    close_tag = b"</" + prefix + b"row>"
    cell_open = b"<" + prefix + b"c"
    first_ref = re.compile(re.escape(cell_open) + rb'\s+r="([A-Z]{1,3})')
    rows: list[_Row] = []
    number = 0
    last_column = 0
    match = row_tag.search(sheet, data.end(), data_end)
    while match is not None:
        previous = number
        if match.group(1) is not None:
            number = int(match.group(1))
        else:
            found = _ROW_NUMBER.search(match.group(0))
            number = int(found.group(1)) if found else number + 1
        if number <= previous:
            raise InputError(
                f"les lignes de la feuille « {sheet_name} » ne sont pas dans l'ordre (ligne "
                f"{number} après la ligne {previous}) : ouvrez le fichier dans Excel, "
                "enregistrez-le, puis recommencez",
                en=(
                    f"the rows of sheet “{sheet_name}” are out of order (row "
                    f"{number} after row {previous}): open the file in Excel, "
                    "save it, then try again"
                ),
            )
        open_end = match.end()
        if match.group(2):
            rows.append(_Row(number, match.start(), open_end, open_end, open_end, 0))
            match = row_tag.search(sheet, open_end, data_end)
            continue
        close = sheet.find(close_tag, open_end, data_end)
        if close < 0:
            raise InputError(
                f"la ligne {number} de la feuille « {sheet_name} » est mal formée",
                en=f"row {number} of sheet “{sheet_name}” is malformed",
            )
        # the last cell: the last "<c" followed by a space, "/" or ">" (not a run's <color>)
        at = sheet.rfind(cell_open, open_end, close)
        while at >= 0 and sheet[at + len(cell_open) : at + len(cell_open) + 1] not in _AFTER_NAME:
            at = sheet.rfind(cell_open, open_end, at)
        last = 0
        if at >= 0:
            ref = first_ref.match(sheet, at) or _CELL_REF.search(sheet, at, sheet.find(b">", at))
            last = _column(ref.group(1)) if ref else -1
        row = _Row(number, match.start(), open_end, close, close + len(close_tag), last)
        if last < 0:  # a cell without its reference: it follows the one before
            last = max(column for column, *_ in _cells_of(sheet, row))
            row = row._replace(last=last)
        rows.append(row)
        last_column = max(last_column, last)
        match = row_tag.search(sheet, row.end, data_end)
    for merged in _MERGE.finditer(sheet, data_end):
        for end in merged.group(1).split(b":"):
            letters = re.match(rb"[A-Z]{1,3}", end)
            last_column = max(last_column, _column(letters.group(0)) if letters else 0)
    return SheetRows(prefix, data.span(), data_end, rows, last_column)


def put_cells(
    sheet: bytes,
    values: Mapping[str, CellValue],
    sheet_name: str,
    *,
    rows: SheetRows | None = None,
) -> bytes:
    """``sheet`` with each cell of ``values`` holding its value, written whether it exists or not.

    An existing cell is rewritten as :func:`set_cells` does (its attributes kept); a missing
    one is inserted at its place in its row (cells stay in column order), and a missing row at
    its place among the rows. ``None`` empties an existing cell and inserts nothing. A row that
    gets cells has its ``spans`` hint widened (dropped when it is not one range); the
    ``<dimension>`` is widened to cover the new cells. Nothing else changes: every other byte,
    other rows and the other cells of the same rows included, stays as it was.

    One walk over the part (``rows``, from :func:`index_rows`, when the caller has it already).
    A row is read cell by cell only when a new cell must go between existing ones; a cell
    after a row's last cell is appended without reading the others. A cell holding a formula
    is never overwritten (:class:`InputError`), nor a row whose cells lack their ``r``
    reference where a cell must go between them.
    """
    index = rows if rows is not None else index_rows(sheet, sheet_name)
    wanted: dict[int, list[_Wanted]] = {}
    for ref, value in values.items():
        number, column = _split(ref)
        if column > MAX_COLUMN:
            raise ValueError(f"{ref} is past the last column of a sheet (XFD)")
        wanted.setdefault(number, []).append(_Wanted(column, ref, value))
    out = _Writer(sheet, sheet_name, index.prefix)
    dimension = _DIMENSION.search(sheet, 0, index.sheet_data[0])
    if dimension is not None:
        written = [
            (n, c.column) for n, cells in wanted.items() for c in cells if c.value is not None
        ]
        out.replace(dimension.start(1), dimension.end(1), _widened(dimension.group(1), written))
    numbers = [row.number for row in index.rows]
    new_rows: list[bytes] = []
    for number in sorted(wanted):
        cells = sorted(wanted[number])
        at = bisect.bisect_left(numbers, number)
        if at < len(numbers) and numbers[at] == number:
            out.row(index.rows[at], cells)
            continue
        element = out.new_row(number, cells)
        if element and index.self_closing:
            new_rows.append(element)
        elif element:
            where = index.rows[at].start if at < len(numbers) else index.data_end
            out.replace(where, where, element)
    if new_rows:  # <sheetData/> becomes <sheetData>rows</sheetData>
        name = index.prefix + b"sheetData"
        rows_xml = b"<%s>%s</%s>" % (name, b"".join(new_rows), name)
        out.replace(*index.sheet_data, rows_xml)
    return out.result()


def _column(letters: bytes) -> int:
    """``b"AA"`` → 27."""
    column = _COLUMNS.get(letters)
    if column is None:
        column = 0
        for letter in letters:
            column = column * 26 + letter - 64
        _COLUMNS[letters] = column
    return column


def _split(ref: str) -> tuple[int, int]:
    """``"AA12"`` → (12, 27), as :func:`sort_key` but with the letters' columns cached."""
    match = _REF.fullmatch(ref)
    if match is None:
        raise ValueError(f"not a cell reference: {ref}")
    letters, number = match.groups()
    column = _COLUMN_NAMES.get(letters)
    if column is None:
        column = _COLUMN_NAMES[letters] = _column(letters.encode())
    return int(number), column


def _cells_of(sheet: bytes, row: _Row) -> list[tuple[int, int, int, bool]]:
    """Every cell of ``row``: its column, start, end, and whether it says its reference."""
    cells: list[tuple[int, int, int, bool]] = []
    column = 0
    tag = _ANY_CELL.search(sheet, row.open_end, row.close)
    while tag is not None:
        found = _CELL_REF.search(tag.group(0))
        column = _column(found.group(1)) if found else column + 1
        end = tag.end()
        if not tag.group(0).endswith(b"/>"):
            closing = b"</" + tag.group(1) + b">"
            end = sheet.find(closing, end, row.close)
            if end < 0:
                raise InputError(
                    f"la ligne {row.number} de la feuille est mal formée",
                    en=f"row {row.number} of the sheet is malformed",
                )
            end += len(closing)
        cells.append((column, tag.start(), end, found is not None))
        tag = _ANY_CELL.search(sheet, end, row.close)
    return cells


class _Wanted(NamedTuple):
    column: int
    ref: str
    value: CellValue


class _Writer:
    """The edited part, as pieces: copied spans of the original between the edits."""

    def __init__(self, sheet: bytes, sheet_name: str, prefix: bytes) -> None:
        self.sheet = sheet
        self.sheet_name = sheet_name
        self.prefix = prefix
        self.cell_name = prefix + b"c"
        self.pieces: list[bytes] = []
        self.position = 0
        self.texts: dict[str, bytes] = {}  # statuses repeat: each text is escaped once

    def replace(self, start: int, end: int, data: bytes) -> None:
        """The original up to ``start``, then ``data`` instead of what ran up to ``end``."""
        self.pieces += [self.sheet[self.position : start], data]
        self.position = end

    def result(self) -> bytes:
        self.pieces.append(self.sheet[self.position :])
        return b"".join(self.pieces)

    def row(self, row: _Row, cells: list[_Wanted]) -> None:
        """Write ``cells`` (in column order) into ``row``."""
        sheet = self.sheet
        start_tag = sheet[row.start : row.open_end]
        if start_tag.endswith(b"/>"):  # <row .../>: no cell yet
            inserted = b"".join(self.new_cell(cell) for cell in cells)
            if inserted:
                opened = _spans_widened(start_tag, cells)[:-2].rstrip() + b">"
                closed = b"</" + self.prefix + b"row>"
                self.replace(row.start, row.end, opened + inserted + closed)
            return
        if b"spans" in start_tag:
            self.replace(row.start, row.open_end, _spans_widened(start_tag, cells))
        edits: list[tuple[int, int, bytes]] = []  # (start, end of what it replaces, bytes)
        for cell in cells:
            if cell.column > row.last:  # after the row's last cell
                edits.append((row.close, row.close, self.new_cell(cell)))
                continue
            tag = _cell_tag_of(sheet, cell.ref, row.open_end, row.close)
            if tag is None:  # between existing cells: the row is read cell by cell
                edits = self.merged(row, cells)
                break
            edits.append(self.replaced(tag, cell))
        for start, end, data in edits:
            self.replace(start, end, data)

    def merged(self, row: _Row, cells: list[_Wanted]) -> list[tuple[int, int, bytes]]:
        """The edits of a row where some new cell goes between existing ones, in sheet order."""
        present = _cells_of(self.sheet, row)
        if not all(has_ref for *_, has_ref in present):
            raise InputError(
                f"la ligne {row.number} de la feuille « {self.sheet_name} » a des cellules sans "
                "référence (le fichier a peut-être été produit par un outil qui ne les écrit "
                "pas) : ouvrez-le dans Excel, enregistrez-le, puis recommencez",
                en=(
                    f"row {row.number} of sheet “{self.sheet_name}” has cells without a "
                    "reference (the file may have been written by a tool that does not write "
                    "them): open it in Excel, save it, then try again"
                ),
            )
        starts = {column: start for column, start, _, _ in present}
        edits: list[tuple[int, int, bytes]] = []
        for cell in cells:
            if cell.column in starts:
                tag = _ANY_CELL.match(self.sheet, starts[cell.column])
                assert tag is not None
                edits.append(self.replaced(tag, cell))
            else:
                after = next((at for c, at, _, _ in present if c > cell.column), row.close)
                edits.append((after, after, self.new_cell(cell)))
        return sorted(edits, key=lambda edit: edit[0])

    def replaced(self, tag: re.Match[bytes], cell: _Wanted) -> tuple[int, int, bytes]:
        start, end, name, attributes = _cell_span(self.sheet, tag, cell.ref, self.sheet_name)
        if _holds_formula(self.sheet, tag, end):
            raise InputError(
                f"la cellule {cell.ref} de la feuille « {self.sheet_name} » contient une "
                "formule : client-import n'écrit pas par-dessus. Effacez-la ou déplacez-la, "
                "puis recommencez",
                en=(
                    f"cell {cell.ref} of sheet “{self.sheet_name}” holds a "
                    "formula: client-import does not write over it. Clear it or move it, "
                    "then try again"
                ),
            )
        return start, end, _element(name, attributes, cell.value)

    def new_cell(self, cell: _Wanted) -> bytes:
        """A new cell holding the value (nothing for an empty one); texts as inline strings."""
        value = cell.value
        if value is None or value == "":
            return b""
        if not isinstance(value, str):
            return _element(self.cell_name, {b"r": f'"{cell.ref}"'.encode()}, value)
        text = self.texts.get(value)
        if text is None:
            text = self.texts[value] = xml_text(value).encode()
        name, prefix = self.cell_name, self.prefix
        return b'<%s r="%s" t="inlineStr"><%sis><%st xml:space="preserve">%s</%st></%sis></%s>' % (
            name,
            cell.ref.encode(),
            prefix,
            prefix,
            text,
            prefix,
            prefix,
            name,
        )

    def new_row(self, number: int, cells: list[_Wanted]) -> bytes:
        """A row the sheet does not have, with ``cells``; nothing if they are all empty."""
        inserted = b"".join(self.new_cell(cell) for cell in cells)
        if not inserted:
            return b""
        name = self.prefix + b"row"
        return b'<%s r="%d">%s</%s>' % (name, number, inserted, name)


def _spans_widened(tag: bytes, cells: list[_Wanted]) -> bytes:
    """The row's ``spans`` hint covering ``cells`` too, or dropped if it is not one range."""
    found = _SPANS.search(tag)
    if found is None:
        return tag
    key = (found.group(0), cells[0].column, cells[-1].column)
    spans = _SPANS_CACHE.get(key)
    if spans is None:
        hint = (found.group(1) if found.group(1) is not None else found.group(2)).strip()
        low, _, high = hint.partition(b":")
        spans = b""
        if low.isdigit() and high.isdigit():
            first, last = min(int(low), key[1]), max(int(high), key[2])
            spans = b' spans="%d:%d"' % (first, last)
        if len(_SPANS_CACHE) < 1000:
            _SPANS_CACHE[key] = spans
    return tag[: found.start()] + spans + tag[found.end() :]


def _widened(ref: bytes, written: list[tuple[int, int]]) -> bytes:
    """A ``<dimension>`` reference covering the cells ``written`` (row, column) too."""
    ends = ref.decode().split(":")
    if len(ends) > 2 or not all(_REF.fullmatch(end) for end in ends):
        return ref
    keys = [_split(end) for end in ends] + written
    top = min(row for row, _ in keys), min(column for _, column in keys)
    bottom = max(row for row, _ in keys), max(column for _, column in keys)
    first = f"{column_letter(top[1] - 1)}{top[0]}"
    last = f"{column_letter(bottom[1] - 1)}{bottom[0]}"
    return (first if first == last else f"{first}:{last}").encode()
