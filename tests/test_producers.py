"""Workbooks from every producer accountants meet: each command writes one that still opens.

The producers matrix (issue 14, part 1). Workbooks are generated during the run by openpyxl,
XlsxWriter, pandas (both of its .xlsx engines) and LibreOffice (from an .ods and from a .csv);
the Excel-saved quickstart .xlsm of tests/fixtures/files is filled with rows as Excel writes
them; two layouts are rewritten from openpyxl's output (labelled ``synthetic``: the layout an
older openpyxl wrote, and every liberty XML allows at once); the rest are real files from Google
Sheets, Apple Numbers, WPS Office, Tencent Office and .NET writers, found in public repositories
(tests/fixtures/producers/README.md gives each one's source and licence).

For each workbook: ``validate --annotate`` and ``--in-place``, ``clear``, ``fix``, ``undo``,
``map --write``, and a push's write-back (``outcome_writer.write_outcomes``, with a platform
message holding characters XML forbids). Every file written must open in openpyxl,
python-calamine and LibreOffice (one soffice run for all of them), re-validate to the same
report, and ``clear``/``undo`` must give the original back part for part.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import shutil
import warnings
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import pytest
import xlsxwriter  # type: ignore[import-untyped]
from openpyxl import load_workbook
from python_calamine import CalamineWorkbook
from typer.testing import CliRunner

from addin.core.outcomes import HistoryLine, RowOutcome
from addin.files.outcome_writer import write_outcomes
from addin.readers.reader import list_sheets, read_table
from addin.shells.cli import app
from tests.libreoffice import convert_all, ods_sheets
from tests.user_workbooks import read_parts, write_macro_workbook, write_parts

FIXTURES = Path(__file__).parent / "fixtures" / "producers"
PROFILE = "flokon"
HEADERS = ["Prénom", "Nom", "Téléphone", "SMS/Appel", "Ville", "Code postal"]
ROWS: list[list[object]] = [
    ["Marie", "Tremblay", "418-555-0134", "SMS", "Québec", "G1R 2T3"],
    [" Paul ", "Roy", "4185550199", "texto", "Lévis", "g6v 1a1"],
    ["Anne", "Roy", "418 555 0188", "appel", "Lévis", "G6V 1A1"],
]
#: a platform's message as it may come back: U+FFFF and a lone surrogate, which XML forbids
HOSTILE_MESSAGE = "Email : format invalide \uffff \ud800 fin"
runner = CliRunner()


# --- the producers ------------------------------------------------------------------------------


def _openpyxl(path: Path) -> None:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Clients"
    for row in [HEADERS, *ROWS]:
        sheet.append(row)
    book.save(path)


def _xlsxwriter(path: Path) -> None:
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("Clients")
    for number, row in enumerate([HEADERS, *ROWS]):
        sheet.write_row(number, 0, row)
    book.close()


def _pandas(engine: str) -> Callable[[Path], None]:
    def write(path: Path) -> None:
        frame = pd.DataFrame(ROWS, columns=HEADERS)
        frame.to_excel(path, sheet_name="Clients", index=False, engine=engine)

    return write


def _openpyxl_older_layout(path: Path) -> None:
    """Synthetic: openpyxl's file with the relationships namespace declared on each <sheet>
    and not on the root, as older openpyxl wrote it (issue 14's reproduction)."""
    _openpyxl(path)
    parts = read_parts(path)
    declaration = b' xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
    workbook = parts["xl/workbook.xml"].replace(declaration, b"", 1)
    parts["xl/workbook.xml"] = workbook.replace(b"<sheet ", b"<sheet" + declaration + b" ")
    write_parts(path, parts)


_MAIN = b"http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def _every_liberty(path: Path) -> None:
    """Synthetic: openpyxl's file rewritten with every liberty XML allows at once: the main
    namespace prefixed ``x:`` (as .NET writers do), the relationships prefix ``rel``, a byte
    order mark, single-quoted attributes, new lines inside tags, ``standalone='no'``."""
    import re

    _openpyxl(path)
    parts = read_parts(path)
    for name in ("xl/workbook.xml", "xl/worksheets/sheet1.xml", "xl/styles.xml"):
        data = parts[name]
        data = re.sub(rb"<\?xml[^>]*\?>\s*", b"", data)
        data = re.sub(rb"<(/?)([A-Za-z]\w*)(?=[\s/>])", rb"<\1x:\2", data)
        data = data.replace(b'xmlns="' + _MAIN + b'"', b'xmlns:x="' + _MAIN + b'"')
        data = data.replace(b"xmlns:r=", b"xmlns:rel=").replace(b" r:id=", b" rel:id=")
        data = re.sub(rb'(\w)="([^"\']*)"', rb"\1='\2'", data)
        data = data.replace(b"' ", b"'\n    ")
        parts[name] = b"\xef\xbb\xbf<?xml version='1.0' encoding='UTF-8' standalone='no'?>\n" + data
    write_parts(path, parts)


def _excel_quickstart(path: Path) -> None:
    write_macro_workbook(path, [HEADERS, *ROWS], spans=True)


def _real(name: str) -> Callable[[Path], None]:
    def copy(path: Path) -> None:
        shutil.copy(FIXTURES / name, path)

    return copy


@dataclass(frozen=True)
class Producer:
    name: str
    make: Callable[[Path], None] | None  # None: made by LibreOffice in one batch (see below)
    suffix: str = ".xlsx"


PRODUCERS = [
    Producer("openpyxl", _openpyxl),
    Producer("xlsxwriter", _xlsxwriter),
    Producer("pandas-openpyxl", _pandas("openpyxl")),
    Producer("pandas-xlsxwriter", _pandas("xlsxwriter")),
    Producer("libreoffice-from-ods", None),
    Producer("libreoffice-from-csv", None),
    Producer("excel-xlsm", _excel_quickstart, ".xlsm"),
    Producer("synthetic-openpyxl-older-layout", _openpyxl_older_layout),
    Producer("synthetic-every-liberty", _every_liberty),
    Producer("google-sheets", _real("google_sheets.xlsx")),
    Producer("apple-numbers", _real("apple_numbers.xlsx")),
    Producer("wps-office", _real("wps_office.xlsx")),
    Producer("tencent-office", _real("tencent_office_x_prefix.xlsx")),
    Producer("ns-prefix-on-sheet", _real("ns_prefix_on_sheet.xlsx")),
    Producer("s-prefix-workbook", _real("s_prefix_workbook.xlsx")),
    Producer("dotnet-without-styles", _real("no_styles_part.xlsx")),
]


def _libreoffice_sources(folder: Path) -> list[Path]:
    """An .ods (pandas' odf engine) and a .csv of the same rows, for LibreOffice to convert."""
    ods = folder / "libreoffice-from-ods.ods"
    pd.DataFrame(ROWS, columns=HEADERS).to_excel(ods, sheet_name="Clients", index=False)
    text = folder / "libreoffice-from-csv.csv"
    # with the byte order mark, which tells LibreOffice's CSV import the text is UTF-8
    with text.open("w", encoding="utf-8-sig", newline="") as handle:
        csv.writer(handle).writerows([HEADERS, *ROWS])
    return [ods, text]


# --- running every command on every producer's workbook ---------------------------------------


@dataclass
class Outcome:
    """What the commands did with one producer's workbook."""

    original: Path
    written: dict[str, Path] = field(default_factory=dict)  # command → the workbook it wrote
    reports: dict[str, list[object]] = field(default_factory=dict)  # file → its issues
    cleared: dict[str, dict[str, bytes]] = field(default_factory=dict)
    undone: dict[str, bytes] | None = None
    failures: list[str] = field(default_factory=list)


def _cli(outcome: Outcome, *args: str) -> None:
    result = runner.invoke(app, list(args))
    crashed = result.exception is not None and not isinstance(result.exception, SystemExit)
    if result.exit_code not in (0, 1) or crashed:  # 1 is "issues found", never a traceback
        outcome.failures.append(f"{' '.join(args)} → exit {result.exit_code}: {result.output}")


def _issues(path: Path) -> list[object]:
    result = runner.invoke(app, ["validate", str(path), "-p", PROFILE, "--json"])
    assert result.exit_code in (0, 1), result.output
    issues: list[object] = json.loads(result.stdout)["issues"]
    return issues


def _data_sheet(path: Path) -> str:
    return next(name for name in list_sheets(path) if not name.startswith("CI_"))


def _run_commands(original: Path, work: Path) -> Outcome:
    outcome = Outcome(original)
    suffix = original.suffix
    outcome.reports["original"] = _issues(original)

    marked = work / f"marked{suffix}"
    _cli(outcome, "validate", str(original), "-p", PROFILE, "--annotate", str(marked))
    if marked.exists():  # kept: ``clear`` below works on ``marked`` itself
        outcome.written["annotate"] = shutil.copy(marked, work / f"marked_kept{suffix}")

    in_place = work / f"in_place{suffix}"
    shutil.copy(original, in_place)
    _cli(outcome, "validate", str(in_place), "-p", PROFILE, "--in-place")
    outcome.written["in-place"] = shutil.copy(in_place, work / f"in_place_kept{suffix}")

    for name, path in (("annotate", marked), ("in-place", in_place)):
        if path.exists():
            outcome.reports[name] = _issues(path)
            _cli(outcome, "clear", str(path))
            outcome.cleared[name] = read_parts(path)

    fixed = work / f"fixed{suffix}"
    _cli(outcome, "fix", str(original), "-p", PROFILE, "-o", str(fixed))
    if fixed.exists():
        outcome.written["fix"] = shutil.copy(fixed, work / f"fixed_kept{suffix}")
        _cli(outcome, "undo", str(fixed))
        outcome.undone = read_parts(fixed)

    mapped = work / f"mapped{suffix}"
    _cli(outcome, "map", str(original), "-p", PROFILE, "--write", "-o", str(mapped))
    outcome.written["map"] = mapped
    if mapped.exists():
        outcome.reports["map"] = _issues(mapped)

    pushed = work / f"pushed{suffix}"
    history = HistoryLine(
        dt.datetime(2026, 1, 5, 9, 30), PROFILE, "http://127.0.0.1:8000", "create",
        {"created": 1, "rejected": 1},
    )  # fmt: skip
    outcomes = {
        2: RowOutcome("refusé", None, HOSTILE_MESSAGE),
        3: RowOutcome("créé", "cli_\uffff42", None),
    }
    try:
        write_outcomes(original, _data_sheet(original), 1, outcomes, history, output=pushed)
    except Exception as error:  # reported with the producer's name by the test
        outcome.failures.append(f"push write-back: {type(error).__name__}: {error}")
    outcome.written["push"] = pushed
    return outcome


@pytest.fixture(scope="module")
def outcomes(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Outcome]:
    """Every command run on every producer's workbook (LibreOffice's made in one run)."""
    root = tmp_path_factory.mktemp("producers")
    originals: dict[str, Path] = {}
    for producer in PRODUCERS:
        folder = root / producer.name
        folder.mkdir()
        path = folder / f"original{producer.suffix}"
        if producer.make is not None:
            producer.make(path)
            originals[producer.name] = path
    if shutil.which("soffice"):
        sources = _libreoffice_sources(root)
        for converted in convert_all(sources, "xlsx", root / "converted"):
            target = root / converted.stem / "original.xlsx"
            shutil.copy(converted, target)
            originals[converted.stem] = target
    return {name: _run_commands(path, path.parent) for name, path in sorted(originals.items())}


def _outcome(outcomes: dict[str, Outcome], name: str) -> Outcome:
    if name not in outcomes:
        pytest.skip(f"{name}: LibreOffice is needed to make this workbook")
    return outcomes[name]


NAMES = [producer.name for producer in PRODUCERS]


def _opens_in_openpyxl(path: Path) -> None:
    with warnings.catch_warnings():
        # openpyxl warns about what it does not model in other producers' files (a missing
        # default style, an unknown extension): warnings, not failures to open
        warnings.simplefilter("ignore", UserWarning)
        book = load_workbook(path)
    for sheet in book.worksheets:
        list(sheet.iter_rows(values_only=True))
    book.close()


def _opens_in_calamine(path: Path) -> None:
    book = CalamineWorkbook.from_path(str(path))
    for name in book.sheet_names:
        book.get_sheet_by_name(name).to_python()


@pytest.mark.parametrize("name", NAMES)
def test_every_command_succeeds(outcomes: dict[str, Outcome], name: str) -> None:
    outcome = _outcome(outcomes, name)
    assert outcome.failures == []
    assert set(outcome.written) == {"annotate", "in-place", "fix", "map", "push"}
    for command, path in outcome.written.items():
        assert path.exists(), f"{command} wrote nothing"


@pytest.mark.parametrize("name", NAMES)
def test_what_is_written_opens_in_openpyxl_and_calamine(
    outcomes: dict[str, Outcome], name: str
) -> None:
    outcome = _outcome(outcomes, name)
    for command, path in outcome.written.items():
        try:
            _opens_in_openpyxl(path)
            _opens_in_calamine(path)
        except Exception as error:
            raise AssertionError(f"{name}, {command}: {error}") from error


@pytest.mark.parametrize("name", NAMES)
def test_marked_workbooks_revalidate_to_the_same_report(
    outcomes: dict[str, Outcome], name: str
) -> None:
    outcome = _outcome(outcomes, name)
    # (a mapped workbook's report differs by design: the stored mapping says which columns
    # are left out, so they are no longer reported as unknown)
    for command in ("annotate", "in-place"):
        assert outcome.reports[command] == outcome.reports["original"], command


@pytest.mark.parametrize("name", NAMES)
def test_clear_and_undo_give_back_the_original_part_for_part(
    outcomes: dict[str, Outcome], name: str
) -> None:
    outcome = _outcome(outcomes, name)
    original = read_parts(outcome.original)
    for command, parts in outcome.cleared.items():
        assert parts == original, command
    assert outcome.undone is not None
    # undo writes back the values the fix replaced as inline strings: the data sheet's cells
    # read the same; every other part is the original's
    data_part = _data_part(outcome.original)
    assert {k: v for k, v in outcome.undone.items() if k != data_part} == {
        k: v for k, v in original.items() if k != data_part
    }
    fixed = outcome.written["fix"].with_name(f"fixed{outcome.original.suffix}")
    assert _values(fixed) == _values(outcome.original)


def _data_part(path: Path) -> str:
    from addin.files.xlsx_package import XlsxPackage

    package = XlsxPackage.open(path)
    return package.sheet(_data_sheet(path)).part


def _values(path: Path) -> list[list[object]]:
    table = read_table(path, sheet=_data_sheet(path))
    return [list(table.headers), *[list(column) for column in table.columns]]


@pytest.mark.parametrize("name", NAMES)
def test_the_push_status_shows_what_xml_cannot_hold_as_a_replacement_character(
    outcomes: dict[str, Outcome], name: str
) -> None:
    outcome = _outcome(outcomes, name)
    pushed = outcome.written["push"]
    rows = CalamineWorkbook.from_path(str(pushed)).get_sheet_by_name(_data_sheet(pushed))
    statuses = [str(value) for row in rows.to_python() for value in row if value]
    assert "refusé : Email : format invalide \ufffd \ufffd fin" in statuses
    assert "cli_\ufffd42" in statuses


@pytest.mark.libreoffice
def test_everything_written_opens_in_libreoffice(
    outcomes: dict[str, Outcome], soffice: str, tmp_path: Path
) -> None:
    """One soffice run converts every written workbook; each must load, our sheets in it."""
    sources: list[Path] = []
    for name, outcome in outcomes.items():
        for command, path in outcome.written.items():
            copy = tmp_path / "in" / f"{name}--{command}{path.suffix}"
            copy.parent.mkdir(exist_ok=True)
            sources.append(shutil.copy(path, copy))
    converted = convert_all(sources, "ods", tmp_path / "out", soffice=soffice)
    for ods in converted:
        names = {sheet.name for sheet in ods_sheets(ods)}
        command = ods.stem.rpartition("--")[2]
        expected = {"annotate": "CI_Rapport", "in-place": "CI_Rapport", "map": "CI_Correspondance"}
        if command in expected:
            assert expected[command] in names, ods.stem
        if command == "push":
            assert "CI_Historique" in names, ods.stem


def test_the_producers_fixtures_are_what_the_readme_says() -> None:
    """Each real file is listed in the README with its source; each is a zip package."""
    readme = (FIXTURES / "README.md").read_text(encoding="utf-8")
    for path in FIXTURES.glob("*.xlsx"):
        assert f"`{path.name}`" in readme, path.name
        assert zipfile.is_zipfile(path)
