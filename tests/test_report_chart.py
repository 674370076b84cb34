"""The report sheet's picture (issue 19 §4): the totals per column and kind, and their native
bar chart, drawn from the numbers the text report prints, on file and live.

The workbook is the Hokus file of ``test_marks_kinds`` (one issue of each kind, and warnings
on three more columns). The chart is read as Excel would read it: its part parsed (series
references and cached values), openpyxl opening the book, LibreOffice re-saving it and
rendering it to a PNG that a person can look at (the path is printed); ``clear`` leaves no
part of it behind.
"""

from __future__ import annotations

import re
import subprocess
import zipfile
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import pytest
from openpyxl import load_workbook

from addin.core.catalogue import Lang
from addin.core.kinds import KIND_WORDS, WORST_FIRST
from addin.files.chart_part import CHART_CT, DRAWING_CT, DRAWING_TYPE
from addin.files.mark_looks import CELL_LOOKS
from addin.files.report_layout import TOTALS_ROW
from addin.files.xlsx_package import XlsxPackage
from addin.shells.render.terminal import report_lines
from addin.usecases.marking import clear_file, mark_file
from tests import excel_engine
from tests.test_live_marks import open_live
from tests.test_marks_kinds import HOKUS, kinds_book
from tests.user_workbooks import read_parts, report_header

C = "{http://schemas.openxmlformats.org/drawingml/2006/chart}"
A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
XDR = "{http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing}"
#: Where the rendered pictures go: kept after the run for a person to look at (not in git).
ARTEFACTS = Path(__file__).resolve().parent.parent / "artefacts" / "report-chart"
REPORT = {"fr": "CI_Rapport", "en": "CI_Report"}


@pytest.fixture
def book(tmp_path: Path) -> Path:
    return kinds_book(tmp_path / "clients.xlsx")


def _block(sheet: Any) -> list[tuple[Any, ...]]:
    """The totals block's rows below its header, Total row included (columns C to G)."""
    rows = []
    for row in sheet.iter_rows(min_row=TOTALS_ROW + 1, min_col=3, max_col=7, values_only=True):
        if row[0] is None:
            break
        rows.append(row)
    return rows


def _chart_part(parts: dict[str, bytes]) -> ElementTree.Element:
    (name,) = [n for n in parts if re.fullmatch(r"xl/charts/chart\d+\.xml", n)]
    return ElementTree.fromstring(parts[name])


def _series(chart: ElementTree.Element) -> list[dict[str, Any]]:
    """Each series' name reference and cache, categories and values with their references,
    and its fill colour, in the chart's order."""
    out = []
    for ser in chart.iter(f"{C}ser"):
        tx = ser.find(f"{C}tx/{C}strRef")
        cat = ser.find(f"{C}cat/{C}strRef")
        val = ser.find(f"{C}val/{C}numRef")
        assert tx is not None and cat is not None and val is not None
        fill = ser.find(f"{C}spPr/{A}solidFill/{A}srgbClr")
        out.append(
            {
                "name_ref": tx.findtext(f"{C}f"),
                "name": [v.text for v in tx.iter(f"{C}v")],
                "cat_ref": cat.findtext(f"{C}f"),
                "cats": [v.text for v in cat.iter(f"{C}v")],
                "val_ref": val.findtext(f"{C}f"),
                "vals": [float(v.text or "") for v in val.iter(f"{C}v")],
                "fill": None if fill is None else fill.get("val"),
            }
        )
    return out


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_the_totals_block_holds_the_text_reports_numbers(
    book: Path, tmp_path: Path, lang: Lang
) -> None:
    out = tmp_path / "marked.xlsx"
    report = mark_file(book, HOKUS, output=out, lang=lang).report
    sheet = load_workbook(out)[REPORT[lang]]
    heads = [sheet.cell(row=TOTALS_ROW, column=c).value for c in range(3, 8)]
    column, total = ("Colonne", "Total") if lang == "fr" else ("Column", "Total")
    assert heads == [column, *(KIND_WORDS[lang][kind] for kind in WORST_FIRST), total]
    # the text report's totals table, line for line, the whole file named in short
    lines = report_lines(report, lang, shown=None)
    start = lines.index("Totaux par colonne :" if lang == "fr" else "Totals per column:") + 2
    whole = ("Fichier entier", "Fichier") if lang == "fr" else ("Whole file", "File")
    text = []
    for line in lines[start:]:
        if not line.strip():
            break
        *place, to_fix, fixed, warnings = line.split()
        named = " ".join(place).replace(*whole)
        text.append((named, int(to_fix), int(fixed), int(warnings)))
    block = _block(sheet)
    assert [(place, a, b, c) for place, a, b, c, _total in block] == text
    assert all(a + b + c == t for _place, a, b, c, t in block)
    assert block[-1] == (total, 1, 2, 3, 6)  # one error a person fixes, two the product, three
    # the text report ends with the same sum
    assert lines[-1] == (
        "Total : 1 à corriger à la main, 2 corrigé(s) par le produit, 3 avertissement(s), "
        "6 problème(s) en tout."
        if lang == "fr"
        else "Total: 1 to fix by hand, 2 fixed by the product, 3 warning(s), 6 problem(s) in all."
    )
    # then a blank row and the issues table
    assert report_header(sheet) == TOTALS_ROW + len(block) + 2


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_the_chart_plots_the_blocks_cells_with_their_values_cached(
    book: Path, tmp_path: Path, lang: Lang
) -> None:
    out = tmp_path / "marked.xlsx"
    mark_file(book, HOKUS, output=out, lang=lang)
    parts = read_parts(out)
    chart = _chart_part(parts)
    title = "".join(t.text or "" for t in chart.iter(f"{A}t"))
    assert title == ("Problèmes par colonne" if lang == "fr" else "Issues by column")
    bars = chart.find(f"{C}chart/{C}plotArea/{C}barChart")
    assert bars is not None
    assert [bars.find(f"{C}{n}").get("val") for n in ("barDir", "grouping")] == ["bar", "stacked"]  # type: ignore[union-attr]
    sheet = load_workbook(out)[REPORT[lang]]
    block = _block(sheet)[:-1]  # without the Total row
    name = REPORT[lang]
    last = TOTALS_ROW + len(block)
    series = _series(chart)
    assert [s["name"] for s in series] == [[KIND_WORDS[lang][kind]] for kind in WORST_FIRST]
    assert [s["name_ref"] for s in series] == [f"'{name}'!${c}${TOTALS_ROW}" for c in "DEF"]
    assert [s["val_ref"] for s in series] == [
        f"'{name}'!${c}${TOTALS_ROW + 1}:${c}${last}" for c in "DEF"
    ]
    for n, s in enumerate(series):
        assert s["cat_ref"] == f"'{name}'!$C${TOTALS_ROW + 1}:$C${last}"
        assert s["cats"] == [row[0] for row in block]
        assert s["vals"] == [row[1 + n] for row in block]  # the cells' numbers, cached
        assert s["fill"] == CELL_LOOKS[WORST_FIRST[n]].fill  # the kind's look
        # each cached name is what its cell says
        column = s["name_ref"].split("$")[1]
        assert sheet[f"{column}{TOTALS_ROW}"].value == s["name"][0]
    # from K1, neither moved nor sized with the cells; the sheet points to the drawing
    (drawing,) = [n for n in parts if re.fullmatch(r"xl/drawings/drawing\d+\.xml", n)]
    anchor = ElementTree.fromstring(parts[drawing]).find(f"{XDR}twoCellAnchor")
    assert anchor is not None and anchor.get("editAs") == "absolute"
    assert [anchor.findtext(f"{XDR}from/{XDR}{n}") for n in ("col", "row")] == ["10", "0"]
    package = XlsxPackage.open(out)
    report_part = package.sheet(name).part
    (link,) = [r for r in package.relationships(report_part) if r.type == DRAWING_TYPE]
    assert link.target == drawing
    root = ElementTree.fromstring(package.read(report_part))
    main = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
    rel = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
    order = [child.tag.removeprefix(main) for child in root]
    assert order[-1] == "drawing" or order[order.index("drawing") + 1] == "tableParts"
    assert order.index("conditionalFormatting") < order.index("drawing")
    assert root.find(f"{main}drawing").get(f"{rel}id") == link.rel_id  # type: ignore[union-attr]
    types = parts["[Content_Types].xml"].decode()
    assert CHART_CT in types and DRAWING_CT in types
    # openpyxl opens the book and finds the chart with its three series
    (opened,) = sheet._charts
    assert len(opened.series) == 3


def test_a_clean_file_has_no_block_and_no_chart() -> None:
    """Nothing to total: no block, no chart, the issues' header where the block would start."""
    from addin.core.marks import plan_marks
    from addin.core.report import Report
    from addin.core.table import SourceInfo
    from addin.files.marks_writer import report_rows
    from addin.files.report_layout import chart_data, report_header_row

    clean = Report(HOKUS, SourceInfo(path="clients.xlsx", kind="xlsx"), rows=1, issues=[])
    plan = plan_marks(clean, "Clients", len(HOKUS.fields), 2)
    assert plan.totals == ()
    assert chart_data(plan, "CI_Rapport", "fr") is None
    assert report_header_row(plan) == TOTALS_ROW
    rows = report_rows(plan, "fr", 0)
    assert len(rows) == TOTALS_ROW and rows[-1][0] == "Ligne"


def _without_chart(parts: dict[str, bytes]) -> None:
    assert not [n for n in parts if n.startswith("xl/charts/") or "drawings/drawing" in n]
    assert b"drawingml.chart" not in parts["[Content_Types].xml"]
    assert b"officedocument.drawing+xml" not in parts["[Content_Types].xml"]


def test_clear_leaves_no_chart_nor_drawing(book: Path, tmp_path: Path) -> None:
    out = tmp_path / "marked.xlsx"
    mark_file(book, HOKUS, output=out)
    assert clear_file(out) is not None
    _without_chart(read_parts(out))
    assert read_parts(out) == read_parts(book)


def render_png(xlsx: Path, sheet: str, name: str, folder: Path, soffice: str) -> Path:
    """Sheet ``sheet`` of ``xlsx`` printed by LibreOffice, as a PNG in :data:`ARTEFACTS`."""
    from tests.libreoffice import ONE_PAGE_A_SHEET, convert, pdftoppm

    pdf = convert(xlsx, ONE_PAGE_A_SHEET, folder / "pdf", soffice=soffice)
    binary = pdftoppm()
    page = str([entry.name for entry in XlsxPackage.open(xlsx).sheets()].index(sheet) + 1)
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    target = ARTEFACTS / name
    subprocess.run(
        [binary, "-png", "-r", "90", "-f", page, "-l", page, "-singlefile", str(pdf),
         str(target.with_suffix(""))],
        check=True,
        capture_output=True,
        timeout=120,
    )  # fmt: skip
    assert target.stat().st_size > 10_000  # a page with a picture, not a blank one
    print(f"\nthe report sheet and its chart, as LibreOffice prints them: {target}")
    return target


@pytest.mark.libreoffice
def test_libreoffice_keeps_the_chart_and_renders_it(
    book: Path, tmp_path: Path, soffice: str
) -> None:
    from tests.libreoffice import convert

    out = tmp_path / "marked.xlsx"
    mark_file(book, HOKUS, output=out)
    ours = _series(_chart_part(read_parts(out)))
    # re-saved by LibreOffice: the chart is still there, on the same cells, with their values
    resaved = convert(out, "xlsx", tmp_path / "lo", soffice=soffice)
    theirs = _series(_chart_part(read_parts(resaved)))
    unquoted = [{**s, **{k: s[k].replace("'", "") for k in ("name_ref", "cat_ref", "val_ref")}}
                for s in (*ours, *theirs)]  # fmt: skip
    assert [(s["name_ref"], s["cat_ref"], s["val_ref"], s["vals"]) for s in unquoted[3:]] == [
        (s["name_ref"], s["cat_ref"], s["val_ref"], s["vals"]) for s in unquoted[:3]
    ]
    assert [s["fill"].upper() for s in theirs] == [s["fill"] for s in ours]
    # and clear, on the book LibreOffice saved, takes the chart out with the report
    assert clear_file(resaved) is not None
    _without_chart(read_parts(resaved))
    # printed: a picture a person can look at
    render_png(out, "CI_Rapport", "report-chart-fr.png", tmp_path, soffice)


def test_the_chart_drawn_live_plots_the_same_cells(
    excel: excel_engine.Engine, book: Path, tmp_path: Path
) -> None:
    from addin.usecases.marking import clear_book, mark_book

    on_file = tmp_path / "marked.xlsx"
    mark_file(book, HOKUS, output=on_file)
    live_book, live = open_live(book)
    mark_book(live, HOKUS)
    saved = tmp_path / "live.xlsx"
    live_book.save(str(saved))
    drawn, written = (
        _series(_chart_part(read_parts(saved))),
        _series(_chart_part(read_parts(on_file))),
    )

    def plotted(series: list[dict[str, Any]]) -> list[tuple[str, ...]]:
        return [
            tuple(s[key].replace("'", "") for key in ("name_ref", "cat_ref", "val_ref"))
            for s in series
        ]

    assert plotted(drawn) == plotted(written)
    assert [s["fill"].upper() for s in drawn] == [CELL_LOOKS[k].fill for k in WORST_FIRST]
    chart = live_book.sheets["CI_Rapport"].charts[0]
    assert chart.chart_type == "bar_stacked" and chart.title == "Problèmes par colonne"
    assert [s.name for s in chart.series] == [KIND_WORDS["fr"][kind] for kind in WORST_FIRST]
    assert chart.api[0].Placement == 3  # free floating: the table's filter does not squash it
    with zipfile.ZipFile(saved) as archive:
        (drawing,) = [
            n for n in archive.namelist() if re.fullmatch(r"xl/drawings/drawing\d+\.xml", n)
        ]
        anchor = ElementTree.fromstring(archive.read(drawing)).find(f"{XDR}twoCellAnchor")
    assert anchor is not None and anchor.get("editAs") == "absolute"
    assert anchor.findtext(f"{XDR}from/{XDR}col") == "10"  # from K1, as on file
    assert clear_book(live) is True
    cleared = tmp_path / "cleared.xlsx"
    live_book.save(str(cleared))
    _without_chart(read_parts(cleared))


def _wide_plan(columns: int) -> Any:
    """The plan of a made-up check of a ``columns``-wide sheet with one error in each column."""
    from addin.core.marks import plan_marks
    from addin.core.report import Issue, Report
    from addin.core.table import SourceInfo

    issues = [
        Issue("invalid-email", "error", 2, f"Colonne {n}", None, "x", None,
              {"reason": "il manque le « @ »"}, n)
        for n in range(columns)
    ]  # fmt: skip
    report = Report(HOKUS, SourceInfo(path="wide.xlsx", kind="xlsx"), rows=1, issues=issues)
    return plan_marks(report, "Clients", columns, 2)


@pytest.mark.parametrize(("columns", "frozen"), [(3, True), (20, False)])
def test_the_rows_above_the_issues_stay_in_sight_unless_they_would_fill_the_screen(
    excel: excel_engine.Engine, tmp_path: Path, columns: int, frozen: bool
) -> None:
    """A few columns with issues: the legend, the totals and the issues' header stay in sight
    as the issues scroll. Twenty: the block is too tall for that (it would leave no room to
    scroll the issues on a laptop), so nothing is frozen, on file and live alike."""
    import xlwings as xw
    from openpyxl import Workbook

    from addin.files.marks_writer import annotate
    from addin.files.report_layout import MAX_FROZEN_ROWS, report_header_row
    from addin.live.marks import draw_marks

    plan = _wide_plan(columns)
    header = report_header_row(plan)
    assert (header <= MAX_FROZEN_ROWS) is frozen
    data = Workbook()
    sheet = data.active
    assert sheet is not None
    sheet.title = "Clients"
    sheet.append([f"Colonne {n}" for n in range(columns)])
    sheet.append(["x"] * columns)
    data.save(tmp_path / "wide.xlsx")
    package = XlsxPackage.open(tmp_path / "wide.xlsx")
    annotate(package, plan)
    package.save(tmp_path / "on-file.xlsx")
    book = xw.Book(str(tmp_path / "wide.xlsx"))
    draw_marks(book, plan, "fr")
    book.save(str(tmp_path / "live.xlsx"))
    for path in (tmp_path / "on-file.xlsx", tmp_path / "live.xlsx"):
        report = load_workbook(path)["CI_Rapport"]
        assert report_header(report) == header
        assert report.freeze_panes == (f"A{header + 1}" if frozen else None)
        assert len(_block(report)) == columns + 1  # every column, and the Total row
