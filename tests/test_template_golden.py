"""Golden files: the XML of the Hokus template, pinned so that any change to it shows in a diff.

A change here is either intended (then regenerate with ``UPDATE_GOLDEN=1 make unit`` and let
the diff of ``tests/golden/`` tell the reviewer what users will get) or a regression. The parts
pinned are those the template's logic writes: the workbook (sheets, states), the data sheet
(headers, styles, validations, formats, freeze, filter), its notes, the styles and the package
parts. The list sheet (249 countries from pycountry) and the document dates are left out.
"""

from __future__ import annotations

import os
import zipfile
from pathlib import Path
from xml.dom import minidom

import pytest

from addin.core.profiles import get_profile
from addin.usecases.template_file import make_template

GOLDEN = Path(__file__).parent / "golden" / "template-hokus"
PARTS = [
    "[Content_Types].xml",
    "xl/workbook.xml",
    "xl/_rels/workbook.xml.rels",
    "xl/styles.xml",
    "xl/worksheets/sheet1.xml",
    "xl/worksheets/_rels/sheet1.xml.rels",
    "xl/comments/comment1.xml",
]


def _pretty(xml: bytes) -> str:
    """One element a line, so that a diff names the attribute that changed."""
    return minidom.parseString(xml).toprettyxml(indent=" ")


@pytest.mark.parametrize("part", PARTS)
def test_hokus_template_xml_is_unchanged(tmp_path: Path, part: str) -> None:
    path = make_template(get_profile("hokus"), tmp_path / "hokus.xlsx", rows=3)
    with zipfile.ZipFile(path) as package:
        produced = _pretty(package.read(part))
    golden = GOLDEN / part.replace("/", "__")
    if os.environ.get("UPDATE_GOLDEN") == "1":
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_text(produced, encoding="utf-8")
    assert golden.exists(), f"no golden file for {part}: run with UPDATE_GOLDEN=1 once"
    assert produced == golden.read_text(encoding="utf-8"), (
        f"{part} changed; if intended, regenerate with UPDATE_GOLDEN=1 and review the diff"
    )
