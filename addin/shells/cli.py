"""The ``client-import`` command: each command is one library call plus clean error messages.

Exit status of ``validate``: 0 no error (warnings allowed), 1 at least one error, 2 the file
cannot be read or the arguments are wrong (one line on stderr, never a traceback).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, NoReturn

import typer
from rich.console import Console

from addin.core.catalogue import Lang
from addin.core.choices import label_of
from addin.core.marks import DEFAULT_NOTE_CAP
from addin.core.profiles import all_profiles, get_profile
from addin.core.report import Report
from addin.sandbox.__main__ import main as sandbox_main
from addin.shells.cli_addin import addin_app
from addin.shells.cli_common import (
    ForceOption,
    JsonOption,
    LangOption,
    MaybeProfileOption,
    ProfileOption,
    clean_errors,
    language_of,
    profile_or_none,
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
from addin.shells.render.terminal import print_report
from addin.usecases.exporting import export_file
from addin.usecases.fixing import FixFileResult, fix_file, undo_fixes
from addin.usecases.mapping_file import map_file, write_mapping
from addin.usecases.marking import clear_file, mark_file
from addin.usecases.template_file import make_template
from addin.usecases.validation import validate_file

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="Vérifie, corrige et envoie des fichiers clients vers les plateformes métier.",
)


def _show(report: Report, language: Lang, as_json: bool) -> None:
    """The report on stdout, as JSON or as the readable table.

    ``json.dumps`` then one write: ``json.dump`` to a stream encodes in pure Python, chunk by
    chunk (5 s instead of 0.7 for 100,000 issues).
    """
    if as_json:
        sys.stdout.write(json.dumps(report.to_dict(language), ensure_ascii=False, indent=2))
        sys.stdout.write("\n")
    else:
        print_report(report, Console(), language)


@app.command("profiles")
def profiles_command(
    lang: LangOption = "fr",
) -> None:
    """Liste les profils de plateforme disponibles."""
    with clean_errors():
        for name, profile in all_profiles().items():
            description = profile.description if lang == "fr" else profile.description_en
            typer.echo(f"{name:<18} {description}")


@app.command("validate")
def validate_command(  # noqa: PLR0917 (typer reads each option from a parameter)
    file: Annotated[Path, typer.Argument(help="Fichier .xlsx, .xlsm, .xls, .ods ou .csv")],
    profile: MaybeProfileOption = None,
    sheet: Annotated[str | None, typer.Option("--sheet", help="Feuille à vérifier")] = None,
    lang: LangOption = "fr",
    as_json: JsonOption = False,
    annotate: Annotated[
        Path | None,
        typer.Option(
            "--annotate", help="Écrire une copie marquée (.xlsx) : couleurs, notes, rapport"
        ),
    ] = None,
    in_place: Annotated[
        bool,
        typer.Option("--in-place", help="Marquer le classeur lui-même (sauvegarde faite avant)"),
    ] = False,
    notes_max: Annotated[
        int, typer.Option("--notes-max", min=0, help="Notes posées au plus (le rapport a tout)")
    ] = DEFAULT_NOTE_CAP,
) -> None:
    """Vérifie chaque cellule d'un fichier selon les règles d'une plateforme."""
    language = language_of(lang)
    if annotate is not None or in_place:
        _mark(
            file,
            profile=profile,
            sheet=sheet,
            language=language,
            as_json=as_json,
            output=annotate,
            in_place=in_place,
            notes_max=notes_max,
        )
    err = Console(stderr=True)
    with clean_errors():
        chosen = profile_or_none(profile)
        with progress_bar(err, language) as bar:
            report = validate_file(file, chosen, sheet=sheet, progress=bar)
        if chosen is None and not as_json:
            said = (
                "Profil détecté d'après les en-têtes"
                if language == "fr"
                else "Profile detected from the headers"
            )
            err.print(f"{said} : {report.profile.name}")
    _show(report, language, as_json)
    raise typer.Exit(0 if report.valid else 1)


def _mark(
    file: Path,
    *,
    profile: str | None,
    sheet: str | None,
    language: Lang,
    as_json: bool,
    output: Path | None,
    in_place: bool,
    notes_max: int,
) -> NoReturn:
    """``validate --annotate/--in-place``: the same check, then the marks written."""
    with clean_errors():
        result = mark_file(
            file,
            profile_or_none(profile),
            output=output,
            in_place=in_place,
            sheet=sheet,
            lang=language,
            note_cap=notes_max,
        )
    report = result.report
    _show(report, language, as_json)
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


@app.command("clear")
def clear_command(
    file: Annotated[Path, typer.Argument(help="Classeur .xlsx ou .xlsm marqué")],
) -> None:
    """Retire les marques, notes et feuilles ajoutées par client-import, et rien d'autre."""
    with clean_errors():
        backup = clear_file(file)
    if backup is None:
        typer.echo(f"Aucune marque dans « {file.name} » : rien à retirer.")
    else:
        typer.echo(f"Marques retirées de « {file.name} » (sauvegarde : {backup.name}).")


@app.command("fix")
def fix_command(  # noqa: PLR0917 (typer reads each option from a parameter)
    file: Annotated[Path, typer.Argument(help="Fichier .xlsx, .xlsm ou .csv")],
    profile: MaybeProfileOption = None,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Fichier corrigé à écrire")
    ] = None,
    in_place: Annotated[
        bool, typer.Option("--in-place", help="Corriger le fichier lui-même (sauvegarde avant)")
    ] = False,
    sheet: Annotated[str | None, typer.Option("--sheet", help="Feuille à corriger")] = None,
    lang: LangOption = "fr",
    force: ForceOption = False,
) -> None:
    """Applique les corrections sûres (espaces, formats, listes...) et les note une à une."""
    language = language_of(lang)
    with clean_errors():
        result = fix_file(
            file,
            profile_or_none(profile),
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
        typer.echo(f"  {change.cell:<7} « {change.before} » → « {change.after} »")
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


@app.command("undo")
def undo_command(
    file: Annotated[Path, typer.Argument(help="Classeur .xlsx ou .xlsm corrigé")],
) -> None:
    """Annule les corrections notées dans la feuille CI_Corrections du classeur."""
    with clean_errors():
        result = undo_fixes(file)
    if result.backup is None and not result.kept:
        typer.echo(f"Aucune correction notée dans « {file.name} » : rien à annuler.")
        return
    if result.backup is None:
        typer.echo(
            f"Rien à annuler : les {len(result.kept)} cellule(s) corrigée(s) ont été modifiées "
            f"depuis ; « {file.name} » n'a pas été modifié."
        )
        return
    typer.echo(
        f"{result.restored} cellule(s) remise(s) comme avant (sauvegarde : {result.backup.name})."
    )
    if result.kept:
        listed = ", ".join(result.kept[:10]) + (" ..." if len(result.kept) > 10 else "")
        typer.echo(
            f"{len(result.kept)} cellule(s) modifiée(s) depuis la correction, laissée(s) telle(s) "
            f"quelle(s) : {listed}"
        )


@app.command("export")
def export_command(  # noqa: PLR0917 (typer reads each option from a parameter)
    file: Annotated[Path, typer.Argument(help="Fichier .xlsx, .xlsm, .xls, .ods ou .csv")],
    profile: ProfileOption,
    output: Annotated[
        Path, typer.Option("--output", "-o", help="Fichier à importer dans la plateforme")
    ],
    rejects: Annotated[
        Path | None,
        typer.Option("--rejects", help="Fichier des lignes refusées, avec le motif (.xlsx/.csv)"),
    ] = None,
    sheet: Annotated[str | None, typer.Option("--sheet", help="Feuille à exporter")] = None,
    lang: LangOption = "fr",
    force: ForceOption = False,
) -> None:
    """Écrit le fichier d'import de la plateforme avec les seules lignes valides."""
    language = language_of(lang)
    with clean_errors():
        result = export_file(
            file,
            get_profile(profile),
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


@app.command("map")
def map_command(  # noqa: PLR0917 (typer reads each option from a parameter)
    file: Annotated[Path, typer.Argument(help="Fichier .xlsx, .xlsm, .xls, .ods ou .csv")],
    profile: ProfileOption,
    sheet: Annotated[str | None, typer.Option("--sheet", help="Feuille à lire")] = None,
    write: Annotated[
        bool,
        typer.Option(
            "--write",
            help="Enregistrer la correspondance dans le classeur (feuille CI_Correspondance, "
            "un menu par colonne) pour la corriger dans Excel",
        ),
    ] = False,
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="Avec --write : classeur à écrire (sinon, sur place)"),
    ] = None,
    lang: LangOption = "fr",
    force: ForceOption = False,
    as_json: JsonOption = False,
) -> None:
    """Propose, pour chaque colonne du fichier, le champ de la plateforme qu'elle alimente."""
    language = language_of(lang)
    with clean_errors():
        chosen = get_profile(profile)
        if write:
            written, mapped = write_mapping(file, chosen, sheet, language, output, overwrite=force)
        else:
            mapped = map_file(file, chosen, sheet, language)
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
        target = f"« {label_of(line.choice, chosen, language)} »" if line.choice else "—"
        typer.echo(f"{line.column[:30]:<30} → {target:<32} {line.confidence:.0%} ({line.reason})")
    if mapped.missing_required:
        headers = {c.id: c.header for c in chosen.fields}
        missing = ", ".join(f"« {headers[f]} »" for f in mapped.missing_required)
        typer.echo(
            f"Champs obligatoires sans colonne : {missing}"
            if fr
            else f"Required fields without a column: {missing}"
        )
    if write:
        typer.echo(
            f"Feuille de correspondance écrite : {written} ; corrigez la colonne « Champ » "
            "dans Excel, validate, fix et export la suivront."
            if fr
            else f"Mapping sheet written: {written}; correct its Field column in Excel, "
            "validate, fix and export will follow it."
        )


@app.command("template")
def template_command(
    profile: Annotated[str, typer.Argument(help="Profil (voir `profiles`)")],
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="Fichier .xlsx ou dossier (nom par défaut du profil)"),
    ] = None,
    lang: LangOption = "fr",
    rows: Annotated[
        int | None, typer.Option("--rows", help="Lignes à contrôler sous l'en-tête (1000)")
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


@app.command("sandbox")
def sandbox_command(
    port: Annotated[int, typer.Option("--port", help="Port d'écoute (0 : un port libre)")] = 8765,
    db: Annotated[Path, typer.Option("--db", help="Fichier SQLite des enregistrements")] = Path(
        "client-import-sandbox.sqlite"
    ),
    require: Annotated[
        list[str] | None,
        typer.Option("--require", help="Champs obligatoires : COLLECTION=CHAMP,... (répétable)"),
    ] = None,
    quiet: Annotated[bool, typer.Option("--quiet", help="Sans journal des requêtes")] = False,
) -> None:
    """Plateforme d'essai sur 127.0.0.1 (contrat générique d'envoi) pour répéter un envoi.

    Le jeton attendu vient de la variable CLIENT_IMPORT_SANDBOX_TOKEN.
    """
    argv = ["--port", str(port), "--db", str(db)]
    for rule in require or []:
        argv += ["--require", rule]
    if quiet:
        argv.append("--quiet")
    raise typer.Exit(sandbox_main(argv))


app.command("push")(push_command)
app.command("login")(login_command)
app.command("logout")(logout_command)
app.command("history")(history_command)
app.command("undo-push")(undo_push_command)
app.add_typer(addin_app, name="addin")


def main() -> None:
    """Console entry point; usage errors exit 2 through click, ours through ``fail``."""
    app()
