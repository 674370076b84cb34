"""Edit an .xlsx/.xlsm package part by part, leaving every part we do not touch byte-identical.

Why not openpyxl's load-and-save: it drops charts, images, shapes, Excel 2010 data-validation
extensions and comment formatting, and rewrites every sheet (about 80 s for 100,000 rows). An
Office package is a zip of XML parts; adding a sheet or a note means adding parts and touching
a few small index parts (content types, workbook, relationships, styles) and the tail of one
sheet's XML (after ``</sheetData>``), with plain text edits that never re-serialise the XML,
so prefixes, ``mc:Ignorable`` declarations and extensions stay exactly as Excel wrote them.

Where to edit is found with expat (``xml_spans``), not with patterns of Excel's own spelling, and
what is inserted is written in the prefixes in scope there: producers declare namespaces where
they like (openpyxl and .NET writers on each ``<sheet>``, Tencent Office with an ``x:`` prefix),
and an element inserted with an unbound prefix makes the whole workbook unreadable.

Every sheet we add is named in a hidden defined name (``product_sheets.OWN_SHEET_NAME``), so
that only our sheets are ever rewritten or removed, never a user's sheet that has our name.
"""

from __future__ import annotations

import io
import posixpath
import re
import zipfile
import zlib
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import quoteattr, unescape

from addin.core.product_sheets import LEGACY_CELLS, OWN_SHEET_NAME, PRODUCT_SHEETS
from addin.errors import UnsupportedFileError, UsageError
from addin.files.xml_chars import xml_safe, xml_text
from addin.files.xml_spans import MAIN_NS, REL_NS, Span, find, first, fragment, spans
from addin.readers.ooxml import Element, NotSure, parse_part, parse_text, rels_path, resolve_target
from addin.readers.zip_bounds import check_directory

PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
CT_NS = "http://schemas.openxmlformats.org/package/2006/content-types"
WORKSHEET_TYPE = f"{REL_NS}/worksheet"
COMMENTS_TYPE = f"{REL_NS}/comments"
VML_TYPE = f"{REL_NS}/vmlDrawing"
WORKSHEET_CT = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
COMMENTS_CT = "application/vnd.openxmlformats-officedocument.spreadsheetml.comments+xml"
VML_CT = "application/vnd.openxmlformats-officedocument.vmlDrawing"
STYLES_TYPE = f"{REL_NS}/styles"
STYLES_CT = "application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"

_LOCAL_SHEET = re.compile(rb"""(\slocalSheetId\s*=\s*)(["'])\s*\d+\s*\2""")
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
        raise UnsupportedFileError(
            f"le classeur est endommagé ({part} : {exc})",
            en=f"the workbook is damaged ({part}: {exc})",
        ) from exc


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
        return cls._read(path, path.name)

    @classmethod
    def from_bytes(cls, data: bytes, name: str) -> XlsxPackage:
        """The package of a file already read into memory (``name`` is for messages)."""
        return cls._read(io.BytesIO(data), name)

    @classmethod
    def _read(cls, source: Path | io.BytesIO, name: str) -> XlsxPackage:
        try:
            with zipfile.ZipFile(source) as archive:
                # every part is held in memory: bounded first (a zip bomb is refused here)
                check_directory(archive, name)
                infos = {info.filename: info for info in archive.infolist()}
                parts = {part: archive.read(part) for part in infos}
        except (zipfile.BadZipFile, OSError, KeyError, zlib.error) as exc:
            raise UnsupportedFileError(
                f"« {name} » n'est pas un classeur Excel lisible ({exc})",
                en=f"“{name}” is not a readable Excel workbook ({exc})",
            ) from exc
        if "xl/workbook.xml" not in parts:
            raise UnsupportedFileError(
                f"« {name} » n'est pas un classeur Excel (.xlsx)",
                en=f"“{name}” is not an Excel workbook (.xlsx)",
            )
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
        found = spans(data, rels_part)
        used = {s.attributes.get("Id") for s in find(found, PKG_REL_NS, "Relationship")}
        number = 1
        while f"rIdCI{number}" in used:
            number += 1
        rel_id = f"rIdCI{number}"
        tag = (
            f'<Relationship Id="{rel_id}" Type="{rel_type}" Target={quoteattr(xml_safe(target))}/>'
        )
        self.write(
            rels_part, append_child(data, found[0], fragment(tag, PKG_REL_NS, found[0].scope))
        )
        return rel_id

    def remove_relationship(self, part: str, rel_id: str) -> None:
        rels_part = rels_path(part)
        data = self.parts[rels_part]
        found = find(spans(data, rels_part), PKG_REL_NS, "Relationship")
        ours = [s for s in found if s.attributes.get("Id") == rel_id]
        if len(ours) == len(found):
            self.remove(rels_part)
        else:
            self.write(rels_part, remove_spans(data, ours))

    def add_override(self, part: str, content_type: str) -> None:
        data = self.parts["[Content_Types].xml"]
        found = spans(data, "[Content_Types].xml")
        name = f"/{part}".casefold()
        if any(s.attributes.get("PartName", "").casefold() == name for s in found):
            return
        tag = f'<Override PartName="/{part}" ContentType="{content_type}"/>'
        new = append_child(data, found[0], fragment(tag, CT_NS, found[0].scope))
        self.write("[Content_Types].xml", new)

    def remove_override(self, part: str) -> None:
        data = self.parts["[Content_Types].xml"]
        name = f"/{part}".casefold()
        ours = [
            s
            for s in find(spans(data, "[Content_Types].xml"), CT_NS, "Override")
            if s.attributes.get("PartName", "").casefold() == name
        ]
        if ours:
            self.write("[Content_Types].xml", remove_spans(data, ours))

    def new_part_name(self, pattern: str) -> str:
        """``xl/worksheets/sheet{n}.xml`` → the first name not taken."""
        number = 1
        while pattern.format(n=number) in self.parts:
            number += 1
        return pattern.format(n=number)

    def add_sheet(self, name: str, xml: bytes, *, state: str = "visible") -> SheetEntry:
        """Append a worksheet after the others (indexes of existing sheets do not move).

        A sheet of the same name (Excel compares names without case) is never replaced: the
        user is told, and nothing is written.
        """
        self.refuse_taken(name)
        part = self.new_part_name("xl/worksheets/sheet{n}.xml")
        self.write(part, xml)
        self.add_override(part, WORKSHEET_CT)
        rel_id = self.add_relationship("xl/workbook.xml", WORKSHEET_TYPE, part[3:])
        workbook = self.parts["xl/workbook.xml"]
        sheet_id = max((entry.sheet_id for entry in self.sheets()), default=0) + 1
        state_attr = "" if state == "visible" else f' state="{state}"'
        spelled = quoteattr(xml_safe(name))
        tag = f'<sheet name={spelled} sheetId="{sheet_id}"{state_attr} r:id="{rel_id}"/>'
        holder = first(spans(workbook, "xl/workbook.xml"), MAIN_NS, "sheets")
        if holder is None:
            raise UnsupportedFileError(
                "le classeur est endommagé (xl/workbook.xml sans feuilles)",
                en="the workbook is damaged (xl/workbook.xml without sheets)",
            )
        self.write(
            "xl/workbook.xml", append_child(workbook, holder, fragment(tag, MAIN_NS, holder.scope))
        )
        self._name_own_sheet(name)
        return SheetEntry(name, sheet_id, rel_id, state, part)

    def refuse_taken(self, name: str) -> None:
        """Refuse, in the user's words, a sheet ``name`` where the workbook already has one
        (Excel compares names without case): called before anything is drawn, so a refusal
        leaves nothing half done."""
        taken = next((e.name for e in self.sheets() if e.name.casefold() == name.casefold()), None)
        if taken is not None:
            raise UsageError(
                f"le classeur a déjà une feuille « {taken} » qui n'a pas été ajoutée par "
                "client-import : renommez-la (clic droit sur l'onglet, Renommer), enregistrez "
                "le classeur, puis recommencez",
                en=(
                    f"the workbook already has a sheet “{taken}” that was not added by "
                    "client-import: rename it (right-click on the tab, Rename), save "
                    "the workbook, then try again"
                ),
            )

    def remove_sheet(self, entry: SheetEntry) -> None:
        workbook = self.parts["xl/workbook.xml"]
        sheets = find(spans(workbook, "xl/workbook.xml"), MAIN_NS, "sheet")
        ours = [s for s in sheets if s.attributes.get("name") == entry.name]
        if ours:
            index = sheets.index(ours[0])
            workbook = self._forget_sheet(remove_spans(workbook, ours), index, entry.name)
        self.write("xl/workbook.xml", workbook)
        self.remove_relationship("xl/workbook.xml", entry.rel_id)
        self.remove_override(entry.part)
        self.remove(entry.part)
        self.drop_related(entry.part)

    def drop_related(self, part: str) -> None:
        """Remove ``part``'s relationships and every part they point to (a sheet's tables,
        drawings, notes, their VML; a drawing's charts and images, recursively), with their
        content-type overrides, unless another part's relationships still point to it.

        Why: a part left behind with no relationship to it is an orphan that Excel keeps
        carrying (and a table's name stays taken: a new table of that name makes Excel repair
        the file); a part still used elsewhere (an image two drawings show, a pivot cache the
        workbook holds) must stay.
        """
        pending = [part]
        seen: set[str] = set()
        while pending:
            source = pending.pop()
            if source in seen:
                continue
            seen.add(source)
            targets = {r.target for r in self.relationships(source)}
            if rels_path(source) in self.parts:
                self.remove(rels_path(source))
                self.remove_override(rels_path(source))  # LibreOffice lists .rels parts too
            if not targets:
                continue
            still_used = self._relationship_targets()
            for target in sorted(targets - still_used):
                if target in self.parts:
                    pending.append(target)
                    self.remove(target)
                    self.remove_override(target)

    def _relationship_targets(self) -> set[str]:
        """Every part some relationship of the package points to."""
        used: set[str] = set()
        for rels_part in [p for p in self.parts if p.endswith(".rels")]:
            folder = posixpath.dirname(posixpath.dirname(rels_part))
            source = posixpath.join(folder, posixpath.basename(rels_part)[: -len(".rels")])
            used.update(r.target for r in self.relationships(source))
        return used

    def cell_text(self, part: str, ref: str) -> str | None:
        """The text of cell ``ref`` of a small sheet of ours: inline as we write it, or shared
        once Excel or LibreOffice re-saved it; ``None`` if the cell holds no text."""
        data = self.parts.get(part, b"")
        tag = re.search(
            rb"""<(?:[\w.-]+:)?c\b[^>]*?\sr\s*=\s*["']""" + ref.encode() + rb"""["'][^>]*>""", data
        )
        if tag is None or tag.group(0).endswith(b"/>"):
            return None
        end = re.compile(rb"</(?:[\w.-]+:)?c>").search(data, tag.end())
        body = data[tag.end() : end.start() if end else len(data)]
        kind = re.search(rb"""\st\s*=\s*["'](\w+)["']""", tag.group(0))
        if kind and kind.group(1) == b"s":
            value = re.search(rb"<(?:[\w.-]+:)?v>\s*(\d+)\s*</", body)
            items = self._shared_strings()
            if value is None or int(value.group(1)) >= len(items):
                return None
            body = items[int(value.group(1))]
        elif not kind or kind.group(1) not in (b"inlineStr", b"str"):
            return None
        pieces = re.findall(rb"<(?:[\w.-]+:)?t(?:\s[^>]*)?>(.*?)</(?:[\w.-]+:)?t>", body, re.S)
        if not pieces and kind and kind.group(1) == b"str":
            pieces = re.findall(rb"<(?:[\w.-]+:)?v>(.*?)</", body, re.S)
        try:
            return parse_text(b"".join(pieces))
        except NotSure:
            return None

    def _shared_strings(self) -> list[bytes]:
        rels = self.relationships("xl/workbook.xml")
        part = next((r.target for r in rels if r.type.endswith("/sharedStrings")), None)
        data = self.parts.get(part or "xl/sharedStrings.xml", b"")
        return re.findall(rb"<(?:[\w.-]+:)?si>(.*?)</(?:[\w.-]+:)?si>", data, re.S)

    def is_own(self, entry: SheetEntry) -> bool:
        """Whether ``entry`` is a sheet client-import wrote (its owner mark, or for a sheet
        written before the mark existed, how it begins), not a user's sheet of that name."""
        if not entry.part:
            return False
        owned = self._own_sheet_names()
        if entry.name in owned:
            return True
        if entry.name not in PRODUCT_SHEETS or owned:
            return False
        cells = LEGACY_CELLS.get(entry.name)
        if cells is None:  # a sheet of ours that never existed without its owner mark
            return False
        return all(
            (self.cell_text(entry.part, ref) or "").startswith(beginnings)
            for ref, beginnings in cells.items()
        )

    def _own_sheet_names(self) -> set[str]:
        """The sheets our defined names (``product_sheets.OWN_SHEET_NAME``) refer to."""
        data = self.parts["xl/workbook.xml"]
        found = set()
        for span in find(spans(data, "xl/workbook.xml"), MAIN_NS, "definedName"):
            if span.attributes.get("name", "").startswith(OWN_SHEET_NAME):
                try:
                    found.add(_sheet_of(parse_text(data[span.open_end : span.close])))
                except NotSure:
                    continue
        return found - {""}

    def _name_own_sheet(self, sheet: str) -> None:
        """Add the defined name that says ``sheet`` is ours."""
        workbook = self.parts["xl/workbook.xml"]
        found = spans(workbook, "xl/workbook.xml")
        taken = {s.attributes.get("name", "") for s in find(found, MAIN_NS, "definedName")}
        number = 1
        while f"{OWN_SHEET_NAME}{number}" in taken:
            number += 1
        name = (
            f'<definedName name="{OWN_SHEET_NAME}{number}" hidden="1">'
            f"{xml_text(quote_sheet(sheet))}!$A$1</definedName>"
        )
        holder = first(found, MAIN_NS, "definedNames")
        if holder is not None:
            xml = fragment(name, MAIN_NS, holder.scope).encode()
            if holder.end == holder.open_end:  # <definedNames/>: opened reversibly (see below)
                tag = workbook[holder.start : holder.open_end]
                qname = tag[1:].split(b"/")[0].split()[0]
                xml = tag[:-2] + b" >" + xml + b"</" + qname + b">"
                workbook = workbook[: holder.start] + xml + workbook[holder.end :]
            else:
                workbook = workbook[: holder.close] + xml + workbook[holder.close :]
            self.write("xl/workbook.xml", workbook)
            return
        root = found[0]
        # schema order: sheets, functionGroups, externalReferences, then definedNames
        after = max(
            (
                s.end
                for s in found
                if s.depth == 1
                and s.namespace == MAIN_NS
                and s.name in ("sheets", "functionGroups", "externalReferences")
            ),
            default=root.close,
        )
        block = fragment(f"<definedNames>{name}</definedNames>", MAIN_NS, root.scope)
        self.write("xl/workbook.xml", workbook[:after] + block.encode() + workbook[after:])

    def _forget_sheet(self, workbook: bytes, index: int, sheet: str) -> bytes:
        """``workbook`` without the defined names of the sheet at ``index`` (ours, and those
        local to it, such as the filter range Excel adds to our report); the local names of
        the sheets after it move down one place. A ``<definedNames>`` left empty goes back to
        what it was: absent if we added it, ``<definedNames/>`` as the producer wrote it."""
        found = spans(workbook, "xl/workbook.xml")
        holder = first(found, MAIN_NS, "definedNames")
        if holder is None:
            return workbook
        names = find(found, MAIN_NS, "definedName")
        dropped = []
        for span in names:
            local = span.attributes.get("localSheetId")
            if local is not None and local.strip() == str(index):
                dropped.append(span)
            elif span.attributes.get("name", "").startswith(OWN_SHEET_NAME):
                try:
                    if _sheet_of(parse_text(workbook[span.open_end : span.close])) == sheet:
                        dropped.append(span)
                except NotSure:
                    continue
        moved = [
            s
            for s in names
            if s not in dropped
            and s.attributes.get("localSheetId", "").strip().isdigit()
            and int(s.attributes["localSheetId"]) > index
        ]
        edits: list[tuple[int, int, bytes]] = [(s.start, s.end, b"") for s in dropped]
        for span in moved:
            tag = workbook[span.start : span.open_end]
            number = int(span.attributes["localSheetId"]) - 1
            new_tag = _LOCAL_SHEET.sub(rb'\g<1>"%d"' % number, tag)
            edits.append((span.start, span.open_end, new_tag))
        if dropped and len(dropped) == len(names):
            tag = workbook[holder.start : holder.open_end]
            if tag.endswith(b" >"):
                edits = [(holder.start, holder.end, tag[:-2] + b"/>")]
            else:
                edits = [(holder.start, holder.end, b"")]
        for start, end, data in sorted(edits, reverse=True):
            workbook = workbook[:start] + data + workbook[end:]
        return workbook

    def put_own_sheet(self, name: str, xml: bytes, *, other_names: Collection[str]) -> str:
        """Our sheet ``name`` (a mapping, a history) holding ``xml``: rewritten where it
        stands when present, so the sheets' order and indexes do not move, else appended; our
        sheets of ``other_names`` (the same sheet in the other language) are removed. A user's
        sheet of one of those names is never touched (:meth:`add_sheet` says so). Returns the
        sheet's part."""
        ours = [
            e for e in self.sheets() if (e.name == name or e.name in other_names) and self.is_own(e)
        ]
        same = next((e for e in ours if e.name == name and e.part), None)
        for entry in ours:
            if entry is not same:
                self.remove_sheet(entry)
        if same is None:
            return self.add_sheet(name, xml).part
        self.write(same.part, xml)
        # what Excel or LibreOffice attached to the old sheet (printer settings, our table...)
        # is not referenced by ours: its relationships go with it, and the parts only they used
        self.drop_related(same.part)
        return same.part

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


def is_own_sheet(path: Path, name: str) -> bool:
    """Whether sheet ``name`` of the workbook at ``path`` is one client-import wrote (see
    :meth:`XlsxPackage.is_own`), reading only the index parts and, for a sheet written before
    the owner names existed, that sheet: for the readers, which must not take a user's sheet
    that has one of our names for ours."""
    try:
        with zipfile.ZipFile(path) as archive:
            present = set(archive.namelist())
            index = ("xl/workbook.xml", "xl/_rels/workbook.xml.rels")
            package = XlsxPackage({n: archive.read(n) for n in index if n in present}, {})
            entry = next((e for e in package.sheets() if e.name == name), None)
            if entry is None:
                return False
            if name in package._own_sheet_names():
                return True
            strings = [r.target for r in package.relationships("xl/workbook.xml")]
            for part in (entry.part, *[t for t in strings if t.endswith("sharedStrings.xml")]):
                if part in present:
                    package.parts[part] = archive.read(part)
            return package.is_own(entry)
    except (zipfile.BadZipFile, OSError, KeyError):
        return False


def quote_sheet(name: str) -> str:
    """A sheet name as a formula or a defined name writes it: ``'It''s'`` (always quoted)."""
    return "'" + name.replace("'", "''") + "'"


def _sheet_of(reference: str) -> str:
    """``'It''s'!$A$1`` → ``It's``; ``Data!A1`` → ``Data``; ``#REF!`` → ``""``."""
    reference = reference.strip().lstrip("=")
    if reference.startswith("'"):
        match = re.match(r"'((?:[^']|'')*)'!", reference)
        return match.group(1).replace("''", "'") if match else ""
    sheet, bang, _cell = reference.partition("!")
    return sheet if bang and sheet != "#REF" else ""


def relative(source: str, part: str) -> str:
    return posixpath.relpath(part, posixpath.dirname(source))


def append_child(data: bytes, parent: Span, child: str) -> bytes:
    """``child`` (already in the prefixes in scope) added as the last child of ``parent``;
    a ``<parent/>`` written empty is opened for it."""
    encoded = child.encode()
    if parent.end != parent.open_end:
        return data[: parent.close] + encoded + data[parent.close :]
    tag = data[parent.start : parent.open_end]
    qname = re.match(rb"<([^\s/>]+)", tag)
    assert qname is not None
    opened = tag[:-2].rstrip() + b">"
    return (
        data[: parent.start] + opened + encoded + b"</" + qname.group(1) + b">" + data[parent.end :]
    )


def remove_spans(data: bytes, removed: Iterable[Span]) -> bytes:
    """``data`` without the elements ``removed`` (and nothing else)."""
    out = data
    for span in sorted(removed, key=lambda s: s.start, reverse=True):
        out = out[: span.start] + out[span.end :]
    return out
