"""The parts of the .xlam that pyOpenVBA knows nothing of: the ribbon, the config sheet, the
platforms sheet.

The package is held as ``{part name: bytes}`` in the zip's order. Edits are insertions and
replacements at the exact bytes of the elements found by ``files.xml_spans`` (namespace-aware,
whatever the prefixes), so every other byte of xlwings' template stays as Excel wrote it.

The two sheets are ours whole, so they are written whole, with inline strings (no shared
strings table to keep in step):

- the config sheet, ``client_import.conf``: xlwings' custom add-in reads its settings from a
  sheet named ``PROJECT_NAME & ".conf"`` in the add-in (``GetConfigFromSheet``: keys in column
  A from A1 down without a gap, values in B). The template ships it disabled as
  ``_myaddin.conf``; it is renamed and rewritten;
- the platforms sheet, ``client_import.platforms``: one row per profile, id in A, label in B,
  read by the ribbon's dropDown (``vba/Ribbon.bas``).
"""

from __future__ import annotations

from collections.abc import Sequence
from posixpath import dirname, join, normpath
from xml.sax.saxutils import escape, quoteattr

from addin.errors import AddinBuildError
from addin.files.xml_spans import MAIN_NS, REL_NS, Span, find, first, fragment, spans

Parts = dict[str, bytes]
#: A config value: text, or a boolean (xlwings' template stores its flags as booleans).
ConfigValue = str | bool

CONTENT_TYPES = "[Content_Types].xml"
PACKAGE_RELS = "_rels/.rels"
WORKBOOK = "xl/workbook.xml"
WORKBOOK_RELS = "xl/_rels/workbook.xml.rels"
ADDIN_CONTENT_TYPE = "application/vnd.ms-excel.addin.macroEnabled.main+xml"
WORKSHEET_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
WORKSHEET_TYPE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet"
TYPES_NS = "http://schemas.openxmlformats.org/package/2006/content-types"
PACKAGE_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"


def workbook_content_type(parts: Parts) -> str:
    """The content type of ``xl/workbook.xml``: what makes the package an add-in for Excel."""
    found = spans(parts[CONTENT_TYPES], CONTENT_TYPES)
    for span in find(found, TYPES_NS, "Override"):
        if span.attributes.get("PartName") == "/" + WORKBOOK:
            return span.attributes.get("ContentType", "")
    return ""


def put_ribbon(
    parts: Parts, part: str, xml: bytes, relationship_type: str, old: Sequence[str]
) -> None:
    """The ribbon part at ``part`` and one relationship to it; ribbons of types ``old`` gone."""
    data = parts[PACKAGE_RELS]
    found = spans(data, PACKAGE_RELS)
    relations = find(found, PACKAGE_REL_NS, "Relationship")
    for span in sorted(relations, key=lambda s: s.start, reverse=True):
        if span.attributes.get("Type") in (*old, relationship_type):
            parts.pop(normpath(span.attributes.get("Target", "").lstrip("/")), None)
            data = data[: span.start] + data[span.end :]
    rel_id = _free_id(relations, "rIdRibbon")
    data = _append(
        data,
        PACKAGE_RELS,
        PACKAGE_REL_NS,
        "Relationship",
        f'<Relationship Id="{rel_id}" Type="{relationship_type}" Target="{part}"/>',
    )
    parts[PACKAGE_RELS] = data
    parts[part] = xml


def write_config_sheet(
    parts: Parts, old_name: str, name: str, rows: Sequence[tuple[str, ConfigValue]]
) -> None:
    """Rename the template's sheet ``old_name`` to ``name`` and make ``rows`` its whole content."""
    data = parts[WORKBOOK]
    sheet = _sheet(data, old_name)
    if sheet is None:
        raise AddinBuildError(
            f"le modèle de xlwings n'a pas la feuille « {old_name} »",
            en=f"xlwings' template has no sheet “{old_name}”",
        )
    tag = data[sheet.start : sheet.open_end]
    renamed = tag.replace(quoteattr(old_name).encode(), quoteattr(name).encode(), 1)
    if renamed == tag:
        raise AddinBuildError(
            f"le modèle de xlwings écrit le nom de « {old_name} » autrement",
            en=f"xlwings' template writes the name of “{old_name}” differently",
        )
    parts[WORKBOOK] = data[: sheet.start] + renamed + data[sheet.open_end :]
    part = _sheet_part(parts, sheet)
    parts[part] = sheet_xml(rows, _sheet_properties(parts[part], part))


def _sheet_properties(sheet: bytes, part: str) -> str:
    """The sheet's ``<sheetPr>`` as it is: its ``codeName`` ties it to its VBA module."""
    found = spans(sheet, part)
    span = first(found, MAIN_NS, "sheetPr")
    if span is None or span.depth != 1:
        return ""
    return fragment_of(sheet[span.start : span.end].decode("utf-8"), span)


def fragment_of(xml: str, span: Span) -> str:
    """An element cut from a part, rewritten for a part whose default namespace is ``MAIN_NS``."""
    if span.scope.get("") == MAIN_NS:
        return xml
    raise AddinBuildError(
        "le modèle de xlwings : la feuille de réglages n'est pas comme attendu",
        en="xlwings' template: the settings sheet is not as expected",
    )


def add_sheet(parts: Parts, name: str, rows: Sequence[tuple[str, ConfigValue]]) -> str:
    """A new worksheet ``name`` holding ``rows``; returns its part name."""
    if _sheet(parts[WORKBOOK], name) is not None:
        raise AddinBuildError(
            f"le modèle de xlwings a déjà une feuille « {name} »",
            en=f"xlwings' template already has a sheet “{name}”",
        )
    number = 1
    while f"xl/worksheets/sheet{number}.xml" in parts:
        number += 1
    part = f"xl/worksheets/sheet{number}.xml"
    parts[part] = sheet_xml(rows)
    rels = parts[WORKBOOK_RELS]
    rel_id = _free_id(find(spans(rels, WORKBOOK_RELS), PACKAGE_REL_NS, "Relationship"), "rIdCi")
    target = part.removeprefix("xl/")
    parts[WORKBOOK_RELS] = _append(
        rels,
        WORKBOOK_RELS,
        PACKAGE_REL_NS,
        "Relationship",
        f'<Relationship Id="{rel_id}" Type="{WORKSHEET_TYPE}" Target="{target}"/>',
    )
    workbook = parts[WORKBOOK]
    found = spans(workbook, WORKBOOK)
    sheets = find(found, MAIN_NS, "sheets")
    if not sheets:
        raise AddinBuildError(
            "le modèle de xlwings n'a pas de liste de feuilles",
            en="xlwings' template has no list of sheets",
        )
    used = [int(s.attributes.get("sheetId", "0")) for s in find(found, MAIN_NS, "sheet")]
    sheet = fragment(
        f'<sheet name={quoteattr(name)} sheetId="{max(used, default=0) + 1}" r:id="{rel_id}"/>',
        MAIN_NS,
        sheets[0].scope,
    )
    parts[WORKBOOK] = workbook[: sheets[0].close] + sheet.encode() + workbook[sheets[0].close :]
    parts[CONTENT_TYPES] = _append(
        parts[CONTENT_TYPES],
        CONTENT_TYPES,
        TYPES_NS,
        "Override",
        f'<Override PartName="/{part}" ContentType="{WORKSHEET_CONTENT_TYPE}"/>',
    )
    return part


def sheet_xml(rows: Sequence[tuple[str, ConfigValue]], properties: str = "") -> bytes:
    """A worksheet of two columns: A the key (text), B the value (text or boolean)."""
    out = [
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>',
        f'<worksheet xmlns="{MAIN_NS}" xmlns:r="{REL_NS}">{properties}',
        '<cols><col min="1" max="1" width="28" customWidth="1"/>'
        '<col min="2" max="2" width="60" customWidth="1"/></cols><sheetData>',
    ]
    for number, (key, value) in enumerate(rows, start=1):
        cells = [_text_cell(f"A{number}", key)]
        if isinstance(value, bool):
            cells.append(f'<c r="B{number}" t="b"><v>{int(value)}</v></c>')
        elif value:
            cells.append(_text_cell(f"B{number}", value))
        out.append(f'<row r="{number}">{"".join(cells)}</row>')
    out.append("</sheetData></worksheet>")
    return "".join(out).encode("utf-8")


def _text_cell(ref: str, text: str) -> str:
    space = ' xml:space="preserve"' if text != text.strip() else ""
    return f'<c r="{ref}" t="inlineStr"><is><t{space}>{escape(text)}</t></is></c>'


def _sheet(workbook: bytes, name: str) -> Span | None:
    for span in find(spans(workbook, WORKBOOK), MAIN_NS, "sheet"):
        if span.attributes.get("name") == name:
            return span
    return None


def _sheet_part(parts: Parts, sheet: Span) -> str:
    """The part a ``<sheet>`` element points at, through the workbook's relationships."""
    rel_id = sheet.attributes.get("id")  # r:id (attributes are kept by local name)
    for span in find(spans(parts[WORKBOOK_RELS], WORKBOOK_RELS), PACKAGE_REL_NS, "Relationship"):
        if span.attributes.get("Id") == rel_id:
            target = span.attributes.get("Target", "")
            if target.startswith("/"):
                return target.lstrip("/")
            return normpath(join(dirname(WORKBOOK), target))
    raise AddinBuildError(
        "le modèle de xlwings : la feuille de réglages n'a pas de partie",
        en="xlwings' template: the settings sheet has no part",
    )


def _free_id(relations: Sequence[Span], stem: str) -> str:
    taken = {span.attributes.get("Id") for span in relations}
    number = 1
    while f"{stem}{number}" in taken:
        number += 1
    return f"{stem}{number}"


def _append(data: bytes, part: str, namespace: str, root_name: str, xml: str) -> bytes:
    """``xml`` (elements of ``namespace``) added as the last children of the part's root."""
    found = spans(data, part)
    root = first(found, namespace, "Types" if root_name == "Override" else "Relationships")
    if root is None or root.depth != 0:
        raise AddinBuildError(
            f"le modèle de xlwings : {part} n'est pas comme attendu",
            en=f"xlwings' template: {part} is not as expected",
        )
    text = fragment(xml, namespace, root.scope).encode()
    if root.close == root.open_end:  # an empty root written <x/>: open it
        tag = data[root.start : root.open_end - 2].rstrip() + b">"
        closing = f"</{_qualified(data, root)}>".encode()
        return data[: root.start] + tag + text + closing + data[root.end :]
    return data[: root.close] + text + data[root.close :]


def _qualified(data: bytes, span: Span) -> str:
    name = data[span.start + 1 : span.open_end].split(maxsplit=1)[0].rstrip(b"/>")
    return name.decode()
