"""Draw a :class:`~addin.core.marks.MarkPlan` into a workbook package, and take it out again.

The marks are a layer the product owns and can remove exactly:

- a hidden sheet ``CI_Marques`` holds the kind (``core.kinds``: 3 an error only the user can
  fix, 2 an error the product fixes, 1 a warning) at the address of each cell with an issue,
  and the row's worst kind in the column after the data;
- six conditional-formatting rules on the checked sheet read it (one look per kind for the
  cells, ``files.mark_looks``, and a light tint per kind for their rows), so the user's own
  fills, borders and fonts are never touched and come back as they were when the marks go;
- notes (comments) by the author ``client-import`` on the cells with an issue, up to a cap;
  a cell that already has the user's own note keeps it, and the report carries ours (marks
  drawn in Excel, ``addin.live.marks``, list their notes' cells in the marks sheet instead:
  Excel signs a note with its user's name, and ``clear`` takes those out too);
- a report sheet ``CI_Rapport`` (``CI_Report`` in English) with totals, a legend of the three
  looks (each kind's count, its look, what to do), the totals per column and kind with their
  chart (``files.report_layout``, ``files.chart_part``) and one line per issue, the kinds that
  need a person first, each with a link to its cell; three rules of its own give its
  « Gravité » column and the totals' headers the cells' looks;
- when the check found rows that are probably one customer, a duplicates sheet
  ``CI_Doublons`` (``files.duplicates_sheet``) listing them, with links.

``clear`` removes exactly that: our sheets, our rules, our notes, our styles. What it must put
back as it was (the styles' ``dxfs`` element, whether the sheet had notes before) is written
in the marks sheet itself, so a workbook marked, saved by Excel, and cleared still loses only
what we added.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path

from addin.core.catalogue import Lang
from addin.core.kinds import KIND_ADVICE, KIND_WORDS, WORST_FIRST, Kind
from addin.core.marks import IssueKey, MarkPlan, Note, cell_ref, issue_key
from addin.core.product_sheets import DUPLICATES_SHEETS, MARKS_SHEET, REPORT_SHEETS
from addin.core.report import column_letter
from addin.core.table import FormulaCell, Table
from addin.errors import ClientImportError
from addin.files.chart_part import add_chart
from addin.files.duplicates_sheet import add_duplicates_sheet
from addin.files.mark_looks import RULE_LOOKS, dxf_xml
from addin.files.report_layout import (
    LEGEND_ROW,
    TOTALS_ROW,
    chart_data,
    freezes_header,
    report_header_row,
    totals_heads,
    totals_rows,
)
from addin.files.sheet_xml import (
    HEAD,
    CellStyles,
    Link,
    ReportCell,
    fitted_widths,
    inline_cell,
    styled_sheet,
    worksheet,
)
from addin.files.table_part import TABLE_PREFIX, TableSpec, add_table
from addin.files.xlsx_package import (
    COMMENTS_CT,
    COMMENTS_TYPE,
    STYLES_CT,
    STYLES_TYPE,
    VML_CT,
    VML_TYPE,
    Relationship,
    XlsxPackage,
    append_child,
    attributes,
    relative,
    remove_spans,
)
from addin.files.xml_chars import xml_text
from addin.files.xml_spans import MAIN_NS, Span, fragment, sheet_tail, spans
from addin.readers.reader import read_table

AUTHOR = "client-import"

#: Our differential styles, in the order of the rules that use them (``RULE_LOOKS``).
_DXFS = tuple(dxf_xml(look) for _kind, look in RULE_LOOKS)

#: elements that come after <conditionalFormatting> in a worksheet, in schema order
_AFTER_CF = [
    "dataValidations",
    "hyperlinks",
    "printOptions",
    "pageMargins",
    "pageSetup",
    "headerFooter",
    "rowBreaks",
    "colBreaks",
    "customProperties",
    "cellWatches",
    "ignoredErrors",
    "smartTags",
    "drawing",
    "legacyDrawing",
    "legacyDrawingHF",
    "drawingHF",
    "picture",
    "oleObjects",
    "controls",
    "webPublishItems",
    "tableParts",
    "extLst",
]
#: elements that come after <drawing>
_AFTER_DRAWING = _AFTER_CF[_AFTER_CF.index("legacyDrawing") :]
#: elements that come after <legacyDrawing>
_AFTER_LEGACY = _AFTER_CF[_AFTER_CF.index("legacyDrawingHF") :]


# --- annotate -------------------------------------------------------------------------------


def annotate(package: XlsxPackage, plan: MarkPlan, lang: Lang = "fr") -> int:
    """Add the marks of ``plan`` to ``package``; returns the number of notes written.

    Marks already there (an earlier run) are removed first, so marking twice shows the issues
    of the last check only.
    """
    clear(package)
    if plan.duplicates:
        package.refuse_taken(DUPLICATES_SHEETS[lang])
    sheet = package.sheet(plan.sheet)
    undo: dict[str, object] = {}
    first_dxf = _add_dxfs(package, undo)
    looks = _add_cell_styles(package, undo)
    marks = package.add_sheet(MARKS_SHEET, b"", state="hidden")
    flag_column = plan.width + 1
    _add_rules(package, sheet.part, plan, first_dxf, flag_column)
    notes = _add_notes(package, sheet.part, plan, undo)
    package.write(marks.part, _marks_xml(plan, flag_column, undo))
    report_xml = _report_xml(plan, lang, notes, first_dxf, looks)
    report = package.add_sheet(REPORT_SHEETS[lang], report_xml)
    add_table(package, report.part, report_table(plan, lang))
    _add_report_chart(package, report.part, plan, lang)
    add_duplicates_sheet(package, plan, lang, looks)
    return notes


def _add_report_chart(package: XlsxPackage, part: str, plan: MarkPlan, lang: Lang) -> None:
    """The totals block's chart on the report sheet at ``part`` (none for a clean file)."""
    data = chart_data(plan, REPORT_SHEETS[lang], lang)
    if data is not None:
        element = add_chart(package, part, data)
        package.write(part, _insert_in_order(package.read(part), element, _AFTER_DRAWING))


def _add_dxfs(package: XlsxPackage, undo: dict[str, object]) -> int:
    """Our differential styles appended to the workbook's ``dxfs``; returns the first's
    index. What ``clear`` must put back is noted in ``undo``; a workbook without a styles part
    (valid: every cell then has the default style) gets a minimal one, which ``clear`` removes.
    """
    part = _styles_part(package)
    if part is None:
        # openpyxl reads styles from xl/styles.xml only, whatever the relationship says
        free = "xl/styles.xml" not in package.parts
        part = "xl/styles.xml" if free else package.new_part_name("xl/stylesCI{n}.xml")
        package.write(part, _MINIMAL_STYLES)
        package.add_override(part, STYLES_CT)
        rel_id = package.add_relationship(
            "xl/workbook.xml", STYLES_TYPE, relative("xl/workbook.xml", part)
        )
        undo["styles_added"] = [part, rel_id]
    styles = package.read(part)
    found = spans(styles, part)
    if not any(s.depth == 1 and s.name == "cellXfs" for s in found):
        # a styles part without cell styles (valid, but openpyxl then ignores its dxfs too):
        # replaced whole by a minimal one, and given back whole by ``clear``
        package.write(part, _MINIMAL_STYLES)
        first_dxf = _add_dxfs(package, undo)
        undo["dxfs_before"], undo["dxfs_after"] = styles.decode(), package.read(part).decode()
        return first_dxf
    root = found[0]
    dxfs = next(
        (s for s in found if s.depth == 1 and s.namespace == MAIN_NS and s.name == "dxfs"), None
    )
    if dxfs is None:
        anchor = next(
            (
                s.start
                for s in found
                if s.depth == 1
                and s.namespace == MAIN_NS
                and s.name in ("tableStyles", "colors", "extLst")
            ),
            root.close,
        )
        xml = fragment(f'<dxfs count="{len(_DXFS)}">{"".join(_DXFS)}</dxfs>', MAIN_NS, root.scope)
        before, after = b"", xml.encode()
        styles = styles[:anchor] + after + styles[anchor:]
        first_dxf = 0
    else:
        before = styles[dxfs.start : dxfs.end]
        count = sum(1 for s in found if s.depth == 2 and s.start > dxfs.start and s.end <= dxfs.end)
        ours = fragment("".join(_DXFS), MAIN_NS, dxfs.scope).encode()
        after = _counted(append_child(before, _shifted(dxfs, -dxfs.start), ours.decode()),
                         count + len(_DXFS))  # fmt: skip
        styles = styles[: dxfs.start] + after + styles[dxfs.end :]
        first_dxf = count
    package.write(part, styles)
    undo["dxfs_before"], undo["dxfs_after"] = before.decode(), after.decode()
    return first_dxf


def _counted(element: bytes, count: int) -> bytes:
    """``element`` (a styles list: ``<dxfs count="3">…``) with its ``count`` set to ``count``."""
    tag_end = element.index(b">") + 1
    tag = re.sub(
        rb"""(<[^>]*?\scount\s*=\s*)(["'])\d*\2""",
        lambda m: m.group(1) + b'"%d"' % count,
        element[:tag_end],
        count=1,
    )
    return tag + element[tag_end:]


#: Our cell styles (``sheet_xml.CellStyles``): long texts wrapped, title and headers bold.
_WRAP_XF = (
    '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0" applyAlignment="1">'
    '<alignment wrapText="1"/></xf>'
)
_BOLD_XF = '<xf numFmtId="0" fontId="{font}" fillId="0" borderId="0" xfId="0" applyFont="1"/>'


def _add_cell_styles(package: XlsxPackage, undo: dict[str, object]) -> CellStyles:
    """Our bold font and our two cell styles appended to the styles part (after
    :func:`_add_dxfs`, which makes sure it has both lists). Appended last, they move no style
    the user's cells use; ``clear`` puts the lists back as they were (``undo``'s ``fonts_*``
    and ``xfs_*``)."""
    part = _styles_part(package)
    assert part is not None  # _add_dxfs gave the workbook one
    bold = _bold_font(package.read(part), part)
    font = _append_styles(package, part, "fonts", bold, 1, undo)
    xfs = _WRAP_XF + _BOLD_XF.format(font=font)
    first = _append_styles(package, part, "cellXfs", xfs, 2, undo)
    return CellStyles(wrapped=first, bold=first + 1)


#: what ``undo`` calls the lists :func:`_append_styles` adds to
_UNDO_KEYS = {"fonts": "fonts", "cellXfs": "xfs"}


def _append_styles(  # noqa: PLR0917 (one list edit, said in full)
    package: XlsxPackage, part: str, name: str, children: str, added: int, undo: dict[str, object]
) -> int:
    """``children`` (``added`` elements) appended to the styles' list ``name`` (its count
    raised); returns the first one's index. What the list was and became goes in ``undo``
    for ``clear``."""
    styles = package.read(part)
    found = spans(styles, part)
    holder = next(s for s in found if s.depth == 1 and s.namespace == MAIN_NS and s.name == name)
    count = sum(1 for s in found if s.depth == 2 and s.start > holder.start and s.end <= holder.end)
    before = styles[holder.start : holder.end]
    ours = fragment(children, MAIN_NS, holder.scope)
    after = _counted(append_child(before, _shifted(holder, -holder.start), ours), count + added)
    package.write(part, styles[: holder.start] + after + styles[holder.end :])
    key = _UNDO_KEYS[name]
    undo[f"{key}_before"], undo[f"{key}_after"] = before.decode(), after.decode()
    return count


def _bold_font(styles: bytes, part: str) -> str:
    """The workbook's first font (its default: name, size, scheme) made bold, without its
    colour: the font of our bold cells."""
    found = spans(styles, part)
    font = next((s for s in found if s.depth == 2 and s.name == "font"), None)
    if font is None or font.end == font.open_end:
        return "<font><b/></font>"
    inner = styles[font.open_end : font.close].decode()
    inner = re.sub(r"<(?:[\w.-]+:)?(?:b|color)\b[^>]*?/>", "", inner)
    inner = re.sub(r"<((?:[\w.-]+:)?(?:b|color))\b[^>]*>.*?</\1>", "", inner, flags=re.S)
    return f"<font><b/>{inner}</font>"


def _shifted(span: Span, by: int) -> Span:
    return replace(
        span,
        start=span.start + by,
        open_end=span.open_end + by,
        end=span.end + by,
        close=span.close + by,
    )


def _styles_part(package: XlsxPackage) -> str | None:
    """The workbook's styles part, found through its relationship (not always styles.xml)."""
    for relationship in package.relationships("xl/workbook.xml"):
        if relationship.type == STYLES_TYPE and relationship.target in package.parts:
            return relationship.target
    return None


_MINIMAL_STYLES = (
    f'{HEAD}<styleSheet xmlns="{MAIN_NS}"><fonts count="1"><font><sz val="11"/>'
    '<name val="Calibri"/></font></fonts><fills count="2"><fill><patternFill '
    'patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/>'
    '</cellStyleXfs><cellXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" '
    'xfId="0"/></cellXfs><cellStyles count="1"><cellStyle name="Normal" xfId="0" '
    'builtinId="0"/></cellStyles></styleSheet>'
).encode()


def rule_formulas(flag_column: int) -> tuple[str, ...]:
    """The six rules' formulas, as seen from the marked range's first cell (A2), in the
    order of :data:`~addin.files.mark_looks.RULE_LOOKS`: the cell's kind in the marks sheet,
    worst first, then its row's."""
    flag = column_letter(flag_column - 1)
    sheet = f"'{MARKS_SHEET}'!"
    return tuple(f"{sheet}A2={kind.value}" for kind in WORST_FIRST) + tuple(
        f"{sheet}${flag}2={kind.value}" for kind in WORST_FIRST
    )


def rules_range(plan: MarkPlan) -> str:
    """The cells the rules colour: the data, from row 2 to the plan's last row."""
    return f"A2:{column_letter(plan.width - 1)}{plan.last_row}"


def _rules_xml(plan: MarkPlan, first_dxf: int, flag_column: int, priority: int) -> str:
    rules = "".join(
        f'<cfRule type="expression" dxfId="{first_dxf + n}" priority="{priority + n}" '
        f'stopIfTrue="1"><formula>{xml_text(formula)}</formula></cfRule>'
        for n, formula in enumerate(rule_formulas(flag_column))
    )
    return f'<conditionalFormatting sqref="{rules_range(plan)}">{rules}</conditionalFormatting>'


def _add_rules(
    package: XlsxPackage, part: str, plan: MarkPlan, first_dxf: int, flag_column: int
) -> None:
    data = package.read(part)
    _start, tail = sheet_tail(data)
    priorities = [
        int(s.attributes["priority"])
        for s in tail
        if s.name == "cfRule" and s.attributes.get("priority", "").isdigit()
    ]
    block = _rules_xml(plan, first_dxf, flag_column, max(priorities, default=0) + 1)
    package.write(part, _insert_in_order(data, block, _AFTER_CF))


def _insert_in_order(data: bytes, block: str, followers: Iterable[str]) -> bytes:
    """Put our ``block`` after the cells, before the first of ``followers`` (schema order),
    in the prefixes the sheet's root declares."""
    _start, tail = sheet_tail(data)
    root = tail[0]
    names = set(followers)
    index = next(
        (s.start for s in tail if s.depth == 1 and s.namespace == MAIN_NS and s.name in names),
        root.close,
    )
    return data[:index] + fragment(block, MAIN_NS, root.scope).encode() + data[index:]


def _cells_with_user_notes(package: XlsxPackage, comments_part: str) -> set[str]:
    return {
        m.decode()
        for m in re.findall(rb'<comment\b[^>]*\bref="([A-Z]+\d+)"', package.read(comments_part))
    }


def _add_notes(package: XlsxPackage, part: str, plan: MarkPlan, undo: dict[str, object]) -> int:
    """Write the plan's notes; returns how many were written. Prefixes declared on the user's
    drawing are noted in ``undo`` for ``clear`` to take out."""
    if not plan.notes:
        return 0
    rels = package.relationships(part)
    comments = next((r for r in rels if r.type == COMMENTS_TYPE), None)
    vml = next((r for r in rels if r.type == VML_TYPE), None)
    if comments is not None and vml is not None:
        taken = _cells_with_user_notes(package, comments.target)
        notes = [n for n in plan.notes if cell_ref(n.row, n.column) not in taken]
        _merge_comments(package, comments.target, notes)
        declared = _declare_vml_prefixes(package, vml.target)
        if declared:
            undo["vml_declared"] = [vml.target, declared]
        _insert_before_last(package, vml.target, b"</xml>", _vml_shapes(notes))
        return len(notes)
    if vml is not None:  # a drawing of form controls without notes: leave it alone
        return 0
    comments_part = package.new_part_name("xl/comments/commentCI{n}.xml")
    vml_part = package.new_part_name("xl/drawings/vmlDrawingCI{n}.vml")
    package.write(comments_part, _comments_xml(plan.notes))
    package.write(vml_part, (_VML_HEAD + _vml_shapes(plan.notes).decode() + "</xml>").encode())
    package.add_override(comments_part, COMMENTS_CT)
    package.add_override(vml_part, VML_CT)
    package.add_relationship(part, COMMENTS_TYPE, relative(part, comments_part))
    vml_id = package.add_relationship(part, VML_TYPE, relative(part, vml_part))
    element = f'<legacyDrawing r:id="{vml_id}"/>'
    package.write(part, _insert_in_order(package.read(part), element, _AFTER_LEGACY))
    return len(plan.notes)


def _comment(note_ref: str, text: str, author_id: int) -> str:
    return (
        f'<comment ref="{note_ref}" authorId="{author_id}"><text><r><rPr><sz val="9"/>'
        f'<rFont val="Tahoma"/></rPr><t xml:space="preserve">{xml_text(text)}</t></r></text>'
        "</comment>"
    )


def _comments_xml(notes: Iterable[Note]) -> bytes:
    body = "".join(_comment(cell_ref(n.row, n.column), n.text, 0) for n in notes)
    return (
        f'{HEAD}<comments xmlns="{MAIN_NS}"><authors><author>{AUTHOR}</author></authors>'
        f"<commentList>{body}</commentList></comments>"
    ).encode()


def _merge_comments(package: XlsxPackage, part: str, notes: list[Note]) -> None:
    data = package.read(part)
    authors = re.findall(rb"<author>(.*?)</author>", data, re.S)
    if AUTHOR.encode() in authors:
        author_id = authors.index(AUTHOR.encode())
    else:
        author_id = len(authors)
        index = data.index(b"</authors>")
        data = data[:index] + f"<author>{AUTHOR}</author>".encode() + data[index:]
    package.write(part, data)
    body = "".join(_comment(cell_ref(n.row, n.column), n.text, author_id) for n in notes)
    _insert_before_last(package, part, b"</commentList>", body.encode())


#: the prefixes our note boxes use, with their namespaces
_VML_PREFIXES = {
    b"v": b"urn:schemas-microsoft-com:vml",
    b"o": b"urn:schemas-microsoft-com:office:office",
    b"x": b"urn:schemas-microsoft-com:office:excel",
}


def _declare_vml_prefixes(package: XlsxPackage, part: str) -> str:
    """Declare ``v:``, ``o:`` and ``x:`` on the user's drawing when its producer chose other
    prefixes (openpyxl writes ``ns0:``...): our note boxes use them, and an undeclared prefix
    makes the drawing, and so the workbook, unreadable."""
    data = package.read(part)
    start = data.find(b"<xml")
    end = data.find(b">", start)
    if start < 0 or end < 0:
        return ""
    tag = data[start:end]
    missing = b"".join(
        b' xmlns:%s="%s"' % (prefix, uri)
        for prefix, uri in _VML_PREFIXES.items()
        if b"xmlns:%s=" % prefix not in tag
    )
    if missing:
        closing = end - 1 if data[end - 1 : end] == b"/" else end
        package.write(part, data[:closing] + missing + data[closing:])
    return missing.decode()


def _undeclare_vml_prefixes(package: XlsxPackage, undo: dict[str, object]) -> None:
    """Take out the declarations :func:`_declare_vml_prefixes` added, from the root tag only."""
    noted = undo.get("vml_declared")
    if not (isinstance(noted, list) and len(noted) == 2 and all(isinstance(n, str) for n in noted)):
        return
    part, declared = noted
    if part not in package.parts:
        return
    data = package.read(part)
    end = data.find(b">", data.find(b"<xml"))
    at = data.find(declared.encode(), 0, end)
    if at >= 0:
        package.write(part, data[:at] + data[at + len(declared.encode()) :])


def _insert_before_last(package: XlsxPackage, part: str, closing: bytes, text: bytes) -> None:
    data = package.read(part)
    index = data.rindex(closing)
    package.write(part, data[:index] + text + data[index:])


_VML_HEAD = (
    '<xml xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:office:office"'
    ' xmlns:x="urn:schemas-microsoft-com:office:excel"><o:shapelayout v:ext="edit">'
    '<o:idmap v:ext="edit" data="1"/></o:shapelayout><v:shapetype id="_x0000_t202" '
    'coordsize="21600,21600" o:spt="202" path="m,l,21600r21600,l21600,xe"><v:stroke '
    'joinstyle="miter"/><v:path gradientshapeok="t" o:connecttype="rect"/></v:shapetype>'
)


def _vml_shape(row: int, column: int, number: int) -> str:
    return (
        f'<v:shape id="_ci_note_{number}" type="#_x0000_t202" style="position:absolute;'
        "margin-left:59.25pt;margin-top:1.5pt;width:240pt;height:90pt;z-index:1;"
        'visibility:hidden" fillcolor="#ffffe1" o:insetmode="auto"><v:fill color2="#ffffe1"/>'
        '<v:shadow on="t" color="black" obscured="t"/><v:path o:connecttype="none"/>'
        '<v:textbox style="mso-direction-alt:auto"><div style="text-align:left"></div>'
        '</v:textbox><x:ClientData ObjectType="Note"><x:MoveWithCells/><x:SizeWithCells/>'
        f"<x:AutoFill>False</x:AutoFill><x:Row>{row - 1}</x:Row><x:Column>{column - 1}"
        "</x:Column></x:ClientData></v:shape>"
    )


def _vml_shapes(notes: Iterable[Note]) -> bytes:
    """One hidden note box per note, for a new drawing or appended to the user's."""
    return "".join(_vml_shape(n.row, n.column, i) for i, n in enumerate(notes, start=1)).encode()


def mark_levels(plan: MarkPlan, flag_column: int) -> dict[int, list[tuple[int, int]]]:
    """What the hidden marks sheet holds below its first row: row → [(column, level)], the
    cells' levels at their own addresses and each row's worst level in ``flag_column`` (here
    and live, ``addin.live.marks``, from this one function)."""
    by_row: dict[int, list[tuple[int, int]]] = {}
    for (row, column), level in plan.cells.items():
        by_row.setdefault(row, []).append((column, level))
    for row, level in plan.rows.items():
        by_row.setdefault(row, []).append((flag_column, level))
    return {row: sorted(by_row[row]) for row in sorted(by_row) if row >= 2}


def _marks_xml(plan: MarkPlan, flag_column: int, undo: dict[str, object]) -> bytes:
    """The hidden marks sheet: levels at the cells' addresses, row levels, undo information."""
    lines = [f'<row r="1">{inline_cell("A1", json.dumps(undo, ensure_ascii=False))}</row>']
    for row, levels in mark_levels(plan, flag_column).items():
        cells = "".join(
            f'<c r="{cell_ref(row, column)}"><v>{level}</v></c>' for column, level in levels
        )
        lines.append(f'<row r="{row}">{cells}</row>')
    return worksheet(lines, after='<sheetProtection sheet="1"/>')


_REPORT_WORDS = {
    "fr": {
        "title": "Rapport de contrôle client-import",
        "totals": "{rows} lignes vérifiées, {valid} valides ; {errors} erreur(s), "
        "{warnings} avertissement(s).",
        "capped": " Notes posées sur les {notes} premières cellules ; ce rapport donne tout.",
        "progress": " Depuis la vérification précédente : {resolved} problème(s) résolu(s), "
        "{new} nouveau(x).",
        "new": "nouveau",
        "count": "{count} problème(s)",
        "at_least": "au moins {count} problème(s)",
        "headers": (
            "Ligne",
            "Cellule",
            "Colonne",
            "Gravité",
            "Problème et correction",
            "Valeur",
            "À taper",
            "Code",
            "Suivi",
        ),
    },
    "en": {
        "title": "client-import check report",
        "totals": "{rows} rows checked, {valid} valid; {errors} error(s), {warnings} warning(s).",
        "capped": " Notes on the first {notes} cells only; this report has everything.",
        "progress": " Since the previous check: {resolved} issue(s) resolved, {new} new.",
        "new": "new",
        "count": "{count} issue(s)",
        "at_least": "at least {count} issue(s)",
        "headers": (
            "Row",
            "Cell",
            "Column",
            "Severity",
            "Problem and fix",
            "Value",
            "Type instead",
            "Code",
            "Follow-up",
        ),
    },
}


#: The columns ``previous_issues`` reads back.
_CELL_COLUMN, _HEADER_COLUMN, _CODE_COLUMN = 1, 2, 7
#: The report's column that says each line's kind (« Gravité »), with the kind's look.
KIND_COLUMN = 4


#: The report's column of messages (« Problème et correction »), wrapped within its width.
MESSAGE_COLUMN = 5


def report_bounds(plan: MarkPlan) -> tuple[int, int]:
    """The report's header row (below the totals block, ``report_layout.report_header_row``)
    and the row of its last issue: the one place both drawers, the rules and the table take
    them from."""
    top = report_header_row(plan)
    return top, top + len(plan.lines)


def report_table(plan: MarkPlan, lang: Lang) -> TableSpec:
    """The report's table: its headers and one line per issue."""
    top, last = report_bounds(plan)
    headers = tuple(_REPORT_WORDS[lang]["headers"])
    return TableSpec(TABLE_PREFIX + "Report", top, headers, last)


def report_widths(rows: list[list[ReportCell]], lang: Lang) -> tuple[int, ...]:
    """The report's column widths, fitted to the legend and the issues (the title and totals
    run across the empty cells on their right)."""
    return fitted_widths(_REPORT_WORDS[lang]["headers"], rows[2:])


def report_rows(plan: MarkPlan, lang: Lang, notes: int) -> list[list[ReportCell]]:
    """The report sheet from row 1 down, nine cells a row: the title, the totals, the legend
    from ``LEGEND_ROW`` (per kind: its count, its words, what to do), the totals block
    (``report_layout.totals_rows``), the headers on ``report_header_row(plan)``, one line per
    issue. Drawn into the file here and into the
    open book by ``addin.live.report_sheet``, so both show the same report."""
    words = _REPORT_WORDS[lang]
    totals = str(words["totals"]).format(
        rows=plan.rows_checked, valid=plan.valid_rows, errors=plan.errors, warnings=plan.warnings
    )
    if plan.notes_left_out:
        totals += str(words["capped"]).format(notes=notes)
    if plan.progress is not None:
        totals += str(words["progress"]).format(
            resolved=plan.progress.resolved, new=plan.progress.new
        )
    width = len(words["headers"])
    blank: list[ReportCell] = [None] * width
    rows: list[list[ReportCell]] = [[str(words["title"]), *blank[1:]], [totals, *blank[1:]]]
    rows += [list(blank) for _ in range(LEGEND_ROW - 3)]
    counts = dict(plan.kinds)
    for kind in WORST_FIRST:
        exact = plan.exact or kind == Kind.LOOK  # warnings are always counted one by one
        count = str(words["count" if exact else "at_least"]).format(count=counts.get(kind, 0))
        legend: list[ReportCell] = [None, None, count, KIND_WORDS[lang][kind]]
        rows.append([*legend, KIND_ADVICE[lang][kind], *blank[len(legend) + 1 :]])
    rows += [list(blank) for _ in range(TOTALS_ROW - len(rows) - 1)]
    rows += totals_rows(plan, lang)
    rows += [list(blank) for _ in range(report_header_row(plan) - len(rows) - 1)]
    rows.append(list(words["headers"]))
    for line in plan.lines:
        rows.append(
            [
                line.row,
                None if line.cell is None else Link(plan.sheet, line.cell),
                line.column,
                KIND_WORDS[lang][line.kind],
                line.message,
                line.value,
                line.suggestion,
                line.code,
                str(words["new"]) if line.new else None,
            ]
        )
    return rows


def kind_rules(plan: MarkPlan, lang: Lang) -> tuple[str, list[tuple[str, int]]]:
    """The report's own rules: the range of its « Gravité » column, legend included, and per
    kind the text compared (a formula: ``"À vérifier"``) with the index of the kind's cell
    look in ``RULE_LOOKS``. Drawn here and by ``addin.live.report_sheet`` alike."""
    letter = column_letter(KIND_COLUMN - 1)
    _top, last = report_bounds(plan)
    where = f"{letter}{LEGEND_ROW}:{letter}{last}"
    looks = [kind for kind, _look in RULE_LOOKS]
    texts = [('"' + KIND_WORDS[lang][kind].replace('"', '""') + '"', looks.index(kind))
             for kind in WORST_FIRST]  # fmt: skip
    return where, texts


def _report_xml(plan: MarkPlan, lang: Lang, notes: int, first_dxf: int, looks: CellStyles) -> bytes:
    """The report sheet's part, without its table (added by ``table_part.add_table``) and its
    chart (``_add_report_chart``)."""
    top, _last = report_bounds(plan)
    cells = report_rows(plan, lang, notes)
    widths = report_widths(cells, lang)
    where, texts = kind_rules(plan, lang)
    # the « Gravité » column, then the totals block's headers (the chart's series names)
    formats = "".join(
        f'<conditionalFormatting sqref="{area}">'
        + "".join(
            f'<cfRule type="cellIs" dxfId="{first_dxf + look}" '
            f'priority="{block * len(texts) + n}" operator="equal">'
            f"<formula>{xml_text(text)}</formula></cfRule>"
            for n, (text, look) in enumerate(texts, start=1)
        )
        + "</conditionalFormatting>"
        for block, area in enumerate([where, *totals_heads(plan)])
    )
    frozen = freezes_header(plan)
    return styled_sheet(cells, top, MESSAGE_COLUMN, widths, looks, after=formats, frozen=frozen)


def previous_issues(path: Path, sheets: list[str]) -> set[IssueKey] | None:
    """The issues listed by the report sheet of an earlier mark, if the workbook has one.

    Read through the ordinary readers, so a report Excel has re-saved is read as well; a report
    the user has reshaped is ignored (the progress line is then left out, nothing else).
    """
    name = next((n for n in sheets if n in REPORT_SHEETS.values()), None)
    if name is None:
        return None
    try:
        table = read_table(path, sheet=name, header_row=1)
    except ClientImportError:
        return None
    return issues_from_table(table)


def _ours(headers: list[object]) -> bool:
    shown = [str(header).strip() for header in headers]
    return any(shown[: len(words["headers"])] == list(words["headers"])
               for words in _REPORT_WORDS.values())  # fmt: skip


def _below_header(table: Table) -> int | None:
    """Where the issue lines start in ``table``'s columns: after the first row of our headers."""
    return next(
        (
            n + 1
            for n, first in enumerate(table.columns[0])
            if first in _HEADER_WORDS and _ours([column[n] for column in table.columns])
        ),
        None,
    )


def issues_from_table(table: Table) -> set[IssueKey] | None:
    """The issue keys of a report sheet read from its first row (from the saved file here,
    from the open book by ``addin.live``): one parsing for both. The issues' header is the
    first row whose cells are our headers, wherever the totals block above put it (and where
    earlier versions did: a report drawn before the totals or the legend reads as well).
    A link's cell is its shown text, or, for a formula not computed yet, the text it shows.
    A sheet without our headers (reshaped by the user) gives ``None``: no progress line
    rather than a wrong one."""
    if len(table.columns) <= _CODE_COLUMN:
        return None
    below = 0 if _ours(list(table.headers)) else _below_header(table)
    if below is None:
        return None
    cells, columns, codes = (
        table.columns[i][below:] for i in (_CELL_COLUMN, _HEADER_COLUMN, _CODE_COLUMN)
    )
    return {
        issue_key(_link_text(cell), _text(column), code)
        for cell, column, code in zip(cells, columns, codes, strict=True)
        if isinstance(code, str)
    }


#: The first header of the issues table, in either language: where ``issues_from_table`` looks.
_HEADER_WORDS = frozenset(str(words["headers"][0]) for words in _REPORT_WORDS.values())
#: ``HYPERLINK("#'Clients'!B12","B12")``: the text shown is the last literal.
_SHOWN = re.compile(r'^=?HYPERLINK\(".*","([A-Z]{1,3}[0-9]{1,7})"\)$', re.I | re.S)


def _link_text(value: object) -> str | None:
    if isinstance(value, FormulaCell):
        match = _SHOWN.match(value.formula)
        return match.group(1) if match else None
    return _text(value)


def _text(value: object) -> str | None:
    return value if isinstance(value, str) else None


# --- clear ----------------------------------------------------------------------------------


def _undo_info(package: XlsxPackage, part: str) -> dict[str, object]:
    """The JSON kept in ``CI_Marques!A1``: inline as we wrote it, or shared once Excel saved it."""
    raw = package.cell_text(part, "A1")
    if raw is None:
        return {}
    try:
        info = json.loads(raw)
    except json.JSONDecodeError:
        return {}
    return info if isinstance(info, dict) else {}


#: The sheets the marks add, in either language: ``clear`` takes out those that are ours.
_OUR_MARK_SHEETS = frozenset({MARKS_SHEET, *REPORT_SHEETS.values(), *DUPLICATES_SHEETS.values()})


def clear(package: XlsxPackage) -> bool:
    """Remove every mark, note, rule, style and sheet the product added; ``True`` if any.

    Only sheets that carry our owner mark are ours: a user's sheet named ``CI_Rapport`` or
    ``CI_Doublons`` stays.
    """
    sheets = package.sheets()
    ours = [s for s in sheets if (s.name in _OUR_MARK_SHEETS) and package.is_own(s)]
    if not ours:
        return False
    marks = next((s for s in ours if s.name == MARKS_SHEET), None)
    undo = _undo_info(package, marks.part) if marks else {}
    listed = _listed_notes(undo)
    for entry in sheets:
        if entry in ours or not entry.part:
            continue
        _remove_rules(package, entry.part)
        _remove_notes(package, entry.part, listed.get(entry.name, set()))
    _undeclare_vml_prefixes(package, undo)
    for entry in ours:
        package.remove_sheet(entry)
    before, after = undo.get("dxfs_before"), undo.get("dxfs_after")
    added = undo.get("styles_added")
    if isinstance(added, list) and len(added) == 2 and all(isinstance(a, str) for a in added):
        package.remove(added[0])
        package.remove_override(added[0])
        package.remove_relationship("xl/workbook.xml", added[1])
    elif isinstance(before, str) and isinstance(after, str):
        part = _styles_part(package)
        if part is not None:
            styles = package.read(part)
            for key in _UNDO_KEYS.values():  # first: the dxfs' record may be the whole
                # part, taken before our cell styles were added
                was, now = undo.get(f"{key}_before"), undo.get(f"{key}_after")
                if isinstance(was, str) and isinstance(now, str):
                    styles = styles.replace(now.encode(), was.encode(), 1)
            package.write(part, styles.replace(after.encode(), before.encode(), 1))
    return True


def _remove_rules(package: XlsxPackage, part: str) -> None:
    data = package.read(part)
    _start, tail = sheet_tail(data)
    # as we write it, and as LibreOffice writes it back (without the quotes)
    marks = (f"'{MARKS_SHEET}'!".encode(), f"{MARKS_SHEET}!".encode())
    ours = [
        s
        for s in tail
        if s.depth == 1
        and s.name == "conditionalFormatting"
        and any(mark in data[s.start : s.end] for mark in marks)
    ]
    if ours:
        package.write(part, remove_spans(data, ours))


def _listed_notes(undo: dict[str, object]) -> dict[str, set[str]]:
    """The notes a mark drawn in Excel listed (``addin.live.marks``): Excel signs them with its
    user's name, not ours, so they are known by their cells. Sheet → cells."""
    sheet, notes = undo.get("sheet"), undo.get("notes")
    if not isinstance(sheet, str) or not isinstance(notes, list):
        return {}
    return {sheet: {ref for ref in notes if isinstance(ref, str)}}


def _remove_notes(package: XlsxPackage, part: str, listed: set[str]) -> None:
    """Our notes on the sheet at ``part``: those by our author, and those at ``listed``."""
    rels = package.relationships(part)
    comments = next((r for r in rels if r.type == COMMENTS_TYPE), None)
    vml = next((r for r in rels if r.type == VML_TYPE), None)
    if comments is None:
        return
    comments_part = comments.target
    data = package.read(comments_part)
    authors = re.findall(rb"<author>(.*?)</author>", data, re.S)
    ours = authors.index(AUTHOR.encode()) if AUTHOR.encode() in authors else -1
    all_comments = re.findall(rb"<comment\b.*?</comment>", data, re.S)
    mine = [
        c
        for c in all_comments
        if attributes(c[: c.index(b">") + 1]).get("authorId") == str(ours)
        or attributes(c[: c.index(b">") + 1]).get("ref") in listed
    ]
    if not mine:
        return
    refs = {attributes(c[: c.index(b">") + 1])["ref"] for c in mine}
    if len(mine) == len(all_comments) and vml is not None and "commentCI" in comments_part:
        _drop_notes_parts(package, part, comments, vml)
        return
    for comment in mine:
        data = data.replace(comment, b"", 1)
    if ours >= 0:
        data = data.replace(f"<author>{AUTHOR}</author>".encode(), b"", 1)
        if ours < len(authors) - 1:  # authors after ours move up by one
            data = re.sub(
                rb'authorId="(\d+)"',
                lambda m: b'authorId="%d"' % (int(m.group(1)) - (int(m.group(1)) > ours)),
                data,
            )
    package.write(comments_part, data)
    if vml is not None:
        _remove_vml_shapes(package, vml.target, refs)


def _remove_vml_shapes(package: XlsxPackage, part: str, refs: set[str]) -> None:
    data = package.read(part)
    for shape in re.findall(rb"<v:shape\b.*?</v:shape>", data, re.S):
        row = re.search(rb"<x:Row>(\d+)</x:Row>", shape)
        column = re.search(rb"<x:Column>(\d+)</x:Column>", shape)
        if row and column and cell_ref(int(row.group(1)) + 1, int(column.group(1)) + 1) in refs:
            data = data.replace(shape, b"", 1)
    package.write(part, data)


def _drop_notes_parts(
    package: XlsxPackage, part: str, comments: Relationship, vml: Relationship
) -> None:
    comments_part = comments.target
    vml_part = vml.target
    for name in (comments_part, vml_part):
        package.remove(name)
        package.remove_override(name)
    data = package.read(part)
    _start, tail = sheet_tail(data)
    drawings = [
        s
        for s in tail
        if s.depth == 1 and s.name == "legacyDrawing" and s.attributes.get("id") == vml.rel_id
    ]
    package.write(part, remove_spans(data, drawings))
    package.remove_relationship(part, comments.rel_id)
    package.remove_relationship(part, vml.rel_id)
