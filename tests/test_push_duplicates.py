"""Duplicates against the platform before a push (issue 19, item 2).

A row the push would *create* although the platform already holds the customer under another
key (another client code; other values for a platform without a key column) is held back: shown
in the preview, written to the status column as « retenu (doublon probable) » with the record it
repeats, and created only with ``--allow-duplicates`` (in Excel: a yes to the second question).
Crafted rows against records seeded in a real local server: the fake Evoliz through the use
case, the sandbox through the command line. Same e-mail in another case, a phone written three
ways, « Dupont SARL » against « DUPONT S.A.R.L. » in the same postal code are held; the same key
(an update, or unchanged) and a namesake at another address are not.
"""

from __future__ import annotations

import csv
import json
import secrets
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from addin.connectors.evoliz import EvolizConnector
from addin.connectors.journal import Journal
from addin.connectors.retry import RetryPolicy
from addin.core.catalogue import Lang
from addin.core.profiles import get_profile
from addin.core.push_plan import OutgoingRow
from addin.core.remote_duplicates import RemoteMatch, remote_duplicates
from addin.sandbox.server import SandboxServer, sandbox_in_thread
from addin.shells.cli import app
from addin.usecases.pushing import PushRequest, PushResult, push_file
from tests.fake_evoliz import FakeClock, FakeEvolizServer, Fault, fake_evoliz
from tests.test_push_english import TOKEN, environment  # noqa: F401 (the token, a data folder)

PUBLIC = f"public-{secrets.token_hex(8)}"
SECRET = f"secret-{secrets.token_hex(12)}"
CLIENTS = get_profile("evoliz-clients")
APTIMYZ = get_profile("aptimyz")
NO_WAIT = RetryPolicy(max_attempts=2, base_delay=0, max_delay=0)

HEADERS = ("Code client", "Raison sociale", "Type", "Adresse", "Code postal", "Ville", "Pays")
HEADERS += ("Téléphone", "Email")


def seeded(server: FakeEvolizServer) -> None:
    """What Evoliz holds already: four clients, as Evoliz lists them (a nested address; no
    e-mail: Evoliz's client has none, the e-mail case is the sandbox's below)."""
    for code, name, addr, postcode, town, phone in (
        ("C0042", "Martin Conseil", "3 rue Crébillon", "44000", "Nantes", "02 40 00 00 42"),
        ("C0043", "Garage Roy", "8 quai de la Fosse", "44000", "Nantes", "06 12 34 56 78"),
        ("C0044", "Dupont SARL", "12 avenue Foch", "69006", "Lyon", ""),
        ("C0045", "Bernard", "1 rue de la Paix", "75002", "Paris", ""),
    ):
        server.api.add_client(
            code,
            name,
            type="Professionnel",
            address={"addr": addr, "postcode": postcode, "town": town, "iso2": "FR"},
            **({"phone": phone} if phone else {}),
        )


ROWS = [
    # the phone of C0043 written three ways: held, each
    ("C1002", "Roy Mécanique", "Nantes", "", "+33 6 12 34 56 78"),
    ("C1003", "Roy Autos", "Nantes", "", "0033612345678"),
    ("C1004", "Roy Pièces", "Nantes", "", "06.12.34.56.78"),
    # « Dupont SARL » at Lyon 69006, typed another way, no address given: held
    ("C1005", "DUPONT S.A.R.L.", "Lyon", "", ""),
    # C0042 itself, same phone: the same key, so not a duplicate (left unchanged)
    ("C0042", "Martin Conseil", "Nantes", "", "02 40 00 00 42"),
    # a namesake of C0045 (Bernard, Paris 75002) at another address: another customer
    ("C1006", "Bernard", "Paris", "", ""),
    # nobody on the platform: created
    ("C1007", "Nouveau Client", "Nantes", "", ""),
]
PLACES = {
    "Nantes": ("5 rue Kervégan", "44000"),
    "Lyon": ("", "69006"),
    "Paris": ("40 rue Oberkampf", "75002"),
}


def clients_csv(path: Path, rows: list[tuple[str, str, str, str, str]] = ROWS) -> Path:
    lines = [";".join(HEADERS)]
    for code, name, town, email, phone in rows:
        address, postcode = PLACES[town]
        lines.append(
            ";".join((code, name, "Professionnel", address, postcode, town, "FR", phone, email))
        )
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def side_file(path: Path) -> dict[str, tuple[str, str]]:
    """Code client → (status, message) of ``NAME.envoi.csv`` (rows are in the file's order)."""
    with path.open(encoding="utf-8-sig", newline="") as handle:
        lines = list(csv.reader(handle, delimiter=";"))[1:]
    with path.with_name(path.name.replace(".envoi", "")).open(encoding="utf-8") as handle:
        codes = [line[0] for line in csv.reader(handle, delimiter=";")]
    return {codes[int(line[0]) - 1]: (line[2], line[4]) for line in lines}


@pytest.fixture
def evoliz() -> Iterator[FakeEvolizServer]:
    with fake_evoliz(PUBLIC, SECRET) as server:
        seeded(server)
        yield server


def push(
    server: FakeEvolizServer,
    path: Path,
    journal: Journal,
    *,
    allow: bool = False,
    dry_run: bool = False,
    lang: Lang = "fr",
    progress: Callable[[int, int], None] | None = None,
) -> PushResult:
    with EvolizConnector(CLIENTS.api, server.url, PUBLIC, SECRET, clock=FakeClock()) as connector:
        request = PushRequest(
            path,
            CLIENTS,
            server.url,
            "create_only",
            allow_duplicates=allow,
            dry_run=dry_run,
            lang=lang,
        )
        return push_file(request, connector, journal, policy=NO_WAIT, progress=progress)


def codes(server: FakeEvolizServer) -> list[str]:
    found = [str(c["code"]) for c in server.api.clients.values()]
    assert len(found) == len(set(found)), f"a client twice in Evoliz: {sorted(found)}"
    return sorted(found)


# --- Evoliz, through the use case ----------------------------------------------------------------


def test_rows_evoliz_holds_under_another_code_are_held_back_with_the_record_and_the_reason(
    evoliz: FakeEvolizServer, tmp_path: Path
) -> None:
    path = clients_csv(tmp_path / "clients.csv")
    with Journal.open(tmp_path / "j.sqlite3") as journal:
        ahead = push(evoliz, path, journal, dry_run=True)
        assert ahead.duplicates == {
            2: "même téléphone que le client « C0043 » sur Evoliz",
            3: "même téléphone que le client « C0043 » sur Evoliz",
            4: "même téléphone que le client « C0043 » sur Evoliz",
            5: "même nom et même code postal que le client « C0044 » sur Evoliz",
        }
        assert ahead.preview is not None
        assert (ahead.preview.create, ahead.preview.unchanged) == (["C1006", "C1007"], ["C0042"])
        assert codes(evoliz) == ["C0042", "C0043", "C0044", "C0045"]  # a dry run sends nothing

        result = push(evoliz, path, journal)
    assert result.duplicates == ahead.duplicates
    assert codes(evoliz) == ["C0042", "C0043", "C0044", "C0045", "C1006", "C1007"]
    outcomes = side_file(tmp_path / "clients.envoi.csv")
    assert outcomes["C1002"] == (
        "retenu (doublon probable)",
        "même téléphone que le client « C0043 » sur Evoliz",
    )
    assert outcomes["C1005"][0] == "retenu (doublon probable)"
    assert outcomes["C0042"][0] == "inchangé"
    assert outcomes["C1006"][0] == outcomes["C1007"][0] == "créé"
    with (tmp_path / "clients.historique.csv").open(encoding="utf-8-sig") as handle:
        [line] = list(csv.DictReader(handle, delimiter=";"))
    assert (line["Créés"], line["Inchangés"], line["Non envoyés"]) == ("2", "1", "4")


def test_allow_duplicates_creates_them_and_english_says_why_they_were_held(
    evoliz: FakeEvolizServer, tmp_path: Path
) -> None:
    path = clients_csv(tmp_path / "clients.csv")
    with Journal.open(tmp_path / "j.sqlite3") as journal:
        held = push(evoliz, path, journal, lang="en")
        assert held.duplicates[2] == "same phone number as customer “C0043” on Evoliz"
        assert side_file(tmp_path / "clients.envoi.csv")["C1005"] == (
            "held back (likely duplicate)",
            "same name and postal code as customer “C0044” on Evoliz",
        )
        allowed = push(evoliz, path, journal, allow=True)
    assert allowed.duplicates == {}
    assert codes(evoliz) == sorted(
        ["C0042", "C0043", "C0044", "C0045", *(f"C100{n}" for n in range(2, 8))]
    )
    assert {status for status, _ in side_file(tmp_path / "clients.envoi.csv").values()} == {
        "créé",
        "inchangé",
    }


def test_a_second_run_after_a_failure_creates_nothing_twice_and_holds_no_row_of_its_own(
    evoliz: FakeEvolizServer, tmp_path: Path
) -> None:
    """The first run stops after two creations (Evoliz answers 503 to every next creation);
    the second finds those two under their own codes (not duplicates of the rows that made
    them) and creates the three others, once."""
    rows = [(f"C20{n}", f"Société {n}", "Nantes", f"s{n}@exemple.fr", "") for n in range(5)]
    path = clients_csv(tmp_path / "clients.csv", rows)

    def fail_after_two(done: int, total: int) -> None:
        if done == 2:
            evoliz.api.inject(Fault(status=503, method="POST", path="clients$", times=99))

    with Journal.open(tmp_path / "j.sqlite3") as journal:
        first = push(evoliz, path, journal, progress=fail_after_two)
        assert first.stopped is not None and first.duplicates == {}
        assert codes(evoliz) == ["C0042", "C0043", "C0044", "C0045", "C200", "C201"]
        evoliz.api.faults.clear()
        second = push(evoliz, path, journal)
    assert second.duplicates == {}
    assert codes(evoliz) == ["C0042", "C0043", "C0044", "C0045", *(f"C20{n}" for n in range(5))]
    statuses = {k: s for k, (s, _) in side_file(tmp_path / "clients.envoi.csv").items()}
    assert statuses == {f"C20{n}": "créé" for n in range(5)}  # the same push, resumed
    assert second.push is not None and second.push.resumed


# --- the pure matching, at the size of a platform ------------------------------------------------


def test_matching_is_by_key_blocks_over_a_hundred_thousand_records() -> None:
    """100,000 platform records, 1,000 rows: each row finds its own match, or none."""
    remote = {
        f"C{n:06d}": {
            "last_name": f"Client {n}",
            "email": f"client{n}@exemple.fr",
            "phone": f"06 {n // 10000 % 100:02d} {n // 100 % 100:02d} {n % 100:02d} 11",
            "address1": f"{n} rue Longue",
            "postcode": "44000",
        }
        for n in range(100_000)
    }
    rows = [
        OutgoingRow(
            n + 2,
            f"N{n}",
            {
                "last_name": f"Autre {n}",
                "email": f"CLIENT{n * 97}@EXEMPLE.FR" if n % 2 else f"nouveau{n}@exemple.fr",
                "postcode": "44000",
            },
        )
        for n in range(1000)
    ]
    found = remote_duplicates(rows, remote, APTIMYZ)
    assert found == [
        RemoteMatch(n + 2, f"N{n}", f"C{n * 97:06d}", "email") for n in range(1, 1000, 2)
    ]


def test_a_platform_without_any_customer_part_in_common_holds_nothing() -> None:
    rows = [OutgoingRow(2, "A", {"name": "Dupont", "address.postcode": "44000"})]
    other_town = {"B": {"name": "DUPONT", "address": {"postcode": "69006"}}}
    assert remote_duplicates(rows, other_town, CLIENTS) == []
    same_town = {"B": {"name": "DUPONT", "address": {"postcode": "44000"}}}
    assert remote_duplicates(rows, same_town, CLIENTS) == [
        RemoteMatch(2, "A", "B", "name-postcode")
    ]


# --- the sandbox, through the command line ------------------------------------------------------


@pytest.fixture
def sandbox(tmp_path: Path) -> Iterator[SandboxServer]:
    with sandbox_in_thread(tmp_path / "sandbox.sqlite", TOKEN) as server:
        yield server


APTIMYZ_HEADER = "Email,First Name,Last Name,Phone,Address 1,City,Postcode/Zip,Country\n"
ANNE = "anne.roy@example.ca,Anne,Roy,+1 418 692 2121,12 Main St,Quebec,G1P 0A0,CAN\n"


def test_the_command_line_shows_them_in_the_preview_and_json_and_sends_them_when_allowed(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    fields = {
        "email": "marie@example.ca",
        "first_name": "Marie",
        "last_name": "Tremblay",
        "phone": "+1 581 555 0199",
    }
    sandbox.api.store.upsert("aptimyz", [{"key": "crm-77", "fields": fields}])
    path = tmp_path / "aptimyz.csv"
    path.write_text(
        APTIMYZ_HEADER + ANNE + "MARIE@example.ca,Marie,Tremblay-Roy,(581) 555-0199,,Quebec,,CAN\n",
        encoding="utf-8",
    )
    target = ["push", str(path), "-p", "aptimyz", "--target", sandbox.url]
    runner = CliRunner()

    shown = runner.invoke(app, [*target, "--dry-run"])
    assert shown.exit_code == 0, shown.stderr
    said = " ".join(shown.stdout.split())
    assert "1 à créer" in said
    assert "1 doublons probables retenus (déjà sur la plateforme sous une autre clé" in said
    assert "ligne 3 : même e-mail que le client « crm-77 » sur Aptimyz" in said

    as_json = runner.invoke(app, [*target, "--dry-run", "--json", "--lang", "en"])
    data = json.loads(as_json.stdout)
    assert data["duplicates"] == [
        {"row": 3, "reason": "same e-mail as customer “crm-77” on Aptimyz"}
    ]
    assert len(data["preview"]["create"]) == 1

    held = runner.invoke(app, target)
    assert held.exit_code == 1  # a row held back
    assert len(sandbox.api.store.page("aptimyz", 1).items) == 2
    sent = runner.invoke(app, [*target, "--allow-duplicates"])
    assert sent.exit_code == 0, sent.stderr
    assert len(sandbox.api.store.page("aptimyz", 1).items) == 3


def test_a_record_the_mode_deletes_is_repeated_by_no_row(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    """« Create or update, delete the rest » deletes crm-77: the row with its e-mail replaces
    it, it is not held back as its duplicate."""
    fields = {"email": "anne.roy@example.ca", "first_name": "Anne", "last_name": "Roy"}
    sandbox.api.store.upsert("aptimyz", [{"key": "crm-77", "fields": fields}])
    path = tmp_path / "aptimyz.csv"
    path.write_text(APTIMYZ_HEADER + ANNE, encoding="utf-8")
    target = ["push", str(path), "-p", "aptimyz", "--target", sandbox.url, "--dry-run", "--json"]

    deleting = json.loads(CliRunner().invoke(app, [*target, "--mode", "upsert_delete_rest"]).stdout)
    assert (deleting["duplicates"], deleting["preview"]["delete"]) == ([], ["crm-77"])
    keeping = json.loads(CliRunner().invoke(app, [*target, "--mode", "upsert"]).stdout)
    assert [d["row"] for d in keeping["duplicates"]] == [2]
