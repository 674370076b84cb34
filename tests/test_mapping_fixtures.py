"""Real exports of other tools, and our own templates, mapped onto every profile field by field.

The expectations are data: ``tests/fixtures/exports/expected-mapping.md`` has one table per
fixture (a row per column, a cell per profile) and one table per profile's own headers (their
conversion into the other profiles). Each case compares whole lists, so a failure shows every
column that differs at once. Cases the mapping does not reach yet are listed in its "Known gaps"
table and run as strict xfails: they fail loudly the day they pass.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pytest

from addin.core.mapping import propose_mapping
from addin.core.profiles import get_profile
from addin.core.table import SourceInfo, Table
from addin.readers.reader import read_table

EXPORTS = Path(__file__).parent / "fixtures" / "exports"
EXPECTED = EXPORTS / "expected-mapping.md"
PROFILES = ["aptimyz", "evoliz-clients", "evoliz-contacts", "flokon", "hokus", "reveal"]
NONE = "—"
SELF = "="


@dataclass(frozen=True)
class Expected:
    """One table of the document: the headers in order, and per profile the field of each."""

    headers: list[str]
    fields: dict[str, list[str | None]]


def _cells(line: str) -> list[str]:
    return [cell.strip() for cell in line.strip().strip("|").split("|")]


def _header(cell: str) -> str:
    """The header between the backticks, spaces kept (« Tél. professionnel␠ »)."""
    match = re.fullmatch(r"\s*`(.*)`\s*", cell)
    assert match is not None, cell
    return match.group(1)


def _tables(text: str) -> tuple[dict[str, Expected], dict[str, Expected]]:
    """The fixtures' tables (``## `file.csv```) and the profiles' (``### `profile```)."""
    fixtures: dict[str, Expected] = {}
    profiles: dict[str, Expected] = {}
    for heading, body in re.findall(r"^(##+ `[^`]+`)\n(.*?)(?=^#|\Z)", text, re.M | re.S):
        name = heading.split("`")[1]
        rows = [line for line in body.splitlines() if line.startswith("|")]
        titles = _cells(rows[0])
        columns = {p: titles.index(p) for p in PROFILES}
        at = titles.index("header")
        headers: list[str] = []
        fields: dict[str, list[str | None]] = {p: [] for p in PROFILES}
        for row in rows[2:]:
            cells = _cells(row)
            headers.append(_header(row.split("|")[at + 1]))
            for profile, index in columns.items():
                value = cells[index].strip("`")
                fields[profile].append(None if value == NONE else value)
        target = profiles if heading.startswith("###") else fixtures
        target[name] = Expected(headers, fields)
    return fixtures, profiles


def _gaps(text: str) -> dict[tuple[str, str], str]:
    """``(fixture, profile)`` → why the mapping does not reach the expectation yet."""
    section = text.split("## Known gaps", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in section.splitlines() if line.startswith("| `")]
    return {(_cells(r)[0].strip("`"), _cells(r)[1]): _cells(r)[-1] for r in rows}


TEXT = EXPECTED.read_text(encoding="utf-8")
FIXTURES, CONVERSIONS = _tables(TEXT)
GAPS = _gaps(TEXT)


def _cases() -> list[object]:
    cases: list[object] = []
    for fixture in sorted(FIXTURES):
        for profile in PROFILES:
            reason = GAPS.get((fixture, profile))
            marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
            cases.append(pytest.param(fixture, profile, marks=marks, id=f"{fixture}-{profile}"))
    return cases


def test_every_fixture_has_its_table_and_every_profile_its_conversion() -> None:
    assert sorted(FIXTURES) == sorted(p.name for p in EXPORTS.glob("*.csv"))
    assert sorted(CONVERSIONS) == PROFILES
    assert all(fixture in FIXTURES for fixture, _ in GAPS)


@pytest.mark.parametrize(("fixture", "profile"), _cases())
def test_export_columns_feed_the_expected_fields(fixture: str, profile: str) -> None:
    table = read_table(EXPORTS / fixture)
    expected = FIXTURES[fixture]
    assert table.headers == expected.headers, "the table must follow the file's header row"
    proposal = propose_mapping(table, get_profile(profile))
    found = [(n, c.column, c.field) for n, c in enumerate(proposal.columns, 1)]
    wanted = list(
        zip(
            range(1, len(expected.headers) + 1),
            expected.headers,
            expected.fields[profile],
            strict=True,
        )
    )
    assert found == wanted


@pytest.mark.parametrize("target", PROFILES)
@pytest.mark.parametrize("source", PROFILES)
def test_a_profile_headers_feed_the_equivalent_fields_of_another(source: str, target: str) -> None:
    """An Evoliz contacts file into Reveal, a Hokus file into Evoliz...: through the mapping."""
    columns = get_profile(source).fields
    headers = [c.header for c in columns]
    table = Table.from_rows(
        headers, [[c.example for c in columns]], SourceInfo(path="template.csv", kind="csv")
    )
    expected = CONVERSIONS[source]
    assert headers == expected.headers
    wanted = expected.fields[target]
    if target == source:
        assert wanted == [SELF] * len(headers)
        wanted = [c.id for c in columns]
    proposal = propose_mapping(table, get_profile(target))
    assert list(zip(headers, (c.field for c in proposal.columns), strict=True)) == list(
        zip(headers, wanted, strict=True)
    )
