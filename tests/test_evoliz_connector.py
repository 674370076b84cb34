"""The Evoliz connector through real HTTP, against a local server that behaves as Evoliz.

Each test pushes records through ``requests`` and sockets to :mod:`tests.fake_evoliz` and
checks what the connector answered *and* what the server holds: no duplicate after a re-send,
a retry after a lost answer, or a second push; per-field refusals keyed by Evoliz's names;
the token renewed before it expires and after a 401; 429/5xx/timeouts/refused connections as
``Transient``; secrets in no message and no log line; requests spaced by the injected clock.
"""

from __future__ import annotations

import logging
import secrets
import socket
import time
from collections.abc import Iterator
from typing import Any

import pytest

from addin.connectors.connector import AuthFailed, JsonValue, Outcome, Record, Refused, Transient
from addin.connectors.evoliz import TOKEN_LIFETIME, EvolizConnector, nest, token_lifetime
from addin.connectors.http import Pacer, check_base_url
from addin.core.profile import ApiSettings
from addin.core.profiles import get_profile
from tests.fake_evoliz import FakeClock, FakeEvolizServer, Fault, fake_evoliz

#: made up per run: no key-shaped literal in the repository, and a leak test cannot pass by
#: chance on a value some code happens to contain
PUBLIC = f"public-{secrets.token_hex(8)}"
SECRET = f"secret-{secrets.token_hex(12)}"
WRONG_SECRET = f"wrong-{secrets.token_hex(8)}"
CLIENTS_PATH = "/api/v1/clients"
CONTACTS_PATH = "/api/v1/contacts-clients"


def api_settings(profile: str = "evoliz-clients", **changes: Any) -> ApiSettings:
    return get_profile(profile).api.model_copy(update=changes)


@pytest.fixture
def evoliz() -> Iterator[FakeEvolizServer]:
    with fake_evoliz(PUBLIC, SECRET) as server:
        yield server


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


def connector(
    server: FakeEvolizServer | str,
    clock: FakeClock,
    profile: str = "evoliz-clients",
    *,
    secret: str = SECRET,
    **changes: Any,
) -> EvolizConnector:
    url = server if isinstance(server, str) else server.url
    timeout = changes.pop("timeout", 5.0)
    return EvolizConnector(
        api_settings(profile, **changes), url, PUBLIC, secret, clock=clock, timeout=timeout
    )


def client(code: str, **changes: Any) -> Record:
    """A client row as the push builds it: Evoliz's field names, dotted for nested ones."""
    fields: dict[str, Any] = {
        "code": code,
        "name": f"Société {code}",
        "type": "Professionnel",
        "address.addr": "12 rue des Lilas",
        "address.postcode": "44000",
        "address.town": "Nantes",
        "address.iso2": "FR",
        **changes,
    }
    return Record(code, fields)


def contact(client_code: str, email: str, **changes: Any) -> Record:
    fields: dict[str, Any] = {
        "clientid": client_code,
        "lastname": "Martin",
        "firstname": "Claire",
        "email": email,
        "consent": "Sans consentement",
        **changes,
    }
    return Record(f"{client_code}/{email}", fields)


def send_each(conn: EvolizConnector, records: list[Record]) -> list[Outcome]:
    """What the push does: batches of ``batch_size`` (one), in order."""
    assert conn.batch_size == 1
    return [o for r in records for o in conn.send([r], create_only=True)]


# --- clients: create, re-send, lookup ---------------------------------------------------------


def test_clients_are_created_then_left_unchanged_when_sent_again(
    evoliz: FakeEvolizServer, clock: FakeClock
) -> None:
    records = [client("CLI001"), client("CLI002")]
    with connector(evoliz, clock) as conn:
        first = send_each(conn, records)
        again = send_each(conn, records)
    with connector(evoliz, clock) as conn:  # a second push: nothing cached
        later = send_each(conn, records)

    assert [(o.key, o.status) for o in first] == [("CLI001", "created"), ("CLI002", "created")]
    ids = [o.id for o in first]
    assert all(ids) and len(set(ids)) == 2
    for outcomes in (again, later):
        assert [o.status for o in outcomes] == ["unchanged", "unchanged"]
        assert [o.id for o in outcomes] == ids
        assert "existe déjà dans Evoliz" in (outcomes[0].message or "")
    stored = list(evoliz.api.clients.values())
    assert sorted(c["code"] for c in stored) == ["CLI001", "CLI002"]
    assert sorted(str(c["clientid"]) for c in stored) == sorted(o.id or "" for o in first)
    assert evoliz.api.requests_to("POST", CLIENTS_PATH) == 2


def test_the_body_is_nested_mapped_and_without_blanks(
    evoliz: FakeEvolizServer, clock: FakeClock
) -> None:
    record = client(
        "CLI010",
        **{
            "bank_information.iban": "FR7630006000011234567890189",
            "bank_information.bank_identification_code": "AGRIFRPP",
            "address.addr2": "",
            "comment": None,
        },
    )
    with connector(evoliz, clock) as conn:
        [outcome] = conn.send([record], create_only=True)
    stored = evoliz.api.clients[int(outcome.id or 0)]
    assert stored["address"] == {
        "addr": "12 rue des Lilas",
        "postcode": "44000",
        "town": "Nantes",
        "iso2": "FR",
    }
    assert stored["bank_information"] == {
        "iban": "FR7630006000011234567890189",
        "bank_identification_code": "AGRIFRPP",
    }
    assert "comment" not in stored and "address.town" not in stored


def test_a_client_created_in_evoliz_is_found_by_code_without_case(
    evoliz: FakeEvolizServer, clock: FakeClock
) -> None:
    existing = evoliz.api.add_client("cli777")
    with connector(evoliz, clock) as conn:
        [outcome] = conn.send([client("CLI777")], create_only=True)
    assert (outcome.status, outcome.id) == ("unchanged", str(existing["clientid"]))
    assert len(evoliz.api.clients) == 1
    lookups = [s for s in evoliz.api.seen if s.method == "GET" and s.path == CLIENTS_PATH]
    assert [s.query["code"] for s in lookups] == ["CLI777"]


def test_a_client_without_code_is_refused_before_sending(
    evoliz: FakeEvolizServer, clock: FakeClock
) -> None:
    with connector(evoliz, clock) as conn:
        [outcome] = conn.send([Record("", {"code": " ", "name": "X"})], create_only=True)
    assert outcome.status == "error"
    assert "Code client vide" in (outcome.message or "")
    assert list(outcome.field_errors) == ["code"]
    assert evoliz.api.seen == []  # not even a login


def test_refusals_keep_evolizs_field_names_and_messages(
    evoliz: FakeEvolizServer, clock: FakeClock
) -> None:
    record = client("CLI020", type="Association", **{"address.town": "", "address.iso2": "fr"})
    with connector(evoliz, clock) as conn:
        [outcome] = conn.send([record], create_only=True)
    assert outcome.status == "error" and outcome.id is None
    assert dict(outcome.field_errors) == {
        "type": ["The selected type is invalid."],
        "address.town": ["The address.town field is required."],
        "address.iso2": ["The address.iso2 must be 2 characters."],
    }
    assert (outcome.message or "").startswith("Evoliz a refusé ce client : ")
    assert "address.town : The address.town field is required." in (outcome.message or "")
    assert evoliz.api.clients == {}


def test_an_update_or_a_delete_is_refused_with_a_reason(
    evoliz: FakeEvolizServer, clock: FakeClock
) -> None:
    with connector(evoliz, clock) as conn:
        with pytest.raises(Refused, match="création seule"):
            conn.send([client("CLI030")], create_only=False)
        with pytest.raises(Refused, match="ne permet pas de supprimer un client"):
            conn.delete("CLI030")
    assert evoliz.api.seen == []


def test_existing_pages_through_the_whole_list(clock: FakeClock) -> None:
    with fake_evoliz(PUBLIC, SECRET, max_per_page=10) as server:
        for n in range(23):
            server.api.add_client(f"C{n:03d}")
        with connector(server, clock) as conn:
            remote = list(conn.existing())
        pages = [s.query["page"] for s in server.api.seen if s.method == "GET"]
    assert [r.key for r in remote] == [f"C{n:03d}" for n in range(23)]
    assert all(r.id and r.fields["clientid"] == int(r.id) for r in remote)
    assert pages == ["1", "2", "3"]


# --- contacts -----------------------------------------------------------------------------


def test_a_contact_is_attached_to_the_client_found_by_code(
    evoliz: FakeEvolizServer, clock: FakeClock
) -> None:
    owner = evoliz.api.add_client("CLI100")
    with connector(evoliz, clock, "evoliz-contacts") as conn:
        [outcome] = conn.send(
            [contact("CLI100", "claire@exemple.fr", consent="Autorisé")], create_only=True
        )
    assert outcome.status == "created"
    stored = evoliz.api.contacts[int(outcome.id or 0)]
    assert stored["client"]["clientid"] == owner["clientid"]
    assert stored["consent"] == "authorized"  # the profile's value map
    assert stored["email"] == "claire@exemple.fr"


def test_an_unknown_client_code_is_the_rows_error(
    evoliz: FakeEvolizServer, clock: FakeClock
) -> None:
    rows = [contact("INCONNU", "a@exemple.fr"), contact("INCONNU", "b@exemple.fr")]
    with connector(evoliz, clock, "evoliz-contacts") as conn:
        outcomes = send_each(conn, rows)
    assert [o.status for o in outcomes] == ["error", "error"]
    assert "aucun client n'a le code « INCONNU »" in (outcomes[0].message or "")
    assert list(outcomes[0].field_errors) == ["clientid"]
    assert evoliz.api.requests_to("GET", CLIENTS_PATH) == 1  # asked once per push
    assert evoliz.api.requests_to("POST", CONTACTS_PATH) == 0


def test_a_contact_is_created_once_even_when_sent_twice(
    evoliz: FakeEvolizServer, clock: FakeClock
) -> None:
    evoliz.api.add_client("CLI200")
    row = contact("CLI200", "Paul.Durand@exemple.fr")
    with connector(evoliz, clock, "evoliz-contacts") as conn:
        [first] = conn.send([row], create_only=True)
        [again] = conn.send([row], create_only=True)
    with connector(evoliz, clock, "evoliz-contacts") as conn:  # next push, no cache
        [later] = conn.send([contact("CLI200", "paul.durand@EXEMPLE.fr")], create_only=True)
    assert (first.status, again.status, later.status) == ("created", "unchanged", "unchanged")
    assert first.id == again.id == later.id
    assert len(evoliz.api.contacts) == 1
    assert evoliz.api.requests_to("POST", CONTACTS_PATH) == 1


def test_the_contact_lookup_does_not_rely_on_the_servers_filters(clock: FakeClock) -> None:
    """Filters ignored and tiny pages: the same e-mail at another client is not a match."""
    with fake_evoliz(PUBLIC, SECRET, honour_filters=False, max_per_page=2) as server:
        other = server.api.add_client("AUTRE")
        mine = server.api.add_client("MIEN")
        for n in range(4):
            server.api.add_contact(other["clientid"], f"x{n}@exemple.fr")
        server.api.add_contact(other["clientid"], "partage@exemple.fr")
        existing = server.api.add_contact(mine["clientid"], "deja@exemple.fr")
        with connector(server, clock, "evoliz-contacts") as conn:
            outcomes = send_each(
                conn, [contact("MIEN", "partage@exemple.fr"), contact("MIEN", "deja@exemple.fr")]
            )
        assert [o.status for o in outcomes] == ["created", "unchanged"]
        assert outcomes[1].id == str(existing["contactid"])
        owners = sorted(c["client"]["code"] for c in server.api.contacts.values())
        assert owners == ["AUTRE"] * 5 + ["MIEN"] * 2


def test_contacts_of_one_client_look_it_up_once(evoliz: FakeEvolizServer, clock: FakeClock) -> None:
    evoliz.api.add_client("CLI300")
    rows = [contact("CLI300", f"c{n}@exemple.fr") for n in range(3)]
    with connector(evoliz, clock, "evoliz-contacts") as conn:
        outcomes = send_each(conn, rows)
    assert [o.status for o in outcomes] == ["created"] * 3
    assert evoliz.api.requests_to("GET", CLIENTS_PATH) == 1


def test_a_refused_contact_keeps_the_field_names(
    evoliz: FakeEvolizServer, clock: FakeClock
) -> None:
    evoliz.api.add_client("CLI400")
    with connector(evoliz, clock, "evoliz-contacts") as conn:
        [outcome] = conn.send([contact("CLI400", "x@exemple.fr", lastname="")], create_only=True)
        [no_email] = conn.send([contact("CLI400", "")], create_only=True)
    assert outcome.status == "error"
    assert dict(outcome.field_errors) == {"lastname": ["The lastname field is required."]}
    assert "Evoliz a refusé ce contact" in (outcome.message or "")
    assert no_email.status == "error" and list(no_email.field_errors) == ["email"]
    assert evoliz.api.contacts == {}


# --- login and token ----------------------------------------------------------------------


def test_one_login_serves_many_requests(evoliz: FakeEvolizServer, clock: FakeClock) -> None:
    logged_in_at = clock.time()  # the login is the first request: no pacing wait before it
    with connector(evoliz, clock) as conn:
        assert conn.expires_at is None
        send_each(conn, [client(f"CLI5{n}") for n in range(3)])
        expires_at = conn.expires_at
    assert evoliz.api.logins == 1
    assert expires_at == pytest.approx(logged_in_at + TOKEN_LIFETIME, abs=2)
    tokens = {s.authorization for s in evoliz.api.seen if s.path != "/api/login"}
    assert len(tokens) == 1
    assert all(t is not None and t.startswith("Bearer ") for t in tokens)


def test_the_token_is_renewed_shortly_before_it_expires(clock: FakeClock) -> None:
    with fake_evoliz(PUBLIC, SECRET, token_lifetime=300, wall_clock=clock.time) as server:
        with connector(server, clock) as conn:
            conn.send([client("CLI600")], create_only=True)
            first_expiry = conn.expires_at
            clock.advance(200)  # still valid: no new login
            conn.send([client("CLI601")], create_only=True)
            assert server.api.logins == 1
            clock.advance(50)  # 50 s left, under the renewal margin
            conn.send([client("CLI602")], create_only=True)
            assert conn.expires_at is not None and first_expiry is not None
            assert conn.expires_at > first_expiry
        assert server.api.logins == 2
        assert 401 not in server.api.statuses()  # renewed before, not after, a refusal


@pytest.mark.parametrize("how", ["expired", "revoked"])
def test_a_401_logs_in_again_once_and_the_request_goes_through(
    evoliz: FakeEvolizServer, clock: FakeClock, how: str
) -> None:
    with connector(evoliz, clock) as conn:
        conn.send([client("CLI700")], create_only=True)
        if how == "expired":
            evoliz.api.expire_tokens()
        else:
            evoliz.api.reject_next_token()
        [outcome] = conn.send([client("CLI701")], create_only=True)
    assert outcome.status == "created"
    assert evoliz.api.logins == 2
    assert evoliz.api.statuses().count(401) == 1
    assert sorted(c["code"] for c in evoliz.api.clients.values()) == ["CLI700", "CLI701"]


def test_a_401_after_a_fresh_login_is_auth_failed(
    evoliz: FakeEvolizServer, clock: FakeClock
) -> None:
    evoliz.api.inject(Fault(status=401, method="GET", path=CLIENTS_PATH, times=2))
    with connector(evoliz, clock) as conn, pytest.raises(AuthFailed, match="refusé l'accès"):
        conn.send([client("CLI800")], create_only=True)
    assert evoliz.api.logins == 2
    assert evoliz.api.clients == {}


def test_wrong_keys_are_auth_failed(evoliz: FakeEvolizServer, clock: FakeClock) -> None:
    with (
        connector(evoliz, clock, secret=WRONG_SECRET) as conn,
        pytest.raises(AuthFailed, match="clé publique et la clé secrète") as caught,
    ):
        conn.send([client("CLI900")], create_only=True)
    assert "401" in str(caught.value)
    assert evoliz.api.logins == 0 and evoliz.api.clients == {}


def test_missing_keys_are_refused_before_any_request(evoliz: FakeEvolizServer) -> None:
    with pytest.raises(AuthFailed, match="manquante"):
        EvolizConnector(api_settings(), evoliz.url, PUBLIC, "  ")
    assert evoliz.api.seen == []


# --- transient failures -------------------------------------------------------------------


def test_429_is_transient_with_the_servers_retry_after(clock: FakeClock) -> None:
    with fake_evoliz(PUBLIC, SECRET, requests_per_minute=3) as server:
        with connector(server, clock, requests_per_minute=None) as conn:
            conn.send([client("CLI1000")], create_only=True)  # login, lookup, create: 3
            with pytest.raises(Transient, match="429") as caught:
                conn.send([client("CLI1001")], create_only=True)
        assert caught.value.retry_after is not None and 0 < caught.value.retry_after <= 60
        assert "Only 3 requests per minute are allowed" in str(caught.value)
        assert server.api.statuses()[-1] == 429
        assert [c["code"] for c in server.api.clients.values()] == ["CLI1000"]


def test_after_a_429_the_next_request_waits_the_retry_after(
    evoliz: FakeEvolizServer, clock: FakeClock
) -> None:
    evoliz.api.inject(Fault(status=429, method="GET", retry_after="7"))
    with connector(evoliz, clock, requests_per_minute=600) as conn:
        with pytest.raises(Transient) as caught:
            conn.send([client("CLI1100")], create_only=True)
        assert caught.value.retry_after == 7
        clock.sleeps.clear()
        [outcome] = conn.send([client("CLI1100")], create_only=True)
    assert outcome.status == "created"
    assert clock.sleeps[0] == pytest.approx(7)


@pytest.mark.parametrize("status", [500, 502, 503])
def test_a_server_error_is_transient(
    evoliz: FakeEvolizServer, clock: FakeClock, status: int
) -> None:
    evoliz.api.inject(Fault(status=status, method="GET", path=CLIENTS_PATH))
    with connector(evoliz, clock) as conn:
        with pytest.raises(Transient, match=f"erreur de son côté \\({status}\\)") as caught:
            conn.send([client("CLI1200")], create_only=True)
        assert caught.value.retry_after is None
        [outcome] = conn.send([client("CLI1200")], create_only=True)
    assert outcome.status == "created"


def test_a_lost_answer_to_a_creation_does_not_duplicate_on_retry(
    evoliz: FakeEvolizServer, clock: FakeClock
) -> None:
    """Evoliz created the client, then answered 500: the retry finds it by its code."""
    evoliz.api.inject(Fault(status=500, method="POST", path=f"{CLIENTS_PATH}$", processed=True))
    with connector(evoliz, clock) as conn:
        with pytest.raises(Transient):
            conn.send([client("CLI1300")], create_only=True)
        [outcome] = conn.send([client("CLI1300")], create_only=True)
    [stored] = evoliz.api.clients.values()
    assert (outcome.status, outcome.id) == ("unchanged", str(stored["clientid"]))


def test_a_timeout_is_transient_and_the_retry_does_not_duplicate(
    evoliz: FakeEvolizServer, clock: FakeClock
) -> None:
    evoliz.api.inject(Fault(delay=3.0, method="POST", path=f"{CLIENTS_PATH}$", processed=True))
    with connector(evoliz, clock, timeout=0.3) as conn:
        started = time.monotonic()
        with pytest.raises(Transient, match=r"n'a pas répondu dans les 0\.3 s"):
            conn.send([client("CLI1400")], create_only=True)
        assert time.monotonic() - started < 2.5
        [outcome] = conn.send([client("CLI1400")], create_only=True)
    assert outcome.status == "unchanged"
    assert len(evoliz.api.clients) == 1


def test_a_refused_connection_is_transient(clock: FakeClock) -> None:
    with socket.socket() as probe:  # a port nobody listens on once this socket is closed
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with (
        connector(f"http://127.0.0.1:{port}", clock) as conn,
        pytest.raises(Transient, match="Impossible de joindre Evoliz"),
    ):
        conn.send([client("CLI1500")], create_only=True)


# --- addresses and secrets ----------------------------------------------------------------


@pytest.mark.parametrize(
    "url", ["http://www.evoliz.io", "http://192.168.1.20:8080", "HTTP://evoliz.example.com/api"]
)
def test_plain_http_to_another_machine_is_refused(url: str) -> None:
    with pytest.raises(Refused, match=r"n'est pas chiffrée\. Utilisez https://"):
        EvolizConnector(api_settings(), url, PUBLIC, SECRET)


def test_addresses_with_credentials_are_refused_without_repeating_them() -> None:
    with pytest.raises(Refused, match="identifiant ou un mot de passe") as caught:
        check_base_url("https://moi:motdepasse@www.evoliz.io")
    assert "motdepasse" not in str(caught.value)
    for wrong in ("ftp://www.evoliz.io", "www.evoliz.io", "https://"):
        with pytest.raises(Refused, match="invalide"):
            check_base_url(wrong)


@pytest.mark.parametrize(
    "url",
    ["https://www.evoliz.io/", "http://localhost:8000", "http://127.0.0.1:1", "http://[::1]:9"],
)
def test_https_or_this_machine_is_accepted(url: str) -> None:
    assert check_base_url(url) == url.rstrip("/")


def test_no_secret_in_messages_or_logs(caplog: pytest.LogCaptureFixture, clock: FakeClock) -> None:
    """A platform echoing keys and token in its errors: our messages and logs mask them."""
    caplog.set_level(logging.DEBUG)
    messages: list[str] = []
    with fake_evoliz(PUBLIC, SECRET, echo_credentials=True) as server:
        with connector(server, clock, secret=WRONG_SECRET) as conn:
            with pytest.raises(AuthFailed) as refused:
                conn.send([client("CLI1600")], create_only=True)
            messages.append(str(refused.value))
            assert repr(conn) == f"EvolizConnector('clients', '{server.url}')"
        with connector(server, clock) as conn:
            conn.send([client("CLI1601")], create_only=True)
            server.api.inject(Fault(status=500, method="GET"))
            with pytest.raises(Transient) as failed:
                conn.send([client("CLI1602")], create_only=True)
            messages.append(str(failed.value))
            server.api.reject_next_token()
            [outcome] = conn.send([client("CLI1603", type="?")], create_only=True)
            messages.append(outcome.message or "")
        tokens = [
            s.authorization.removeprefix("Bearer ") for s in server.api.seen if s.authorization
        ]
    assert tokens and "***" in messages[0] and "***" in messages[1]
    logged = caplog.text + " ".join(str(r.args) for r in caplog.records)
    assert "Connecté à Evoliz" in logged  # the logs did capture the connector's lines
    for secret in {SECRET, PUBLIC, WRONG_SECRET, *tokens}:
        for text in [*messages, logged]:
            assert secret not in text


# --- pacing -------------------------------------------------------------------------------


@pytest.mark.parametrize(("per_minute", "gap"), [(60, 1.0), (30, 2.0)])
def test_requests_are_spaced_by_the_injected_clock(
    evoliz: FakeEvolizServer, clock: FakeClock, per_minute: int, gap: float
) -> None:
    with connector(evoliz, clock, requests_per_minute=per_minute) as conn:
        send_each(conn, [client("CLI1700"), client("CLI1701")])
    requests = len(evoliz.api.seen)
    assert requests == 5  # login, then a lookup and a creation each
    assert clock.sleeps == pytest.approx([gap] * (requests - 1))


def test_the_pacer_only_waits_for_what_is_left() -> None:
    clock = FakeClock()
    pacer = Pacer(60, clock)
    pacer.wait()
    clock.advance(0.25)
    pacer.wait()
    clock.advance(5)
    pacer.wait()
    assert clock.sleeps == pytest.approx([0.75])


# --- pure helpers -------------------------------------------------------------------------


def test_nest_builds_objects_maps_values_and_refuses_conflicts() -> None:
    maps = {"consent": {"Autorisé": "authorized"}}
    fields: dict[str, JsonValue] = {
        "a.b.c": 1,
        "a.b.d": "x",
        "e": "",
        "consent": "Autorisé",
        "f": None,
        "g": "authorized",
    }
    assert nest(fields, maps) == {
        "a": {"b": {"c": 1, "d": "x"}},
        "consent": "authorized",
        "g": "authorized",
    }
    with pytest.raises(ValueError, match="à la fois une valeur et des sous-champs"):
        nest({"address": "1 rue X", "address.town": "Nantes"})
    with pytest.raises(ValueError, match="à la fois une valeur et des sous-champs"):
        nest({"address.town": "Nantes", "address": "1 rue X"})


def test_token_lifetime_believes_only_a_plausible_expiry() -> None:
    now = 1_800_000_000.0
    iso = "2027-01-15T08:10:00+00:00"  # 600 s after now
    assert token_lifetime(iso, now) == pytest.approx(600)
    assert token_lifetime("2027-01-15T07:59:00+00:00", now) == TOKEN_LIFETIME  # already past
    assert token_lifetime("2027-01-16T08:00:00+00:00", now) == TOKEN_LIFETIME  # a day: no
    assert token_lifetime("dans vingt minutes", now) == TOKEN_LIFETIME
    assert token_lifetime(None, now) == TOKEN_LIFETIME
