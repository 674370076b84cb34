"""The one entry point for reading the user's file: guards, then the right reader.

The format is decided by the file's content, not its name, because users rename files (a
workbook saved as ``clients.csv`` is read as the workbook it is; ``SourceInfo.kind`` says what
was found):

- a ZIP container is an Excel 2007+ workbook (``xlsx``, ``xlsm``, by the main part's content type
  in ``[Content_Types].xml``) or an OpenDocument spreadsheet (``ods``, by its ``mimetype``);
- an OLE2 compound file is an Excel 97-2003 workbook (``xls``, stream ``Workbook``), or a
  password-protected Excel 2007+ workbook (stream ``EncryptedPackage``);
- anything else that reads as text is a CSV; binary content is refused.

Guards, in this order: the path must name a readable file; it must not be empty; its content must
be a table; its size must be under the limit (:data:`CSV_MAX_BYTES` for text,
:data:`WORKBOOK_MAX_BYTES` for workbooks, or ``max_bytes``); a ZIP package must stay within the
bounds of :mod:`addin.readers.zip_bounds` once decompressed (zip bombs); a workbook must not be
encrypted; the sheet's cells must fit the bounds of :mod:`addin.readers.sheet_bounds`.
Every refusal is an :class:`~addin.errors.InputError` whose message, in French, says what is wrong
and what to do.
"""

from __future__ import annotations

import stat
import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from addin.core.table import Table
from addin.errors import (
    EmptyFileError,
    FileTooLargeError,
    InputError,
    UnsupportedFileError,
    UsageError,
)
from addin.readers.calamine_reader import list_calamine_sheets, read_calamine
from addin.readers.common import encrypted, format_size
from addin.readers.csv_reader import read_csv
from addin.readers.header_row import HeaderScore
from addin.readers.ole import OleFile
from addin.readers.ooxml import NotSure
from addin.readers.progress import ReadProgress, no_progress
from addin.readers.xlsx_hybrid import read_xlsx_hybrid
from addin.readers.xlsx_reader import list_xlsx_sheets, read_xlsx
from addin.readers.zip_bounds import check_archive

#: Largest CSV (or other text) file read, in bytes.
CSV_MAX_BYTES = 100 * 1024 * 1024
#: Largest workbook (.xlsx, .xlsm, .xls, .ods) read, in bytes: a workbook takes far more memory
#: and time per byte than a CSV.
WORKBOOK_MAX_BYTES = 40 * 1024 * 1024

#: Whether .xlsx/.xlsm files go through the hybrid reader (calamine + XML scan) first. The
#: openpyxl reader stays the reference and the fallback; ``False`` forces it (tests of its own
#: behaviour, or to rule the hybrid reader out when a file reads oddly).
XLSX_HYBRID = True

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP_MAGIC = b"PK\x03\x04"
_EMPTY_ZIP_MAGIC = b"PK\x05\x06"
_MAGICS = (
    (b"\x89PNG\r\n\x1a\n", "une image PNG", "a PNG image"),
    (b"\xff\xd8\xff", "une image JPEG", "a JPEG image"),
    (b"GIF87a", "une image GIF", "a GIF image"),
    (b"GIF89a", "une image GIF", "a GIF image"),
    (b"II*\x00", "une image TIFF", "a TIFF image"),
    (b"MM\x00*", "une image TIFF", "a TIFF image"),
    (b"%PDF-", "un document PDF", "a PDF document"),
    (b"\x1f\x8b", "une archive compressée (gzip)", "a compressed archive (gzip)"),
    (b"Rar!\x1a\x07", "une archive RAR", "a RAR archive"),
    (b"7z\xbc\xaf\x27\x1c", "une archive 7-Zip", "a 7-Zip archive"),
    (_EMPTY_ZIP_MAGIC, "une archive ZIP vide", "an empty ZIP archive"),
)
# Main part content types in [Content_Types].xml (compared in lower case).
_XLSX_TYPES = (
    b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
    b"application/vnd.openxmlformats-officedocument.spreadsheetml.template.main+xml",
)
_XLSM_TYPES = (
    b"application/vnd.ms-excel.sheet.macroenabled.main+xml",
    b"application/vnd.ms-excel.template.macroenabled.main+xml",
)
_OTHER_OOXML = (
    (
        b"application/vnd.ms-excel.sheet.binary.macroenabled.main",
        "un classeur Excel binaire (.xlsb)",
        "a binary Excel workbook (.xlsb)",
    ),
    (
        b"application/vnd.ms-excel.addin.macroenabled.main+xml",
        "une macro complémentaire Excel",
        "an Excel add-in",
    ),
    (b"wordprocessingml", "un document Word", "a Word document"),
    (b"presentationml", "une présentation PowerPoint", "a PowerPoint presentation"),
)
_ODS_TYPES = (
    b"application/vnd.oasis.opendocument.spreadsheet",
    b"application/vnd.oasis.opendocument.spreadsheet-template",
)

_T = TypeVar("_T")


def read_table(
    path: Path,
    sheet: str | None = None,
    preferred_sheet: str | None = None,
    max_bytes: int | None = None,
    header_row: int | None = None,
    *,
    header_score: HeaderScore | None = None,
    progress: ReadProgress = no_progress,
) -> Table:
    """Read the user's file into a :class:`Table`.

    ``sheet``: the worksheet asked for by the user (an error if missing); ``preferred_sheet``:
    the one a profile suggests, used when present; otherwise, given ``header_score``, the
    visible sheet whose header row fits best; otherwise the first visible worksheet
    (``SourceInfo.sheet_chosen_by`` says which). CSV files ignore the sheet arguments.

    ``header_row``: the row (CSV: the line) holding the column names; ``None`` finds it among
    the first rows, skipping title lines above it, or recognises a file without column names
    (see :mod:`addin.readers.header_row`; ``SourceInfo.header_found_by``, ``preamble`` and
    ``headerless`` say what was found). ``header_score(headers)`` says how well a row of headers
    fits the profile, from 0 to 1: the best row wins. Row numbers stay those the user sees.

    ``max_bytes`` replaces the default size limits. ``progress(done, total)`` is told the rows
    (CSV: lines) read so far (see :mod:`addin.readers.progress`).
    """
    path = Path(path)
    if header_row is not None and header_row < 1:
        raise UsageError(
            f"La ligne des en-têtes doit être un numéro de ligne (1 ou plus), pas {header_row}.",
            en=(f"The header row must be a row number (1 or more), not {header_row}."),
        )
    size = check_file(path)
    container = _container(path)
    limit = max_bytes
    if limit is None:
        limit = CSV_MAX_BYTES if container == "text" else WORKBOOK_MAX_BYTES
    if size > limit:
        raise _too_large(path, size, limit, container, custom=max_bytes is not None)
    if container == "text":
        data = _guard(path, path.read_bytes)
        return read_csv(path, data, header_row, progress, header_score)
    kind = _workbook_kind(path, container)

    def read(reader: Callable[..., Table]) -> Table:
        return reader(
            path,
            kind,
            size,
            sheet=sheet,
            preferred_sheet=preferred_sheet,
            header_row=header_row,
            header_score=header_score,
            progress=progress,
        )

    if kind not in ("xlsx", "xlsm"):
        return read(read_calamine)
    if XLSX_HYBRID:
        try:
            return read(read_xlsx_hybrid)
        except NotSure:
            pass  # the reason is in the exception, for a debugger; openpyxl decides
    return read(read_xlsx)


def list_sheets(path: Path) -> list[str]:
    """Names of the worksheets of a workbook, in order (hidden ones included); ``[]`` for a CSV."""
    path = Path(path)
    check_file(path)
    container = _container(path)
    if container == "text":
        return []
    kind = _workbook_kind(path, container)
    if kind in ("xlsx", "xlsm"):
        sheets = list_xlsx_sheets(path)
    else:
        sheets = list_calamine_sheets(path, kind)
    return [name for name, _ in sheets]


# --- guards ---------------------------------------------------------------------------------


def check_file(path: Path) -> int:
    """The file's size; :class:`InputError` if it cannot be read, :class:`EmptyFileError` if 0."""
    info = _guard(path, path.stat)
    if stat.S_ISDIR(info.st_mode):
        raise InputError(
            f"« {path} » est un dossier, pas un fichier : choisissez le fichier à vérifier "
            "dans ce dossier.",
            f"“{path}” is a folder, not a file: choose the file to check in this folder.",
        )
    if not stat.S_ISREG(info.st_mode):
        raise InputError(
            f"« {path} » n'est pas un fichier ordinaire : il ne peut pas être lu.",
            f"“{path}” is not a regular file: it cannot be read.",
        )
    if info.st_size == 0:
        raise EmptyFileError(
            f"Le fichier « {path.name} » est vide (0 octet) : il n'y a aucune donnée à vérifier. "
            "Vérifiez que vous avez choisi le bon fichier et qu'il a bien été enregistré.",
            f"The file “{path.name}” is empty (0 bytes): there is no data to check. Make sure "
            "you chose the right file and that it was saved.",
        )
    return info.st_size


def _guard(path: Path, action: Callable[[], _T]) -> _T:
    """Run a file-system action, turning its errors into sentences for the user."""
    try:
        return action()
    except FileNotFoundError:
        raise InputError(
            f"Le fichier « {path} » est introuvable : vérifiez son nom et le dossier où il "
            "se trouve.",
            f"The file “{path}” cannot be found: check its name and the folder it is in.",
        ) from None
    except IsADirectoryError:
        raise InputError(
            f"« {path} » est un dossier, pas un fichier : choisissez le fichier à vérifier "
            "dans ce dossier.",
            f"“{path}” is a folder, not a file: choose the file to check in this folder.",
        ) from None
    except PermissionError:
        raise InputError(
            f"Le fichier « {path.name} » ne peut pas être ouvert : l'accès est refusé. S'il est "
            "ouvert dans une autre application, fermez-le ; sinon, copiez-le dans un dossier "
            "à vous, puis réessayez.",
            f"The file “{path.name}” cannot be opened: access is denied. If another "
            "application has it open, close it; otherwise copy it into a folder of yours, "
            "then try again.",
        ) from None
    except OSError as error:
        raise InputError(
            f"Le fichier « {path.name} » ne peut pas être lu ({error.strerror or 'erreur'}) : "
            "copiez-le sur votre ordinateur, puis réessayez.",
            en=(
                f"File “{path.name}” cannot be read ({error.strerror or 'error'}): "
                "copy it to your computer, then try again."
            ),
        ) from None


def _container(path: Path) -> str:
    """``"zip"``, ``"ole"`` or ``"text"``; known binary formats are refused by name."""
    with _guard(path, lambda: path.open("rb")) as handle:
        head = _guard(path, lambda: handle.read(8))
    if head.startswith(_ZIP_MAGIC):
        return "zip"
    if head.startswith(_OLE_MAGIC):
        return "ole"
    for magic, what, what_en in _MAGICS:
        if head.startswith(magic):
            raise _not_a_table(path, what, what_en)
    return "text"


def _too_large(path: Path, size: int, limit: int, container: str, custom: bool) -> InputError:
    if custom:
        limit_text = f"la limite de {format_size(limit)} fixée pour cette vérification"
        limit_en = f"the limit of {format_size(limit, 'en')} set for this check"
    elif container == "text":
        limit_text = f"la limite de {format_size(limit)} acceptée pour un fichier CSV"
        limit_en = f"the limit of {format_size(limit, 'en')} accepted for a CSV file"
    else:
        limit_text = f"la limite de {format_size(limit)} acceptée pour un classeur"
        limit_en = f"the limit of {format_size(limit, 'en')} accepted for a workbook"
    advice = "découpez-le en plusieurs fichiers plus petits, puis vérifiez-les un par un"
    advice_en = "split it into several smaller files, then check them one by one"
    if container != "text" and not custom:
        advice = f"enregistrez-le au format CSV (jusqu'à {format_size(CSV_MAX_BYTES)}) ou {advice}"
        advice_en = f"save it as CSV (up to {format_size(CSV_MAX_BYTES, 'en')}) or {advice_en}"
    return FileTooLargeError(
        f"Le fichier « {path.name} » fait {format_size(size)}, au-delà de {limit_text} : {advice}.",
        en=(f"File “{path.name}” is {format_size(size, 'en')}, beyond {limit_en}: {advice_en}."),
    )


def _not_a_table(path: Path, what: str, what_en: str) -> UnsupportedFileError:
    return UnsupportedFileError(
        f"Le fichier « {path.name} » est en réalité {what}, et non un tableau : choisissez le "
        "classeur Excel (.xlsx, .xls), OpenDocument (.ods) ou le fichier CSV qui contient les "
        "données à vérifier.",
        en=(
            f"File “{path.name}” is in fact {what_en}, not a table: choose the "
            "Excel workbook (.xlsx, .xls), OpenDocument (.ods) or CSV file that holds the "
            "data to check."
        ),
    )


# --- workbook containers --------------------------------------------------------------------


def _workbook_kind(path: Path, container: str) -> str:
    """``"xlsx"``, ``"xlsm"``, ``"xls"`` or ``"ods"``, from the container's content."""
    if container == "ole":
        return _ole_kind(path)
    try:
        with zipfile.ZipFile(path) as archive:
            check_archive(archive, path.name)  # before any part is read: no zip bomb
            names = set(archive.namelist())
            if "[Content_Types].xml" in names:
                types = archive.read("[Content_Types].xml").lower()
                if any(t in types for t in _XLSM_TYPES):
                    return "xlsm"
                if any(t in types for t in _XLSX_TYPES):
                    return "xlsx"
                for marker, what, what_en in _OTHER_OOXML:
                    if marker in types:
                        raise _not_a_table(path, what, what_en)
            if "xl/workbook.xml" in names:
                return "xlsx"
            if "mimetype" in names:
                mimetype = archive.read("mimetype").strip()
                if mimetype in _ODS_TYPES:
                    manifest = b""
                    if "META-INF/manifest.xml" in names:
                        manifest = archive.read("META-INF/manifest.xml")
                    if b"encryption-data" in manifest:
                        raise encrypted(path, opendocument=True)
                    return "ods"
                if mimetype.startswith(b"application/vnd.oasis.opendocument.text"):
                    raise _not_a_table(
                        path,
                        "un document texte OpenDocument (Writer)",
                        "an OpenDocument text document (Writer)",
                    )
                raise _not_a_table(
                    path,
                    "un document OpenDocument d'un autre type",
                    "an OpenDocument document of another type",
                )
    except (zipfile.BadZipFile, zipfile.LargeZipFile, KeyError, OSError, EOFError, zlib.error):
        raise UnsupportedFileError(
            f"Le fichier « {path.name} » est endommagé (archive incomplète ou corrompue) : il ne "
            "peut pas être lu. Ouvrez-le dans Excel, enregistrez-le à nouveau au format .xlsx, "
            "puis réessayez.",
            en=(
                f"File “{path.name}” is damaged (incomplete or corrupt archive): it cannot "
                "be read. Open it in Excel, save it again as .xlsx, "
                "then try again."
            ),
        ) from None
    raise UnsupportedFileError(
        f"Le fichier « {path.name} » est une archive ZIP, pas un classeur : décompressez-la, "
        "puis choisissez le classeur ou le fichier CSV qu'elle contient.",
        en=(
            f"File “{path.name}” is a ZIP archive, not a workbook: unzip it, "
            "then choose the workbook or CSV file it holds."
        ),
    )


def _ole_kind(path: Path) -> str:
    ole = OleFile.parse(_guard(path, path.read_bytes))
    streams = set() if ole is None else set(ole.entries)
    if "EncryptedPackage" in streams:
        raise encrypted(path)
    if ole is None or "Workbook" in streams or "Book" in streams:
        if ole is not None and ole.workbook_is_encrypted():
            raise encrypted(path)
        return "xls"  # an unparsable directory: calamine will say whether it is a workbook
    if "WordDocument" in streams:
        raise _not_a_table(path, "un document Word (.doc)", "a Word document (.doc)")
    if "PowerPoint Document" in streams:
        raise _not_a_table(
            path, "une présentation PowerPoint (.ppt)", "a PowerPoint presentation (.ppt)"
        )
    raise _not_a_table(
        path, "un document Office d'un autre type", "an Office document of another type"
    )


def ole_stream_names(data: bytes) -> set[str]:
    """Names of the storages and streams of an OLE2 compound file; empty if it cannot be parsed."""
    ole = OleFile.parse(data)
    return set() if ole is None else set(ole.entries) - {"Root Entry"}
