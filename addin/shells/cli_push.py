"""The ``push``, ``login``, ``logout``, ``history`` and ``undo-push`` commands.

Exit status of ``push``: 0 every valid row was accepted; 1 some row was held back, refused or
not sent, or a confirmation is needed (the preview is shown); 2 nothing could start (file,
arguments, credentials). A push stopped by the network is finished by running it again.

The push machinery (requests, keyring, SQLite journal, locks) is imported inside the commands
that use it: every other command of ``client-import`` starts about 0.1 s sooner.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, replace
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console

from addin.core.catalogue import Lang
from addin.core.profiles import get_profile
from addin.core.push_plan import (
    MODE_LABELS,
    PUSH_STATUS_LABELS,
    Preview,
    is_fingerprint,
    mode_label,
)
from addin.errors import UsageError
from addin.readers.reader import check_file
from addin.shells.cli_common import (
    LangOption,
    PhoneRegionOption,
    ProfileOption,
    chosen_profile,
    clean_errors,
    language_of,
    tr,
)
from addin.shells.render.progress import progress_bar

if TYPE_CHECKING:
    from addin.connectors.connector import Transient
    from addin.connectors.journal import Journal, Push
    from addin.connectors.secrets import SecretKind
    from addin.core.profile import Profile
    from addin.usecases.pushing import PushRequest, PushResult

_PREVIEW_KEYS_SHOWN = 10
_WORDS: dict[Lang, dict[str, str]] = {
    "fr": {
        "create": "à créer",
        "update": "à mettre à jour",
        "unchanged": "inchangés",
        "delete": "à supprimer",
        "refused": "clés inconnues (refusées)",
        "repeated": "clés en double (seule la 1re ligne part)",
        "created": "créés",
        "updated": "mis à jour",
        "error": "refusés par la plateforme",
        "not_sent": "non envoyés",
        "invalid": "lignes avec erreurs, non envoyées",
        "deleted": "supprimés",
        "sending": "Envoi (lignes)",
        "deleting": "Suppression",
        "preview": "Aperçu — {mode}",
        "push": "Envoi n° {id} vers {target} — {mode}",
        "resumed": " (reprise d'un envoi interrompu)",
        "backup": "Sauvegarde de la plateforme avant suppression : {path}",
        "written": "Résultat de chaque ligne écrit dans : {path}",
        "credentials": "Attention : envoi arrêté : {why} Enregistrez les bonnes clés avec "
        "« client-import login -p {profile} », puis relancez la même commande pour finir "
        "(rien ne sera créé deux fois)",
        "stopped": "Attention : envoi arrêté : {why} ; relancez la même commande pour finir "
        "(rien ne sera créé deux fois)",
        "warning": "Attention : {what}",
        "keyless": "Note : {platform} n'a pas de colonne identifiant ; chaque ligne est reconnue "
        "à ses valeurs. Une ligne modifiée depuis un envoi précédent part comme un nouvel "
        "enregistrement, et l'ancien reste sur la plateforme (sauf en mode « supprimer le "
        "reste »).",
        "moved": "{changed} : {records}",
        "old_kept": "l'ancien reste sur la plateforme",
        "old_deleted": "l'ancien est supprimé (compté dans « à supprimer »)",
        "was": "avant : {old}",
        "wait": "{error} : nouvel essai (n° {attempt}) dans {seconds:.0f} s",
        "confirm": "ce mode supprime {count} enregistrement(s) de la plateforme : relisez "
        "l'aperçu, puis relancez avec --yes pour confirmer",
        "duplicates": "doublons probables retenus (déjà sur la plateforme sous une autre clé ; "
        "--allow-duplicates pour les créer quand même)",
        "row": "ligne {row} : {why}",
    },
    "en": {
        "create": "to create",
        "update": "to update",
        "unchanged": "unchanged",
        "delete": "to delete",
        "refused": "unknown keys (refused)",
        "repeated": "repeated keys (only the first row goes)",
        "created": "created",
        "updated": "updated",
        "error": "rejected by the platform",
        "not_sent": "not sent",
        "invalid": "rows with errors, not sent",
        "deleted": "deleted",
        "sending": "Sending (rows)",
        "deleting": "Deleting",
        "preview": "Preview — {mode}",
        "push": "Push no. {id} to {target} — {mode}",
        "resumed": " (resuming an interrupted push)",
        "backup": "The platform's records saved before deleting: {path}",
        "written": "Each row's outcome written into: {path}",
        "credentials": "Warning: push stopped: {why} Store the right keys with "
        '"client-import login -p {profile}", then run the same command again to finish '
        "(nothing will be created twice)",
        "stopped": "Warning: push stopped: {why}; run the same command again to finish "
        "(nothing will be created twice)",
        "warning": "Warning: {what}",
        "keyless": "Note: {platform} has no identifier column; each row is known by its values. "
        "A row edited since an earlier push goes as a new record, and the old one stays on the "
        'platform (except in the "delete the rest" mode).',
        "moved": "{changed}: {records}",
        "old_kept": "the old one stays on the platform",
        "old_deleted": 'the old one is deleted (counted in "to delete")',
        "was": "before: {old}",
        "wait": "{error}: new attempt (no. {attempt}) in {seconds:.0f} s",
        "confirm": "this mode deletes {count} record(s) from the platform: read the preview, "
        "then run again with --yes to confirm",
        "duplicates": "likely duplicates held back (on the platform already under another "
        "key; --allow-duplicates to create them anyway)",
        "row": "row {row}: {why}",
    },
}


def push_command(  # noqa: PLR0917 (typer reads each option from a parameter)
    file: Annotated[
        Path,
        typer.Argument(
            help=tr(
                "Fichier .xlsx, .xlsm, .xls, .ods ou .csv", "File .xlsx, .xlsm, .xls, .ods or .csv"
            )
        ),
    ],
    profile: ProfileOption,
    phone_region: PhoneRegionOption = None,
    target: Annotated[
        str | None,
        typer.Option(
            "--target",
            help=tr(
                "Adresse de la plateforme (sinon celle du profil)",
                "Address of the platform (else the profile's)",
            ),
        ),
    ] = None,
    mode: Annotated[
        str | None,
        typer.Option(
            "--mode",
            help=tr(
                "update_only, create_only, upsert, upsert_delete_rest…",
                "update_only, create_only, upsert, upsert_delete_rest…",
            ),
        ),
    ] = None,
    sheet: Annotated[
        str | None, typer.Option("--sheet", help=tr("Feuille à envoyer", "Sheet to send"))
    ] = None,
    dry_run: Annotated[
        bool,
        typer.Option(
            "--dry-run",
            help=tr(
                "Montrer l'aperçu sans rien envoyer", "Show the preview without sending anything"
            ),
        ),
    ] = False,
    yes: Annotated[
        bool,
        typer.Option(
            "--yes",
            help=tr(
                "Confirmer un mode qui supprime des enregistrements",
                "Confirm a mode that deletes records",
            ),
        ),
    ] = False,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            help=tr(
                "Écrire les résultats dans cette copie du classeur",
                "Write the outcomes into this copy of the workbook",
            ),
        ),
    ] = None,
    allow_duplicates: Annotated[
        bool,
        typer.Option(
            "--allow-duplicates",
            help=tr(
                "Créer aussi les lignes que la plateforme a probablement déjà sous une autre clé",
                "Also create the rows the platform probably holds already under another key",
            ),
        ),
    ] = False,
    as_json: Annotated[
        bool,
        typer.Option(
            "--json",
            help=tr(
                "Aperçu ou résultat en JSON (lignes retenues comprises)",
                "Preview or outcome as JSON (rows held back included)",
            ),
        ),
    ] = False,
    lang: LangOption = "fr",
) -> None:
    """Envoie les lignes valides à la plateforme et écrit le résultat de chaque ligne."""
    from addin.connectors.journal import Journal
    from addin.usecases.pushing import (
        ConfirmationNeeded,
        PushRequest,
        choose_mode,
        open_connector,
        push_file,
    )

    language = language_of(lang)
    console = Console()
    with clean_errors():
        chosen = chosen_profile(profile, phone_region)
        address = target or chosen.api.base_url
        if not address:
            raise UsageError(
                f"{chosen.platform} : indiquez l'adresse de la plateforme (--target)"
                if language == "fr"
                else f"{chosen.platform}: give the platform's address (--target)"
            )
        request = PushRequest(
            file,
            chosen,
            address,
            choose_mode(chosen, mode),
            sheet=sheet,
            dry_run=dry_run,
            confirmed=yes,
            lang=language,
            output=output,
            allow_duplicates=allow_duplicates,
        )
        check_file(file)  # a wrong file name is said before credentials are looked for
        connector = open_connector(chosen, address)
        try:
            with Journal.open() as journal, _bar(language, "sending") as progress:
                result = push_file(
                    request, connector, journal, progress=progress, on_wait=_waiting(language)
                )
        except ConfirmationNeeded as needed:
            if as_json:
                _print_json(_preview_dict(needed.preview, needed.labels, {}, needed.duplicates))
            else:
                _show_preview(console, needed.preview, needed.labels, chosen, language)
                _show_duplicates(console, needed.duplicates, language)
                _say_keyless(console, request, list(needed.labels))
            count = len(needed.preview.delete)
            sys.stderr.write(_WORDS[language]["confirm"].format(count=count) + "\n")
            raise typer.Exit(1) from None
        finally:
            connector.close()
    if as_json:
        _print_json(_result_dict(result))
        if dry_run:
            return
        raise typer.Exit(_exit_status(result))
    if dry_run:
        if result.preview is not None:
            _show_preview(console, result.preview, result.labels, chosen, language)
            _say_keyless(console, request, list(result.labels))
        _show_invalid(console, result, language)
        _show_duplicates(console, result.duplicates, language)
        _say_unchecked(console, result.unchecked, language)
        return
    raise typer.Exit(_show_summary(console, request, result, language))


def _print_json(data: dict[str, object]) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")


def _preview_dict(
    shown: Preview | None,
    labels: dict[str, str],
    invalid: dict[int, str],
    duplicates: dict[int, str],
) -> dict[str, object]:
    """``push --dry-run --json``: what each mode's list holds, the rows held back and why."""
    lists = ("create", "update", "unchanged", "delete", "refused", "repeated")
    return {
        "preview": None
        if shown is None
        else {
            "mode": shown.mode,
            **{name: [labels.get(k, k) for k in getattr(shown, name)] for name in lists},
        },
        "invalid": [{"row": row, "reasons": why} for row, why in sorted(invalid.items())],
        "duplicates": [{"row": row, "reason": why} for row, why in sorted(duplicates.items())],
    }


def _with_unchecked(data: dict[str, object], unchecked: str | None) -> dict[str, object]:
    return {**data, "duplicates_unchecked": unchecked}


def _result_dict(result: PushResult) -> dict[str, object]:
    """The preview (a dry run), or the push's number and counts too."""
    data = _with_unchecked(
        _preview_dict(result.preview, result.labels, result.invalid, result.duplicates),
        result.unchecked,
    )
    if result.push is not None:
        data["push"] = {"id": result.push.id, "counts": asdict(result.push.counts)}
        data["stopped"] = result.stopped
    return data


def _say_unchecked(console: Console, unchecked: str | None, language: Lang) -> None:
    """The platform could not be listed: the rows were not compared with its records."""
    if unchecked:
        console.print(_WORDS[language]["warning"].format(what=unchecked), highlight=False)


def _show_duplicates(console: Console, duplicates: dict[int, str], language: Lang) -> None:
    """The rows held back as likely duplicates, with the platform's record each repeats."""
    if not duplicates:
        return
    words = _WORDS[language]
    console.print(f"  {len(duplicates):>6} {words['duplicates']}", highlight=False, soft_wrap=True)
    for row, why in sorted(duplicates.items())[:_PREVIEW_KEYS_SHOWN]:
        console.print("         " + words["row"].format(row=row, why=why), highlight=False)
    if len(duplicates) > _PREVIEW_KEYS_SHOWN:
        console.print(f"         … (+{len(duplicates) - _PREVIEW_KEYS_SHOWN})", highlight=False)


def login_command(
    target: Annotated[
        str,
        typer.Argument(
            help=tr("Adresse de la plateforme (https://…)", "Address of the platform (https://…)")
        ),
    ],
    evoliz: Annotated[
        bool,
        typer.Option(
            "--evoliz",
            help=tr(
                "Clés d'API Evoliz (publique et secrète)", "Evoliz API keys (public and secret)"
            ),
        ),
    ] = False,
    lang: LangOption = "fr",
) -> None:
    """Garde le jeton (ou les clés Evoliz) dans le trousseau du système, jamais dans un fichier."""
    from addin.connectors.secrets import keyring_problem, store_secret

    fr = language_of(lang) == "fr"
    with clean_errors():
        problem = keyring_problem("fr" if fr else "en")
        if problem is not None:  # said before anything is typed
            variables = (" et " if fr else " and ").join(kind.env_var for kind in _kinds(evoliz))
            raise UsageError(
                f"{problem} : définissez plutôt {variables}"
                if fr
                else f"{problem}: set {variables} instead"
            )
        for kind in _kinds(evoliz):
            label = kind.label[:1].upper() + kind.label[1:] if fr else _LABELS_EN[kind.name]
            value = typer.prompt(label, hide_input=True)
            store_secret(target, value, kind)
    typer.echo(
        f"Enregistré dans le trousseau pour {target}."
        if fr
        else f"Stored in the keyring for {target}."
    )


def logout_command(
    target: Annotated[
        str, typer.Argument(help=tr("Adresse de la plateforme", "Address of the platform"))
    ],
    evoliz: Annotated[
        bool, typer.Option("--evoliz", help=tr("Clés d'API Evoliz", "Evoliz API keys"))
    ] = False,
    lang: LangOption = "fr",
) -> None:
    """Retire du trousseau le jeton (ou les clés Evoliz) de cette plateforme."""
    from addin.connectors.secrets import forget_secret

    fr = language_of(lang) == "fr"
    with clean_errors():
        removed = [forget_secret(target, kind) for kind in _kinds(evoliz)]
    if fr:
        typer.echo(
            "Retiré du trousseau." if any(removed) else "Le trousseau n'avait rien pour elle."
        )
    else:
        typer.echo(
            "Removed from the keyring." if any(removed) else "The keyring held nothing for it."
        )


def history_command(
    file: Annotated[
        Path | None,
        typer.Argument(
            help=tr("Seulement les envois de ce fichier", "Only the pushes of this file")
        ),
    ] = None,
    limit: Annotated[
        int,
        typer.Option("--limit", min=1, help=tr("Envois montrés au plus", "Pushes shown at most")),
    ] = 20,
    as_json: Annotated[bool, typer.Option("--json", help=tr("Sortie JSON", "JSON output"))] = False,
    lang: LangOption = "fr",
) -> None:
    """Liste les derniers envois (numéro, date, fichier, plateforme, mode, résultats)."""
    from addin.connectors.journal import Journal

    language = language_of(lang)
    with clean_errors(), Journal.open() as journal:
        found = journal.pushes_of(file, limit) if file else journal.history(limit)
        pushes = [_as_it_stands(journal, push) for push in found]
    if as_json:
        sys.stdout.write(json.dumps([_push_dict(p) for p in pushes], ensure_ascii=False, indent=2))
        sys.stdout.write("\n")
        return
    words = _HISTORY[language]
    if not pushes:
        typer.echo(words["none"])
    for push in pushes:
        counts = push.counts
        status = PUSH_STATUS_LABELS[language].get(push.status, push.status)
        mode = mode_label(push.mode, language)
        typer.echo(
            f"{words['no']} {push.id:<5} {push.started_at[:19].replace('T', ' ')}  {status:<10} "
            f"{Path(push.file).name}  {push.profile} → {push.target}  {mode}  "
            + words["counts"].format(**asdict(counts))
        )


_HISTORY: dict[Lang, dict[str, str]] = {
    "fr": {
        "none": "Aucun envoi dans le journal.",
        "no": "n°",
        "counts": "créés {created}, mis à jour {updated}, inchangés {unchanged}, refusés {error}, "
        "non envoyés {not_sent}, supprimés {deleted}, annulés {undone}",
    },
    "en": {
        "none": "No push in the journal.",
        "no": "no.",
        "counts": "created {created}, updated {updated}, unchanged {unchanged}, rejected {error}, "
        "not sent {not_sent}, deleted {deleted}, undone {undone}",
    },
}
#: The credentials' names in English (``SecretKind.label`` is French, with its article).
_LABELS_EN = {
    "token": "Access token",
    "evoliz-public-key": "Evoliz public key",
    "evoliz-secret-key": "Evoliz secret key",
}


def _as_it_stands(journal: Journal, push: Push) -> Push:
    """A push the journal says is running, but that no run holds, was stopped by a crash:
    shown as interrupted (the next push of its file resumes it)."""
    from addin.connectors.run_lock import is_busy

    if push.status == "running" and not is_busy(journal.path.parent, push.file):
        return replace(push, status="interrupted")
    return push


def undo_push_command(
    push_id: Annotated[
        int,
        typer.Argument(
            help=tr("Numéro de l'envoi (voir `history`)", "Number of the push (see `history`)")
        ),
    ],
    yes: Annotated[
        bool, typer.Option("--yes", help=tr("Confirmer la suppression", "Confirm the deletion"))
    ] = False,
    include_unsure: Annotated[
        bool,
        typer.Option(
            "--include-unsure",
            help=tr(
                "Supprimer aussi les fiches peut-être présentes avant l'envoi",
                "Also delete the records that may have been there before the push",
            ),
        ),
    ] = False,
    lang: LangOption = "fr",
) -> None:
    """Annule un envoi : supprime de la plateforme ce qu'il a créé, rien d'autre."""
    from addin.connectors.journal import Journal
    from addin.usecases.push_undo import UndoConfirmationNeeded, find_push, undo_push
    from addin.usecases.pushing import open_connector

    language = language_of(lang)
    words = _UNDO[language]
    with clean_errors(), Journal.open() as journal:
        push = find_push(journal, push_id, language)
        connector = open_connector(get_profile(push.profile), push.target)
        try:
            with _bar(language, "deleting") as progress:
                result = undo_push(
                    journal,
                    push,
                    connector,
                    confirmed=yes,
                    include_unsure=include_unsure,
                    progress=progress,
                    lang=language,
                )
        except UndoConfirmationNeeded as needed:
            for created in needed.doomed[:_PREVIEW_KEYS_SHOWN]:
                typer.echo(
                    words["doomed"].format(row=created.row, key=created.key, id=created.id or "?")
                )
            if len(needed.doomed) > _PREVIEW_KEYS_SHOWN:
                typer.echo(words["more"].format(more=len(needed.doomed) - _PREVIEW_KEYS_SHOWN))
            sys.stderr.write(f"{needed}\n")
            raise typer.Exit(1) from None
        finally:
            connector.close()
    typer.echo(words["deleted"].format(id=push.id, count=len(result.deleted)))
    for name in ("absent", "replaced", "unsure"):
        count = len(getattr(result, name))
        if count:
            typer.echo(words[name].format(count=count))
    if result.stopped:
        sys.stderr.write(words["stopped"].format(why=result.stopped) + "\n")
        raise typer.Exit(1)


_UNDO: dict[Lang, dict[str, str]] = {
    "fr": {
        "doomed": "  ligne {row} : {key} (id {id})",
        "more": "  … et {more} autres",
        "deleted": "Envoi n° {id} : {count} supprimé(s)",
        "absent": "{count} déjà absent(s) de la plateforme",
        "replaced": "{count} laissé(s) : la plateforme a depuis un autre enregistrement sous la "
        "même clé (recréé par un envoi plus récent ?)",
        "unsure": "{count} laissé(s) : peut-être présents avant l'envoi (--include-unsure pour "
        "les supprimer aussi)",
        "stopped": "Arrêté : {why} ; relancez pour finir.",
    },
    "en": {
        "doomed": "  row {row}: {key} (id {id})",
        "more": "  … and {more} more",
        "deleted": "Push no. {id}: {count} deleted",
        "absent": "{count} already gone from the platform",
        "replaced": "{count} left: the platform has since held another record under the same "
        "key (made again by a later push?)",
        "unsure": "{count} left: maybe there before the push (--include-unsure to delete them too)",
        "stopped": "Stopped: {why}; run again to finish.",
    },
}


def _waiting(language: Lang) -> Callable[[Transient, float, int], None]:
    """A pause before a new attempt, said on stderr, so a long wait does not look like a hang."""

    def say(error: Transient, seconds: float, attempt: int) -> None:
        said = error.said(language)
        text = _WORDS[language]["wait"].format(error=said, attempt=attempt, seconds=seconds)
        sys.stderr.write(text + "\n")

    return say


def _kinds(evoliz: bool) -> tuple[SecretKind, ...]:
    from addin.connectors.secrets import EVOLIZ_PUBLIC_KEY, EVOLIZ_SECRET_KEY, TOKEN

    return (EVOLIZ_PUBLIC_KEY, EVOLIZ_SECRET_KEY) if evoliz else (TOKEN,)


@contextmanager
def _bar(language: Lang, word: str) -> Iterator[Callable[[int, int], None] | None]:
    """A progress bar on stderr (on a terminal only) fed with ``done, total``."""
    with progress_bar(Console(stderr=True), language) as bar:
        yield None if bar is None else bar.counting(_WORDS[language][word])


def _show_preview(
    console: Console, shown: Preview, labels: dict[str, str], profile: Profile, language: Lang
) -> None:
    words = _WORDS[language]
    console.print(_WORDS[language]["preview"].format(mode=MODE_LABELS[language][shown.mode]))
    for name in ("create", "update", "unchanged", "delete", "refused", "repeated"):
        keys: list[str] = getattr(shown, name)
        if not keys:
            continue
        listed = ", ".join(labels.get(key, key) for key in keys[:_PREVIEW_KEYS_SHOWN])
        more = f" … (+{len(keys) - _PREVIEW_KEYS_SHOWN})" if len(keys) > _PREVIEW_KEYS_SHOWN else ""
        console.print(
            f"  {len(keys):>6} {words[name]} : {listed}{more}", highlight=False, soft_wrap=True
        )
    for line in _moved_lines(shown, labels, profile, language):
        console.print(line, highlight=False, soft_wrap=True)


def _moved_lines(
    shown: Preview, labels: dict[str, str], profile: Profile, language: Lang
) -> list[str]:
    """Records created because one part of their natural key changed (a new address): what
    that means on the platform (the profile's words), and what becomes of the old record."""
    words, parts = _WORDS[language], profile.api.key_parts
    lines: list[str] = []
    for index, part in enumerate(parts):
        moves = [m for m in shown.moved if m.part == index]
        if not moves:
            continue
        changed = (part.changed if language == "fr" else part.changed_en) or (
            part.name if language == "fr" else part.name_en
        )
        records = ", ".join(
            f"{labels.get(m.key, m.key)} "
            f"({words['was'].format(old=labels.get(m.old_key, m.old_key))})"
            f" — {words['old_deleted' if m.old_key in shown.delete else 'old_kept']}"
            for m in moves[:_PREVIEW_KEYS_SHOWN]
        )
        more = (
            f" … (+{len(moves) - _PREVIEW_KEYS_SHOWN})" if len(moves) > _PREVIEW_KEYS_SHOWN else ""
        )
        lines.append(
            f"  {len(moves):>6} " + words["moved"].format(changed=changed, records=records) + more
        )
    return lines


def _say_keyless(console: Console, request: PushRequest, keys: list[str]) -> None:
    """Without a key column a row is known by its values: say what that means for edits."""
    natural = bool(request.profile.api.key_parts)  # an old fingerprint is kept, not a sign
    if request.mode != "create_only" and not natural and any(is_fingerprint(k) for k in keys):
        note = _WORDS[request.lang]["keyless"].format(platform=request.profile.platform)
        console.print(note, highlight=False)


def _show_invalid(console: Console, result: PushResult, language: Lang) -> None:
    if result.invalid:
        console.print(f"  {len(result.invalid):>6} {_WORDS[language]['invalid']}", highlight=False)


def _show_summary(console: Console, request: PushRequest, result: PushResult, lang: Lang) -> int:
    """The counts, where the outcomes were written, what to do next; returns the exit status."""
    push = result.push
    assert push is not None
    words, counts = _WORDS[lang], push.counts
    resumed = words["resumed"] if push.resumed else ""
    heading = words["push"].format(id=push.id, target=push.target, mode=mode_label(push.mode, lang))
    console.print(heading + resumed, highlight=False)
    for name, count in (
        ("created", counts.created),
        ("updated", counts.updated),
        ("unchanged", counts.unchanged),
        ("error", counts.error),
        ("not_sent", counts.not_sent),
        ("deleted", result.deleted),
    ):
        if count:
            console.print(f"  {count:>6} {words[name]}", highlight=False)
    _show_invalid(console, result, lang)
    _show_duplicates(console, result.duplicates, lang)
    _say_unchecked(console, result.unchecked, lang)
    _say_keyless(console, request, [entry.key for entry in result.entries])
    if result.backup is not None:
        console.print(words["backup"].format(path=result.backup), highlight=False)
    if result.written is not None:
        console.print(words["written"].format(path=result.written), highlight=False)
    if result.stopped:
        said = words["credentials" if result.credentials_refused else "stopped"]
        why = result.stopped
        sys.stderr.write(said.format(why=why, profile=request.profile.name) + "\n")
    if result.write_error:
        sys.stderr.write(words["warning"].format(what=result.write_error) + "\n")
    return _exit_status(result)


def _exit_status(result: PushResult) -> int:
    """0 when every valid row was accepted; 1 when one was held back, refused or not sent."""
    counts = result.push.counts if result.push is not None else None
    clean = (
        counts is not None
        and counts.error == counts.not_sent == 0
        and not result.invalid
        and not result.duplicates
        and not result.stopped
    )
    return 0 if clean and not result.write_error else 1


def _push_dict(push: Push) -> dict[str, object]:
    """The ``history --json`` contract: the push without its fingerprint, every count."""
    return {
        "id": push.id,
        "started_at": push.started_at,
        "finished_at": push.finished_at,
        "file": push.file,
        "sheet": push.sheet,
        "profile": push.profile,
        "target": push.target,
        "mode": push.mode,
        "status": push.status,
        "counts": asdict(push.counts),
    }
