"""`make bench-report`: what the reports of ``validate`` cost next to the check itself.

On a generated Hokus CSV (``bench.data``), measures, in one Python process (median of
``--repeat`` runs, spread on stderr):

- **check**: ``validate_file`` alone (reading and checking: what every report pays);
- **text**: the check, then the text report printed (``print_report``, to a null file);
- **JSON**: the check, then the ``--json`` text built (``report_json``);

and the same three as processes (``client-import validate ... > /dev/null``; the check alone is
a ``python -c`` calling ``validate_file``), imports and start-up included. Prints a Markdown
table for bench/README.md. The aim (issue 17): each report within 1.5 times the check.

    python -m bench.report [ROWS] [--repeat N]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from rich.console import Console

from addin.core.profiles import get_profile
from addin.core.report import Report
from addin.shells.render.report_out import report_json
from addin.shells.render.terminal import print_report
from addin.usecases.validation import validate_file
from bench.data import write_csv

OUT = Path(__file__).parent / "out"


def seconds(action: Callable[[], object], repeat: int) -> list[float]:
    runs = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        runs.append(time.perf_counter() - start)
    return runs


def measure(size: int, repeat: int) -> tuple[list[str], Report]:
    path = write_csv(OUT / f"report-{size}.csv", size)
    profile = get_profile("hokus")
    report = validate_file(path, profile)  # warm-up: imports, phone metadata
    with Path(os.devnull).open("w", encoding="utf-8") as null:
        console = Console(file=null)

        def check() -> Report:
            return validate_file(path, profile)

        def text() -> None:
            print_report(check(), console, "fr")

        def as_json() -> None:
            null.write(report_json(check(), "fr"))

        in_process = {
            name: seconds(run, repeat)
            for name, run in (("check", check), ("text", text), ("JSON", as_json))
        }
    command = [sys.executable, "-m", "addin", "validate", str(path), "-p", "hokus"]
    only_check = [
        sys.executable,
        "-c",
        "import sys; from pathlib import Path; from addin.core.profiles import get_profile; "
        "from addin.usecases.validation import validate_file; "
        "validate_file(Path(sys.argv[1]), get_profile('hokus'))",
        str(path),
    ]
    processes = {
        name: seconds(lambda argv=argv: _run(argv), repeat)
        for name, argv in (("check", only_check), ("text", command), ("JSON", [*command, "--json"]))
    }
    rows = []
    for where, figures in (("in process", in_process), ("as a process", processes)):
        base = statistics.median(figures["check"])
        cells = []
        for name in ("check", "text", "JSON"):
            median = statistics.median(figures[name])
            spread = f"{min(figures[name]):.2f}-{max(figures[name]):.2f}"
            print(f"{size} {where} {name}: {spread} s", file=sys.stderr)
            cells.append(f"{median:.2f}" + ("" if name == "check" else f" ({median / base:.2f}x)"))
        rows.append(
            f"| {size:,} {where} | {len(report.issues) + sum(report.omitted.values()):,} "
            f"| {' | '.join(cells)} |"
        )
    return rows, report


def _run(argv: list[str]) -> None:
    with Path(os.devnull).open("w", encoding="utf-8") as null:
        done = subprocess.run(argv, stdout=null, stderr=subprocess.PIPE, check=False)
    if done.returncode not in (0, 1):
        raise RuntimeError(done.stderr.decode())


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.report")
    parser.add_argument("sizes", nargs="*", type=int, default=[10_000, 100_000])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    OUT.mkdir(exist_ok=True)
    lines = [
        "| Hokus rows | issues | check (s) | text report (s) | --json (s) |",
        "|---|---:|---:|---:|---:|",
    ]
    for size in args.sizes:
        lines += measure(size, args.repeat)[0]
    print("\n".join(lines))


if __name__ == "__main__":
    main()
