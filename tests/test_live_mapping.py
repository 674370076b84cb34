"""The mapping sheet written into the book open in Excel is the file path's mapping sheet.

The live side is ``write_mapping_book`` on a :class:`~addin.live.workbook.LiveWorkbook` over
the test engine (its dropdown added through COM's ``Validation.Add``, written by the engine as
an openpyxl data validation); the file side is ``write_mapping``. For a user's workbook and the
demo samples, the engine's book saved and the file path's output, read with openpyxl, have the
same sheets, the same mapping sheet (cells, dropdown, widths, hidden list column, tab colour),
and both read back the same stored mapping.
"""

from __future__ import annotations

import shutil
import warnings
from pathlib import Path
from typing import Any

import pytest
import xlwings as xw
from openpyxl import load_workbook

from addin.core.catalogue import Lang
from addin.core.profile import Profile
from addin.core.profiles import all_profiles, get_profile
from addin.errors import ClientImportError, UsageError
from addin.files.file_workbook import open_workbook
from addin.live.workbook import LiveWorkbook
from addin.usecases.mapping_file import write_mapping, write_mapping_book
from tests import excel_engine
from tests.test_live_read import demo_samples, save_as_xlsx
from tests.test_mapping_sheet import HEADERS as MAPPED_HEADERS
from tests.test_mapping_sheet import ROWS as MAPPED_ROWS
from tests.user_workbooks import write_user_workbook

REVEAL = get_profile("reveal")


def open_live(path: Path) -> tuple[xw.Book, LiveWorkbook]:
    book = xw.Book(str(path))
    return book, LiveWorkbook(book, active=False)


def read(path: Path) -> Any:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        return load_workbook(path)


def shown(path: Path) -> dict[str, Any]:
    """The sheets and our mapping sheet as the user sees them in ``path``."""
    book = read(path)
    seen: dict[str, Any] = {"sheets": [(ws.title, ws.sheet_state) for ws in book.worksheets]}
    for ws in book.worksheets:
        if not ws.title.startswith("CI_"):
            continue
        seen[ws.title] = {
            "cells": {
                cell.coordinate: cell.value
                for row in ws.iter_rows()
                for cell in row
                if cell.value not in (None, "")
            },
            "widths": {c: ws.column_dimensions[c].width for c in "ABCDEFH"},
            "hidden": [c for c in "ABCDEFGH" if ws.column_dimensions[c].hidden],
            "frozen": ws.freeze_panes,
            "tables": [
                (t.name, t.ref, [c.name for c in t.tableColumns], t.tableStyleInfo.name)
                for t in ws.tables.values()
            ],
            "tab": ws.sheet_properties.tabColor.rgb if ws.sheet_properties.tabColor else None,
            "validations": [
                (
                    str(dv.sqref),
                    dv.type,
                    dv.formula1,
                    bool(dv.allow_blank),
                    bool(dv.showDropDown),
                    bool(dv.showInputMessage),
                    bool(dv.showErrorMessage),
                    dv.errorStyle,
                    dv.promptTitle,
                    dv.prompt,
                    dv.errorTitle,
                    dv.error,
                )
                for dv in ws.data_validations.dataValidation
            ],
        }
    return seen


def user_book(path: Path) -> Path:
    return write_user_workbook(
        path, MAPPED_HEADERS, MAPPED_ROWS, formulas={"F4": "=SUM(F2:F3)"}, note=("A2", "à moi")
    )


def assert_mapping_alike(source: Path, profile: Profile, folder: Path, lang: Lang = "fr") -> None:
    folder.mkdir(parents=True, exist_ok=True)
    live_copy = folder / f"live-{source.name}"
    on_file = folder / f"file-{source.name}"
    shutil.copyfile(source, live_copy)
    book, live = open_live(live_copy)
    try:
        _, saved = write_mapping(source, profile, lang=lang, output=on_file)
    except ClientImportError as error:
        with pytest.raises(type(error)) as refused:
            write_mapping_book(live, profile, lang=lang)
        assert str(refused.value) == str(error)
        book.close()
        return
    mapped = write_mapping_book(live, profile, lang=lang)
    assert mapped.lines == saved.lines
    saved_live = folder / f"saved-{source.name}"
    book.save(str(saved_live))
    assert shown(saved_live) == shown(on_file)
    with open_workbook(on_file) as written:
        assert live.stored_mapping() == written.stored_mapping() is not None
    book.close()


# --- the proof ----------------------------------------------------------------------------------


def test_a_users_workbook_gets_the_mapping_sheet_live_as_on_file(
    excel: excel_engine.Engine, tmp_path: Path
) -> None:
    source = user_book(tmp_path / "contacts.xlsx")
    assert_mapping_alike(source, REVEAL, tmp_path / "fr")
    assert_mapping_alike(source, REVEAL, tmp_path / "en", lang="en")


def _profile_for(sample: Path) -> Profile:
    """The sample's own profile (by its name), else Reveal."""
    return get_profile(sample.stem if sample.stem in all_profiles() else "reveal")


@pytest.mark.parametrize("sample", demo_samples(), ids=lambda path: path.name)
def test_demo_samples_get_the_mapping_sheet_live_as_on_file(
    excel: excel_engine.Engine, sample: Path, tmp_path: Path
) -> None:
    assert_mapping_alike(save_as_xlsx(sample, tmp_path), _profile_for(sample), tmp_path / "run")


def test_mapping_again_rewrites_ours_where_it_stands_and_drops_the_other_language(
    excel: excel_engine.Engine, tmp_path: Path
) -> None:
    source = user_book(tmp_path / "contacts.xlsx")
    book, live = open_live(source)
    write_mapping_book(live, REVEAL)
    book.sheets.add(name="Notes", after=book.sheets[-1])
    write_mapping_book(live, REVEAL)  # rewritten in place: the sheets keep their order
    assert live.sheet_names()[-2:] == ["CI_Correspondance", "Notes"]
    write_mapping_book(live, REVEAL, lang="en")  # the French one goes, the English one is added
    assert live.sheet_names()[-2:] == ["Notes", "CI_Mapping"]
    marks = [n.refers_to for n in book.names if n.name.startswith("ClientImport_Sheet")]
    assert marks == ["='CI_Mapping'!$A$1"]
    book.save(str(tmp_path / "saved.xlsx"))
    mapping = read(tmp_path / "saved.xlsx")["CI_Mapping"]
    assert len(mapping.data_validations.dataValidation) == 1


def test_a_users_own_mapping_sheet_is_refused_before_anything_is_written(
    excel: excel_engine.Engine, tmp_path: Path
) -> None:
    source = user_book(tmp_path / "contacts.xlsx")
    book, live = open_live(source)
    book.sheets.add(name="CI_Correspondance", after=book.sheets[-1]).range("A1").raw_value = "x"
    before = live.sheet_names()
    with pytest.raises(UsageError, match="déjà une feuille « CI_Correspondance »"):
        write_mapping_book(live, REVEAL)
    assert live.sheet_names() == before
    assert book.sheets["CI_Correspondance"].range("A1").raw_value == "x"


@pytest.mark.libreoffice
def test_a_mapping_sheet_written_live_opens_in_libreoffice_with_its_dropdown(
    excel: excel_engine.Engine, tmp_path: Path, soffice: str
) -> None:
    from tests.libreoffice import convert, ods_validations, validation_at

    source = user_book(tmp_path / "contacts.xlsx")
    book, live = open_live(source)
    mapped = write_mapping_book(live, REVEAL)
    book.save(str(tmp_path / "mapped.xlsx"))
    validations = ods_validations(
        convert(tmp_path / "mapped.xlsx", "ods", tmp_path / "ods", soffice=soffice)
    )
    last = 6 + len(mapped.lines)
    dropdown = validation_at(validations, "CI_Correspondance", "C7")
    assert dropdown.covers("CI_Correspondance", f"C7:C{last}")
    assert (dropdown.kind, dropdown.error_type) == ("list", "stop")
    assert dropdown.list_source is not None and "$H$" in dropdown.list_source
