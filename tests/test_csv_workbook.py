"""CSV in, workbook out (issue 18 item 4): a CSV checked or fixed into a workbook the accountant
goes on with in Excel, every value kept as the CSV held it (text, leading zeros, no formula)."""

from __future__ import annotations

import json
from pathlib import Path

from openpyxl import load_workbook
from typer.testing import CliRunner

from addin.shells.cli import app
from tests.user_workbooks import report_header

runner = CliRunner()

FLOKON_HEADER = (
    "Prénom,Nom,Téléphone,SMS/Appel,Adresse,Adresse Ligne 1,Ville,Code postal,Notes,"
    "Identifiant du client"
)
ADDRESS = "5 Av. des Pins, Québec, QC, G1R 2T3"
#: a title line above the headers, a record over two lines, a formula-looking note, a phone and
#: an alert type Flokon refuses as typed (fixable), an e-mail-less row with no phone (by hand)
CSV_TEXT = (
    "Liste des occupants\n"
    f"{FLOKON_HEADER}\n"
    f'Marie,Tremblay,418-555-0134,SMS,"{ADDRESS}",,,,"Ligne 1\nLigne 2",00042\n'
    f'Luc,Gagnon,4185550199,texto,"{ADDRESS}",,,,=1+1,00043\n'
    f'Anne,Roy,,appel,"{ADDRESS}",,,,,00044\n'
)


def flokon_csv(path: Path) -> Path:
    path.write_text(CSV_TEXT, encoding="utf-8")
    return path


def cli(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.output


def test_a_csv_is_checked_and_marked_in_a_workbook_copy(tmp_path: Path) -> None:
    source = flokon_csv(tmp_path / "occupants.csv")
    out = tmp_path / "occupants.xlsx"
    code, output = cli("validate", str(source), "-p", "flokon", "--annotate", str(out))
    assert code == 1, output
    assert source.read_text(encoding="utf-8") == CSV_TEXT  # the CSV is never written

    book = load_workbook(out)
    sheet = book["occupants"]
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert rows[0] == FLOKON_HEADER.split(",")  # headers on row 1, the title line left out
    assert [row[9] for row in rows[1:]] == ["00042", "00043", "00044"]  # zeros kept
    assert rows[1][8] == "Ligne 1\nLigne 2"
    assert rows[2][8] == "=1+1" and sheet["I3"].data_type == "s"  # text, not a formula
    assert all(cell.number_format == "@" for row in sheet.iter_rows() for cell in row if cell.value)

    # the CSV's issues, on the rows its records landed on (CSV line 5 is the workbook's row 3)
    report = json.loads(cli("validate", str(source), "-p", "flokon", "--json")[1])
    marked = {c.coordinate for row in sheet.iter_rows() for c in row if c.comment is not None}
    assert {"C3", "D3", "C4"} <= marked
    report_sheet = book["CI_Rapport"]
    lines = report_sheet.iter_rows(min_row=report_header(report_sheet) + 1, values_only=True)
    listed = [r for r in lines if r[3]]
    assert len(listed) == len(report["issues"])


def test_a_csv_is_fixed_into_a_workbook_with_its_changes_and_undo(tmp_path: Path) -> None:
    source = flokon_csv(tmp_path / "occupants.csv")
    out = tmp_path / "corrige.xlsx"
    code, output = cli("fix", str(source), "-p", "flokon", "-o", str(out))
    assert code == 1, output  # Anne has no phone: left for the user
    assert "C3      « 4185550199 » → « 418-555-0199 »" in output  # the workbook's cells
    assert source.read_text(encoding="utf-8") == CSV_TEXT

    book = load_workbook(out)
    assert book.sheetnames[:2] == ["occupants", "CI_Corrections"]
    sheet = book["occupants"]
    assert (sheet["C3"].value, sheet["D3"].value) == ("418-555-0199", "SMS")
    assert sheet["J2"].value == "00042"

    code, output = cli("undo", str(out))
    assert code == 0, output
    sheet = load_workbook(out)["occupants"]
    assert (sheet["C3"].value, sheet["D3"].value) == ("4185550199", "texto")


def test_what_a_csv_cannot_be_turned_into_is_said(tmp_path: Path) -> None:
    source = flokon_csv(tmp_path / "occupants.csv")
    code, output = cli("validate", str(source), "-p", "flokon", "--in-place")
    assert code == 2 and "--annotate COPIE.xlsx" in output
    code, output = cli("fix", str(source), "-p", "flokon", "-o", str(tmp_path / "o.ods"))
    assert code == 2 and "classeur .xlsx" in output
    taken = tmp_path / "pris.xlsx"
    taken.write_bytes(b"mine")
    code, output = cli("validate", str(source), "-p", "flokon", "--annotate", str(taken))
    assert code == 2 and "existe déjà" in output
    assert taken.read_bytes() == b"mine"


def test_a_csv_mapping_is_written_into_a_workbook_copy(tmp_path: Path) -> None:
    """Outlook, Google and Zoho export CSV: ``map --write -o COPY.xlsx`` gives the accountant a
    workbook holding the data as text and the mapping sheet, which validate then follows."""
    source = tmp_path / "contacts.csv"
    source.write_text(
        "Nom complet,Adresse e-mail,Portable,Code client\n"
        "Marie Tremblay,marie@exemple.ca,581 555 0199,00042\n",
        encoding="utf-8",
    )
    out = tmp_path / "contacts.xlsx"
    code, output = cli("map", str(source), "-p", "reveal", "--write", "-o", str(out))
    assert code == 0, output
    assert source.read_text(encoding="utf-8").endswith("00042\n")  # the CSV is never written
    book = load_workbook(out)
    assert book.sheetnames == ["contacts", "CI_Correspondance"]
    assert book["contacts"]["D2"].value == "00042"
    code, output = cli("validate", str(out), "--json")  # the profile is the mapping's
    assert json.loads(output)["profile"] == "reveal"
