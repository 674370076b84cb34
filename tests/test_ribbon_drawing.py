"""The buttons that draw on the sheet: « Vérifier » (marks and the report sheet), « Retirer les
marques », « Correspondance des colonnes » (the mapping sheet) and « Envoyer » (each row's
outcome and the history line), compared with what the commands write into the file."""

from __future__ import annotations

import json
import secrets
import shutil
from pathlib import Path

import openpyxl

from addin.connectors.secrets import store_secret
from addin.core.profiles import get_profile
from addin.files.file_workbook import open_workbook
from addin.sandbox.process import sandbox_process
from addin.settings import load_settings, save_settings, updated
from addin.shells.ribbon import commands
from addin.usecases.pushing import STATUS_LABELS
from tests.memory_keyring import MemoryKeyring
from tests.ribbon_harness import (  # noqa: F401 (the fixtures)
    Excel,
    cli,
    excel_fixture,
    memory_keyring_fixture,
)
from tests.test_fix_files import _user_workbook
from tests.test_push_e2e import clients

FLOKON = get_profile("flokon")


def _saved(excel: Excel, path: Path) -> Path:
    excel.app.books.active.save(str(path))
    return path


def _sheets(path: Path) -> list[str]:
    with open_workbook(path) as book:
        return book.sheet_names()


def test_check_marks_the_open_book_with_the_commands_totals_and_clear_takes_them_out(
    excel: Excel, tmp_path: Path
) -> None:
    source = _user_workbook(tmp_path / "clients.xlsx")
    checked = cli(["validate", str(source), "-p", "flokon", "--json"], excel)
    assert checked.returncode == 1, checked.stderr
    issues = json.loads(checked.stdout)["issues"]
    errors = [issue for issue in issues if issue["severity"] == "error"]
    person = sum(not issue["fixable"] for issue in errors)
    warnings = sum(issue["severity"] == "warning" for issue in issues)
    by_cli = shutil.copy(source, tmp_path / "par-commande.xlsx")
    marked = cli(["validate", str(by_cli), "-p", "flokon", "--in-place"], excel)
    assert marked.returncode == 1, marked.stderr

    excel.open(source)
    commands.choose_platform("flokon")
    commands.check()
    said = excel.told()
    # the command's own totals, in the ribbon's two questions
    assert f"• {person} erreur(s) à corriger par vous" in said
    assert f"• {len(errors) - person} erreur(s) que client-import corrige" in said
    assert f"• {warnings} avertissement(s) à vérifier." in said
    assert "la liste complète est dans la feuille « CI_Rapport »" in said
    assert _sheets(_saved(excel, tmp_path / "marqué.xlsx")) == _sheets(Path(by_cli))

    commands.clear_marks()
    assert excel.told() == "Marques retirées."
    assert _sheets(_saved(excel, tmp_path / "nettoyé.xlsx")) == _sheets(source)


def test_match_columns_writes_the_mapping_sheet_the_command_writes(
    excel: Excel, tmp_path: Path
) -> None:
    source = _user_workbook(tmp_path / "clients.xlsx")
    by_cli = shutil.copy(source, tmp_path / "par-commande.xlsx")
    mapped = cli(["map", str(by_cli), "-p", "flokon", "--write"], excel)
    assert mapped.returncode == 0, mapped.stderr

    excel.open(source)
    commands.match_columns()
    assert "Choisissez d'abord la plateforme" in excel.refused()
    commands.choose_platform("flokon")
    commands.match_columns()
    said = excel.told()
    assert said.startswith(
        "Correspondance des colonnes écrite dans la feuille « CI_Correspondance »"
    )
    assert "Prénom → " in said
    live = _saved(excel, tmp_path / "correspondance.xlsx")
    with open_workbook(live) as book:
        stored_live = book.stored_mapping()
    with open_workbook(Path(by_cli)) as book:
        stored_cli = book.stored_mapping()
    assert stored_live is not None
    assert stored_live == stored_cli


def test_send_writes_each_rows_outcome_and_the_history_line_the_command_writes(
    excel: Excel, memory_keyring: MemoryKeyring, tmp_path: Path
) -> None:
    token = secrets.token_hex(16)
    made = clients(tmp_path / "occupants.xlsx", 9, invalid_after=(3,))
    by_cli = Path(shutil.copy(made.path, tmp_path / "par-commande.xlsx"))
    with sandbox_process(tmp_path / "sandbox-commande.sqlite", token) as url:
        pushed = cli(
            ["push", str(by_cli), "-p", "flokon", "--target", url], excel, CLIENT_IMPORT_TOKEN=token
        )
    assert pushed.returncode == 1, pushed.stderr  # one row held back
    with sandbox_process(tmp_path / "sandbox.sqlite", token) as url:
        excel.open(made.path)
        commands.choose_platform("flokon")
        save_settings(updated(load_settings(), targets={"flokon": url}))
        store_secret(url, token)
        excel.user.answers.append("yes")
        commands.send()
        said = excel.told()
    assert "9 créé(s)" in said
    assert "Le résultat de chaque ligne est dans les colonnes d'état de la feuille." in said
    live = _outcomes(_saved(excel, tmp_path / "envoyé.xlsx"))
    assert live == _outcomes(by_cli)
    assert list(live) == ["Occupants", "CI_Historique"]
    statuses = [status for status, _ in live["Occupants"][1:]]
    assert statuses.count(STATUS_LABELS["fr"]["created"]) == 9
    assert all(identifier for status, identifier in live["Occupants"][1:] if status == "créé")


def _outcomes(path: Path) -> dict[str, list[tuple[object, bool]]]:
    """Each sheet's last two columns (our status and the platform's id: present or not, the
    two sandboxes number alike but need not) and the history sheet's shape."""
    book = openpyxl.load_workbook(path)
    try:
        found: dict[str, list[tuple[object, bool]]] = {}
        for sheet in book.worksheets:
            rows = list(sheet.iter_rows(values_only=True))
            if sheet.title == "Occupants":
                found[sheet.title] = [(row[-2], row[-1] is not None) for row in rows]
            else:
                found[sheet.title] = [(len(row), bool(row[0])) for row in rows]
        return found
    finally:
        book.close()
