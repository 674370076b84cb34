"""Validate each bundled sample with its platform's profile and show the report.

The samples hold the mistakes accountants really make (lost leading zeros, "Madame" for
"Mme", a phone in the wrong format, a missing required cell...), so the demo shows what the
product says about them. Exit status is 0 when every sample was read and checked.
"""

from __future__ import annotations

from pathlib import Path

from rich.console import Console
from rich.rule import Rule

from addin.core.profiles import get_profile
from addin.render.terminal import print_report
from addin.validation import validate_file

SAMPLES = Path(__file__).parent / "samples"


def main() -> None:
    console = Console()
    for sample in sorted(SAMPLES.iterdir()):
        if sample.name.startswith(".") or sample.suffix == ".md":
            continue
        profile = get_profile(sample.name.split(".")[0].split("_")[0])
        console.print(Rule(f"{profile.platform} — {sample.name}"))
        report = validate_file(sample, profile)
        print_report(report, console, "fr")
    console.print(Rule())
    console.print("Démo terminée : chaque fichier a été lu et vérifié.")


main()
