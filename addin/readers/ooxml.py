"""The small parts of an Excel 2007+ package the hybrid reader needs, read without openpyxl.

What: where a worksheet's XML lives (``_rels/.rels`` → workbook → its relationships), whether
the workbook counts dates from 1904, and the number format of each cell style
(``styles.xml``: ``cellXfs`` and ``numFmts``), with openpyxl's rules so both readers agree.

Why not openpyxl: ``load_workbook`` also loads the whole shared-string table, seconds on a
100,000-row file; these parts are a few kilobytes.

Safety: the file comes from a customer. Parts are parsed with the standard library's expat and
any document type declaration is refused, so no entity can be declared, let alone expanded
(no "billion laughs", no external entities). Package parts never carry one.
"""

from __future__ import annotations

import posixpath
import zipfile
from dataclasses import dataclass
from xml.parsers import expat

from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format

#: Start tags of a part: (local name, {attribute local name: value}).
Element = tuple[str, dict[str, str]]

_OFFICE_DOCUMENT = "/officeDocument"
_STYLES = "/styles"
_SHARED_STRINGS = "/sharedStrings"


class NotSure(Exception):
    """The hybrid reader cannot vouch for reading this file as openpyxl would; says why."""


def parse_part(data: bytes) -> list[Element]:
    """The start tags of a small XML part, namespaces dropped; refuses any DTD."""
    elements: list[Element] = []
    parser = expat.ParserCreate()

    def start(name: str, attributes: dict[str, str]) -> None:
        elements.append((_local(name), {_local(k): v for k, v in attributes.items()}))

    def refuse(*_: object) -> None:
        raise NotSure("une déclaration de type de document (DTD) dans le classeur")

    parser.StartElementHandler = start
    parser.StartDoctypeDeclHandler = refuse
    parser.EntityDeclHandler = refuse
    try:
        parser.Parse(data, True)
    except expat.ExpatError as error:
        raise NotSure(f"XML illisible ({error})") from None
    return elements


def parse_text(data: bytes) -> str:
    """The character data of a small XML fragment (entities and character references resolved)."""
    parts: list[str] = []
    parser = expat.ParserCreate()
    parser.CharacterDataHandler = parts.append

    def refuse(*_: object) -> None:
        raise NotSure("une déclaration de type de document (DTD) dans le classeur")

    parser.StartDoctypeDeclHandler = refuse
    try:
        parser.Parse(b"<x>" + data + b"</x>", True)
    except expat.ExpatError as error:
        raise NotSure(f"XML illisible ({error})") from None
    return "".join(parts)


def _local(name: str) -> str:
    return name.rpartition(":")[2]


@dataclass(frozen=True)
class Package:
    """Where the parts are, and what the workbook and styles say about reading numbers."""

    #: sheet name → path of its XML part in the archive
    sheet_paths: dict[str, str]
    shared_strings: str | None
    date1904: bool
    #: number format of each cell style (``s`` attribute), as openpyxl resolves it
    formats: list[str]

    def date_styles(self) -> set[int]:
        """Styles whose numbers openpyxl turns into dates, times or durations."""
        return {index for index, fmt in enumerate(self.formats) if is_date_format(fmt)}


def read_package(archive: zipfile.ZipFile) -> Package:
    workbook = _target(archive, "_rels/.rels", "", _OFFICE_DOCUMENT)
    if workbook is None:
        raise NotSure("aucun classeur principal dans l'archive")
    folder = posixpath.dirname(workbook)
    relations = _relations(archive, rels_path(workbook), folder)
    date1904 = False
    sheet_paths: dict[str, str] = {}
    for tag, attributes in parse_part(archive.read(workbook)):
        if tag == "workbookPr":
            date1904 = attributes.get("date1904", "0").lower() in ("1", "true")
        elif tag == "sheet":
            target = relations.get(attributes.get("id", ""))
            if target is not None:
                sheet_paths[attributes.get("name", "")] = target[1]
    styles = next((path for kind, path in relations.values() if kind.endswith(_STYLES)), None)
    strings = next(
        (path for kind, path in relations.values() if kind.endswith(_SHARED_STRINGS)), None
    )
    formats = _formats(archive.read(styles)) if styles and styles in archive.NameToInfo else []
    return Package(sheet_paths, strings, date1904, formats or ["General"])


def _formats(data: bytes) -> list[str]:
    """Number format per cell style: custom formats first, then built-ins, else "General"."""
    custom: dict[int, str] = {}
    styles: list[int] = []
    in_cell_xfs = False
    for tag, attributes in parse_part(data):
        if tag == "numFmt":
            custom[int(attributes.get("numFmtId", "0"))] = attributes.get("formatCode", "")
        elif tag == "cellXfs":
            in_cell_xfs = True
        elif tag in ("cellStyles", "dxfs", "cellStyleXfs"):
            in_cell_xfs = False
        elif tag == "xf" and in_cell_xfs:
            styles.append(int(attributes.get("numFmtId", "0")))
    return [custom.get(i) or BUILTIN_FORMATS.get(i, "General") for i in styles]


def rels_path(part: str) -> str:
    """``xl/workbook.xml`` → ``xl/_rels/workbook.xml.rels``: where a part's relationships are."""
    folder, name = posixpath.split(part)
    return posixpath.join(folder, "_rels", f"{name}.rels")


def resolve_target(folder: str, target: str) -> str:
    """A relationship target as a part name, from the folder of the part that points to it."""
    path = target.lstrip("/") if target.startswith("/") else posixpath.join(folder, target)
    return posixpath.normpath(path)


def _relations(archive: zipfile.ZipFile, rels: str, folder: str) -> dict[str, tuple[str, str]]:
    """Relationship id → (type, part path) of a part's ``.rels``."""
    if rels not in archive.NameToInfo:
        return {}
    found: dict[str, tuple[str, str]] = {}
    for tag, attributes in parse_part(archive.read(rels)):
        if tag == "Relationship" and attributes.get("TargetMode") != "External":
            found[attributes.get("Id", "")] = (
                attributes.get("Type", ""),
                resolve_target(folder, attributes.get("Target", "")),
            )
    return found


def _target(archive: zipfile.ZipFile, rels: str, folder: str, kind: str) -> str | None:
    for relation_type, path in _relations(archive, rels, folder).values():
        if relation_type.endswith(kind):
            return path
    return None
