"""« Envoyer », « Historique » and « Annuler un envoi » on the book open in Excel, against the
local sandbox platform run as a process, compared with ``client-import push`` on a copy.

The user's answers are scripted on the test engine: a yes, a no, or a function run while the
preview is up (the user editing the sheet, or clicking another button) before answering.
"""

from __future__ import annotations

import secrets
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import xlwings as xw

from addin.connectors.secrets import store_secret
from addin.sandbox.process import sandbox_process
from addin.settings import load_settings, save_settings, updated
from addin.shells.ribbon import commands
from tests.memory_keyring import MemoryKeyring
from tests.ribbon_harness import (  # noqa: F401 (the fixtures)
    Excel,
    cli,
    excel_fixture,
    memory_keyring_fixture,
)
from tests.test_push_e2e import HEADERS, Clients, clients, stored_in
from tests.user_workbooks import write_rows

TOKEN = secrets.token_hex(16)


@dataclass(frozen=True)
class Sandbox:
    url: str
    db: Path

    def records(self) -> list[tuple[str, dict[str, object]]]:
        """What the platform holds: each record's key and fields (ids are the platform's)."""
        return [(item.key, dict(item.fields)) for item in stored_in(self.db)]


@pytest.fixture
def platform(tmp_path: Path) -> Iterator[Sandbox]:
    db = tmp_path / "sandbox.sqlite"
    with sandbox_process(db, TOKEN) as url:
        yield Sandbox(url, db)


@pytest.fixture
def other_platform(tmp_path: Path) -> Iterator[Sandbox]:
    db = tmp_path / "sandbox-commande.sqlite"
    with sandbox_process(db, TOKEN) as url:
        yield Sandbox(url, db)


def _ready(excel: Excel, made: Clients, platform: Sandbox, mode: str | None = None) -> xw.Book:
    """The workbook open, Flokon chosen, its address and mode set, the token in the keyring."""
    book = excel.open(made.path)
    commands.choose_platform("flokon")
    settings = updated(load_settings(), targets={"flokon": platform.url})
    if mode is not None:
        settings = updated(settings, modes={"flokon": mode})
    save_settings(settings)
    store_secret(platform.url, TOKEN)
    return book


def _previews(excel: Excel) -> list[str]:
    return [prompt for _, prompt, buttons, _ in excel.engine.alerts if buttons == "yes_no"]


def test_send_lands_on_the_platform_what_the_push_command_lands(
    excel: Excel,
    memory_keyring: MemoryKeyring,
    platform: Sandbox,
    other_platform: Sandbox,
    tmp_path: Path,
) -> None:
    made = clients(tmp_path / "occupants.xlsx", 30, invalid_after=(4, 17))
    copy = shutil.copy(made.path, tmp_path / "copie.xlsx")
    pushed = cli(
        ["push", str(copy), "-p", "flokon", "--target", other_platform.url],
        excel,
        CLIENT_IMPORT_TOKEN=TOKEN,
    )
    assert pushed.returncode == 1, pushed.stderr  # two rows held back

    _ready(excel, made, platform)
    excel.user.answers.append("yes")
    commands.send()
    (preview,) = _previews(excel)
    assert "30 à créer" in preview
    assert "2 ligne(s) avec erreurs, non envoyée(s)" in preview
    assert "Mode : créer ou mettre à jour, garder le reste" in preview
    said = excel.told()
    assert "30 créé(s), 0 mis à jour, 0 inchangé(s), 0 refusé(s), 0 non envoyé(s)" in said
    assert platform.records() == other_platform.records()
    assert len(platform.records()) == len(made.valid)

    excel.user.answers.append("yes")
    commands.send()  # a second time: nothing new
    assert "30 inchangée(s)" in _previews(excel)[-1]
    assert "30 inchangé(s)" in excel.told()
    assert platform.records() == other_platform.records()


def test_a_sheet_edited_while_the_preview_is_up_is_checked_again_before_sending(
    excel: Excel, memory_keyring: MemoryKeyring, platform: Sandbox, tmp_path: Path
) -> None:
    made = clients(tmp_path / "occupants.xlsx", 8)
    book = _ready(excel, made, platform)
    sheet = book.sheets["Occupants"]

    def edit_then_yes(prompt: str) -> str:
        sheet.range("F2").value = "note-corrigée"  # Notes of the first row
        sheet.range("C3").value = "123"  # the second row's phone, now wrong
        return "yes"

    excel.user.answers.extend([edit_then_yes, "yes"])
    commands.send()
    first, second = _previews(excel)
    assert "8 à créer" in first
    assert second.startswith("La feuille a changé depuis l'aperçu")
    assert "7 à créer" in second
    assert "1 ligne(s) avec erreurs" in second
    records = dict(platform.records())
    assert len(records) == 7
    assert any("note-corrigée" in fields.values() for fields in records.values())
    assert not any(made.valid[2] in fields.values() for fields in records.values())


def test_no_to_the_preview_sends_nothing(
    excel: Excel, memory_keyring: MemoryKeyring, platform: Sandbox, tmp_path: Path
) -> None:
    _ready(excel, clients(tmp_path / "occupants.xlsx", 5), platform)
    excel.user.answers.append("no")
    commands.send()
    assert excel.told() == "Annulé : rien n'a été fait."
    assert platform.records() == []


def test_a_deleting_mode_names_what_it_deletes_and_waits_for_a_yes(
    excel: Excel, memory_keyring: MemoryKeyring, platform: Sandbox, tmp_path: Path
) -> None:
    _ready(excel, clients(tmp_path / "tous.xlsx", 10), platform)
    excel.user.answers.append("yes")
    commands.send()
    assert len(platform.records()) == 10

    fewer = clients(tmp_path / "moins.xlsx", 6)  # the same first six clients
    excel.open(fewer.path)
    save_settings(updated(load_settings(), modes={"flokon": "upsert_delete_rest"}))
    excel.user.answers.append("no")
    commands.send()
    preview = _previews(excel)[-1]
    assert "ATTENTION : 4 fiche(s) de la plateforme seront SUPPRIMÉES" in preview
    assert "6 inchangée(s)" in preview
    assert excel.told() == "Annulé : rien n'a été fait."
    assert len(platform.records()) == 10

    excel.user.answers.append("yes")
    commands.send()
    said = excel.told()
    assert "4 supprimé(s)" in said
    assert "Sauvegarde de la plateforme avant suppression" in said
    assert len(platform.records()) == 6


def test_history_and_undo_of_the_last_send(
    excel: Excel, memory_keyring: MemoryKeyring, platform: Sandbox, tmp_path: Path
) -> None:
    made = clients(tmp_path / "occupants.xlsx", 12)
    _ready(excel, made, platform)
    commands.history()
    assert excel.told() == "Aucun envoi de ce classeur dans le journal."
    commands.undo_send()
    assert excel.told() == "Aucun envoi de ce classeur dans le journal : rien à annuler."

    excel.user.answers.append("yes")
    commands.send()
    commands.history()
    said = excel.told()
    assert said.startswith("n° 1, ")
    assert f"Flokon → {platform.url}" in said
    assert "créer ou mettre à jour, garder le reste ; terminé : créés 12," in said
    listed = cli(["history", "--json"], excel, CLIENT_IMPORT_DATA_DIR=str(excel.data))
    assert listed.returncode == 0, listed.stderr
    assert '"status": "finished"' in listed.stdout

    excel.user.answers.append("no")
    commands.undo_send()
    question = _previews(excel)[-1]
    assert "Annuler l'envoi n° 1 (" in question
    assert f"supprime de {platform.url} les 12 fiche(s) qu'il a créées" in question
    assert "ligne 2, ligne 3" in question
    assert "empreinte" not in question  # Flokon's keys are fingerprints of the values
    assert excel.told() == "Annulé : rien n'a été fait."
    assert len(platform.records()) == 12

    excel.user.answers.append("yes")
    commands.undo_send()
    assert excel.told() == "Envoi n° 1 annulé : 12 fiche(s) supprimée(s)."
    assert platform.records() == []
    commands.history()
    assert "annulés 12" in excel.told()


def test_a_second_click_while_a_button_works_is_refused_politely(
    excel: Excel, memory_keyring: MemoryKeyring, platform: Sandbox, tmp_path: Path
) -> None:
    _ready(excel, clients(tmp_path / "occupants.xlsx", 5), platform)

    def click_fix_then_no(prompt: str) -> str:
        commands.fix()  # the user clicks « Corriger » while the preview is up
        return "no"

    excel.user.answers.append(click_fix_then_no)
    commands.send()
    refusal = excel.engine.alerts[-2]
    assert refusal[3] == "critical"
    assert "Une commande client-import est déjà en cours sur « occupants.xlsx »" in refusal[1]
    assert excel.told() == "Annulé : rien n'a été fait."
    assert excel.app._screen_updating is True


def test_send_without_credentials_says_how_to_give_them(
    excel: Excel, memory_keyring: MemoryKeyring, platform: Sandbox, tmp_path: Path
) -> None:
    made = clients(tmp_path / "occupants.xlsx", 5)
    excel.open(made.path)
    commands.send()
    assert "Choisissez d'abord la plateforme" in excel.refused()
    commands.choose_platform("flokon")
    commands.send()
    assert "Flokon : indiquez l'adresse de la plateforme dans « Réglages »" in excel.refused()
    save_settings(updated(load_settings(), targets={"flokon": platform.url}))
    commands.send()
    assert f"Il manque le jeton d'accès pour {platform.url}" in excel.refused()
    assert platform.records() == []
    assert excel.app._screen_updating is True


def test_the_preview_says_a_changed_address_makes_a_new_service_point_and_keeps_the_old(
    excel: Excel, memory_keyring: MemoryKeyring, platform: Sandbox, tmp_path: Path
) -> None:
    """Flokon's occupants are known by client, address and name: a new address is a new
    service point and a new occupant, and the preview says what becomes of the old one."""
    made = clients(tmp_path / "occupants.xlsx", 3)
    book = _ready(excel, made, platform)
    excel.user.answers.append("yes")
    commands.send()
    book.sheets["Occupants"].range("E2").value = "7 Rue du Fort, Québec, QC, G1R 3Z9"

    excel.user.answers.append("no")
    commands.send()

    assert (
        "1 nouvelle adresse, donc nouveau point de service et nouvel occupant : "
        "ligne 2 (Prénom0 Nom0 · 7 Rue du Fort, Québec, QC, G1R 3Z9 · client 5000) ← "
        "Prénom0 Nom0 · 1 Rue des Pins, Québec, QC, G1P 0A0 · client 5000, "
        "l'ancien reste sur la plateforme"
    ) in _previews(excel)[-1]
    assert len(platform.records()) == 3  # nothing sent on a no


def test_likely_duplicates_are_held_unless_the_second_question_is_answered_yes(
    excel: Excel, memory_keyring: MemoryKeyring, platform: Sandbox, tmp_path: Path
) -> None:
    """Excel's boxes have no checkbox: « Créer quand même ces N client(s) ? » is its honest
    equivalent, asked after the preview only when rows are held back."""
    _ready(excel, clients(tmp_path / "tous.xlsx", 5), platform)
    excel.user.answers.append("yes")
    commands.send()
    assert len(platform.records()) == 5

    # another occupant, client and address, with the phone of the first one: a likely duplicate
    again = write_rows(
        tmp_path / "nouveau.xlsx",
        HEADERS,
        [
            ("Paul", "Neuf", "418-692-1000", "appel", "9 Rue Neuve, Québec, QC", "n-1", "C-99"),
            ("Rose", "Neuve", "418-692-7777", "appel", "7 Rue Neuve, Québec, QC", "n-2", "C-98"),
        ],
        sheet="Occupants",
    )
    opened = excel.open(again)
    excel.user.answers.extend(["yes", "no"])
    commands.send()
    preview, question = _previews(excel)[-2:]
    assert "1 à créer" in preview
    assert "1 client(s) probablement déjà sur la plateforme sous une autre clé, retenu(s) : " in (
        preview
    )
    assert "ligne 2 : même téléphone que le client « Prénom0 Nom0 · 1 Rue des Pins" in preview
    assert question.startswith("Créer quand même ces 1 client(s) ?")
    assert "retenu(s)" in excel.told()
    assert len(platform.records()) == 6  # Rose only
    values = opened.sheets["Occupants"].used_range.value
    assert str(values[1][7]).startswith("retenu (doublon probable)"), values[1]

    excel.user.answers.extend(["yes", "yes"])
    commands.send()
    assert len(platform.records()) == 7  # Paul too, as the user said
