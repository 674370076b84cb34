"""Rewrite a few cells of a worksheet's XML and leave every other byte as it was.

Why not openpyxl: loading and saving a workbook rewrites every part and drops what openpyxl
does not model (charts, shapes, x14 validations); a fix touches a few hundred cells out of
millions. Each rewritten cell keeps its attributes (its style above all) and gets an inline
string, which Excel and LibreOffice read like any other text; the shared-string table is left
alone, so no other cell can change.

Cells are found by their ``r`` attribute, which Excel, LibreOffice and openpyxl always write;
a sheet written without it cannot be edited this way and is refused with a clear message.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from addin.core.table import CellValue
from addin.errors import InputError
from addin.io.xlsx_package import xml_text

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
    needle = f'r="{ref}"'.encode()
    at = position
    while True:
        at = sheet.find(needle, at)
        if at < 0:
            raise InputError(
                f"la cellule {ref} de la feuille « {sheet_name} » est introuvable dans le fichier "
                "(il a peut-être été produit par un outil qui n'écrit pas les références des "
                "cellules) : ouvrez-le dans Excel, enregistrez-le, puis recommencez"
            )
        start = sheet.rfind(b"<", 0, at)
        tag = _CELL_TAG.match(sheet, start)
        if tag is not None and tag.end() > at and sheet[at - 1 : at].isspace():
            break
        at += len(needle)
    name = tag.group(1)
    attributes = _attributes(tag.group(0))
    if tag.group(0).endswith(b"/>"):
        return start, tag.end(), name, attributes
    close = sheet.find(b"</" + name + b">", tag.end())
    if close < 0:
        raise InputError(f"la cellule {ref} de la feuille « {sheet_name} » est mal formée")
    if _FORMULA.search(sheet, tag.end(), close):
        raise ValueError(f"{ref} holds a formula: it must not be written")
    return start, close + len(name) + 3, name, attributes


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
