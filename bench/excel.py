"""`make bench-excel`: the ribbon's buttons on 10,000 and 100,000 rows, through the test engine.

Each button runs as Excel runs it (``addin.shells.ribbon.commands``, the calling book set with
xlwings' ``set_mock_caller``) on the test engine (``tests/excel_engine.py``: real xlwings
objects over openpyxl, counting every call that would cross into Excel). Measured, per size:

- **Check + marks**: « Vérifier » on a Hokus workbook with about 10 % bad cells
  (``bench.marks.write_marks_input``), marks drawn on the sheet;
- **Fix**: « Corriger » on the same workbook, opened afresh;
- **Send**: « Envoyer » of a Reveal workbook (``bench.push.write_xlsx``, every row valid) to
  the sandbox run as a process, the preview answered yes, every row created, outcomes drawn.

For each: the calls into Excel (the engine's count, message boxes included) and the seconds
through the test engine, then **the estimate for real Excel**: the seconds measured plus the
calls times a published cost of one COM call from Python, :data:`CALL_SECONDS`. Opening the
workbook is not counted (the user has it open already).

The cost of a call: xlwings' own issue tracker, xlwings/xlwings#1086 (Windows 10, Office 2010,
xlwings 0.15): ``app.screen_updating = False`` "takes ~10ms", and listing the sheets' names
65 ms. So 10 ms a call. A bulk read or write also pays for the cells it carries (COM's
marshalling of a SAFEARRAY of VARIANTs), which this estimate does not include: it is a floor
for the calls, not a promise; the counts are the figure to hold on to, and they do not grow
with the rows (apart from xlwings' own chunking of writes over 100,000 cells).

``python -m bench.excel 10000`` runs one size only.
"""

from __future__ import annotations

import argparse
import os
import secrets
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import xlwings as xw

from addin.sandbox.process import sandbox_process
from addin.settings import Settings, save_settings
from addin.shells.ribbon import commands
from bench.marks import write_marks_input
from bench.push import write_xlsx as write_reveal_xlsx
from tests import excel_engine

#: seconds for one call into Excel from Python (xlwings/xlwings#1086, see the docstring)
CALL_SECONDS = 0.010
SIZES = (10_000, 100_000)


@dataclass(frozen=True)
class Figure:
    button: str
    rows: int
    calls: int
    seconds: float
    said: str
    #: the button said it could not act (the figures are then not the button's work)
    refused: bool = False

    @property
    def excel_seconds(self) -> float:
        return self.seconds + self.calls * CALL_SECONDS


def press(
    engine: excel_engine.Engine, path: Path, button: Callable[[], None]
) -> tuple[int, float, str, bool]:
    """Open ``path`` as the calling book, press ``button``; calls, seconds, what it said."""
    engine.reset()
    excel_engine.USER.reset()
    book = xw.Book(str(path))
    book.set_mock_caller()
    engine.calls.clear()
    start = time.perf_counter()
    button()
    seconds = time.perf_counter() - start
    calls = sum(engine.calls.values())
    _, said, _, mode = engine.alerts[-1]
    return calls, seconds, said, mode == "critical"


def measure(size: int, folder: Path, engine: excel_engine.Engine) -> list[Figure]:
    hokus = write_marks_input(folder / f"hokus-{size}.xlsx", size)
    save_settings(Settings("hokus"))
    figures = [
        Figure("Check + marks", size, *press(engine, hokus, commands.check)),
        Figure("Fix", size, *press(engine, hokus, commands.fix)),
    ]
    reveal = write_reveal_xlsx(folder / f"reveal-{size}.xlsx", size)
    token = secrets.token_hex(16)
    os.environ["CLIENT_IMPORT_TOKEN"] = token
    with sandbox_process(folder / f"sandbox-{size}.sqlite", token) as url:
        save_settings(Settings("reveal", targets={"reveal": url}))

        def send() -> None:
            excel_engine.USER.answers.append("yes")
            commands.send()

        figures.append(Figure("Send", size, *press(engine, reveal, send)))
    return figures


def table(figures: list[Figure]) -> str:
    lines = [
        "| button | rows | calls into Excel | seconds (test engine) | estimate in Excel (s) |",
        "|---|---:|---:|---:|---:|",
    ]
    for figure in figures:
        if figure.refused:
            lines.append(f"| {figure.button} | {figure.rows:,} | refused: {figure.said} | | |")
            continue
        lines.append(
            f"| {figure.button} | {figure.rows:,} | {figure.calls} | {figure.seconds:.2f} | "
            f"{figure.excel_seconds:.2f} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sizes", nargs="*", type=int, default=list(SIZES))
    args = parser.parse_args(argv)
    engine = excel_engine.activate()
    figures: list[Figure] = []
    with tempfile.TemporaryDirectory(prefix="bench-excel-") as temporary:
        folder = Path(temporary)
        os.environ["CLIENT_IMPORT_DATA_DIR"] = str(folder / "data")
        os.environ["HOME"] = str(folder)  # Documents, for a template
        for size in args.sizes:
            measured = measure(size, folder, engine)
            for figure in measured:
                sys.stderr.write(f"{figure.button} {figure.rows}: {figure.said[:200]!r}\n")
            figures += measured
    print(table(figures))
    print(f"\nestimate = seconds + calls x {CALL_SECONDS * 1000:.0f} ms (xlwings/xlwings#1086)")


if __name__ == "__main__":
    main()
