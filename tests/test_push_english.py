"""A push in English says everything in English (issue 17: one language per run, in the push too).

The connectors' own sentences (a refusal, a 401, a 429 or 5xx the retries gave up on, a
timeout, Evoliz's « client already there » or « unknown client code ») reach the user in three
places: the command's output, the status column (here ``NAME.envoi.csv``, the side file of a
CSV) and the journal. Each is read after a real push to a real local server: the fault server
(the sandbox misbehaving on cue) and the fake Evoliz. The platform's own words are set aside:
the sandbox, like a French platform, answers in French, and a push cannot translate them.
French stays the default: the same push without ``--lang`` is checked to say French.
"""

from __future__ import annotations

import csv
import re
import secrets
from collections.abc import Iterator
from pathlib import Path

import keyring
import keyring.backends.fail
import pytest
from typer.testing import CliRunner

from addin.connectors.evoliz import EvolizConnector
from addin.connectors.generic import GenericConnector
from addin.connectors.http import HttpClient
from addin.connectors.journal import Journal
from addin.connectors.retry import RetryPolicy
from addin.core.catalogue import Lang
from addin.core.profiles import get_profile
from addin.sandbox.contract import ERRORS
from addin.shells.cli import app
from tests.fake_evoliz import FakeClock, FakeEvolizServer, fake_evoliz
from tests.fault_server import Delay, FaultServer, Rule, Status
from tests.test_one_language import french_in

TOKEN = secrets.token_hex(16)
PUBLIC = f"public-{secrets.token_hex(8)}"
SECRET = f"secret-{secrets.token_hex(12)}"
REVEAL_CSV = (
    "Prénom;Nom de famille;Téléphone 1\nMarie;Tremblay;+1 418-555-0134\nLuc;Roy;+1 581-555-0199\n"
)
#: what the file holds and the side file repeats: the user's values, not our sentences
VALUES = ("Marie", "Tremblay", "Luc", "Roy", "contacts.envoi.csv")
#: the sandbox's (French) words for its own errors: the platform's, passed on as it said them
PLATFORM_WORDS = [
    re.compile(re.sub(r"\\\{\w+\\\}", ".*?", re.escape(template)))
    for _, template in ERRORS.values()
] + [re.compile(r"Erreur simulée : [\w ]+\.")]
NO_WAIT = RetryPolicy(max_attempts=3, base_delay=0, max_delay=0)


@pytest.fixture(autouse=True)
def environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The token in the environment, the journal under tmp_path, no keyring, wide lines."""
    monkeypatch.setenv("CLIENT_IMPORT_TOKEN", TOKEN)
    monkeypatch.setenv("CLIENT_IMPORT_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("COLUMNS", "250")
    monkeypatch.delenv("CLIENT_IMPORT_LANG", raising=False)
    previous = keyring.get_keyring()
    keyring.set_keyring(keyring.backends.fail.Keyring())
    yield
    keyring.set_keyring(previous)


@pytest.fixture
def faulty(tmp_path: Path) -> Iterator[FaultServer]:
    with FaultServer(tmp_path / "platform.sqlite", TOKEN) as server:
        yield server


def push(path: Path, server: FaultServer, *more: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(
        app, ["push", str(path), "-p", "reveal", "--target", server.url, *more]
    )
    assert result.exception is None or isinstance(result.exception, SystemExit)
    return result.exit_code, result.stdout, result.stderr


def side_messages(path: Path) -> list[str]:
    """The status and message of each line of ``NAME.envoi.csv``."""
    with path.open(encoding="utf-8-sig", newline="") as handle:
        lines = list(csv.reader(handle, delimiter=";"))[1:]
    return [f"{line[2]} — {line[4]}" for line in lines]


def journal_messages(tmp_path: Path) -> list[str]:
    with Journal.open(tmp_path / "data" / "journal.sqlite3") as journal:
        [last] = journal.history(1)
        return [entry.message or "" for entry in journal.entries(last)]


def english_only(*texts: str, known: tuple[str, ...] = ()) -> None:
    """No French in ``texts`` once the file's values, paths and the platform's words are out."""
    bare = []
    for text in texts:
        kept = text
        for words in PLATFORM_WORDS:
            kept = words.sub("", kept)
        bare.append(kept)
    found = [line for text in bare for line in french_in(text, *VALUES, *known)]
    assert found == []


# --- the generic contract, through the command line --------------------------------------------


def test_a_refused_token_is_said_in_english_on_screen_in_the_sheet_and_the_journal(
    faulty: FaultServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CLIENT_IMPORT_TOKEN", secrets.token_hex(16))  # not the platform's
    path = tmp_path / "contacts.csv"
    path.write_text(REVEAL_CSV, encoding="utf-8")

    code, out, err = push(path, faulty, "--lang", "en")

    assert code == 1
    assert err.startswith("Warning: push stopped: Reveal Field refused access (401)")
    assert "Check the API keys and their rights." in err
    messages = side_messages(tmp_path / "contacts.envoi.csv")
    assert all(m.startswith("not sent — Reveal Field refused access (401)") for m in messages)
    stored = journal_messages(tmp_path)
    assert all("refused access (401)" in m for m in stored)
    english_only(out, err, *messages, *stored, known=(str(tmp_path),))
    # the same push in French (the default) still speaks French
    code, _, err = push(path, faulty)
    assert err.startswith("Attention : envoi arrêté : Reveal Field a refusé l'accès (401)")


def test_503_then_429_given_up_and_a_refused_request_are_said_in_english(
    faulty: FaultServer, tmp_path: Path
) -> None:
    path = tmp_path / "contacts.csv"
    path.write_text(REVEAL_CSV, encoding="utf-8")
    # two 503s, then the batch goes through: the waits are told in English
    faulty.script(Rule(Status(503, retry_after="0"), method="POST", times=2))
    code, out, err = push(path, faulty, "--lang", "en")
    assert code == 0, err
    waits = err.strip().splitlines()
    assert len(waits) == 2
    assert all("Reveal Field met an error on its side (503)" in w for w in waits)
    assert "new attempt (no. 2) in 0 s" in waits[0]
    assert "2 created" in " ".join(out.split())
    english_only(out, err, known=(str(tmp_path),))

    # a 429 at every attempt: the push gives up, the rows are not sent, in English
    path.write_text(REVEAL_CSV.replace("Luc;Roy;+1 581-555-0199", "Lucie;Roy;+1 581-555-0177"))
    faulty.script(Rule(Status(429, retry_after="0"), method="POST", times=None))
    code, out, err = push(path, faulty, "--lang", "en")
    assert code == 1
    assert "Warning: push stopped: Gave up after 6 attempts in 0 s: Reveal Field limits the " in (
        err
    )
    messages = side_messages(tmp_path / "contacts.envoi.csv")
    assert "not sent — Gave up after 6 attempts" in messages[1]
    english_only(out, err, *messages, *journal_messages(tmp_path), known=(str(tmp_path), "Lucie"))

    # a request refused as a whole (400): not retried, said in English
    faulty.script(Rule(Status(400), method="POST", times=None))
    code, out, err = push(path, faulty, "--lang", "en")
    assert code == 1
    assert "Reveal Field refused the request (400): http-400 — Erreur simulée" in err
    english_only(out, err, *side_messages(tmp_path / "contacts.envoi.csv"), known=("Lucie",))


def test_a_timeout_is_said_in_english_in_the_journal_and_the_result(
    faulty: FaultServer, tmp_path: Path
) -> None:
    from addin.usecases.pushing import PushRequest, push_file

    path = tmp_path / "contacts.csv"
    path.write_text(REVEAL_CSV, encoding="utf-8")
    faulty.script(Rule(Delay(2.0, processed=False), method="POST", times=None))
    http = HttpClient(faulty.url, name="Reveal Field", timeout=0.3)
    connector = GenericConnector(http, "reveal", TOKEN, batch_size=100)
    request = PushRequest(path, get_profile("reveal"), faulty.url, "upsert", lang="en")
    try:
        with Journal.open(tmp_path / "j.sqlite3") as journal:
            result = push_file(request, connector, journal, policy=NO_WAIT)
            stored = [e.message or "" for e in journal.entries(result.push)]  # type: ignore[arg-type]
    finally:
        connector.close()
    assert result.stopped is not None
    assert result.stopped.startswith("Gave up after 3 attempts in ")
    assert "Reveal Field did not answer within 0.3 s" in result.stopped
    assert stored == [result.stopped] * 2
    english_only(result.stopped, *side_messages(tmp_path / "contacts.envoi.csv"))


# --- Evoliz, through the use case ----------------------------------------------------------------


@pytest.fixture
def evoliz() -> Iterator[FakeEvolizServer]:
    with fake_evoliz(PUBLIC, SECRET) as server:
        yield server


def push_evoliz(
    server: FakeEvolizServer, path: Path, journal: Journal, lang: Lang, secret: str = SECRET
) -> object:
    from addin.usecases.pushing import PushRequest, push_file

    profile = get_profile("evoliz-contacts")
    with EvolizConnector(profile.api, server.url, PUBLIC, secret, clock=FakeClock()) as connector:
        request = PushRequest(path, profile, server.url, "create_only", lang=lang)
        return push_file(request, connector, journal, policy=NO_WAIT)


CONTACTS_CSV = (
    "Code client;Civilité;Nom;Prénom;Email;Consentement\n"
    "CLI-601;Mme;Martin;Claire;claire.martin@exemple.fr;Autorisé\n"
    "CLI-699;M.;Inconnu;Jean;jean.inconnu@exemple.fr;Sans consentement\n"
)
CONTACT_VALUES = ("CLI-601", "CLI-699", "claire.martin@exemple.fr", "Martin", "Inconnu")


def test_evoliz_outcomes_are_stored_in_english_and_in_french_by_default(
    evoliz: FakeEvolizServer, tmp_path: Path
) -> None:
    client = evoliz.api.add_client("CLI-601", "Martin Conseil")
    evoliz.api.add_contact(client["clientid"], "claire.martin@exemple.fr")
    path = tmp_path / "contacts.csv"
    path.write_text(CONTACTS_CSV, encoding="utf-8")

    with Journal.open(tmp_path / "j.sqlite3") as journal:
        push_evoliz(evoliz, path, journal, "en")
    messages = side_messages(tmp_path / "contacts.envoi.csv")
    assert messages == [
        "unchanged — Contact “claire.martin@exemple.fr” already exists for client “CLI-601”: "
        "left as it is (Evoliz's API does not allow changing it).",
        "rejected — Code client: Client unknown to Evoliz: no client has the code “CLI-699”. "
        "Create it (clients import) before its contacts, or correct the code.",
    ]
    english_only(*messages, known=(*CONTACT_VALUES, "Code client"))

    french = tmp_path / "fr"
    french.mkdir()
    (french / "contacts.csv").write_text(CONTACTS_CSV, encoding="utf-8")
    with Journal.open(french / "j.sqlite3") as journal:
        push_evoliz(evoliz, french / "contacts.csv", journal, "fr")
    assert side_messages(french / "contacts.envoi.csv")[1].startswith(
        "refusé — Code client : Client inconnu dans Evoliz : aucun client n'a le code « CLI-699 »"
    )


def test_evoliz_refusing_the_keys_is_said_in_english(
    evoliz: FakeEvolizServer, tmp_path: Path
) -> None:
    path = tmp_path / "contacts.csv"
    path.write_text(CONTACTS_CSV, encoding="utf-8")
    with Journal.open(tmp_path / "j.sqlite3") as journal:
        result = push_evoliz(evoliz, path, journal, "en", secret="not-the-secret")
    stopped = getattr(result, "stopped", None)
    assert isinstance(stopped, str)
    assert stopped.startswith("Evoliz refused the login (401")
    assert stopped.endswith(
        "Check the public key and the secret key (Evoliz: Compte > Applications > API Evoliz)."
    )
    english_only(stopped, *side_messages(tmp_path / "contacts.envoi.csv"), known=("Compte",))
