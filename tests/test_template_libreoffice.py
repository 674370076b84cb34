"""Every template opened by a real spreadsheet engine, LibreOffice headless.

Three things only an engine can tell: the file loads (no repair, no refusal), the dropdowns and
checks survive a round trip to another format (.ods, read back from its XML), and values typed
into the cells are accepted or refused as the platform would.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from addin.core.profiles import all_profiles, get_profile
from addin.core.template import TemplateSpec, plan_template
from addin.usecases.template_file import make_template
from tests.libreoffice import (
    LibreOfficeServer,
    OdsValidation,
    convert,
    ods_validations,
    validation_at,
    validity_of,
)

pytestmark = pytest.mark.libreoffice

PROFILES = sorted(all_profiles())
ROWS = 40


@pytest.fixture(scope="module")
def templates(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("lo-templates")
    return {
        name: make_template(get_profile(name), folder / f"{name}.xlsx", rows=ROWS)
        for name in PROFILES
    }


@pytest.fixture(scope="module")
def round_trips(
    templates: dict[str, Path], soffice: str, tmp_path_factory: pytest.TempPathFactory
) -> dict[str, list[OdsValidation]]:
    """Each template converted to .ods by LibreOffice (a file it cannot load fails here)."""
    folder = tmp_path_factory.mktemp("lo-ods")
    return {
        name: ods_validations(convert(path, "ods", folder, soffice=soffice))
        for name, path in templates.items()
    }


def _spec(name: str) -> TemplateSpec:
    return plan_template(get_profile(name), "fr", ROWS)


@pytest.mark.parametrize("name", PROFILES)
def test_every_check_survives_the_round_trip(
    round_trips: dict[str, list[OdsValidation]], name: str
) -> None:
    spec = _spec(name)
    validations = round_trips[name]
    for column in spec.columns:
        rule = column.rule
        first, last = f"{column.letter}2", f"{column.letter}{ROWS + 1}"
        if rule is None:
            assert not [v for v in validations if v.covers(spec.data_sheet, first)]
            continue
        found = validation_at(validations, spec.data_sheet, first)
        assert found.covers(spec.data_sheet, f"{first}:{last}"), column.field_id
        assert not [v for v in validations if v.covers(spec.data_sheet, f"{column.letter}1")]
        expected_kind = "text-length" if rule.kind == "textLength" else rule.kind
        assert found.kind == expected_kind, column.field_id
        assert found.allow_empty
        assert found.error_type == rule.error_style
        assert (found.help_title, found.error_title) == (rule.prompt_title, rule.error_title)
        assert found.help_text == rule.prompt
        assert found.error_text == rule.error


@pytest.mark.parametrize("name", [n for n in PROFILES if _spec(n).lists_sheet])
def test_dropdowns_still_point_at_the_list_sheet(
    round_trips: dict[str, list[OdsValidation]], name: str
) -> None:
    spec = _spec(name)
    validations = round_trips[name]
    lists = [c for c in spec.columns if c.rule is not None and c.rule.kind == "list"]
    sources = set()
    for column in lists:
        assert column.rule is not None
        found = validation_at(validations, spec.data_sheet, f"{column.letter}2")
        assert found.display_list != "none"  # the arrow is shown
        source = found.list_source
        assert source is not None and source.startswith(f"${spec.lists_sheet}."), source
        rows = len(column.rule.list_values) + 1
        assert source.endswith(f"$2:${source.split('$')[-2]}${rows}"), source
        sources.add(source)
    assert len(sources) == len(lists)  # one list per column


# --- values typed into the cells ----------------------------------------------------------------

#: per profile, cells of the data sheet (column letter: [(typed, accepted?)])
TYPED: dict[str, dict[str, list[tuple[str | float, bool]]]] = {
    "hokus": {
        "B": [("Mme", True), ("M. et Mme", True), ("Madame", False)],
        "C": [("Martin", True), ("Martin; Durand", False)],
        "H": [("France", True), ("Corée, République de", True), ("Frnace", False)],
        "J": [("1985-01-31", True), (45678.0, True), ("31/31/1985", False)],
        "O": [("01220", True), ("0122012345678", False)],
        "P": [("claire@exemple.fr", True), ("claire@exemple", False), ("c laire@x.fr", False)],
        "Q": [("+33612345678", True), ("06 12 34 56 78", False), ("+33 6 12", False)],
    },
    "aptimyz": {
        "A": [("claire@exemple.fr", True), ("claire.exemple.fr", False)],
        "D": [("Claire", True), ("C" * 51, False), ('Claire "Cla"', False)],
        "J": [("Billing", True), ("Facturation", False)],
        "P": [("FRA", True), ("France", False)],
        "Q": [(1234.5, True), (-999999999.99, True), (1e10, False)],
        "R": [(12.5, True), (150.0, False), (-1.0, False)],
        "T": [(120.0, True), (1.5, False)],
        "U": [("Y", True), ("N", True), ("Oui", False)],
        "Y": [(30.0, True), (1000.0, False)],
    },
    "flokon": {
        "C": [("418-555-0123", True), ("4185550123", False), ("418-5550-123", False)],
        "D": [("SMS", True), ("appel", True), ("texto", False)],
        "H": [("G1P 0A0", True), ("G1P 0A0 QC CANADA", False)],
    },
    "evoliz-clients": {
        "C": [("Professionnel", True), ("Pro", False)],
        "I": [("FR", True), ("France", False)],
        "J": [("73282932000074", True), ("732 829 320 00074", True), ("7328293", False)],
        "R": [("FR76 3000 6000 0112 3456 7890 189", True), ("FR76" + "1" * 40, False)],
        "S": [("BNPAFRPP", True), ("BNPAFRPPXXX", True), ("BNPAFRP", False)],
    },
    "evoliz-contacts": {
        "B": [("Mme", True), ("Madame", False)],
        "I": [("Autorisé", True), ("Sans consentement", True), ("oui", False)],
    },
    "reveal": {
        "D": [("paul@exemple.ca", True), ("paul@", False)],
    },
}


@pytest.mark.parametrize("name", PROFILES)
def test_typed_values_are_accepted_or_refused_as_the_platform_would(
    templates: dict[str, Path], lo_server: LibreOfficeServer, name: str
) -> None:
    spec = _spec(name)
    headers = {c.letter: c.header for c in spec.columns}
    entries: dict[str, str | float] = {}
    expected: dict[str, bool] = {}
    for letter, cases in TYPED[name].items():
        assert letter in headers, f"{name} has no column {letter}"
        for row, (value, accepted) in enumerate(cases, start=3):
            cell = f"{letter}{row}"
            entries[cell] = value
            expected[cell] = accepted
    verdicts = validity_of(templates[name], spec.data_sheet, entries, server=lo_server)
    wrong = {
        f"{cell} ({headers[cell.rstrip('0123456789')]}) = {entries[cell]!r}": verdicts[cell]
        for cell in entries
        if verdicts[cell] != expected[cell]
    }
    assert not wrong, f"LibreOffice disagrees (cell: its verdict): {wrong}"
