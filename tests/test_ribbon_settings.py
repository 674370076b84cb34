"""« Réglages »: questions in Excel's input box, answers checked, kept in the data folder, and
the token in the OS keyring (here a real keyring backend held in memory), never in the
workbook, the settings file, a message box or a log."""

from __future__ import annotations

import json
import secrets
import zipfile
from pathlib import Path

from addin.connectors.secrets import SERVICE
from addin.settings import Settings, load_settings, save_settings, settings_path
from addin.shells.ribbon import commands
from tests.memory_keyring import MemoryKeyring
from tests.ribbon_harness import (  # noqa: F401 (the fixtures)
    Excel,
    excel_fixture,
    memory_keyring_fixture,
)
from tests.test_push_e2e import clients

ADDRESS = "http://127.0.0.1:8765/api"


def _everything_written(excel: Excel, book_copy: Path) -> dict[str, bytes]:
    """Every file the product wrote or could have: the settings, the logs, each part of the
    saved workbook (unzipped), and the message boxes' texts."""
    found = {str(path): path.read_bytes() for path in excel.data.rglob("*") if path.is_file()}
    with zipfile.ZipFile(book_copy) as package:
        found |= {f"{book_copy}!{name}": package.read(name) for name in package.namelist()}
    found["message boxes"] = repr(excel.engine.alerts).encode()
    return found


def test_settings_round_trip_with_the_token_in_the_keyring_only(
    excel: Excel, memory_keyring: MemoryKeyring, tmp_path: Path
) -> None:
    token = secrets.token_hex(20)
    book = excel.open(clients(tmp_path / "occupants.xlsx", 3).path)
    commands.choose_platform("flokon")
    excel.user.typed.extend(["en", "ca", ADDRESS + "/", "upsert_delete_rest", token])
    commands.settings()
    said = excel.told()
    assert said.startswith("Settings saved:")  # in the language just chosen
    assert "Phone region: CA" in said
    assert f"Address: {ADDRESS}" in said
    assert "The access token: saved in the system keyring." in said
    assert load_settings() == Settings(
        "flokon", "en", "CA", {"flokon": ADDRESS}, {"flokon": "upsert_delete_rest"}
    )
    assert memory_keyring.passwords == {(SERVICE, f"token@{ADDRESS}"): token}
    titles = [title for title, _, _ in excel.user.asked]
    assert set(titles) == {"Import clients"}
    assert all(token not in default for _, _, default in excel.user.asked)

    excel.user.typed.clear()
    commands.settings()  # every box cancelled: everything kept
    assert "The access token: unchanged." in excel.told()
    assert load_settings().lang == "en"
    assert memory_keyring.passwords == {(SERVICE, f"token@{ADDRESS}"): token}

    saved = tmp_path / "enregistré.xlsx"
    book.save(str(saved))
    leaks = [
        name for name, data in _everything_written(excel, saved).items() if token.encode() in data
    ]
    assert leaks == []
    assert settings_path().exists()


def test_wrong_answers_are_refused_in_french_and_nothing_is_kept(
    excel: Excel, memory_keyring: MemoryKeyring, tmp_path: Path
) -> None:
    excel.open(clients(tmp_path / "occupants.xlsx", 3).path)
    commands.choose_platform("flokon")
    before = load_settings()

    excel.user.typed.extend(["de"])
    commands.settings()
    assert "La langue doit être fr ou en, pas « de »" in excel.refused()

    excel.user.typed.extend(["fr", "France"])
    commands.settings()
    assert "code pays de deux lettres" in excel.refused()

    excel.user.typed.extend(["fr", "", "ftp://exemple.fr"])
    commands.settings()
    assert "« ftp://exemple.fr » n'est pas l'adresse d'une plateforme" in excel.refused()

    excel.user.typed.extend(["fr", "", ADDRESS, "tout_effacer"])
    commands.settings()
    assert "Flokon n'accepte pas le mode « tout_effacer »" in excel.refused()

    assert load_settings() == before
    assert memory_keyring.passwords == {}


def test_an_address_keeps_no_credentials_it_was_typed_with(
    excel: Excel, memory_keyring: MemoryKeyring, tmp_path: Path
) -> None:
    secret = secrets.token_hex(8)
    excel.open(clients(tmp_path / "occupants.xlsx", 3).path)
    commands.choose_platform("flokon")
    excel.user.typed.extend(["fr", "", f"http://moi:{secret}@127.0.0.1:8765/api?jeton={secret}"])
    commands.settings()
    assert load_settings().targets == {"flokon": ADDRESS}
    assert secret not in settings_path().read_text(encoding="utf-8")


def test_a_settings_file_broken_by_hand_gives_the_defaults(excel: Excel) -> None:
    save_settings(Settings("hokus", "en"))
    assert load_settings() == Settings("hokus", "en")
    path = settings_path()
    for broken in ("{", "[]", json.dumps({"lang": "de"}), json.dumps({"targets": {"x": 1}})):
        path.write_text(broken, encoding="utf-8")
        assert load_settings() == Settings()
