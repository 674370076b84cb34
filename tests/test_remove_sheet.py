"""Removing a sheet takes with it every part only that sheet used (``XlsxPackage.remove_sheet``).

Why: ``clear`` removes our sheets, which now carry tables (and the report a chart). A table part
left behind keeps its name taken (a new table of that name makes Excel repair the file) and an
orphan drawing or chart is dead weight Excel keeps. The workbooks are written by openpyxl (a
table, a note, a chart) and re-saved by LibreOffice, so the parts are laid out as an office
writes them, not as this code expects.
"""

from __future__ import annotations

import warnings
from pathlib import Path

from openpyxl import Workbook, load_workbook
from openpyxl.chart import BarChart, Reference
from openpyxl.comments import Comment
from openpyxl.worksheet.table import Table

from addin.files.xlsx_package import XlsxPackage
from addin.readers.ooxml import parse_part
from tests.libreoffice import convert


def _sheet_with_rows(book: Workbook, title: str) -> None:
    sheet = book.create_sheet(title)
    sheet.append(["Code", "Nombre"])
    for n in range(1, 5):
        sheet.append([f"C{n}", n * 3])


def _book_with_tables(path: Path) -> Path:
    """ "Keep" and "Gone" each with a table; "Gone" also with a note (comments + VML)."""
    book = Workbook()
    default = book.active
    assert default is not None
    book.remove(default)
    for title, table in (("Keep", "KeepTable"), ("Gone", "GoneTable")):
        _sheet_with_rows(book, title)
        book[title].add_table(Table(displayName=table, ref="A1:B5"))
    book["Gone"]["A2"].comment = Comment("une note", "moi")
    book.save(path)
    return path


def _book_with_charts(path: Path) -> Path:
    """ "Keep" and "Gone" each with a bar chart of their numbers."""
    book = Workbook()
    default = book.active
    assert default is not None
    book.remove(default)
    for title in ("Keep", "Gone"):
        _sheet_with_rows(book, title)
        sheet = book[title]
        chart = BarChart()
        chart.add_data(Reference(sheet, min_col=2, min_row=1, max_row=5), titles_from_data=True)
        sheet.add_chart(chart, "D2")
    book.save(path)
    return path


def _owned_parts(package: XlsxPackage, sheet: str) -> set[str]:
    """The parts reachable from ``sheet``'s relationships (recursively)."""
    found: set[str] = set()
    pending = [package.sheet(sheet).part]
    while pending:
        for rel in package.relationships(pending.pop()):
            if rel.target not in found and rel.target in package.parts:
                found.add(rel.target)
                pending.append(rel.target)
    return found


def _consistent(package: XlsxPackage) -> None:
    """Every relationship points to a part, every override names one."""
    for name in [p for p in package.parts if p.endswith(".rels")]:
        folder, _, file = name.rpartition("_rels/")
        source = folder + file[: -len(".rels")]
        for rel in package.relationships(source):
            assert rel.target in package.parts, f"{name} points to a missing {rel.target}"
    for tag, attrs in parse_part(package.read("[Content_Types].xml")):
        if tag == "Override":
            assert attrs["PartName"].lstrip("/") in package.parts, attrs["PartName"]


def _remove(source: Path, target: Path, sheet: str) -> tuple[set[str], XlsxPackage]:
    package = XlsxPackage.open(source)
    owned = _owned_parts(package, sheet)
    package.remove_sheet(package.sheet(sheet))
    package.save(target)
    return owned, XlsxPackage.open(target)


def test_a_sheets_table_and_note_go_with_it_after_a_libreoffice_resave(
    soffice: str, tmp_path: Path
) -> None:
    resaved = convert(_book_with_tables(tmp_path / "tables.xlsx"), "xlsx", tmp_path / "lo")
    owned, after = _remove(resaved, tmp_path / "removed.xlsx", "Gone")
    for kind in ("/tables/", "/comments", ".vml"):
        assert any(kind in part for part in owned), (kind, owned)
    assert owned and not owned & set(after.parts), owned & set(after.parts)
    _consistent(after)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        book = load_workbook(tmp_path / "removed.xlsx")
    assert book.sheetnames == ["Keep"]
    assert list(book["Keep"].tables) == ["KeepTable"]
    assert book["Keep"].tables["KeepTable"].ref == "A1:B5"
    # and the office that wrote it still opens it, with the table kept
    again = convert(tmp_path / "removed.xlsx", "xlsx", tmp_path / "lo2")
    assert list(load_workbook(again)["Keep"].tables) == ["KeepTable"]


def test_a_sheets_drawing_and_chart_go_with_it_the_other_sheets_chart_stays(
    soffice: str, tmp_path: Path
) -> None:
    resaved = convert(_book_with_charts(tmp_path / "charts.xlsx"), "xlsx", tmp_path / "lo")
    before = XlsxPackage.open(resaved)
    kept = _owned_parts(before, "Keep")
    owned, after = _remove(resaved, tmp_path / "removed.xlsx", "Gone")
    assert any("/drawings/" in p for p in owned) and any("/charts/" in p for p in owned), owned
    assert not owned & set(after.parts), owned & set(after.parts)
    assert kept <= set(after.parts)
    _consistent(after)
    book = load_workbook(tmp_path / "removed.xlsx")
    assert book.sheetnames == ["Keep"]
    assert len(book["Keep"]._charts) == 1
    convert(tmp_path / "removed.xlsx", "ods", tmp_path / "lo2")


def test_a_part_another_part_still_points_to_stays(tmp_path: Path) -> None:
    """A chart the other sheet's drawing also points to (as two drawings may share an image)
    is kept, with its override; the drawing only the removed sheet used goes."""
    source = _book_with_charts(tmp_path / "charts.xlsx")
    package = XlsxPackage.open(source)
    gone = _owned_parts(package, "Gone")
    chart = next(p for p in gone if "/charts/" in p)
    drawing = next(p for p in gone if "/drawings/" in p)
    keep_drawing = next(p for p in _owned_parts(package, "Keep") if "/drawings/" in p)
    package.add_relationship(
        keep_drawing,
        "http://schemas.openxmlformats.org/officeDocument/2006/relationships/chart",
        "../charts/" + chart.rsplit("/", 1)[1],
    )
    package.remove_sheet(package.sheet("Gone"))
    assert chart in package.parts and drawing not in package.parts
    overrides = {
        attrs["PartName"]
        for tag, attrs in parse_part(package.read("[Content_Types].xml"))
        if tag == "Override"
    }
    assert f"/{chart}" in overrides and f"/{drawing}" not in overrides
    _consistent(package)
