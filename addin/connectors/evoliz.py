"""Evoliz's REST API behind the connector interface: clients and their contacts, created only.

Evoliz has no batch endpoint and, as far as its documentation shows, no update or delete
endpoint either (``docs/evoliz.md`` lists what is assumed and unverified). So a push to
Evoliz is a series of single requests, each made safe to repeat by a lookup first:

- **clients**: ``GET list?code=C`` — found: ``unchanged`` with its id (nothing can be
  updated); absent: ``POST create``. A retry after a crash or a timeout finds the client
  the first attempt created instead of creating it again.
- **contacts-clients**: the sheet gives the client's *code* (in the ``clientid`` field), Evoliz
  wants the client's *id*: the code is looked up once per push (unknown code: the row is an
  ``error`` naming it). The contact is then looked up by e-mail within that client before it
  is created, for the same reason.

``batch_size`` is 1: with one record per :meth:`EvolizConnector.send`, the push journals each
outcome before the next record, and a :class:`~addin.connectors.connector.Transient` raised midway
concerns exactly one record. (``send`` still takes several records and sends them one after
the other; it is the push's batching that should stay at one.)

Login (``POST /api/login`` with the public and secret keys) gives a token of about twenty
minutes: it is renewed shortly before it expires, and once more if Evoliz answers 401 anyway
(a clock out of step, a token revoked); a second 401 is
:class:`~addin.connectors.connector.AuthFailed`.
Requests are spaced to the profile's ``requests_per_minute`` by the seam's
:class:`~addin.connectors.http.Pacer`. The keys and the token are masked in every message.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING

import requests

from addin.connectors.connector import (
    AuthFailed,
    Connector,
    JsonValue,
    Outcome,
    Record,
    Refused,
    RemoteRecord,
    Transient,
)
from addin.connectors.http import (
    DEFAULT_TIMEOUT,
    SYSTEM_CLOCK,
    Clock,
    HttpClient,
    Pacer,
    Params,
    Response,
    describe_error,
)
from addin.core.profile import ApiSettings

logger = logging.getLogger(__name__)

CLIENTS = "clients"
CONTACTS = "contacts-clients"

#: Paths used when the profile's ``[api.paths]`` does not give them (platforms.md).
DEFAULT_PATHS: Mapping[str, Mapping[str, str]] = {
    CLIENTS: {
        "login": "/api/login",
        "list": "/api/v1/clients",
        "create": "/api/v1/clients",
        "client_lookup": "/api/v1/clients",
    },
    CONTACTS: {
        "login": "/api/login",
        "list": "/api/v1/contacts-clients",
        "create": "/api/v1/contacts-clients",
        "client_lookup": "/api/v1/clients",
    },
}

#: Seconds a token is trusted at most: the documented ~20 minutes, whatever ``expires_at`` says.
TOKEN_LIFETIME = 20 * 60.0
#: A token is renewed this long before it expires (half its life if it is shorter).
RENEW_BEFORE = 60.0

#: Statuses that reject one record (its data), answered as an ``error`` outcome, not raised.
_REJECTED = (400, 422)
#: The contact field holding the client: the sheet's code on the way in, Evoliz's id sent.
_CLIENT_FIELD = "clientid"


class EvolizConnector:
    """One push to one Evoliz collection ("clients" or "contacts-clients").

    Holds the token and, for the push's duration, the client ids found by code. Not meant to
    be shared between threads. Close it (or use it in a ``with`` block) to close its
    connections.
    """

    batch_size = 1
    #: Records per page when listing (Evoliz's maximum is not documented: see docs/evoliz.md).
    per_page = 100

    def __init__(
        self,
        profile_api: ApiSettings,
        base_url: str,
        public_key: str,
        secret_key: str,
        *,
        clock: Clock = SYSTEM_CLOCK,
        session: requests.Session | None = None,
        timeout: float = DEFAULT_TIMEOUT,
    ) -> None:
        if profile_api.connector != "evoliz":
            raise ValueError(f"profile's api.connector is {profile_api.connector!r}, not 'evoliz'")
        collection = profile_api.collection or ""
        if collection not in DEFAULT_PATHS:
            raise Refused(
                f"Collection Evoliz inconnue : « {collection} » (attendu : "
                f"{' ou '.join(DEFAULT_PATHS)}).",
                en=f"Unknown Evoliz collection: “{collection}” (expected: "
                f"{' or '.join(DEFAULT_PATHS)}).",
            )
        if not public_key.strip() or not secret_key.strip():
            raise AuthFailed(
                "Clé publique ou clé secrète Evoliz manquante : créez-les dans Evoliz "
                "(Compte > Applications > API Evoliz).",
                en="Evoliz public or secret key missing: create them in Evoliz "
                "(Compte > Applications > API Evoliz).",
            )
        self.collection = collection
        self._paths = {**DEFAULT_PATHS[collection], **profile_api.paths}
        # value maps are declared per column id; records arrive with the API's field names
        self._value_maps = {
            profile_api.field_names.get(column, column): mapping
            for column, mapping in profile_api.value_maps.items()
        }
        self._clock = clock
        rate = profile_api.requests_per_minute
        self._http = HttpClient(
            base_url,
            name="Evoliz",
            timeout=timeout,
            pacer=Pacer(rate, clock) if rate else None,
            clock=clock,
            session=session,
        )
        self._http.add_secret(public_key)
        self._http.add_secret(secret_key)
        self._keys = (public_key, secret_key)
        self._token: str | None = None
        self._expires_at: float | None = None
        self._renew_at = 0.0
        #: folded client code → Evoliz client id (as Evoliz sent it), for this push
        self._client_ids: dict[str, JsonValue] = {}
        #: folded codes known to be absent; only while pushing contacts, which create no client
        self._unknown_codes: set[str] = set()
        #: (client id, folded e-mail) → contact id, for this push
        self._contact_ids: dict[tuple[str, str], JsonValue] = {}

    def __repr__(self) -> str:
        return f"EvolizConnector({self.collection!r}, {self._http.base_url!r})"

    def __enter__(self) -> EvolizConnector:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        """Close the connections (the session, if it was created here)."""
        self._http.close()

    @property
    def expires_at(self) -> float | None:
        """When the current token expires (clock's wall time, seconds), ``None`` before login."""
        return self._expires_at

    # --- the connector interface ------------------------------------------------------------

    def send(self, records: Sequence[Record], *, create_only: bool) -> list[Outcome]:
        """Create each record unless it is already in Evoliz (then ``unchanged``, with its id).

        Only ``create_only`` pushes are possible: Evoliz's API has no update.
        """
        if not create_only:
            raise Refused(
                "Evoliz ne permet que la création par son API (aucune modification) : "
                "choisissez le mode « création seule ».",
                en="Evoliz only allows creating through its API (no update): choose the "
                "“create only” mode.",
            )
        create = self._send_client if self.collection == CLIENTS else self._send_contact
        # every outcome cleaned whole: ids, messages and field names all come from Evoliz
        return [self._http.scrubber.outcome(create(record)) for record in records]

    def existing(self) -> Iterator[RemoteRecord]:
        """Every client (key: its code) or contact (key: its client's code and its e-mail, as
        ``CODE|email``), page by page. Evoliz compares them without case: so does the push's
        preview (``pushing``). What Evoliz lists is cleaned like its answers."""
        for record in self._listed():
            yield self._http.scrubber.remote(record)

    def _listed(self) -> Iterator[RemoteRecord]:
        for item in self._pages(self._paths["list"], {}):
            if self.collection == CLIENTS:
                yield RemoteRecord(_text(item.get("code")), _id(item.get("clientid")), item)
            else:
                client = item.get("client")
                code = _text(client.get("code")) if isinstance(client, dict) else ""
                key = f"{code}|{_text(item.get('email'))}"
                yield RemoteRecord(key, _id(item.get("contactid")), item)

    def delete(self, key: str) -> bool:
        """Always refused: Evoliz's API has no delete, removing is done in Evoliz itself."""
        what, what_en = (
            ("un client", "a client")
            if self.collection == CLIENTS
            else (
                "un contact",
                "a contact",
            )
        )
        raise Refused(
            f"Evoliz ne permet pas de supprimer {what} par son API (« {key} ») : "
            "supprimez-le dans Evoliz.",
            en=f"Evoliz does not allow deleting {what_en} through its API (“{key}”): "
            "delete it in Evoliz.",
        )

    # --- clients ----------------------------------------------------------------------------

    def _send_client(self, record: Record) -> Outcome:
        body = self._body(record)
        code = _text(body.get("code"))  # never the record's key: it may be a fingerprint
        if not code:
            message = (
                "Code client vide : il est nécessaire pour l'envoi par l'API, sinon un nouvel "
                "essai après une coupure créerait ce client deux fois."
            )
            english = (
                "Empty client code: the API push needs it, otherwise a new attempt after a "
                "cut would create this client twice."
            )
            return _error(record.key, message, english, "code")
        body["code"] = code
        return self._create_unless_found(
            record.key,
            body,
            lambda: self._find_client(code),
            lambda new_id: self._client_ids.__setitem__(code.casefold(), new_id),
            exists=(
                f"Le client « {code} » existe déjà dans Evoliz : laissé tel quel "
                "(l'API Evoliz ne permet pas de le modifier).",
                f"Client “{code}” already exists in Evoliz: left as it is "
                "(Evoliz's API does not allow changing it).",
            ),
            what=("ce client", "this client"),
            id_name="clientid",
        )

    def _create_unless_found(
        self,
        key: str,
        body: dict[str, JsonValue],
        lookup: Callable[[], JsonValue],
        remember: Callable[[JsonValue], None],
        *,
        exists: tuple[str, str],
        what: tuple[str, str],
        id_name: str,
    ) -> Outcome:
        """Look the record up first (what makes a retry after a lost answer safe), create it
        when absent; a creation answer without the id is followed by a lookup rather than
        losing the id. ``exists`` and ``what`` are (French, English)."""
        found = lookup()
        if found is not None:
            return Outcome(key, "unchanged", _id(found), message=exists[0], en=exists[1])
        response = self._call("POST", self._paths["create"], json_body=body, accept=_REJECTED)
        if response.status in _REJECTED:
            return self._rejected(key, response, what)
        new_id = _created_id(response.body, id_name)
        if new_id is None:
            new_id = lookup()
        else:
            remember(new_id)
        return Outcome(key, "created", _id(new_id))

    def _find_client(self, code: str) -> JsonValue:
        """The Evoliz id of the client with ``code`` (compared without case), or ``None``.

        The ``code`` filter is trusted to narrow the list, not to be exact: every page of its
        answer is checked here. Absent codes are remembered only when pushing contacts; a
        client push must look again, since its own earlier attempt may have created it.
        """
        folded = code.casefold()
        if folded in self._client_ids:
            return self._client_ids[folded]
        if folded in self._unknown_codes:
            return None
        for item in self._pages(self._paths["client_lookup"], {"code": code}):
            client_id = item.get("clientid")
            if _text(item.get("code")).casefold() == folded and client_id is not None:
                self._client_ids[folded] = client_id
                return client_id
        if self.collection == CONTACTS:
            self._unknown_codes.add(folded)
        return None

    # --- contacts ---------------------------------------------------------------------------

    def _send_contact(self, record: Record) -> Outcome:
        body = self._body(record)
        code = _text(body.get(_CLIENT_FIELD))
        if not code:
            message = "Code client vide : le contact doit être rattaché à un client d'Evoliz."
            english = "Empty client code: the contact must belong to an Evoliz client."
            return _error(record.key, message, english, _CLIENT_FIELD)
        client_id = self._find_client(code)
        if client_id is None:
            message = (
                f"Client inconnu dans Evoliz : aucun client n'a le code « {code} ». "
                "Créez-le (import des clients) avant ses contacts, ou corrigez le code."
            )
            english = (
                f"Client unknown to Evoliz: no client has the code “{code}”. Create it "
                "(clients import) before its contacts, or correct the code."
            )
            return _error(record.key, message, english, _CLIENT_FIELD)
        email = _text(body.get("email"))
        if not email:
            message = "E-mail vide : l'API Evoliz l'exige pour créer un contact."
            english = "Empty e-mail: Evoliz's API requires it to create a contact."
            return _error(record.key, message, english, "email")
        body[_CLIENT_FIELD] = client_id
        return self._create_unless_found(
            record.key,
            body,
            lambda: self._find_contact(client_id, email),
            lambda new_id: self._contact_ids.__setitem__(
                (str(client_id), email.casefold()), new_id
            ),
            exists=(
                f"Le contact « {email} » existe déjà pour le client « {code} » : "
                "laissé tel quel (l'API Evoliz ne permet pas de le modifier).",
                f"Contact “{email}” already exists for client “{code}”: left as it is "
                "(Evoliz's API does not allow changing it).",
            ),
            what=("ce contact", "this contact"),
            id_name="contactid",
        )

    def _find_contact(self, client_id: JsonValue, email: str) -> JsonValue:
        """The id of the contact with ``email`` (without case) attached to ``client_id``.

        Asks the list with ``search`` (the e-mail) and ``clientid`` filters, then checks every
        page itself, so a filter Evoliz ignores only costs pages, never a duplicate. A listed
        contact that does not say which client it belongs to counts as a match: a missed
        contact would be created twice, a wrong match only left unchanged (and reported).
        """
        folded = email.casefold()
        cache_key = (str(client_id), folded)
        if cache_key in self._contact_ids:
            return self._contact_ids[cache_key]
        params: Params = {"search": email, _CLIENT_FIELD: str(client_id)}
        for item in self._pages(self._paths["list"], params):
            owner = _contact_client(item)
            contact_id = item.get("contactid")
            if (
                _text(item.get("email")).casefold() == folded
                and (owner is None or str(owner) == str(client_id))
                and contact_id is not None
            ):
                self._contact_ids[cache_key] = contact_id
                return contact_id
        return None

    # --- requests ---------------------------------------------------------------------------

    def _body(self, record: Record) -> dict[str, JsonValue]:
        try:
            return nest(record.fields, self._value_maps)
        except NestingConflict as error:
            raise Refused(str(error), en=error.en) from None

    def _rejected(self, key: str, response: Response, what: tuple[str, str]) -> Outcome:
        """A 400/422 as the row's ``error``: Evoliz's per-field messages keyed by its names."""
        body = response.body if isinstance(response.body, dict) else {}
        field_errors: dict[str, list[str]] = {}
        messages = body.get("message")
        if isinstance(messages, dict):
            for name, said in messages.items():
                listed = said if isinstance(said, list) else [said]
                field_errors[name] = [str(m) for m in listed if m is not None]
        detail = describe_error(body, self._http.scrub)
        said = detail or f"statut {response.status}"
        said_en = detail or f"status {response.status}"
        return Outcome(
            key,
            "error",
            message=f"Evoliz a refusé {what[0]} : {said}",
            field_errors=field_errors,
            en=f"Evoliz refused {what[1]}: {said_en}",
        )

    def _pages(self, path: str, params: Params) -> Iterator[dict[str, JsonValue]]:
        """The items of every page of a list, following ``meta.last_page`` (or ``links.next``)."""
        page = 1
        while True:
            query = {**params, "per_page": self.per_page, "page": page}
            body = self._call("GET", path, params=query).body
            data = body.get("data") if isinstance(body, dict) else None
            if not isinstance(body, dict) or not isinstance(data, list):
                raise Refused(
                    "Réponse inattendue d'Evoliz à une liste (pas de « data ») : "
                    "vérifiez l'adresse et les chemins de l'API dans le profil.",
                    en="Unexpected answer from Evoliz to a list (no “data”): check the address "
                    "and the API's paths in the profile.",
                )
            yield from (item for item in data if isinstance(item, dict))
            meta, links = body.get("meta"), body.get("links")
            last = meta.get("last_page") if isinstance(meta, dict) else None
            if isinstance(last, int):
                more = page < last
            else:
                more = isinstance(links, dict) and bool(links.get("next"))
            if not more or not data:
                return
            page += 1

    def _call(
        self,
        method: str,
        path: str,
        *,
        params: Params | None = None,
        json_body: JsonValue = None,
        accept: tuple[int, ...] = (),
    ) -> Response:
        """An authenticated request; on a 401, one fresh login and one more try."""
        response = self._http.request(
            method, path, params=params, json_body=json_body, token=self._valid_token(),
            accept=(*accept, 401),
        )  # fmt: skip
        if response.status != 401:
            return response
        logger.info("Evoliz a refusé le jeton d'accès : nouvelle connexion.")
        self._token = None
        return self._http.request(
            method, path, params=params, json_body=json_body, token=self._valid_token(),
            accept=accept,
        )  # fmt: skip

    def _valid_token(self) -> str:
        if self._token is None or self._clock.time() >= self._renew_at:
            self._token = self._login()
        return self._token

    def _login(self) -> str:
        public_key, secret_key = self._keys
        response = self._http.request(
            "POST",
            self._paths["login"],
            json_body={"public_key": public_key, "secret_key": secret_key},
            accept=(400, 401, 403, 422),
        )
        body = response.body if isinstance(response.body, dict) else {}
        if response.status >= 400:
            detail = describe_error(body, self._http.scrub)
            raise AuthFailed(
                f"Evoliz a refusé la connexion ({response.status}"
                f"{' : ' + detail if detail else ''}). Vérifiez la clé publique et la clé "
                "secrète (Evoliz : Compte > Applications > API Evoliz).",
                en=f"Evoliz refused the login ({response.status}"
                f"{': ' + detail if detail else ''}). Check the public key and the secret "
                "key (Evoliz: Compte > Applications > API Evoliz).",
            )
        token = body.get("access_token")
        if not isinstance(token, str) or not token:
            raise Transient(
                "Evoliz n'a pas renvoyé de jeton d'accès à la connexion.",
                en="Evoliz sent back no access token at login.",
            )
        self._http.add_secret(token)
        now = self._clock.time()
        lifetime = token_lifetime(body.get("expires_at"), now)
        self._expires_at = now + lifetime
        self._renew_at = now + lifetime - min(RENEW_BEFORE, lifetime / 2)
        logger.info("Connecté à Evoliz (jeton valable %d s).", round(lifetime))
        return token


def token_lifetime(expires_at: JsonValue, now: float) -> float:
    """Seconds the token may be used from ``now``: ``expires_at`` when it is believable.

    The format is not documented: an ISO 8601 date, with or without an offset (without one,
    this computer's local time is assumed). A date in the past or more than
    :data:`TOKEN_LIFETIME` ahead (clocks out of step, another time zone) gives the documented
    twenty minutes instead: trusting it would mean logging in before every request, or a 401
    that the one retry then absorbs.
    """
    if isinstance(expires_at, str):
        try:
            left = dt.datetime.fromisoformat(expires_at.strip()).timestamp() - now
        except (ValueError, OverflowError, OSError):
            return TOKEN_LIFETIME
        if 0 < left <= TOKEN_LIFETIME:
            return left
    return TOKEN_LIFETIME


def nest(
    fields: Mapping[str, JsonValue], value_maps: Mapping[str, Mapping[str, str]] | None = None
) -> dict[str, JsonValue]:
    """The JSON object Evoliz wants from a record's fields: dotted names become nested objects
    (``address.town`` → ``{"address": {"town": ...}}``), empty values are left out (an
    optional field is absent, not blank), and choice values go through the profile's value
    maps (``"Autorisé"`` → ``"authorized"``; a value already mapped passes unchanged).

    Raises :class:`NestingConflict` (a ``ValueError``) when a name is both a value and an
    object (``address`` and ``address.town``): that is a profile error, not the user's.
    """
    maps = value_maps or {}
    nested: dict[str, JsonValue] = {}
    for name, given in fields.items():
        if given is None or (isinstance(given, str) and not given.strip()):
            continue
        value = maps.get(name, {}).get(given, given) if isinstance(given, str) else given
        *parents, leaf = name.split(".")
        target = nested
        for part in parents:
            child = target.setdefault(part, {})
            if not isinstance(child, dict):
                raise NestingConflict(name, part)
            target = child
        if leaf in target and isinstance(target[leaf], dict) != isinstance(value, dict):
            raise NestingConflict(name, leaf)
        target[leaf] = value
    return nested


class NestingConflict(ValueError):
    """A profile gives one Evoliz field both a value and sub-fields; French, and ``en``."""

    def __init__(self, name: str, part: str) -> None:
        super().__init__(
            f"Profil incohérent : le champ Evoliz « {part} » reçoit à la fois une valeur et des "
            f"sous-champs (« {name} »). Corrigez [api.field_names] du profil."
        )
        self.en = (
            f"Inconsistent profile: Evoliz field “{part}” gets both a value and sub-fields "
            f"(“{name}”). Correct the profile's [api.field_names]."
        )


def _text(value: JsonValue) -> str:
    """A scalar as trimmed text (codes may arrive as numbers); anything else as ``""``."""
    if isinstance(value, str | int | float) and not isinstance(value, bool):
        return str(value).strip()
    return ""


def _id(value: JsonValue) -> str | None:
    text = _text(value)
    return text or None


def _created_id(body: JsonValue, name: str) -> JsonValue:
    """The new record's id in a creation reply: at the top, or under ``data``."""
    for candidate in (body, body.get("data") if isinstance(body, dict) else None):
        if isinstance(candidate, dict) and candidate.get(name) is not None:
            return candidate[name]
    return None


def _contact_client(item: Mapping[str, JsonValue]) -> JsonValue:
    """The client id a listed contact belongs to: ``clientid``, or ``client.clientid``."""
    if item.get(_CLIENT_FIELD) is not None:
        return item[_CLIENT_FIELD]
    client = item.get("client")
    return client.get(_CLIENT_FIELD) if isinstance(client, dict) else None


def _error(key: str, message: str, english: str, field: str) -> Outcome:
    return Outcome(key, "error", message=message, field_errors={field: [message]}, en=english)


if TYPE_CHECKING:

    def _conforms(connector: EvolizConnector) -> Connector:
        return connector
