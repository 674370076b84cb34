"""The demo's Excel step (``make demo``): the ribbon's Check, Fix and Send pressed on a workbook
through the tests' engine, the result saved where the user can open it."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook
from rich.console import Console

from demo.excel_step import in_excel


def test_the_ribbon_checks_fixes_and_sends_a_workbook_and_saves_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # the step sets both for its run: recorded here so they are put back after the test
    monkeypatch.setenv("CLIENT_IMPORT_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("CLIENT_IMPORT_TOKEN", "")
    source = tmp_path / "contacts.xlsx"
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Contacts"
    sheet.append(["Prénom", "Nom de famille", "Téléphone 1", "Courriel 1"])
    sheet.append(["Marie", "Tremblay", "418-692-2121", "marie@ exemple.ca"])  # Fix: the space
    sheet.append(["Luc", "", "", "luc@@exemple"])  # no phone: held back
    book.save(source)
    console = Console(record=True, width=100)

    saved = in_excel(console, source, tmp_path / "excel")

    shown = console.export_text()
    for button in ("Vérifier", "Corriger", "Envoyer à la plateforme"):
        assert f"{button} (" in shown and "appels à Excel" in shown
    assert "1 créé(s)" in " ".join(shown.split())
    result = load_workbook(saved)
    assert {"CI_Rapport", "CI_Corrections", "CI_Historique"} <= set(result.sheetnames)
    rows = list(result["Contacts"].iter_rows(values_only=True))
    assert rows[0][-2:] == ("Statut envoi (client-import)", "ID plateforme (client-import)")
    assert rows[1][-2] == "créé" and str(rows[1][-1]).startswith("rec_")
    assert source.exists() and saved != source  # the demo works on a copy
