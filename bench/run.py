"""`make bench`: rows per second for 10,000 and 100,000 Hokus rows x 25 columns.

Measures, in one run: the core alone (a Table already in memory), end to end from CSV and
from xlsx (read + validate), and frictionless validating the same CSV with an equivalent
Table Schema. Prints a Markdown table to paste into bench/README.md.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from pathlib import Path

from frictionless import Dialect, Resource, Schema, formats

from addin.core.engine import validate
from addin.core.profile import Profile
from addin.core.profiles import get_profile
from addin.core.report import Report
from addin.readers.reader import read_table
from bench.data import write_csv, write_xlsx
from bench.frictionless_schema import hokus_schema

OUT = Path(__file__).parent / "out"


def timed(action: Callable[..., object], *args: object) -> tuple[float, object]:
    start = time.perf_counter()
    result = action(*args)
    return time.perf_counter() - start, result


def read_and_validate(path: Path, profile: Profile) -> Report:
    return validate(read_table(path), profile)


def frictionless_seconds(path: Path) -> float:
    """frictionless on the same CSV; it refuses absolute paths, hence ``basepath``."""
    dialect = Dialect(controls=[formats.CsvControl(delimiter=";")])
    resource = Resource(
        path=path.name,
        basepath=str(path.parent),
        schema=Schema.from_descriptor(hokus_schema()),
        dialect=dialect,
    )
    start = time.perf_counter()
    report = resource.validate(limit_errors=10**9)
    seconds = time.perf_counter() - start
    if not report.tasks[0].errors or report.tasks[0].errors[0].type != "constraint-error":
        raise RuntimeError(f"frictionless did not validate the rows: {report.flatten(['type'])}")
    return seconds


def main(sizes: list[int]) -> None:
    OUT.mkdir(exist_ok=True)
    profile = get_profile("hokus")
    lines = [
        "| rows x 25 cols | core (s) | core rows/s | CSV end to end (s) | xlsx end to end (s) "
        "| frictionless CSV (s) | frictionless / ours |",
        "|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for size in sizes:
        csv_path = write_csv(OUT / f"hokus-{size}.csv", size)
        xlsx_path = write_xlsx(OUT / f"hokus-{size}.xlsx", size)
        table = read_table(csv_path)
        core, report = timed(validate, table, profile)
        csv_total, _ = timed(read_and_validate, csv_path, profile)
        xlsx_total, _ = timed(read_and_validate, xlsx_path, profile)
        fric = frictionless_seconds(csv_path)
        lines.append(
            f"| {size:,} | {core:.2f} | {size / core:,.0f} | {csv_total:.2f} | {xlsx_total:.2f} "
            f"| {fric:.2f} | {fric / csv_total:.1f}x end to end, {fric / core:.1f}x core |"
        )
        print(lines[-1], file=sys.stderr)
        del report
    print("\n".join(lines))


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:]] or [10_000, 100_000])
