"""Real exports of other tools, and our own templates, mapped onto every profile field by field.

The expectations are data: ``tests/fixtures/exports/expected-mapping.md`` has one table per
fixture (a row per column, a cell per profile) and one table per profile's own headers (their
conversion into the other profiles). Each column of each fixture is one test per profile, so a
failure names the column. Columns the mapping does not reach yet are listed in its "Known gaps"
table and run as strict xfails: they fail loudly the day they pass. ``python -m bench.mapping``
prints the share of columns matched right per file (``bench/README.md``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pytest

from addin.core.mapping import MappingProposal, propose_mapping
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


def _gaps(text: str) -> dict[tuple[str, str, int], str]:
    """``(fixture, profile, column number)`` → why the mapping does not reach the expectation
    yet; a row may name several columns ("8 `Titre`, 84 `Profession`")."""
    section = text.split("## Known gaps", 1)[1].split("\n## ", 1)[0]
    rows = [_cells(line) for line in section.splitlines() if line.startswith("| `")]
    return {
        (cells[0].strip("`"), cells[1], int(number)): cells[-1]
        for cells in rows
        for number in re.findall(r"(\d+) `", cells[2])
    }


TEXT = EXPECTED.read_text(encoding="utf-8")
FIXTURES, CONVERSIONS = _tables(TEXT)
GAPS = _gaps(TEXT)


def _cases() -> list[object]:
    cases: list[object] = []
    for fixture in sorted(FIXTURES):
        for profile in PROFILES:
            for number, header in enumerate(FIXTURES[fixture].headers, 1):
                reason = GAPS.get((fixture, profile, number))
                marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
                case = f"{fixture}-{profile}-{number}-{header}"
                cases.append(pytest.param(fixture, profile, number, marks=marks, id=case))
    return cases


@cache
def proposal_for(fixture: str, profile: str) -> MappingProposal:
    """The proposal for one fixture and profile, made once for all its columns' tests."""
    table = read_table(EXPORTS / fixture)
    assert table.headers == FIXTURES[fixture].headers, "the table must follow the header row"
    return propose_mapping(table, get_profile(profile))


def test_every_fixture_has_its_table_and_every_profile_its_conversion() -> None:
    assert sorted(FIXTURES) == sorted(p.name for p in EXPORTS.glob("*.csv"))
    assert sorted(CONVERSIONS) == PROFILES
    for fixture, profile, number in GAPS:
        assert profile in PROFILES
        assert 1 <= number <= len(FIXTURES[fixture].headers)


@pytest.mark.parametrize(("fixture", "profile", "number"), _cases())
def test_export_column_feeds_the_expected_field(fixture: str, profile: str, number: int) -> None:
    mapped = proposal_for(fixture, profile).columns[number - 1]
    expected = FIXTURES[fixture]
    assert (mapped.column, mapped.field) == (
        expected.headers[number - 1],
        expected.fields[profile][number - 1],
    )


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
