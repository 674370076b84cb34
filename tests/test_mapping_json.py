"""``map --json`` says what the text says: the field each column feeds, joined or split with its
partners, and why, on every export fixture and profile."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from addin.core.choices import SPLIT_ADDRESS, SPLIT_NAME, Choice, choice_labels
from addin.core.profile import Profile
from addin.core.profiles import get_profile
from addin.shells.cli import app

EXPORTS = Path(__file__).parent / "fixtures" / "exports"
PROFILES = ["aptimyz", "evoliz-clients", "evoliz-contacts", "flokon", "hokus", "reveal"]
#: one line of the text listing: the header (30 characters), the target, the confidence, why
_LINE = re.compile(r"^(.{30}) → (« .* »|—)\s+(\d+)% \((.*)\)$")


def _fields_of(choice: Choice, profile: Profile) -> list[str]:
    """The fields a choice of the mapping sheet's dropdown feeds."""
    if choice is None:
        return []
    if choice == SPLIT_NAME and profile.mapping.name is not None:
        return [f for _, f in profile.mapping.name]
    if choice == SPLIT_ADDRESS and profile.mapping.address is not None:
        return [f for _, f in profile.mapping.address]
    return [choice]


def _text_lines(output: str) -> list[tuple[str, str, int, str]]:
    lines = []
    for line in output.splitlines():
        match = _LINE.match(line)
        if match is not None:
            header, target, percent, reason = match.groups()
            lines.append((header.rstrip(), target, int(percent), reason))
    return lines


def _map(*args: str) -> str:
    result = CliRunner().invoke(app, ["map", *args])
    assert result.exit_code == 0, result.output
    return result.stdout


@pytest.mark.parametrize("profile", PROFILES)
@pytest.mark.parametrize("fixture", sorted(p.name for p in EXPORTS.glob("*.csv")))
def test_text_and_json_agree_column_by_column(fixture: str, profile: str) -> None:
    chosen = get_profile(profile)
    labels = choice_labels(chosen)
    path = str(EXPORTS / fixture)
    text = _text_lines(_map(path, "-p", profile))
    data = json.loads(_map(path, "-p", profile, "--json"))
    mapping = data["mapping"]
    assert len(text) == len(mapping)
    for (header, target, percent, reason), column in zip(text, mapping, strict=True):
        assert header == column["column"][:30].rstrip()
        shown = [] if target == "—" else _fields_of(labels[target[2:-2]], chosen)
        assert column["fields"] == shown, column
        assert column["field"] == (shown[0] if len(shown) == 1 else None)
        assert (column["how"] is None) == (not shown)
        assert abs(percent - column["confidence"] * 100) <= 1  # 2 decimals against 0 %
        assert reason == column["reason_text"]
        joined = column["how"] == "joined"
        assert bool(column["partners"]) == (joined or column["how"] == "conflict")


def test_address_parts_joined_into_one_field_say_so_with_their_partners() -> None:
    """The case of issue 18: Outlook's home address parts were ``"field": null`` while the
    text showed them joined into « Adresse »."""
    data = json.loads(_map(str(EXPORTS / "outlook-en.csv"), "-p", "reveal", "--json"))
    by_column = {c["column"]: c for c in data["mapping"]}
    home = by_column["Home Street"]
    assert (home["field"], home["how"], home["reason"]) == ("address2", "joined", "joined")
    # the filled parts of the home address (its second line and state are empty in the file)
    assert home["partners"] == ["Home City", "Home Postal Code", "Home Country/Region"]
    assert by_column["Home City"]["field"] == "address2"
    assert by_column["Business Postal Code"]["field"] == "address1"
    assert by_column["Mobile Phone"]["how"] == "direct"


def test_a_split_column_names_every_field_it_feeds(tmp_path: Path) -> None:
    path = tmp_path / "adresses.csv"
    path.write_text(
        "Société;Adresse\n"
        "Atelier Durand;12 rue de la Roquette, 75011 Paris\n"
        "Boulangerie Lefèvre;3 place de la Mairie, 01000 Bourg-en-Bresse\n",
        encoding="utf-8",
    )
    data = json.loads(_map(str(path), "-p", "evoliz-clients", "--json"))
    address = data["mapping"][1]
    assert (address["field"], address["how"], address["reason"]) == (None, "split", "split")
    assert address["fields"] == ["address", "postcode", "town"]
    assert data["origin"] == "automatic"


def test_zoho_to_evoliz_as_a_process_keeps_every_decision_and_its_reason(tmp_path: Path) -> None:
    """Zoho → Evoliz (issue 18): « Billing Code » holds postal codes, so it is the postal code
    and « Customer ID » stays the client code; the filled « Phone » wins over the empty
    « Billing Phone »; each says why."""
    zoho = str(EXPORTS / "zoho-books-contacts.csv")
    done = subprocess.run(
        [sys.executable, "-m", "addin", "map", zoho, "-p", "evoliz-clients", "--json"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    by_column = {c["column"]: c for c in json.loads(done.stdout)["mapping"]}
    picked = {
        name: (c["field"], c["reason"], c["evidence"], c["rival"])
        for name, c in by_column.items()
        if name in ("Customer ID", "Billing Code", "Phone", "Billing Phone", "Shipping Code")
    }
    assert picked == {
        "Customer ID": ("code", "alias", None, None),
        "Phone": ("phone", "alias", None, None),
        "Billing Code": ("postcode", "content", "postal-codes", None),
        "Billing Phone": (None, "taken", "empty", "Phone"),
        "Shipping Code": (None, "taken", "postal-codes", "Billing Code"),
    }
    assert "codes postaux" in by_column["Billing Code"]["reason_text"]
    assert "colonne vide" in by_column["Billing Phone"]["reason_text"]


def test_a_column_of_digits_is_no_name_and_says_why() -> None:
    """Dolibarr's English third-party export: « Customer » (a name elsewhere) holds the status
    digits 1 and 3, so « Name » stays the client's name and « Customer » feeds nothing, with the
    cells' word in French and English."""
    dolibarr = str(EXPORTS / "dolibarr-tiers-en.csv")
    for lang, words in (("fr", "cellules faites de chiffres"), ("en", "cells of digits only")):
        data = json.loads(_map(dolibarr, "-p", "evoliz-clients", "--json", "--lang", lang))
        by_column = {c["column"]: c for c in data["mapping"]}
        customer, name = by_column["Customer"], by_column["Name"]
        assert (customer["field"], customer["reason"], customer["evidence"]) == (
            None,
            "none",
            "numbers",
        )
        assert words in customer["reason_text"]
        assert name["field"] == "name"
