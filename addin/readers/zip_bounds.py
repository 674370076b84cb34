"""Bounds on what a ZIP package (.xlsx, .xlsm, .ods) may expand to, checked before any part is read.

Why: the size limit of :mod:`addin.readers.reader` is on the file as stored, but readers work on the
parts once decompressed. Deflate shrinks a run of the same byte about 1,000 times, so a 2 MB
"workbook" can hold a 2 GB sheet (a zip bomb): calamine, openpyxl and the package editor would
spend tens of seconds and gigabytes on it. Every part is therefore checked here first, from the
archive's directory (cheap), then by decompressing it with a cap (a directory can lie: the sizes
it states are the attacker's word, and the Rust reader behind calamine reads a part to the end of
its compressed data whatever size was declared).

What real files weigh (measured, ``bench/README.md``): a 100,000-row x 30-column client sheet
written by XlsxWriter is 173 MB of XML compressed 7.5 times; a sheet of repeated values or empty
styled cells is still compressed only about 12 times, because every cell spells its own
reference (``r="AB12345"``). The limits below leave several times that room.
"""

from __future__ import annotations

import struct
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import IO

from addin.errors import FileTooLargeError, UnsupportedFileError
from addin.readers.common import format_size

#: Most parts (entries) a package may hold. An Excel workbook has a dozen parts, one with many
#: sheets, pictures and comments a few hundred; 10,000 leaves room and stops an archive of
#: millions of empty entries whose directory alone takes seconds and memory to list.
MAX_ENTRIES = 10_000
#: Largest decompressed worksheet, shared-string table or other bulky part. Three times the
#: measured 100,000 x 30 sheet (173 MB); larger sheets are past what the 40 MB file limit lets a
#: real workbook hold.
MAX_PART_BYTES = 512 * 1024 * 1024
#: Largest decompressed part that readers load whole into memory (``[Content_Types].xml``,
#: relationships, ``workbook.xml``, ``styles.xml``, ``mimetype``, the manifest). A workbook
#: bloated with 60,000 cell styles has a 9 MB ``styles.xml``; these parts are usually kilobytes.
MAX_SMALL_PART_BYTES = 32 * 1024 * 1024
#: Largest sum of the decompressed parts: twice the largest part, room for a big sheet and a
#: big shared-string table together.
MAX_TOTAL_BYTES = 1024 * 1024 * 1024
#: Highest compression ratio of a part larger than :data:`RATIO_FROM_BYTES`. Real sheets are
#: compressed 5 to 15 times (cell references keep the XML from repeating); zip bombs about
#: 1,000 times, deflate's ceiling.
MAX_RATIO = 100
#: Parts smaller than this decompressed are not held to :data:`MAX_RATIO`: a 1 MB part of
#: empty rows may be compressed 500 times and costs nothing to read.
RATIO_FROM_BYTES = 16 * 1024 * 1024

#: Parts loaded whole into memory, by their name's last component, in lower case.
_SMALL_NAMES = frozenset(
    {"[content_types].xml", "workbook.xml", "styles.xml", "mimetype", "manifest.xml"}
)
_LOCAL_HEADER = struct.Struct("<4s22xHH")
_LOCAL_MAGIC = b"PK\x03\x04"
_READ = 1 << 20  # compressed bytes read at a time
_OUT = 1 << 22  # decompressed bytes produced at a time


def check_archive(
    archive: zipfile.ZipFile,
    name: str,
    *,
    max_entries: int = MAX_ENTRIES,
    max_part: int = MAX_PART_BYTES,
    max_small_part: int = MAX_SMALL_PART_BYTES,
    max_total: int = MAX_TOTAL_BYTES,
    max_ratio: int = MAX_RATIO,
) -> None:
    """Refuse a package that would expand past the bounds; ``name`` is the file's, for messages.

    Raises :class:`~addin.errors.FileTooLargeError` (too many parts, a part or the whole too
    large, a part compressed too many times) or :class:`~addin.errors.UnsupportedFileError` (a
    part larger than its directory says, an unknown compression method). Each part is
    decompressed once, in blocks, and never beyond its bound, so the check itself stays within a
    few megabytes of memory. The keyword arguments exist for tests; callers use the defaults.
    """
    check_directory(
        archive, name, Limits(max_entries, max_part, max_small_part, max_total, max_ratio)
    )
    entries = archive.infolist()
    fp = archive.fp
    if fp is None:  # pragma: no cover - an open archive always has its file
        raise ValueError("archive closed")
    total = 0
    for info in entries:
        limit = min(_part_limit(info, max_part, max_small_part), max_total - total)
        actual = _actual_size(fp, info, limit + 1)
        if actual > info.file_size:
            raise UnsupportedFileError(
                f"Le classeur « {name} » annonce pour son élément interne « {info.filename} » "
                "une taille plus petite que son contenu réel : il est endommagé ou piégé. "
                "Ouvrez-le dans Excel ou LibreOffice et enregistrez-le à nouveau, ou demandez "
                "à son expéditeur de vous le renvoyer.",
                en=(
                    f"Workbook “{name}” states for its inner part “{info.filename}” "
                    "a size smaller than its real content: it is damaged or booby-trapped. "
                    "Open it in Excel or LibreOffice and save it again, or ask "
                    "its sender to send it again."
                ),
            )
        total += actual


@dataclass(frozen=True, slots=True)
class Limits:
    """The bounds above, together (tests lower them to build small hostile files)."""

    entries: int = MAX_ENTRIES
    part: int = MAX_PART_BYTES
    small_part: int = MAX_SMALL_PART_BYTES
    total: int = MAX_TOTAL_BYTES
    ratio: int = MAX_RATIO


def check_directory(archive: zipfile.ZipFile, name: str, limits: Limits | None = None) -> None:
    """The bounds of :func:`check_archive` on what the directory says, without decompressing.

    Enough for a reader that goes through Python's :mod:`zipfile` (the package editor): it
    never produces more than a part's stated size (a part that holds more fails its CRC check
    and is refused as damaged), so bounding the stated sizes bounds what it reads. The Rust
    reader behind calamine reads to the end of the compressed data instead: the readers call
    :func:`check_archive`, which also decompresses each part with a cap.
    """
    bounds = limits or Limits()
    max_entries, max_part, max_small_part = bounds.entries, bounds.part, bounds.small_part
    max_total, max_ratio = bounds.total, bounds.ratio
    entries = archive.infolist()
    if len(entries) > max_entries:
        raise FileTooLargeError(
            f"Le classeur « {name} » contient {_count(len(entries))} éléments internes, au-delà "
            f"des {_count(max_entries)} qu'un classeur réel peut avoir : il est endommagé ou "
            "piégé. Ouvrez-le dans Excel ou LibreOffice et enregistrez-le à nouveau, ou "
            "demandez à son expéditeur de vous le renvoyer.",
            en=(
                f"Workbook “{name}” holds {len(entries):,} inner parts, beyond "
                f"the {max_entries:,} a real workbook can have: it is damaged or "
                "booby-trapped. Open it in Excel or LibreOffice and save it again, or "
                "ask its sender to send it again."
            ),
        )
    for info in entries:
        _check_declared(name, info, max_part, max_small_part, max_ratio)
    declared = sum(info.file_size for info in entries)
    if declared > max_total:
        raise _total_too_large(name, declared, max_total)


def _part_limit(info: zipfile.ZipInfo, max_part: int, max_small_part: int) -> int:
    last = PurePosixPath(info.filename).name.lower()
    if last in _SMALL_NAMES or last.endswith(".rels"):
        return max_small_part
    return max_part


def _check_declared(
    name: str, info: zipfile.ZipInfo, max_part: int, max_small_part: int, max_ratio: int
) -> None:
    limit = _part_limit(info, max_part, max_small_part)
    if info.file_size > limit:
        raise _part_too_large(name, info.filename, info.file_size, limit)
    if info.file_size >= RATIO_FROM_BYTES and info.file_size > max_ratio * max(
        info.compress_size, 1
    ):
        ratio = info.file_size // max(info.compress_size, 1)
        raise FileTooLargeError(
            f"Le classeur « {name} » contient un élément interne (« {info.filename} ») "
            f"compressé {ratio} fois, quand un vrai classeur l'est moins de {max_ratio} fois : "
            "c'est le signe d'un fichier piégé (une « bombe de décompression »). Ne l'ouvrez "
            "pas ; demandez à son expéditeur de vous renvoyer les données, par exemple en CSV.",
            en=(
                f"Workbook “{name}” holds an inner part (“{info.filename}”) "
                f"compressed {ratio} times, when a real workbook is compressed less than "
                f"{max_ratio} times: this is the sign of a booby-trapped file (a “zip bomb”). "
                "Do not open it; ask its sender to send the data again, for instance as CSV."
            ),
        )
    if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
        raise UnsupportedFileError(
            f"Le classeur « {name} » est compressé d'une façon qu'Excel n'utilise pas "
            f"(méthode {info.compress_type}) : ouvrez-le dans Excel ou LibreOffice, "
            "enregistrez-le à nouveau au format .xlsx, puis réessayez.",
            en=(
                f"Workbook “{name}” is compressed in a way Excel does not use "
                f"(method {info.compress_type}): open it in Excel or LibreOffice, "
                "save it again as .xlsx, then try again."
            ),
        )


def _actual_size(fp: IO[bytes], info: zipfile.ZipInfo, cap: int) -> int:
    """Bytes the part really decompresses to, counted up to ``cap`` (then ``cap`` is returned).

    Reads the compressed data itself, as the Rust zip reader does: from the local header to the
    compressed size the directory states, or to the end of the deflate stream if sooner.
    """
    fp.seek(info.header_offset)
    header = fp.read(_LOCAL_HEADER.size)
    if len(header) < _LOCAL_HEADER.size:
        raise zipfile.BadZipFile("local header truncated")
    magic, name_length, extra_length = _LOCAL_HEADER.unpack(header)
    if magic != _LOCAL_MAGIC:
        raise zipfile.BadZipFile("bad local header")
    fp.seek(info.header_offset + _LOCAL_HEADER.size + name_length + extra_length)
    if info.compress_type == zipfile.ZIP_STORED:
        return min(info.compress_size, cap)
    inflater = zlib.decompressobj(-zlib.MAX_WBITS)
    left = info.compress_size
    total = 0
    while left > 0 and not inflater.eof:
        data = fp.read(min(_READ, left))
        if not data:
            break
        left -= len(data)
        while data and not inflater.eof:
            total += len(inflater.decompress(data, _OUT))
            if total >= cap:
                return cap
            data = inflater.unconsumed_tail
    return total


def _count(number: int) -> str:
    """``12 345``: thousands apart, the French way."""
    return f"{number:,}".replace(",", " ")


def _part_too_large(name: str, part: str, size: int, limit: int) -> FileTooLargeError:
    return FileTooLargeError(
        f"Le classeur « {name} » contient un élément interne (« {part} ») qui ferait "
        f"{format_size(size)} une fois décompressé, au-delà de la limite de "
        f"{format_size(limit)} : il est endommagé ou piégé. Ouvrez-le dans Excel ou LibreOffice "
        "et enregistrez-le à nouveau, ou enregistrez la feuille au format CSV.",
        en=(
            f"Workbook “{name}” holds an inner part (“{part}”) that would be "
            f"{format_size(size, 'en')} once unzipped, beyond the limit of "
            f"{format_size(limit, 'en')}: it is damaged or booby-trapped. Open it in Excel or "
            "LibreOffice and save it again, or save the sheet as CSV."
        ),
    )


def _total_too_large(name: str, size: int, limit: int) -> FileTooLargeError:
    return FileTooLargeError(
        f"Le classeur « {name} » ferait {format_size(size)} une fois décompressé, au-delà de la "
        f"limite de {format_size(limit)} : il est endommagé ou piégé, ou trop grand pour être "
        "vérifié d'un coup. Enregistrez la feuille au format CSV, ou découpez-la en plusieurs "
        "classeurs.",
        en=(
            f"Workbook “{name}” would be {format_size(size, 'en')} once unzipped, beyond the "
            f"limit of {format_size(limit, 'en')}: it is damaged or booby-trapped, or too large "
            "to be checked at once. Save the sheet as CSV, or split it into several "
            "workbooks."
        ),
    )
