"""Validate each bundled sample with its platform's profile, then write every platform's template.

The samples hold the mistakes accountants really make (lost leading zeros, "Madame" for
"Mme", a phone in the wrong format, a missing required cell...), so the demo shows what the
product says about them. The templates land in ``demo-output/templates/``: open one in Excel
or LibreOffice to see its dropdowns, checks and notes. Exit status is 0 when every sample was
read and checked and every template written.
"""

from __future__ import annotations

from pathlib import Path

from rich.console import Console
from rich.rule import Rule

from addin.core.profiles import all_profiles, get_profile
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
    console.print(Rule())
    console.print("Démo terminée : chaque fichier a été lu et vérifié, chaque modèle écrit.")


main()
