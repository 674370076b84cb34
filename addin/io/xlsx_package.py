"""Edit an .xlsx/.xlsm package part by part, leaving every part we do not touch byte-identical.

Why not openpyxl's load-and-save: it drops charts, images, shapes, Excel 2010 data-validation
extensions and comment formatting, and rewrites every sheet (about 80 s for 100,000 rows). An
Office package is a zip of XML parts; adding a sheet or a note means adding parts and touching
a few small index parts (content types, workbook, relationships, styles) and the tail of one
sheet's XML (after ``</sheetData>``), with plain text edits that never re-serialise the XML,
so prefixes, ``mc:Ignorable`` declarations and extensions stay exactly as Excel wrote them.
"""

from __future__ import annotations

import posixpath
import re
import zipfile
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr, unescape

from addin.errors import UnsupportedFileError
from addin.io.ooxml import Element, NotSure, parse_part, rels_path, resolve_target

REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
WORKSHEET_TYPE = f"{REL_NS}/worksheet"
COMMENTS_TYPE = f"{REL_NS}/comments"
VML_TYPE = f"{REL_NS}/vmlDrawing"
WORKSHEET_CT = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
COMMENTS_CT = "application/vnd.openxmlformats-officedocument.spreadsheetml.comments+xml"
VML_CT = "application/vnd.openxmlformats-officedocument.vmlDrawing"

_SHEET = re.compile(rb"<sheet\b[^>]*/>")
_REL = re.compile(rb"<Relationship\b[^>]*/>")
_ATTR = re.compile(rb'([\w:]+)="([^"]*)"')


def attributes(tag: bytes) -> dict[str, str]:
    """The attributes of one start tag found by a regular expression (names as written)."""
    return {k.decode(): unescape(v.decode(), _QUOTES) for k, v in _ATTR.findall(tag)}


_QUOTES = {"&quot;": '"', "&apos;": "'"}


def _parsed(data: bytes, part: str) -> list[Element]:
    """Start tags of a small part through ``ooxml.parse_part`` (expat, no DTD)."""
    try:
        return parse_part(data)
    except NotSure as exc:
        raise UnsupportedFileError(f"le classeur est endommagé ({part} : {exc})") from exc


@dataclass(frozen=True, slots=True)
class SheetEntry:
    name: str
    sheet_id: int
    rel_id: str
    state: str
    part: str  # "xl/worksheets/sheet1.xml"


@dataclass(frozen=True, slots=True)
class Relationship:
    rel_id: str
    type: str
    target: str  # the part it points to, resolved


@dataclass
class XlsxPackage:
    """The parts of one workbook, in their zip order, editable in memory."""

    parts: dict[str, bytes]
    infos: dict[str, zipfile.ZipInfo]

    # --- reading ----------------------------------------------------------------------------

    @classmethod
    def open(cls, path: Path) -> XlsxPackage:
        try:
            with zipfile.ZipFile(path) as archive:
                infos = {info.filename: info for info in archive.infolist()}
                parts = {name: archive.read(name) for name in infos}
        except (zipfile.BadZipFile, OSError, KeyError) as exc:
            raise UnsupportedFileError(
                f"« {path.name} » n'est pas un classeur Excel lisible ({exc})"
            ) from exc
        if "xl/workbook.xml" not in parts:
            raise UnsupportedFileError(f"« {path.name} » n'est pas un classeur Excel (.xlsx)")
        return cls(parts, infos)

    def read(self, part: str) -> bytes:
        return self.parts[part]

    def write(self, part: str, data: bytes) -> None:
        self.parts[part] = data

    def remove(self, part: str) -> None:
        self.parts.pop(part, None)

    def sheets(self) -> list[SheetEntry]:
        """The workbook's sheets in order, with their part names."""
        rels = {r.rel_id: r for r in self.relationships("xl/workbook.xml")}
        out = []
        for tag, attrs in _parsed(self.parts["xl/workbook.xml"], "xl/workbook.xml"):
            if tag != "sheet":
                continue
            rel_id = attrs.get("id", "")
            rel = rels.get(rel_id)
            out.append(
                SheetEntry(
                    name=attrs.get("name", ""),
                    sheet_id=int(attrs.get("sheetId", "0")),
                    rel_id=rel_id,
                    state=attrs.get("state", "visible"),
                    part=rel.target if rel else "",
                )
            )
        return out

    def sheet(self, name: str) -> SheetEntry:
        for entry in self.sheets():
            if entry.name == name:
                return entry
        raise KeyError(name)

    def relationships(self, part: str) -> list[Relationship]:
        """Internal relationships of ``part``, targets resolved to part names."""
        rels_part = rels_path(part)
        if rels_part not in self.parts:
            return []
        folder = posixpath.dirname(part)
        return [
            Relationship(attrs["Id"], attrs["Type"], resolve_target(folder, attrs["Target"]))
            for tag, attrs in _parsed(self.parts[rels_part], rels_part)
            if tag == "Relationship" and attrs.get("TargetMode") != "External"
        ]

    # --- editing the index parts --------------------------------------------------------------

    def add_relationship(self, part: str, rel_type: str, target: str) -> str:
        """Add a relationship from ``part``; returns its new id."""
        rels_part = rels_path(part)
        data = self.parts.get(rels_part) or (
            b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
            b'relationships"></Relationships>'
        )
        used = set(re.findall(r'Id="([^"]*)"', data.decode()))
        number = 1
        while f"rIdCI{number}" in used:
            number += 1
        rel_id = f"rIdCI{number}"
        tag = f'<Relationship Id="{rel_id}" Type="{rel_type}" Target={quoteattr(target)}/>'
        self.write(rels_part, _insert_before(data, b"</Relationships>", tag.encode()))
        return rel_id

    def remove_relationship(self, part: str, rel_id: str) -> None:
        rels_part = rels_path(part)
        data = self.parts[rels_part]
        for tag in _REL.findall(data):
            if attributes(tag).get("Id") == rel_id:
                data = data.replace(tag, b"", 1)
        if not _REL.search(data):
            self.remove(rels_part)
        else:
            self.write(rels_part, data)

    def add_override(self, part: str, content_type: str) -> None:
        data = self.parts["[Content_Types].xml"]
        tag = f'<Override PartName="/{part}" ContentType="{content_type}"/>'.encode()
        if tag not in data:
            self.write("[Content_Types].xml", _insert_before(data, b"</Types>", tag))

    def remove_override(self, part: str) -> None:
        data = self.parts["[Content_Types].xml"]
        pattern = rb'<Override\b[^>]*PartName="/' + re.escape(part.encode()) + rb'"[^>]*/>'
        self.write("[Content_Types].xml", re.sub(pattern, b"", data))

    def new_part_name(self, pattern: str) -> str:
        """``xl/worksheets/sheet{n}.xml`` → the first name not taken."""
        number = 1
        while pattern.format(n=number) in self.parts:
            number += 1
        return pattern.format(n=number)

    def add_sheet(self, name: str, xml: bytes, *, state: str = "visible") -> SheetEntry:
        """Append a worksheet after the others (indexes of existing sheets do not move)."""
        part = self.new_part_name("xl/worksheets/sheet{n}.xml")
        self.write(part, xml)
        self.add_override(part, WORKSHEET_CT)
        rel_id = self.add_relationship("xl/workbook.xml", WORKSHEET_TYPE, part[3:])
        workbook = self.parts["xl/workbook.xml"]
        sheet_id = max((entry.sheet_id for entry in self.sheets()), default=0) + 1
        state_attr = "" if state == "visible" else f' state="{state}"'
        prefix = relationship_prefix(workbook) or "r"
        tag = (
            f'<sheet name={quoteattr(name)} sheetId="{sheet_id}"{state_attr} '
            f'{prefix}:id="{rel_id}"/>'
        )
        self.write(
            "xl/workbook.xml", _insert_before(workbook, _close(workbook, b"sheets"), tag.encode())
        )
        return SheetEntry(name, sheet_id, rel_id, state, part)

    def remove_sheet(self, entry: SheetEntry) -> None:
        workbook = self.parts["xl/workbook.xml"]
        for tag in _SHEET.findall(workbook):
            if attributes(tag).get("name") == entry.name:
                workbook = workbook.replace(tag, b"", 1)
        self.write("xl/workbook.xml", workbook)
        self.remove_relationship("xl/workbook.xml", entry.rel_id)
        self.remove_override(entry.part)
        self.remove(entry.part)
        self.remove(rels_path(entry.part))

    def put_own_sheet(self, name: str, xml: bytes, *, other_names: Collection[str]) -> None:
        """Our sheet ``name`` (a mapping, a history) holding ``xml``: rewritten where it
        stands when present, so the sheets' order and indexes do not move, else appended; our
        sheets of ``other_names`` (the same sheet in the other language) are removed."""
        ours = [e for e in self.sheets() if e.name == name or e.name in other_names]
        same = next((e for e in ours if e.name == name and e.part), None)
        for entry in ours:
            if entry is not same:
                self.remove_sheet(entry)
        if same is None:
            self.add_sheet(name, xml)
            return
        self.write(same.part, xml)
        # what Excel or LibreOffice attached to the old sheet (printer settings...) is not
        # referenced by ours: its relationships go with it
        self.remove(rels_path(same.part))

    # --- saving ---------------------------------------------------------------------------

    def save(self, path: Path) -> None:
        """Write every part; untouched ones keep their bytes (and their zip settings)."""
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
            for name, data in self.parts.items():
                info = self.infos.get(name)
                if info is None:
                    info = zipfile.ZipInfo(name, date_time=(2024, 1, 1, 0, 0, 0))
                    info.compress_type = zipfile.ZIP_DEFLATED
                archive.writestr(info, data)


def relative(source: str, part: str) -> str:
    return posixpath.relpath(part, posixpath.dirname(source))


def _close(data: bytes, local: bytes) -> bytes:
    """The closing tag of ``local`` as written in ``data`` (with or without a prefix)."""
    match = re.search(rb"</(?:\w+:)?" + local + rb">", data)
    if match is None:
        raise ValueError(f"no </{local.decode()}> in the part")
    return match.group(0)


def relationship_prefix(data: bytes) -> str | None:
    """The prefix a part declares for the relationships namespace (``r``), if it declares one."""
    match = re.search(rb'xmlns:(\w+)="' + re.escape(REL_NS.encode()) + rb'"', data[:4000])
    return match.group(1).decode() if match else None


def _insert_before(data: bytes, marker: bytes, text: bytes) -> bytes:
    index = data.rindex(marker)
    return data[:index] + text + data[index:]


def xml_text(value: str) -> str:
    """Text for an XML element: escaped, and without the control characters XML forbids."""
    return escape(_CONTROL.sub("", value))


#: Control characters XML 1.0 forbids (tab, line feed and carriage return are allowed).
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")
