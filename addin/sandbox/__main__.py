"""``python -m addin.sandbox --port 8765 --db PATH --token TOKEN``: the sandbox in the foreground.

Standard output gets exactly one line, ``listening on http://127.0.0.1:PORT``, once the port
is bound, so a parent process that asked for ``--port 0`` reads the port from it. The access
log goes to standard error (``--quiet`` silences it; a parent that does not read standard
error should pass it, or its pipe may fill up). The token comes from ``--token`` or, better,
from the ``CLIENT_IMPORT_SANDBOX_TOKEN`` environment variable, since a command line is visible
to every user of the machine; it is never printed. Ctrl+C or SIGTERM stop the server cleanly.
Exit status: 0 when stopped, 2 when it cannot start (one line on standard error).
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from addin.language import LANG_ENV, environment_language
from addin.sandbox.api import Limits
from addin.sandbox.contract import DEFAULT_MAX_BATCH, DEFAULT_MAX_BODY, DEFAULT_PAGE_SIZE
from addin.sandbox.errors import SandboxError
from addin.sandbox.server import HOST, serve
from addin.sandbox.store import parse_required

#: Where the token is read when ``--token`` is not given.
TOKEN_ENV = "CLIENT_IMPORT_SANDBOX_TOKEN"
#: The language of the whole product's messages and help, ``fr`` (default) or ``en``.
DEFAULT_PORT = 8765
DEFAULT_DB = Path("client-import-sandbox.sqlite")


def build_parser() -> argparse.ArgumentParser:
    """The options, with help in the product's language (French unless ``CLIENT_IMPORT_LANG``
    says ``en``), like the rest of the command line."""
    fr = environment_language() == "fr"

    def tr(french: str, english: str) -> str:
        return french if fr else english

    parser = argparse.ArgumentParser(
        prog="python -m addin.sandbox",
        description=tr(
            "Plateforme d'essai locale (127.0.0.1) qui suit le contrat générique "
            "d'envoi (docs/push-contract.md) et garde les enregistrements dans SQLite.",
            "A local trial platform (127.0.0.1) following the generic push contract "
            "(docs/push-contract.md), keeping its records in SQLite.",
        ),
    )
    parser.add_argument(
        "--port",
        type=int,
        default=DEFAULT_PORT,
        help=tr("Port d'écoute ; 0 pour un port libre", "Port to listen on; 0 for a free port"),
    )
    parser.add_argument(
        "--db",
        type=Path,
        default=DEFAULT_DB,
        help=tr("Fichier SQLite des données", "SQLite file of the data"),
    )
    parser.add_argument(
        "--token",
        help=tr(
            f"Jeton attendu (sinon la variable d'environnement {TOKEN_ENV})",
            f"Token expected (else the {TOKEN_ENV} environment variable)",
        ),
    )
    parser.add_argument(
        "--require",
        action="append",
        default=[],
        metavar=tr("COLLECTION=CHAMP,...", "COLLECTION=FIELD,..."),
        help=tr(
            "Champs obligatoires d'une collection (répétable)",
            "Required fields of a collection (repeatable)",
        ),
    )
    parser.add_argument(
        "--max-batch",
        type=int,
        default=DEFAULT_MAX_BATCH,
        help=tr("Lot maximal", "Largest batch"),
    )
    parser.add_argument(
        "--max-body",
        type=int,
        default=DEFAULT_MAX_BODY,
        help=tr("Taille maximale d'un corps (octets)", "Largest body (bytes)"),
    )
    parser.add_argument(
        "--page-size",
        type=int,
        default=DEFAULT_PAGE_SIZE,
        help=tr("Éléments par page de la liste", "Items per page of the list"),
    )
    parser.add_argument(
        "--quiet", action="store_true", help=tr("Pas de journal des requêtes", "No request log")
    )
    parser.add_argument(
        "--lang",
        choices=("fr", "en"),
        default=environment_language(),
        help=tr(
            f"Langue des messages (sinon la variable {LANG_ENV})",
            f"Language of the messages (else the {LANG_ENV} variable)",
        ),
    )
    return parser


def _announce(port: int) -> None:
    """The one line a parent process waits for."""
    print(f"listening on http://{HOST}:{port}", flush=True)


def main(argv: Sequence[str] | None = None) -> int:
    """Run until stopped; returns the exit status."""
    args = build_parser().parse_args(argv)
    token = args.token or os.environ.get(TOKEN_ENV, "")
    try:
        if not token:
            raise SandboxError(
                f"Aucun jeton : définissez la variable d'environnement {TOKEN_ENV} "
                f"(par exemple : export {TOKEN_ENV}=un-jeton-de-votre-choix).",
                f"No token: set the {TOKEN_ENV} environment variable "
                f"(for example: export {TOKEN_ENV}=a-token-of-your-choice).",
            )
        if min(args.max_batch, args.max_body, args.page_size) < 1:
            raise SandboxError(
                "--max-batch, --max-body et --page-size doivent être positifs.",
                "--max-batch, --max-body and --page-size must be positive.",
            )
        limits = Limits(args.max_batch, args.max_body, args.page_size)
        serve(
            args.port,
            args.db,
            token,
            ready=_announce,
            require=parse_required(args.require),
            limits=limits,
            log=None if args.quiet else sys.stderr,
        )
    except SandboxError as error:
        print(error.said(args.lang), file=sys.stderr)
        return 2
    except KeyboardInterrupt:  # before the server's own handling of Ctrl+C is in place
        return 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
