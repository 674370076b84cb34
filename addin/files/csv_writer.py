"""Delimited text out: a user's CSV with some cells rewritten, or a platform's import file.

A rewritten CSV keeps the file's encoding, byte order mark and separator, so the platform (or
the user's next tool) sees the same kind of file; only the quoting of unchanged lines may
differ, as Python's csv module writes it (values are unchanged).
"""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

from addin.core.formula_guard import defuse
from addin.core.table import SourceInfo
from addin.readers.csv_reader import SEPARATORS, decode, records


def write_csv(
    path: Path,
    headers: Sequence[str],
    rows: Iterable[Sequence[str]],
    *,
    separator: str,
    encoding: str = "utf-8",
    bom: bool = False,
    guard: str = "apostrophe",
) -> None:
    """Rows of texts, every field run through ``defuse``; CRLF line ends, as Excel writes."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=separator, lineterminator="\r\n")
    writer.writerow([defuse(h, guard) for h in headers])
    writer.writerows([defuse(value, guard) for value in row] for row in rows)
    path.write_bytes(encode(buffer.getvalue(), encoding, bom))


def encode(text: str, encoding: str, bom: bool) -> bytes:
    """``text`` in ``encoding``, behind the encoding's byte order mark when ``bom``."""
    name = encoding.replace("_", "-").lower().removesuffix("-sig")
    data = text.encode(name)
    if not bom:
        return data
    marks = {
        "utf-8": codecs.BOM_UTF8,
        "utf-16-le": codecs.BOM_UTF16_LE,
        "utf-16-be": codecs.BOM_UTF16_BE,
    }
    return marks.get(name, b"") + data


def rewrite_csv(
    source: SourceInfo, output: Path, edits: Mapping[tuple[int, int], str | None]
) -> dict[int, int]:
    """The CSV at ``source.path`` with the cells ``(line, position)`` replaced, to ``output``.

    Lines are numbered as the reader numbers them (the physical line where a record starts);
    returns where each record starts in the output, which moves when a fix removes a line
    break inside a cell. Line ends stay the file's own (CRLF or LF). A rewritten value that a
    spreadsheet would run as a formula is defused: the fix must not make one.
    """
    path = Path(source.path)
    raw, encoding, has_bom = decode(path, path.read_bytes())
    ending = "\r\n" if "\r\n" in raw else "\n"
    text = raw.replace("\r\n", "\n").replace("\r", "\n")
    separator = source.separator or SEPARATORS[0]
    by_line: dict[int, list[tuple[int, str | None]]] = {}
    for (line, position), value in edits.items():
        by_line.setdefault(line, []).append((position, value))
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=separator, lineterminator=ending)
    written = 1
    starts: dict[int, int] = {}
    for start, _end, record in records(text, separator):
        for position, value in by_line.get(start, ()):
            record.extend([""] * (position + 1 - len(record)))
            record[position] = defuse(value or "")
        starts[start] = written
        written += 1 + sum(cell.count("\n") for cell in record)
        writer.writerow(record)
    output.write_bytes(encode(buffer.getvalue(), encoding, has_bom))
    return starts
