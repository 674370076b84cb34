"""`python -m bench.hostile`: time and peak memory of ``client-import validate`` on hostile files.

Each file is read by its own ``client-import`` process, so that its peak memory (``ru_maxrss``)
is its own; the figures go to ``bench/README.md``. Cases:

- **issues**: a CSV of ``--rows`` rows (1,000,000 by default, about 75 MB) whose every row has
  two issues, the issue's "99 MB CSV" (7.9 million issues, 2.9 GB of JSON, 6.8 GB, 5.5 min
  before the cap): JSON output, its size;
- **bombs and far cells**: the workbooks of ``tests/test_hostile_files.py`` (a sheet expanding
  to 1.2 GB, a directory lying about a 600 MB part, cells A1 and ALL100000, XFD1048576, far
  cells on many rows): refused or read, never more than a few hundred megabytes;
- **big real sheet**: 100,000 x 30 written by XlsxWriter (``--big``, about 30 s to write), to
  see what the zip and extent checks cost on a file that must pass.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import xlsxwriter

from tests.hostile_files import (
    CLIENT_ROWS,
    SHEET_HEAD,
    SHEET_TAIL,
    bomb,
    cell,
    lying,
    row,
    sheet,
    workbook,
)

_CHILD = """
import atexit, resource, sys, time
start = time.perf_counter()
def done():
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(f"BENCH {time.perf_counter() - start:.2f} {peak}", file=sys.__stderr__)
atexit.register(done)
sys.argv = ["client-import", *sys.argv[1:]]
import runpy
runpy.run_module("addin", run_name="__main__")
"""

_HEADER = "Code client;Civilité;Nom;Prénom;Fonction;Email;Téléphone;Portable;Consentement\n"


def measure(label: str, *args: str) -> None:
    """Run ``client-import ARGS`` in a child; print exit status, seconds, peak MB, output size."""
    with tempfile.TemporaryFile() as out:
        done = subprocess.run(
            [sys.executable, "-c", _CHILD, *args],
            stdout=out,
            stderr=subprocess.PIPE,
            text=True,
            check=False,
        )
        size = out.tell()
    stats = [line for line in done.stderr.splitlines() if line.startswith("BENCH ")]
    seconds, peak = stats[-1].split()[1:] if stats else ("?", "0")
    first = next((line for line in done.stderr.splitlines() if line.startswith("Erreur")), "")
    print(
        f"| {label} | {done.returncode} | {seconds} | {int(peak) // 1024} | "
        f"{size / 1e6:.1f} | {first[:90]} |",
        flush=True,
    )


def issues_csv(path: Path, rows: int) -> Path:
    with path.open("w", encoding="utf-8") as handle:
        handle.write(_HEADER)
        for n in range(rows):
            handle.write(f"C{n};Xyz;Nom{n};Anne;;pas-un-email-{n};;;Autorisé\n")
    return path


def hostile_workbooks(folder: Path) -> list[tuple[str, Path]]:
    far_rows = "".join(row(n, cell(f"A{n}", f"C{n}"), cell(f"XFD{n}", "x")) for n in range(3, 1500))
    liar_rows = "".join(f'<row r="{n}"><c r="A{n}"><v>{n}</v></c></row>' for n in range(3, 40))
    liar = bomb(
        "xl/worksheets/sheet1.xml",
        SHEET_HEAD + CLIENT_ROWS.encode(),
        600,
        SHEET_TAIL,
        filler=liar_rows.encode(),
    )
    return [
        (
            "sheet expanding to 1.2 GB",
            workbook(
                folder / "bombe.xlsx",
                bomb(
                    "xl/worksheets/sheet1.xml",
                    SHEET_HEAD + CLIENT_ROWS.encode(),
                    1224,
                    SHEET_TAIL,
                ),
            ),
        ),
        ("directory lying about 600 MB", workbook(folder / "liar.xlsx", lying(liar, 2048))),
        (
            "cells A1 and ALL100000",
            workbook(
                folder / "all.xlsx",
                sheet(CLIENT_ROWS + row(100000, cell("ALL100000", "x"))),
            ),
        ),
        (
            "cells A1 and XFD1048576",
            workbook(
                folder / "xfd.xlsx",
                sheet(CLIENT_ROWS + row(1048576, cell("XFD1048576", "x"))),
            ),
        ),
        ("A and XFD on 1,500 rows", workbook(folder / "far.xlsx", sheet(CLIENT_ROWS + far_rows))),
    ]


def big_xlsx(path: Path, rows: int) -> Path:
    book = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    sheet_ = book.add_worksheet("Clients")
    sheet_.write_row(0, 0, ["distributorId"] + [f"Colonne {j}" for j in range(1, 30)])
    for n in range(1, rows + 1):
        values: list[object] = [f"C{n:06d}", f"Nom {n % 977}", f"{n % 95999:05d}"]
        values += [f"texte libre {n * 7 % 1000003}" for _ in range(17)]
        values += [n * j for j in range(10)]
        sheet_.write_row(n, 0, values)
    book.close()
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--big", action="store_true", help="also a 100,000 x 30 real sheet")
    options = parser.parse_args()
    os.environ.setdefault("PYTHONPATH", str(Path(__file__).resolve().parents[1]))
    print("| file | exit | s | peak MB | stdout MB | message |")
    print("|---|---:|---:|---:|---:|---|")
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        path = issues_csv(folder / "issues.csv", options.rows)
        label = f"CSV {options.rows:,} rows, {path.stat().st_size / 1e6:.0f} MB, 2 issues a row"
        measure(label, "validate", str(path), "-p", "evoliz-contacts", "--json")
        measure(label + " (text)", "validate", str(path), "-p", "evoliz-contacts")
        path.unlink()
        for label, book in hostile_workbooks(folder):
            measure(label, "validate", str(book), "-p", "hokus", "--json")
        if options.big:
            book = big_xlsx(folder / "big.xlsx", 100_000)
            measure("100,000 x 30 XlsxWriter", "validate", str(book), "-p", "hokus", "--json")


if __name__ == "__main__":
    main()
