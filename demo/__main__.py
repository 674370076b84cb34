"""Validate each bundled sample, write every platform's template, then fix and export two files.

The samples hold the mistakes accountants really make (lost leading zeros, "Madame" for
"Mme", a phone in the wrong format, a missing required cell...), so the demo shows what the
product says about them. The templates land in ``demo-output/templates/``: open one in Excel
or LibreOffice to see its dropdowns, checks and notes. The last part is the accountant's whole
journey on two files: check, fix what is safe, check again, export the platform's file and the
rejected rows (``demo-output/parcours/``). Exit status is 0 when every sample was
read and checked and every template written.
"""

from __future__ import annotations

from pathlib import Path

from rich.console import Console
from rich.rule import Rule

from addin.core.profiles import all_profiles, get_profile
from addin.exporting import export_file
from addin.fixing import fix_file
from addin.marking import mark_file
from addin.render.terminal import print_report
from addin.template_file import make_template
from addin.validation import validate_file

SAMPLES = Path(__file__).parent / "samples"
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
    console.print(Rule())
    console.print(
        "Démo terminée : chaque fichier a été lu et vérifié, chaque modèle écrit, deux fichiers "
        "corrigés et exportés."
    )


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


main()
