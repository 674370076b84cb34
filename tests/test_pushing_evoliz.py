"""The push use case with Evoliz, from a user's file to the status written back.

``push_file`` reads the file, holds back the rows with errors, sends the others one by one
through the real :class:`EvolizConnector` over HTTP to :mod:`tests.fake_evoliz` (a local
server that behaves as Evoliz's documented API), journals every answer and writes each row's
outcome back: into two columns and a ``CI_Historique`` sheet of a workbook, into
``NAME.envoi.csv`` and ``NAME.historique.csv`` beside a CSV. Each test checks the three
places a push leaves a trace: what the fake Evoliz holds, what the journal says and what the
user reads in the file, through a refusal per field, an expiring token, a 429, contacts found
by their client's code, an interruption and its resume, and the keys read from the
environment. No key or token ends up in a file, the journal or a log line.
"""

from __future__ import annotations

import csv
import logging
import secrets
import shutil
import zipfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from functools import partial
from pathlib import Path
from typing import Any

import keyring
import keyring.backends.fail
import pytest
from openpyxl import load_workbook

import addin.usecases.pushing
from addin.connectors.evoliz import EvolizConnector
from addin.connectors.journal import Journal
from addin.connectors.retry import RetryPolicy, retry
from addin.core.profile import Profile
from addin.core.profiles import get_profile
from addin.errors import ClientImportError
from addin.usecases.pushing import PushRequest, PushResult, open_connector, push_file
from tests.fake_evoliz import FakeClock, FakeEvolizServer, Fault, Json, Reply, fake_evoliz
from tests.user_workbooks import write_rows

#: made up per run (no key-shaped literal in the repository; a leak cannot match by chance)
PUBLIC = f"public-{secrets.token_hex(8)}"
SECRET = f"secret-{secrets.token_hex(12)}"
CLIENTS = get_profile("evoliz-clients")
CONTACTS = get_profile("evoliz-contacts")
CLIENTS_PATH = "/api/v1/clients"
CONTACTS_PATH = "/api/v1/contacts-clients"
SAMPLES = Path(__file__).parent.parent / "demo" / "samples"

STATUS_HEADER = "Statut envoi (client-import)"
ID_HEADER = "ID plateforme (client-import)"
HISTORY_SHEET = "CI_Historique"
CLIENT_HEADERS = (
    "Code client",
    "Raison sociale",
    "Type",
    "Adresse",
    "Code postal",
    "Ville",
    "Pays",
)
#: retries without waiting, for the tests whose point is not the wait
NO_WAIT = RetryPolicy(base_delay=0, max_delay=0)


def client_row(code: str, name: str | None = None, **changes: str) -> tuple[str | None, ...]:
    """A row of :data:`CLIENT_HEADERS`, valid unless ``changes`` say otherwise."""
    values: dict[str, str | None] = {
        "Code client": code,
        "Raison sociale": name or f"Société {code}",
        "Type": "Professionnel",
        "Adresse": "3 rue Crébillon",
        "Code postal": "44000",
        "Ville": "Nantes",
        "Pays": "FR",
        **changes,
    }
    return tuple(values[header] or None for header in CLIENT_HEADERS)


def clients_workbook(folder: Path, rows: Iterable[Sequence[str | None]]) -> Path:
    return write_rows(folder / "clients.xlsx", CLIENT_HEADERS, rows, sheet="Clients")


@pytest.fixture
def evoliz() -> Iterator[FakeEvolizServer]:
    with fake_evoliz(PUBLIC, SECRET) as server:
        yield server


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def journal(tmp_path: Path) -> Iterator[Journal]:
    with Journal.open(tmp_path / "j.sqlite3") as opened:
        yield opened


def push(
    server: FakeEvolizServer,
    path: Path,
    journal: Journal,
    clock: FakeClock,
    profile: Profile = CLIENTS,
    *,
    policy: RetryPolicy = NO_WAIT,
    progress: Callable[[int, int], None] | None = None,
) -> PushResult:
    """One run of ``client-import push`` on ``path``, to the fake, paced by the fake clock."""
    with EvolizConnector(profile.api, server.url, PUBLIC, SECRET, clock=clock) as connector:
        request = PushRequest(path, profile, server.url, "create_only")
        return push_file(request, connector, journal, policy=policy, progress=progress)


def after_row(n: int, action: Callable[[], None]) -> Callable[[int, int], None]:
    """A progress callback doing ``action`` once, when the ``n``-th row has been answered."""

    def progress(done: int, total: int) -> None:
        if done == n:
            action()

    return progress


def sheet_outcomes(path: Path, sheet: str = "Clients") -> dict[str, tuple[str, str | None]]:
    """Code client → (status cell, platform id cell) as the user reads them."""
    book = load_workbook(path)
    try:
        rows = list(book[sheet].iter_rows(values_only=True))
    finally:
        book.close()
    header = list(rows[0])
    code, status, ident = (header.index(h) for h in ("Code client", STATUS_HEADER, ID_HEADER))
    return {
        str(row[code]): (str(row[status]), None if row[ident] is None else str(row[ident]))
        for row in rows[1:]
    }


def history(path: Path) -> list[dict[str, Any]]:
    """The lines of the workbook's history sheet, by header."""
    book = load_workbook(path)
    try:
        rows = list(book[HISTORY_SHEET].iter_rows(values_only=True))
    finally:
        book.close()
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


def side_file(path: Path) -> list[dict[str, str]]:
    """The lines of ``NAME.envoi.csv`` (or ``NAME.historique.csv``), by header."""
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle, delimiter=";"))


def clients_by_code(server: FakeEvolizServer) -> dict[str, Json]:
    codes = [c["code"] for c in server.api.clients.values()]
    assert len(codes) == len(set(codes)), f"duplicate client in Evoliz: {sorted(codes)}"
    return {c["code"]: c for c in server.api.clients.values()}


def assert_no_secret(
    server: FakeEvolizServer,
    folder: Path,
    caplog: pytest.LogCaptureFixture,
    *,
    also: Iterable[str] = (),
) -> None:
    """Neither key (nor ``also``) nor any token issued appears in a file of ``folder``
    (workbooks unzipped, journal included) or in a log line."""
    tokens = {s.authorization.removeprefix("Bearer ") for s in server.api.seen if s.authorization}
    tokens |= set(server.api.tokens)
    assert tokens, "no token was issued: the test did not exercise what it checks"
    leaks = {PUBLIC, SECRET, *tokens, *also}
    blobs: list[tuple[str, bytes]] = []
    for file in sorted(p for p in folder.rglob("*") if p.is_file()):
        blobs.append((file.name, file.read_bytes()))
        if zipfile.is_zipfile(file):
            with zipfile.ZipFile(file) as archive:
                blobs += [(f"{file.name}!{n}", archive.read(n)) for n in archive.namelist()]
    assert any(name.startswith("j.sqlite3") for name, _ in blobs)
    logged = caplog.text + " ".join(str(r.args) for r in caplog.records)
    for leak in leaks:
        for name, blob in blobs:
            assert leak.encode() not in blob, f"a secret is in {name}"
        assert leak not in logged, "a secret is in the logs"


# --- clients from a workbook ------------------------------------------------------------------


def test_clients_from_a_workbook_are_created_once_and_each_row_says_what_happened(
    evoliz: FakeEvolizServer,
    clock: FakeClock,
    journal: Journal,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    path = clients_workbook(
        tmp_path,
        [
            client_row("CLI-101", "Atelier Durand"),
            client_row("CLI-102", Type="Association"),  # not one of Evoliz's three types
            client_row("CLI-103", "Jeanne Morel", Type="particulier", Pays="France"),  # fixed
            client_row("CLI-104", **{"Code postal": ""}),  # required
            client_row("CLI-105", "Mairie de Rezé", Type="Administration publique"),
        ],
    )
    first = push(evoliz, path, journal, clock)

    assert first.push is not None and first.push.status == "finished"
    assert (first.stopped, first.write_error, first.written) == (None, None, path)
    assert sorted(first.invalid) == [3, 5]
    stored = clients_by_code(evoliz)
    assert sorted(stored) == ["CLI-101", "CLI-103", "CLI-105"]  # invalid rows never left
    assert evoliz.api.requests_to("POST", CLIENTS_PATH) == 3
    assert stored["CLI-103"]["type"] == "Particulier"  # sent as the checks normalised it
    assert stored["CLI-103"]["address"] == {
        "addr": "3 rue Crébillon",
        "postcode": "44000",
        "town": "Nantes",
        "iso2": "FR",
    }
    assert stored["CLI-105"]["name"] == "Mairie de Rezé"

    shown = sheet_outcomes(path)
    for code in ("CLI-101", "CLI-103", "CLI-105"):
        assert shown[code] == ("créé", str(stored[code]["clientid"]))
    for code, cell in (("CLI-102", "C3"), ("CLI-104", "E5")):
        status, ident = shown[code]
        assert status.startswith(f"non envoyé (erreurs à corriger) : {cell} : ")
        assert ident is None
    assert "Type" in shown["CLI-102"][0] and "Code postal" in shown["CLI-104"][0]
    [line] = history(path)
    assert (line["Profil"], line["Cible"], line["Mode"]) == (
        "evoliz-clients",
        evoliz.url,
        "create_only",
    )
    assert (line["Créés"], line["Inchangés"], line["Refusés"], line["Non envoyés"]) == (3, 0, 0, 2)

    second = push(evoliz, path, journal, clock)  # the same file again: a new, finished push

    assert second.push is not None and second.push.id != first.push.id
    assert second.push.status == "finished" and not second.push.resumed
    assert clients_by_code(evoliz) == stored
    assert evoliz.api.requests_to("POST", CLIENTS_PATH) == 3
    again = sheet_outcomes(path)
    for code in ("CLI-101", "CLI-103", "CLI-105"):
        status, ident = again[code]
        assert status.startswith(f"inchangé : Le client « {code} » existe déjà dans Evoliz")
        assert ident == str(stored[code]["clientid"])
    assert again["CLI-102"] == shown["CLI-102"]
    assert [(h["Créés"], h["Inchangés"]) for h in history(path)] == [(3, 0), (0, 3)]
    assert_no_secret(evoliz, tmp_path, caplog)


def test_the_demo_samples_clients_then_their_contacts(
    evoliz: FakeEvolizServer, clock: FakeClock, journal: Journal, tmp_path: Path
) -> None:
    """The files the demo ships: the valid row and the row whose only error the product fixes
    (a postal code that lost its zero) leave, the latter in the platform's form; the contact is
    attached to the client the first push created; the mistakes a person must fix stay home."""
    workbook = tmp_path / "evoliz-clients.xlsx"
    contacts = tmp_path / "evoliz-contacts.csv"
    shutil.copy(SAMPLES / workbook.name, workbook)
    shutil.copy(SAMPLES / contacts.name, contacts)
    original_csv = contacts.read_bytes()

    clients = push(evoliz, workbook, journal, clock)
    attached = push(evoliz, contacts, journal, clock, CONTACTS)

    assert sorted(clients.invalid) == [4, 5] and sorted(attached.invalid) == [3, 4]
    by_code = {c["code"]: c for c in evoliz.api.clients.values()}
    [contact] = evoliz.api.contacts.values()
    client = by_code["CLI-001"]
    assert client["name"] == "Boulangerie Martin"
    fixed = next(c for code, c in by_code.items() if code != "CLI-001")
    assert fixed["address"]["postcode"] == "01220"
    assert contact["client"]["clientid"] == client["clientid"]
    assert (contact["email"], contact["consent"]) == ("anne.lefevre@exemple.fr", "authorized")

    book = load_workbook(workbook)
    try:
        cells = [row[-2:] for row in book["Clients"].iter_rows(min_row=2, values_only=True)]
    finally:
        book.close()
    assert cells[0] == ("créé", str(client["clientid"]))
    assert cells[1] == ("créé", str(fixed["clientid"]))
    assert [ident for _, ident in cells[2:]] == [None, None]
    assert "J4 : « 73282932000075 » n'est pas un SIRET valide" in cells[2][0]
    assert "A5 : La valeur « CLI-001 » de « Code client » est déjà utilisée ligne 2" in cells[3][0]

    assert contacts.read_bytes() == original_csv  # a CSV is never rewritten
    lines = side_file(tmp_path / "evoliz-contacts.envoi.csv")
    assert [(x["Ligne"], x["Statut"], x["ID plateforme"]) for x in lines] == [
        ("2", "créé", str(contact["contactid"])),
        ("3", "non envoyé (erreurs à corriger)", ""),
        ("4", "non envoyé (erreurs à corriger)", ""),
    ]
    assert "« Nom » est obligatoire" in lines[1]["Message"]
    assert "lea.durand@exemple" in lines[2]["Message"]
    [line] = side_file(tmp_path / "evoliz-contacts.historique.csv")
    assert (line["Profil"], line["Créés"], line["Non envoyés"]) == ("evoliz-contacts", "1", "2")


# --- refusals -----------------------------------------------------------------------------


@pytest.fixture
def strict_evoliz(evoliz: FakeEvolizServer, monkeypatch: pytest.MonkeyPatch) -> FakeEvolizServer:
    """Evoliz checking what the profile cannot: a post code that is not the town's."""
    create = evoliz.api._create_client

    def checking(data: Any) -> Reply:
        address = data.get("address", {}) if isinstance(data, dict) else {}
        if address.get("postcode") == "44000" and address.get("town") != "Nantes":
            problems = {
                "address.postcode": ["The postcode does not match the town."],
                "address.town": ["The town is unknown for this postcode."],
            }
            return Reply(422, {"error": "Unprocessable Entity", "message": problems})
        return create(data)

    monkeypatch.setattr(evoliz.api, "_create_client", checking)
    return evoliz


def test_a_refusal_by_evoliz_is_written_under_the_columns_headers(
    strict_evoliz: FakeEvolizServer, clock: FakeClock, journal: Journal, tmp_path: Path
) -> None:
    evoliz = strict_evoliz
    path = clients_workbook(
        tmp_path,
        [
            client_row("CLI-201"),
            client_row("CLI-202", Ville="Lyon"),  # the checks accept it, Evoliz does not
            client_row("CLI-203"),
        ],
    )
    result = push(evoliz, path, journal, clock)

    assert result.push is not None and result.push.status == "finished"
    assert result.invalid == {}
    assert sorted(clients_by_code(evoliz)) == ["CLI-201", "CLI-203"]
    entry = next(e for e in result.entries if e.key == "CLI-202")
    assert (entry.status, entry.platform_id) == ("error", None)
    assert dict(entry.field_errors) == {  # the journal keeps Evoliz's own names
        "address.postcode": ("The postcode does not match the town.",),
        "address.town": ("The town is unknown for this postcode.",),
    }
    shown = sheet_outcomes(path)
    status, ident = shown["CLI-202"]
    assert status == (  # each message once, under the column's header
        "refusé : Code postal : The postcode does not match the town.; "
        "Ville : The town is unknown for this postcode."
    )
    assert ident is None
    assert shown["CLI-201"][0] == shown["CLI-203"][0] == "créé"
    [line] = history(path)
    assert (line["Créés"], line["Refusés"], line["Non envoyés"]) == (2, 1, 0)


@pytest.mark.parametrize("case", ["refused by Evoliz", "unknown client code"])
def test_a_refusal_says_each_message_once_under_the_column_header(
    strict_evoliz: FakeEvolizServer, clock: FakeClock, journal: Journal, tmp_path: Path, case: str
) -> None:
    evoliz = strict_evoliz
    if case == "refused by Evoliz":
        path = clients_workbook(tmp_path, [client_row("CLI-211", Ville="Lyon")])
        push(evoliz, path, journal, clock)
        status, _ = sheet_outcomes(path)["CLI-211"]
        header, api_name, said = "Code postal", "address.postcode", "The postcode does not match"
    else:
        path = tmp_path / "contacts.csv"
        path.write_text(
            "Code client;Nom;Email;Consentement\nCLI-299;Durand;d@exemple.fr;Autorisé\n",
            encoding="utf-8",
        )
        push(evoliz, path, journal, clock, CONTACTS)
        [line] = side_file(tmp_path / "contacts.envoi.csv")
        status = line["Message"]
        header, api_name, said = "Code client", "clientid", "aucun client n'a le code"
    assert f"{header} : " in status
    assert status.count(said) == 1, status
    assert api_name not in status


def test_a_client_created_meanwhile_under_another_case_is_refused_by_its_code(
    evoliz: FakeEvolizServer,
    clock: FakeClock,
    journal: Journal,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Someone creates ``cli-302`` in Evoliz between the look-up and the creation of
    ``CLI-302``: Evoliz refuses the code, the row says so under "Code client"."""
    create = evoliz.api._create_client

    def racing(data: Any) -> Reply:
        if isinstance(data, dict) and data.get("code") == "CLI-302":
            evoliz.api._store_client({"code": "cli-302", "name": "Créé à la main"})
        return create(data)

    monkeypatch.setattr(evoliz.api, "_create_client", racing)
    path = clients_workbook(tmp_path, [client_row("CLI-301"), client_row("CLI-302")])
    result = push(evoliz, path, journal, clock)

    assert result.push is not None and result.push.status == "finished"
    assert sorted(clients_by_code(evoliz)) == ["CLI-301", "cli-302"]
    status, ident = sheet_outcomes(path)["CLI-302"]
    assert status.startswith("refusé : ")
    assert "Code client : The code has already been taken." in status
    assert ident is None


# --- the token, 429 -------------------------------------------------------------------------


@pytest.mark.parametrize("how", ["expired by Evoliz", "renewed before it expires"])
def test_a_token_that_expires_mid_push_costs_a_login_not_a_duplicate(
    evoliz: FakeEvolizServer, clock: FakeClock, journal: Journal, tmp_path: Path, how: str
) -> None:
    codes = [f"CLI-4{n:02d}" for n in range(5)]
    path = clients_workbook(tmp_path, [client_row(code) for code in codes])
    if how == "expired by Evoliz":  # the connector learns it from a 401
        progress = after_row(2, evoliz.api.expire_tokens)
    else:  # twenty minutes pass: the connector logs in again before the token expires
        progress = after_row(2, partial(clock.advance, 20 * 60))
    result = push(evoliz, path, journal, clock, progress=progress)

    assert result.push is not None and result.push.status == "finished"
    assert sorted(clients_by_code(evoliz)) == codes
    assert evoliz.api.requests_to("POST", CLIENTS_PATH) == 5
    assert evoliz.api.logins == 2
    assert evoliz.api.statuses().count(401) == (1 if how == "expired by Evoliz" else 0)
    assert [e.status for e in result.entries] == ["created"] * 5
    assert {status for status, _ in sheet_outcomes(path).values()} == {"créé"}


def test_a_429_is_waited_out_as_evoliz_asks_and_the_row_created_once(
    evoliz: FakeEvolizServer,
    clock: FakeClock,
    journal: Journal,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # push_file gives retry() no clock: the test's one, so that 7 s pass in no time
    monkeypatch.setattr(
        addin.usecases.pushing, "retry", partial(retry, sleep=clock.sleep, clock=clock.monotonic)
    )
    codes = [f"CLI-5{n:02d}" for n in range(3)]
    path = clients_workbook(tmp_path, [client_row(code) for code in codes])
    limited = Fault(status=429, retry_after="7", method="POST", path=f"{CLIENTS_PATH}$")
    slept_before: list[int] = []

    def throttle() -> None:
        slept_before.append(len(clock.sleeps))
        evoliz.api.inject(limited)

    result = push(evoliz, path, journal, clock, progress=after_row(1, throttle))

    assert result.push is not None and result.push.status == "finished"
    assert sorted(clients_by_code(evoliz)) == codes
    assert evoliz.api.statuses(CLIENTS_PATH).count(429) == 1
    assert evoliz.api.requests_to("POST", CLIENTS_PATH) == 4  # the refused one, sent again
    # every attempt counts as a send: the refused one and its retry
    assert [(e.status, e.sends) for e in result.entries] == [
        ("created", 1),
        ("created", 2),
        ("created", 1),
    ]
    # after the 429: one wait of the 7 s asked (not 7 twice: retry's and the pacer's), then
    # the ordinary one-second spacing of 60 requests a minute
    *spacing, longest = sorted(clock.sleeps[slept_before[0] :])
    assert longest == pytest.approx(7.0)
    assert spacing and all(s <= 1.0 + 1e-9 for s in spacing)


# --- contacts -----------------------------------------------------------------------------


def test_contacts_from_a_csv_are_attached_to_the_clients_found_by_code(
    evoliz: FakeEvolizServer,
    clock: FakeClock,
    journal: Journal,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    martin = evoliz.api.add_client("CLI-601", "Martin Conseil")
    petit = evoliz.api.add_client("cli-602", "Petit & Fils")  # typed in another case
    path = tmp_path / "contacts.csv"
    path.write_text(
        "Code client;Civilité;Nom;Prénom;Email;Consentement\n"
        "CLI-601;Mme;Martin;Claire;claire.martin@exemple.fr;Autorisé\n"
        "CLI-602;M.;Petit;Louis;louis.petit@exemple.fr;Non autorisé\n"
        "CLI-699;M.;Inconnu;Jean;jean.inconnu@exemple.fr;Sans consentement\n"
        "CLI-601;M.;Martin;Paul;paul.martin@exemple.fr;Sans consentement\n"
        "CLI-602;Mme;;Sans nom;sans.nom@exemple.fr;Autorisé\n",
        encoding="utf-8-sig",
    )
    original = path.read_bytes()
    result = push(evoliz, path, journal, clock, CONTACTS)

    assert result.push is not None and result.push.status == "finished"
    by_email = {c["email"]: c for c in evoliz.api.contacts.values()}
    assert sorted(by_email) == [
        "claire.martin@exemple.fr",
        "louis.petit@exemple.fr",
        "paul.martin@exemple.fr",
    ]
    owners = {email: c["client"]["clientid"] for email, c in by_email.items()}
    assert owners == {
        "claire.martin@exemple.fr": martin["clientid"],
        "louis.petit@exemple.fr": petit["clientid"],
        "paul.martin@exemple.fr": martin["clientid"],
    }
    assert by_email["louis.petit@exemple.fr"]["consent"] == "unauthorized"
    assert by_email["paul.martin@exemple.fr"]["consent"] == "without"
    assert len(evoliz.api.clients) == 2  # a contact push creates no client
    assert evoliz.api.requests_to("GET", CLIENTS_PATH) == 3  # each code looked up once

    assert path.read_bytes() == original
    lines = {int(x["Ligne"]): x for x in side_file(tmp_path / "contacts.envoi.csv")}
    assert sorted(lines) == [2, 3, 4, 5, 6]
    for row, email in ((2, "claire"), (3, "louis"), (5, "paul")):
        contact = by_email[f"{email}.{'petit' if row == 3 else 'martin'}@exemple.fr"]
        assert (lines[row]["Statut"], lines[row]["ID plateforme"]) == (
            "créé",
            str(contact["contactid"]),
        )
    unknown = lines[4]
    assert (unknown["Statut"], unknown["ID plateforme"]) == ("refusé", "")
    assert "aucun client n'a le code « CLI-699 »" in unknown["Message"]
    assert "Code client : Client inconnu dans Evoliz" in unknown["Message"]
    assert lines[6]["Statut"] == "non envoyé (erreurs à corriger)"
    assert "« Nom » est obligatoire" in lines[6]["Message"]
    [line] = side_file(tmp_path / "contacts.historique.csv")
    assert (line["Créés"], line["Refusés"], line["Non envoyés"]) == ("3", "1", "1")

    again = push(evoliz, path, journal, clock, CONTACTS)
    assert len(evoliz.api.contacts) == 3
    assert [e.status for e in again.entries].count("unchanged") == 3
    assert_no_secret(evoliz, tmp_path, caplog)


# --- interrupted, resumed -----------------------------------------------------------------


def test_an_interrupted_push_resumes_and_creates_no_duplicate(
    clock: FakeClock, journal: Journal, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """At the third client Evoliz fails (503), then creates it but the answer is lost (500):
    past the two attempts allowed the push stops. The next run resumes the same push and
    finds that client by its code. Evoliz repeats the token in its errors here: nothing of it
    may reach the user."""
    caplog.set_level(logging.DEBUG)
    codes = [f"CLI-7{n:02d}" for n in range(5)]
    path = clients_workbook(tmp_path, [client_row(code) for code in codes])
    with fake_evoliz(PUBLIC, SECRET, echo_credentials=True) as server:

        def break_down() -> None:
            server.api.inject(Fault(status=503, method="GET", path=CLIENTS_PATH))
            server.api.inject(
                Fault(status=500, method="POST", path=f"{CLIENTS_PATH}$", processed=True)
            )

        policy = RetryPolicy(max_attempts=2, base_delay=0, max_delay=0)
        first = push(server, path, journal, clock, policy=policy, progress=after_row(2, break_down))

        assert first.push is not None and first.push.status == "interrupted"
        assert first.stopped is not None and first.stopped.startswith("Abandon après 2 tentatives")
        assert "***" in first.stopped  # the token Evoliz echoed, masked
        assert sorted(clients_by_code(server)) == codes[:3]  # the third one did get created
        shown = sheet_outcomes(path)
        assert [shown[c][0] for c in codes[:2]] == ["créé", "créé"]
        for code in codes[2:]:
            assert shown[code][0].startswith("non envoyé : Abandon après 2 tentatives")
            assert shown[code][1] is None
        assert [(h["Créés"], h["Non envoyés"]) for h in history(path)] == [(2, 3)]

        before = len(server.api.seen)
        second = push(server, path, journal, clock)
        posted = [s.path for s in server.api.seen[before:] if s.method == "POST"]

        assert second.push is not None and second.push.id == first.push.id
        assert second.push.resumed and second.push.status == "finished"
        assert second.stopped is None
        stored = clients_by_code(server)
        assert sorted(stored) == codes
        assert posted == ["/api/login", CLIENTS_PATH, CLIENTS_PATH]  # the third one: found
        entries = {e.key: e for e in second.entries}
        # two attempts in the first run (503, then created without an answer), one in the second
        assert entries[codes[2]].status == "unchanged" and entries[codes[2]].sends == 3
        assert [c.key for c in journal.maybe_created(second.push)] == [codes[2]]
        shown = sheet_outcomes(path)
        for code in codes:
            assert shown[code][1] == str(stored[code]["clientid"])
        assert [shown[c][0] for c in codes[3:]] == ["créé", "créé"]
        assert [(h["Créés"], h["Inchangés"], h["Non envoyés"]) for h in history(path)] == [
            (2, 0, 3),
            (4, 1, 0),
        ]
        journal.close()  # its bytes checked as they are on disk
        assert_no_secret(server, tmp_path, caplog)


def test_refused_keys_stop_the_push_and_the_right_ones_finish_it(
    clock: FakeClock, journal: Journal, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """Evoliz repeats the keys it was given in its 401: the rows say why they were not sent,
    without the keys; the next run with the right keys resumes and creates each client once."""
    caplog.set_level(logging.DEBUG)
    wrong = f"wrong-{secrets.token_hex(8)}"
    codes = ["CLI-901", "CLI-902"]
    path = clients_workbook(tmp_path, [client_row(code) for code in codes])
    with fake_evoliz(PUBLIC, SECRET, echo_credentials=True) as server:
        with EvolizConnector(CLIENTS.api, server.url, PUBLIC, wrong, clock=clock) as refused:
            request = PushRequest(path, CLIENTS, server.url, "create_only")
            first = push_file(request, refused, journal, policy=NO_WAIT)

        assert first.push is not None and first.push.status == "interrupted"
        assert first.stopped is not None and "Vérifiez la clé publique" in first.stopped
        assert "***" in first.stopped  # what Evoliz repeated, masked
        assert server.api.clients == {} and server.api.logins == 0
        shown = sheet_outcomes(path)
        assert all(
            status.startswith("non envoyé : Evoliz a refusé la connexion (401")
            for status, _ in shown.values()
        )

        second = push(server, path, journal, clock)

        assert second.push is not None and second.push.id == first.push.id
        assert second.push.status == "finished"
        assert sorted(clients_by_code(server)) == codes
        assert {status for status, _ in sheet_outcomes(path).values()} == {"créé"}
        journal.close()
        assert_no_secret(server, tmp_path, caplog, also=[wrong])


def test_a_client_without_code_is_refused_not_created_under_a_made_up_code(
    evoliz: FakeEvolizServer, clock: FakeClock, journal: Journal, tmp_path: Path
) -> None:
    path = clients_workbook(tmp_path, [client_row("", "Sans Code SARL"), client_row("CLI-951")])
    result = push(evoliz, path, journal, clock)
    codes = [c["code"] for c in evoliz.api.clients.values()]
    assert not [code for code in codes if code.startswith("empreinte-")], codes
    assert codes == ["CLI-951"]
    [entry] = [e for e in result.entries if e.row == 2]
    assert entry.status == "error" and "Code client vide" in (entry.message or "")


@pytest.mark.parametrize("profile", [CLIENTS, CONTACTS], ids=["clients", "contacts"])
def test_a_dry_run_previews_what_the_push_then_does(
    evoliz: FakeEvolizServer, clock: FakeClock, journal: Journal, tmp_path: Path, profile: Profile
) -> None:
    owner = evoliz.api.add_client("cli-961")  # typed in another case in Evoliz
    evoliz.api.add_contact(owner["clientid"], "deja@exemple.fr")
    if profile is CLIENTS:
        path = clients_workbook(tmp_path, [client_row("CLI-961"), client_row("CLI-962")])
    else:
        path = tmp_path / "contacts.csv"
        path.write_text(
            "Code client;Nom;Email;Consentement\n"
            "CLI-961;Durand;deja@exemple.fr;Autorisé\n"
            "CLI-961;Morel;nouveau@exemple.fr;Autorisé\n",
            encoding="utf-8",
        )
    with EvolizConnector(profile.api, evoliz.url, PUBLIC, SECRET, clock=clock) as connector:
        request = PushRequest(path, profile, evoliz.url, "create_only", dry_run=True)
        dry = push_file(request, connector, journal)
    assert dry.push is None and dry.preview is not None
    assert evoliz.api.requests_to("POST", CLIENTS_PATH) == 0
    assert evoliz.api.requests_to("POST", CONTACTS_PATH) == 0

    done = push(evoliz, path, journal, clock, profile)
    assert dry.preview.unchanged == [e.key for e in done.entries if e.status == "unchanged"]
    assert dry.preview.create == [e.key for e in done.entries if e.status == "created"]


# --- credentials from the environment -------------------------------------------------------


@pytest.fixture
def no_keyring() -> Iterator[None]:
    """A machine without a usable keyring (a headless Linux, a CI runner)."""
    previous = keyring.get_keyring()
    keyring.set_keyring(keyring.backends.fail.Keyring())  # type: ignore[no-untyped-call]
    yield
    keyring.set_keyring(previous)


def unpaced(profile: Profile) -> Profile:
    """``profile`` without its 60 requests a minute: ``open_connector`` paces by the real clock."""
    api = profile.api.model_copy(update={"requests_per_minute": None})
    return profile.model_copy(update={"api": api})


@pytest.mark.usefixtures("no_keyring")
def test_without_a_keyring_the_keys_come_from_the_environment(
    evoliz: FakeEvolizServer,
    journal: Journal,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    monkeypatch.setenv("CLIENT_IMPORT_EVOLIZ_PUBLIC_KEY", PUBLIC)
    monkeypatch.setenv("CLIENT_IMPORT_EVOLIZ_SECRET_KEY", f"  {SECRET}\n")
    profile = unpaced(CLIENTS)
    path = clients_workbook(tmp_path, [client_row("CLI-801")])
    connector = open_connector(profile, evoliz.url)
    try:
        assert isinstance(connector, EvolizConnector)
        request = PushRequest(path, profile, evoliz.url, "create_only")
        result = push_file(request, connector, journal, policy=NO_WAIT)
    finally:
        connector.close()
    assert result.push is not None and result.push.status == "finished"
    [stored] = evoliz.api.clients.values()
    assert sheet_outcomes(path)["CLI-801"] == ("créé", str(stored["clientid"]))
    assert evoliz.api.logins == 1
    assert_no_secret(evoliz, tmp_path, caplog)


@pytest.mark.parametrize(
    ("missing", "said"),
    [
        (["CLIENT_IMPORT_EVOLIZ_PUBLIC_KEY", "CLIENT_IMPORT_EVOLIZ_SECRET_KEY"], "clé publique"),
        (["CLIENT_IMPORT_EVOLIZ_SECRET_KEY"], "clé secrète"),
    ],
)
@pytest.mark.usefixtures("no_keyring")
def test_missing_keys_say_how_to_provide_them(
    evoliz: FakeEvolizServer, monkeypatch: pytest.MonkeyPatch, missing: list[str], said: str
) -> None:
    monkeypatch.setenv("CLIENT_IMPORT_EVOLIZ_PUBLIC_KEY", PUBLIC)
    monkeypatch.setenv("CLIENT_IMPORT_EVOLIZ_SECRET_KEY", SECRET)
    for name in missing:
        monkeypatch.delenv(name)
    with pytest.raises(ClientImportError) as caught:
        open_connector(CLIENTS, evoliz.url)
    message = str(caught.value)
    assert f"Il manque la {said} Evoliz pour {evoliz.url}" in message
    assert "client-import login" in message
    assert missing[0] in message
    assert PUBLIC not in message
    assert evoliz.api.seen == []
