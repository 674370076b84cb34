"""The open workbook, read live through xlwings, gives the Table and the report of the saved file.

The live side runs through real xlwings ``Book``/``Sheet``/``Range`` objects over the test
engine (``tests/excel_engine.py``: openpyxl answering as Excel's COM does); the file side is the
product's own ``read_table``. The proof: for every workbook fixture and every demo sample saved
as .xlsx, the table and the report are the same, with the profile found the same way or given;
and the calls into Excel do not grow with the rows.

No fixture reads differently. Where real Excel and this proof part ways, and why:

- ``random.xlsx`` and ``encrypted.xlsx`` (:data:`NOT_OPENABLE`) are never an open book: Excel
  refuses the first and asks the password of the second; the file path refuses both.
- A formula saved without its result (files written by openpyxl and other libraries) is a
  ``FormulaCell`` on both sides here, because openpyxl calculates nothing; real Excel computes it
  when the file opens (unless calculation is manual), so live the user's check sees the result
  where the command line says « recalculez ». That is Excel being right, not the reader wrong.
- The mapping the user stored in a ``CI_Correspondance`` sheet is read from the saved file only
  (``files.mapping_sheet`` reads a path); the fixtures have none, and ``assert_same_outcome``
  checks that, so the proof stays honest.
- What only COM shows stays unproven until a session in Excel: ``Decimal`` for currency
  formats, error codes, ``Null`` for mixed formats, the 1900 dates and the visibility codes are
  taken from xlwings' ``_xlwindows.py`` and Excel's documentation and mirrored by the engine.
"""

from __future__ import annotations

import datetime as dt
import decimal
from collections.abc import Callable
from pathlib import Path

import pytest
import xlwings as xw
from openpyxl import Workbook

from addin.core.engine import validate
from addin.core.profile import Profile
from addin.core.profiles import all_profiles
from addin.core.report import Report
from addin.core.table import FormulaCell, Table
from addin.errors import (
    ClientImportError,
    EncryptedFileError,
    FileTooLargeError,
    SheetNotFoundError,
)
from addin.live import read_book_table
from addin.live.values import live_cell
from addin.readers.reader import read_table
from addin.usecases.validation import _header_score, profile_for
from tests import excel_engine
from tests.libreoffice import convert, convert_all

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
DEMO = ROOT / "demo"

#: Workbook fixtures Excel itself cannot show as a sheet, with the reason: the file path refuses
#: them, and there is no open book to compare with.
NOT_OPENABLE = {
    "random.xlsx": "2048 random bytes named .xlsx: Excel refuses to open it, as read_table does",
    "encrypted.xlsx": (
        "an encrypted package: Excel asks for the password before anything is shown (the file "
        "path refuses it with EncryptedFileError); the test engine cannot decrypt"
    ),
}


def workbook_fixtures() -> list[Path]:
    """Every .xlsx/.xlsm under tests/fixtures (a new fixture joins the proof by itself)."""
    return sorted(path for pattern in ("*.xlsx", "*.xlsm") for path in FIXTURES.rglob(pattern))


# --- the same use of the readers on both sides --------------------------------------------------


def file_table(path: Path, profile: Profile | None, sheet: str | None = None) -> Table:
    """What ``validation.load_table`` reads from the saved file (no stored mapping in these)."""
    preferred = profile.file.export.sheet_name if profile else None
    return read_table(
        path, sheet=sheet, preferred_sheet=preferred, header_score=_header_score(profile)
    )


def live_table(
    book: xw.Book, profile: Profile | None, sheet: str | None = None, *, active: bool = False
) -> Table:
    """The same, from the open book."""
    preferred = profile.file.export.sheet_name if profile else None
    return read_book_table(
        book,
        sheet=sheet,
        preferred_sheet=preferred,
        header_score=_header_score(profile),
        active=active,
    )


def report_of(table: Table, profile: Profile | None) -> Report:
    return validate(table, profile_for(table, profile))


def assert_same_table(live: Table, saved: Table) -> None:
    assert live.headers == saved.headers
    assert live.row_numbers == saved.row_numbers
    assert live.columns == saved.columns
    # equal values must have equal types too (1220 vs 1220.0, date vs datetime)
    assert [[type(v) for v in c] for c in live.columns] == [
        [type(v) for v in c] for c in saved.columns
    ]
    assert live.source == saved.source


def assert_same_report(live: Report, saved: Report) -> None:
    assert live.profile.name == saved.profile.name
    for lang in ("fr", "en"):
        assert live.to_dict(lang) == saved.to_dict(lang)
    assert live.rows_with_errors == saved.rows_with_errors
    assert live.file_errors == saved.file_errors


def outcome(read: Callable[[], Table], profile: Profile | None) -> tuple[Table, Report] | str:
    """The table and report, or the sentence the user gets instead."""
    try:
        table = read()
        return table, report_of(table, profile)
    except ClientImportError as error:
        return f"{type(error).__name__}: {error}"


def assert_same_outcome(path: Path, book: xw.Book, profile: Profile | None) -> None:
    saved = outcome(lambda: file_table(path, profile), profile)
    live = outcome(lambda: live_table(book, profile), profile)
    if isinstance(saved, str) or isinstance(live, str):
        assert live == saved
        return
    assert saved[0].mapping is None  # a stored mapping is read from the file only (see report)
    assert_same_table(live[0], saved[0])
    assert_same_report(live[1], saved[1])


PROFILES: list[str | None] = [None, *sorted(all_profiles())]


def assert_proof(path: Path) -> None:
    """The proof for one saved workbook: every way of choosing the profile, both sides alike;
    and read from the sheet the user is on, the same table but for how it was chosen."""
    book = xw.Book(str(path))
    for name in PROFILES:
        profile = None if name is None else all_profiles()[name]
        assert_same_outcome(path, book, profile)
    try:
        saved = file_table(path, None)
    except ClientImportError:
        return
    book.sheets[saved.source.sheet].activate()
    live = live_table(book, None, active=True)
    assert live.source.sheet_chosen_by == "active"
    live.source.sheet_chosen_by = saved.source.sheet_chosen_by
    assert_same_table(live, saved)


# --- the proof --------------------------------------------------------------------------------


@pytest.mark.parametrize("path", workbook_fixtures(), ids=lambda path: path.name)
def test_every_workbook_fixture_reads_live_as_saved(excel: excel_engine.Engine, path: Path) -> None:
    if path.name in NOT_OPENABLE:
        with pytest.raises(ClientImportError) as refused:
            read_table(path)
        if path.name == "encrypted.xlsx":
            assert isinstance(refused.value, EncryptedFileError)
        return
    assert_proof(path)


def test_the_fixtures_are_all_there() -> None:
    """The proof covers the fixtures it is about (a rename would silently shrink it)."""
    names = {path.name for path in workbook_fixtures()}
    assert {
        "clients_lo.xlsx",
        "clients_openpyxl.xlsx",
        "sheets.xlsx",
        "empty_sheet.xlsx",
        "xlwings_quickstart.xlsm",
        *NOT_OPENABLE,
    } <= names


def demo_samples() -> list[Path]:
    return sorted([*(DEMO / "samples").iterdir(), *(DEMO / "autres-outils").iterdir()])


def save_as_xlsx(sample: Path, folder: Path) -> Path:
    """The sample as the user has it once opened and saved as .xlsx: a CSV's cells as the
    product reads them, texts as texts (Excel's « Données > À partir d'un fichier texte » with
    text columns); a workbook as it is."""
    if sample.suffix == ".xlsx":
        return sample
    table = read_table(sample)
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = sample.stem[:31]
    sheet.append(table.headers)
    for i in range(table.row_count):
        sheet.append([column[i] for column in table.columns])
    target = folder / f"{sample.stem}.xlsx"
    book.save(target)
    return target


@pytest.mark.parametrize("sample", demo_samples(), ids=lambda path: path.name)
def test_demo_samples_saved_as_xlsx_read_live_as_saved(
    excel: excel_engine.Engine, sample: Path, tmp_path: Path
) -> None:
    assert_proof(save_as_xlsx(sample, tmp_path))


@pytest.mark.libreoffice
def test_demo_samples_saved_by_libreoffice_read_live_as_saved(
    excel: excel_engine.Engine, soffice: str, tmp_path: Path
) -> None:
    """The same samples re-saved by a spreadsheet application: its styles, cached results."""
    written = [save_as_xlsx(sample, tmp_path) for sample in demo_samples()]
    for path in convert_all(written, "xlsx", tmp_path / "lo", soffice=soffice):
        assert_proof(path)


# --- values as the user sees them ---------------------------------------------------------------


def write_kinds_workbook(path: Path) -> None:
    """Every kind of cell the readers treat apart, on a sheet that is not the first."""
    book = Workbook()
    notes = book.active
    assert notes is not None
    notes.title = "Notes"
    notes.append(["Lisez-moi"])
    sheet = book.create_sheet("Clients")
    sheet.append(["Export du 12/03/2024"])  # a title above the header
    sheet.append([])
    sheet.append(
        [
            "Code",
            "Code postal",
            "Téléphone",
            "Création",
            "Heure",
            "Durée",
            "Montant",
            "Actif",
            "Total",
            "Vide",
        ]
    )
    for n in range(1, 30):
        sheet.append(
            [
                f"{n:05d}",
                1000 + n,
                600000000 + n,
                dt.datetime(2024, 1, n % 28 + 1, 0 if n % 2 else 9, 30 if n % 3 else 0),
                dt.time(n % 24, 15),
                dt.timedelta(hours=20 + n, minutes=5),
                n + 0.25,
                n % 2 == 0,
                f"=G{n + 3}*2" if n % 5 else f'=IF(G{n + 3}>100,"x","")',
                None,
            ]
        )
        row = n + 3
        sheet[f"A{row}"].number_format = "@"
        sheet[f"B{row}"].number_format = "00000"
        sheet[f"C{row}"].number_format = "0# ## ## ## ##" if n % 3 else "0000000000"
        sheet[f"D{row}"].number_format = "DD/MM/YYYY HH:MM" if n % 2 else "DD/MM/YYYY"
        sheet[f"F{row}"].number_format = "[h]:mm:ss"
        sheet[f"G{row}"].number_format = '#,##0.00 "€"' if n % 4 else "#,##0.00"
    sheet["B10"] = "75008"  # text in a zero-padded column
    sheet["C12"] = None  # an empty, formatted cell
    sheet.append([])
    sheet.append(["99999", None, None, None, None, None, None, None, "=NA()", None])
    sheet.append(["C-1", None, None, None, None, None, "#N/A", None, "=1/0", None])
    book.save(path)


def test_every_kind_of_cell_reads_live_as_saved(excel: excel_engine.Engine, tmp_path: Path) -> None:
    path = tmp_path / "kinds.xlsx"
    write_kinds_workbook(path)
    book = xw.Book(str(path))
    saved, live = file_table(path, None, "Clients"), live_table(book, None, "Clients")
    assert_same_table(live, saved)
    assert saved.source.header_row == 3 and saved.source.preamble == ["Export du 12/03/2024"]
    rows = dict(zip(live.headers, live.columns, strict=True))
    assert rows["Code"][0] == "00001"
    assert rows["Code postal"][:2] == ["01001", "01002"]
    assert rows["Code postal"][6] == "75008"
    assert rows["Téléphone"][0] == "06 00 00 00 01" and rows["Téléphone"][2] == "0600000003"
    assert rows["Création"][:3] == [
        dt.datetime(2024, 1, 2, 0, 30),
        dt.datetime(2024, 1, 3, 9, 30),
        dt.date(2024, 1, 4),
    ]
    assert rows["Heure"][0] == "01:15:00" and rows["Durée"][0] == "21:05:00"
    assert rows["Montant"][:2] == [1.25, 2.25]
    assert rows["Actif"][:2] == ["FALSE", "TRUE"]
    assert rows["Total"][0] == FormulaCell("=G4*2")  # openpyxl stores no results
    assert "Vide" in live.headers


@pytest.mark.libreoffice
def test_computed_formulas_errors_and_empty_results_read_live_as_saved(
    excel: excel_engine.Engine, soffice: str, tmp_path: Path
) -> None:
    """Once a spreadsheet application has computed the formulas: results, ``#N/A``,
    ``#DIV/0!``, and a formula whose result is an empty text (an empty cell, not a formula)."""
    written = tmp_path / "kinds.xlsx"
    write_kinds_workbook(written)
    path = convert(written, "xlsx", tmp_path / "lo", soffice=soffice)
    book = xw.Book(str(path))
    saved, live = file_table(path, None, "Clients"), live_table(book, None, "Clients")
    assert_same_table(live, saved)
    total = live.columns[live.headers.index("Total")]
    assert total[:5] == [2.5, 4.5, 6.5, 8.5, None]  # row 8: =IF(G8>100,"x","") gives ""
    assert total[-2:] == ["#N/A", "#DIV/0!"]
    assert live.columns[live.headers.index("Montant")][-1] == "#N/A"  # an error constant


def test_the_engine_answers_as_excel_does(excel: excel_engine.Engine, tmp_path: Path) -> None:
    """What the live reader relies on, through xlwings' public API (``_xlwindows.py``)."""
    path = tmp_path / "kinds.xlsx"
    write_kinds_workbook(path)
    sheet = xw.Book(str(path)).sheets["Clients"]
    assert sheet.range("B4").value == 1001.0 and isinstance(sheet.range("B4").value, float)
    assert sheet.range("A4").value == "00001"
    assert sheet.range("D6").value == dt.datetime(2024, 1, 4)
    assert sheet.range("E4").value == dt.datetime(1899, 12, 30, 1, 15)  # a time: on day 0
    assert sheet.range("F4").value == dt.datetime(1899, 12, 30) + dt.timedelta(hours=21, minutes=5)
    assert isinstance(sheet.range("G4").options("raw").value, decimal.Decimal)  # currency
    assert sheet.range("H4").value is False
    assert sheet.range("J4").value is None
    assert sheet.range("B4:B5").number_format == "00000"
    assert sheet.range("C4:C6").number_format is None  # mixed formats: COM's Null
    assert sheet.range("I4").formula == "=G4*2"
    assert sheet.range("A4:B5").formula == (("00001", "1001"), ("00002", "1002"))
    assert sheet.range("A1:B2").options(ndim=2).value == [
        ["Export du 12/03/2024", None],
        [None, None],
    ]
    assert sheet.used_range.address == "$A$1:$J$35"


def test_errors_read_as_xlwings_reads_them_on_windows(excel: excel_engine.Engine) -> None:
    """COM hands ``#N/A`` as the integer -2146826246: xlwings makes it ``None``, or the text
    with ``err_to_str``; the live reader asks for the text, as the file path reads it."""
    book = xw.Book(str(FIXTURES / "files" / "clients_lo.xlsx"))
    cell = book.sheets["Clients"].range("J5")
    assert cell.options("raw").value == -2146826246
    assert cell.value is None
    assert cell.options(err_to_str=True).value == "#N/A"
    assert cell.formula == "=NA()"


@pytest.mark.parametrize(
    ("value", "number_format", "expected"),
    [
        (1220.0, "00000", "01220"),
        (1220.0, "@", "1220"),
        (1220.0, None, 1220),
        (0.1, "General", 0.1),
        (decimal.Decimal("1200.5"), '#,##0.00 "€"', 1200.5),
        (decimal.Decimal("89"), '#,##0 "€"', 89),
        (612345678.0, "0# ## ## ## ##", "06 12 34 56 78"),
        (True, None, "TRUE"),
        ("", None, None),
        ("#N/A", None, "#N/A"),
        (dt.datetime(2024, 1, 15), "dd/mm/yyyy", dt.date(2024, 1, 15)),
        (dt.datetime(2024, 1, 15, 14, 30), None, dt.datetime(2024, 1, 15, 14, 30)),
        (dt.datetime(1899, 12, 30, 14, 30), "hh:mm", "14:30:00"),
        (dt.datetime(1899, 12, 31, 1, 30), "[h]:mm", "25:30:00"),
        (dt.datetime(1900, 3, 1), "dd/mm/yyyy", dt.date(1900, 3, 1)),
        (dt.datetime(1899, 12, 31), "dd/mm/yyyy", dt.date(1900, 1, 1)),  # Excel's serial 1
        (dt.datetime(2024, 1, 15, tzinfo=dt.UTC), None, dt.date(2024, 1, 15)),
    ],
)
def test_one_cell_as_the_file_path_reads_it(
    value: object, number_format: str | None, expected: object
) -> None:
    converted = live_cell(value, number_format)
    assert converted == expected
    assert type(converted) is type(expected)


def test_dates_of_early_1900_read_as_excel_shows_them(
    excel: excel_engine.Engine, tmp_path: Path
) -> None:
    """Excel's serials count a 29 February 1900 that COM's dates do not: 01/01/1900 (a
    common placeholder for an unknown date) reaches Python as 1899-12-31 and must read as the
    file path reads it, as the user sees it."""
    path = tmp_path / "1900.xlsx"
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["Nom", "Date de naissance", "Durée"])
    for day in (dt.date(1900, 1, 1), dt.date(1900, 2, 27), dt.date(1900, 3, 1)):
        sheet.append(["Dupont", day, dt.timedelta(days=40, hours=1)])
        sheet.cell(sheet.max_row, 3).number_format = "[h]:mm"
    book.save(path)
    live = live_table(xw.Book(str(path)), None)
    assert_same_table(live, file_table(path, None))
    assert live.columns[1] == [dt.date(1900, 1, 1), dt.date(1900, 2, 27), dt.date(1900, 3, 1)]
    assert live.columns[2] == ["961:00:00"] * 3


# --- which sheet ------------------------------------------------------------------------------


def test_the_active_sheet_is_read_unless_it_is_one_of_ours(
    excel: excel_engine.Engine, tmp_path: Path
) -> None:
    path = tmp_path / "kinds.xlsx"
    write_kinds_workbook(path)
    book = xw.Book(str(path))
    book.sheets["Notes"].activate()
    table = read_book_table(book)
    assert (table.source.sheet, table.source.sheet_chosen_by) == ("Notes", "active")

    report = book.sheets.add(name="CI_Rapport", after=book.sheets["Clients"])
    report.range("A1").value = [["Ligne", "Problème"], [4, "Téléphone invalide"]]
    report.activate()
    table = read_book_table(book, header_score=_header_score(None))
    assert (table.source.sheet, table.source.sheet_chosen_by) == ("Clients", "headers")
    assert table.source.sheets == ["Notes", "Clients"]  # ours are never data


def test_hidden_and_very_hidden_sheets_are_not_chosen(
    excel: excel_engine.Engine, tmp_path: Path
) -> None:
    """Excel says -1, 0 or 2 (very hidden, truthy) for a sheet's visibility: only -1 is seen."""
    path = tmp_path / "kinds.xlsx"
    book = Workbook()
    for name, state in (("Paramètres", "veryHidden"), ("Listes", "hidden"), ("Clients", "visible")):
        sheet = book.create_sheet(name)
        sheet.sheet_state = state
        sheet.append(["Code client", "Nom"])
        sheet.append([f"C-{name}", "Dupont"])
    del book["Sheet"]
    book.active = 2
    book.save(path)
    live = live_table(xw.Book(str(path)), None)
    assert (live.source.sheet, live.source.sheet_chosen_by) == ("Clients", "first")
    assert_same_table(live, file_table(path, None))


def test_a_sheet_picked_by_name(excel: excel_engine.Engine, tmp_path: Path) -> None:
    path = tmp_path / "kinds.xlsx"
    write_kinds_workbook(path)
    book = xw.Book(str(path))
    table = read_book_table(book, sheet=" clients ")
    assert (table.source.sheet, table.source.sheet_chosen_by) == ("Clients", "asked")
    with pytest.raises(SheetNotFoundError) as missing:
        read_book_table(book, sheet="Contacts")
    with pytest.raises(SheetNotFoundError) as missing_in_file:
        read_table(path, sheet="Contacts")
    assert str(missing.value) == str(missing_in_file.value)
    assert "« Contacts »" in str(missing.value) and "« Clients »" in str(missing.value)


def test_a_header_row_given(excel: excel_engine.Engine, tmp_path: Path) -> None:
    path = tmp_path / "kinds.xlsx"
    write_kinds_workbook(path)
    book = xw.Book(str(path))
    live = read_book_table(book, sheet="Clients", header_row=3)
    assert_same_table(live, read_table(path, sheet="Clients", header_row=3))
    assert live.source.header_found_by == "asked"


def test_unsaved_changes_are_read(excel: excel_engine.Engine, tmp_path: Path) -> None:
    """What the user typed since the last save is what the ribbon checks."""
    path = tmp_path / "kinds.xlsx"
    write_kinds_workbook(path)
    book = xw.Book(str(path))
    book.sheets["Clients"].range("A4").value = "C-NEW"
    table = read_book_table(book, sheet="Clients")
    assert table.columns[0][0] == "C-NEW"
    assert read_table(path, sheet="Clients").columns[0][0] == "00001"


def test_a_new_book_never_saved(excel: excel_engine.Engine) -> None:
    book = xw.Book()
    book.sheets[0].range("A1").value = [["Code client", "Nom"], ["C1", "Dupont"]]
    table = read_book_table(book)
    assert table.headers == ["Code client", "Nom"]
    assert (table.source.kind, table.source.size_bytes) == ("xlsx", 0)


# --- calls into Excel -----------------------------------------------------------------------------


def write_rows(path: Path, count: int) -> None:
    """``count`` rows of ten columns: texts, codes as text, padded numbers, dates, numbers,
    booleans, blanks and formulas, each column in one format (as real exports are)."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Clients"
    sheet.append(
        [
            "Code client",
            "Nom",
            "Code postal",
            "Téléphone",
            "Email",
            "Date de création",
            "Montant",
            "Actif",
            "Commentaire",
            "Total",
        ]
    )
    for n in range(count):
        row = n + 2
        sheet.append(
            [
                f"C{n:06d}",
                f"Client {n % 97}",
                n % 99999,
                600000000 + n,
                f"client{n}@exemple.fr" if n % 10 else "pas-un-email",
                dt.date(2024, 1, n % 28 + 1),
                n * 1.5,
                n % 2 == 0,
                None if n % 3 else "note",
                f"=G{row}*2",
            ]
        )
        sheet[f"C{row}"].number_format = "00000"
        sheet[f"D{row}"].number_format = "0000000000"
        sheet[f"F{row}"].number_format = "DD/MM/YYYY"
    book.save(path)


def calls_to_read(path: Path, engine: excel_engine.Engine) -> dict[str, int]:
    book = xw.Book(str(path))
    engine.calls.clear()
    table = read_book_table(book, header_score=_header_score(None))
    assert table.row_count == int(path.stem)
    assert table.columns[2][:2] == ["00000", "00001"]
    return dict(engine.calls)


@pytest.mark.slow
def test_calls_do_not_grow_with_the_rows(excel: excel_engine.Engine, tmp_path: Path) -> None:
    small, large = tmp_path / "1000.xlsx", tmp_path / "10000.xlsx"
    write_rows(small, 1_000)
    write_rows(large, 10_000)
    assert calls_to_read(small, excel) == calls_to_read(large, excel)
    assert calls_to_read(large, excel) == {
        "Workbook.Worksheets": 1,  # the sheets' names and whether they are visible
        "Sheet.Name.get": 2,
        "Sheet.Visible.get": 1,
        "Workbook.ActiveSheet": 1,  # the sheet the user is on
        "Sheet.UsedRange": 1,
        "Range.Value.get": 1,  # 110,000 cells in one read (xlwings splits at 4,000,000)
        "Range.Formula.get": 1,  # empty cells: never-computed formulas told from blanks
        "Range.NumberFormat.get": 3,  # Code postal, Téléphone, Montant; dates need none
    }


def test_reads_split_by_xlwings_give_the_same_table(
    excel: excel_engine.Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Above ``max_cells_per_read`` (four million cells in Excel) xlwings reads by chunks of
    rows: one more call per chunk, and the same table once the chunks are put together."""
    path = tmp_path / "kinds.xlsx"
    write_kinds_workbook(path)
    book = xw.Book(str(path))
    whole = live_table(book, None, "Clients")
    monkeypatch.setattr(excel_engine.Range, "max_cells_per_read", 40)  # 4 rows of 10 columns
    excel.calls.clear()
    chunked = live_table(book, None, "Clients")
    assert_same_table(chunked, whole)
    assert excel.calls["Range.Value.get"] == 9  # 35 rows, 4 by 4


def test_a_sheet_used_far_beyond_its_table_is_refused_before_reading(
    excel: excel_engine.Engine, tmp_path: Path
) -> None:
    """A cell formatted at XFD1048576 makes Excel's used range 17 billion cells: refused in one
    sentence, before any value is read, instead of filling the memory."""
    path = tmp_path / "far.xlsx"
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["Code client", "Nom"])
    sheet.append(["C1", "Dupont"])
    sheet.cell(1_048_576, 16_384).number_format = "@"
    book.save(path)
    opened = xw.Book(str(path))
    excel.calls.clear()
    with pytest.raises(FileTooLargeError) as refused:
        read_book_table(opened)
    assert "Range.Value.get" not in excel.calls
    message = str(refused.value)
    assert "1\u00a0048\u00a0576 lignes" in message and "16\u00a0384 colonnes" in message
    assert "supprimez" in message
