"""The demo's Excel step: « Vérifier », « Corriger » and « Envoyer » pressed on a workbook as
Excel runs them (``addin.shells.ribbon.commands`` with the calling book), through the tests'
engine (``tests/excel_engine.py``: real xlwings objects over openpyxl, since Excel does not run
here), then the workbook saved where the user can open it.

What each button answered is shown as its message box said it, with the calls it made into
Excel: the figure that tells how long a button would take in Excel (``bench/README.md``).
"""

from __future__ import annotations

import os
import secrets
import shutil
from collections.abc import Callable
from pathlib import Path

import xlwings as xw
from rich.console import Console
from rich.rule import Rule

from addin.connectors.secrets import TOKEN
from addin.files.data_folder import DATA_DIR_ENV
from addin.sandbox.process import sandbox_process
from addin.settings import Settings, save_settings
from addin.shells.ribbon import commands
from tests import excel_engine


def in_excel(console: Console, workbook: Path, folder: Path) -> Path:
    """Check, fix and send ``workbook`` (a Reveal sheet) from the ribbon; the saved result."""
    console.print(Rule("Dans Excel : le ruban « Import clients » sur un classeur ouvert"))
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    path = shutil.copy(workbook, folder / "contacts-excel.xlsx")
    token = secrets.token_hex(16)
    os.environ[DATA_DIR_ENV] = str(folder / "donnees")
    os.environ[TOKEN.env_var] = token
    engine = excel_engine.activate()
    engine.reset()
    excel_engine.USER.reset()
    book = xw.Book(str(path))
    book.set_mock_caller()
    with sandbox_process(folder / "plateforme.sqlite", token) as url:
        save_settings(Settings("reveal", targets={"reveal": url}))
        _press(console, engine, "Vérifier", commands.check)
        _press(console, engine, "Corriger", commands.fix)
        excel_engine.USER.answers.append("yes")  # the preview's « Envoyer ? »: yes
        _press(console, engine, "Envoyer à la plateforme", commands.send)
    book.save(str(path))
    console.print(
        f"Classeur enregistré : {path} (marques, feuille « CI_Rapport », corrections dans "
        "« CI_Corrections », colonnes « Statut envoi » et « ID plateforme »)."
    )
    return Path(path)


def _press(
    console: Console, engine: excel_engine.Engine, label: str, button: Callable[[], None]
) -> None:
    """Press one button and show its last message box, with the calls made into Excel."""
    engine.calls.clear()
    shown = len(engine.alerts)
    button()
    calls = sum(engine.calls.values())
    said = [prompt for _title, prompt, _buttons, _mode in engine.alerts[shown:]]
    console.print(f"[bold]{label}[/] ({calls} appels à Excel) :", highlight=False)
    console.print("   " + said[-1].replace("\n", "\n   "), highlight=False, markup=False)
