"""Draw a :class:`~addin.core.marks.MarkPlan` on the open book, and take it out again.

The same marks as the file path's (``files.marks_writer``), drawn through Excel's object model:

- the hidden sheet ``CI_Marques`` with each marked cell's level at its own address and each
  row's worst level in the column after the data (``marks_writer.mark_levels``), written in
  one ``Range.Value`` call per 100,000 cells, whatever the number of issues;
- six conditional formats on the checked sheet that read it (``marks_writer.rule_formulas``
  and ``mark_looks.RULE_LOOKS``: one look per kind for the cells, one tint per kind for the
  rows), added through COM's ``FormatConditions.Add``: the user's own fills, borders and fonts
  are never touched, and nothing is left when the rules go. Excel reads a relative
  reference in such a formula *from the active cell*, not from the range's first cell, so the
  checked sheet's A2 is selected while they are added (the cursor stays there; the sheet the
  user was on is shown again);
- notes on the cells with an issue, up to the plan's cap (one call each, and one to see that
  the cell has no note of the user's, which keeps it);
- the report sheet (:mod:`addin.live.report_sheet`), and the duplicates sheet when the check
  found rows that are probably one customer (:mod:`addin.live.duplicates_sheet`).

``clear_marks`` removes exactly that. Excel gives a note added through COM the author of its
user, not ours, so the notes we add are listed in the marks sheet's first cell (JSON, with the
checked sheet): those go, a user's own note stays. A book marked by the command line has no
such list: its notes are known, as the file path knows them, by their author
``client-import``. Our rules are known on every sheet by the marks sheet they read, as the
file path knows them; our sheets by their owner name (:mod:`addin.live.own_sheets`).
"""

from __future__ import annotations

import json
from typing import Any

import xlwings as xw

from addin.core.catalogue import Lang
from addin.core.marks import MarkPlan, cell_ref
from addin.core.product_sheets import DUPLICATES_SHEETS, MARKS_SHEET, REPORT_SHEETS
from addin.files.mark_looks import RULE_LOOKS
from addin.files.marks_writer import AUTHOR, mark_levels, rule_formulas, rules_range
from addin.live.cell_writes import excel_value, write_block
from addin.live.duplicates_sheet import draw_duplicates
from addin.live.own_sheets import add_own_sheet, own_sheet, refuse_taken, remove_own_sheet
from addin.live.report_sheet import draw_report
from addin.live.sheet_format import apply_look

#: COM's ``XlFormatConditionType.xlExpression``: a rule that applies where a formula is true.
XL_EXPRESSION = 2
#: How the marks sheet is named in our rules' formulas, as Excel and LibreOffice write it.
_MARKS_REFERENCES = (f"'{MARKS_SHEET}'!", f"{MARKS_SHEET}!")


def own_marks_sheet(book: xw.Book) -> str | None:
    return own_sheet(book, [MARKS_SHEET])


# --- draw -------------------------------------------------------------------------------------


def draw_marks(book: xw.Book, plan: MarkPlan, lang: Lang) -> int:
    """Draw ``plan`` on ``book`` (which holds no marks of ours); returns the notes written.

    A user's sheet that has the name of our marks or report sheet is refused before anything
    is drawn, in the file path's words.
    """
    ours = [MARKS_SHEET, REPORT_SHEETS[lang]]
    refuse_taken(book, [*ours, DUPLICATES_SHEETS[lang]] if plan.duplicates else ours)
    sheet = book.sheets[plan.sheet]
    marks = add_own_sheet(book, MARKS_SHEET)
    marks.visible = False
    flag_column = plan.width + 1
    _add_rules(book, sheet, plan, flag_column)
    noted = _add_notes(sheet, plan)
    record = {"sheet": plan.sheet, "notes": noted}
    write_block(marks, 1, 1, _marks_rows(plan, flag_column, record))
    marks.api.Protect()
    draw_report(book, plan, lang, len(noted))
    draw_duplicates(book, plan, lang)
    return len(noted)


def _marks_rows(plan: MarkPlan, flag_column: int, record: dict[str, Any]) -> list[list[Any]]:
    """The marks sheet from A1 to its last marked row, ``flag_column`` wide: the record in
    A1, the levels at their addresses, nothing elsewhere."""
    levels = mark_levels(plan, flag_column)
    last = max(levels, default=1)
    rows: list[list[Any]] = [[None] * flag_column for _ in range(last)]
    rows[0][0] = excel_value(json.dumps(record, ensure_ascii=False))
    for row, cells in levels.items():
        for column, level in cells:
            rows[row - 1][column - 1] = level
    return rows


def _add_rules(book: xw.Book, sheet: xw.Sheet, plan: MarkPlan, flag_column: int) -> None:
    """The six rules on the data, their formulas read from A2 (see the module's docstring)."""
    shown = book.sheets.active
    sheet.activate()
    sheet.range("A2").select()
    conditions = sheet.range(rules_range(plan)).api.FormatConditions
    for formula, (_kind, look) in zip(rule_formulas(flag_column), RULE_LOOKS, strict=True):
        condition = conditions.Add(Type=XL_EXPRESSION, Formula1="=" + formula)
        apply_look(condition, look)
        condition.StopIfTrue = True
        condition.SetLastPriority()  # after the user's rules and ours before it, in our order
    shown.activate()


def _add_notes(sheet: xw.Sheet, plan: MarkPlan) -> list[str]:
    """The plan's notes, except on a cell that has a note of the user's; the cells noted."""
    noted = []
    for note in plan.notes:
        try:  # xlwings looks for a note first (one call), then adds ours (one call)
            sheet.range((note.row, note.column)).add_note(note.text)
        except ValueError:  # the cell has a note of the user's: it keeps it
            continue
        noted.append(cell_ref(note.row, note.column))
    return noted


# --- clear ------------------------------------------------------------------------------------


def clear_marks(book: xw.Book) -> bool:
    """Remove our marks, report and duplicates sheets, rules and notes; ``True`` if there
    were some."""
    present = [sheet.name for sheet in book.sheets]  # listed once for the three
    marks = own_sheet(book, [MARKS_SHEET], present)
    report = own_sheet(book, list(REPORT_SHEETS.values()), present)
    duplicates = own_sheet(book, list(DUPLICATES_SHEETS.values()), present)
    if marks is None and report is None and duplicates is None:
        return False
    record = _record(book.sheets[marks]) if marks is not None else {}
    ours = {name for name in (marks, report, duplicates) if name is not None}
    sheets = [sheet for sheet in book.sheets if sheet.name not in ours]
    for sheet in sheets:
        _remove_rules(sheet)
    noted = record.get("notes")
    if isinstance(noted, list) and isinstance(record.get("sheet"), str):
        _remove_listed_notes(book, record["sheet"], [ref for ref in noted if isinstance(ref, str)])
    else:  # marked by the command line: our notes are the ones by our author
        for sheet in sheets:
            _remove_authored_notes(sheet)
    for name in ours:
        remove_own_sheet(book, name)
    return True


def _record(marks: xw.Sheet) -> dict[str, Any]:
    """The JSON in the marks sheet's A1 (ours, or the file path's undo information)."""
    raw = marks.range("A1").value
    try:
        record = json.loads(raw) if isinstance(raw, str) else {}
    except json.JSONDecodeError:
        return {}
    return record if isinstance(record, dict) else {}


def _remove_rules(sheet: xw.Sheet) -> None:
    """Our rules on ``sheet`` (those that read the marks sheet); the user's own stay. From
    the last to the first, as deleting one renumbers those after it."""
    conditions = sheet.cells.api.FormatConditions
    for index in range(conditions.Count, 0, -1):
        condition = conditions.Item(index)
        formula = str(condition.Formula1)
        if any(reference in formula for reference in _MARKS_REFERENCES):
            condition.Delete()


def _remove_listed_notes(book: xw.Book, name: str, refs: list[str]) -> None:
    if name not in [sheet.name for sheet in book.sheets]:
        return  # the sheet was renamed or deleted since: its notes went with it or stay
    sheet = book.sheets[name]
    for ref in refs:
        note = sheet.range(ref).note
        if note is not None:
            note.delete()


def _remove_authored_notes(sheet: xw.Sheet) -> None:
    for note in sheet.notes:
        if note.author == AUTHOR:
            note.delete()
