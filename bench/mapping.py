"""``python -m bench.mapping``: the share of columns matched right, per export fixture.

Reads the same expectations as ``tests/test_mapping_fixtures.py``
(``tests/fixtures/exports/expected-mapping.md``) and prints a Markdown table to paste into
bench/README.md: per file, the columns the proposal maps to the expected field (a field or
none), over all six profiles, and per profile. A quality figure, not a speed one: it moves
when the mapping learns a spelling or the cells settle a case.
"""

from __future__ import annotations

from tests.test_mapping_fixtures import FIXTURES, PROFILES, proposal_for


def main() -> None:
    print("| file | columns | " + " | ".join(PROFILES) + " | all profiles |")
    print("|---|---:|" + "---:|" * (len(PROFILES) + 1))
    total = right_total = 0
    for fixture in sorted(FIXTURES):
        expected = FIXTURES[fixture]
        cells: list[str] = []
        right_file = 0
        for profile in PROFILES:
            found = [c.field for c in proposal_for(fixture, profile).columns]
            right = sum(f == e for f, e in zip(found, expected.fields[profile], strict=True))
            right_file += right
            cells.append(f"{right / len(found):.0%}")
        count = len(expected.headers)
        total += count * len(PROFILES)
        right_total += right_file
        share = right_file / (count * len(PROFILES))
        print(f"| `{fixture}` | {count} | " + " | ".join(cells) + f" | {share:.1%} |")
    print(f"| **all** | | {' | ' * (len(PROFILES) - 1)} | **{right_total / total:.1%}** |")


if __name__ == "__main__":
    main()
