"""One language per run, everywhere: ``--lang en`` (or ``CLIENT_IMPORT_LANG=en``) gives English
in every command's messages, the sandbox's and the command help; French stays the default.

Each command runs as a real ``client-import`` process (the help is built from the environment
before any option is read) or, where a keyring or a journal is needed, in process with an
in-memory keyring and a journal under the test's folder. What is looked for: French words and
accents in an English run, English sentences in a French one, once the file's own values and
the platform's (French) column names are set aside.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import keyring
import keyring.backends.fail
import pytest
from openpyxl import Workbook
from typer.testing import CliRunner

from addin.shells.cli import app
from tests.memory_keyring import MemoryKeyring

SAMPLES = Path(__file__).resolve().parents[1] / "demo" / "samples"
FRENCH = re.compile(
    r"[éèêàâùûçîôœ«»]|\b(le|la|les|des|une|pour|est|avec|ou|du|dans|fichier|ligne|lignes|"
    r"sinon|aucun|aucune|sauvegarde|erreur|envoi|feuille|colonne)\b",
    re.IGNORECASE,
)
ENGLISH = re.compile(
    r"\b(the|with|file|row|rows|error|warning|push|sheet|nothing|removed|stored|token)\b"
)
#: Names of our sheets and of the platforms: French words that are names, in any language.
NAMES = ("CI_Corrections", "CI_Correspondance", "Import clients")

COMMANDS = [
    ["profiles"],
    ["validate"],
    ["clear"],
    ["fix"],
    ["undo"],
    ["export"],
    ["map"],
    ["template"],
    ["sandbox"],
    ["push"],
    ["login"],
    ["logout"],
    ["history"],
    ["undo-push"],
    ["addin", "build"],
    ["addin", "install"],
    ["addin", "uninstall"],
]


def french_in(text: str, *known: str) -> list[str]:
    """The lines of ``text`` with French in them, once ``known`` texts are taken out."""
    found = []
    for line in text.splitlines():
        bare = line
        for name in (*NAMES, *known):
            bare = bare.replace(name, "")
        if FRENCH.search(bare):
            found.append(line)
    return found


def cli(*args: str, lang: str | None = None, **env: str) -> subprocess.CompletedProcess[str]:
    environ = {k: v for k, v in os.environ.items() if k != "CLIENT_IMPORT_LANG"}
    environ.update(env, COLUMNS="250")
    if lang is not None:
        environ["CLIENT_IMPORT_LANG"] = lang
    return subprocess.run(
        [sys.executable, "-m", "addin", *args],
        capture_output=True,
        text=True,
        check=False,
        env=environ,
    )


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_the_help_of_every_command_follows_the_language_variable(command: list[str]) -> None:
    english = cli(*command, "--help", lang="en")
    assert english.returncode == 0, english.stderr
    assert french_in(english.stdout) == []
    french = cli(*command, "--help")
    assert french_in(french.stdout) != []  # French by default


def test_the_whole_help_is_english_too() -> None:
    english = cli("--help", lang="en").stdout
    assert "Checks, fixes and sends customer files" in english
    assert french_in(english) == []
    assert "Vérifie, corrige et envoie" in cli("--help").stdout


@pytest.fixture
def journal(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A journal under the test's folder, an in-memory keyring, no language in the environment."""
    monkeypatch.setenv("CLIENT_IMPORT_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("CLIENT_IMPORT_LANG", raising=False)
    monkeypatch.setenv("COLUMNS", "250")
    previous = keyring.get_keyring()
    keyring.set_keyring(MemoryKeyring())
    yield tmp_path
    keyring.set_keyring(previous)


def invoke(*args: str, stdin: str | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, list(args), input=stdin)
    assert result.exception is None or isinstance(result.exception, SystemExit)
    return result.exit_code, result.stdout, result.stderr


def test_history_undo_push_login_and_logout_speak_the_runs_language(journal: Path) -> None:
    target = "https://plateforme.example"
    code, out, err = invoke("login", target, "--lang", "en", stdin="secret-token\n")
    assert code == 0, err
    assert "Stored in the keyring for https://plateforme.example." in out
    assert french_in(out, target) == []
    code, out, _ = invoke("logout", target, "--lang", "en")
    assert (code, out.strip()) == (0, "Removed from the keyring.")
    code, out, _ = invoke("logout", target)
    assert (code, out.strip()) == (0, "Le trousseau n'avait rien pour elle.")
    code, out, _ = invoke("history", "--lang", "en")
    assert (code, out.strip()) == (0, "No push in the journal.")
    assert invoke("history")[1].strip() == "Aucun envoi dans le journal."
    code, _, err = invoke("undo-push", "99", "--lang", "en")
    assert code == 2
    assert err == "Error: no push no. 99 in the journal: `client-import history` lists them\n"
    code, _, err = invoke("undo-push", "99")
    assert err.startswith("Erreur : aucun envoi n° 99 dans le journal")


def test_login_without_a_keyring_says_so_in_english(journal: Path) -> None:
    keyring.set_keyring(keyring.backends.fail.Keyring())
    code, _, err = invoke("login", "https://p.example", "--lang", "en")
    assert code == 2 and err.startswith("Error: ")
    assert "set CLIENT_IMPORT_TOKEN instead" in err


def _marked_and_fixed(tmp_path: Path) -> tuple[Path, Path]:
    source = tmp_path / "clients.xlsx"
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["distributorId", "civilTitle", "Lastname", "personEmail"])
    sheet.append(["C1", "madame", "Martin", "pas-un-email"])
    book.save(source)
    return source, tmp_path / "corrige.xlsx"


def test_validate_fix_undo_clear_export_map_template_in_english(tmp_path: Path) -> None:
    source, fixed = _marked_and_fixed(tmp_path)
    headers = ["distributorId", "civilTitle", "Lastname", "personEmail"]
    runs = [
        cli("validate", str(source), "-p", "hokus", "--lang", "en", "--max", "0"),
        cli(
            "validate",
            str(source),
            "-p",
            "hokus",
            "--annotate",
            str(tmp_path / "m.xlsx"),
            "--lang",
            "en",
        ),
        cli("clear", str(tmp_path / "m.xlsx"), "--lang", "en"),
        cli("clear", str(tmp_path / "m.xlsx"), "--lang", "en"),
        cli("fix", str(source), "-p", "hokus", "-o", str(fixed), "--lang", "en"),
        cli("undo", str(fixed), "--lang", "en"),
        cli("undo", str(fixed), "--lang", "en"),
        cli("export", str(source), "-p", "hokus", "-o", str(tmp_path / "h.csv"), "--lang", "en"),
        cli("map", str(source), "-p", "hokus", "--lang", "en"),
        cli("template", "hokus", "-o", str(tmp_path / "t.xlsx"), "--lang", "en"),
        cli("profiles", "--lang", "en"),
    ]
    said = [run.stdout + run.stderr for run in runs]
    known = (str(tmp_path), "pas-un-email", "madame", "Martin", *headers, *backups(tmp_path))
    assert [run.returncode for run in runs] == [1, 1, 0, 0, 1, 0, 0, 1, 0, 0, 0], said
    found = [line for text in said[:-2] for line in french_in(text, *known)]
    assert found == []
    assert "No marks in" in said[3] and "No fixes recorded in" in said[6]


def test_the_language_variable_sets_the_messages_too(tmp_path: Path) -> None:
    source, _ = _marked_and_fixed(tmp_path)
    english = cli("validate", str(source), "-p", "hokus", "--max", "0", lang="en")
    assert "Totals per column:" in english.stdout
    french = cli("validate", str(source), "-p", "hokus", "--max", "0")
    assert "Totaux par colonne :" in french.stdout
    forced = cli("validate", str(source), "-p", "hokus", "--max", "0", "--lang", "fr", lang="en")
    assert "Totaux par colonne :" in forced.stdout  # the option wins over the variable


def test_clear_and_undo_in_french_stay_french(tmp_path: Path) -> None:
    source, fixed = _marked_and_fixed(tmp_path)
    cleared = cli("clear", str(source))
    assert cleared.stdout.startswith("Aucune marque dans « clients.xlsx »")
    assert ENGLISH.search(cleared.stdout) is None
    cli("fix", str(source), "-p", "hokus", "-o", str(fixed))
    undone = cli("undo", str(fixed))
    assert "cellule(s) remise(s) comme avant" in undone.stdout
    assert ENGLISH.search(undone.stdout) is None


def test_the_sandbox_speaks_the_runs_language(tmp_path: Path) -> None:
    environ = {"CLIENT_IMPORT_SANDBOX_TOKEN": ""}
    english = cli(
        "sandbox", "--port", "0", "--db", str(tmp_path / "s.sqlite"), "--lang", "en", **environ
    )
    assert english.returncode == 2
    assert english.stderr.startswith("No token: set the CLIENT_IMPORT_SANDBOX_TOKEN")
    french = cli("sandbox", "--port", "0", "--db", str(tmp_path / "s.sqlite"), **environ)
    assert french.stderr.startswith("Aucun jeton : définissez la variable")
    bad = cli(
        "sandbox",
        "--port",
        "70000",
        "--db",
        str(tmp_path / "s.sqlite"),
        lang="en",
        CLIENT_IMPORT_SANDBOX_TOKEN="t",
    )
    assert bad.returncode == 2 and bad.stderr.strip() == (
        "Invalid port: 70000 (0 to 65535; 0 for a free port)."
    )
    direct = subprocess.run(
        [sys.executable, "-m", "addin.sandbox", "--help"],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "CLIENT_IMPORT_LANG": "en"},
    )
    assert "A local trial platform" in direct.stdout and french_in(direct.stdout) == []


def test_an_unknown_language_is_refused_in_the_runs_language() -> None:
    done = cli("profiles", "--lang", "de")
    assert done.returncode == 2 and done.stderr == "Erreur : --lang accepte fr ou en, pas « de »\n"


def backups(folder: Path) -> list[str]:
    """Backup copies are named ``….sauvegarde-DATE.xlsx``: a file name, not a message."""
    return [path.name for path in folder.glob("*sauvegarde*")]


def test_the_most_frequent_errors_are_said_in_the_runs_language(tmp_path: Path) -> None:
    missing = tmp_path / "absent.csv"
    english = cli("validate", str(missing), "-p", "hokus", "--lang", "en")
    assert english.returncode == 2
    assert english.stderr == (
        f"Error: The file “{missing}” cannot be found: check its name and the folder it is in.\n"
    )
    french = cli("validate", str(missing), "-p", "hokus")
    assert french.stderr.startswith(f"Erreur : Le fichier « {missing} » est introuvable")
    unknown = cli("export", str(missing), "-p", "nope", "-o", "x.csv", lang="en")
    assert unknown.stderr.startswith("Error: unknown profile “nope” (known profiles: aptimyz")
    (tmp_path / "vide.csv").write_bytes(b"")
    empty = cli("validate", str(tmp_path / "vide.csv"), "-p", "hokus", "--lang", "en")
    assert empty.stderr.startswith("Error: The file “vide.csv” is empty (0 bytes)")
    source, _ = _marked_and_fixed(tmp_path)
    (tmp_path / "deja.xlsx").write_bytes(b"x")
    taken = cli("fix", str(source), "-p", "hokus", "-o", str(tmp_path / "deja.xlsx"), lang="en")
    assert taken.returncode == 2 and "already exists: choose another name or add --force" in (
        taken.stderr
    )
    assert french_in(taken.stderr, str(tmp_path)) == []


def test_the_add_in_commands_speak_the_runs_language() -> None:
    """On Linux, ``addin install`` and ``uninstall`` say what they would do elsewhere."""
    for command in ("install", "uninstall"):
        english = cli("addin", command, "--lang", "en")
        assert english.returncode == 0, english.stderr
        assert english.stdout.startswith("Excel does not exist on Linux: nothing is written.")
        assert french_in(english.stdout) == []
        french = cli("addin", command)
        assert french.stdout.startswith("Excel n'existe pas sous Linux : rien n'est écrit.")
