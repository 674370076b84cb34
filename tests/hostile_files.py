"""Hostile workbooks built on the spot, small on disk: zip bombs, lying directories, far cells.

A bomb is written without compressing gigabytes: one mebibyte of filler is deflated once, by a
fresh compressor flushed to a byte boundary, so its compressed form refers to nothing before it
and can be repeated as many times as wanted; a head and a final block close the stream. The
archive is then laid out by hand (local headers, data, directory), which also lets a test state
any size it likes in the directory.
"""

from __future__ import annotations

import resource
import struct
import subprocess
import sys
import zlib
from dataclasses import dataclass
from pathlib import Path

MIB = 1 << 20

#: Memory a hostile read may take, in the subprocess that runs it (address space, so Python's
#: own mappings count too).
MEMORY_LIMIT = 1_500_000_000


@dataclass(frozen=True)
class Part:
    """One entry of an archive, already compressed."""

    name: str
    data: bytes
    crc: int
    size: int
    method: int = 8  # deflate
    #: the decompressed size the archive states, when it must lie
    declared: int | None = None


def part(name: str, content: bytes) -> Part:
    """An honest entry holding ``content``."""
    packer = zlib.compressobj(6, zlib.DEFLATED, -zlib.MAX_WBITS)
    data = packer.compress(content) + packer.flush()
    return Part(name, data, zlib.crc32(content), len(content))


def bomb(name: str, head: bytes, mebibytes: int, tail: bytes, filler: bytes = b" ") -> Part:
    """``head``, then ``mebibytes`` MiB of ``filler`` repeated, then ``tail``: a few MB on disk."""
    block = filler * (MIB // len(filler))
    first = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
    start = first.compress(head) + first.flush(zlib.Z_FULL_FLUSH)
    middle = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
    piece = middle.compress(block) + middle.flush(zlib.Z_FULL_FLUSH)
    last = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
    end = last.compress(tail) + last.flush()
    crc = zlib.crc32(head)
    for _ in range(mebibytes):
        crc = zlib.crc32(block, crc)
    crc = zlib.crc32(tail, crc)
    size = len(head) + mebibytes * len(block) + len(tail)
    return Part(name, start + piece * mebibytes + end, crc, size)


def lying(entry: Part, declared: int) -> Part:
    """The same entry, with a directory (and local header) that states ``declared`` bytes."""
    return Part(entry.name, entry.data, entry.crc, entry.size, entry.method, declared)


def write_zip(path: Path, parts: list[Part]) -> Path:
    """Lay the archive out by hand (no ZIP64: every size stays under 4 GiB)."""
    body = bytearray()
    directory = bytearray()
    for entry in parts:
        name = entry.name.encode()
        size = entry.size if entry.declared is None else entry.declared
        fields = (20, 0, entry.method, 0, 0x21, entry.crc, len(entry.data), size, len(name), 0)
        offset = len(body)
        body += struct.pack("<4sHHHHHIIIHH", b"PK\x03\x04", *fields) + name + entry.data
        directory += struct.pack("<4sH", b"PK\x01\x02", 20)
        directory += struct.pack("<HHHHHIIIHHHHHII", *fields, 0, 0, 0, 0, offset) + name
    end = struct.pack(
        "<4sHHHHIIH", b"PK\x05\x06", 0, 0, len(parts), len(parts), len(directory), len(body), 0
    )
    path.write_bytes(bytes(body + directory + end))
    return path


MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_RELATIONSHIPS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PACKAGE_RELATIONSHIPS = "http://schemas.openxmlformats.org/package/2006/relationships"
CONTENT_TYPES = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    b'<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    b'<Default Extension="rels" '
    b'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    b'<Default Extension="xml" ContentType="application/xml"/>'
    b'<Override PartName="/xl/workbook.xml" ContentType="application/'
    b'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    b'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/'
    b'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    b"</Types>"
)
_ROOT_RELS = (
    f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{_PACKAGE_RELATIONSHIPS}">'
    f'<Relationship Id="rId1" Type="{_RELATIONSHIPS}/officeDocument" '
    'Target="xl/workbook.xml"/></Relationships>'
).encode()
_WORKBOOK = (
    f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{MAIN}" xmlns:r="{_RELATIONSHIPS}">'
    '<sheets><sheet name="Clients" sheetId="1" r:id="rId1"/></sheets></workbook>'
).encode()
_WORKBOOK_RELS = (
    f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{_PACKAGE_RELATIONSHIPS}">'
    f'<Relationship Id="rId1" Type="{_RELATIONSHIPS}/worksheet" '
    'Target="worksheets/sheet1.xml"/></Relationships>'
).encode()
SHEET_HEAD = (
    f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{MAIN}"><sheetData>'
).encode()
SHEET_TAIL = b"</sheetData></worksheet>"


def cell(reference: str, text: str) -> str:
    """An inline-string cell."""
    return f'<c r="{reference}" t="inlineStr"><is><t>{text}</t></is></c>'


def row(number: int, *cells: str) -> str:
    return f'<row r="{number}">{"".join(cells)}</row>'


#: A header Hokus knows and one client under it: what every hostile sheet starts with.
CLIENT_ROWS = row(1, cell("A1", "distributorId")) + row(2, cell("A2", "C001"))


def sheet(rows: str, dimension: str | None = None) -> bytes:
    """A worksheet part holding ``rows`` (``<row>`` elements), with a declared dimension."""
    declared = f'<dimension ref="{dimension}"/>' if dimension else ""
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{MAIN}">{declared}'
        f"<sheetData>{rows}</sheetData></worksheet>"
    ).encode()


_SHARED_STRINGS_TYPE = (
    b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
    b'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>'
)
_SHARED_STRINGS_RELATIONSHIP = (
    f'<Relationship Id="rId2" Type="{_RELATIONSHIPS}/sharedStrings" '
    'Target="sharedStrings.xml"/></Relationships>'
).encode()


def workbook(
    path: Path,
    worksheet: Part | bytes,
    *,
    content_types: Part | None = None,
    shared_strings: bytes | None = None,
    extra: tuple[Part, ...] = (),
) -> Path:
    """A minimal .xlsx whose one sheet, "Clients", is ``worksheet``."""
    if isinstance(worksheet, bytes):
        worksheet = part("xl/worksheets/sheet1.xml", worksheet)
    types, relationships = CONTENT_TYPES, _WORKBOOK_RELS
    if shared_strings is not None:
        types = types.replace(b"</Types>", _SHARED_STRINGS_TYPE)
        relationships = relationships.replace(b"</Relationships>", _SHARED_STRINGS_RELATIONSHIP)
        extra = (part("xl/sharedStrings.xml", shared_strings), *extra)
    parts = [
        content_types or part("[Content_Types].xml", types),
        part("_rels/.rels", _ROOT_RELS),
        part("xl/workbook.xml", _WORKBOOK),
        part("xl/_rels/workbook.xml.rels", relationships),
        worksheet,
        *extra,
    ]
    return write_zip(path, parts)


def _limit_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))


def run_limited(*args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """``client-import ARGS`` in a child process with :data:`MEMORY_LIMIT` of address space.

    The timeout only stops a runaway child (the test then fails); it is not a measurement.
    """
    return subprocess.run(
        [sys.executable, "-m", "addin", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        preexec_fn=_limit_memory,
        check=False,
    )


_ODS_NAMESPACES = (
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"'
)
_MANIFEST = (
    b'<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest="urn:oasis:names:'
    b'tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2"><manifest:file-entry '
    b'manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.'
    b'spreadsheet"/><manifest:file-entry manifest:full-path="content.xml" '
    b'manifest:media-type="text/xml"/></manifest:manifest>'
)


def ods_cell(text: str, repeat: int = 1) -> str:
    """A text cell of an OpenDocument table, repeated ``repeat`` times."""
    repeated = f' table:number-columns-repeated="{repeat}"' if repeat > 1 else ""
    return (
        f'<table:table-cell{repeated} office:value-type="string"><text:p>{text}</text:p>'
        "</table:table-cell>"
    )


def ods_row(*cells: str, repeat: int = 1) -> str:
    repeated = f' table:number-rows-repeated="{repeat}"' if repeat > 1 else ""
    return f"<table:table-row{repeated}>{''.join(cells)}</table:table-row>"


def ods(path: Path, rows: str, name: str = "Clients") -> Path:
    """An OpenDocument spreadsheet whose one table holds ``rows``."""
    content = (
        f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {_ODS_NAMESPACES} '
        'office:version="1.2"><office:body><office:spreadsheet>'
        f'<table:table table:name="{name}">{rows}</table:table>'
        "</office:spreadsheet></office:body></office:document-content>"
    ).encode()
    mimetype = b"application/vnd.oasis.opendocument.spreadsheet"
    stored = Part("mimetype", mimetype, zlib.crc32(mimetype), len(mimetype), method=0)
    parts = [stored, part("content.xml", content), part("META-INF/manifest.xml", _MANIFEST)]
    return write_zip(path, parts)
