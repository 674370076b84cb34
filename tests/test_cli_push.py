"""The push commands end to end: ``push``, ``history``, ``undo-push``, ``login`` and ``logout``
run through the CLI against the sandbox over real HTTP (in this process), asserting on what the
platform holds, the files written beside the user's file and the journal.

Each test has its own sandbox, its own journal (``$CLIENT_IMPORT_DATA_DIR``) and a keyring that
is never the machine's: keyring's "no backend" one unless the test installs the in-memory one.
"""

from __future__ import annotations

import csv
import json
import secrets
from collections.abc import Iterator
from pathlib import Path

import keyring
import keyring.backend
import keyring.backends.fail
import keyring.errors
import pytest
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font, PatternFill
from typer.testing import CliRunner

from addin.connectors.journal import Journal, Push
from addin.connectors.secrets import SERVICE
from addin.core.push_plan import fingerprint
from addin.sandbox.server import SandboxServer, sandbox_in_thread
from addin.shells.cli import app
from tests.fault_server import FaultServer, Rule, Status
from tests.memory_keyring import MemoryKeyring

TOKEN = secrets.token_hex(16)
runner = CliRunner()

UNKNOWN_KEY = "clé inconnue de la plateforme : ce mode ne met à jour que des fiches existantes"
WRITE_FAILED = "Attention : les résultats n'ont pas pu être écrits"

# Reveal Field: no key column, so each record's key is a fingerprint of its values.
MARIE = {"first_name": "Marie", "last_name": "Tremblay", "phone1": "+1 418-555-0134"}
LUC = {"first_name": "Luc", "last_name": "Roy", "phone1": "+1 581-555-0199"}
ANNE = {"first_name": "Anne", "last_name": "Roy", "phone1": "+1 581-555-0198"}
REVEAL_HEADER = "Prénom;Nom de famille;Téléphone 1\n"


@pytest.fixture(autouse=True)
def environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The token in the environment, the journal under tmp_path, no usable keyring, wide lines."""
    monkeypatch.setenv("CLIENT_IMPORT_TOKEN", TOKEN)
    monkeypatch.setenv("CLIENT_IMPORT_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("COLUMNS", "250")  # rich would wrap the long paths of the summary
    for name in ("CLIENT_IMPORT_EVOLIZ_PUBLIC_KEY", "CLIENT_IMPORT_EVOLIZ_SECRET_KEY"):
        monkeypatch.delenv(name, raising=False)
    previous = keyring.get_keyring()
    keyring.set_keyring(keyring.backends.fail.Keyring())
    yield
    keyring.set_keyring(previous)


@pytest.fixture
def memory_keyring() -> MemoryKeyring:
    backend = MemoryKeyring()
    keyring.set_keyring(backend)  # the autouse fixture puts the previous one back
    return backend


@pytest.fixture
def sandbox(tmp_path: Path) -> Iterator[SandboxServer]:
    with sandbox_in_thread(tmp_path / "sandbox.sqlite", TOKEN) as server:
        yield server


# --- helpers ------------------------------------------------------------------------------------


def run(*args: str, stdin: str | None = None) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args), input=stdin)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise AssertionError(f"traceback instead of a clean exit: {result.exception!r}")
    return result.exit_code, result.stdout, result.stderr


def push(path: Path, profile: str, server: SandboxServer, *more: str) -> tuple[int, str, str]:
    return run("push", str(path), "-p", profile, "--target", server.url, *more)


def write_csv(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def reveal_csv(path: Path, *people: dict[str, str], extra: str = "") -> Path:
    lines = [f"{p['first_name']};{p['last_name']};{p['phone1']}\n" for p in people]
    return write_csv(path, REVEAL_HEADER + "".join(lines) + extra)


def stored(server: SandboxServer, collection: str) -> dict[str, dict[str, object]]:
    """Every record of the collection: key → fields."""
    found: dict[str, dict[str, object]] = {}
    number: int | None = 1
    while number is not None:
        page = server.api.store.page(collection, number)
        found.update({item.key: dict(item.fields) for item in page.items})
        number = page.next_page
    return found


def stored_ids(server: SandboxServer, collection: str) -> dict[str, str]:
    ids: dict[str, str] = {}
    for key in stored(server, collection):
        record = server.api.store.get(collection, key)
        assert record is not None
        ids[key] = record.id
    return ids


def read_side(path: Path, separator: str = ";") -> list[list[str]]:
    """A side file's lines, header included (UTF-8 with a byte order mark)."""
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    with path.open(encoding="utf-8-sig", newline="") as file:
        return list(csv.reader(file, delimiter=separator))


def pushes(tmp_path: Path) -> list[Push]:
    """The journal's pushes, newest first."""
    with Journal.open(tmp_path / "data" / "journal.sqlite3") as journal:
        return journal.history(100)


def history_json() -> list[dict[str, object]]:
    code, out, err = run("history", "--json")
    assert (code, err) == (0, "")
    data = json.loads(out)
    assert isinstance(data, list)
    return data


def one_line_error(err: str) -> str:
    assert err.startswith("Erreur : "), err
    assert err.count("\n") == 1 and err.endswith("\n"), err
    assert "Traceback" not in err
    return err


# --- 1. a CSV pushed ----------------------------------------------------------------------------


def test_a_csv_push_sends_the_rows_writes_their_outcomes_and_is_in_the_history(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    path = reveal_csv(tmp_path / "contacts.csv", MARIE, LUC)

    code, out, err = push(path, "reveal", sandbox)

    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert lines[0] == f"Envoi n° 1 vers {sandbox.url} — créer ou mettre à jour, garder le reste"
    assert lines[1].split() == ["2", "créés"]
    assert lines[-1] == f"Résultat de chaque ligne écrit dans : {tmp_path / 'contacts.envoi.csv'}"
    # the platform holds the two records, under their fingerprints, with the mapped fields
    assert stored(sandbox, "reveal") == {fingerprint(MARIE): MARIE, fingerprint(LUC): LUC}
    ids = stored_ids(sandbox, "reveal")
    # the side file: one line per row, with the platform's id
    assert read_side(tmp_path / "contacts.envoi.csv") == [
        ["Ligne", "Clé", "Statut", "ID plateforme", "Message"],
        ["2", fingerprint(MARIE), "créé", ids[fingerprint(MARIE)], ""],
        ["3", fingerprint(LUC), "créé", ids[fingerprint(LUC)], ""],
    ]
    history = read_side(tmp_path / "contacts.historique.csv")
    assert history[0] == [
        "Date", "Profil", "Cible", "Mode", "Créés", "Mis à jour", "Inchangés", "Refusés",
        "Non envoyés", "Supprimés",
    ]  # fmt: skip
    assert len(history) == 2
    assert history[1][1:] == ["reveal", sandbox.url, "upsert", "2", "0", "0", "0", "0", "0"]
    # the user's file is never rewritten
    assert path.read_text(encoding="utf-8").startswith(REVEAL_HEADER)

    [pushed] = history_json()
    assert pushed["id"] == 1
    assert pushed["file"] == str(path.resolve())
    assert (pushed["profile"], pushed["target"], pushed["mode"], pushed["status"]) == (
        "reveal",
        sandbox.url,
        "upsert",
        "finished",
    )
    assert pushed["counts"] == {
        "total": 2,
        "created": 2,
        "updated": 0,
        "unchanged": 0,
        "error": 0,
        "not_sent": 0,
        "undone": 0,
        "deleted": 0,
    }
    code, out, err = run("history")
    assert (code, err) == (0, "")
    [line] = out.splitlines()
    assert line.startswith("n° 1 ")
    assert "terminé" in line
    assert f"contacts.csv  reveal → {sandbox.url}  créer ou mettre à jour, garder le reste" in line
    assert line.endswith(
        "créés 2, mis à jour 0, inchangés 0, refusés 0, non envoyés 0, supprimés 0, annulés 0"
    )
    code, out, _ = run("history", str(path))
    assert code == 0
    assert out.startswith("n° 1 ")
    code, out, _ = run("history", str(tmp_path / "other.csv"))
    assert (code, out) == (0, "Aucun envoi dans le journal.\n")


def test_a_second_push_of_the_same_file_creates_nothing(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    path = reveal_csv(tmp_path / "contacts.csv", MARIE, LUC)
    assert push(path, "reveal", sandbox)[0] == 0
    ids = stored_ids(sandbox, "reveal")

    code, out, _ = push(path, "reveal", sandbox)

    assert code == 0
    assert out.splitlines()[1].split() == ["2", "inchangés"]
    assert stored_ids(sandbox, "reveal") == ids
    assert [line[2:4] for line in read_side(tmp_path / "contacts.envoi.csv")[1:]] == [
        ["inchangé", ids[fingerprint(MARIE)]],
        ["inchangé", ids[fingerprint(LUC)]],
    ]
    assert len(read_side(tmp_path / "contacts.historique.csv")) == 3  # header + one per push
    assert [p.counts.unchanged for p in pushes(tmp_path)] == [2, 0]


def test_rows_with_errors_stay_home_and_the_exit_status_is_1(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    path = reveal_csv(tmp_path / "contacts.csv", MARIE, extra="Sans;Téléphone;pas un numéro\n")

    code, out, _ = push(path, "reveal", sandbox)

    assert code == 1
    assert "1 créés" in " ".join(out.split())
    assert "1 lignes avec erreurs, non envoyées" in " ".join(out.split())
    assert list(stored(sandbox, "reveal")) == [fingerprint(MARIE)]
    side = read_side(tmp_path / "contacts.envoi.csv")
    assert [line[:3] for line in side[1:]] == [
        ["2", fingerprint(MARIE), "créé"],
        ["3", "", "non envoyé (erreurs à corriger)"],
    ]
    assert side[2][4]  # the reason is given
    [pushed] = pushes(tmp_path)
    assert (pushed.counts.total, pushed.counts.created) == (1, 1)
    # the history line counts the row held back as not sent
    assert read_side(tmp_path / "contacts.historique.csv")[1][4:] == ["1", "0", "0", "0", "1", "0"]


# --- 2. dry run ---------------------------------------------------------------------------------


def test_a_dry_run_shows_the_preview_and_changes_nothing(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    path = reveal_csv(tmp_path / "contacts.csv", MARIE, LUC)

    code, out, err = push(path, "reveal", sandbox, "--dry-run")

    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert lines[0] == "Aperçu — créer ou mettre à jour, garder le reste"
    assert lines[1].split(" : ")[0].split() == ["2", "à", "créer"]
    # Reveal has no key column: the preview names the rows, not their fingerprints
    assert lines[1].split(" : ")[1] == "ligne 2 (Marie Tremblay), ligne 3 (Luc Roy)"
    assert "n'a pas de colonne identifiant" in out  # what an edited row will become
    assert stored(sandbox, "reveal") == {}
    assert sorted(p.name for p in tmp_path.iterdir() if p.is_file() and "contacts" in p.name) == [
        "contacts.csv"
    ]
    assert pushes(tmp_path) == []
    assert run("history") == (0, "Aucun envoi dans le journal.\n", "")


# --- 3. a mode that deletes ---------------------------------------------------------------------

FLOKON_CSV = (
    "Prénom,Nom,Téléphone,SMS/Appel,Adresse,Identifiant du client\n"
    'Julie,Gagnon,418-555-0101,SMS,"12 rue des Érables, Lévis, QC, G6V 4Z2",IMM-101\n'
    'Marc,Côté,581-555-0102,appel,"45 boul. Nord, Québec, QC, G1P 0A0",IMM-102\n'
)


def test_upsert_delete_rest_needs_yes_then_deletes_the_rest_after_a_backup(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    path = write_csv(tmp_path / "flokon.csv", FLOKON_CSV)
    sandbox.api.store.upsert(
        "flokon",
        [
            {"key": "ancien-1", "fields": {"Prénom": "Ancien", "Nom": "Un"}},
            {"key": "ancien-2", "fields": {"Prénom": "Ancien", "Nom": "Deux"}},
        ],
    )
    before = stored_ids(sandbox, "flokon")

    code, out, err = push(path, "flokon", sandbox, "--mode", "upsert_delete_rest")

    assert code == 1
    assert "--yes" in err
    assert out.splitlines()[0] == "Aperçu — créer ou mettre à jour, supprimer le reste"
    shown = {line.split(" : ")[0].strip(): line.split(" : ")[1] for line in out.splitlines()[1:]}
    assert shown["2 à supprimer"] == "ancien-1, ancien-2"
    assert shown["2 à créer"] == (  # Flokon's occupants: by name, address and client
        "ligne 2 (Julie Gagnon · 12 rue des Érables, Lévis, QC, G6V 4Z2 · client IMM-101), "
        "ligne 3 (Marc Côté · 45 boul. Nord, Québec, QC, G1P 0A0 · client IMM-102)"
    )
    assert stored_ids(sandbox, "flokon") == before
    assert pushes(tmp_path) == []
    assert not list(tmp_path.glob("flokon.plateforme-*.json"))
    assert not (tmp_path / "flokon.envoi.csv").exists()

    code, out, err = push(path, "flokon", sandbox, "--mode", "upsert_delete_rest", "--yes")

    assert (code, err) == (0, "")
    words = " ".join(out.split())
    assert "2 créés" in words
    assert "2 supprimés" in words
    records = stored(sandbox, "flokon")
    assert "ancien-1" not in records
    assert "ancien-2" not in records
    assert sorted(str(fields["first_name"]) for fields in records.values()) == ["Julie", "Marc"]
    [backup] = tmp_path.glob("flokon.plateforme-flokon-*.json")
    assert f"Sauvegarde de la plateforme avant suppression : {backup}" in out
    assert json.loads(backup.read_text(encoding="utf-8")) == {
        "target": sandbox.url,
        "records": {
            "ancien-1": {"Prénom": "Ancien", "Nom": "Un", "__id": before["ancien-1"]},
            "ancien-2": {"Prénom": "Ancien", "Nom": "Deux", "__id": before["ancien-2"]},
        },
    }
    [line] = read_side(tmp_path / "flokon.historique.csv", ",")[1:]
    assert line[1:] == ["flokon", sandbox.url, "upsert_delete_rest", "2", "0", "0", "0", "0", "2"]
    [pushed] = pushes(tmp_path)
    assert pushed.counts.deleted == 2  # the journal's history counts them too
    assert (pushed.mode, pushed.status, pushed.counts.created) == (
        "upsert_delete_rest",
        "finished",
        2,
    )


def test_flokon_pushes_upsert_by_default_and_keeps_the_rest(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    path = write_csv(tmp_path / "flokon.csv", FLOKON_CSV)
    sandbox.api.store.upsert("flokon", [{"key": "ancien-1", "fields": {"Nom": "Un"}}])

    code, out, _ = push(path, "flokon", sandbox)

    assert code == 0
    assert out.splitlines()[0] == (
        f"Envoi n° 1 vers {sandbox.url} — créer ou mettre à jour, garder le reste"
    )
    assert len(stored(sandbox, "flokon")) == 3
    assert not list(tmp_path.glob("*.json"))


def test_replace_all_needs_yes_then_leaves_exactly_the_file_on_the_platform(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    path = write_csv(tmp_path / "flokon.csv", FLOKON_CSV)
    sandbox.api.store.upsert("flokon", [{"key": "ancien-1", "fields": {"Nom": "Un"}}])

    code, out, _ = push(path, "flokon", sandbox, "--mode", "replace_all")

    assert code == 1
    assert "1 à supprimer : ancien-1" in " ".join(out.split())
    assert list(stored(sandbox, "flokon")) == ["ancien-1"]

    code, out, _ = push(path, "flokon", sandbox, "--mode", "replace_all", "--yes")

    assert code == 0
    assert "1 supprimés" in " ".join(out.split())
    records = stored(sandbox, "flokon")
    assert sorted(str(fields["first_name"]) for fields in records.values()) == ["Julie", "Marc"]
    [backup] = tmp_path.glob("flokon.plateforme-flokon-*.json")
    assert list(json.loads(backup.read_text(encoding="utf-8"))["records"]) == ["ancien-1"]


# --- 4. update only -----------------------------------------------------------------------------


def test_update_only_refuses_unknown_keys_and_creates_nothing(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    path = write_csv(
        tmp_path / "hokus.csv",
        "distributorId;civilTitle;Lastname;firstname\n"
        "C1;Mme;Martin;Claire\nC2;M.;Petit;Paul\nC3;Mme;Durand;Anne\n",
    )
    sandbox.api.store.upsert("hokus", [{"key": "C1", "fields": {"Lastname": "Ancien"}}])
    c1_id = stored_ids(sandbox, "hokus")["C1"]

    code, out, _ = push(path, "hokus", sandbox)

    assert code == 1
    words = " ".join(out.split())
    assert f"Envoi n° 1 vers {sandbox.url} — mise à jour seulement" in words
    assert "1 mis à jour" in words
    assert "2 refusés par la plateforme" in words
    assert stored(sandbox, "hokus") == {
        "C1": {
            "distributorId": "C1",
            "civilTitle": "Mme",
            "Lastname": "Martin",
            "firstname": "Claire",
        }
    }
    assert read_side(tmp_path / "hokus.envoi.csv")[1:] == [
        ["2", "C1", "mis à jour", c1_id, ""],
        ["3", "C2", "refusé", "", UNKNOWN_KEY],
        ["4", "C3", "refusé", "", UNKNOWN_KEY],
    ]
    [pushed] = pushes(tmp_path)
    assert (pushed.counts.updated, pushed.counts.error, pushed.counts.created) == (1, 2, 0)


def test_update_only_dry_run_lists_the_refused_keys(sandbox: SandboxServer, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "hokus.csv", "distributorId;civilTitle;Lastname\nC9;Mme;Martin\n")

    code, out, _ = push(path, "hokus", sandbox, "--dry-run")

    assert code == 0
    assert "1 clés inconnues (refusées) : C9" in " ".join(out.split())
    assert stored(sandbox, "hokus") == {}


# --- 5. nothing can start: exit 2, one line ----------------------------------------------------


def test_a_mode_the_platform_lacks_is_refused(sandbox: SandboxServer, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "hokus.csv", "distributorId;civilTitle;Lastname\nC1;Mme;Martin\n")

    code, out, err = push(path, "hokus", sandbox, "--mode", "replace_all")

    assert (code, out) == (2, "")
    assert one_line_error(err) == (
        "Erreur : Hokus n'accepte pas le mode « replace_all » : update_only\n"
    )
    assert pushes(tmp_path) == []


def test_a_missing_token_without_keyring_names_login_and_the_variable(
    sandbox: SandboxServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("CLIENT_IMPORT_TOKEN")
    path = reveal_csv(tmp_path / "contacts.csv", MARIE)

    code, out, err = push(path, "reveal", sandbox)

    assert (code, out) == (2, "")
    one_line_error(err)
    assert "client-import login" in err
    assert "CLIENT_IMPORT_TOKEN" in err
    assert "aucun trousseau n'est disponible" in err
    assert stored(sandbox, "reveal") == {}
    assert pushes(tmp_path) == []


def test_a_missing_token_with_an_empty_keyring_says_how_to_log_in(
    sandbox: SandboxServer,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    memory_keyring: MemoryKeyring,
) -> None:
    monkeypatch.delenv("CLIENT_IMPORT_TOKEN")
    path = reveal_csv(tmp_path / "contacts.csv", MARIE)

    code, _, err = push(path, "reveal", sandbox)

    assert code == 2
    one_line_error(err)
    assert f"« client-import login {sandbox.url} »" in err
    assert stored(sandbox, "reveal") == {}


def unreadable(folder: Path, kind: str) -> Path:
    """A file push cannot read, of the ``kind`` asked for."""
    if kind == "missing":
        return folder / "absent.csv"
    if kind == "folder":
        (folder / "folder.csv").mkdir()
        return folder / "folder.csv"
    contents = {
        "empty": ("empty.csv", b""),
        "binary": ("binary.csv", bytes(range(256)) * 8),
        "damaged-xlsx": ("cut.xlsx", b"PK\x03\x04" + b"\0" * 64),
    }
    name, data = contents[kind]
    (folder / name).write_bytes(data)
    return folder / name


@pytest.mark.parametrize(
    ("kind", "expected"),
    [
        ("missing", "est introuvable"),
        ("folder", "est un dossier, pas un fichier"),
        ("empty", "est vide"),
        ("binary", "n'est ni un classeur ni un fichier CSV"),
        ("damaged-xlsx", "« cut.xlsx » est endommagé"),
    ],
)
def test_a_file_that_cannot_be_read_is_refused_before_anything_is_sent(
    sandbox: SandboxServer, tmp_path: Path, kind: str, expected: str
) -> None:
    path = unreadable(tmp_path, kind)

    code, out, err = push(path, "reveal", sandbox)

    assert (code, out) == (2, "")
    assert expected in one_line_error(err)
    assert pushes(tmp_path) == []
    assert stored(sandbox, "reveal") == {}


def test_a_missing_file_is_said_before_a_missing_token(
    sandbox: SandboxServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("CLIENT_IMPORT_TOKEN")

    code, _, err = push(tmp_path / "absent.csv", "reveal", sandbox)

    assert code == 2
    assert "est introuvable" in one_line_error(err)


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (("--lang", "de"), "Erreur : --lang accepte fr ou en, pas « de »\n"),
        (("--mode", "bogus"), "n'accepte pas le mode « bogus »"),
    ],
)
def test_bad_options_are_one_line_errors(
    sandbox: SandboxServer, tmp_path: Path, args: tuple[str, ...], expected: str
) -> None:
    path = reveal_csv(tmp_path / "contacts.csv", MARIE)

    code, _, err = push(path, "reveal", sandbox, *args)

    assert code == 2
    assert expected in one_line_error(err)
    assert pushes(tmp_path) == []


def test_a_profile_without_an_address_asks_for_target(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "hokus.csv", "distributorId;civilTitle;Lastname\nC1;Mme;Martin\n")

    code, _, err = run("push", str(path), "-p", "hokus")

    assert code == 2
    assert (
        one_line_error(err) == "Erreur : Hokus : indiquez l'adresse de la plateforme (--target)\n"
    )


@pytest.mark.parametrize("target", ["http://example.com", "ftp://example.com/api"])
def test_an_address_that_would_send_the_token_in_clear_is_refused(
    tmp_path: Path, target: str
) -> None:
    path = reveal_csv(tmp_path / "contacts.csv", MARIE)

    result = runner.invoke(app, ["push", str(path), "-p", "reveal", "--target", target])

    assert isinstance(result.exception, SystemExit), repr(result.exception)
    assert result.exit_code == 2
    assert "http" in one_line_error(result.stderr)
    assert pushes(tmp_path) == []


@pytest.mark.parametrize("extra", [(), ("--dry-run",)], ids=["update-only", "dry-run"])
def test_a_platform_that_cannot_be_read_before_sending_is_a_clean_error(
    sandbox: SandboxServer,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    extra: tuple[str, ...],
) -> None:
    monkeypatch.setenv("CLIENT_IMPORT_TOKEN", secrets.token_hex(16))  # not the sandbox's
    path = write_csv(tmp_path / "hokus.csv", "distributorId;civilTitle;Lastname\nC1;Mme;Martin\n")

    code, out, err = push(path, "hokus", sandbox, *extra)

    assert (code, out) == (2, "")
    one_line_error(err)
    assert err.startswith("Erreur : la plateforme n'a pas pu être lue avant l'envoi : ")
    assert "(401)" in err
    assert err.endswith("rien n'a été envoyé\n")
    assert pushes(tmp_path) == []
    assert not (tmp_path / "hokus.envoi.csv").exists()


def test_a_refused_token_while_sending_stops_the_push_cleanly(
    sandbox: SandboxServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CLIENT_IMPORT_TOKEN", secrets.token_hex(16))
    path = reveal_csv(tmp_path / "contacts.csv", MARIE, LUC)

    code, out, err = push(path, "reveal", sandbox)

    assert code == 1
    assert "2 non envoyés" in " ".join(out.split())
    assert err.startswith("Attention : envoi arrêté : ")
    assert "401" in err
    assert "« client-import login -p reveal », puis relancez la même commande" in err
    assert stored(sandbox, "reveal") == {}
    [pushed] = pushes(tmp_path)
    assert (pushed.status, pushed.counts.not_sent) == ("interrupted", 2)
    assert [line[2] for line in read_side(tmp_path / "contacts.envoi.csv")[1:]] == [
        "non envoyé",
        "non envoyé",
    ]
    # with the right token, the same command finishes the push
    monkeypatch.setenv("CLIENT_IMPORT_TOKEN", TOKEN)
    code, out, _ = push(path, "reveal", sandbox)
    assert code == 0
    assert "(reprise d'un envoi interrompu)" in out
    assert len(stored(sandbox, "reveal")) == 2
    [pushed] = pushes(tmp_path)
    assert (pushed.status, pushed.counts.created) == ("finished", 2)


# --- 6. workbooks -------------------------------------------------------------------------------


def user_workbook(path: Path) -> Path:
    """The user's workbook: styled header, a formula column, a width, a second sheet."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Contacts"
    sheet.append(["Prénom", "Nom de famille", "Téléphone 1", "Longueur"])
    for n, person in enumerate((MARIE, LUC), start=2):
        sheet.append([person["first_name"], person["last_name"], person["phone1"], f"=LEN(A{n})"])
    sheet["A1"].font = Font(bold=True)
    sheet["A1"].fill = PatternFill("solid", fgColor="FFFF00")
    sheet.column_dimensions["B"].width = 30
    book.create_sheet("Notes")["A1"] = "à rappeler"
    book.save(path)
    book.close()
    return path


def sheet_values(path: Path) -> dict[str, list[tuple[object, ...]]]:
    book = load_workbook(path)
    try:
        return {ws.title: list(ws.iter_rows(values_only=True)) for ws in book.worksheets}
    finally:
        book.close()


def test_an_xlsx_push_writes_two_columns_and_the_history_in_place_after_a_backup(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    path = user_workbook(tmp_path / "clients.xlsx")
    original = path.read_bytes()

    code, out, err = push(path, "reveal", sandbox)

    assert (code, err) == (0, "")
    assert f"Résultat de chaque ligne écrit dans : {path}" in out
    ids = stored_ids(sandbox, "reveal")
    assert set(ids) == {fingerprint(MARIE), fingerprint(LUC)}
    [backup] = tmp_path.glob("clients.sauvegarde-*.xlsx")
    assert backup.read_bytes() == original
    values = sheet_values(path)
    assert list(values) == ["Contacts", "Notes", "CI_Historique"]
    assert values["Contacts"] == [
        ("Prénom", "Nom de famille", "Téléphone 1", "Longueur",
         "Statut envoi (client-import)", "ID plateforme (client-import)"),
        ("Marie", "Tremblay", "+1 418-555-0134", "=LEN(A2)", "créé", ids[fingerprint(MARIE)]),
        ("Luc", "Roy", "+1 581-555-0199", "=LEN(A3)", "créé", ids[fingerprint(LUC)]),
    ]  # fmt: skip
    assert values["Notes"] == [("à rappeler",)]
    [header, line] = values["CI_Historique"]
    assert header[:4] == ("Date", "Profil", "Cible", "Mode")
    assert line[1:] == ("reveal", sandbox.url, "upsert", 2, 0, 0, 0, 0, 0)
    book = load_workbook(path)
    try:
        sheet = book["Contacts"]
        assert sheet["A1"].font.b is True
        assert sheet["A1"].fill.fgColor.rgb == "00FFFF00"
        assert sheet.column_dimensions["B"].width == 30
    finally:
        book.close()
    # a second push finds its columns again and adds a history line
    code, _, _ = push(path, "reveal", sandbox)
    assert code == 0
    again = sheet_values(path)
    assert [row[4] for row in again["Contacts"][1:]] == ["inchangé", "inchangé"]
    assert len(again["Contacts"][0]) == 6
    assert len(again["CI_Historique"]) == 3
    assert len(list(tmp_path.glob("clients.sauvegarde-*.xlsx"))) == 2


def test_an_xlsx_push_with_output_leaves_the_original_untouched(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    path = user_workbook(tmp_path / "clients.xlsx")
    original = path.read_bytes()
    copy = tmp_path / "out" / "copie.xlsx"
    copy.parent.mkdir()

    code, out, _ = push(path, "reveal", sandbox, "-o", str(copy))

    assert code == 0
    assert f"Résultat de chaque ligne écrit dans : {copy}" in out
    assert path.read_bytes() == original
    assert not list(tmp_path.glob("*.sauvegarde-*"))
    values = sheet_values(copy)
    assert [row[4:] for row in values["Contacts"]] == [
        ("Statut envoi (client-import)", "ID plateforme (client-import)"),
        ("créé", stored_ids(sandbox, "reveal")[fingerprint(MARIE)]),
        ("créé", stored_ids(sandbox, "reveal")[fingerprint(LUC)]),
    ]
    assert [row[:4] for row in values["Contacts"]] == [
        row[:4] for row in sheet_values(path)["Contacts"]
    ]
    [pushed] = pushes(tmp_path)
    assert pushed.file == str(path.resolve())


# --- 7. the write-back fails --------------------------------------------------------------------


def test_a_write_back_failure_keeps_the_push_and_a_rerun_writes_without_duplicates(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    path = reveal_csv(tmp_path / "contacts.csv", MARIE, LUC)
    blocker = tmp_path / "contacts.envoi.csv"
    blocker.mkdir()  # blocks the side file, even for root

    code, out, err = push(path, "reveal", sandbox)

    assert code == 1
    assert "2 créés" in " ".join(out.split())
    assert "Résultat de chaque ligne écrit dans" not in out
    assert err.startswith(f"{WRITE_FAILED} dans « contacts.csv » (« {blocker} » est un dossier")
    assert "relancez l'envoi (rien ne sera créé deux fois)" in err
    assert err.count("\n") == 1
    ids = stored_ids(sandbox, "reveal")
    assert len(ids) == 2
    [pushed] = pushes(tmp_path)
    assert (pushed.status, pushed.counts.created) == ("finished", 2)
    assert not (tmp_path / "contacts.historique.csv").exists()

    blocker.rmdir()
    code, _, err = push(path, "reveal", sandbox)

    assert (code, err) == (0, "")
    assert stored_ids(sandbox, "reveal") == ids
    assert read_side(blocker)[1:] == [
        ["2", fingerprint(MARIE), "inchangé", ids[fingerprint(MARIE)], ""],
        ["3", fingerprint(LUC), "inchangé", ids[fingerprint(LUC)], ""],
    ]
    assert [p.counts.created for p in pushes(tmp_path)] == [0, 2]


def test_a_write_back_failure_in_a_workbook_leaves_it_as_it_was(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    path = user_workbook(tmp_path / "clients.xlsx")
    original = path.read_bytes()
    copy = tmp_path / "copie.xlsx"
    copy.mkdir()  # -o names a folder

    code, _, err = push(path, "reveal", sandbox, "-o", str(copy))

    assert code == 1
    assert err.startswith(f"{WRITE_FAILED} dans « clients.xlsx »")
    assert path.read_bytes() == original
    assert copy.is_dir() and not any(copy.iterdir())
    assert pushes(tmp_path)[0].counts.created == 2


# --- 8. undo ------------------------------------------------------------------------------------


def test_undo_deletes_only_what_the_push_created(sandbox: SandboxServer, tmp_path: Path) -> None:
    # Marie is on the platform already, with another phone number: the push updates her
    # (merged), it creates Luc and Anne
    sandbox.api.store.upsert(
        "reveal",
        [{"key": fingerprint(MARIE), "fields": {**MARIE, "phone1": "0", "company": "Garage"}}],
    )
    path = reveal_csv(tmp_path / "contacts.csv", MARIE, LUC, ANNE)
    code, out, _ = push(path, "reveal", sandbox)
    assert code == 0
    assert "1 mis à jour" in " ".join(out.split())
    ids = stored_ids(sandbox, "reveal")
    assert len(ids) == 3

    code, out, err = run("undo-push", "1")

    assert code == 1
    assert out.splitlines() == [
        f"  ligne 3 : {fingerprint(LUC)} (id {ids[fingerprint(LUC)]})",
        f"  ligne 4 : {fingerprint(ANNE)} (id {ids[fingerprint(ANNE)]})",
    ]
    assert "supprime 2 enregistrement(s)" in err
    assert "--yes" in err
    assert len(stored(sandbox, "reveal")) == 3

    code, out, err = run("undo-push", "1", "--yes")

    assert (code, err) == (0, "")
    assert out == "Envoi n° 1 : 2 supprimé(s)\n"
    assert stored(sandbox, "reveal") == {fingerprint(MARIE): {**MARIE, "company": "Garage"}}
    assert stored_ids(sandbox, "reveal") == {fingerprint(MARIE): ids[fingerprint(MARIE)]}
    [pushed] = pushes(tmp_path)
    assert (pushed.counts.created, pushed.counts.updated, pushed.counts.undone) == (2, 1, 2)
    code, out, _ = run("history")
    assert out.rstrip().endswith("annulés 2")
    assert history_json()[0]["counts"]["undone"] == 2  # type: ignore[index]

    # a second undo, with or without --yes, deletes nothing
    assert run("undo-push", "1") == (0, "Envoi n° 1 : 0 supprimé(s)\n", "")
    assert run("undo-push", "1", "--yes", "--include-unsure") == (
        0,
        "Envoi n° 1 : 0 supprimé(s)\n",
        "",
    )
    assert len(stored(sandbox, "reveal")) == 1
    assert pushes(tmp_path)[0].counts.undone == 2


def test_undo_of_records_already_gone_says_so(sandbox: SandboxServer, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "flokon.csv", FLOKON_CSV)
    assert push(path, "flokon", sandbox)[0] == 0
    keys = list(stored(sandbox, "flokon"))
    assert len(keys) == 2
    sandbox.api.store.delete("flokon", keys[0])  # deleted by hand on the platform

    code, out, _ = run("undo-push", "1", "--yes")

    assert code == 0
    assert out.splitlines() == ["Envoi n° 1 : 1 supprimé(s)", "1 déjà absent(s) de la plateforme"]
    assert stored(sandbox, "flokon") == {}
    assert pushes(tmp_path)[0].counts.undone == 2


def test_undo_of_an_unknown_push_names_the_history_command() -> None:
    code, out, err = run("undo-push", "42", "--yes")

    assert (code, out) == (2, "")
    assert one_line_error(err) == (
        "Erreur : aucun envoi n° 42 dans le journal : `client-import history` les liste\n"
    )


# --- 9. English ---------------------------------------------------------------------------------


def test_lang_en_writes_english_labels(sandbox: SandboxServer, tmp_path: Path) -> None:
    path = reveal_csv(tmp_path / "contacts.csv", MARIE, extra="Sans;Téléphone;pas un numéro\n")
    sandbox.api.store.upsert("reveal", [{"key": fingerprint(LUC), "fields": LUC}])

    code, out, _ = push(path, "reveal", sandbox, "--lang", "en")

    assert code == 1
    words = " ".join(out.split())
    assert "1 created" in words
    assert "1 rows with errors, not sent" in words
    side = read_side(tmp_path / "contacts.envoi.csv")
    assert side[0] == ["Row", "Key", "Status", "Platform ID", "Message"]
    assert [line[2] for line in side[1:]] == ["created", "not sent (errors to fix)"]
    history = read_side(tmp_path / "contacts.historique.csv")
    assert history[0][4:] == ["Created", "Updated", "Unchanged", "Rejected", "Not sent", "Deleted"]


def test_lang_en_in_a_workbook_names_the_columns_and_sheet_in_english(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    path = user_workbook(tmp_path / "clients.xlsx")

    assert push(path, "reveal", sandbox, "--lang", "en")[0] == 0

    values = sheet_values(path)
    assert list(values) == ["Contacts", "Notes", "CI_History"]
    assert values["Contacts"][0][4:] == (
        "Push status (client-import)",
        "Platform ID (client-import)",
    )
    assert [row[4] for row in values["Contacts"][1:]] == ["created", "created"]


def test_update_only_refusals_are_in_english_too(sandbox: SandboxServer, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "hokus.csv", "distributorId;civilTitle;Lastname\nC9;Mme;Martin\n")

    assert push(path, "hokus", sandbox, "--lang", "en")[0] == 1

    assert read_side(tmp_path / "hokus.envoi.csv")[1] == [
        "2",
        "C9",
        "rejected",
        "",
        "key unknown to the platform: this mode only updates existing records",
    ]


# --- login / logout -----------------------------------------------------------------------------


def test_login_without_a_keyring_says_to_use_the_environment_variable() -> None:
    code, out, err = run("login", "https://api.example.com/v1", stdin="s3cr3t-token\n")

    assert code == 2
    assert "s3cr3t-token" not in out + err  # hidden input, never echoed
    assert "Le jeton d'accès" not in out  # said before anything is typed
    one_line_error(err)
    assert "aucun trousseau n'est disponible" in err.lower()
    assert "CLIENT_IMPORT_TOKEN" in err
    code, _, err = run("logout", "https://api.example.com/v1")
    assert code == 2
    assert "CLIENT_IMPORT_TOKEN" in one_line_error(err)


def test_login_stores_the_token_that_push_then_uses_and_logout_removes_it(
    sandbox: SandboxServer,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    memory_keyring: MemoryKeyring,
) -> None:
    monkeypatch.delenv("CLIENT_IMPORT_TOKEN")
    code, out, err = run("login", sandbox.url + "/", stdin=TOKEN + "\n")
    assert (code, err) == (0, "")
    assert TOKEN not in out
    assert out.rstrip().endswith(f"Enregistré dans le trousseau pour {sandbox.url}/.")
    assert memory_keyring.passwords == {(SERVICE, f"token@{sandbox.url}"): TOKEN}

    path = reveal_csv(tmp_path / "contacts.csv", MARIE)
    assert push(path, "reveal", sandbox)[0] == 0
    assert list(stored(sandbox, "reveal")) == [fingerprint(MARIE)]

    assert run("logout", sandbox.url) == (0, "Retiré du trousseau.\n", "")
    assert memory_keyring.passwords == {}
    assert run("logout", sandbox.url) == (0, "Le trousseau n'avait rien pour elle.\n", "")
    code, _, err = push(path, "reveal", sandbox)
    assert code == 2
    assert "client-import login" in one_line_error(err)


def test_login_evoliz_stores_both_keys(memory_keyring: MemoryKeyring) -> None:
    target = "https://www.evoliz.example/api/v1"

    code, _, err = run("login", target, "--evoliz", stdin="public-key\nsecret-key\n")

    assert (code, err) == (0, "")
    assert memory_keyring.passwords == {
        (SERVICE, f"evoliz-public-key@{target}"): "public-key",
        (SERVICE, f"evoliz-secret-key@{target}"): "secret-key",
    }
    assert run("logout", target, "--evoliz")[0] == 0
    assert memory_keyring.passwords == {}


def test_login_refuses_a_blank_token(memory_keyring: MemoryKeyring) -> None:
    code, _, err = run("login", "https://api.example.com", stdin="   \n")

    assert code == 2
    assert "vide" in one_line_error(err)
    assert memory_keyring.passwords == {}


def test_login_evoliz_prompts_keep_the_platform_name(memory_keyring: MemoryKeyring) -> None:
    _, out, _ = run("login", "https://www.evoliz.example", "--evoliz", stdin="p\ns\n")

    assert "La clé publique Evoliz" in out
    assert "La clé secrète Evoliz" in out


# --- a file whose content does not match its name --------------------------------------------


def test_a_csv_named_xlsx_is_either_refused_or_written_back(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    path = tmp_path / "export.xlsx"
    path.write_text(REVEAL_HEADER + "Marie;Tremblay;+1 418-555-0134\n", encoding="utf-8")

    first = push(path, "reveal", sandbox)
    code, _, err = push(path, "reveal", sandbox)  # what the message asks the user to do

    assert WRITE_FAILED not in first[2] + err
    if code == 2:  # refused before anything is sent
        assert stored(sandbox, "reveal") == {}
    else:  # sent, and the outcomes written beside it
        assert code == 0
        assert (tmp_path / "export.envoi.csv").exists()


@pytest.mark.parametrize(
    ("extra", "said"),
    [("", "aucune ligne sans erreur"), ("Sans;Téléphone;pas un numéro\n", "1 ligne(s) à corriger")],
    ids=["headers-only", "every-row-with-errors"],
)
def test_a_file_without_a_row_to_send_starts_nothing(
    sandbox: SandboxServer, tmp_path: Path, extra: str, said: str
) -> None:
    """Nothing to send is said as an error, before any request (a "replace everything" with no
    row would only delete)."""
    path = reveal_csv(tmp_path / "contacts.csv", extra=extra)

    code, _, err = push(path, "reveal", sandbox)

    assert code == 2
    assert said in one_line_error(err)
    assert pushes(tmp_path) == []
    assert not (tmp_path / "contacts.envoi.csv").exists()


def test_a_wait_the_platform_asks_for_is_said_before_the_retry(tmp_path: Path) -> None:
    """A 429 with Retry-After: the pause is announced on stderr (a long wait must not look
    like a hang), then the row is sent once."""
    path = reveal_csv(tmp_path / "contacts.csv", MARIE)
    with FaultServer(tmp_path / "platform.sqlite", TOKEN) as platform:
        platform.script(Rule(Status(429, retry_after="1"), method="POST"))
        code, _, err = push(path, "reveal", platform)
        held = stored(platform, "reveal")
    assert code == 0
    assert "nouvel essai (n° 2) dans 1 s" in err
    assert len(held) == 1


def test_deletions_that_fail_make_the_push_end_in_error(tmp_path: Path) -> None:
    """The rows went, the deletions did not: exit 1 with the reason, and the next run (a new
    push of the same file) deletes what is left."""
    path = write_csv(tmp_path / "flokon.csv", FLOKON_CSV)
    with FaultServer(tmp_path / "platform.sqlite", TOKEN) as platform:
        platform.store.upsert("flokon", [{"key": "ancien-1", "fields": {"Prénom": "Ancien"}}])
        platform.script(Rule(Status(400), method="DELETE", times=None))
        code, _, err = push(path, "flokon", platform, "--mode", "upsert_delete_rest", "--yes")
        assert code == 1
        assert "Attention : envoi arrêté" in err
        assert "ancien-1" in stored(platform, "flokon")
        platform.script()
        code, _, _ = push(path, "flokon", platform, "--mode", "upsert_delete_rest", "--yes")
        assert code == 0
        assert "ancien-1" not in stored(platform, "flokon")


def test_an_output_the_outcomes_cannot_go_to_is_refused_before_sending(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    path = user_workbook(tmp_path / "contacts.xlsx")
    original = path.read_bytes()

    code, _, err = push(path, "reveal", sandbox, "-o", str(tmp_path / "copie.csv"))
    assert code == 2
    assert "garder le format" in one_line_error(err)
    code, _, err = push(path, "reveal", sandbox, "-o", str(tmp_path / "absent" / "copie.xlsx"))
    assert code == 2
    assert "n'existe pas" in one_line_error(err)
    assert stored(sandbox, "reveal") == {}
    assert pushes(tmp_path) == []
    assert path.read_bytes() == original
    assert path.read_bytes() == original


def test_lang_en_gives_the_preview_and_the_summary_in_english(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    path = reveal_csv(tmp_path / "contacts.csv", MARIE)

    code, out, _ = push(path, "reveal", sandbox, "--dry-run", "--lang", "en")
    assert code == 0
    assert out.startswith("Preview — create or update, keep the rest\n")
    assert "has no identifier column" in out
    code, out, _ = push(path, "reveal", sandbox, "--lang", "en")
    assert code == 0
    assert out.startswith(f"Push no. 1 to {sandbox.url} — create or update, keep the rest\n")
    assert "Each row's outcome written into:" in out
    assert "Aperçu" not in out and "Envoi" not in out


def test_a_failed_push_keeps_the_platform_ids_an_earlier_push_wrote(
    sandbox: SandboxServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A push refused for a wrong token says « non envoyé » but never erases the ID a previous
    push wrote: that ID is how the user finds the record on the platform."""
    book = user_workbook(tmp_path / "clients.xlsx")
    text = reveal_csv(tmp_path / "contacts.csv", MARIE, LUC)
    for path in (book, text):
        assert push(path, "reveal", sandbox)[0] == 0
    ids = stored_ids(sandbox, "reveal")
    monkeypatch.setenv("CLIENT_IMPORT_TOKEN", secrets.token_hex(16))
    for path in (book, text):
        code, out, _ = push(path, "reveal", sandbox)
        assert code == 1
        assert "2 non envoyés" in " ".join(out.split())

    side = read_side(tmp_path / "contacts.envoi.csv")[1:]
    assert [line[3] for line in side] == [ids[fingerprint(MARIE)], ids[fingerprint(LUC)]]
    rows = sheet_values(book)["Contacts"][1:]
    assert [row[5] for row in rows] == [ids[fingerprint(MARIE)], ids[fingerprint(LUC)]]
