"""The demo's add-in step: build ``dist/client-import.xlam`` and show its buttons.

Each row is one control of the « Import clients » tab, the VBA procedure the ribbon calls and
the one Python call that procedure makes (``vba/Ribbon.bas``), read from the sources the .xlam
was built from. Nothing here needs Excel: open the file in Excel on Windows or macOS to see
the tab (``client-import addin install`` puts it where Excel loads it at start).
"""

from __future__ import annotations

from pathlib import Path

from rich.console import Console
from rich.rule import Rule
from rich.table import Table

from addin.xlam.build import DEFAULT_OUTPUT, build_addin, buttons


def show_addin(console: Console, output: Path = DEFAULT_OUTPUT) -> Path:
    """Build the add-in into ``output`` and print its buttons with their Python targets."""
    console.print(Rule("Complément Excel : client-import.xlam"))
    result = build_addin(output)
    table = Table("Bouton", "Procédure VBA", "Python appelé")
    for button in buttons():
        python = button.python.removeprefix("import addin.shells.ribbon.commands as c; c.")
        table.add_row(button.label, button.procedure, f"addin.shells.ribbon.commands.{python}")
    console.print(table)
    names = ", ".join(name for name, _ in result.platforms)
    console.print(f"{result.path} : construit sans Excel ; plateformes du menu : {names}.")
    return result.path
