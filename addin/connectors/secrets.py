"""Where a platform's credentials come from: an environment variable, else the OS keyring.

- **Environment variable**, for automation (a scheduled task, CI): ``CLIENT_IMPORT_TOKEN``,
  or for Evoliz ``CLIENT_IMPORT_EVOLIZ_PUBLIC_KEY`` and ``CLIENT_IMPORT_EVOLIZ_SECRET_KEY``.
  When set (non-blank) it wins: whoever sets it for a run means it for that run.
- **The OS keyring** (Windows Credential Manager, macOS Keychain, Secret Service or KWallet on
  Linux) through ``keyring``: service ``client-import``, user name ``KIND@TARGET`` where
  ``TARGET`` is :func:`public_target` of the platform's address, e.g.
  ``token@https://api.hokus.fr/v1``. ``client-import login`` stores them there.

On a machine without a usable keyring (a headless Linux has none) the environment variable is
the only source: :func:`keyring_problem` says why, the error raised when nothing is found says
so and how to provide the secret, and :func:`store_secret` refuses with the same explanation
rather than writing the secret to some file.

A secret never comes from or goes into a workbook, the journal or a log: :class:`Secret`
keeps its value out of ``repr`` and ``str``, and the account name is built from the target
with any user, password or query string taken out.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TypeVar
from urllib.parse import urlsplit

import keyring
import keyring.backends.chainer
import keyring.backends.fail
import keyring.backends.null
import keyring.errors

from addin.core.catalogue import Lang
from addin.errors import ClientImportError, UsageError

#: The keyring's service name for every credential of client-import.
SERVICE = "client-import"
#: The command that stores credentials in the keyring (offered in every "not found" message).
LOGIN_COMMAND = "client-import login"

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class SecretKind:
    """One kind of credential: its name in the keyring, its words, its environment variable."""

    #: first part of the keyring user name (``token@https://...``)
    name: str
    #: French, with its article: "le jeton d'accès"
    label: str
    env_var: str
    #: the same words in English, with their article: "the access token"
    label_en: str = ""


TOKEN = SecretKind("token", "le jeton d'accès", "CLIENT_IMPORT_TOKEN", "the access token")
EVOLIZ_PUBLIC_KEY = SecretKind(
    "evoliz-public-key",
    "la clé publique Evoliz",
    "CLIENT_IMPORT_EVOLIZ_PUBLIC_KEY",
    "the Evoliz public key",
)
EVOLIZ_SECRET_KEY = SecretKind(
    "evoliz-secret-key",
    "la clé secrète Evoliz",
    "CLIENT_IMPORT_EVOLIZ_SECRET_KEY",
    "the Evoliz secret key",
)


@dataclass(frozen=True, slots=True)
class Secret:
    """A credential and where it was found; ``repr`` and ``str`` never show the value."""

    value: str = field(repr=False)
    #: "la variable d'environnement CLIENT_IMPORT_TOKEN" or "le trousseau du système"
    source: str


class SecretError(ClientImportError):
    """A credential cannot be read, stored or forgotten; the message says what to do."""


class SecretNotFound(SecretError):
    """Neither the environment nor the keyring holds the credential."""


class KeyringUnavailable(SecretError):
    """No usable keyring on this machine, so nothing can be stored or forgotten there."""


KEYRING_SOURCE = "le trousseau du système"


@dataclass(frozen=True, slots=True)
class KeyringProblem:
    """Why the keyring cannot be used: lower-case, no final period, in French and English."""

    fr: str
    en: str

    def said(self, lang: Lang) -> str:
        return self.en if lang == "en" else self.fr


_NO_BACKEND = KeyringProblem(
    "aucun trousseau n'est disponible sur cette machine (sur un Linux sans bureau, il faut "
    "un service Secret Service comme gnome-keyring, ou KWallet, dans une session ouverte)",
    "no keyring is available on this machine (a Linux without a desktop needs a Secret "
    "Service such as gnome-keyring, or KWallet, in an open session)",
)


def public_target(url: str) -> str:
    """``url`` as it may be shown, stored or used as an account: scheme, host, port, path.

    User, password, query string and fragment are dropped (a token put there never reaches
    the journal or the keyring's account names); scheme and host are lower-cased and the
    path loses its trailing ``/``, so two spellings of one address give one target.
    """
    text = url.strip()
    try:
        parts = urlsplit(text)
        scheme, host, port, path = parts.scheme.lower(), parts.hostname, parts.port, parts.path
    except ValueError:  # a bad port or IPv6 literal
        scheme, host, port, path = "", None, None, ""
    if scheme not in ("http", "https") or not host:
        raise UsageError(
            f"« {public_target_hint(text)} » n'est pas l'adresse d'une plateforme : "
            "elle doit commencer par https:// (ou http:// pour la machine locale).",
            en=(
                f"“{public_target_hint(text)}” is not the address of a platform: "
                "it must start with https:// (or http:// for the local machine)."
            ),
        )
    if ":" in host:  # IPv6 literal
        host = f"[{host}]"
    netloc = host if port is None else f"{host}:{port}"
    return f"{scheme}://{netloc}{path.rstrip('/')}"


def public_target_hint(text: str) -> str:
    """What of a malformed address can be repeated to the user: up to any ``@`` or ``?``."""
    for mark in ("?", "#"):
        text = text.split(mark, 1)[0]
    if "@" in text:
        text = "…@" + text.rsplit("@", 1)[1]
    return text


def account(target: str, kind: SecretKind = TOKEN) -> str:
    """The keyring user name of ``kind`` for ``target``: ``token@https://host/path``."""
    return f"{kind.name}@{public_target(target)}"


def keyring_problem(lang: Lang = "fr") -> str | None:
    """Why the OS keyring cannot be used here (in ``lang``, no final period), or None if it can."""
    problem = _keyring_problem()
    return None if problem is None else problem.said(lang)


def _keyring_problem() -> KeyringProblem | None:
    try:
        backend = keyring.get_keyring()
    except Exception as error:  # a broken keyring configuration must not stop the product
        return KeyringProblem(
            f"le trousseau du système ne s'ouvre pas ({_describe(error)})",
            f"the system keyring does not open ({_describe(error, ': ')})",
        )
    if isinstance(backend, keyring.backends.fail.Keyring):
        return _NO_BACKEND
    if isinstance(backend, keyring.backends.null.Keyring):
        return KeyringProblem(
            "le trousseau du système est désactivé dans la configuration de keyring",
            "the system keyring is turned off in keyring's configuration",
        )
    if isinstance(backend, keyring.backends.chainer.ChainerBackend) and not backend.backends:
        return _NO_BACKEND
    return None


def read_secret(
    target: str,
    kind: SecretKind = TOKEN,
    *,
    environ: Mapping[str, str] | None = None,
) -> Secret:
    """``kind`` for ``target``: the environment variable when set, else the keyring.

    Raises :class:`SecretNotFound` with a message saying how to provide it (and why the
    keyring could not help, when it could not).
    """
    env = os.environ if environ is None else environ
    from_env = env.get(kind.env_var, "").strip()
    if from_env:
        return Secret(from_env, f"la variable d'environnement {kind.env_var}")
    where = public_target(target)
    problem = _keyring_problem()
    if problem is None:
        try:
            stored = _keyring(lambda: keyring.get_password(SERVICE, account(where, kind)))
        except _KeyringFailed as failure:
            problem = failure.reason
        else:
            if stored:
                return Secret(stored, KEYRING_SOURCE)
    if problem is not None:
        raise SecretNotFound(
            f"Il manque {kind.label} pour {where} et {problem.fr} : « {LOGIN_COMMAND} » ne "
            f"peut pas l'y enregistrer. Définissez la variable d'environnement {kind.env_var}.",
            en=(
                f"{_capitalised(kind.label_en)} for {where} is missing and {problem.en}: "
                f"“{LOGIN_COMMAND}” cannot store it there. Set the {kind.env_var} environment "
                "variable."
            ),
        )
    raise SecretNotFound(
        f"Il manque {kind.label} pour {where}. Pour l'enregistrer dans le trousseau du "
        f"système : « {LOGIN_COMMAND} {where} » ; pour une exécution automatisée : la "
        f"variable d'environnement {kind.env_var}.",
        en=(
            f"{_capitalised(kind.label_en)} for {where} is missing. To store it in the system "
            f"keyring: “{LOGIN_COMMAND} {where}”; for an automated run: the "
            f"{kind.env_var} environment variable."
        ),
    )


def store_secret(target: str, value: str, kind: SecretKind = TOKEN) -> None:
    """Keep ``value`` in the OS keyring for ``target``, replacing any earlier one.

    Raises :class:`KeyringUnavailable` when there is no usable keyring (the message offers
    the environment variable), :class:`SecretError` for a blank value.
    """
    secret = value.strip()
    if not secret:
        raise SecretError(
            f"{_capitalised(kind.label)} est vide : rien n'a été enregistré.",
            en=f"{_capitalised(kind.label_en)} is empty: nothing was stored.",
        )
    name = account(target, kind)
    with _unavailable_unless_usable(kind):
        _keyring(lambda: keyring.set_password(SERVICE, name, secret))


def forget_secret(target: str, kind: SecretKind = TOKEN) -> bool:
    """Remove ``kind`` for ``target`` from the keyring; False when it held none.

    The environment variable, if set, is the user's to unset: this does not touch it.
    """
    name = account(target, kind)
    with _unavailable_unless_usable(kind):
        if _keyring(lambda: keyring.get_password(SERVICE, name)) is None:
            return False
        _keyring(lambda: keyring.delete_password(SERVICE, name))
    return True


class _KeyringFailed(Exception):
    """A keyring call failed; ``reason`` says why, lower-case, without a final period."""

    def __init__(self, reason: KeyringProblem) -> None:
        super().__init__(reason.fr)
        self.reason = reason


@contextmanager
def _unavailable_unless_usable(kind: SecretKind) -> Iterator[None]:
    """Refuse at once without a keyring; turn a failing keyring call into a clear error."""
    problem = _keyring_problem()
    try:
        if problem is None:
            yield
            return
    except _KeyringFailed as failure:
        problem = failure.reason
    raise KeyringUnavailable(
        f"{_capitalised(problem.fr)} : impossible d'y garder {kind.label}. "
        f"Définissez plutôt la variable d'environnement {kind.env_var}.",
        en=(
            f"{_capitalised(problem.en)}: {kind.label_en} cannot be kept in it. "
            f"Set the {kind.env_var} environment variable instead."
        ),
    )


def _keyring(operation: Callable[[], T]) -> T:
    """Run one keyring call; any failure of the backend becomes :class:`_KeyringFailed`."""
    try:
        return operation()
    except Exception as error:  # backends raise their own (D-Bus, Windows) errors too
        raise _KeyringFailed(
            KeyringProblem(
                f"le trousseau du système ne répond pas ({_describe(error)})",
                f"the system keyring does not answer ({_describe(error, ': ')})",
            )
        ) from None


def _describe(error: Exception, colon: str = " : ") -> str:
    text = str(error).strip()
    return f"{type(error).__name__}{colon}{text}" if text else type(error).__name__


def _capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]
