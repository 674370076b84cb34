"""The ``client-import`` command: each command is one library call plus clean error messages.

Exit status of ``validate``: 0 no error (warnings allowed), 1 at least one error, 2 the file
cannot be read or the arguments are wrong (one line on stderr, never a traceback).
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, NoReturn

import typer
from rich.console import Console

from addin.core.catalogue import Lang
from addin.core.choices import label_of
from addin.core.marks import DEFAULT_NOTE_CAP
from addin.core.profile import Profile
from addin.core.profiles import all_profiles, get_profile
from addin.core.report import Report
from addin.sandbox.__main__ import main as sandbox_main
from addin.shells.cli_addin import addin_app
from addin.shells.cli_common import (
    ForceOption,
    JsonOption,
    LangOption,
    MaybeProfileOption,
    PhoneRegionOption,
    ProfileOption,
    chosen_profile,
    clean_errors,
    fail,
    language_of,
    profile_or_none,
    quoted,
    said,
    tr,
)
from addin.shells.cli_push import (
    history_command,
    login_command,
    logout_command,
    push_command,
    undo_push_command,
)
from addin.shells.render.mapping_json import map_json
from addin.shells.render.progress import progress_bar
from addin.shells.render.report_out import check_report_path, report_json, write_report
from addin.shells.render.terminal import SHOWN_ISSUES, print_report
from addin.usecases.exporting import export_file
from addin.usecases.fixing import FixFileResult, fix_file, undo_fixes
from addin.usecases.mapping_file import forget_choices, map_file, write_mapping
from addin.usecases.marking import clear_file, mark_file
from addin.usecases.template_file import make_template
from addin.usecases.validation import validate_file

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help=tr(
        "Vérifie, corrige et envoie des fichiers clients vers les plateformes métier.",
        "Checks, fixes and sends customer files to business platforms.",
    ),
)


@dataclass(frozen=True, slots=True)
class Shown:
    """How ``validate`` shows its report: the language, JSON or text, how many issues the text
    lists (``None``: all), and the file that gets every issue (``--report``)."""

    language: Lang
    as_json: bool = False
    listed: int | None = SHOWN_ISSUES
    report_file: Path | None = None


def _show(report: Report, shown: Shown) -> None:
    """The report on stdout, as JSON or as the readable text; every issue to ``--report``.

    One write of one string: ``json.dump`` to a stream encodes in pure Python, chunk by chunk.
    """
    if shown.report_file is not None:
        with clean_errors():
            write_report(shown.report_file, report, shown.language)
    if shown.as_json:
        sys.stdout.write(report_json(report, shown.language))
    else:
        print_report(report, Console(), shown.language, shown=shown.listed)


@app.command(
    "profiles",
    help=tr(
        "Liste les profils de plateforme disponibles.",
        "Lists the platform profiles available.",
    ),
)
def profiles_command(
    lang: LangOption = "fr",
) -> None:
    """Liste les profils de plateforme disponibles."""
    language = language_of(lang)
    with clean_errors():
        for name, profile in all_profiles().items():
            description = profile.description if language == "fr" else profile.description_en
            typer.echo(f"{name:<18} {description}")


@app.command(
    "validate",
    help=tr(
        "Vérifie chaque cellule d'un fichier selon les règles d'une plateforme.",
        "Checks each cell of a file against a platform's rules.",
    ),
)
def validate_command(  # noqa: PLR0917 (typer reads each option from a parameter)
    file: Annotated[
        Path,
        typer.Argument(
            help=tr(
                "Fichier .xlsx, .xlsm, .xls, .ods ou .csv", "File .xlsx, .xlsm, .xls, .ods or .csv"
            )
        ),
    ],
    profile: MaybeProfileOption = None,
    phone_region: PhoneRegionOption = None,
    sheet: Annotated[
        str | None, typer.Option("--sheet", help=tr("Feuille à vérifier", "Sheet to check"))
    ] = None,
    lang: LangOption = "fr",
    as_json: JsonOption = False,
    annotate: Annotated[
        Path | None,
        typer.Option(
            "--annotate",
            help=tr(
                "Écrire une copie marquée (.xlsx) : couleurs, notes, rapport",
                "Write a marked copy (.xlsx): colours, notes, report",
            ),
        ),
    ] = None,
    in_place: Annotated[
        bool,
        typer.Option(
            "--in-place",
            help=tr(
                "Marquer le classeur lui-même (sauvegarde faite avant)",
                "Mark the workbook itself (a backup is made first)",
            ),
        ),
    ] = False,
    notes_max: Annotated[
        int,
        typer.Option(
            "--notes-max",
            min=0,
            help=tr(
                "Notes posées au plus (le rapport a tout)",
                "Notes written at most (the report has everything)",
            ),
        ),
    ] = DEFAULT_NOTE_CAP,
    listed: Annotated[
        int,
        typer.Option(
            "--max",
            min=0,
            help=tr(
                "Problèmes listés au plus dans le texte (les totaux comptent tout)",
                "Problems listed at most in the text (the totals count everything)",
            ),
        ),
    ] = SHOWN_ISSUES,
    every: Annotated[
        bool, typer.Option("--all", help=tr("Lister tous les problèmes", "List every problem"))
    ] = False,
    report_file: Annotated[
        Path | None,
        typer.Option(
            "--report",
            help=tr(
                "Écrire tous les problèmes dans ce fichier (.csv ou .txt)",
                "Write every problem to this file (.csv or .txt)",
            ),
        ),
    ] = None,
    force: ForceOption = False,
) -> None:
    """Vérifie chaque cellule d'un fichier selon les règles d'une plateforme."""
    language = language_of(lang)
    if report_file is not None:
        with clean_errors():
            check_report_path(report_file, file, force, language)
    shown = Shown(language, as_json, None if every else listed, report_file)
    with clean_errors():
        chosen = profile_or_none(profile, phone_region)
    if annotate is not None or in_place:
        _mark(
            file,
            profile=chosen,
            sheet=sheet,
            shown=shown,
            output=annotate,
            in_place=in_place,
            notes_max=notes_max,
            force=force,
        )
    err = Console(stderr=True)
    with clean_errors():
        with progress_bar(err, language) as bar:
            report = validate_file(file, chosen, sheet=sheet, progress=bar)
        if chosen is None and not as_json:
            err.print(
                f"Profil détecté d'après les en-têtes : {report.profile.name}"
                if language == "fr"
                else f"Profile detected from the headers: {report.profile.name}",
                markup=False,
                highlight=False,
            )
    _show(report, shown)
    raise typer.Exit(0 if report.valid else 1)


def _mark(
    file: Path,
    *,
    profile: Profile | None,
    sheet: str | None,
    shown: Shown,
    output: Path | None,
    in_place: bool,
    notes_max: int,
    force: bool,
) -> NoReturn:
    """``validate --annotate/--in-place``: the same check, then the marks written."""
    language, as_json = shown.language, shown.as_json
    with clean_errors():
        result = mark_file(
            file,
            profile,
            output=output,
            in_place=in_place,
            sheet=sheet,
            lang=language,
            note_cap=notes_max,
            overwrite=force,
        )
    report = result.report
    _show(report, shown)
    if not as_json:
        err = Console(stderr=True)
        if not result.changed:
            err.print(
                f"Rien à marquer : « {result.output.name} » n'a pas été modifié."
                if language == "fr"
                else f"Nothing to mark: “{result.output.name}” was left as it was."
            )
        elif language == "fr":
            err.print(f"Classeur marqué : {result.output} ({result.notes} note(s))")
            if result.backup:
                err.print(f"Sauvegarde de l'original : {result.backup}")
        else:
            err.print(f"Marked workbook: {result.output} ({result.notes} note(s))")
            if result.backup:
                err.print(f"Backup of the original: {result.backup}")
    raise typer.Exit(0 if report.valid else 1)


@app.command(
    "clear",
    help=tr(
        "Retire les marques, notes et feuilles ajoutées par client-import, et rien d'autre.",
        "Removes the marks, notes and sheets client-import added, and nothing else.",
    ),
)
def clear_command(
    file: Annotated[
        Path,
        typer.Argument(help=tr("Classeur .xlsx ou .xlsm marqué", "Marked .xlsx or .xlsm workbook")),
    ],
    lang: LangOption = "fr",
) -> None:
    """Retire les marques, notes et feuilles ajoutées par client-import, et rien d'autre."""
    fr = language_of(lang) == "fr"
    with clean_errors():
        backup = clear_file(file)
    if backup is None:
        typer.echo(
            f"Aucune marque dans « {file.name} » : rien à retirer."
            if fr
            else f"No marks in “{file.name}”: nothing to remove."
        )
    else:
        typer.echo(
            f"Marques retirées de « {file.name} » (sauvegarde : {backup.name})."
            if fr
            else f"Marks removed from “{file.name}” (backup: {backup.name})."
        )


@app.command(
    "fix",
    help=tr(
        "Applique les corrections sûres (espaces, formats, listes...) et les note une à une.",
        "Applies the safe fixes (spaces, formats, lists...) and records each one.",
    ),
)
def fix_command(  # noqa: PLR0917 (typer reads each option from a parameter)
    file: Annotated[
        Path, typer.Argument(help=tr("Fichier .xlsx, .xlsm ou .csv", "File .xlsx, .xlsm or .csv"))
    ],
    profile: MaybeProfileOption = None,
    phone_region: PhoneRegionOption = None,
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help=tr("Fichier corrigé à écrire", "Fixed file to write")),
    ] = None,
    in_place: Annotated[
        bool,
        typer.Option(
            "--in-place",
            help=tr(
                "Corriger le fichier lui-même (sauvegarde avant)",
                "Fix the file itself (backup first)",
            ),
        ),
    ] = False,
    sheet: Annotated[
        str | None, typer.Option("--sheet", help=tr("Feuille à corriger", "Sheet to fix"))
    ] = None,
    lang: LangOption = "fr",
    force: ForceOption = False,
) -> None:
    """Applique les corrections sûres (espaces, formats, listes...) et les note une à une."""
    language = language_of(lang)
    with clean_errors():
        result = fix_file(
            file,
            profile_or_none(profile, phone_region),
            output=output,
            in_place=in_place,
            sheet=sheet,
            lang=language,
            overwrite=force,
        )
    _show_fixes(result, language)
    raise typer.Exit(0 if result.fixes.report.valid else 1)


_SHOWN_CHANGES = 20


def _show_fixes(result: FixFileResult, language: Lang) -> None:
    fixes = result.fixes
    changes, before, after = fixes.changes, fixes.before, fixes.report
    fr = language == "fr"
    for change in changes[:_SHOWN_CHANGES]:
        typer.echo(
            f"  {change.cell:<7} {quoted(str(change.before), language)} → "
            f"{quoted(change.after, language)}"
        )
    if len(changes) > _SHOWN_CHANGES:
        more = len(changes) - _SHOWN_CHANGES
        typer.echo(f"  ... et {more} autre(s)" if fr else f"  ... and {more} more")
    counts = (len(changes), len(before.issues), len(after.errors), len(after.warnings))
    if fr:
        typer.echo(
            "{} cellule(s) corrigée(s). Problèmes : {} avant, reste {} erreur(s) et "
            "{} avertissement(s).".format(*counts)
        )
        typer.echo(f"Fichier corrigé : {result.output}")
    else:
        typer.echo(
            "{} cell(s) fixed. Issues: {} before; {} error(s) and {} warning(s) left.".format(
                *counts
            )
        )
        typer.echo(f"Fixed file: {result.output}")
    if result.backup:
        typer.echo(f"Sauvegarde : {result.backup}" if fr else f"Backup: {result.backup}")
    if result.log:
        typer.echo(f"Corrections notées dans : {result.log}" if fr else f"Changes: {result.log}")
    if result.formulas_kept:
        typer.echo(
            f"{result.formulas_kept} cellule(s) à formule non modifiée(s) : corrigez la formule."
            if fr
            else f"{result.formulas_kept} formula cell(s) left alone: correct the formula."
        )


@app.command(
    "undo",
    help=tr(
        "Annule les corrections notées dans la feuille CI_Corrections du classeur.",
        "Undoes the fixes recorded in the workbook's CI_Corrections sheet.",
    ),
)
def undo_command(
    file: Annotated[
        Path,
        typer.Argument(help=tr("Classeur .xlsx ou .xlsm corrigé", "Fixed .xlsx or .xlsm workbook")),
    ],
    lang: LangOption = "fr",
) -> None:
    """Annule les corrections notées dans la feuille CI_Corrections du classeur."""
    fr = language_of(lang) == "fr"
    with clean_errors():
        result = undo_fixes(file)
    kept = len(result.kept)
    if result.backup is None and not result.kept:
        typer.echo(
            f"Aucune correction notée dans « {file.name} » : rien à annuler."
            if fr
            else f"No fixes recorded in “{file.name}”: nothing to undo."
        )
        return
    if result.backup is None:
        typer.echo(
            f"Rien à annuler : les {kept} cellule(s) corrigée(s) ont été modifiées depuis ; "
            f"« {file.name} » n'a pas été modifié."
            if fr
            else f"Nothing to undo: the {kept} fixed cell(s) were edited since; “{file.name}” "
            "was left as it was."
        )
        return
    restored, backup = result.restored, result.backup.name
    typer.echo(
        f"{restored} cellule(s) remise(s) comme avant (sauvegarde : {backup})."
        if fr
        else f"{restored} cell(s) put back as they were (backup: {backup})."
    )
    if result.kept:
        listed = ", ".join(result.kept[:10]) + (" ..." if kept > 10 else "")
        typer.echo(
            f"{kept} cellule(s) modifiée(s) depuis la correction, laissée(s) telle(s) "
            f"quelle(s) : {listed}"
            if fr
            else f"{kept} cell(s) edited since the fix, left as they are: {listed}"
        )


@app.command(
    "export",
    help=tr(
        "Écrit le fichier d'import de la plateforme avec les seules lignes valides.",
        "Writes the platform's import file with the valid rows only.",
    ),
)
def export_command(  # noqa: PLR0917 (typer reads each option from a parameter)
    file: Annotated[
        Path,
        typer.Argument(
            help=tr(
                "Fichier .xlsx, .xlsm, .xls, .ods ou .csv", "File .xlsx, .xlsm, .xls, .ods or .csv"
            )
        ),
    ],
    profile: ProfileOption,
    output: Annotated[
        Path,
        typer.Option(
            "--output",
            "-o",
            help=tr("Fichier à importer dans la plateforme", "File to import into the platform"),
        ),
    ],
    phone_region: PhoneRegionOption = None,
    rejects: Annotated[
        Path | None,
        typer.Option(
            "--rejects",
            help=tr(
                "Fichier des lignes refusées, avec le motif (.xlsx/.csv)",
                "File of the rows held back, with the reason (.xlsx/.csv)",
            ),
        ),
    ] = None,
    sheet: Annotated[
        str | None, typer.Option("--sheet", help=tr("Feuille à exporter", "Sheet to export"))
    ] = None,
    lang: LangOption = "fr",
    force: ForceOption = False,
) -> None:
    """Écrit le fichier d'import de la plateforme avec les seules lignes valides."""
    language = language_of(lang)
    with clean_errors():
        result = export_file(
            file,
            chosen_profile(profile, phone_region),
            output,
            rejects=rejects,
            sheet=sheet,
            lang=language,
            overwrite=force,
        )
    plan = result.plan
    fr = language == "fr"
    kept, held = len(plan.rows), len(plan.held_back)
    typer.echo(
        f"{kept} ligne(s) exportée(s), {held} ligne(s) refusée(s)."
        if fr
        else f"{kept} row(s) exported, {held} row(s) held back."
    )
    for path in result.files:
        typer.echo(f"Fichier à importer : {path}" if fr else f"File to import: {path}")
    if len(result.files) > 1:
        typer.echo(
            f"Découpé en {len(result.files)} fichiers pour respecter les limites de "
            f"{plan.report.profile.platform} : importez-les l'un après l'autre."
            if fr
            else f"Split into {len(result.files)} files to fit {plan.report.profile.platform}'s "
            "limits: import them one after the other."
        )
    if result.rejects is not None:
        typer.echo(
            f"Lignes refusées : {result.rejects}" if fr else f"Rows held back: {result.rejects}"
        )
    elif held:
        typer.echo(
            "Ajoutez --rejects REJETS.xlsx pour obtenir ces lignes avec leur motif."
            if fr
            else "Add --rejects REJECTS.xlsx to get these rows with their reason."
        )
    raise typer.Exit(0 if held == 0 else 1)


@app.command(
    "map",
    help=tr(
        "Propose, pour chaque colonne du fichier, le champ de la plateforme qu'elle alimente.",
        "Proposes, for each column of the file, the platform field it feeds.",
    ),
)
def map_command(  # noqa: PLR0917 (typer reads each option from a parameter)
    file: Annotated[
        Path,
        typer.Argument(
            help=tr(
                "Fichier .xlsx, .xlsm, .xls, .ods ou .csv", "File .xlsx, .xlsm, .xls, .ods or .csv"
            )
        ),
    ],
    profile: ProfileOption,
    sheet: Annotated[
        str | None, typer.Option("--sheet", help=tr("Feuille à lire", "Sheet to read"))
    ] = None,
    write: Annotated[
        bool,
        typer.Option(
            "--write",
            help=tr(
                "Enregistrer la correspondance dans le classeur (feuille CI_Correspondance, "
                "un menu par colonne) pour la corriger dans Excel",
                "Store the mapping in the workbook (sheet CI_Correspondance, one menu per "
                "column) to correct it in Excel",
            ),
        ),
    ] = False,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            help=tr(
                "Avec --write : classeur à écrire (sinon, sur place)",
                "With --write: workbook to write (else, in place)",
            ),
        ),
    ] = None,
    lang: LangOption = "fr",
    force: ForceOption = False,
    as_json: JsonOption = False,
    set_: Annotated[
        list[str] | None,
        typer.Option(
            "--set",
            help=tr(
                "« Colonne=Champ » : corriger la correspondance d'une colonne (répétable) ; "
                "retenu pour les fichiers aux mêmes en-têtes",
                "“Column=Field”: correct a column's match (repeatable); remembered for files "
                "with the same headers",
            ),
        ),
    ] = None,
    ignore: Annotated[
        list[str] | None,
        typer.Option(
            "--ignore",
            help=tr(
                "« Colonne » : ne pas importer cette colonne (répétable) ; retenu",
                "“Column”: do not import this column (repeatable); remembered",
            ),
        ),
    ] = None,
) -> None:
    """Propose, pour chaque colonne du fichier, le champ de la plateforme qu'elle alimente.

    Vos corrections (feuille de correspondance, --set, --ignore) sont retenues sur cet
    ordinateur pour les fichiers aux mêmes en-têtes ; `client-import forget` les oublie.
    """
    language = language_of(lang)
    corrections = [*(_correction(text) for text in set_ or []), *((c, None) for c in ignore or [])]
    with clean_errors():
        chosen = get_profile(profile)
        if write:
            written, mapped = write_mapping(
                file, chosen, sheet, language, output, overwrite=force, corrections=corrections
            )
        else:
            mapped = map_file(file, chosen, sheet, language, corrections)
    if as_json:
        sys.stdout.write(json.dumps(map_json(mapped), ensure_ascii=False, indent=2))
        sys.stdout.write("\n")
        return
    fr = language == "fr"
    if mapped.resolved.origin == "stored":
        typer.echo(
            "Correspondance enregistrée dans le classeur :"
            if fr
            else "Mapping stored in the workbook:"
        )
    for line in mapped.lines:
        target = quoted(label_of(line.choice, chosen, language), language) if line.choice else "—"
        typer.echo(f"{line.column[:30]:<30} → {target:<32} {line.confidence:.0%} ({line.reason})")
    if mapped.missing_required:
        headers = {c.id: c.header for c in chosen.fields}
        missing = ", ".join(quoted(headers[f], language) for f in mapped.missing_required)
        typer.echo(
            f"Champs obligatoires sans colonne : {missing}"
            if fr
            else f"Required fields without a column: {missing}"
        )
    if mapped.remembered:
        typer.echo(
            f"{mapped.remembered} choix retenu(s) pour les fichiers aux mêmes en-têtes "
            "(`client-import forget` pour les oublier)."
            if fr
            else f"{mapped.remembered} choice(s) remembered for files with the same headers "
            "(`client-import forget` to forget them)."
        )
    if write:
        typer.echo(
            f"Feuille de correspondance écrite : {written} ; corrigez la colonne « Champ » "
            "dans Excel, validate, fix et export la suivront."
            if fr
            else f"Mapping sheet written: {written}; correct its Field column in Excel, "
            "validate, fix and export will follow it."
        )


def _correction(text: str) -> tuple[str, str]:
    """``"Billing Code=Code postal"`` → the column and the field's label (the last ``=``
    separates them: a header may hold one, a field's name does not)."""
    column, equals, label = text.rpartition("=")
    if not equals or not column.strip() or not label.strip():
        raise fail(
            f"--set attend « Colonne=Champ », pas « {text} »"
            if said() == "fr"
            else f"--set takes “Column=Field”, not “{text}”"
        )
    return column, label


@app.command(
    "forget",
    help=tr(
        "Oublie les correspondances que vous avez corrigées : toutes, celles d'un profil (-p), "
        "ou celles des fichiers aux mêmes en-têtes que FILE.",
        "Forgets the column matches you corrected: all of them, a profile's (-p), or those of "
        "files with the same headers as FILE.",
    ),
)
def forget_command(
    file: Annotated[
        Path | None,
        typer.Argument(
            help=tr(
                "Oublier seulement les choix faits pour les en-têtes de ce fichier",
                "Forget only the choices made for this file's headers",
            )
        ),
    ] = None,
    profile: Annotated[
        str | None,
        typer.Option(
            "--profile",
            "-p",
            help=tr(
                "Seulement les choix faits pour ce profil", "Only the choices for this profile"
            ),
        ),
    ] = None,
    sheet: Annotated[
        str | None, typer.Option("--sheet", help=tr("Feuille à lire", "Sheet to read"))
    ] = None,
    lang: LangOption = "fr",
) -> None:
    """Oublie les correspondances que vous avez corrigées : toutes, celles d'un profil (-p),
    ou celles des fichiers aux mêmes en-têtes que FILE."""
    language = language_of(lang)
    with clean_errors():
        forgotten = forget_choices(file, profile_or_none(profile), sheet)
    typer.echo(
        f"{forgotten.choices} choix oublié(s), pour {forgotten.files} jeu(x) d'en-têtes."
        if language == "fr"
        else f"{forgotten.choices} choice(s) forgotten, for {forgotten.files} header set(s)."
    )


@app.command(
    "template",
    help=tr(
        "Crée le modèle Excel d'une plateforme : listes déroulantes, contrôles et aide.",
        "Creates a platform's Excel template: drop-down lists, checks and help.",
    ),
)
def template_command(
    profile: Annotated[
        str, typer.Argument(help=tr("Profil (voir `profiles`)", "Profile (see `profiles`)"))
    ],
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            help=tr(
                "Fichier .xlsx ou dossier (nom par défaut du profil)",
                "File .xlsx or folder (the profile's default name)",
            ),
        ),
    ] = None,
    lang: LangOption = "fr",
    rows: Annotated[
        int | None,
        typer.Option(
            "--rows",
            help=tr(
                "Lignes à contrôler sous l'en-tête (1000)", "Rows checked under the header (1000)"
            ),
        ),
    ] = None,
    force: ForceOption = False,
) -> None:
    """Crée le modèle Excel d'une plateforme : listes déroulantes, contrôles et aide."""
    language = language_of(lang)
    with clean_errors():
        path = make_template(
            get_profile(profile),
            output,
            lang=language,
            rows=rows,
            overwrite=force,
        )
    typer.echo(f"Modèle écrit : {path}" if language == "fr" else f"Template written: {path}")


@app.command(
    "sandbox",
    help=tr(
        "Plateforme d'essai sur 127.0.0.1 (contrat générique d'envoi) pour répéter un envoi. "
        "Le jeton attendu vient de la variable CLIENT_IMPORT_SANDBOX_TOKEN.",
        "A trial platform on 127.0.0.1 (the generic push contract) to rehearse a push. The "
        "token it expects comes from the CLIENT_IMPORT_SANDBOX_TOKEN variable.",
    ),
)
def sandbox_command(
    port: Annotated[
        int,
        typer.Option(
            "--port",
            help=tr("Port d'écoute (0 : un port libre)", "Port to listen on (0: a free port)"),
        ),
    ] = 8765,
    db: Annotated[
        Path,
        typer.Option(
            "--db", help=tr("Fichier SQLite des enregistrements", "SQLite file of the records")
        ),
    ] = Path("client-import-sandbox.sqlite"),
    require: Annotated[
        list[str] | None,
        typer.Option(
            "--require",
            help=tr(
                "Champs obligatoires : COLLECTION=CHAMP,... (répétable)",
                "Required fields: COLLECTION=FIELD,... (repeatable)",
            ),
        ),
    ] = None,
    quiet: Annotated[
        bool, typer.Option("--quiet", help=tr("Sans journal des requêtes", "No request log"))
    ] = False,
    lang: LangOption = "fr",
) -> None:
    """Plateforme d'essai sur 127.0.0.1 (contrat générique d'envoi) pour répéter un envoi.

    Le jeton attendu vient de la variable CLIENT_IMPORT_SANDBOX_TOKEN.
    """
    argv = ["--port", str(port), "--db", str(db), "--lang", language_of(lang)]
    for rule in require or []:
        argv += ["--require", rule]
    if quiet:
        argv.append("--quiet")
    raise typer.Exit(sandbox_main(argv))


app.command(
    "push",
    help=tr(
        "Envoie les lignes valides à la plateforme et écrit le résultat de chaque ligne.",
        "Sends the valid rows to the platform and writes each row's outcome.",
    ),
)(push_command)
app.command(
    "login",
    help=tr(
        "Garde le jeton (ou les clés Evoliz) dans le trousseau du système, jamais dans un fichier.",
        "Keeps the token (or the Evoliz keys) in the system's keyring, never in a file.",
    ),
)(login_command)
app.command(
    "logout",
    help=tr(
        "Retire du trousseau le jeton (ou les clés Evoliz) de cette plateforme.",
        "Removes this platform's token (or Evoliz keys) from the keyring.",
    ),
)(logout_command)
app.command(
    "history",
    help=tr(
        "Liste les derniers envois (numéro, date, fichier, plateforme, mode, résultats).",
        "Lists the latest pushes (number, date, file, platform, mode, outcomes).",
    ),
)(history_command)
app.command(
    "undo-push",
    help=tr(
        "Annule un envoi : supprime de la plateforme ce qu'il a créé, rien d'autre.",
        "Undoes a push: deletes from the platform what it created, nothing else.",
    ),
)(undo_push_command)
app.add_typer(addin_app, name="addin")


def main() -> None:
    """Console entry point; usage errors exit 2 through click, ours through ``fail``."""
    app()
