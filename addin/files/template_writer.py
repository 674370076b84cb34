"""Lays a :class:`~addin.core.template.TemplateSpec` out as an .xlsx workbook with openpyxl.

Every decision is in the plan; this module only knows how Excel stores it: styles, notes, data
validations, a hidden protected sheet for the dropdown lists (a list typed inline in a
validation holds 255 characters at most, the French country names need about 4,000), and
column-wide number formats so that cells typed later are text, dates or decimals too.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import column_index_from_string, get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from addin.core.template import TemplateColumn, TemplateSpec

AUTHOR = "client-import"
#: fixed document dates: the same plan gives the same file, byte for byte where it matters
_EPOCH = dt.datetime(2024, 1, 1)

_FILLS = {
    "required": PatternFill("solid", fgColor="1F4E79"),
    "optional": PatternFill("solid", fgColor="DDEBF7"),
    "ignored": PatternFill("solid", fgColor="595959"),
}
_FONTS = {
    "required": Font(bold=True, color="FFFFFF"),
    "optional": Font(bold=True, color="1F4E79"),
    "ignored": Font(bold=True, color="D9D9D9"),
}
_EXAMPLE_FONT = Font(italic=True, color="7F7F7F")
_EXAMPLE_FILL = PatternFill("solid", fgColor="FFF2CC")
_TITLE_FONT = Font(bold=True, size=14)
_WRAP = Alignment(wrap_text=True, vertical="top")


def write_template(spec: TemplateSpec, path: Path) -> Path:
    """Write the workbook of ``spec`` to ``path`` and return it."""
    book = Workbook()
    data = book.active
    assert data is not None  # a new Workbook always has one sheet
    data.title = spec.data_sheet
    list_refs: dict[str, str] = {}
    if spec.lists_sheet:
        list_refs = _write_lists(book.create_sheet(spec.lists_sheet), spec)
    _write_data(data, spec, list_refs)
    if spec.instructions_sheet:
        instructions = book.create_sheet(spec.instructions_sheet, index=1)
        _write_instructions(instructions, spec)
    book.active = 0
    book.properties.creator = AUTHOR
    book.properties.created = _EPOCH
    book.properties.modified = _EPOCH
    book.properties.title = f"{spec.platform} — {spec.file_name}"
    path.parent.mkdir(parents=True, exist_ok=True)
    book.save(path)
    return path


def _write_data(sheet: Worksheet, spec: TemplateSpec, list_refs: dict[str, str]) -> None:
    last_letter = spec.columns[-1].letter
    for column in spec.columns:
        cell = sheet[f"{column.letter}1"]
        cell.value = column.header
        cell.fill = _FILLS[column.header_style]
        cell.font = _FONTS[column.header_style]
        cell.alignment = Alignment(vertical="center")
        cell.number_format = "@"
        cell.comment = _comment(column.note)
        dimension = sheet.column_dimensions[column.letter]
        dimension.width = column.width
        if column.number_format:
            # column-wide format: what the user types later, anywhere below, keeps it
            dimension.number_format = column.number_format
            index = column_index_from_string(column.letter)
            for row in range(2, spec.last_row + 1):
                sheet.cell(row=row, column=index).number_format = column.number_format
        if column.rule is not None:
            sheet.add_data_validation(_validation(column, spec, list_refs))
    if spec.example_row:
        _write_example(sheet, spec)
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = f"A1:{last_letter}{spec.last_row}"
    sheet.row_dimensions[1].height = 22


def _write_example(sheet: Worksheet, spec: TemplateSpec) -> None:
    """Row 2 holds the example the platform's own template has, styled so it stands out."""
    for column in spec.columns:
        cell = sheet[f"{column.letter}2"]
        cell.value = column.example
        cell.font = _EXAMPLE_FONT
        cell.fill = _EXAMPLE_FILL
    first = sheet[f"{spec.columns[0].letter}2"]
    first.comment = _comment(
        "Ligne d'exemple : remplacez-la ou supprimez-la avant l'import."
        if spec.lang == "fr"
        else "Example row: replace or delete it before importing."
    )


def _comment(text: str) -> Comment:
    comment = Comment(text, AUTHOR)
    lines = sum(1 + len(line) // 45 for line in text.splitlines())
    comment.width = 320
    comment.height = max(60, 16 * lines + 10)
    return comment


def _validation(
    column: TemplateColumn, spec: TemplateSpec, list_refs: dict[str, str]
) -> DataValidation:
    rule = column.rule
    assert rule is not None
    formula1 = rule.formula1
    if rule.kind == "list":
        formula1 = list_refs.get(column.field_id) or _inline_list(rule.list_values)
    validation = DataValidation(
        type=rule.kind,
        operator=rule.operator,
        formula1=formula1,
        formula2=rule.formula2,
        allow_blank=True,
        showDropDown=False,  # sic: True would *hide* the arrow
        showInputMessage=True,
        showErrorMessage=True,
        errorStyle=rule.error_style,
        promptTitle=rule.prompt_title,
        prompt=rule.prompt,
        errorTitle=rule.error_title,
        error=rule.error,
    )
    validation.add(f"{column.letter}2:{column.letter}{spec.last_row}")
    return validation


def _inline_list(values: tuple[str, ...]) -> str:
    """A list typed in the validation itself, for single-sheet workbooks (255 characters)."""
    text = ",".join(values)
    if len(text) > 255 or any("," in v or '"' in v for v in values):
        raise ValueError("this list does not fit inline in a validation: it needs a lists sheet")
    return f'"{text}"'


def _write_lists(sheet: Worksheet, spec: TemplateSpec) -> dict[str, str]:
    """One column per dropdown, hidden and protected; returns each field's range reference."""
    refs: dict[str, str] = {}
    column_number = 0
    for column in spec.columns:
        if column.rule is None or column.rule.kind != "list":
            continue
        column_number += 1
        letter = get_column_letter(column_number)
        sheet.cell(row=1, column=column_number, value=column.header).font = Font(bold=True)
        for row, value in enumerate(column.rule.list_values, start=2):
            sheet.cell(row=row, column=column_number, value=value).number_format = "@"
        last = len(column.rule.list_values) + 1
        refs[column.field_id] = f"{quote_sheetname(sheet.title)}!${letter}$2:${letter}${last}"
        sheet.column_dimensions[letter].width = 30
    sheet.sheet_state = "hidden"
    sheet.protection.sheet = True
    return refs


def _write_instructions(sheet: Worksheet, spec: TemplateSpec) -> None:
    fr = spec.lang == "fr"
    sheet["A1"] = (
        f"Modèle d'import {spec.platform} — mode d'emploi"
        if fr
        else f"{spec.platform} import template — instructions"
    )
    sheet["A1"].font = _TITLE_FONT
    sheet["A2"] = (
        f"Remplissez l'onglet « {spec.data_sheet} », une ligne par enregistrement, à partir de "
        "la ligne 2. Les listes déroulantes et les contrôles refusent la plupart des erreurs "
        "à la saisie ; survolez un en-tête pour son aide."
        if fr
        else f"Fill in the '{spec.data_sheet}' tab, one record per row, from row 2. Dropdowns "
        "and checks refuse most mistakes as you type; hover over a header for its help."
    )
    row = 4
    for style, label in spec.legend:
        if style == "ignored" and not any(c.header_style == "ignored" for c in spec.columns):
            continue
        sheet.cell(row=row, column=1).fill = _FILLS[style]
        sheet.cell(row=row, column=2, value=label)
        row += 1
    row += 1
    table_top = row
    for values in spec.instructions:
        for number, value in enumerate(values, start=1):
            cell = sheet.cell(row=row, column=number, value=value or None)
            cell.alignment = _WRAP
            cell.number_format = "@"
            if row == table_top:
                cell.font = Font(bold=True)
        row += 1
    row += 1
    sheet.cell(row=row, column=1, value="Enregistrer et importer" if fr else "Save and import")
    sheet.cell(row=row, column=1).font = Font(bold=True, size=12)
    for step in spec.steps:
        row += 1
        sheet.cell(row=row, column=1, value="•")
        sheet.cell(row=row, column=2, value=step)
    for letter, width in zip("ABCDEFGH", (9, 26, 12, 60, 40, 30, 12, 24), strict=True):
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = sheet.cell(row=table_top + 1, column=1)
