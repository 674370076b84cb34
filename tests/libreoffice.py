"""LibreOffice headless as the real spreadsheet engine of the tests.

- `convert(src, fmt, outdir)`: load a workbook and save it in another format (`soffice
  --convert-to`); a file LibreOffice cannot load fails the test with soffice's output.
  `convert_all(sources, fmt, outdir)` does several files with one soffice start.
- `ods_validations(ods)`: the data validations of a converted .ods and the cell ranges that
  use them, read from its content.xml; `validation_at(validations, sheet, cell)` picks one;
  `ods_sheets(ods)`: its sheets, visible or hidden, protected or not.
- `validity_of(xlsx, sheet, entries)`: whether LibreOffice's data validation accepts values
  typed into cells, asked through UNO to an office started by `LibreOfficeServer` (the UNO side,
  tests/lo_validity.py, runs under the system Python that has the `uno` module).

The fixtures (`soffice`, `lo_server`) are in conftest.py; tests using them are marked
`libreoffice`. scripts/system-deps.sh installs LibreOffice.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import signal
import subprocess
import tempfile
import uuid
import zipfile
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import NoReturn
from xml.etree import ElementTree

import pytest
from openpyxl.utils import get_column_letter, range_boundaries

SYSTEM_PYTHON = "/usr/bin/python3"  # Debian's python3-uno only exists for the system Python
VALIDITY_SCRIPT = Path(__file__).with_name("lo_validity.py")
CONVERT_TIMEOUT = 120.0  # seconds; a first start with a fresh profile takes about one
START_TIMEOUT = 60.0
CHECK_TIMEOUT = 120.0


def unavailable(reason: str) -> NoReturn:
    """Skip the test for `reason`, or fail it under CI (CI=true), where skipping hides a gap."""
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{reason} (CI=true: the LibreOffice tests must run, not be skipped)")
    pytest.skip(reason)


def pdftoppm() -> str:
    """Poppler's pdftoppm (a page LibreOffice printed to PDF, as a PNG a person can look at),
    or the test skipped, failed under CI, where scripts/system-deps.sh installs it."""
    binary = shutil.which("pdftoppm")
    if binary is None:
        unavailable("pdftoppm is not installed (poppler-utils: scripts/system-deps.sh)")
    return binary


def find_soffice() -> str | None:
    """The soffice binary on PATH, or None."""
    return shutil.which("soffice")


def uno_problem() -> str | None:
    """Why the system Python cannot drive LibreOffice through UNO, or None when it can."""
    if not Path(SYSTEM_PYTHON).exists():
        return f"{SYSTEM_PYTHON} not found"
    probe = subprocess.run(
        [SYSTEM_PYTHON, "-c", "import uno"], capture_output=True, text=True, check=False
    )
    if probe.returncode != 0:
        return f"{SYSTEM_PYTHON} cannot import uno (install python3-uno): {probe.stderr.strip()}"
    return None


def _kill_group(process: subprocess.Popen[str]) -> None:
    """End a process started in its own session, and its children (soffice.bin)."""
    if process.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait()
    else:  # the launcher is gone; its children may not be
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)


def _run(command: Sequence[str], timeout: float, stdin: str = "") -> tuple[int, str, str]:
    """Run a command in its own process group; on timeout kill the whole group."""
    process = subprocess.Popen(
        command,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        out, err = process.communicate(stdin, timeout=timeout)
    except subprocess.TimeoutExpired:
        _kill_group(process)
        out, err = process.communicate()
        raise AssertionError(
            f"timed out after {timeout:.0f} s: {' '.join(command)}\n{out}\n{err}"
        ) from None
    finally:
        if process.poll() is None:
            _kill_group(process)
    return process.returncode, out, err


@contextlib.contextmanager
def _fresh_profile() -> Iterator[Path]:
    """A new LibreOffice user profile directory, removed afterwards."""
    profile = Path(tempfile.mkdtemp(prefix="client-import-lo-profile-"))
    try:
        yield profile
    finally:
        shutil.rmtree(profile, ignore_errors=True)


#: The PDF export with each sheet on one page of its own size (``convert``'s ``fmt``): a sheet
#: whole, its charts beside its tables, as a person sees it on screen.
ONE_PAGE_A_SHEET = 'pdf:calc_pdf_Export:{"SinglePageSheets":{"type":"boolean","value":"true"}}'


def convert(
    src: Path,
    fmt: str,
    outdir: Path,
    *,
    soffice: str | None = None,
    timeout: float = CONVERT_TIMEOUT,
    infilter: str | None = None,
) -> Path:
    """Convert `src` with LibreOffice headless (`fmt`: "ods", "xlsx", "ods:calc8"...).

    Returns the converted file, `outdir/<src stem>.<extension>`. Each call runs its own soffice
    with a fresh user profile, so calls are independent of any other office running. Fails with
    soffice's output when no file is produced, which is what LibreOffice does with a file it
    cannot load. `infilter` names the import filter when the extension does not (an .xlam:
    "Calc MS Excel 2007 VBA XML").
    """
    (target,) = convert_all([src], fmt, outdir, soffice=soffice, timeout=timeout, infilter=infilter)
    return target


def convert_all(
    sources: Sequence[Path],
    fmt: str,
    outdir: Path,
    *,
    soffice: str | None = None,
    timeout: float = CONVERT_TIMEOUT,
    infilter: str | None = None,
) -> list[Path]:
    """`convert` for several files with a single soffice start (about one second saved each)."""
    binary = soffice or find_soffice()
    if binary is None:
        raise AssertionError("LibreOffice (soffice) is not installed: run scripts/system-deps.sh")
    sources = [Path(src).resolve() for src in sources]
    outdir = Path(outdir).resolve()
    outdir.mkdir(parents=True, exist_ok=True)
    targets = [outdir / f"{src.stem}.{fmt.split(':', 1)[0]}" for src in sources]
    if len(set(targets)) != len(targets):
        raise ValueError(f"two sources would be converted to the same file in {outdir}")
    for src, target in zip(sources, targets, strict=True):
        if target == src:
            raise ValueError(f"converting {src} onto itself: choose another outdir")
        target.unlink(missing_ok=True)
    with _fresh_profile() as profile:
        command = [
            binary,
            "--headless",
            "--norestore",
            "--nologo",
            "--nolockcheck",
            f"-env:UserInstallation={profile.as_uri()}",
            *([f"--infilter={infilter}"] if infilter else []),
            "--convert-to",
            fmt,
            "--outdir",
            str(outdir),
            *map(str, sources),
        ]
        code, out, err = _run(command, timeout)
    for src, target in zip(sources, targets, strict=True):
        assert target.is_file(), (
            f"LibreOffice did not convert {src.name} to {fmt} (the file does not load?): "
            f"exit status {code}\ncommand: {' '.join(command)}\nstdout: {out.strip()}\n"
            f"stderr: {err.strip()}"
        )
    return targets


# --- data validations of an .ods ---------------------------------------------------------------

TABLE = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
TEXT = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
_ROW_GROUPS = {
    f"{{{TABLE}}}{name}" for name in ("table-row-group", "table-header-rows", "table-rows")
}
_ROW = f"{{{TABLE}}}table-row"
_CELLS = {f"{{{TABLE}}}table-cell", f"{{{TABLE}}}covered-table-cell"}


def _t(name: str) -> str:
    return f"{{{TABLE}}}{name}"


@dataclass(frozen=True)
class CellRange:
    """A rectangle of cells: `CellRange("Data", "B2:B1001")`; one cell is written "B2"."""

    sheet: str
    ref: str

    def __str__(self) -> str:
        return f"{self.sheet}!{self.ref}"

    def contains(self, other: CellRange) -> bool:
        """Whether `other` lies inside this range (same sheet)."""
        if other.sheet != self.sheet:
            return False
        c0, r0, c1, r1 = _bounds(self.ref)
        d0, s0, d1, s1 = _bounds(other.ref)
        return c0 <= d0 and d1 <= c1 and r0 <= s0 and s1 <= r1


def _bounds(ref: str) -> tuple[int, int, int, int]:
    """(first column, first row, last column, last row), 1-based, of "B2" or "B2:C9"."""
    c0, r0, c1, r1 = range_boundaries(ref.replace("$", ""))
    assert c0 is not None and r0 is not None and c1 is not None and r1 is not None, ref
    return c0, r0, c1, r1


def _ref(c0: int, r0: int, c1: int, r1: int) -> str:
    first = f"{get_column_letter(c0)}{r0}"
    return first if (c0, r0) == (c1, r1) else f"{first}:{get_column_letter(c1)}{r1}"


@dataclass(frozen=True)
class OdsValidation:
    """One `table:content-validation` and the cells that use it.

    `condition` is LibreOffice's text, e.g. "of:cell-content-is-whole-number() and
    cell-content-is-between(0,100)" or "of:cell-content-is-in-list([$Listes.$A$1:.$A$4])".
    `error_type` is "stop", "warning" or "information"; `display_list` "unsorted", "sorted" or
    "none" (the dropdown arrow of a list).
    """

    name: str
    condition: str
    allow_empty: bool
    display_list: str
    base_cell: str | None
    help_display: bool
    help_title: str
    help_text: str
    error_display: bool
    error_title: str
    error_text: str
    error_type: str
    ranges: tuple[CellRange, ...]

    @property
    def formula(self) -> str:
        """The condition without its namespace prefix ("of:")."""
        return re.sub(r"^[a-z]+:", "", self.condition)

    @property
    def kind(self) -> str:
        """list, whole, decimal, date, time, text-length or custom."""
        formula = self.formula
        for marker, kind in (
            ("cell-content-is-in-list(", "list"),
            ("cell-content-is-whole-number()", "whole"),
            ("cell-content-is-decimal-number()", "decimal"),
            ("cell-content-is-date()", "date"),
            ("cell-content-is-time()", "time"),
            ("cell-content-text-length", "text-length"),
        ):
            if formula.startswith(marker):
                return kind
        return "custom"

    def _list_argument(self) -> str | None:
        formula = self.formula
        prefix = "cell-content-is-in-list("
        if not formula.startswith(prefix) or not formula.endswith(")"):
            return None
        return formula[len(prefix) : -1]

    @property
    def list_source(self) -> str | None:
        """Where a list takes its values: a range "$Listes.$A$1:$A$4" or a name "Civilites".

        None for a list written in the rule itself (see `list_values`) and for other kinds.
        """
        argument = self._list_argument()
        if argument is None or argument.startswith('"'):
            return None
        if argument.startswith("["):
            return argument.strip("[]").replace(":.", ":")
        return argument

    @property
    def list_values(self) -> tuple[str, ...] | None:
        """The values of a list written in the rule itself ("Y,N"); None otherwise."""
        argument = self._list_argument()
        if argument is None or not argument.startswith('"'):
            return None
        return tuple(
            value.replace('""', '"') for value in re.findall(r'"((?:[^"]|"")*)"', argument)
        )

    def covers(self, sheet: str, ref: str) -> bool:
        """Whether every cell of `ref` on `sheet` uses this validation."""
        wanted = CellRange(sheet, ref)
        return any(found.contains(wanted) for found in self.ranges)


def _paragraphs(element: ElementTree.Element | None) -> str:
    if element is None:
        return ""
    return "\n".join("".join(p.itertext()) for p in element.iter(f"{{{TEXT}}}p"))


def _rows(container: ElementTree.Element) -> Iterator[ElementTree.Element]:
    for child in container:
        if child.tag == _ROW:
            yield child
        elif child.tag in _ROW_GROUPS:
            yield from _rows(child)


def _used_ranges(root: ElementTree.Element) -> dict[str, list[CellRange]]:
    """For each validation name, the rectangles of cells that carry it, merged."""
    rectangles: dict[tuple[str, str], list[list[int]]] = {}  # (name, sheet) -> [c0, r0, c1, r1]
    for table in root.iter(_t("table")):
        sheet = table.get(_t("name"), "")
        row = 1
        for row_element in _rows(table):
            repeat_rows = int(row_element.get(_t("number-rows-repeated"), "1"))
            column = 1
            for cell in row_element:
                if cell.tag not in _CELLS:
                    continue
                repeat_columns = int(cell.get(_t("number-columns-repeated"), "1"))
                name = cell.get(_t("content-validation-name"))
                if name is not None:
                    found = rectangles.setdefault((name, sheet), [])
                    last = found[-1] if found else None
                    end_column, end_row = column + repeat_columns - 1, row + repeat_rows - 1
                    if last is not None and last[1:4:2] == [row, end_row] and last[2] == column - 1:
                        last[2] = end_column  # continues the previous cells of the same rows
                    else:
                        found.append([column, row, end_column, end_row])
                column += repeat_columns
            row += repeat_rows
    merged: dict[str, list[CellRange]] = {}
    for (name, sheet), found in rectangles.items():
        stacked: list[list[int]] = []
        for c0, r0, c1, r1 in sorted(found, key=lambda r: (r[0], r[2], r[1])):
            previous = stacked[-1] if stacked else None
            if previous is not None and previous[0::2] == [c0, c1] and previous[3] == r0 - 1:
                previous[3] = r1
            else:
                stacked.append([c0, r0, c1, r1])
        merged.setdefault(name, []).extend(
            CellRange(sheet, _ref(*r)) for r in sorted(stacked, key=lambda r: (r[1], r[0]))
        )
    return merged


def ods_validations(ods: Path) -> list[OdsValidation]:
    """The data validations declared in an .ods file, with the cell ranges that use each."""
    with zipfile.ZipFile(ods) as archive:
        root = ElementTree.fromstring(archive.read("content.xml"))
    used = _used_ranges(root)
    validations = []
    for rule in root.iter(_t("content-validation")):
        name = rule.get(_t("name"), "")
        help_message = rule.find(_t("help-message"))
        error_message = rule.find(_t("error-message"))
        validations.append(
            OdsValidation(
                name=name,
                condition=rule.get(_t("condition"), ""),
                allow_empty=rule.get(_t("allow-empty-cell"), "true") == "true",
                display_list=rule.get(_t("display-list"), "unsorted"),
                base_cell=rule.get(_t("base-cell-address")),
                help_display=help_message is not None
                and help_message.get(_t("display"), "false") == "true",
                help_title="" if help_message is None else help_message.get(_t("title"), ""),
                help_text=_paragraphs(help_message),
                error_display=error_message is not None
                and error_message.get(_t("display"), "false") == "true",
                error_title="" if error_message is None else error_message.get(_t("title"), ""),
                error_text=_paragraphs(error_message),
                error_type="stop"
                if error_message is None
                else error_message.get(_t("message-type"), "stop"),
                ranges=tuple(used.get(name, ())),
            )
        )
    return validations


@dataclass(frozen=True)
class OdsSheet:
    """A sheet of an .ods: its name, whether it is shown and whether it is protected."""

    name: str
    visible: bool
    protected: bool


def ods_sheets(ods: Path) -> list[OdsSheet]:
    """The sheets of an .ods file in order, with their visibility and protection."""
    with zipfile.ZipFile(ods) as archive:
        root = ElementTree.fromstring(archive.read("content.xml"))
    style_ns = "urn:oasis:names:tc:opendocument:xmlns:style:1.0"
    hidden = {
        style.get(f"{{{style_ns}}}name")
        for style in root.iter(f"{{{style_ns}}}style")
        for properties in style.iter(f"{{{style_ns}}}table-properties")
        if properties.get(_t("display")) == "false"
    }
    return [
        OdsSheet(
            name=table.get(_t("name"), ""),
            visible=table.get(_t("style-name")) not in hidden,
            protected=table.get(_t("protected")) == "true",
        )
        for table in root.iter(_t("table"))
    ]


def validation_at(validations: Sequence[OdsValidation], sheet: str, cell: str) -> OdsValidation:
    """The validation that applies to one cell; fails the test when there is none."""
    matching = [v for v in validations if v.covers(sheet, cell)]
    assert matching, f"no data validation on {sheet}!{cell}"
    assert len(matching) == 1, f"several validations on {sheet}!{cell}: {matching}"
    return matching[0]


# --- typing values through UNO -----------------------------------------------------------------


class LibreOfficeServer:
    """A headless soffice listening on a private pipe, with its own user profile.

    `with LibreOfficeServer() as office: office.validity(...)`; the office is killed on exit.
    """

    def __init__(self, soffice: str | None = None) -> None:
        self.soffice = soffice or find_soffice()
        self.accept = f"pipe,name=client_import_{os.getpid()}_{uuid.uuid4().hex[:12]};urp;"
        self._process: subprocess.Popen[str] | None = None
        self._profile: Path | None = None

    def start(self) -> None:
        if self.soffice is None:
            raise AssertionError(
                "LibreOffice (soffice) is not installed: run scripts/system-deps.sh"
            )
        problem = uno_problem()
        if problem is not None:
            raise AssertionError(f"LibreOffice cannot be driven through UNO: {problem}")
        self._profile = Path(tempfile.mkdtemp(prefix="client-import-lo-server-"))
        log = self._profile / "soffice.log"
        with log.open("w") as output:
            self._process = subprocess.Popen(
                [
                    self.soffice,
                    "--headless",
                    "--invisible",
                    "--norestore",
                    "--nologo",
                    "--nodefault",
                    "--nolockcheck",
                    f"-env:UserInstallation={(self._profile / 'user').as_uri()}",
                    f"--accept={self.accept}",
                ],
                stdin=subprocess.DEVNULL,
                stdout=output,
                stderr=subprocess.STDOUT,
                text=True,
                start_new_session=True,
            )
        try:
            self._ask([], wait=START_TIMEOUT)  # returns once the office answers
        except AssertionError as error:
            status = self._process.poll()
            error = AssertionError(f"{error}\nsoffice output: {log.read_text().strip()}")
            self.stop()
            raise AssertionError(
                f"LibreOffice did not start (exit status {status}): {error}"
            ) from None

    def stop(self) -> None:
        if self._process is not None:
            _kill_group(self._process)
            self._process = None
        if self._profile is not None:
            shutil.rmtree(self._profile, ignore_errors=True)
            self._profile = None

    def __enter__(self) -> LibreOfficeServer:
        self.start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()

    def _ask(self, jobs: list[dict[str, object]], wait: float = 10.0) -> list[dict[str, object]]:
        request = json.dumps(
            {"connect": f"{self.accept}StarOffice.ComponentContext", "wait": wait, "jobs": jobs}
        )
        code, out, err = _run(
            [SYSTEM_PYTHON, str(VALIDITY_SCRIPT)], timeout=wait + CHECK_TIMEOUT, stdin=request
        )
        try:
            response = json.loads(out)
        except json.JSONDecodeError:
            response = {"error": f"exit status {code}, no JSON answer: {out.strip()} {err.strip()}"}
        if code != 0 or "error" in response:
            if self._process is not None and self._process.poll() is not None:
                err += f"\nLibreOffice has exited (status {self._process.returncode})"
            raise AssertionError(
                f"{VALIDITY_SCRIPT.name} (exit status {code}): "
                f"{response.get('error', out.strip())}\n{err.strip()}"
            )
        results: list[dict[str, object]] = response["results"]
        return results

    def validity(
        self,
        xlsx: Path,
        sheet: str,
        entries: Mapping[str, str | float],
        *,
        require_validation: bool = True,
    ) -> dict[str, bool]:
        """See `validity_of`."""
        if self._process is None:
            raise RuntimeError("the LibreOffice server is not started")
        for address, value in entries.items():
            if isinstance(value, bool) or not isinstance(value, str | int | float):
                raise TypeError(f"{address}: a value is a str or a number, not {value!r}")
        job = {"file": str(Path(xlsx).resolve()), "sheet": sheet, "entries": dict(entries)}
        (result,) = self._ask([job])
        unvalidated, cells = result["unvalidated"], result["cells"]
        assert isinstance(unvalidated, list) and isinstance(cells, dict), result
        if require_validation and unvalidated:
            raise AssertionError(
                f"no data validation on {sheet}!{', '.join(unvalidated)} of {Path(xlsx).name} "
                "(pass require_validation=False to allow it)"
            )
        return {str(address): bool(valid) for address, valid in cells.items()}


def validity_of(
    xlsx: Path,
    sheet: str,
    entries: Mapping[str, str | float],
    *,
    server: LibreOfficeServer | None = None,
    require_validation: bool = True,
) -> dict[str, bool]:
    """Whether LibreOffice's data validation accepts each value typed into its cell.

    `entries` maps A1 cells of `sheet` to values: a str is entered like typed input (parsed with
    LibreOffice's en-US API rules: "12", "2.5", "2024-03-12" become numbers and dates, "abc"
    stays text, "" empties the cell; a cell formatted as text "@" keeps "01220" as text); a
    number is stored as is. The workbook file is not modified. Returns {cell: accepted}.
    By default a cell without any validation fails the test (the check would prove nothing).
    Uses `server` (the `lo_server` fixture) or starts and kills an office of its own.
    """
    if server is not None:
        return server.validity(xlsx, sheet, entries, require_validation=require_validation)
    with LibreOfficeServer() as office:
        return office.validity(xlsx, sheet, entries, require_validation=require_validation)
