"""What the worksheet functions cost in Python: ``python -m bench.functions [cells]``.

A column of 10,000 phone numbers typed every which way (all distinct: the worst case for the
per-value cache) goes through one array call of ``CI_PHONE``, ``CI_CHECK`` and ``CI_FIX``, as
``=CI_PHONE(E2:E10001)`` hands it over: first on a cold cache (a new workbook, a new value),
then warm (Excel recalculating the same cells). Then one scalar call, warm, averaged over many:
what a formula filled down costs per cell on the Python side. Excel's own cost per call (COM,
xlwings' marshalling) is not measurable here: bench/README.md quotes xlwings' figures.
"""

from __future__ import annotations

import random
import subprocess
import sys
import time
import timeit
from collections.abc import Callable

from addin.shells import functions
from addin.shells.functions import CI_CHECK, CI_FIX, CI_PHONE

PLATFORM, FIELD = "hokus", "personMobilePhone"


def phones(count: int, seed: int = 16) -> list[list[object]]:
    """One column (a list of one-cell rows) of distinct mobile numbers in five spellings,
    one in twenty not a number at all and one in fifty blank."""
    rng = random.Random(seed)
    column: list[list[object]] = []
    for n in range(count):
        digits = f"6{n:08d}"
        pairs = " ".join(digits[i : i + 2] for i in range(1, 9, 2))
        spelled = [
            f"0{digits}",
            f"0{digits[0]} {pairs}",
            f"+33 {digits[0]} {pairs}",
            f"0033{digits}",
            float(f"33{digits}"),  # a number Excel kept as a number
        ][rng.randrange(5)]
        if n % 20 == 7:
            spelled = f"tél. {n}"
        if n % 50 == 11:
            spelled = None
        column.append([spelled])
    return column


def _cold(call: Callable[[], object]) -> float:
    """One call on empty caches: the verdict caches are per field, kept across calls."""
    functions._verdicts_of.cache_clear()
    functions._type_verdicts.cache_clear()
    start = time.perf_counter()
    call()
    return time.perf_counter() - start


def _warm(call: Callable[[], object]) -> float:
    call()
    return min(timeit.repeat(call, number=1, repeat=5))


_FIRST_CALL = """
import time
start = time.perf_counter()
from addin.shells.functions import CI_CHECK
imported = time.perf_counter()
CI_CHECK("06 12 34 56 78", "personMobilePhone", "hokus")
done = time.perf_counter()
print(f"{imported - start:.3f} {done - imported:.3f}")
"""


def first_call() -> tuple[float, float]:
    """In a fresh Python: importing the functions, then the first call (profiles loaded,
    the field's checker built). Excel's UDF server has imported xlwings before."""
    out = subprocess.run(
        [sys.executable, "-c", "import xlwings\n" + _FIRST_CALL],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    return float(out[0]), float(out[1])


def main(count: int) -> None:
    imported, first = first_call()
    print(
        f"fresh process: import {imported:.3f} s (xlwings already loaded), first call {first:.3f} s"
    )
    column = phones(count)
    calls: dict[str, Callable[[], object]] = {
        "CI_PHONE": lambda: CI_PHONE(column, "FR"),
        "CI_CHECK": lambda: CI_CHECK(column, FIELD, PLATFORM),
        "CI_FIX": lambda: CI_FIX(column, FIELD, PLATFORM),
    }
    print(f"one array call over {count:,} cells ({PLATFORM}.{FIELD} for CHECK and FIX):")
    for name, call in calls.items():
        print(f"  {name:>8}: cold {_cold(call):.3f} s, warm {_warm(call):.3f} s")
    print("one scalar call, warm (mean of 100,000):")
    scalars: dict[str, Callable[[], object]] = {
        "CI_PHONE": lambda: CI_PHONE("06 12 34 56 78"),
        "CI_CHECK": lambda: CI_CHECK("06 12 34 56 78", FIELD, PLATFORM),
        "CI_FIX": lambda: CI_FIX("06 12 34 56 78", FIELD, PLATFORM),
        "CI_CHECK ok": lambda: CI_CHECK("+33612345678", FIELD, PLATFORM),
    }
    for name, call in scalars.items():
        call()
        each = min(timeit.repeat(call, number=100_000, repeat=3)) / 100_000
        print(f"  {name:>11}: {each * 1e6:.1f} µs")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 10_000)
