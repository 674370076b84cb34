"""What every ``client-import`` command shares: its options, its language, and errors as one
clean line.

One language per run: ``--lang`` (or the ``CLIENT_IMPORT_LANG`` environment variable, read by
every command's ``--lang``) sets the language of the messages; the command help is built before
any option is parsed, so it follows the environment variable alone (French by default).

Our errors become one line on stderr and exit status 2, never a traceback; each command
module (``cli``, ``cli_push``) builds on these.
"""

from __future__ import annotations

import sys
import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated

import typer

from addin.core.catalogue import Lang
from addin.core.profile import Profile
from addin.core.profiles import get_profile
from addin.errors import ClientImportError, UsageError
from addin.language import LANG_ENV, environment_language
from addin.settings import check_region

#: The language of the command help: read once, before the parser is built.
HELP_LANG: Lang = environment_language()


def tr(fr: str, en: str) -> str:
    """A help text in the language of :data:`HELP_LANG`."""
    return en if HELP_LANG == "en" else fr


#: The language of this run's messages, set by :func:`language_of` once ``--lang`` is read.
_said: list[Lang] = [HELP_LANG]


def said() -> Lang:
    """The language this run speaks (errors raised before ``--lang`` was read included)."""
    return _said[0]


# Options that several commands take, declared once.
LangOption = Annotated[
    str,
    typer.Option(
        "--lang",
        envvar=LANG_ENV,
        help=tr(
            f"Langue des messages : fr ou en (sinon la variable {LANG_ENV})",
            f"Language of the messages: fr or en (else the {LANG_ENV} variable)",
        ),
    ),
]
ForceOption = Annotated[
    bool,
    typer.Option("--force", help=tr("Remplacer un fichier existant", "Replace an existing file")),
]
JsonOption = Annotated[bool, typer.Option("--json", help=tr("Sortie JSON", "JSON output"))]
ProfileOption = Annotated[
    str,
    typer.Option(
        "--profile", "-p", help=tr("Profil (voir `profiles`)", "Profile (see `profiles`)")
    ),
]
MaybeProfileOption = Annotated[
    str | None,
    typer.Option(
        "--profile",
        "-p",
        help=tr(
            "Profil (voir `profiles`) ; sinon deviné", "Profile (see `profiles`); else guessed"
        ),
    ),
]


def fail(message: str) -> typer.Exit:
    label = "Erreur : " if said() == "fr" else "Error: "
    sys.stderr.write(f"{label}{' '.join(message.split())}\n")  # one line, never wrapped
    return typer.Exit(2)


@contextmanager
def clean_errors() -> Iterator[None]:
    """Our errors become one line on stderr and exit status 2, never a traceback."""
    try:
        yield
    except ClientImportError as exc:
        raise fail(exc.said(said())) from None
    except MemoryError as exc:
        # a file inside every bound can still need more memory than this machine lends: say
        # so in one line. The traceback keeps the failed work's frames, and with them its
        # memory, alive while this runs: their locals are cleared first, so the sentence has
        # room to be written.
        traceback.clear_frames(exc.__traceback__)
        raise fail(
            "la mémoire de cet ordinateur ne suffit pas pour traiter ce fichier en une fois : "
            "découpez-le en plusieurs fichiers (par exemple 100 000 lignes chacun), ou fermez "
            "d'autres programmes, puis réessayez"
            if said() == "fr"
            else "this computer has not enough memory to handle this file in one go: split it "
            "into several files (for example 100,000 rows each), or close other programs, then "
            "try again"
        ) from None
    except OSError as exc:  # a file system error no use case turned into a sentence
        colon = " : " if said() == "fr" else ": "
        where = f"{quoted(str(exc.filename), said())}{colon}" if exc.filename else ""
        raise fail(f"{where}{exc.strerror or exc}") from None


def quoted(text: str, lang: Lang) -> str:
    """« text » in French, “text” in English."""
    return f"« {text} »" if lang == "fr" else f"“{text}”"


PhoneRegionOption = Annotated[
    str | None,
    typer.Option(
        "--phone-region",
        help=tr(
            "Pays des numéros écrits sans indicatif (FR, BE, CA...) : celui du siège social, "
            "à la place de celui du profil",
            "Country of the numbers written without a country code (FR, BE, CA...): the head "
            "office's, instead of the profile's",
        ),
    ),
]


def profile_or_none(name: str | None, phone_region: str | None = None) -> Profile | None:
    """The profile asked for, or ``None`` to pick one from the file's headers; with the head
    office's country for numbers without a country code (Reveal's page), when given."""
    if phone_region is None:
        return get_profile(name) if name else None
    region = check_region(phone_region)
    if not name:
        raise UsageError(
            "--phone-region s'applique au profil de la plateforme : précisez aussi --profile",
            "--phone-region applies to the platform's profile: give --profile too",
        )
    return get_profile(name).with_phone_region(region)


def chosen_profile(name: str, phone_region: str | None = None) -> Profile:
    """The profile asked for, with the head office's country when given."""
    profile = profile_or_none(name, phone_region)
    assert profile is not None  # a name was given
    return profile


def language_of(lang: str) -> Lang:
    """The run's language, from ``--lang``; every later message of the run speaks it."""
    if lang not in ("fr", "en"):
        raise fail(
            f"--lang accepte fr ou en, pas « {lang} »"
            if said() == "fr"
            else f"--lang takes fr or en, not “{lang}”"
        )
    _said[0] = "fr" if lang == "fr" else "en"
    return _said[0]
