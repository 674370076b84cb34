"""`make bench-marks`: marking and clearing 10,000 and 100,000 Hokus rows with about 10 % bad cells.

The issue's aims: under 5 s at 10,000 rows and under 30 s at 100,000 for marking end to end,
against a naive openpyxl load-mark-save. Measured, for each size:

- **validate**: ``read_and_validate`` alone, so the cost of marking proper shows apart;
- **mark end to end**: ``mark_file`` (reading, validating, planning and writing the marks);
- **clear**: ``clear_file`` on the marked copy (in place, backup copy included);
- **naive openpyxl**: ``load_workbook`` (not read-only), a fill on every cell with an issue and
  a comment on the first 500 of them (our note cap), ``save``. It is given the issues already
  computed, so it does *not* pay for validation: the ratio flatters the naive way.

Our own steps run ``--repeat`` times (3 by default) and the median is shown, with the spread on
stderr, because this machine is shared and runs vary; the naive way runs once (about 100 s at
100,000 rows), or not at all with ``--skip-naive``.

``python -m bench.marks 10000`` runs one size only.
"""

from __future__ import annotations

import argparse
import gc
import random
import statistics
import sys
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path

from openpyxl import Workbook, load_workbook
from openpyxl.comments import Comment
from openpyxl.styles import PatternFill

from addin.core.marks import DEFAULT_NOTE_CAP
from addin.core.profile import Profile
from addin.core.profiles import get_profile
from addin.core.report import Report
from addin.usecases.marking import clear_file, mark_file
from addin.usecases.validation import read_and_validate
from bench.data import hokus_rows

OUT = Path(__file__).parent / "out"

#: column index → how a cell of it goes wrong; each is corrupted in ``BAD_RATE`` of the rows.
#: On top of the mistakes ``bench.data`` already makes (landlines to reformat, unknown titles,
#: missing company fields...), four columns at 10 % bring the share of cells with an issue to
#: about 10 %, the issue's figure; the count is printed, not assumed.
CORRUPTIONS: dict[int, Callable[[str], str]] = {
    9: lambda born: "31/02/" + born[-4:],  # birthdate: a day that does not exist
    13: lambda _country: "Atlantide",  # personHomeCountry: no such country
    14: lambda zip_code: zip_code[:-1],  # personHomeZip: a digit short
    15: lambda email: email.replace("@", ""),  # personEmail: no @
}
BAD_RATE = 0.10

#: the tints of our own marks (addin/files/marks_writer.py), so the naive file looks the same
_FILLS = {
    "error": PatternFill("solid", fgColor="FFFFC7CE"),
    "warning": PatternFill("solid", fgColor="FFFFEB9C"),
}


def write_marks_input(path: Path, count: int, seed: int = 11) -> Path:
    """A Hokus workbook from ``bench.data``'s rows, with ``CORRUPTIONS`` applied.

    ``bench.data`` has no knob for its mistake rates (``bench.run`` needs its figures to stay
    comparable), so the extra mistakes are made here. Write-only mode: the file is written the
    way an export would, without openpyxl keeping every cell in memory.
    """
    rng = random.Random(seed)
    headers = [c.header for c in get_profile("hokus").fields]
    book = Workbook(write_only=True)
    sheet = book.create_sheet("Data")
    sheet.append(headers)
    for row in hokus_rows(count):
        for column, corrupt in CORRUPTIONS.items():
            if rng.random() < BAD_RATE:
                row[column] = corrupt(row[column])
        sheet.append(row)
    book.save(path)
    return path


def issue_cells(report: Report) -> dict[tuple[int, int], list[str]]:
    """(row, 1-based column) → the severities of its issues, for cells an issue points at."""
    cells: dict[tuple[int, int], list[str]] = defaultdict(list)
    for issue in report.issues:
        if issue.row is not None and issue.position is not None:
            cells[issue.row, issue.position + 1].append(issue.severity)
    return cells


def naive_mark(source: Path, target: Path, report: Report) -> None:
    """What one would write first with openpyxl: load everything, style cells, save everything.

    Fills for every cell with an issue (the worst severity's tint), a comment (its messages,
    merged) on the first ``DEFAULT_NOTE_CAP`` cells in reading order, like our notes.
    """
    messages: dict[tuple[int, int], list[str]] = defaultdict(list)
    for issue in report.issues:
        if issue.row is not None and issue.position is not None:
            messages[issue.row, issue.position + 1].append(issue.message("fr"))
    book = load_workbook(source)
    sheet = book.worksheets[0]
    for (row, column), severities in issue_cells(report).items():
        worst = "error" if "error" in severities else "warning"
        sheet.cell(row=row, column=column).fill = _FILLS[worst]
    for row, column in sorted(messages)[:DEFAULT_NOTE_CAP]:
        text = "\n".join(messages[row, column])
        sheet.cell(row=row, column=column).comment = Comment(text, "client-import")
    book.save(target)


def seconds(action: Callable[[], object]) -> float:
    """Wall time of ``action``, after collecting the previous step's garbage (not timed).

    The result is checked by ``action`` itself when it matters: a step that silently did
    nothing (no notes written, nothing cleared) would make a flattering figure.
    """
    gc.collect()
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def _mark(source: Path, marked: Path, profile: Profile) -> None:
    result = mark_file(source, profile, output=marked, lang="fr", overwrite=True)
    if result.notes != DEFAULT_NOTE_CAP:
        raise RuntimeError(f"{result.notes} notes written, {DEFAULT_NOTE_CAP} expected")


def _clear(marked: Path) -> None:
    if clear_file(marked) is None:
        raise RuntimeError(f"{marked} had no marks to clear")


def _remove_backups(path: Path) -> None:
    """``clear_file`` leaves a backup copy beside the file each time: not worth keeping here."""
    for backup in path.parent.glob(f"{path.stem}.sauvegarde-*{path.suffix}"):
        backup.unlink()


def _spread(values: list[float]) -> str:
    return f"{statistics.median(values):.2f} ({min(values):.2f}-{max(values):.2f})"


def measure(size: int, repeat: int, naive: bool) -> str:
    """One table row for ``size`` rows; details and spreads go to stderr as they come."""
    profile = get_profile("hokus")
    source = write_marks_input(OUT / f"marks-{size}.xlsx", size)
    marked = OUT / f"marks-{size}.marked.xlsx"
    _, report = read_and_validate(source, profile, None)
    cells = issue_cells(report)
    total = size * len(profile.fields)
    print(
        f"{size:,} rows: {len(report.issues):,} issues on {len(cells):,} cells "
        f"of {total:,} ({len(cells) / total:.1%})",
        file=sys.stderr,
    )
    validating: list[float] = []
    marking: list[float] = []
    clearing: list[float] = []
    for _ in range(repeat):
        validating.append(seconds(lambda: read_and_validate(source, profile, None)))
        marking.append(seconds(lambda: _mark(source, marked, profile)))
        clearing.append(seconds(lambda: _clear(marked)))
        _remove_backups(marked)
    print(
        f"  median (min-max) of {repeat}: validate {_spread(validating)}, "
        f"mark {_spread(marking)}, clear {_spread(clearing)}",
        file=sys.stderr,
    )
    validate_s, mark_s = statistics.median(validating), statistics.median(marking)
    clear_s = statistics.median(clearing)
    naive_text = ratio_text = "skipped"
    if naive:
        target = OUT / f"marks-{size}.naive.xlsx"
        naive_s = seconds(lambda: naive_mark(source, target, report))
        naive_text, ratio_text = f"{naive_s:.2f}", f"{naive_s / mark_s:.1f}x"
        print(f"  naive openpyxl (once): {naive_s:.2f}", file=sys.stderr)
    line = (
        f"| {size:,} | {len(report.issues):,} on {len(cells):,} cells ({len(cells) / total:.1%}) "
        f"| {validate_s:.2f} | {mark_s:.2f} | {mark_s - validate_s:.2f} | {clear_s:.2f} "
        f"| {naive_text} | {ratio_text} |"
    )
    print(line, file=sys.stderr)
    return line


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.marks", description=__doc__)
    parser.add_argument("sizes", nargs="*", type=int, default=[10_000, 100_000])
    parser.add_argument("--repeat", type=int, default=3, help="runs of our steps (median shown)")
    parser.add_argument("--skip-naive", action="store_true", help="no openpyxl load-mark-save")
    args = parser.parse_args(argv)
    OUT.mkdir(exist_ok=True)
    lines = [
        "| rows x 25 cols | issues | validate (s) | mark end to end (s) "
        "| marking overhead (s) | clear (s) | naive openpyxl (s) | naive / mark |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    lines += [measure(size, args.repeat, not args.skip_naive) for size in args.sizes]
    print("\n".join(lines))


if __name__ == "__main__":
    main()
