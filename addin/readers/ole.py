"""Just enough of an OLE2 compound file ([MS-CFB]) to see what it holds and read a stream.

Used by :mod:`addin.readers.reader` to tell an Excel 97-2003 workbook from an encrypted Excel 2007+
one or a Word document, and by :mod:`addin.readers.sheet_bounds` to read a workbook's cell records
before calamine does. Every sector number is checked against the file: a damaged or hostile
directory gives ``None`` or :class:`IndexError`, never a loop.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass

_END = 0xFFFFFFFA  # sector numbers from here up mark the end of a chain or special sectors
_BOF = 0x0809  # BIFF record: beginning of the workbook globals
_FILEPASS = 0x002F  # BIFF record: the workbook is encrypted; comes right after BOF


@dataclass
class OleFile:
    """Just enough of an OLE2 compound file ([MS-CFB]) to see what it holds.

    The directory tells an Excel 97-2003 workbook (stream ``Workbook``) from an encrypted Excel
    2007+ workbook (``EncryptedPackage``) or a Word document (``WordDocument``); the first bytes
    of the ``Workbook`` stream tell whether it is encrypted (a ``FILEPASS`` record after ``BOF``).
    """

    data: bytes
    sector_size: int
    fat: list[int]
    #: name → (object type: 1 storage, 2 stream, 5 root; first sector; size in bytes)
    entries: dict[str, tuple[int, int, int]]
    mini_cutoff: int
    mini_size: int
    first_mini_fat: int

    @classmethod
    def parse(cls, data: bytes) -> OleFile | None:
        try:
            sector_shift, mini_shift = struct.unpack_from("<HH", data, 30)
            if sector_shift not in (9, 12) or mini_shift != 6:
                return None
            sector_size, mini_size = 1 << sector_shift, 1 << mini_shift
            fat_count, first_directory = struct.unpack_from("<II", data, 44)
            mini_cutoff, first_mini_fat = struct.unpack_from("<II", data, 56)
            first_difat, difat_count = struct.unpack_from("<II", data, 68)
            ole = cls(data, sector_size, [], {}, mini_cutoff, mini_size, first_mini_fat)
            per_sector = sector_size // 4
            difat = list(struct.unpack_from("<109I", data, 76))
            current = first_difat
            for _ in range(difat_count):
                if current >= _END:
                    break
                entries = struct.unpack(f"<{per_sector}I", ole.sector(current))
                difat.extend(entries[:-1])
                current = entries[-1]
            for index in [s for s in difat if s < _END][:fat_count]:
                ole.fat.extend(struct.unpack(f"<{per_sector}I", ole.sector(index)))
            for index in ole.chain(first_directory):
                chunk = ole.sector(index)
                for offset in range(0, sector_size, 128):
                    entry = chunk[offset : offset + 128]
                    length = struct.unpack_from("<H", entry, 64)[0]
                    kind = entry[66]
                    if kind in (1, 2, 5) and 2 <= length <= 64:
                        name = entry[: length - 2].decode("utf-16-le", errors="replace")
                        start, size = struct.unpack_from("<II", entry, 116)
                        ole.entries.setdefault(name, (kind, start, size))
        except (struct.error, IndexError, ValueError):
            return None
        return ole if "Root Entry" in ole.entries else None

    def sector(self, index: int) -> bytes:
        start = (index + 1) * self.sector_size
        chunk = self.data[start : start + self.sector_size]
        if len(chunk) < self.sector_size:
            raise IndexError(index)
        return chunk

    def chain(self, start: int, table: list[int] | None = None) -> list[int]:
        table = self.fat if table is None else table
        sectors: list[int] = []
        current = start
        while current < _END:
            if current >= len(table) or len(sectors) > len(table):
                raise IndexError(current)  # outside the table, or a loop
            sectors.append(current)
            current = table[current]
        return sectors

    def head(self, name: str, count: int) -> bytes:
        """The first ``count`` bytes of a stream."""
        _, start, size = self.entries[name]
        count = min(count, size)
        if size >= self.mini_cutoff:
            parts = []
            for index in self.chain(start)[: count // self.sector_size + 1]:
                parts.append(self.sector(index))
            return b"".join(parts)[:count]
        # Small streams live in the root entry's "mini stream", in 64-byte mini sectors.
        mini_fat: list[int] = []
        for index in self.chain(self.first_mini_fat):
            mini_fat.extend(struct.unpack(f"<{self.sector_size // 4}I", self.sector(index)))
        root = self.chain(self.entries["Root Entry"][1])
        parts = []
        for mini in self.chain(start, mini_fat)[: count // self.mini_size + 1]:
            offset = mini * self.mini_size
            within = offset % self.sector_size
            chunk = self.sector(root[offset // self.sector_size])
            parts.append(chunk[within : within + self.mini_size])
        return b"".join(parts)[:count]

    def workbook_is_encrypted(self) -> bool:
        name = "Workbook" if "Workbook" in self.entries else "Book"
        try:
            head = self.head(name, 64)
            record, length = struct.unpack_from("<HH", head, 0)
            if record != _BOF:
                return False
            following = struct.unpack_from("<H", head, 4 + length)[0]
        except (struct.error, IndexError, KeyError):
            return False
        return bool(following == _FILEPASS)
