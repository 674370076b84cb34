"""The one door to the network that every connector goes through.

Connectors never call ``requests`` themselves: they call :meth:`HttpClient.request` and get
either a :class:`Response` or one of the errors of :mod:`addin.connectors.connector`. Keeping that
translation in one place means the push's retry logic sees the same errors whatever the
platform, and tests can run a connector against a real local server and assert on those
errors alone (the idea of httpx's transports, without the extra dependency).

What becomes what::

    requests / HTTP                              connector error
    ───────────────────────────────────────────  ──────────────────────────────────
    timeout (connect or read)                    Transient
    connection refused, reset, DNS failure       Transient
    TLS failure (certificate...)                 Refused   (waiting will not fix it)
    2xx with a body that is not JSON             Transient (a proxy's page, a cut body)
    2xx, or a status the caller ``accept``-s     Response (the caller decides)
    429                                          Transient(retry_after=Retry-After)
    501 (not implemented)                        Refused   (waiting will not fix it)
    other 5xx                                    Transient(retry_after=Retry-After or None)
    401, 403                                     AuthFailed
    3xx (redirects are not followed), other 4xx  Refused

Secrets: the token travels in the ``Authorization`` header only, which is never logged, and
every text taken from a reply passes through :meth:`HttpClient.scrub` (see
:mod:`addin.connectors.untrusted`), which masks the secrets registered with
:meth:`HttpClient.add_secret` and any piece of them, and replaces characters that cannot be
stored (a platform that echoes a key back in an error must not put it on the user's screen,
in the journal or in the sheet). The platform's words are masked whole, then cut for display
(:func:`describe_error`): cutting first would leave a piece of a secret behind. Logs carry
the method, the path without its query (codes and e-mails are personal data) and the status,
nothing else.

Plain ``http://`` is accepted only to this machine (the sandbox, the tests' fake servers):
anywhere else a token or an API key would cross the network in clear, so :func:`check_base_url`
refuses it before any connection is made. Requests to this machine never go through a proxy
(``HTTP_PROXY``, ``ALL_PROXY``... without a ``NO_PROXY`` naming it): a proxy would receive in
clear what never had to leave the machine. A proxy for a remote HTTPS address is kept: it only
sees the tunnel's address.
"""

from __future__ import annotations

import ipaddress
import json
import logging
import math
import time
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from typing import Protocol
from urllib.parse import urlsplit

import requests

from addin.connectors.connector import AuthFailed, JsonValue, Refused, Transient
from addin.connectors.untrusted import Scrubber

logger = logging.getLogger(__name__)

#: Host names of this machine (with every loopback address, see :func:`is_local_host`).
LOCAL_HOSTS = frozenset({"localhost", "127.0.0.1", "::1"})

#: Seconds to wait for a connection and then for each read, unless the connector says otherwise.
DEFAULT_TIMEOUT = 30.0

#: The longest platform text kept in an error message; a full HTML page helps nobody.
_DETAIL_LIMIT = 300

#: The largest reply read, in bytes: a page of records or a batch's results is far smaller.
MAX_REPLY = 32 << 20

Params = Mapping[str, str | int]


class Clock(Protocol):
    """Time as the connectors see it, so that tests can pace and expire without waiting."""

    def time(self) -> float:
        """Wall-clock seconds since the epoch (compared with a token's ``expires_at``)."""
        ...

    def monotonic(self) -> float:
        """Seconds that only go forward (pacing)."""
        ...

    def sleep(self, seconds: float) -> None:
        """Wait ``seconds``."""
        ...


class SystemClock:
    """The real clock."""

    def time(self) -> float:
        """:func:`time.time`."""
        return time.time()

    def monotonic(self) -> float:
        """:func:`time.monotonic`."""
        return time.monotonic()

    def sleep(self, seconds: float) -> None:
        """:func:`time.sleep`."""
        time.sleep(seconds)


SYSTEM_CLOCK = SystemClock()


class Pacer:
    """At most ``per_minute`` requests a minute, evenly spaced.

    A platform that counts requests per minute answers 429 when a client bursts; spacing the
    requests ``60 / per_minute`` seconds apart never bursts, and costs nothing more over a
    long push since the platform's limit is the bound anyway. After a 429, :meth:`hold`
    pushes the next slot past the ``Retry-After`` the platform gave. Meant for one connector
    used from one thread, as the push does.
    """

    def __init__(self, per_minute: int | None, clock: Clock = SYSTEM_CLOCK) -> None:
        if per_minute is not None and per_minute <= 0:
            raise ValueError(f"per_minute must be positive, not {per_minute}")
        self.interval = 0.0 if per_minute is None else 60.0 / per_minute
        self._clock = clock
        self._next = -math.inf

    def wait(self) -> None:
        """Sleep until the next request may start, and book the slot after it."""
        now = self._clock.monotonic()
        if self._next > now:
            self._clock.sleep(self._next - now)
            now = self._next
        self._next = now + self.interval

    def hold(self, seconds: float) -> None:
        """No request before ``seconds`` from now (the platform asked us to wait)."""
        self._next = max(self._next, self._clock.monotonic() + seconds)


@dataclass(frozen=True, slots=True)
class Response:
    """A reply the caller asked for: its status, its JSON body (``None`` when empty or not
    JSON, for an accepted error status) and its headers."""

    status: int
    body: JsonValue
    headers: Mapping[str, str] = field(default_factory=dict)


def is_local_host(host: str) -> bool:
    """True for this machine: ``localhost`` or a loopback address (127.0.0.0/8, ``::1``).

    Traffic to these never leaves the machine: plain ``http://`` is fine, a proxy is not.
    """
    name = host.strip("[]").lower()
    if name in LOCAL_HOSTS:
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def check_base_url(base_url: str) -> str:
    """``base_url`` without its trailing ``/``, or :class:`Refused` saying why it cannot be used.

    HTTPS is required except to this machine; an address carrying a user name or password is
    refused too (the credentials would end up in logs and messages), without repeating them.
    """
    try:
        parts = urlsplit(base_url.strip())
        host = parts.hostname or ""
        parts.port  # noqa: B018 - raises ValueError on a port that is not a number
    except ValueError:
        raise Refused(
            "Adresse de la plateforme invalide : vérifiez-la.",
            en="Invalid platform address: check it.",
        ) from None
    shown = f"{parts.scheme}://{host}" if host else base_url.strip()[:80]
    if parts.scheme not in ("https", "http") or not host:
        raise Refused(
            f"Adresse de la plateforme invalide : « {shown} ». "
            "Elle doit commencer par https:// suivi du nom du serveur.",
            en=f"Invalid platform address: “{shown}”. It must start with https:// followed by "
            "the server's name.",
        )
    if parts.username is not None or parts.password is not None:
        raise Refused(
            f"Adresse refusée : « {shown} » contient un identifiant ou un mot de passe. "
            "Retirez-les de l'adresse : les clés d'API sont demandées à part.",
            en=f"Address refused: “{shown}” contains a user name or a password. Take them out "
            "of the address: the API keys are asked for separately.",
        )
    if parts.query or parts.fragment:
        raise Refused(
            f"Adresse de la plateforme invalide : « {shown} » ne doit contenir ni « ? » ni « # ».",
            en=f"Invalid platform address: “{shown}” must contain neither “?” nor “#”.",
        )
    if parts.scheme == "http" and not is_local_host(host):
        raise Refused(
            f"Adresse refusée : « {shown} » n'est pas chiffrée. Utilisez https:// : "
            "http:// n'est accepté que vers cet ordinateur (localhost ou 127.0.0.1), "
            "sinon les clés et le jeton d'accès circuleraient en clair.",
            en=f"Address refused: “{shown}” is not encrypted. Use https://: http:// is only "
            "accepted to this computer (localhost or 127.0.0.1), otherwise the keys and the "
            "access token would travel in clear.",
        )
    return base_url.strip().rstrip("/")


class HttpClient:
    """A ``requests.Session`` with a timeout, pacing, and errors the push understands.

    The session is created here unless one is given; one given by the caller stays the
    caller's to close. Redirects are not followed: a platform that moved should be given its
    new address, and a redirect is how a token could be sent somewhere unexpected.
    """

    def __init__(
        self,
        base_url: str,
        *,
        name: str,
        timeout: float = DEFAULT_TIMEOUT,
        pacer: Pacer | None = None,
        clock: Clock = SYSTEM_CLOCK,
        session: requests.Session | None = None,
    ) -> None:
        self.base_url = check_base_url(base_url)
        self.name = name
        self.timeout = timeout
        self.pacer = pacer
        self._clock = clock
        self._scrubber = Scrubber()
        self._owns_session = session is None
        self._session = requests.Session() if session is None else session
        host = urlsplit(self.base_url).hostname or ""
        # requests' own NO_PROXY handling, for this one host: the environment's proxies are
        # not consulted for it (a session's explicit ``proxies`` are its owner's choice)
        self._proxies = {"no_proxy": host} if is_local_host(host) else None

    def __repr__(self) -> str:
        return f"HttpClient({self.base_url!r}, name={self.name!r})"

    def __enter__(self) -> HttpClient:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        """Close the session's connections, if the session is ours."""
        if self._owns_session:
            self._session.close()

    @property
    def scrubber(self) -> Scrubber:
        """What cleans the platform's texts, outcomes and records (see :meth:`scrub`)."""
        return self._scrubber

    def add_secret(self, secret: str) -> None:
        """Mask ``secret`` and its pieces in every text cleaned from now on (keys, tokens)."""
        self._scrubber.add(secret)

    def scrub(self, text: str) -> str:
        """A platform's ``text`` without any registered secret (nor piece of one), and with
        characters that cannot be stored replaced (:mod:`addin.connectors.untrusted`)."""
        return self._scrubber.text(text)

    def request(
        self,
        method: str,
        path: str,
        *,
        params: Params | None = None,
        json_body: JsonValue = None,
        token: str | None = None,
        accept: Collection[int] = (),
    ) -> Response:
        """Send one request to ``base_url + path``; the reply if it is 2xx or in ``accept``.

        Anything else raises :class:`Transient`, :class:`AuthFailed` or :class:`Refused`
        (see the module's table). ``token`` goes in ``Authorization: Bearer``.
        """
        if self.pacer is not None:
            self.pacer.wait()
        url = f"{self.base_url}/{path.lstrip('/')}"
        headers = {"Accept": "application/json", "User-Agent": "client-import"}
        if token is not None:
            headers["Authorization"] = f"Bearer {token}"
        try:
            with self._session.request(
                method,
                url,
                params=params,
                json=json_body,
                headers=headers,
                timeout=self.timeout,
                allow_redirects=False,
                proxies=self._proxies,
                stream=True,  # read below, within MAX_REPLY
            ) as raw:
                status, reply_headers = raw.status_code, dict(raw.headers)
                content = self._read(raw)
        except requests.exceptions.SSLError:
            raise Refused(
                f"{self.name} : la connexion sécurisée (HTTPS) a échoué, le certificat du "
                "serveur n'est pas reconnu par cet ordinateur.",
                en=f"{self.name}: the secure connection (HTTPS) failed, the server's "
                "certificate is not recognised by this computer.",
            ) from None
        except requests.exceptions.ConnectTimeout:
            raise Transient(
                f"{self.name} ne répond pas : connexion impossible en {self.timeout:g} s.",
                en=f"{self.name} does not answer: no connection within {self.timeout:g} s.",
            ) from None
        except requests.exceptions.Timeout:
            raise Transient(
                f"{self.name} n'a pas répondu dans les {self.timeout:g} s : la requête a pu "
                "aboutir ou non, elle sera vérifiée au prochain essai.",
                en=f"{self.name} did not answer within {self.timeout:g} s: the request may or "
                "may not have gone through, the next attempt will check.",
            ) from None
        except requests.exceptions.ConnectionError:
            raise Transient(
                f"Impossible de joindre {self.name} ({self.base_url}) : connexion refusée ou "
                "coupée, ou réseau indisponible.",
                en=f"Cannot reach {self.name} ({self.base_url}): connection refused or cut, "
                "or no network.",
            ) from None
        except requests.exceptions.RequestException as error:
            raise Refused(
                f"Requête vers {self.name} impossible ({type(error).__name__}).",
                en=f"Request to {self.name} impossible ({type(error).__name__}).",
            ) from None
        logger.debug("%s %s → %d", method, path.split("?", 1)[0], status)
        return self._interpret(status, content, reply_headers, accept)

    def _read(self, raw: requests.Response) -> bytes:
        """The reply's body, or :class:`Refused` past :data:`MAX_REPLY` bytes, never read
        further: a hostile or broken platform must not fill the memory."""
        chunks: list[bytes] = []
        size = 0
        for chunk in raw.iter_content(chunk_size=1 << 16):
            size += len(chunk)
            if size > MAX_REPLY:
                raise Refused(
                    f"{self.name} a envoyé une réponse trop volumineuse (plus de "
                    f"{MAX_REPLY >> 20} Mo) : elle n'a pas été lue. Vérifiez l'adresse de la "
                    "plateforme.",
                    en=f"{self.name} sent a reply that is too large (over {MAX_REPLY >> 20} MB): "
                    "it was not read. Check the platform's address.",
                )
            chunks.append(chunk)
        return b"".join(chunks)

    def _interpret(
        self, status: int, content: bytes, headers: dict[str, str], accept: Collection[int]
    ) -> Response:
        readable, body = _parse_json(content)
        if 200 <= status < 300:
            if not readable:
                raise Transient(
                    f"{self.name} a renvoyé une réponse illisible (pas du JSON) : "
                    "un proxy ou une coupure est probable.",
                    en=f"{self.name} sent back an unreadable reply (not JSON): a proxy or a cut "
                    "connection is likely.",
                )
            return Response(status, body, headers)
        if status in accept:
            return Response(status, body if readable else None, headers)
        detail = describe_error(body, self.scrub) if readable else ""
        said, said_en = (f" : {detail}", f": {detail}") if detail else (".", ".")
        name = self.name
        if status == 429:
            retry_after = self.retry_after(headers)
            if self.pacer is not None and retry_after is not None:
                self.pacer.hold(retry_after)
            wait = f" ; nouvel essai possible dans {retry_after:g} s" if retry_after else ""
            wait_en = f"; new attempt possible in {retry_after:g} s" if retry_after else ""
            raise Transient(
                f"{name} limite le nombre de requêtes (429){wait}{said}",
                retry_after,
                en=f"{name} limits the number of requests (429){wait_en}{said_en}",
            )
        if status == 501:  # the platform does not do this request at all: waiting is useless
            raise Refused(
                f"{name} ne prend pas en charge cette requête (501){said}",
                en=f"{name} does not support this request (501){said_en}",
            )
        if status >= 500:
            raise Transient(
                f"{name} a rencontré une erreur de son côté ({status}){said}",
                self.retry_after(headers),
                en=f"{name} met an error on its side ({status}){said_en}",
            )
        if status in (401, 403):
            raise AuthFailed(
                f"{name} a refusé l'accès ({status}){said} "
                "Vérifiez les clés d'API et leurs droits.",
                en=f"{name} refused access ({status}){said_en} Check the API keys and their "
                "rights.",
            )
        if 300 <= status < 400:
            raise Refused(
                f"{name} redirige vers une autre adresse ({status}) : "
                "vérifiez l'adresse de la plateforme.",
                en=f"{name} redirects to another address ({status}): check the platform's address.",
            )
        raise Refused(
            f"{name} a refusé la requête ({status}){said}",
            en=f"{name} refused the request ({status}){said_en}",
        )

    def retry_after(self, headers: Mapping[str, str]) -> float | None:
        """The ``Retry-After`` header in seconds (a number or an HTTP date), if usable."""
        value = next((v for k, v in headers.items() if k.lower() == "retry-after"), None)
        if value is None:
            return None
        value = value.strip()
        try:
            seconds = float(value)
        except ValueError:
            try:
                seconds = parsedate_to_datetime(value).timestamp() - self._clock.time()
            except (TypeError, ValueError):
                return None
        return max(0.0, seconds) if math.isfinite(seconds) else None


def _parse_json(content: bytes) -> tuple[bool, JsonValue]:
    """(readable, body): an empty body is readable and ``None``."""
    if not content.strip():
        return True, None
    try:
        value: JsonValue = json.loads(content)
    except ValueError:
        return False, None
    return True, value


def describe_error(body: JsonValue, scrub: Callable[[str], str]) -> str:
    """The platform's own words from an error body, passed through ``scrub`` whole and only
    then cut short, or ``""``.

    Knows Evoliz's ``{"error": str, "message": str | {field: [str]}}`` and the generic
    contract's ``{"error": {"code", "message"}}``; anything else gives ``""`` rather than a
    guess. ``scrub`` comes first: a secret cut in two by the cut would no longer be found.
    """
    if not isinstance(body, dict):
        return ""
    error, message = body.get("error"), body.get("message")
    if isinstance(error, dict):
        message = error.get("message", message)
        error = error.get("code")
    if isinstance(message, dict):
        message = " ; ".join(
            f"{name} : {' '.join(str(m) for m in (msgs if isinstance(msgs, list) else [msgs]))}"
            for name, msgs in message.items()
        )
    words = [s for w in (error, message) if isinstance(w, str | int) and (s := str(w).strip())]
    text = scrub(" — ".join(dict.fromkeys(words)))  # same text twice said once
    return text if len(text) <= _DETAIL_LIMIT else text[: _DETAIL_LIMIT - 1] + "…"
