"""An Excel table (a ``ListObject``) over the headers and lines of one of our sheets.

Why a table rather than plain cells with a filter: Excel (and LibreOffice) then draw the
header bold on a coloured band with stripes below (``TableStyleMedium2``, Excel's default), the
filter buttons come with it, and sorting or filtering moves whole lines together. A table is a
part of its own (``xl/tables/tableN.xml``) pointed to by the sheet's relationships and its
``<tableParts>``, with a content-type override.

What Excel checks, or else "repairs" the file (drops the table, with a message): the table's
column names equal the header cells' texts exactly, each name is unique within the table, the
table's name is unique in the workbook among tables and defined names (a user's own tables are
read to avoid theirs), its id is unique among tables, and the sheet has no ``<autoFilter>`` of
its own over the same cells. A table has at least one line below its headers: an empty one when
there is nothing to list.

The same table is drawn in the open book by ``addin.live.sheet_format.put_table``, from the
same :class:`TableSpec`.
"""

from __future__ import annotations

from dataclasses import dataclass
from xml.sax.saxutils import quoteattr

from addin.core.report import column_letter
from addin.files.xlsx_package import XlsxPackage, relative
from addin.files.xml_chars import xml_safe
from addin.files.xml_spans import MAIN_NS, REL_NS, find, spans
from addin.readers.ooxml import NotSure, parse_part

TABLE_TYPE = f"{REL_NS}/table"
TABLE_CT = "application/vnd.openxmlformats-officedocument.spreadsheetml.table+xml"
#: Excel's default table style: white bold headers on blue, light blue stripes.
TABLE_STYLE = "TableStyleMedium2"
#: Our tables' names start so (``ClientImport_Report``...): never a user's name by chance.
TABLE_PREFIX = "ClientImport_"


@dataclass(frozen=True, slots=True)
class TableSpec:
    """Where one of our tables stands: its name (before a suffix if the workbook has it
    already), its header row and texts from column A, and the last line it covers."""

    name: str
    header_row: int
    headers: tuple[str, ...]
    last_row: int

    @property
    def ref(self) -> str:
        """``A8:I20``; one empty line below the headers when there are no lines."""
        last = max(self.last_row, self.header_row + 1)
        return f"A{self.header_row}:{column_letter(len(self.headers) - 1)}{last}"


def free_name(wanted: str, taken: set[str]) -> str:
    """``wanted``, or ``wanted_2``, ``wanted_3``… : the first not in ``taken`` (casefolded, as
    Excel compares names)."""
    name, number = wanted, 1
    while name.casefold() in taken:
        number += 1
        name = f"{wanted}_{number}"
    return name


def table_xml(spec: TableSpec, table_id: int, name: str) -> bytes:
    """The table part."""
    columns = "".join(
        f'<tableColumn id="{n}" name={quoteattr(xml_safe(header))}/>'
        for n, header in enumerate(spec.headers, start=1)
    )
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<table xmlns="{MAIN_NS}" id="{table_id}" name="{name}" displayName="{name}" '
        f'ref="{spec.ref}" totalsRowShown="0"><autoFilter ref="{spec.ref}"/>'
        f'<tableColumns count="{len(spec.headers)}">{columns}</tableColumns>'
        f'<tableStyleInfo name="{TABLE_STYLE}" showFirstColumn="0" showLastColumn="0" '
        'showRowStripes="1" showColumnStripes="0"/></table>'
    ).encode()


#: Where our sheets' XML carries the table: the last element we write (no ``extLst``).
TABLE_PARTS = '<tableParts count="1"><tablePart r:id="{rel_id}"/></tableParts>'


def add_table(package: XlsxPackage, sheet_part: str, spec: TableSpec) -> str:
    """Give our sheet at ``sheet_part`` (written by us, without ``<tableParts>``) the table of
    ``spec``; returns the name it got. A table the sheet had (an earlier history) goes first,
    so its name and id are free again."""
    for rel in package.relationships(sheet_part):
        if rel.type == TABLE_TYPE:
            package.remove(rel.target)
            package.remove_override(rel.target)
            package.remove_relationship(sheet_part, rel.rel_id)
    ids, names = _tables_in(package)
    name = free_name(spec.name, names | _defined_names(package))
    part = package.new_part_name("xl/tables/table{n}.xml")
    package.write(part, table_xml(spec, max(ids, default=0) + 1, name))
    package.add_override(part, TABLE_CT)
    rel_id = package.add_relationship(sheet_part, TABLE_TYPE, relative(sheet_part, part))
    data = package.read(sheet_part)
    close = data.rindex(b"</worksheet>")
    tag = TABLE_PARTS.format(rel_id=rel_id).replace(" r:id", f' xmlns:r="{REL_NS}" r:id')
    package.write(sheet_part, data[:close] + tag.encode() + data[close:])
    return name


def _tables_in(package: XlsxPackage) -> tuple[set[int], set[str]]:
    """The ids and names (casefolded) of every table of the workbook, the user's included."""
    ids: set[int] = set()
    names: set[str] = set()
    for sheet in package.sheets():
        if not sheet.part:
            continue
        for rel in package.relationships(sheet.part):
            if rel.type != TABLE_TYPE or rel.target not in package.parts:
                continue
            try:
                elements = parse_part(package.read(rel.target))
            except NotSure:
                continue
            for tag, attrs in elements[:1]:
                if tag == "table":
                    if attrs.get("id", "").isdigit():
                        ids.add(int(attrs["id"]))
                    names |= {attrs.get(k, "").casefold() for k in ("name", "displayName")}
    return ids, names - {""}


def _defined_names(package: XlsxPackage) -> set[str]:
    """The workbook's defined names (casefolded): a table cannot have one of them."""
    data = package.read("xl/workbook.xml")
    found = find(spans(data, "xl/workbook.xml"), MAIN_NS, "definedName")
    return {s.attributes.get("name", "").casefold() for s in found} - {""}
