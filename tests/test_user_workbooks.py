"""The tests' own workbook helpers: a book loaded with its macros leaves nothing for the
garbage collector to fail on in a later test."""

from __future__ import annotations

import gc
import io
import sys
import zipfile
from pathlib import Path
from typing import Any

from openpyxl import load_workbook

from tests.user_workbooks import load_macro_book, settled_macros

MACROS = Path(__file__).parent / "fixtures" / "files" / "xlwings_quickstart.xlsm"


class _Holder:
    """What keeps a macro zip in a reference cycle: its buffer first, then the zip, as the
    collector met them when the failure was seen."""


def _collect_one(settle: bool) -> list[Any]:
    """The failures the collector reports once it frees a cycle holding a book's macro zip
    opened for appending on a buffer, as ``load_workbook(keep_vba=True)`` leaves it."""
    failures: list[Any] = []
    hook, sys.unraisablehook = sys.unraisablehook, failures.append
    try:
        holder = _Holder()
        holder.buffer = io.BytesIO()  # type: ignore[attr-defined]
        holder.zip = zipfile.ZipFile(holder.buffer, "a")  # type: ignore[attr-defined]
        holder.zip.writestr("xl/vbaProject.bin", b"macros")  # type: ignore[attr-defined]
        book = load_workbook(MACROS)
        book.vba_archive = holder.zip  # type: ignore[attr-defined]
        if settle:
            settled_macros(book)
        holder.book, holder.cycle = book, holder  # type: ignore[attr-defined]
        del holder, book
        gc.collect()
    finally:
        sys.unraisablehook = hook
    return failures


def test_a_settled_macro_zip_is_collected_without_a_late_failure() -> None:
    unsettled = _collect_one(settle=False)
    assert [str(f.exc_value) for f in unsettled] == ["I/O operation on closed file."]
    assert _collect_one(settle=True) == []


def test_its_macros_are_still_saved(tmp_path: Path) -> None:
    book = load_macro_book(MACROS)
    assert book.vba_archive.mode == "r"
    book.save(tmp_path / "copy.xlsm")
    with zipfile.ZipFile(MACROS) as before, zipfile.ZipFile(tmp_path / "copy.xlsm") as after:
        assert after.read("xl/vbaProject.bin") == before.read("xl/vbaProject.bin")
