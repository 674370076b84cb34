"""``client-import addin build | install | uninstall``: the Excel add-in file, and its place.

Each command is one library call (``addin.xlam``) with clean error messages, as the rest of the
CLI. The build imports pyOpenVBA and xlwings only when it runs, so the other commands do not
pay for them at start.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path, PurePath, PureWindowsPath
from typing import Annotated

import typer

from addin.files.data_folder import data_folder
from addin.shells.cli_common import LangOption, clean_errors, language_of, tr
from addin.xlam import install
from addin.xlam.build import DEFAULT_OUTPUT, AddinConfig, build_addin

addin_app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help=tr(
        "Le complément Excel (client-import.xlam) : le construire, l'installer, le retirer.",
        "The Excel add-in (client-import.xlam): build, install, remove it.",
    ),
)

OutputOption = Annotated[
    Path,
    typer.Option(
        "--output",
        "-o",
        help=tr(
            "Fichier .xlam à écrire (remplacé s'il existe)",
            "The .xlam file to write (replaced if it exists)",
        ),
    ),
]
PythonPathOption = Annotated[
    str,
    typer.Option(
        "--pythonpath",
        help=tr(
            "Dossiers que Python cherchera en premier (réglage PYTHONPATH)",
            "Folders Python looks in first (PYTHONPATH setting)",
        ),
    ),
]


@addin_app.command(
    "build",
    help=tr(
        "Construit le complément Excel depuis vba/ et le modèle de xlwings, sans Excel.",
        "Builds the Excel add-in from vba/ and xlwings' template, without Excel.",
    ),
)
def build_command(
    output: OutputOption = DEFAULT_OUTPUT,
    lang: LangOption = "fr",
    pythonpath: PythonPathOption = "",
) -> None:
    """Construit le complément Excel depuis vba/ et le modèle de xlwings, sans Excel."""
    with clean_errors():
        result = build_addin(
            output, lang=language_of(lang), config=AddinConfig(pythonpath=pythonpath)
        )
    names = ", ".join(name for name, _ in result.platforms)
    typer.echo(f"{result.path} : complément construit (plateformes : {names})")


@addin_app.command(
    "install",
    help=tr(
        "Installe le complément là où Excel le charge au démarrage, avec ce Python.",
        "Installs the add-in where Excel loads it at start, with this Python.",
    ),
)
def install_command(lang: LangOption = "fr") -> None:
    """Installe le complément là où Excel le charge au démarrage, avec ce Python."""
    where = _placement()
    if where.folder is None:
        typer.echo(_linux_says("installerait", config=True))
        return
    with clean_errors():
        done = install.install(
            Path(where.folder),
            where.config,
            data_folder(),
            lang=language_of(lang),
            scripts=None if where.scripts is None else Path(where.scripts),
        )
    typer.echo(f"Complément installé : {done.addin}")
    typer.echo("Fermez Excel s'il est ouvert et rouvrez-le : l'onglet « Import clients » apparaît.")


@addin_app.command(
    "uninstall",
    help=tr(
        "Retire ce que `addin install` a posé, et rien d'autre.",
        "Removes what `addin install` put in place, and nothing else.",
    ),
)
def uninstall_command() -> None:
    """Retire ce que `addin install` a posé, et rien d'autre."""
    if _placement().folder is None:
        typer.echo(_linux_says("retirerait", config=False))
        return
    with clean_errors():
        removed = install.uninstall(data_folder())
    if not removed:
        typer.echo("Rien à retirer : le complément n'a pas été installé par client-import.")
    for path in removed:
        typer.echo(f"Retiré : {path}")


def _placement() -> install.Placement:
    """Where the add-in goes on this machine, with this Python as its interpreter."""
    system = install.system_of(sys.platform)
    return install.placement(system, os.environ, Path.home(), PurePath(sys.executable))


def _linux_says(verb: str, *, config: bool) -> str:
    """Linux has no Excel: what the command would do on Windows and macOS, nothing written."""
    home = Path.home()
    here = PurePath(sys.executable)
    windows = install.placement(
        "windows", {"APPDATA": "%APPDATA%"}, PureWindowsPath("%USERPROFILE%"), here
    )
    mac = install.placement("macos", {}, home, here)
    return "\n".join(
        [
            f"Excel n'existe pas sous Linux : rien n'est écrit. Sous Windows, la commande {verb} :",
            install.described(windows, config=config).replace(str(here), f"{here} (ce Python)"),
            f"Sous macOS, elle {verb} :",
            install.described(mac, config=config).replace(str(here), f"{here} (ce Python)"),
        ]
    )
