"""`make bench-report`: what the reports of ``validate`` cost next to the check itself.

On a generated Hokus CSV (``bench.data``), measures, in one Python process (median of
``--repeat`` runs, spread on stderr):

- **check**: ``validate_file`` alone (reading and checking: what every report pays);
- **text**: the check, then the text report printed (``print_report``, to a null file);
- **JSON**: the check, then the ``--json`` text built (``report_json``) and written;

and the same three as processes (``client-import validate ... > /dev/null``; the check alone is
a ``python -c`` calling ``validate_file``), imports and start-up included. Each figure is given
as wall time and as CPU time (user + system): on a shared machine the CPU time moves far less
with the other work running. ``--code DIR`` runs the processes on another checkout (a "before"
figure; the in-process rows need this checkout's ``report_json``).

The aim (issue 17): each report within 1.5 times the check. Prints a Markdown table.

    python -m bench.report [ROWS ...] [--repeat N] [--code DIR]
"""

from __future__ import annotations

import argparse
import os
import resource
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
NAMES = ("check", "text", "JSON")

#: (wall, cpu) seconds of each run
Runs = list[tuple[float, float]]


def in_process(action: Callable[[], object], repeat: int) -> Runs:
    runs = []
    for _ in range(repeat):
        wall, cpu = time.perf_counter(), time.process_time()
        action()
        runs.append((time.perf_counter() - wall, time.process_time() - cpu))
    return runs


def as_process(argv: list[str], repeat: int, code: Path | None) -> Runs:
    env = dict(os.environ)
    if code is not None:
        env["PYTHONPATH"] = str(code)
    runs = []
    for _ in range(repeat):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        wall = time.perf_counter()
        with Path(os.devnull).open("w", encoding="utf-8") as null:
            done = subprocess.run(argv, stdout=null, stderr=subprocess.PIPE, check=False, env=env)
        seconds = time.perf_counter() - wall
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        if done.returncode not in (0, 1):
            raise RuntimeError(done.stderr.decode())
        cpu = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
        runs.append((seconds, cpu))
    return runs


def measure(size: int, repeat: int, code: Path | None) -> list[str]:
    path = write_csv(OUT / f"report-{size}.csv", size)
    profile = get_profile("hokus")
    report = validate_file(path, profile)  # warm-up: imports, phone metadata
    issues = len(report.issues) + sum(report.omitted.values())
    rows = []
    if code is None:
        with Path(os.devnull).open("w", encoding="utf-8") as null:
            console = Console(file=null)

            def check() -> Report:
                return validate_file(path, profile)

            def text() -> None:
                print_report(check(), console, "fr")

            def as_json() -> None:
                null.write(report_json(check(), "fr"))

            actions = dict(zip(NAMES, (check, text, as_json), strict=True))
            figures = {name: in_process(action, repeat) for name, action in actions.items()}
        rows.append(_row(f"{size:,} in process", issues, figures))
    command = [sys.executable, "-m", "addin", "validate", str(path), "-p", "hokus"]
    only_check = [
        sys.executable,
        "-c",
        "import sys; from pathlib import Path; from addin.core.profiles import get_profile; "
        "from addin.usecases.validation import validate_file; "
        "validate_file(Path(sys.argv[1]), get_profile('hokus'))",
        str(path),
    ]
    argvs = dict(zip(NAMES, (only_check, command, [*command, "--json"]), strict=True))
    figures = {name: as_process(argv, repeat, code) for name, argv in argvs.items()}
    where = f"{size:,} as a process" + (f" ({code})" if code else "")
    rows.append(_row(where, issues, figures))
    return rows


def _row(where: str, issues: int, figures: dict[str, Runs]) -> str:
    """``| where | issues | check wall / cpu | text ... (ratio) | JSON ... |``"""
    base_wall = statistics.median(w for w, _ in figures["check"])
    base_cpu = statistics.median(c for _, c in figures["check"])
    cells = []
    for name in NAMES:
        walls, cpus = [w for w, _ in figures[name]], [c for _, c in figures[name]]
        wall, cpu = statistics.median(walls), statistics.median(cpus)
        print(
            f"{where} {name}: wall {min(walls):.2f}-{max(walls):.2f} s, "
            f"cpu {min(cpus):.2f}-{max(cpus):.2f} s",
            file=sys.stderr,
        )
        ratio = "" if name == "check" else f" ({wall / base_wall:.2f}x / {cpu / base_cpu:.2f}x)"
        cells.append(f"{wall:.2f} / {cpu:.2f}{ratio}")
    return f"| {where} | {issues:,} | {' | '.join(cells)} |"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.report")
    parser.add_argument("sizes", nargs="*", type=int, default=[10_000, 100_000])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--code", type=Path, default=None, help="another checkout, processes only")
    args = parser.parse_args(argv)
    OUT.mkdir(exist_ok=True)
    lines = [
        "| Hokus rows | issues | check: wall / CPU (s) | text report (s, ratio) "
        "| --json (s, ratio) |",
        "|---|---:|---:|---:|---:|",
    ]
    for size in args.sizes:
        lines += measure(size, args.repeat, args.code)
    print("\n".join(lines))


if __name__ == "__main__":
    main()
