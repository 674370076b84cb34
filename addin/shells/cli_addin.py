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

from addin.core.catalogue import Lang
from addin.files.data_folder import data_folder
from addin.shells.cli_common import LangOption, clean_errors, language_of, said, tr
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
    language = language_of(lang)
    with clean_errors():
        result = build_addin(output, lang=language, config=AddinConfig(pythonpath=pythonpath))
    names = ", ".join(name for name, _ in result.platforms)
    typer.echo(
        f"{result.path} : complément construit (plateformes : {names})"
        if said() == "fr"
        else f"{result.path}: add-in built (platforms: {names})"
    )


@addin_app.command(
    "install",
    help=tr(
        "Installe le complément là où Excel le charge au démarrage, avec ce Python.",
        "Installs the add-in where Excel loads it at start, with this Python.",
    ),
)
def install_command(lang: LangOption = "fr") -> None:
    """Installe le complément là où Excel le charge au démarrage, avec ce Python."""
    language = language_of(lang)
    where = _placement()
    if where.folder is None:
        typer.echo(_linux_says(("installerait", "would install"), config=True, lang=language))
        return
    with clean_errors():
        done = install.install(
            Path(where.folder),
            where.config,
            data_folder(),
            lang=language,
            scripts=None if where.scripts is None else Path(where.scripts),
        )
    if language == "fr":
        typer.echo(f"Complément installé : {done.addin}")
        typer.echo(
            "Fermez Excel s'il est ouvert et rouvrez-le : l'onglet « Import clients » apparaît."
        )
    else:
        typer.echo(f"Add-in installed: {done.addin}")
        typer.echo("Close Excel if it is open and open it again: the “Import clients” tab shows.")


@addin_app.command(
    "uninstall",
    help=tr(
        "Retire ce que `addin install` a posé, et rien d'autre.",
        "Removes what `addin install` put in place, and nothing else.",
    ),
)
def uninstall_command(lang: LangOption = "fr") -> None:
    """Retire ce que `addin install` a posé, et rien d'autre."""
    fr = language_of(lang) == "fr"
    if _placement().folder is None:
        typer.echo(_linux_says(("retirerait", "would remove"), config=False, lang=said()))
        return
    with clean_errors():
        removed = install.uninstall(data_folder())
    if not removed:
        typer.echo(
            "Rien à retirer : le complément n'a pas été installé par client-import."
            if fr
            else "Nothing to remove: the add-in was not installed by client-import."
        )
    for path in removed:
        typer.echo(f"Retiré : {path}" if fr else f"Removed: {path}")


def _placement() -> install.Placement:
    """Where the add-in goes on this machine, with this Python as its interpreter."""
    system = install.system_of(sys.platform)
    return install.placement(system, os.environ, Path.home(), PurePath(sys.executable))


def _linux_says(verbs: tuple[str, str], *, config: bool, lang: Lang) -> str:
    """Linux has no Excel: what the command would do on Windows and macOS, nothing written."""
    home = Path.home()
    here = PurePath(sys.executable)
    windows = install.placement(
        "windows", {"APPDATA": "%APPDATA%"}, PureWindowsPath("%USERPROFILE%"), here
    )
    mac = install.placement("macos", {}, home, here)
    fr = lang == "fr"
    verb = verbs[0] if fr else verbs[1]
    this = f"{here} (ce Python)" if fr else f"{here} (this Python)"
    return "\n".join(
        [
            f"Excel n'existe pas sous Linux : rien n'est écrit. Sous Windows, la commande {verb} :"
            if fr
            else "Excel does not exist on Linux: nothing is written. On Windows, the command "
            f"{verb}:",
            install.described(windows, config=config, lang=lang).replace(str(here), this),
            f"Sous macOS, elle {verb} :" if fr else f"On macOS, it {verb}:",
            install.described(mac, config=config, lang=lang).replace(str(here), this),
        ]
    )
