"""The report sheet's chart in a workbook package: a drawing part, a chart part, their links.

A native Excel chart (DrawingML), not a picture: Excel and LibreOffice draw it, keep it when
they re-save the workbook, and let the user restyle it. Horizontal stacked bars, one bar per
column with issues (the totals block's rows, top to bottom as in the block) and one series per
kind, coloured as the kind's marked cells are (``files.mark_looks``: the fill, and the border's
colour and dash), so the picture reads like the sheet.

Each series names the report's cells it plots (``report_layout.chart_data``) and carries their
values (``numCache``/``strCache``): the chart shows at once, before any recalculation, in Excel,
in LibreOffice and in viewers that never calculate.

The drawing is anchored from K1, to the right of the issues table's last column, and
``editAs="absolute"``: it neither moves nor shrinks with the cells, so filtering the table does
not squash it. ``clear`` removes it with the report sheet (``XlsxPackage.remove_sheet`` drops
the parts a removed sheet points to). Elements follow the schema's order: Excel refuses a part
whose elements are out of order.
"""

from __future__ import annotations

from addin.core.kinds import Kind
from addin.files.mark_looks import CELL_LOOKS
from addin.files.report_layout import ChartData, ChartSeries
from addin.files.sheet_xml import HEAD
from addin.files.xlsx_package import XlsxPackage, relative
from addin.files.xml_chars import xml_text
from addin.files.xml_spans import REL_NS

DRAWING_TYPE = f"{REL_NS}/drawing"
CHART_TYPE = f"{REL_NS}/chart"
DRAWING_CT = "application/vnd.openxmlformats-officedocument.drawing+xml"
CHART_CT = "application/vnd.openxmlformats-officedocument.drawingml.chart+xml"
_XDR = "http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing"
_A = "http://schemas.openxmlformats.org/drawingml/2006/main"
_C = "http://schemas.openxmlformats.org/drawingml/2006/chart"

#: The chart's top left corner: column K (0-based 10), row 1; its width in columns.
ANCHOR_COLUMN, ANCHOR_ROW, WIDTH_COLUMNS = 10, 0, 10
#: Its height in rows: room for the title and the legend, then about one row and a half per bar.
MIN_ROWS, MAX_ROWS = 16, 40
#: The two axes' ids (any numbers, the same in the bars and the axes).
_CATEGORY_AXIS, _VALUE_AXIS = 500100, 500200


def chart_rows(categories: int) -> int:
    """How many rows the chart spans for ``categories`` bars: each stays readable, within
    bounds."""
    return max(MIN_ROWS, min(MAX_ROWS, 6 + (3 * categories + 1) // 2))


def add_chart(package: XlsxPackage, sheet_part: str, data: ChartData) -> str:
    """Add the chart of ``data`` to the sheet at ``sheet_part``: the drawing and chart parts,
    their content types and relationships. Returns the ``<drawing r:id="..."/>`` element the
    sheet must hold (the caller puts it in its place among the sheet's elements)."""
    chart = package.new_part_name("xl/charts/chart{n}.xml")
    drawing = package.new_part_name("xl/drawings/drawing{n}.xml")
    package.write(chart, chart_xml(data))
    package.add_override(chart, CHART_CT)
    chart_id = package.add_relationship(drawing, CHART_TYPE, relative(drawing, chart))
    package.write(drawing, drawing_xml(chart_id, len(data.categories)))
    package.add_override(drawing, DRAWING_CT)
    drawing_id = package.add_relationship(sheet_part, DRAWING_TYPE, relative(sheet_part, drawing))
    return f'<drawing r:id="{drawing_id}"/>'


def drawing_xml(chart_id: str, categories: int) -> bytes:
    """The drawing part: one chart frame from K1, fixed in size and place."""
    last_column = ANCHOR_COLUMN + WIDTH_COLUMNS
    last_row = ANCHOR_ROW + chart_rows(categories)
    return (
        f'{HEAD}<xdr:wsDr xmlns:xdr="{_XDR}" xmlns:a="{_A}">'
        '<xdr:twoCellAnchor editAs="absolute">'
        f"<xdr:from><xdr:col>{ANCHOR_COLUMN}</xdr:col><xdr:colOff>0</xdr:colOff>"
        f"<xdr:row>{ANCHOR_ROW}</xdr:row><xdr:rowOff>0</xdr:rowOff></xdr:from>"
        f"<xdr:to><xdr:col>{last_column}</xdr:col><xdr:colOff>0</xdr:colOff>"
        f"<xdr:row>{last_row}</xdr:row><xdr:rowOff>0</xdr:rowOff></xdr:to>"
        '<xdr:graphicFrame macro=""><xdr:nvGraphicFramePr>'
        '<xdr:cNvPr id="2" name="client-import"/><xdr:cNvGraphicFramePr/>'
        '</xdr:nvGraphicFramePr><xdr:xfrm><a:off x="0" y="0"/><a:ext cx="0" cy="0"/></xdr:xfrm>'
        f'<a:graphic><a:graphicData uri="{_C}"><c:chart xmlns:c="{_C}" xmlns:r="{REL_NS}" '
        f'r:id="{chart_id}"/></a:graphicData></a:graphic></xdr:graphicFrame><xdr:clientData/>'
        "</xdr:twoCellAnchor></xdr:wsDr>"
    ).encode()


def _points(values: tuple[str, ...] | tuple[int, ...]) -> str:
    return f'<c:ptCount val="{len(values)}"/>' + "".join(
        f'<c:pt idx="{n}"><c:v>{xml_text(str(value))}</c:v></c:pt>'
        for n, value in enumerate(values)
    )


def _shape(kind: Kind) -> str:
    """A series' fill and outline: its kind's cell look (the outline dashed where the cells'
    border is)."""
    look = CELL_LOOKS[kind]
    line = look.border_colour or look.font
    dash = "dash" if look.border == "dashed" else "solid"
    outline = (
        ""
        if line is None
        else f'<a:ln w="12700"><a:solidFill><a:srgbClr val="{line}"/></a:solidFill>'
        f'<a:prstDash val="{dash}"/></a:ln>'
    )
    return f'<c:spPr><a:solidFill><a:srgbClr val="{look.fill}"/></a:solidFill>{outline}</c:spPr>'


def _series_xml(number: int, series: ChartSeries, data: ChartData) -> str:
    return (
        f'<c:ser><c:idx val="{number}"/><c:order val="{number}"/>'
        f"<c:tx><c:strRef><c:f>{xml_text(series.name_ref)}</c:f>"
        f"<c:strCache>{_points((series.name,))}</c:strCache></c:strRef></c:tx>"
        f'{_shape(series.kind)}<c:invertIfNegative val="0"/>'
        f"<c:cat><c:strRef><c:f>{xml_text(data.categories_ref)}</c:f>"
        f"<c:strCache>{_points(data.categories)}</c:strCache></c:strRef></c:cat>"
        f"<c:val><c:numRef><c:f>{xml_text(series.values_ref)}</c:f>"
        f"<c:numCache><c:formatCode>General</c:formatCode>{_points(series.values)}"
        "</c:numCache></c:numRef></c:val></c:ser>"
    )


def chart_xml(data: ChartData) -> bytes:
    """The chart part: the title, stacked horizontal bars (the first column on top), the
    number of issues along the top, the kinds' legend below."""
    series = "".join(_series_xml(n, s, data) for n, s in enumerate(data.series))
    title = (
        "<c:title><c:tx><c:rich><a:bodyPr/><a:lstStyle/><a:p><a:pPr>"
        '<a:defRPr sz="1400" b="1"/></a:pPr><a:r><a:rPr sz="1400" b="1"/>'
        f"<a:t>{xml_text(data.title)}</a:t></a:r></a:p></c:rich></c:tx>"
        '<c:overlay val="0"/></c:title><c:autoTitleDeleted val="0"/>'
    )
    bars = (
        '<c:barChart><c:barDir val="bar"/><c:grouping val="stacked"/><c:varyColors val="0"/>'
        f'{series}<c:gapWidth val="60"/><c:overlap val="100"/>'
        f'<c:axId val="{_CATEGORY_AXIS}"/><c:axId val="{_VALUE_AXIS}"/></c:barChart>'
    )
    axes = (
        f'<c:catAx><c:axId val="{_CATEGORY_AXIS}"/><c:scaling><c:orientation val="maxMin"/>'
        '</c:scaling><c:delete val="0"/><c:axPos val="l"/>'
        '<c:numFmt formatCode="General" sourceLinked="0"/><c:majorTickMark val="none"/>'
        '<c:minorTickMark val="none"/><c:tickLblPos val="nextTo"/>'
        f'<c:crossAx val="{_VALUE_AXIS}"/><c:crosses val="autoZero"/><c:auto val="1"/>'
        '<c:lblAlgn val="ctr"/><c:lblOffset val="100"/><c:noMultiLvlLbl val="0"/></c:catAx>'
        f'<c:valAx><c:axId val="{_VALUE_AXIS}"/><c:scaling><c:orientation val="minMax"/>'
        '</c:scaling><c:delete val="0"/><c:axPos val="t"/><c:majorGridlines/>'
        '<c:numFmt formatCode="0" sourceLinked="0"/><c:majorTickMark val="out"/>'
        '<c:minorTickMark val="none"/><c:tickLblPos val="nextTo"/>'
        f'<c:crossAx val="{_CATEGORY_AXIS}"/><c:crosses val="autoZero"/>'
        '<c:crossBetween val="between"/></c:valAx>'
    )
    return (
        f'{HEAD}<c:chartSpace xmlns:c="{_C}" xmlns:a="{_A}" xmlns:r="{REL_NS}">'
        f'<c:roundedCorners val="0"/><c:chart>{title}<c:plotArea><c:layout/>{bars}{axes}'
        '</c:plotArea><c:legend><c:legendPos val="b"/><c:overlay val="0"/></c:legend>'
        '<c:plotVisOnly val="1"/><c:dispBlanksAs val="gap"/></c:chart></c:chartSpace>'
    ).encode()
