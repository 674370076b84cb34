"""CSV (and .txt/.tsv) files: encoding, separator, then the cells exactly as written.

Encoding, in this order: a byte order mark (UTF-8, UTF-16 LE/BE); UTF-16 without a mark when
every other byte is zero; UTF-8 if the whole file decodes strictly; Windows-1252 (what Excel
writes for "CSV (séparateur : point-virgule)" on a French Windows); ISO-8859-1 when the file holds
bytes that Windows-1252 leaves undefined. ``SourceInfo.encoding`` gets a name that both Python
and a person understand: ``"utf-8"``, ``"utf-16-le"``, ``"utf-16-be"``, ``"windows-1252"``,
``"iso-8859-1"``; ``has_bom`` says whether a mark was there.

Separator: ``;``, ``,`` or a tab, whichever appears the same number of times (outside quotes) on
most of the first 50 lines, more often, in that order of preference. A file where none appears
has a single column and ``SourceInfo.separator`` is ``None``.

Cells are the strings of the file, untouched (no stripping, no type guessing); an empty cell is
``None``. Line breaks are normalised to ``\\n``, inside quoted cells too. ``row_numbers`` are the
physical line numbers where each record starts (the file's first line is line 1, whatever lines
come before the header), so a quoted cell spanning three lines moves the following numbers by
two.

Header: the line given by the caller, or found among the first lines (title lines above it are
skipped, a file of data without column names is recognised): see :mod:`addin.readers.header_row`.
"""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Iterator
from pathlib import Path
from typing import cast

from addin.core.table import SourceInfo, Table
from addin.errors import EmptyFileError, FileTooLargeError, InputError, UnsupportedFileError
from addin.readers.common import Cell, table_from
from addin.readers.header_row import HeaderChoice, HeaderScore, Located, locate_header
from addin.readers.progress import STEP, ReadProgress, no_progress

#: Separators looked for, in order of preference when two are equally plausible.
SEPARATORS = (";", ",", "\t")
#: Most columns a line may split into: Excel's own limit (XFD), so any real export fits.
MAX_COLUMNS = 16_384
#: How many lines the separator detection looks at.
SNIFF_LINES = 50
#: How many bytes the binary-content checks and the separator detection look at.
SNIFF_BYTES = 64 * 1024
#: Share of control characters above which a file is taken for binary content.
MAX_CONTROL_RATIO = 0.01

_CONTROL_BYTES = bytes(b for b in range(32) if b not in (9, 10, 12, 13, 26))
_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


def read_csv(
    path: Path,
    data: bytes,
    header_row: int | None = None,
    progress: ReadProgress = no_progress,
    header_score: HeaderScore | None = None,
) -> Table:
    """Read a delimited text file whose bytes are ``data`` (the dispatcher already read them).

    ``header_row``: the line of the column names (the first record starting on or after it);
    ``None`` finds it (see :mod:`addin.readers.header_row`, which ``header_score`` helps).
    ``progress`` counts physical lines (a quoted cell over three lines counts three), out of
    the text's line count, which Python counts at C speed before parsing.
    """
    text, encoding, has_bom = decode(path, data)
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise EmptyFileError(
            f"Le fichier « {path.name} » est vide : il ne contient que des lignes blanches.",
            en=(f"File “{path.name}” is empty: it holds only blank lines."),
        )
    _reject_markup(path, text)
    separator = detect_separator(text)

    source = SourceInfo(
        path=str(path),
        kind="csv",
        size_bytes=len(data),
        encoding=encoding,
        separator=separator,
        has_bom=has_bom,
    )
    header: list[str] | None = None
    rows: list[list[str]] = []
    numbers: list[int] = []
    previous = 0
    total = text.count("\n") + (not text.endswith("\n"))
    progress(0, total)
    next_report = STEP
    try:
        for start, previous, record in records(text, separator or SEPARATORS[0]):
            if previous >= next_report:
                progress(min(previous, total), total)
                next_report = previous + STEP
            if header is None and header_row is not None:
                if start >= header_row:
                    header = record
                continue
            if any(record):
                rows.append(record)
                numbers.append(start)
    except TooManyColumns as error:
        raise _too_wide(path, error) from None
    except csv.Error as error:
        raise _malformed(path, previous + 1, error) from None

    progress(total, total)
    where, where_en = f"Le fichier « {path.name} »", f"File “{path.name}”"
    cells = cast("list[list[Cell]]", rows)  # str cells; "" becomes None while transposing
    if header_row is None:
        located = locate_header(cells, numbers, header_score)
    elif header is None:
        raise EmptyFileError(
            f"{where} n'a pas de ligne {header_row} : il n'y a aucune donnée à vérifier.",
            en=(f"{where_en} has no row {header_row}: there is no data to check."),
        )
    else:
        located = Located(HeaderChoice(header_row, "asked"), list(header), cells, numbers)
    return table_from(located, source, where, where_en, empty_string_is_none=True)


class TooManyColumns(csv.Error):
    """A line holds more separators than :data:`MAX_COLUMNS` columns need."""

    def __init__(self, line: int, count: int) -> None:
        super().__init__(f"line {line}: {count} columns")
        self.line = line
        self.count = count


def records(text: str, separator: str) -> Iterator[tuple[int, int, list[str]]]:
    """Each record with the physical lines it starts and ends on (the header is on line 1).

    The numbers users see: a quoted cell over three lines moves the next record by two.
    Raises :class:`TooManyColumns` before the csv module splits a line into more than
    :data:`MAX_COLUMNS` cells.
    """
    reader = csv.reader(_lines(text, separator), delimiter=separator, quotechar='"', strict=False)
    end = 0
    for record in reader:
        start, end = end + 1, reader.line_num
        yield start, end, record


def _lines(text: str, separator: str) -> Iterator[str]:
    """The text's lines, each checked for its number of columns before the csv module splits it.

    Why: one 90 MB line of ``a;a;a;…`` is 45 million cells, 3 GB once split, and the csv module
    splits a whole line before we see any of it. Only lines long enough to hold that many
    separators are counted (at C speed).
    """
    for number, line in enumerate(io.StringIO(text), 1):
        if len(line) > MAX_COLUMNS and line.count(separator) >= MAX_COLUMNS:
            raise TooManyColumns(number, line.count(separator) + 1)
        yield line


def decode(path: Path, data: bytes) -> tuple[str, str, bool]:
    """Return ``(text, encoding, has_bom)``; binary content raises :class:`UnsupportedFileError`."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            text = data[len(bom) :].decode(encoding, errors="replace")
            _reject_control_characters(path, text[: SNIFF_BYTES // 2].encode("utf-8"))
            return text, encoding, True

    sample = data[:SNIFF_BYTES]
    utf16 = _utf16_without_bom(sample)
    if utf16 is not None:
        text = data.decode(utf16, errors="replace")
        _reject_control_characters(path, text[: SNIFF_BYTES // 2].encode("utf-8"))
        return text, utf16, False

    if b"\x00" in data:
        raise _binary(path)
    _reject_control_characters(path, sample)
    for encoding in ("utf-8", "windows-1252"):
        try:
            return data.decode(encoding), encoding, False
        except UnicodeDecodeError:
            continue
    return data.decode("iso-8859-1"), "iso-8859-1", False


def _utf16_without_bom(sample: bytes) -> str | None:
    """UTF-16 without a byte order mark: mostly-zero odd (LE) or even (BE) bytes."""
    if len(sample) < 4:
        return None
    sample = sample[: len(sample) - len(sample) % 2]
    even, odd = sample[0::2], sample[1::2]
    half = len(even)
    if odd.count(0) >= 0.6 * half and even.count(0) <= 0.05 * half:
        return "utf-16-le"
    if even.count(0) >= 0.6 * half and odd.count(0) <= 0.05 * half:
        return "utf-16-be"
    return None


def _reject_control_characters(path: Path, sample: bytes) -> None:
    if not sample:
        return
    if b"\x00" in sample:
        raise _binary(path)
    controls = len(sample) - len(sample.translate(None, _CONTROL_BYTES))
    if controls > MAX_CONTROL_RATIO * len(sample):
        raise _binary(path)


def _binary(path: Path) -> UnsupportedFileError:
    return UnsupportedFileError(
        f"Le fichier « {path.name} » n'est ni un classeur ni un fichier CSV : son contenu "
        "n'est pas du texte lisible. Ouvrez-le dans Excel et enregistrez-le au format .xlsx "
        "ou CSV, puis réessayez.",
        en=(
            f"File “{path.name}” is neither a workbook nor a CSV file: its content "
            "is not readable text. Open it in Excel and save it as .xlsx "
            "or CSV, then try again."
        ),
    )


def _reject_markup(path: Path, text: str) -> None:
    """Web pages and XML saved with a .xls or .csv name (frequent in exports from web tools)."""
    start = text[:2048].lstrip().lower()
    if not start.startswith("<"):
        return
    if "urn:schemas-microsoft-com:office:spreadsheet" in start:
        what, what_en = "un classeur « Feuille de calcul XML 2003 »", "an “XML Spreadsheet 2003”"
    elif start.startswith(("<html", "<!doctype html", "<table")) or "<html" in start:
        what, what_en = "une page web (HTML)", "a web page (HTML)"
    elif start.startswith("<?xml"):
        what, what_en = "un fichier XML", "an XML file"
    else:
        return
    raise UnsupportedFileError(
        f"Le fichier « {path.name} » est en réalité {what}, et non un tableau CSV ou Excel "
        "ordinaire. Ouvrez-le dans Excel, enregistrez-le au format .xlsx, puis réessayez.",
        en=(
            f"File “{path.name}” is in fact {what_en}, not an ordinary CSV or Excel "
            "table. Open it in Excel, save it as .xlsx, then try again."
        ),
    )


def detect_separator(text: str) -> str | None:
    """The separator of ``text`` among :data:`SEPARATORS`, or ``None`` for a single column."""
    lines = _count_separators(text)
    best: tuple[float, int, int] | None = None
    chosen: str | None = None
    for preference, separator in enumerate(SEPARATORS):
        counts = [line[preference] for line in lines]
        present = [c for c in counts if c]
        if not present:
            continue
        mode = max(set(present), key=lambda c: (present.count(c), c))
        consistency = counts.count(mode) / len(counts)
        score = (consistency, mode, -preference)
        if best is None or score > best:
            best, chosen = score, separator
    return chosen


def _count_separators(text: str) -> list[list[int]]:
    """Per line (outside quotes), how many of each separator; blank lines are skipped."""
    lines: list[list[int]] = []
    counts = [0, 0, 0]
    blank = True
    in_quotes = False
    index = {separator: i for i, separator in enumerate(SEPARATORS)}
    for char in text[:SNIFF_BYTES]:
        if char == '"':
            in_quotes = not in_quotes
            blank = False
        elif in_quotes:
            continue
        elif char == "\n":
            if not blank:
                lines.append(counts)
                if len(lines) >= SNIFF_LINES:
                    return lines
            counts = [0, 0, 0]
            blank = True
        else:
            position = index.get(char)
            if position is not None:
                counts[position] += 1
            if not char.isspace():
                blank = False
    if not blank and len(text) <= SNIFF_BYTES:
        lines.append(counts)  # last line without a final line break
    return lines or [[0, 0, 0]]


def _too_wide(path: Path, error: TooManyColumns) -> InputError:
    count = f"{error.count:,}".replace(",", " ")
    limit = f"{MAX_COLUMNS:,}".replace(",", " ")
    return FileTooLargeError(
        f"La ligne {error.line} du fichier « {path.name} » a {count} colonnes, au-delà des "
        f"{limit} qu'Excel sait ouvrir : le fichier est endommagé, ou son séparateur n'est pas "
        "celui qui a été détecté. Ouvrez-le dans un éditeur de texte pour vérifier cette "
        "ligne, corrigez-la, puis réessayez.",
        en=(
            f"Row {error.line} of file “{path.name}” has {count} columns, beyond the "
            f"{limit} Excel can open: the file is damaged, or its separator is not "
            "the one that was detected. Open it in a text editor to check this "
            "row, correct it, then try again."
        ),
    )


def _malformed(path: Path, line: int, error: csv.Error) -> InputError:
    if "field larger than field limit" in str(error):
        detail = (
            "une cellule y est anormalement longue, sans doute parce qu'un guillemet (\") "
            "ouvert n'est jamais refermé"
        )
        detail_en = (
            'a cell there is abnormally long, no doubt because a quote (") opened is never closed'
        )
    else:
        detail = "sa structure n'est pas celle d'un fichier CSV"
        detail_en = "its structure is not that of a CSV file"
    return InputError(
        f"Le fichier « {path.name} » ne peut pas être lu à partir de la ligne {line} : {detail}. "
        "Vérifiez cette ligne dans un éditeur de texte, corrigez-la, puis réessayez.",
        en=(
            f"File “{path.name}” cannot be read from row {line} on: {detail_en}. "
            "Check this row in a text editor, correct it, then try again."
        ),
    )
