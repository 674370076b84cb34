"""`python -m bench.floor 100000`: where the core's time goes, column by column, and the floor.

Prints, for a Hokus file already in memory: the time of each column's check (with its number
of distinct values and issues), the cross-field rules, and the unit costs that bound what
CPython can do here: touching each cell once, one clean-shape match, one full check of a value
that needs a suggestion, one issue. The figures in bench/README.md come from this script.
"""

from __future__ import annotations

import sys
import time
import timeit
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

from addin.core import engine
from addin.core.checkers import build_checker
from addin.core.clean_shapes import column_shape
from addin.core.fields.phone import PhoneChecker
from addin.core.fields.text import CharacterRules
from addin.core.profiles import get_profile
from addin.core.report import Issue
from addin.readers.reader import read_table
from bench.data import write_csv

OUT = Path(__file__).parent / "out"


def _timed_calls(name: str, spent: dict[str, float]) -> Callable[..., Any]:
    """Wrap ``engine.<name>`` so that each call's time is added to ``spent[key]``."""
    original = getattr(engine, name)

    def wrapper(*args: Any) -> Any:
        start = time.perf_counter()
        result = original(*args)
        key = args[1].field.id if name == "check_column" else name
        spent[key] = spent.get(key, 0.0) + time.perf_counter() - start
        return result

    return wrapper


def _microseconds(action: Callable[[], object], number: int = 200_000) -> float:
    return min(timeit.repeat(action, number=number, repeat=3)) * 1e6 / number


def main(size: int) -> None:
    OUT.mkdir(exist_ok=True)
    path = write_csv(OUT / f"hokus-{size}.csv", size)
    touch = 0.0
    for column in read_table(path).columns:  # a fresh table: no text has its hash yet
        start = time.perf_counter()
        dict.fromkeys(column)
        touch += time.perf_counter() - start
    table = read_table(path)
    profile = get_profile("hokus")
    spent: dict[str, float] = {}
    originals = {n: getattr(engine, n) for n in ("check_column", "check_rules")}
    for name in originals:
        setattr(engine, name, _timed_calls(name, spent))
    try:
        start = time.perf_counter()
        report = engine.validate(table, profile)
        total = time.perf_counter() - start
    finally:
        for name, original in originals.items():
            setattr(engine, name, original)
    issues = Counter(i.field for i in report.issues)
    print(f"core: {total:.2f} s for {size:,} rows x {len(table.headers)} columns\n")
    print("| column | ms | distinct values | issues |\n|---|---:|---:|---:|")
    for position, header in enumerate(table.headers):
        distinct = len(set(table.columns[position]))
        ms = spent.get(header, 0.0) * 1000
        print(f"| {header} | {ms:.0f} | {distinct:,} | {issues.get(header, 0):,} |")
    print(f"| cross-field rules | {spent.get('check_rules', 0.0) * 1000:.0f} | | |")

    rules = CharacterRules.from_profile(profile.file.characters)
    phone = PhoneChecker("FR", "e164")
    mobile = column_shape(profile.field("personMobilePhone"), phone, rules)
    email_field = profile.field("personEmail")
    email = column_shape(email_field, build_checker(email_field, profile, []), rules)
    assert mobile is not None and email is not None
    context = {"platform": "Hokus"}
    row = ("phone-format", "warning", 2, "personPhone", "personPhone", "04", "+33", {}, 16, context)
    units = [
        ("touching each cell once (dict.fromkeys, fresh table)", touch * 1e6 / size / 25),
        (
            "clean-shape match, E.164 mobile",
            _microseconds(lambda: mobile.fullmatch("+33612345678")),
        ),
        (
            "clean-shape match, e-mail",
            _microseconds(lambda: email.fullmatch("c.martin12@exemple.fr")),
        ),
        (
            "phone check with suggestion (04 93 16 19 78)",
            _microseconds(lambda: phone.check("04 93 16 19 78")),
        ),
        ("building one issue", _microseconds(lambda: Issue._make(row))),
    ]
    print("\n| unit cost | µs |\n|---|---:|")
    for label, microseconds in units:
        print(f"| {label} | {microseconds:.3f} |")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000)
