"""How each kind of mark looks: fill, font, border, for its cells and for its rows.

One table for both drawers: the file path writes each look as a differential style (``dxf``)
its conditional formats point at (:func:`dxf_xml`); ``addin.live.marks`` sets the same
properties through COM. The report sheet's legend and « Gravité » column show the cells' looks.

Why borders and weight and not colours only: about one man in twelve tells red from orange
badly, so each kind differs in three ways — the fill (red, orange, yellow: Excel's own « bad »
and « neutral » colours, and an orange between them), the border (solid, dashed, none) and the
weight of the text (bold for what needs a person). Conditional formats allow thin borders only,
in Excel as in LibreOffice, so the border's *style* carries the difference, not its width.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from addin.core.kinds import WORST_FIRST, Kind

BorderStyle = Literal["thin", "dashed"]


@dataclass(frozen=True, slots=True)
class Look:
    """A conditional format's look (colours as ``RRGGBB``; ``None``: left as the user has it)."""

    fill: str
    font: str | None = None
    bold: bool = False
    border: BorderStyle | None = None
    border_colour: str | None = None


#: A marked cell's look, by the worst kind of its issues.
CELL_LOOKS: dict[Kind, Look] = {
    Kind.PERSON: Look("FFC7CE", "9C0006", bold=True, border="thin", border_colour="C00000"),
    Kind.PRODUCT: Look("FCD5B4", "833C0C", border="dashed", border_colour="C65911"),
    Kind.LOOK: Look("FFEB9C", "9C5700"),
}
#: The light tint of a row, by the worst kind of its issues: the row is found, the cell shown.
ROW_LOOKS: dict[Kind, Look] = {
    Kind.PERSON: Look("FDEEEE"),
    Kind.PRODUCT: Look("FEF3EA"),
    Kind.LOOK: Look("FFF8E1"),
}
#: The marks' rules in their order: the cells' looks, worst first, then the rows'.
RULE_LOOKS: tuple[tuple[Kind, Look], ...] = tuple(
    [(kind, CELL_LOOKS[kind]) for kind in WORST_FIRST]
    + [(kind, ROW_LOOKS[kind]) for kind in WORST_FIRST]
)


def dxf_xml(look: Look) -> str:
    """The ``<dxf>`` of ``look``, its parts in the schema's order (font, fill, border)."""
    font = ""
    if look.font is not None or look.bold:
        colour = "" if look.font is None else f'<color rgb="FF{look.font}"/>'
        font = f"<font>{'<b/>' if look.bold else ''}{colour}</font>"
    fill = (
        f'<fill><patternFill patternType="solid"><bgColor rgb="FF{look.fill}"/>'
        "</patternFill></fill>"
    )
    border = ""
    if look.border is not None:
        colour = "" if look.border_colour is None else f'<color rgb="FF{look.border_colour}"/>'
        sides = "".join(
            f'<{side} style="{look.border}">{colour}</{side}>'
            for side in ("left", "right", "top", "bottom")
        )
        border = f"<border>{sides}</border>"
    return f"<dxf>{font}{fill}{border}</dxf>"
