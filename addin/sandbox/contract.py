"""The generic platform contract as data, so the store and the HTTP layer speak the same words.

``docs/push-contract.md`` says it in prose and ``docs/api/openapi.yaml`` for machines; this
module is the sandbox's reading of it: the shape of a record that may be stored
(:func:`check_record`), what a batch answers for each record (:class:`Result`), a page of the
listing (:class:`Page`), and the request-level errors with their stable codes and French
messages (:data:`ERRORS`, raised as :class:`ApiError`). Nothing here knows about sockets or
SQLite, so the same rules hold in the unit tests, the sandbox and the fault-injecting server.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from http import HTTPStatus
from typing import Final, Literal

#: What a batch answers for one record, in request order.
Status = Literal["created", "updated", "unchanged", "error"]

#: A field's value: what a spreadsheet cell can hold once normalised.
Scalar = str | int | float | bool | None

#: Longest key accepted, in characters (a real platform caps its codes too).
MAX_KEY_LENGTH: Final = 255
#: Records per batch unless the sandbox is told otherwise (the profiles' default batch size).
DEFAULT_MAX_BATCH: Final = 100
#: Items per page of the listing.
DEFAULT_PAGE_SIZE: Final = 100
#: Largest request body read, in bytes: 100 records of wide rows fit many times over.
DEFAULT_MAX_BODY: Final = 4 * 1024 * 1024

#: The per-field message of a required field that is missing or blank.
REQUIRED: Final = "obligatoire"
#: The per-field message of a value that is not a scalar.
NOT_SCALAR: Final = "valeur non acceptée : texte, nombre, booléen ou null attendu"

#: A lone surrogate: valid as a JSON escape, impossible to encode in UTF-8.
_SURROGATE = re.compile("[\ud800-\udfff]")

#: Request-level errors: stable code → (HTTP status, French message template).
ERRORS: Final[Mapping[str, tuple[HTTPStatus, str]]] = {
    "token-missing": (
        HTTPStatus.UNAUTHORIZED,
        "Jeton manquant : chaque requête doit porter l'en-tête « Authorization: Bearer <jeton> ».",
    ),
    "token-refused": (HTTPStatus.UNAUTHORIZED, "Jeton refusé : ce n'est pas celui attendu."),
    "not-found": (HTTPStatus.NOT_FOUND, "Adresse inconnue : {path}."),
    "record-not-found": (
        HTTPStatus.NOT_FOUND,
        "Aucun enregistrement de clé « {key} » dans la collection « {collection} ».",
    ),
    "method-not-allowed": (
        HTTPStatus.METHOD_NOT_ALLOWED,
        "Méthode {method} non acceptée à cette adresse (acceptées : {allowed}).",
    ),
    "bad-collection": (
        HTTPStatus.BAD_REQUEST,
        "Nom de collection invalide : « {collection} » (lettres, chiffres, « _ », « - » "
        "et « . », 64 caractères au plus).",
    ),
    "bad-page": (
        HTTPStatus.BAD_REQUEST,
        "Numéro de page invalide : « {page} » (un entier à partir de 1 attendu).",
    ),
    "bad-json": (
        HTTPStatus.BAD_REQUEST,
        "Le corps de la requête n'est pas du JSON valide : {detail}.",
    ),
    "bad-batch": (
        HTTPStatus.BAD_REQUEST,
        'Le corps doit être un objet {{"upsert": [...]}} : {detail}.',
    ),
    "length-required": (
        HTTPStatus.LENGTH_REQUIRED,
        "En-tête Content-Length manquant ou invalide : la longueur du corps doit être annoncée "
        "(l'envoi par morceaux n'est pas accepté).",
    ),
    "body-too-large": (
        HTTPStatus.REQUEST_ENTITY_TOO_LARGE,
        "Requête trop volumineuse : {size} octets, {limit} au plus.",
    ),
    "batch-too-large": (
        HTTPStatus.REQUEST_ENTITY_TOO_LARGE,
        "Lot trop grand : {count} enregistrements, {limit} au plus par requête.",
    ),
    "rate-limited": (
        HTTPStatus.TOO_MANY_REQUESTS,
        "Trop de requêtes : réessayez dans {seconds} s.",
    ),
    "server-error": (HTTPStatus.INTERNAL_SERVER_ERROR, "Erreur interne : réessayez plus tard."),
    "unavailable": (HTTPStatus.SERVICE_UNAVAILABLE, "Service indisponible : réessayez plus tard."),
}


class ApiError(Exception):
    """A request the contract refuses as a whole: its status, stable code and French message.

    ``extra`` members are added to the error object so a client can adapt without parsing
    the message (``batch-too-large`` carries ``max_batch``); ``headers`` go on the response
    (``WWW-Authenticate`` on 401, ``Allow`` on 405, ``Retry-After`` on 429).
    """

    def __init__(
        self,
        code: str,
        *,
        headers: Mapping[str, str] | None = None,
        extra: Mapping[str, object] | None = None,
        **params: object,
    ) -> None:
        status, template = ERRORS[code]
        self.status = status
        self.code = code
        self.message = template.format(**params)
        self.headers: Mapping[str, str] = dict(headers or {})
        self.extra: Mapping[str, object] = dict(extra or {})
        super().__init__(self.message)

    def to_json(self) -> dict[str, object]:
        """The response body: ``{"error": {"code", "message", ...extra}}``."""
        return {"error": {"code": self.code, "message": self.message, **self.extra}}


@dataclass(frozen=True, slots=True)
class RecordError:
    """Why one record was refused: a sentence, and messages per field when fields are at fault."""

    message: str
    fields: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    def to_json(self) -> dict[str, object]:
        """``{"message": str, "fields": {name: [str]}}`` (``fields`` empty when none is named)."""
        return {"message": self.message, "fields": {k: list(v) for k, v in self.fields.items()}}


@dataclass(frozen=True, slots=True)
class Result:
    """What a batch answers for one record; ``id`` is the platform's, null for an error."""

    key: str | None
    status: Status
    id: str | None = None
    error: RecordError | None = None

    def to_json(self) -> dict[str, object]:
        """The JSON object of ``results``; every member present, null when it does not apply."""
        return {
            "key": self.key,
            "status": self.status,
            "id": self.id,
            "error": None if self.error is None else self.error.to_json(),
        }


@dataclass(frozen=True, slots=True)
class Record:
    """A record that passed the checks, ready to be stored under its key."""

    key: str
    fields: Mapping[str, Scalar]


@dataclass(frozen=True, slots=True)
class Item:
    """One stored record as the listing shows it."""

    key: str
    id: str
    fields: Mapping[str, Scalar]

    def to_json(self) -> dict[str, object]:
        """``{"key", "id", "fields"}``."""
        return {"key": self.key, "id": self.id, "fields": dict(self.fields)}


@dataclass(frozen=True, slots=True)
class Page:
    """One page of a collection, oldest record first; ``next_page`` is null on the last one."""

    items: tuple[Item, ...]
    next_page: int | None

    def to_json(self) -> dict[str, object]:
        """``{"items": [...], "next_page": int | null}``."""
        return {"items": [item.to_json() for item in self.items], "next_page": self.next_page}


def canonical_json(value: object) -> str:
    """One spelling per value, so equal fields compare equal as text.

    Keys sorted, no spaces, non-ASCII kept. ``1``, ``1.0`` and ``true`` stay distinct (Python's
    ``==`` would call them equal), so changing a value's type counts as an update.
    """
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def parse_json(body: bytes) -> object:
    """The request body as JSON, or ``bad-json``.

    Refused as well, although Python's reader takes them: ``NaN`` and ``Infinity`` (not
    JSON), numbers too large for a float (``1e999`` would be stored as infinity and served
    back as ``Infinity``, which no JSON reader accepts), and texts holding a lone surrogate
    (the escape ``"\\ud800"`` is valid JSON, but no UTF-8 file or database can store it).
    """

    def refuse_constant(name: str) -> object:
        raise ValueError(f"{name} n'est pas une valeur JSON")

    try:
        value = json.loads(
            body.decode("utf-8"), parse_constant=refuse_constant, parse_float=_finite
        )
    except UnicodeDecodeError:
        raise ApiError("bad-json", detail="il n'est pas encodé en UTF-8") from None
    except RecursionError:
        raise ApiError("bad-json", detail="imbrication trop profonde") from None
    except json.JSONDecodeError as error:
        where = f"ligne {error.lineno}, colonne {error.colno}"
        raise ApiError("bad-json", detail=f"erreur de syntaxe {where}") from None
    except ValueError as error:  # NaN, Infinity, 1e999, refused above
        raise ApiError("bad-json", detail=str(error)) from None
    _check_texts(value)
    return value


def _finite(text: str) -> float:
    """A JSON number with a fraction or exponent, if a float can hold it."""
    number = float(text)
    if not math.isfinite(number):
        raise ValueError(f"le nombre {text[:20]} dépasse ce qu'un nombre décimal peut contenir")
    return number


def _check_texts(value: object) -> None:
    """``bad-json`` if a text of ``value`` (object keys included) holds a lone surrogate.

    Walked with a stack, not by recursion: the reader accepted the depth, this must too.
    """
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
        elif isinstance(item, str) and _SURROGATE.search(item):
            raise ApiError(
                "bad-json",
                detail="un texte contient un caractère isolé (\\ud800 à \\udfff) "
                "qu'aucun texte UTF-8 ne peut contenir",
            )


def batch_records(body: object, max_batch: int) -> list[object]:
    """The ``upsert`` list of a batch body, or the request-level error that refuses it.

    Unknown members are refused rather than ignored: a client that sends ``delete`` beside
    ``upsert`` must not believe it deleted anything.
    """
    if not isinstance(body, dict):
        raise ApiError("bad-batch", detail="ce n'est pas un objet")
    unknown = sorted(set(body) - {"upsert"})
    if unknown:
        raise ApiError("bad-batch", detail="membre inconnu " + ", ".join(unknown))
    records = body.get("upsert")
    if not isinstance(records, list):
        raise ApiError("bad-batch", detail="« upsert » doit être une liste")
    if len(records) > max_batch:
        raise ApiError(
            "batch-too-large", count=len(records), limit=max_batch, extra={"max_batch": max_batch}
        )
    return records


def check_record(
    raw: object, required: Sequence[str] = (), stored: Mapping[str, object] | None = None
) -> Record | Result:
    """One element of ``upsert`` → the :class:`Record` to store, or the error answered for it.

    Every problem of the record is reported at once (key, shape of ``fields``, values that are
    not scalars, required fields missing or blank), as a platform would, so the user fixes a
    row in one go. ``stored``: the fields the key already has; the fields sent are merged
    into them (see :func:`merged`), and a required field must be filled after the merge.
    """
    if not isinstance(raw, dict):
        return _refused(
            None, ['L\'enregistrement doit être un objet {"key": ..., "fields": {...}}.']
        )
    key = raw.get("key")
    messages: list[str] = []
    per_field: dict[str, list[str]] = {}
    if not isinstance(key, str) or not key.strip() or len(key) > MAX_KEY_LENGTH:
        messages.append(
            f"Clé « key » manquante ou invalide : texte non vide de {MAX_KEY_LENGTH} caractères "
            "au plus attendu."
        )
    fields = raw.get("fields")
    if not isinstance(fields, dict):
        messages.append("« fields » doit être un objet {nom: valeur}.")
        fields = {}
    for name, value in fields.items():
        if value is not None and not isinstance(value, str | int | float | bool):
            per_field.setdefault(name, []).append(NOT_SCALAR)
    if per_field:
        messages.append("Valeurs refusées : " + ", ".join(per_field) + ".")
    after = merged(stored or {}, fields)
    missing = [name for name in required if _blank(after.get(name))]
    for name in missing:
        per_field.setdefault(name, []).append(REQUIRED)
    if missing:
        messages.append("Champs obligatoires manquants : " + ", ".join(missing) + ".")
    if messages or not isinstance(key, str):
        return _refused(key if isinstance(key, str) else None, messages, per_field)
    return Record(key=key, fields=fields)


def merged(stored: Mapping[str, object], sent: Mapping[str, object]) -> dict[str, object]:
    """A record's fields after an upsert: each field sent replaces the stored one, ``null``
    removes it, fields not sent are kept (a file's blank cell never erases a platform's value).
    """
    fields = {**stored, **sent}
    return {name: value for name, value in fields.items() if value is not None}


def _blank(value: object) -> bool:
    """Missing, null, or text made only of spaces: what "required" refuses (0 and false count)."""
    return value is None or (isinstance(value, str) and not value.strip())


def _refused(
    key: str | None, messages: list[str], per_field: Mapping[str, list[str]] | None = None
) -> Result:
    fields = {name: tuple(found) for name, found in (per_field or {}).items()}
    return Result(key=key, status="error", error=RecordError(" ".join(messages), fields))
