"""Ask a running LibreOffice whether typed values pass a workbook's data validation.

Runs under the system Python with LibreOffice's UNO bridge (Debian: python3-uno), not the
project's virtual environment; tests/libreoffice.py starts the office and calls this script:

    /usr/bin/python3 tests/lo_validity.py < request.json > response.json

Request: {"connect": "pipe,name=...;urp;StarOffice.ComponentContext", "wait": 60,
          "jobs": [{"file": "/abs/book.xlsx", "sheet": "Data", "entries": {"B2": "Mme", "C2": 5}}]}
Response: {"results": [{"cells": {"B2": true, "C2": false}, "unvalidated": []}]}
          or {"error": "..."} with exit status 1. An empty job list only waits for the office.

How a value is checked: it is written into its cell (a string is interpreted as typed input,
with LibreOffice's en-US API parsing: "12", "2.5", "2024-03-12" become numbers/dates, "abc"
stays text, and a cell formatted as text "@" keeps the string as typed; a number is stored
as is; "" empties the cell), then the sheet's Detective "Mark Invalid Data"
(XSheetAuditing.showInvalid) circles every cell whose content fails its validity rule, using
the same check as the input dialog (ScValidationData::IsDataValid). The Detective draws at
most 1000 circles, and empty cells of a column whose rule refuses blanks count too, so the
validation is first removed from the whole sheet and put back on the entered cells only.
"""

from __future__ import annotations

import json
import os
import re
import sys
import time
from pathlib import Path
from typing import Any

import uno  # type: ignore[import-not-found]
from com.sun.star.beans import PropertyValue  # type: ignore[import-not-found]

MAX_CIRCLES = 1000  # SC_DET_MAXCIRCLE in LibreOffice's detective
TEXT_FORMAT = 256  # com.sun.star.util.NumberFormat.TEXT
MAX_COLUMN, MAX_ROW = 16383, 1_048_575  # XFD1048576, zero-based
CELL = re.compile(r"^\$?([A-Z]{1,3})\$?([0-9]+)$")
ABSOLUTE = re.compile(r"\$([A-Z]{1,3})\$([0-9]+)$")


def prop(name: str, value: object) -> Any:
    item = PropertyValue()
    item.Name = name
    item.Value = value
    return item


def connect(accept: str, wait: float) -> Any:
    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext(
        "com.sun.star.bridge.UnoUrlResolver", local
    )
    deadline = time.monotonic() + wait
    while True:
        try:
            context = resolver.resolve(f"uno:{accept}")
            break
        except Exception as error:
            if time.monotonic() > deadline:
                raise RuntimeError(f"no LibreOffice answers on {accept}: {error}") from error
            time.sleep(0.1)
    return context.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", context)


def check(desktop: Any, job: dict[str, Any]) -> dict[str, Any]:
    path = Path(job["file"]).resolve()
    entries: dict[str, str | float] = job["entries"]
    if len(entries) > MAX_CIRCLES:
        raise ValueError(f"at most {MAX_CIRCLES} cells per check, got {len(entries)}")
    for address in entries:
        if not CELL.match(address.upper()):
            raise ValueError(f"not a cell address (A1 notation): {address!r}")
    document = desktop.loadComponentFromURL(
        path.as_uri(), "_blank", 0, (prop("Hidden", True), prop("ReadOnly", False))
    )
    if document is None:
        raise RuntimeError(f"LibreOffice could not load {path}")
    try:
        sheets = document.Sheets
        if not sheets.hasByName(job["sheet"]):
            names = ", ".join(sheets.ElementNames)
            raise ValueError(f"no sheet {job['sheet']!r} in {path.name} (sheets: {names})")
        sheet = sheets.getByName(job["sheet"])
        if sheet.isProtected():
            sheet.unprotect("")  # raises when a password is set
        cells = {address: sheet.getCellRangeByName(address.upper()) for address in entries}
        rules = {address: cell.Validation for address, cell in cells.items()}
        unvalidated = sorted(address for address, rule in rules.items() if rule.Type.value == "ANY")

        # Only the entered cells keep their rule, so the 1000 circles are theirs alone.
        formats = document.NumberFormats
        whole = sheet.getCellRangeByPosition(0, 0, MAX_COLUMN, MAX_ROW)
        whole.setPropertyToDefault("Validation")
        for address, value in entries.items():
            cell = cells[address]
            if isinstance(value, str) and formats.getByKey(cell.NumberFormat).Type & TEXT_FORMAT:
                cell.setString(value)  # a cell formatted as text "@" keeps what is typed
            elif isinstance(value, str):
                cell.setFormula(value)  # interpreted like typed input; "" empties the cell
            else:
                cell.setValue(float(value))
            cell.Validation = rules[address]

        draw_page = sheet.DrawPage
        before = draw_page.Count
        sheet.showInvalid()
        circled = set()
        for index in range(before, draw_page.Count):
            shape = draw_page.getByIndex(index)
            anchor = shape.Anchor
            name = getattr(anchor, "AbsoluteName", "") if anchor is not None else ""
            match = ABSOLUTE.search(name)
            if shape.ShapeType == "com.sun.star.drawing.EllipseShape" and match:
                circled.add(match.group(1) + match.group(2))
        results = {
            address: CELL.sub(r"\1\2", address.upper()) not in circled for address in entries
        }
        return {"cells": results, "unvalidated": unvalidated}
    finally:
        document.close(True)


def main() -> int:
    request = json.load(sys.stdin)
    try:
        desktop = connect(request["connect"], float(request.get("wait", 60)))
        results = [check(desktop, job) for job in request.get("jobs", [])]
    except Exception as error:
        json.dump({"error": f"{type(error).__name__}: {error}"}, sys.stdout)
        return 1
    json.dump({"results": results}, sys.stdout)
    return 0


if __name__ == "__main__":
    status = main()
    sys.stdout.flush()
    os._exit(status)  # skip the UNO bridge's teardown, which can crash at interpreter exit
