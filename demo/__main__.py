"""Validate each bundled sample, write every platform's template, then fix and export two files.

The samples hold the mistakes accountants really make (lost leading zeros, "Madame" for
"Mme", a phone in the wrong format, a missing required cell...), so the demo shows what the
product says about them. The templates land in ``demo-output/templates/``: open one in Excel
or LibreOffice to see its dropdowns, checks and notes. The last part is the accountant's whole
journey on two files: check, fix what is safe, check again, export the platform's file and the
rejected rows (``demo-output/parcours/``); then a contacts export from Outlook, mapped onto
Reveal Field's columns (the mapping stored as a sheet to correct in Excel) and exported as a
Reveal import (``demo-output/autre-outil/``); last, that workbook's valid rows pushed to the
sandbox platform started as a local process, each row's outcome written back into the
workbook, pushed again (nothing changes) and the journal's history shown
(``demo-output/envoi/``); then the Excel add-in is built (``dist/client-import.xlam``) and its
buttons listed with the Python each one runs. Exit status is 0 when every sample was read and
checked, every template written and every valid row pushed.
"""

from __future__ import annotations

import os
import secrets
import shutil
import sys
from pathlib import Path

import openpyxl
from rich.console import Console
from rich.rule import Rule

from addin.connectors.journal import DATA_DIR_ENV, Journal
from addin.connectors.secrets import TOKEN
from addin.core.choices import label_of
from addin.core.profiles import all_profiles, get_profile
from addin.sandbox.process import sandbox_process
from addin.shells.render.terminal import print_report
from addin.usecases.exporting import export_file
from addin.usecases.fixing import fix_file
from addin.usecases.mapping_file import write_mapping
from addin.usecases.marking import mark_file
from addin.usecases.pushing import PushRequest, choose_mode, open_connector, push_file
from addin.usecases.template_file import make_template
from addin.usecases.validation import load_table, validate_file
from demo.addin_step import show_addin
from demo.excel_step import in_excel

SAMPLES = Path(__file__).parent / "samples"
OTHER_TOOLS = Path(__file__).parent / "autres-outils"
OUTPUT = Path("demo-output")


def main() -> None:
    console = Console()
    for sample in sorted(SAMPLES.iterdir()):
        if sample.name.startswith(".") or sample.suffix == ".md":
            continue
        profile = get_profile(sample.name.split(".")[0].split("_")[0])
        console.print(Rule(f"{profile.platform} — {sample.name}"))
        report = validate_file(sample, profile)
        print_report(report, console, "fr")
    console.print(Rule("Modèles Excel de chaque plateforme"))
    for name, profile in all_profiles().items():
        path = make_template(profile, OUTPUT / "templates" / f"{name}.xlsx", overwrite=True)
        console.print(f"{profile.platform:<14} {path}")
    console.print(Rule("Classeur marqué : couleurs, notes et rapport"))
    marked = mark_file(
        SAMPLES / "evoliz-clients.xlsx",
        get_profile("evoliz-clients"),
        output=OUTPUT / "evoliz-clients-marque.xlsx",
        overwrite=True,
    )
    console.print(
        f"{marked.output} : {marked.notes} note(s), feuille « CI_Rapport » "
        f"({len(marked.report.issues)} ligne(s)) ; `client-import clear` retire les marques."
    )
    for sample, name, extension in (
        ("evoliz-clients.xlsx", "evoliz-clients", ".xlsx"),
        ("hokus.csv", "hokus", ".csv"),
    ):
        journey(console, SAMPLES / sample, name, extension)
    workbook = from_another_tool(console, OTHER_TOOLS / "outlook-contacts.csv")
    in_excel(console, workbook, OUTPUT / "excel")
    pushed = push_to_sandbox(console, workbook)
    show_addin(console)
    console.print(Rule())
    console.print(
        "Démo terminée : chaque fichier a été lu et vérifié, chaque modèle écrit, deux fichiers "
        "corrigés et exportés, un export Outlook converti pour Reveal Field, vérifié, corrigé et "
        "envoyé depuis le ruban Excel puis en ligne de commande à la plateforme d'essai."
    )
    if not pushed:
        sys.exit(1)


def journey(console: Console, sample: Path, name: str, extension: str) -> None:
    """Check a messy file, fix what is safe, check again, then write the platform's file."""
    profile = get_profile(name)
    folder = OUTPUT / "parcours"
    folder.mkdir(parents=True, exist_ok=True)
    console.print(Rule(f"Parcours complet — {profile.platform} ({sample.name})"))
    before = validate_file(sample, profile)
    console.print(
        f"1. Vérification : {len(before.errors)} erreur(s), {len(before.warnings)} "
        f"avertissement(s) sur {before.rows} ligne(s)."
    )
    fixed = fix_file(
        sample, profile, output=folder / f"{name}-corrige{sample.suffix}", overwrite=True
    )
    console.print(f"2. Corrections sûres : {len(fixed.fixes.changes)} cellule(s) → {fixed.output}")
    for change in fixed.fixes.changes:
        console.print(f"     {change.cell:<5} « {change.before} » → « {change.after} »")
    after = validate_file(fixed.output, profile)
    console.print(
        f"3. Nouvelle vérification : {len(after.errors)} erreur(s), {len(after.warnings)} "
        "avertissement(s) : il reste ce qu'une personne doit trancher."
    )
    print_report(after, console, "fr")
    exported = export_file(
        fixed.output,
        profile,
        folder / f"{name}-import{extension}",
        rejects=folder / f"{name}-rejets.xlsx",
        overwrite=True,
    )
    console.print(
        f"4. Export : {len(exported.plan.rows)} ligne(s) dans {exported.files[0]}, "
        f"{len(exported.plan.held_back)} ligne(s) refusée(s) avec leur motif dans "
        f"{exported.rejects}."
    )


def from_another_tool(console: Console, export: Path) -> Path:
    """Outlook's contacts export (its own column names) into a Reveal Field import."""
    profile = get_profile("reveal")
    folder = OUTPUT / "autre-outil"
    shutil.rmtree(folder, ignore_errors=True)  # no backups of earlier demos piling up
    folder.mkdir(parents=True)
    console.print(Rule(f"Fichier d'un autre outil — {export.name} vers {profile.platform}"))
    workbook = folder / "outlook-contacts.xlsx"
    _as_workbook(export, workbook)
    path, mapped = write_mapping(workbook, profile)
    console.print("1. Correspondance des colonnes (automatique) :")
    for line in mapped.lines:
        if line.choice is not None:
            target = label_of(line.choice, profile)
            console.print(f"     {line.column[:28]:<28} → {target:<18} ({line.reason})")
    console.print(
        f"   enregistrée dans {path}, feuille « CI_Correspondance » : un menu par colonne pour "
        "la corriger dans Excel ; validate, fix et export la suivent."
    )
    exported = export_file(
        path,
        profile,
        folder / "reveal-import.xlsx",
        rejects=folder / "reveal-rejets.xlsx",
        overwrite=True,
    )
    console.print(
        f"2. Export : {len(exported.plan.rows)} contact(s) dans {exported.files[0]}, "
        f"{len(exported.plan.held_back)} refusé(s) avec leur motif dans {exported.rejects}."
    )
    return path


def push_to_sandbox(console: Console, workbook: Path) -> bool:
    """The workbook's valid rows sent to the sandbox platform, twice; True if all went."""
    profile = get_profile("reveal")
    folder = OUTPUT / "envoi"
    shutil.rmtree(folder, ignore_errors=True)  # a fresh platform and journal at every demo
    folder.mkdir(parents=True)
    token = secrets.token_hex(16)
    os.environ[DATA_DIR_ENV] = str(folder / "journal")  # not the user's own journal
    os.environ[TOKEN.env_var] = token  # as automation would; `client-import login` for people
    console.print(Rule(f"Envoi à la plateforme d'essai — {workbook.name} vers {profile.platform}"))
    with sandbox_process(folder / "plateforme.sqlite", token) as url:
        console.print(f"Plateforme d'essai démarrée : {url} (`client-import sandbox`)")
        mode = choose_mode(profile, None)
        sent_everything = True
        for attempt in ("1. Premier envoi", "2. Même envoi, relancé"):
            request = PushRequest(workbook, profile, url, mode)
            connector = open_connector(profile, url)
            try:
                with Journal.open() as journal:
                    result = push_file(request, connector, journal)
            finally:
                connector.close()
            assert result.push is not None
            counts = result.push.counts
            console.print(
                f"{attempt} (n° {result.push.id}) : {counts.created} créé(s), {counts.updated} "
                f"mis à jour, {counts.unchanged} inchangé(s), {counts.error} refusé(s), "
                f"{counts.not_sent} non envoyé(s) ; {len(result.invalid)} ligne(s) avec erreurs "
                f"gardées, {len(result.duplicates)} doublon(s) probable(s) de la plateforme "
                "retenu(s)."
            )
            sent_everything = sent_everything and counts.not_sent == 0 and not result.stopped
        console.print(
            f"   résultat de chaque ligne dans {result.written} : colonnes « Statut envoi » et "
            "« ID plateforme », feuille « CI_Historique »."
        )
    return sent_everything


def _as_workbook(export: Path, workbook: Path) -> None:
    """The CSV as the workbook an accountant would open it into (the mapping lives in a sheet)."""
    table = load_table(export, None, None)
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Contacts"
    sheet.append(table.headers)
    for row in zip(*table.columns, strict=True):
        sheet.append(list(row))
    book.save(workbook)


main()
