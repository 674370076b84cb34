"""A push's outcomes written into the book open in Excel are the file path's outcomes.

The live side is ``LiveWorkbook.write_outcomes`` over the test engine; the file side is
``FileWorkbook.write_outcomes`` on the same workbook saved, as ``push`` calls it. For a user's
workbook and the demo samples: the same status and platform ID columns (headers, cells), the
same history sheet; a second push finds our columns again and adds its history line, also in
the other language. A failed push (no platform ID) leaves the ID an earlier push wrote. The
calls into Excel do not grow with the rows.
"""

from __future__ import annotations

import datetime as dt
import shutil
import warnings
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest
import xlwings as xw
from openpyxl import load_workbook

from addin.core.catalogue import Lang
from addin.core.outcomes import HistoryLine, RowOutcome
from addin.errors import InputError, SheetNotFoundError, UsageError
from addin.files.file_workbook import open_workbook
from addin.live.workbook import LiveWorkbook
from addin.readers.reader import read_table
from tests import excel_engine
from tests.test_live_read import demo_samples, save_as_xlsx
from tests.test_marks import HEADERS, ROWS
from tests.user_workbooks import write_rows, write_user_workbook


def read(path: Path) -> Any:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        return load_workbook(path)


def shown(path: Path) -> dict[str, Any]:
    """Every sheet's cells (and our history's widths) in ``path``."""
    book = read(path)
    seen: dict[str, Any] = {"sheets": [ws.title for ws in book.worksheets]}
    for ws in book.worksheets:
        seen[ws.title] = {
            cell.coordinate: cell.value
            for row in ws.iter_rows()
            for cell in row
            if cell.value is not None
        }
        if ws.title.startswith("CI_"):
            seen[f"{ws.title} frozen"] = ws.freeze_panes
            seen[f"{ws.title} widths"] = [
                ws.column_dimensions[letter].width for letter in "ABCDEFGHIJ"
            ]
            seen[f"{ws.title} tables"] = [
                (t.name, t.ref, [c.name for c in t.tableColumns], t.tableStyleInfo.name)
                for t in ws.tables.values()
            ]
    return seen


def history(when: str, mode: str = "upsert", created: int = 2) -> HistoryLine:
    return HistoryLine(
        dt.datetime.fromisoformat(when),
        "flokon",
        "https://user:secret@plateforme.exemple/api?token=x",
        mode,
        {"created": created, "rejected": 1, "not_sent": 1},
    )


def outcomes_for(rows: list[int], failed_ids: bool = False) -> dict[int, RowOutcome]:
    """A created row, a refused one (with the platform's message), an updated one, a row
    held back by the checks; with ``failed_ids`` every row failed and no ID came back."""
    found: dict[int, RowOutcome] = {}
    for n, row in enumerate(rows):
        if failed_ids:
            found[row] = RowOutcome("erreur", None, "délai dépassé", f"K{row}")
        elif n % 4 == 0:
            found[row] = RowOutcome("créé", f"cli_{row:05d}", None, f"K{row}")
        elif n % 4 == 1:
            found[row] = RowOutcome("refusé", None, "Email : format invalide", f"K{row}")
        elif n % 4 == 2:
            found[row] = RowOutcome("mis à jour", f"0{row}", None, f"K{row}")
        else:
            found[row] = RowOutcome("non envoyé", None, "Téléphone invalide", f"K{row}")
    return found


def write_both(
    live: LiveWorkbook,
    path: Path,
    *,
    sheet: str,
    header_row: int,
    outcomes: Mapping[int, RowOutcome],
    line: HistoryLine,
    lang: Lang = "fr",
) -> None:
    """The same push written live and into the saved file (in place)."""
    live.write_outcomes(sheet, header_row, outcomes, line, lang)
    with open_workbook(path) as book:
        book.write_outcomes(sheet, header_row, outcomes, line, lang)
        book.save(path.with_name("written.xlsx"))
    shutil.move(path.with_name("written.xlsx"), path)


def assert_outcomes_alike(source: Path, folder: Path) -> None:
    folder.mkdir(parents=True)
    on_file = folder / source.name
    shutil.copyfile(source, on_file)
    shutil.copyfile(source, folder / f"live-{source.name}")
    book = xw.Book(str(folder / f"live-{source.name}"))
    live = LiveWorkbook(book, active=False)
    table = read_table(source)
    sheet, header_row = table.source.sheet or "", table.source.header_row
    rows = table.row_numbers
    first = history("2026-12-07 06:00")
    write_both(
        live, on_file, sheet=sheet, header_row=header_row, outcomes=outcomes_for(rows), line=first
    )
    book.save(str(folder / "live-saved.xlsx"))
    assert shown(folder / "live-saved.xlsx") == shown(on_file)
    # a second push of the first rows, in English: our columns found again, the history moved
    again = outcomes_for(rows[:2])
    second = history("2026-12-07 07:00")
    write_both(
        live, on_file, sheet=sheet, header_row=header_row, outcomes=again, line=second, lang="en"
    )
    book.save(str(folder / "live-saved.xlsx"))
    seen = shown(folder / "live-saved.xlsx")
    assert seen == shown(on_file)
    assert seen["sheets"][-1] == "CI_History"
    assert len(seen["CI_History"]) == 3 * 10
    # the history's table grew to the new line (the French sheet's went with it)
    assert [(name, ref) for name, ref, _c, _s in seen["CI_History tables"]] == [
        ("ClientImport_History", "A1:J3")
    ]
    book.close()


# --- the proof ----------------------------------------------------------------------------------


def test_a_users_workbook_gets_the_outcomes_live_as_on_file(
    excel: excel_engine.Engine, tmp_path: Path
) -> None:
    source = write_user_workbook(
        tmp_path / "clients.xlsx", HEADERS, ROWS, formulas={"I5": "=J5"}, merged="K1:L1"
    )
    assert_outcomes_alike(source, tmp_path / "run")
    seen = shown(tmp_path / "run" / "live-saved.xlsx")
    # right of the merged heading over K1:L1, the last column used
    assert (seen["Clients"]["M1"], seen["Clients"]["N1"]) == (
        "Statut envoi (client-import)",
        "ID plateforme (client-import)",
    )
    assert seen["Clients"]["M5"] == "non envoyé : Téléphone invalide"
    assert seen["Clients"]["N4"] == "04"  # an ID that looks like a number stays its text
    assert seen["CI_History"]["C2"] == "https://plateforme.exemple/api"  # no secret kept


@pytest.mark.parametrize("sample", demo_samples(), ids=lambda path: path.name)
def test_demo_samples_get_the_outcomes_live_as_on_file(
    excel: excel_engine.Engine, sample: Path, tmp_path: Path
) -> None:
    assert_outcomes_alike(save_as_xlsx(sample, tmp_path), tmp_path / "run")


def test_a_failed_push_keeps_the_id_an_earlier_push_wrote(
    excel: excel_engine.Engine, tmp_path: Path
) -> None:
    """Live as on the file: the IDs a push wrote stay when the next push fails for every row
    (no ID came back); the statuses say what happened."""
    source = write_rows(tmp_path / "c.xlsx", HEADERS, ROWS, sheet="Clients")
    shutil.copyfile(source, tmp_path / "live.xlsx")
    book = xw.Book(str(tmp_path / "live.xlsx"))
    live = LiveWorkbook(book, active=False)
    rows = [2, 3, 4, 5]
    first, then = history("2026-12-07 06:00"), history("2026-12-07 07:00", created=0)
    write_both(live, source, sheet="Clients", header_row=1, outcomes=outcomes_for(rows), line=first)
    sheet = book.sheets["Clients"]
    assert [row[0] for row in sheet.range("L2:L5").raw_value] == ["cli_00002", None, "04", None]
    failed = outcomes_for(rows, failed_ids=True)
    write_both(live, source, sheet="Clients", header_row=1, outcomes=failed, line=then)
    assert [row[0] for row in sheet.range("L2:L5").raw_value] == ["cli_00002", None, "04", None]
    statuses = [row[0] for row in sheet.range("K2:K5").raw_value]
    assert statuses == ["erreur : délai dépassé"] * 4
    book.save(str(tmp_path / "live-saved.xlsx"))
    assert shown(tmp_path / "live-saved.xlsx") == shown(source)


def test_what_the_file_path_refuses_is_refused_live_before_anything_is_written(
    excel: excel_engine.Engine, tmp_path: Path
) -> None:
    source = write_rows(tmp_path / "c.xlsx", HEADERS, ROWS, sheet="Clients")
    book = xw.Book(str(source))
    live = LiveWorkbook(book, active=False)
    line = history("2026-12-07 06:00")
    with pytest.raises(SheetNotFoundError, match="pas de feuille « Clientes »"):
        live.write_outcomes("Clientes", 1, outcomes_for([2]), line, "fr")
    with pytest.raises(UsageError, match="feuille de client-import"):
        live.write_outcomes("CI_Historique", 1, outcomes_for([2]), line, "fr")
    book.sheets.add(name="CI_Historique", after=book.sheets[-1]).range("A1").raw_value = "à moi"
    with pytest.raises(UsageError, match=r"déjà une feuille « CI_Historique ».*relancez l'envoi"):
        live.write_outcomes("Clients", 1, outcomes_for([2]), line, "fr")
    assert book.sheets["Clients"].range("K1").raw_value is None
    book.sheets["CI_Historique"].delete()
    book.sheets["Clients"].range("XFD1").raw_value = "la dernière colonne"
    with pytest.raises(InputError, match="jusqu'à XFD"):
        live.write_outcomes("Clients", 1, outcomes_for([2]), line, "fr")


# --- calls into Excel ---------------------------------------------------------------------------


def outcome_calls(engine: excel_engine.Engine, folder: Path, count: int) -> dict[str, int]:
    rows = [[f"Client {n}", "Roy", f"418-555-{n:04d}"] for n in range(count)]
    source = write_rows(folder / f"rows-{count}.xlsx", HEADERS[:3], rows, sheet="Clients")
    book = xw.Book(str(source))
    live = LiveWorkbook(book, active=False)
    outcomes = outcomes_for(list(range(2, count + 2)))
    engine.calls.clear()
    live.write_outcomes("Clients", 1, outcomes, history("2026-12-07 06:00"), "fr")
    return dict(engine.calls)


@pytest.mark.slow
def test_the_calls_of_a_write_back_do_not_grow_with_the_rows(
    excel: excel_engine.Engine, tmp_path: Path
) -> None:
    small = outcome_calls(excel, tmp_path, 1_000)
    large = outcome_calls(excel, tmp_path, 10_000)
    assert large == small
    # the header row read; the status column in one write, the IDs (every other row empty)
    # read then written in one; the history in one
    assert large["Range.Value.set"] == 3
