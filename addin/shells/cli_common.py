"""What every ``client-import`` command shares: its options, and errors as one clean line.

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
from addin.errors import ClientImportError

# Options that several commands take, declared once.
LangOption = Annotated[str, typer.Option("--lang", help="Langue des messages : fr ou en")]
ForceOption = Annotated[bool, typer.Option("--force", help="Remplacer un fichier existant")]
JsonOption = Annotated[bool, typer.Option("--json", help="Sortie JSON")]
ProfileOption = Annotated[str, typer.Option("--profile", "-p", help="Profil (voir `profiles`)")]
MaybeProfileOption = Annotated[
    str | None, typer.Option("--profile", "-p", help="Profil (voir `profiles`) ; sinon deviné")
]


def fail(message: str) -> typer.Exit:
    sys.stderr.write(f"Erreur : {' '.join(message.split())}\n")  # one line, never wrapped
    return typer.Exit(2)


@contextmanager
def clean_errors() -> Iterator[None]:
    """Our errors become one line on stderr and exit status 2, never a traceback."""
    try:
        yield
    except ClientImportError as exc:
        raise fail(str(exc)) from None
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
        ) from None
    except OSError as exc:  # a file system error no use case turned into a sentence
        where = f"« {exc.filename} » : " if exc.filename else ""
        raise fail(f"{where}{exc.strerror or exc}") from None


def profile_or_none(name: str | None) -> Profile | None:
    """The profile asked for, or ``None`` to pick one from the file's headers."""
    return get_profile(name) if name else None


def language_of(lang: str) -> Lang:
    if lang not in ("fr", "en"):
        raise fail(f"--lang accepte fr ou en, pas « {lang} »")
    return "fr" if lang == "fr" else "en"
