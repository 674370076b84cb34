"""The three looks of the marks: an error only the user can fix, an error the product fixes,
a warning. Each has its own look (told apart without colours too: border and weight), its own
words in the notes, a line in the report sheet's legend, and the report lists them worst first.

The workbook is a Hokus file with one of each kind, chosen so that their severities do not
depend on how a format is judged: an e-mail address nobody can repair (``invalid-email``), a
French postal code that lost its leading zero (``postal-code-leading-zero``, which ``fix`` puts
back), and a company without its city, country and postal code (``required-if``, a warning).
"""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook

from addin.core.catalogue import Lang
from addin.core.kinds import KIND_ADVICE, KIND_WORDS, WORST_FIRST, Kind
from addin.core.profiles import get_profile
from addin.files.report_layout import LEGEND_ROW
from addin.usecases.marking import clear_file, mark_file
from tests.user_workbooks import load_closed_vba, read_parts, report_header

HOKUS = get_profile("hokus")
#: the cells of each kind in :func:`kinds_book`
PERSON_CELL, PRODUCT_CELL, LOOK_CELL = "P2", "O2", "V3"


def kinds_book(path: Path) -> Path:
    """Hokus' 25 columns in order; row 2: postal code ``1220`` and e-mail ``paul@@exemple``;
    row 3: a company without its city, country and postal code."""
    headers = [column.header for column in HOKUS.fields]
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Clients"
    sheet.append(headers)
    person = {"distributorId": "C1", "civilTitle": "M.", "Lastname": "Roy", "firstname": "Paul",
              "personHomeZip": "1220", "personHomeCity": "Paris", "personHomeCountry": "France",
              "personEmail": "paul@@exemple"}  # fmt: skip
    company = {"distributorId": "C2", "civilTitle": "Société", "Lastname": "Durand",
               "companyDenomination": "ACME", "personHomeZip": "75002",
               "personHomeCity": "Paris", "personHomeCountry": "France"}  # fmt: skip
    for values in (person, company):
        sheet.append([values.get(header) for header in headers])
    book.save(path)
    return path


@pytest.fixture
def book(tmp_path: Path) -> Path:
    return kinds_book(tmp_path / "clients.xlsx")


def test_the_workbook_has_one_of_each_kind(book: Path, tmp_path: Path) -> None:
    report = mark_file(book, HOKUS, output=tmp_path / "m.xlsx").report
    by_cell = {issue.cell: issue for issue in report.issues}
    assert by_cell[PERSON_CELL].code == "invalid-email"
    assert not report.fixable(by_cell[PERSON_CELL])
    assert by_cell[PRODUCT_CELL].code == "postal-code-leading-zero"
    assert report.fixable(by_cell[PRODUCT_CELL]) and by_cell[PRODUCT_CELL].severity == "error"
    assert by_cell[LOOK_CELL].code == "required-if"
    assert by_cell[LOOK_CELL].severity == "warning"


def _rule_looks(sheet: Any) -> dict[str, tuple[str | None, str | None, str | None, bool]]:
    """Each rule's formula (or compared text) → its look: fill, border style, border colour,
    bold, as openpyxl reads the dxf the rule points at."""
    looks = {}
    for cf in sheet.conditional_formatting:
        for rule in cf.rules:
            dxf = rule.dxf
            fill = dxf.fill.bgColor.rgb if dxf.fill is not None else None
            border = dxf.border.left if dxf.border is not None else None
            bold = bool(dxf.font is not None and dxf.font.b)
            looks[rule.formula[0]] = (
                fill,
                border.style if border is not None else None,
                border.color.rgb if border is not None and border.color is not None else None,
                bold,
            )
    return looks


def test_three_kinds_three_looks_told_apart_without_colour(book: Path, tmp_path: Path) -> None:
    out = tmp_path / "marked.xlsx"
    mark_file(book, HOKUS, output=out)
    marked = load_closed_vba(out)
    codes = marked["CI_Marques"]
    assert (codes[PERSON_CELL].value, codes[PRODUCT_CELL].value, codes[LOOK_CELL].value) == (
        Kind.PERSON,
        Kind.PRODUCT,
        Kind.LOOK,
    )
    flag = codes.cell(row=2, column=len(HOKUS.fields) + 1)
    assert (flag.value, codes.cell(row=3, column=flag.column).value) == (Kind.PERSON, Kind.LOOK)
    looks = _rule_looks(marked["Clients"])
    cells = [looks[f"'CI_Marques'!A2={kind.value}"] for kind in WORST_FIRST]
    rows = [looks[f"'CI_Marques'!$Z2={kind.value}"] for kind in WORST_FIRST]
    assert len({look[0] for look in cells}) == 3  # three fills
    assert len({look[1:] for look in cells}) == 3  # and three looks without the fill's colour
    assert len({look[0] for look in rows}) == 3  # three row tints
    assert len(looks) == 6


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_notes_start_with_the_kind_in_words(book: Path, tmp_path: Path, lang: Lang) -> None:
    out = tmp_path / "marked.xlsx"
    mark_file(book, HOKUS, output=out, lang=lang)
    sheet = load_closed_vba(out)["Clients"]
    colon = " : " if lang == "fr" else ": "
    for ref, kind in ((PERSON_CELL, Kind.PERSON), (PRODUCT_CELL, Kind.PRODUCT)):
        assert sheet[ref].comment.text.startswith(KIND_WORDS[lang][kind] + colon)
    assert sheet[LOOK_CELL].comment.text.startswith(KIND_WORDS[lang][Kind.LOOK] + colon)


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_the_report_has_a_legend_and_lists_what_needs_a_person_first(
    book: Path, tmp_path: Path, lang: Lang
) -> None:
    out = tmp_path / "marked.xlsx"
    report = mark_file(book, HOKUS, output=out, lang=lang).report
    marked = load_closed_vba(out)
    sheet = marked["CI_Rapport" if lang == "fr" else "CI_Report"]
    legend = [
        (sheet.cell(row=row, column=3).value, sheet.cell(row=row, column=4).value,
         sheet.cell(row=row, column=5).value)
        for row in range(LEGEND_ROW, LEGEND_ROW + len(WORST_FIRST))
    ]  # fmt: skip
    # the product fixes the postal code, and the export writes the CSV Hokus imports (a
    # workbook is refused as it is: an error of the whole file)
    counted = {Kind.PERSON: 1, Kind.PRODUCT: 2, Kind.LOOK: report.warning_count}
    assert [(words, advice) for _count, words, advice in legend] == [
        (KIND_WORDS[lang][kind], KIND_ADVICE[lang][kind]) for kind in WORST_FIRST
    ]
    count_word = "problème(s)" if lang == "fr" else "issue(s)"
    assert [count for count, _w, _a in legend] == [
        f"{counted[kind]} {count_word}" for kind in WORST_FIRST
    ]
    # each legend line shows its kind's look: the rule on the report's kind column
    looks = _rule_looks(marked["Clients"])
    report_looks = _rule_looks(sheet)
    for kind in WORST_FIRST:
        assert report_looks[f'"{KIND_WORDS[lang][kind]}"'] == looks[f"'CI_Marques'!A2={kind}"]
    lines = list(sheet.iter_rows(min_row=report_header(sheet) + 1, values_only=True))
    said = [line[3] for line in lines]
    words = {KIND_WORDS[lang][kind]: kind for kind in Kind}
    kinds = [words[word] for word in said]
    assert kinds == sorted(kinds, reverse=True)  # a person's errors first, warnings last
    assert (kinds.count(Kind.PERSON), kinds.count(Kind.PRODUCT)) == (1, 2)
    by_cell = {line[1]: words[line[3]] for line in lines if line[1]}
    assert "P2" in str(lines[0][1]) and any("O2" in str(line[1]) for line in lines[1:3])
    assert by_cell  # links to the cells
    within = [(line[0] or 0) for line in lines if words[line[3]] == Kind.LOOK]
    assert within == sorted(within)  # by row within a kind, as before


def test_clear_gives_back_the_original_and_marking_twice_is_once(
    book: Path, tmp_path: Path
) -> None:
    once, twice = tmp_path / "once.xlsx", tmp_path / "twice.xlsx"
    mark_file(book, HOKUS, output=once)
    mark_file(once, HOKUS, output=twice)
    first, second = read_parts(once), read_parts(twice)
    report = next(name for name in first if first[name] != second.get(name))
    assert b"0 nouveau(x)" in second[report]  # only the progress line differs
    assert {name for name in first if first[name] != second.get(name)} == {report}
    assert clear_file(twice) is not None
    assert read_parts(twice) == read_parts(book)


@pytest.mark.libreoffice
def test_the_three_looks_open_in_libreoffice(book: Path, tmp_path: Path, soffice: str) -> None:
    from tests.libreoffice import convert

    out = tmp_path / "marked.xlsx"
    mark_file(book, HOKUS, output=out)
    ods = convert(out, "ods", tmp_path / "ods", soffice=soffice)
    with zipfile.ZipFile(ods) as archive:
        content = archive.read("content.xml").decode()
    for kind in Kind:  # the cells' rules and the rows', each reading the marks sheet
        assert content.count(f'"formula-is([$CI_Marques.A2]={kind.value})"') == 1
        assert content.count(f'"formula-is([$CI_Marques.$Z2]={kind.value})"') == 1
    for words in KIND_WORDS["fr"].values():  # the report's kind column
        assert content.count(f"&quot;{words}&quot;") >= 1


@pytest.mark.parametrize("header_row", [4, 8])
def test_a_report_laid_out_by_an_earlier_version_is_read_where_its_headers_are(
    book: Path, tmp_path: Path, header_row: int
) -> None:
    """Earlier versions put the issues' headers on row 4 (no legend), then on row 8 (no totals
    block): the next check finds them where they are and tells the progress right."""
    from openpyxl import load_workbook

    marked = tmp_path / "marked.xlsx"
    mark_file(book, HOKUS, output=marked)
    old = load_workbook(marked)
    sheet = old["CI_Rapport"]
    sheet.delete_rows(header_row, report_header(sheet) - header_row)
    assert sheet.cell(row=header_row, column=1).value == "Ligne"
    old.save(marked)
    again = tmp_path / "again.xlsx"
    mark_file(marked, HOKUS, output=again)
    totals = str(load_closed_vba(again)["CI_Rapport"]["A2"].value)
    assert "Depuis la vérification précédente : 0 problème(s) résolu(s), 0 nouveau(x)." in totals


def test_a_report_whose_headers_were_reshaped_gives_no_wrong_progress(
    book: Path, tmp_path: Path
) -> None:
    """Without our headers anywhere (the user renamed one), the report is not read at all (no
    progress line), rather than read wrong."""
    from openpyxl import load_workbook

    marked = tmp_path / "marked.xlsx"
    mark_file(book, HOKUS, output=marked)
    old = load_workbook(marked)
    sheet = old["CI_Rapport"]
    sheet.cell(row=report_header(sheet), column=8).value = "Mon code"
    old.save(marked)
    again = tmp_path / "again.xlsx"
    mark_file(marked, HOKUS, output=again)
    totals = str(load_closed_vba(again)["CI_Rapport"]["A2"].value)
    assert "Depuis la vérification précédente" not in totals
    assert "lignes vérifiées" in totals


def test_past_the_cap_the_legend_says_at_least_and_counts_keep_their_kind(
    tmp_path: Path,
) -> None:
    """Past the report's cap, issues are only counted per column and code: their kind is not
    known one by one. The errors' counts then say « au moins », the warnings' stays exact
    (every warning is a warning), and a count line takes the kind listed for its column and
    code."""
    from addin.core.engine import validate
    from addin.core.marks import plan_marks
    from addin.files.marks_writer import report_rows
    from addin.readers.reader import read_table

    headers = [column.header for column in HOKUS.fields]
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(headers)
    for n in range(30):
        values = {"distributorId": f"C{n}", "Lastname": "Roy", "personHomeZip": "1220",
                  "personEmail": "paul@@exemple"}  # fmt: skip
        sheet.append([values.get(header) for header in headers])
    book.save(tmp_path / "many.xlsx")
    report = validate(read_table(tmp_path / "many.xlsx"), HOKUS, issue_cap=10)
    assert report.truncated
    plan = plan_marks(report, "Sheet", len(headers), 31)
    assert not plan.exact
    rows = report_rows(plan, "fr", 0)
    legend = {row[3]: row[2] for row in rows[LEGEND_ROW - 1 : LEGEND_ROW - 1 + len(WORST_FIRST)]}
    listed = dict(plan.kinds)
    assert legend == {
        KIND_WORDS["fr"][Kind.PERSON]: f"au moins {listed[Kind.PERSON]} problème(s)",
        KIND_WORDS["fr"][Kind.PRODUCT]: f"au moins {listed[Kind.PRODUCT]} problème(s)",
        KIND_WORDS["fr"][Kind.LOOK]: f"{report.warning_count} problème(s)",
    }
    counted = {line.column: line.kind for line in plan.lines
               if line.code == "issues-counted"}  # fmt: skip
    assert counted["personHomeZip"] == Kind.PRODUCT
    assert counted["personEmail"] == Kind.PERSON


def test_in_a_note_what_needs_a_person_comes_first() -> None:
    """Two problems on one cell, the one the product fixes found first: the note, as the
    report, starts with the one the user must fix."""
    from addin.core.marks import plan_marks
    from addin.core.report import Issue, Report
    from addin.core.table import SourceInfo

    fixed = Issue("postal-code-leading-zero", "error", 2, "personHomeZip", "personHomeZip",
                  "1220", "01220", {}, 14)  # fmt: skip
    person = Issue("invalid-email", "error", 2, "personHomeZip", "personHomeZip", "1220", None,
                   {}, 14)  # fmt: skip
    report = Report(HOKUS, SourceInfo(path="", kind="xlsx"), 1, [fixed, person])
    plan = plan_marks(report, "Clients", 25, 2)
    (note,) = plan.notes
    first, *_rest = note.text.splitlines()
    assert first.startswith(KIND_WORDS["fr"][Kind.PERSON] + " : ")
    assert KIND_WORDS["fr"][Kind.PRODUCT] + " : " in note.text
    assert [line.code for line in plan.lines] == ["invalid-email", "postal-code-leading-zero"]
    assert plan.cells == {(2, 15): Kind.PERSON} and plan.rows == {2: Kind.PERSON}
