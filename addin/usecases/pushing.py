"""The push use case: send a file's valid rows to a platform, resumably, and say what happened.

read (with the stored mapping) → ``plan_export`` (rows with errors never leave) → records
with their keys → journal (resume the unfinished push of the same records) → preview of the
mode (what the platform holds, downloaded to a backup first when the mode deletes) → batches:
``mark_sent``, send with retries, ``record`` → deletions the mode asks for → each row's
outcome written back into the sheet, and a history line.

The journal is the durable record, written batch by batch; the sheet is rewritten from it at
the end of every run (also a run that stopped), so a run after a crash brings the sheet up to
date. One run at a time per file, and per set of records and target: a second one started
meanwhile is refused (``connectors.run_lock``). The workbook is locked from reading its rows to
writing their outcomes back (``files.workbook_lock``), so that no other command writes it in
between and loses them; a read-only workbook is refused before anything is sent. Ctrl+C stops
between answers: what was answered is kept and written back, the rest is sent by the next run.

``push_file`` pushes a file (locked, its outcomes written into it after a backup);
``push_book`` pushes any ``core.workbook.Workbook`` (the book open in Excel: its table may be
given by the caller, who compared it with the preview, and the outcomes are drawn on it).

A crash, a closed laptop or a dead network leaves rows ``sent`` or ``pending`` in the
journal; the next run with the same file sends exactly those again, and upsert by key (or
Evoliz's lookup by code) makes a batch sent twice harmless.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Mapping, Sequence
from contextlib import ExitStack
from dataclasses import dataclass, field, replace
from functools import partial
from pathlib import Path
from typing import TypeVar

from addin.connectors.connector import AuthFailed, Connector, ConnectorError, Outcome, Record
from addin.connectors.evoliz import EvolizConnector
from addin.connectors.generic import GenericConnector
from addin.connectors.http import HttpClient
from addin.connectors.journal import Counts, Entry, Journal, Push, records_fingerprint
from addin.connectors.retry import GaveUp, OnWait, RetryPolicy, retry
from addin.connectors.run_lock import is_busy, one_run
from addin.connectors.secrets import (
    EVOLIZ_PUBLIC_KEY,
    EVOLIZ_SECRET_KEY,
    TOKEN,
    public_target,
    read_secret,
)
from addin.core.catalogue import Lang
from addin.core.export import plan_export
from addin.core.outcomes import HistoryLine, RowOutcome
from addin.core.profile import Profile
from addin.core.push_plan import (
    DESTRUCTIVE,
    MODES,
    Mode,
    OutgoingRow,
    Preview,
    adopt_earlier_keys,
    key_labels,
    name_fields,
    outgoing_rows,
    preview,
    remote_parts,
)
from addin.core.remote_duplicates import can_match, remote_duplicates
from addin.core.table import Table
from addin.core.workbook import Workbook
from addin.errors import ClientImportError, UsageError
from addin.files.file_workbook import open_workbook
from addin.files.outcome_writer import check_output, outcomes_go_in, same_format, write_outcomes
from addin.files.safe_files import check_folder, check_replaceable, write_in_place_or_to
from addin.files.workbook_lock import editing
from addin.usecases.validation import load_table, read_book

#: why rows were not sent when the user pressed Ctrl+C, in the run's language
_INTERRUPTED: dict[Lang, str] = {
    "fr": "envoi interrompu (Ctrl+C)",
    "en": "push interrupted (Ctrl+C)",
}
#: what the user reads in the status column, by the journal's status
STATUS_LABELS: dict[Lang, dict[str, str]] = {
    "fr": {
        "created": "créé",
        "updated": "mis à jour",
        "unchanged": "inchangé",
        "error": "refusé",
        "not-sent": "non envoyé",
        "invalid": "non envoyé (erreurs à corriger)",
        "duplicate": "retenu (doublon probable)",
    },
    "en": {
        "created": "created",
        "updated": "updated",
        "unchanged": "unchanged",
        "error": "rejected",
        "not-sent": "not sent",
        "invalid": "not sent (errors to fix)",
        "duplicate": "held back (likely duplicate)",
    },
}


class ConfirmationNeeded(UsageError):
    """A mode that deletes records was asked for without ``--yes``: the preview is shown and
    nothing is sent."""

    def __init__(
        self,
        message: str,
        shown: Preview,
        labels: dict[str, str],
        en: str | None = None,
        duplicates: dict[int, str] | None = None,
    ) -> None:
        super().__init__(message, en)
        self.preview = shown
        self.labels = labels
        #: rows held back as likely duplicates (``PushResult.duplicates``)
        self.duplicates = duplicates or {}


class NothingToSend(ClientImportError):
    """No row of the file can be sent: nothing is started (a "replace everything" with no
    rows would only delete)."""


class PlatformUnreachable(ClientImportError):
    """The platform's records could not be read before a push that needs them."""


@dataclass(frozen=True, slots=True)
class PushRequest:
    path: Path
    profile: Profile
    target: str
    mode: Mode
    sheet: str | None = None
    dry_run: bool = False
    confirmed: bool = False
    lang: Lang = "fr"
    #: where the platform's records are saved before a mode deletes any (default: next to
    #: the file)
    backup_dir: Path | None = None
    #: write each row's outcome and the history line into the file (side files for a CSV)
    write_back: bool = True
    #: write the outcomes into this copy instead of the file itself
    output: Path | None = None
    #: create rows the platform probably holds under another key (``--allow-duplicates``)
    allow_duplicates: bool = False


@dataclass(slots=True)
class PushResult:
    """What a run did, for the summary and the sheet."""

    push: Push | None
    preview: Preview | None
    #: rows held back by the checks (never sent), by row number, with their reasons
    invalid: dict[int, str]
    entries: list[Entry] = field(default_factory=list)
    deleted: int = 0
    backup: Path | None = None
    #: why the run stopped before the end (network gave up, credentials refused)
    stopped: str | None = None
    #: it stopped because the platform refused the token or keys: rerunning alone cannot help
    credentials_refused: bool = False
    #: the file the outcomes were written into (a CSV's: ``NAME.envoi.csv``)
    written: Path | None = None
    #: why they could not be (the file is open elsewhere, the disk is full...)
    write_error: str | None = None
    #: what the preview shows for fingerprints and natural keys (``push_plan.key_labels``)
    labels: dict[str, str] = field(default_factory=dict)
    #: rows held back because the platform probably holds their customer under another key
    #: (``core.remote_duplicates``), by row number, with the reason in the run's language
    duplicates: dict[int, str] = field(default_factory=dict)
    #: why the platform's records could not be compared with the rows (it cannot list them)
    unchecked: str | None = None


Progress = Callable[[int, int], None]
T = TypeVar("T")
#: where a downloaded record keeps the platform's id (saved in the backup, given to unchanged rows)
_REMOTE_ID = "__id"


def open_connector(profile: Profile, target: str) -> Connector:
    """The platform's connector, with its credentials from the environment or the keyring.

    Evoliz has its own API; every other profile is pushed through the generic contract (the
    sandbox, or an integrator's endpoint in front of the platform).
    """
    if profile.api.connector == "none":
        raise UsageError(
            f"{profile.platform} ne reçoit pas d'envoi par API : écrivez son fichier d'import "
            "avec `client-import export`",
            en=(
                f"{profile.platform} does not take pushes through an API: write its import file "
                "with `client-import export`"
            ),
        )
    try:
        if profile.api.connector == "evoliz":
            public = read_secret(target, EVOLIZ_PUBLIC_KEY)
            secret = read_secret(target, EVOLIZ_SECRET_KEY)
            return EvolizConnector(profile.api, target, public.value, secret.value)
        token = read_secret(target, TOKEN)
        http = HttpClient(target, name=profile.platform)
    except ConnectorError as refused:  # an address the HTTP seam will not talk to
        raise UsageError(refused.said("fr"), en=refused.en) from None
    collection = profile.api.collection or profile.name
    return GenericConnector(http, collection, token.value, profile.api.batch_size)


def choose_mode(profile: Profile, asked: str | None) -> Mode:
    """The mode asked for, if the platform has it; else the profile's default, else upsert."""
    allowed: Sequence[str] = profile.api.modes or MODES
    wanted = asked or profile.api.default_mode or ("upsert" if "upsert" in allowed else allowed[0])
    if wanted not in allowed:
        listed = ", ".join(allowed)
        raise UsageError(
            f"{profile.platform} n'accepte pas le mode « {wanted} » : {listed}",
            en=f"{profile.platform} does not accept the mode “{wanted}”: {listed}",
        )
    if wanted not in MODES:
        raise UsageError(
            f"mode inconnu : « {wanted} » ({', '.join(MODES)})",
            en=f"unknown mode: “{wanted}” ({', '.join(MODES)})",
        )
    return wanted


def push_file(
    request: PushRequest,
    connector: Connector,
    journal: Journal,
    *,
    policy: RetryPolicy | None = None,
    progress: Progress | None = None,
    on_wait: OnWait | None = None,
) -> PushResult:
    """Run (or resume) the push of ``request.path``; see the module docstring for the steps.

    ``on_wait(error, seconds, next_attempt)`` is told before each pause of a retry (the
    command line says it: a platform asking to wait 30 s must not look like a hang).
    """
    insist = _Insist(policy or RetryPolicy(), on_wait)
    if not request.write_back or request.dry_run:
        return _push(request, connector, journal, insist, progress)
    check_output(request.path, request.output)  # before anything is sent
    if request.output is not None:
        check_folder(request.output)
    if (request.output or request.path).suffix.lower() in _WORKBOOKS:
        check_replaceable(request.output or request.path)
    with ExitStack() as held:
        try:
            held.enter_context(editing(request.path, request.output))
        except UsageError:
            if is_busy(journal.path.parent, request.path):  # the other command is a push
                raise UsageError(
                    f"« {request.path.name} » est déjà en cours d'envoi (une autre fenêtre ?) : "
                    "attendez la fin de cet envoi, puis relancez si besoin",
                    en=(
                        f"“{request.path.name}” is already being pushed (another window?): "
                        "wait for that push to end, then run again if needed"
                    ),
                ) from None
            raise
        return _push(request, connector, journal, insist, progress)


_WORKBOOKS = {".xlsx", ".xlsm"}


def push_book(
    book: Workbook,
    request: PushRequest,
    connector: Connector,
    journal: Journal,
    *,
    table: Table | None = None,
    policy: RetryPolicy | None = None,
    progress: Progress | None = None,
    on_wait: OnWait | None = None,
) -> PushResult:
    """Run (or resume) the push of ``book``'s rows; each row's outcome and the history line are
    drawn on ``book`` itself (``Workbook.write_outcomes``), not saved: the book open in Excel.

    ``request.path`` names the workbook for the journal and the run locks (a live book: its
    full name); ``table``, when given, is the sheet as the caller just read it (the ribbon
    compares it with what its preview showed), else it is read here.
    """
    insist = _Insist(policy or RetryPolicy(), on_wait)
    if table is None:
        table = read_book(book, request.sheet, request.profile)

    def draw(sheet: str, header_row: int, result: PushResult) -> None:
        outcomes = row_outcomes(result, request.profile, request.lang)
        history = history_line(result, request)
        try:
            book.write_outcomes(sheet, header_row, outcomes, history, request.lang)
        except ClientImportError as error:
            result.write_error = (
                f"les résultats n'ont pas pu être écrits dans « {book.name} » ({error}) : "
                "relancez l'envoi pour les écrire (rien ne sera créé deux fois)"
                if request.lang == "fr"
                else f"the outcomes could not be written in “{book.name}” "
                f"({error.said('en')}): push again to write them (nothing will be created "
                "twice)"
            )

    return _push(request, connector, journal, insist, progress, table=table, write_back=draw)


def _push(
    request: PushRequest,
    connector: Connector,
    journal: Journal,
    insist: _Insist,
    progress: Progress | None,
    *,
    table: Table | None = None,
    write_back: _WriteBack | None = None,
) -> PushResult:
    profile, lang = request.profile, request.lang
    if table is None:
        table = load_table(request.path, request.sheet, profile)
    plan = plan_export(table, profile, lang)
    invalid = {held.row: held.reasons for held in plan.held_back}
    rows, repeated = _first_of_each_key(outgoing_rows(plan, profile), profile, lang)
    invalid.update(repeated)
    if not rows:
        raise NothingToSend(
            f"« {request.path.name} » n'a aucune ligne sans erreur à envoyer"
            + (
                f" ({len(invalid)} ligne(s) à corriger : `client-import validate`)"
                if invalid
                else ""
            ),
            en=(
                f"“{request.path.name}” has no row without errors to push"
                + (
                    f" ({len(invalid)} row(s) to correct: `client-import validate`)"
                    if invalid
                    else ""
                )
            ),
        )
    needs_remote = (
        request.dry_run
        or request.mode in DESTRUCTIVE
        or (request.mode != "upsert" and profile.api.connector != "evoliz")
        # natural keys: records an earlier version sent under fingerprints are found first
        or bool(profile.api.key_parts)
    )
    shown: Preview | None = None
    remote: dict[str, dict[str, object]] = {}
    held_parts: dict[str, tuple[str, ...]] = {}
    if needs_remote:
        remote = _aligned(_download(connector, insist), rows, profile)
        held_parts = remote_parts(remote, profile)
        if request.mode != "replace_all":  # which deletes them all, then starts anew
            rows = adopt_earlier_keys(rows, remote, held_parts)
        shown = preview(rows, remote, request.mode, held_parts)
    rows, duplicates, unchecked, remote = _check_duplicates(
        request, connector, insist, rows, remote if needs_remote else None, shown=shown
    )
    if duplicates and shown is not None:  # the same records: only the rows held back differ
        shown = preview(rows, remote, request.mode, held_parts)
    labels = key_labels(rows, remote, name_fields(profile), profile)
    if request.dry_run:
        return PushResult(
            None, shown, invalid, labels=labels, duplicates=duplicates, unchecked=unchecked
        )
    if not rows:
        raise NothingToSend(
            f"« {request.path.name} » : les {len(duplicates)} ligne(s) à envoyer sont "
            "probablement déjà sur la plateforme sous une autre clé (doublons) : relancez avec "
            "--allow-duplicates pour les créer quand même",
            en=(
                f"“{request.path.name}”: the {len(duplicates)} row(s) to push are probably "
                "on the platform already under another key (duplicates): run again with "
                "--allow-duplicates to create them anyway"
            ),
        )
    if request.mode in DESTRUCTIVE:
        assert shown is not None
        if shown.delete and not request.confirmed:
            raise ConfirmationNeeded(
                f"ce mode supprime {len(shown.delete)} enregistrement(s) de la plateforme : "
                "relisez l'aperçu, puis relancez avec --yes pour confirmer",
                shown,
                labels,
                en=(
                    f"this mode deletes {len(shown.delete)} record(s) from the platform: "
                    "read the preview again, then run again with --yes to confirm"
                ),
                duplicates=duplicates,
            )
    records = [Record(r.key, r.fields) for r in rows]
    fingerprint = records_fingerprint(records)
    with one_run(journal.path.parent, request.path, fingerprint, public_target(request.target)):
        planned = _Planned(
            rows, records, fingerprint, invalid, shown, remote, duplicates, unchecked
        )
        result = _run(
            request,
            connector,
            journal,
            planned,
            insist=insist,
            progress=progress,
            sheet=table.source.sheet,
        )
        if request.write_back:
            sheet, header_row = table.source.sheet or "", table.source.header_row
            if write_back is not None:
                write_back(sheet, header_row, result)
            else:
                _write_back(request, sheet, header_row, result)
    return result


#: ``write_back(sheet, header_row, result)``: the outcomes drawn where the rows came from
_WriteBack = Callable[[str, int, "PushResult"], None]


@dataclass(frozen=True, slots=True)
class _Planned:
    """What the file and the platform say before anything is sent."""

    rows: list[OutgoingRow]
    records: list[Record]
    fingerprint: str
    invalid: dict[int, str]
    shown: Preview | None
    remote: dict[str, dict[str, object]]
    duplicates: dict[int, str]
    unchecked: str | None


def _check_duplicates(
    request: PushRequest,
    connector: Connector,
    insist: _Insist,
    rows: list[OutgoingRow],
    remote: dict[str, dict[str, object]] | None,
    *,
    shown: Preview | None = None,
) -> tuple[list[OutgoingRow], dict[int, str], str | None, dict[str, dict[str, object]]]:
    """The rows to send without those the platform probably holds under another key (issue
    19: « même téléphone que le client « C0043 » sur Evoliz », by row), why the check could
    not be made if it could not, and the platform's records.

    ``remote``: the records the push downloaded already (``shown``: their preview, whose moves
    are the rows that knowingly replace a record), else ``None``: they are listed here,
    and a platform that cannot list them (no list route, refused) is said, not fatal: the push
    goes on as it would have without the check, and its own requests meet any real failure.
    """
    profile, lang = request.profile, request.lang
    wanted = (
        not request.allow_duplicates
        and request.mode not in ("update_only", "replace_all")  # they create nothing new
        and can_match(profile)
    )
    if not wanted:
        return rows, {}, None, remote or {}
    if remote is None:
        try:
            remote = _aligned(_listed(connector, insist), rows, profile)
        except (GaveUp, AuthFailed, ConnectorError) as error:
            why = error.said(lang).rstrip(".")
            unchecked = (
                f"{profile.platform} n'a pas pu lister ses enregistrements : {why} ; les "
                "doublons sur la plateforme n'ont pas été vérifiés"
                if lang == "fr"
                else f"{profile.platform} could not list its records: {why}; duplicates on "
                "the platform were not checked"
            )
            return rows, {}, unchecked, {}
    if shown is None:
        shown = preview(rows, remote, request.mode, remote_parts(remote, profile))
    replaced = {move.key: move.old_key for move in shown.moved}
    kept = remote
    if request.mode == "upsert_delete_rest":  # a record this push deletes is repeated by none
        sent = {row.key for row in rows}
        kept = {key: fields for key, fields in remote.items() if key in sent}
    matches = remote_duplicates(rows, kept, profile, replaced=replaced)
    repeated = {m.remote_key: remote[m.remote_key] for m in matches}  # only those shown
    named = key_labels([], repeated, name_fields(profile), profile)
    held = {m.row: m.said(profile.platform, lang, named.get(m.remote_key)) for m in matches}
    keys = {m.key for m in matches}
    return [r for r in rows if r.key not in keys], held, None, remote


def _run(
    request: PushRequest,
    connector: Connector,
    journal: Journal,
    planned: _Planned,
    *,
    insist: _Insist,
    progress: Progress | None,
    sheet: str | None,
) -> PushResult:
    """Backup, journal, deletions and batches: the part of a push that changes the platform."""
    profile, rows, shown, remote = request.profile, planned.rows, planned.shown, planned.remote
    backup = _save_backup(request, remote) if request.mode in DESTRUCTIVE else None
    records = planned.records
    push = journal.start_or_resume(
        file=request.path,
        fingerprint=planned.fingerprint,
        profile=profile.name,
        target=request.target,
        collection=profile.api.collection or profile.name,
        mode=request.mode,
        rows=[(r.key, r.row) for r in rows],
        sheet=sheet,
    )
    result = PushResult(
        push,
        shown,
        planned.invalid,
        backup=backup,
        duplicates=planned.duplicates,
        unchecked=planned.unchecked,
    )
    if request.mode == "replace_all":
        # everything the platform held, except what this push already put back (a resumed run)
        done = {e.key for e in journal.entries(push) if e.state == "confirmed"}
        leftovers = [key for key in remote if key not in done]
        result.deleted, stop = _delete(connector, leftovers, insist)
        result.stopped, result.credentials_refused = _why(stop, request.lang)
        journal.add_deleted(push, result.deleted)
    by_key = {r.key: r for r in records}
    if shown is not None:
        _settle_without_sending(journal, push, shown, remote, request.lang)
    pending = [entry.key for entry in journal.pending(push)]
    create_only = request.mode == "create_only"
    if result.stopped is None:
        batches = _Batches(connector, journal, push, by_key, create_only, insist, request.lang)
        result.stopped, result.credentials_refused = _why(
            _send_batches(batches, pending, progress), request.lang
        )
    else:
        journal.mark_not_sent(push, pending, result.stopped)
    if result.stopped is None and request.mode == "upsert_delete_rest" and shown is not None:
        result.deleted, stop = _delete(connector, shown.delete, insist)
        result.stopped, result.credentials_refused = _why(stop, request.lang)
        journal.add_deleted(push, result.deleted)
    result.push = replace(journal.finish(push), resumed=push.resumed)
    result.entries = journal.entries(push)
    return result


@dataclass(frozen=True, slots=True)
class _Insist:
    """Every call to the platform goes through :func:`retry` with the same policy and the same
    listener."""

    policy: RetryPolicy
    on_wait: OnWait | None

    def __call__(self, call: Callable[[], T]) -> T:
        return retry(call, self.policy, on_wait=self.on_wait)


@dataclass(frozen=True, slots=True)
class _Batches:
    """What sending batches needs, held together."""

    connector: Connector
    journal: Journal
    push: Push
    records: dict[str, Record]
    create_only: bool
    insist: _Insist
    #: the run's language: what the journal stores (the platform's answers, why not sent)
    lang: Lang = "fr"


def _why(stop: str | Exception | None, lang: Lang) -> tuple[str | None, bool]:
    """Why a run stopped, in the run's language, and whether the platform refused the
    credentials."""
    if stop is None or isinstance(stop, str):
        return stop, False
    return _said(stop, lang), isinstance(stop, AuthFailed)


def _said(error: Exception, lang: Lang) -> str:
    """A connector's error in ``lang`` (any other exception as it reads)."""
    return error.said(lang) if isinstance(error, ConnectorError) else str(error)


def _send_batches(
    run: _Batches, pending: list[str], progress: Progress | None
) -> str | Exception | None:
    """Each batch marked sent, sent with retries, its answers recorded before the next one.

    On a failure retries cannot cure, the rest is marked not sent (to be sent by the next
    run) and the error (or the interruption) returned.
    """
    size = run.connector.batch_size
    for start in range(0, len(pending), size):
        keys = pending[start : start + size]
        batch = [run.records[k] for k in keys]
        try:
            outcomes = run.insist(partial(_send_once, run, keys, batch))
        except (GaveUp, AuthFailed, ConnectorError) as error:
            run.journal.mark_not_sent(run.push, pending[start:], error.said(run.lang))
            return error
        except KeyboardInterrupt:
            # the user stopped it: what was answered is kept and written back, the rest waits
            # for the next run (the batch in flight may have landed: it is sent again)
            run.journal.mark_not_sent(run.push, pending[start:], _INTERRUPTED[run.lang])
            return _INTERRUPTED[run.lang]
        run.journal.record(run.push, [outcome.in_language(run.lang) for outcome in outcomes])
        if progress is not None:
            progress(start + len(keys), len(pending))
    return None


def _send_once(run: _Batches, keys: list[str], batch: list[Record]) -> list[Outcome]:
    """One attempt at a batch, noted before it leaves: every attempt counts as a send, so a
    record stored by a request whose answer was lost, then found "unchanged" by the next
    attempt, is known as perhaps created by this push (``Journal.maybe_created``)."""
    run.journal.mark_sent(run.push, keys)
    return run.connector.send(batch, create_only=run.create_only)


def _first_of_each_key(
    rows: list[OutgoingRow], profile: Profile, lang: Lang
) -> tuple[list[OutgoingRow], dict[int, str]]:
    """Two rows with one key would be one record: the first is sent, the others are held back
    with the row that is sent instead. A natural key is named as the user knows it, by its
    last part (Flokon: « même occupant (Marie Tremblay · ...) que la ligne 2 »)."""
    first: dict[str, int] = {}
    kept: list[OutgoingRow] = []
    repeated: dict[int, str] = {}
    parts = profile.api.key_parts
    for row in rows:
        if row.key in first:
            sent = first[row.key]
            if row.label and parts:
                last = parts[-1]
                what = last.name if lang == "fr" else last.name_en
                hint = last.repeated if lang == "fr" else last.repeated_en
                said = (
                    f"même {what} ({row.label}) que la ligne {sent}, seule envoyée"
                    if lang == "fr"
                    else f"same {what} ({row.label}) as row {sent}, the one sent"
                )
                colon = " : " if lang == "fr" else ": "
                repeated[row.row] = f"{said}{colon}{hint}" if hint else said
            else:
                repeated[row.row] = (
                    f"même clé « {row.key} » que la ligne {sent}, seule envoyée"
                    if lang == "fr"
                    else f"same key “{row.key}” as row {sent}, the one sent"
                )
            continue
        first[row.key] = row.row
        kept.append(row)
    return kept, repeated


def _settle_without_sending(
    journal: Journal,
    push: Push,
    shown: Preview,
    remote: dict[str, dict[str, object]],
    lang: Lang,
) -> None:
    """Rows the mode decides without a request, recorded like answers so that the push can
    finish: unknown keys of an update-only push (errors), keys a create-only push finds on the
    platform already (unchanged, with the platform's id)."""
    message = (
        "clé inconnue de la plateforme : ce mode ne met à jour que des fiches existantes"
        if lang == "fr"
        else "key unknown to the platform: this mode only updates existing records"
    )
    decided = [Outcome(k, "error", None, message) for k in shown.refused]
    if shown.mode == "create_only":
        decided += [Outcome(k, "unchanged", _remote_id(remote[k])) for k in shown.unchanged]
    pending = {e.key for e in journal.pending(push)}
    decided = [o for o in decided if o.key in pending]
    if decided:
        journal.mark_sent(push, [o.key for o in decided])
        journal.record(push, decided)


def _remote_id(fields: dict[str, object]) -> str | None:
    identifier = fields.get(_REMOTE_ID)
    return None if identifier is None else str(identifier)


def _aligned(
    remote: dict[str, dict[str, object]], rows: Sequence[OutgoingRow], profile: Profile
) -> dict[str, dict[str, object]]:
    """The platform's records under the file's spelling of their keys, where the platform
    compares keys without case (``api.keys_ignore_case``: Evoliz's codes and e-mails), so the
    preview says what the push will do; elsewhere keys are exact (the generic contract)."""
    if not profile.api.keys_ignore_case:
        return remote
    ours = {row.key.casefold(): row.key for row in rows}
    return {ours.get(key.casefold(), key): fields for key, fields in remote.items()}


def _listed(connector: Connector, insist: _Insist) -> dict[str, dict[str, object]]:
    """What the platform holds: key → fields and id."""
    held = insist(lambda: list(connector.existing()))
    return {r.key: {**r.fields, _REMOTE_ID: r.id} for r in held}


def _download(connector: Connector, insist: _Insist) -> dict[str, dict[str, object]]:
    """What the platform holds (key → fields and id), for the preview and the backup.

    Nothing has been sent yet: a platform that cannot be read stops the push as an error.
    """
    try:
        return _listed(connector, insist)
    except (GaveUp, AuthFailed, ConnectorError) as error:
        raise PlatformUnreachable(
            f"la plateforme n'a pas pu être lue avant l'envoi : {error} ; rien n'a été envoyé",
            en=(
                "the platform could not be read before the push: "
                f"{error.said('en')}; nothing was pushed"
            ),
        ) from None


def _delete(
    connector: Connector, keys: Sequence[str], insist: _Insist
) -> tuple[int, Exception | None]:
    """Delete ``keys``; how many were there, and why it stopped if it did (a rerun of the
    same push deletes the rest)."""
    deleted = 0
    for key in keys:
        try:
            if insist(partial(connector.delete, key)):
                deleted += 1
        except (GaveUp, AuthFailed, ConnectorError) as error:
            return deleted, error
    return deleted, None


def _save_backup(request: PushRequest, remote: dict[str, dict[str, object]]) -> Path:
    """The platform's records as they were, before a mode that deletes runs."""
    folder = request.backup_dir or request.path.parent
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    path = folder / f"{request.path.stem}.plateforme-{request.profile.name}-{stamp}.json"
    try:
        path.write_text(
            json.dumps({"target": request.target, "records": remote}, ensure_ascii=False, indent=1),
            encoding="utf-8",
        )
    except OSError as error:
        raise UsageError(
            f"la sauvegarde de la plateforme n'a pas pu être écrite dans « {folder} » "
            f"({error.strerror or error}) : rien n'a été supprimé ni envoyé ; placez le fichier "
            "dans un dossier où vous pouvez écrire",
            en=(
                f"the platform's backup could not be written in “{folder}” "
                f"({error.strerror or error}): nothing was deleted or pushed; put the file "
                "in a folder where you can write"
            ),
        ) from None
    return path


def row_outcomes(result: PushResult, profile: Profile, lang: Lang) -> dict[int, RowOutcome]:
    """Each row's outcome as the status column shows it: held back, or the platform's answer
    with its message and its per-field messages under the columns' names."""
    labels = STATUS_LABELS[lang]
    outcomes = {
        row: RowOutcome(labels["invalid"], None, reasons) for row, reasons in result.invalid.items()
    }
    outcomes.update(
        (row, RowOutcome(labels["duplicate"], None, reason))
        for row, reason in result.duplicates.items()
    )
    headers = _headers_by_platform_name(profile)
    colon = " : " if lang == "fr" else ": "
    for entry in result.entries:
        message = entry.message
        if entry.field_errors:  # the same messages, each under its column's name
            message = "; ".join(
                f"{headers.get(name, name)}{colon}{', '.join(texts)}"
                for name, texts in entry.field_errors.items()
            )
        status = entry.status or "not-sent"
        outcomes[entry.row] = RowOutcome(labels[status], entry.platform_id, message, entry.key)
    return outcomes


def history_line(result: PushResult, request: PushRequest) -> HistoryLine:
    """The push's line in the history sheet: the whole push's counts, resumed runs included;
    rows held back by the checks count as not sent."""
    counts = result.push.counts if result.push is not None else Counts(deleted=result.deleted)
    return HistoryLine(
        dt.datetime.now(),
        request.profile.name,
        request.target,
        request.mode,
        {
            "created": counts.created,
            "updated": counts.updated,
            "unchanged": counts.unchanged,
            "rejected": counts.error,
            "not_sent": counts.not_sent + len(result.invalid) + len(result.duplicates),
            "deleted": counts.deleted,
        },
    )


def _headers_by_platform_name(profile: Profile) -> dict[str, str]:
    names = profile.api.field_names or {}
    return {names.get(column.id, column.id): column.header for column in profile.fields}


def _write_back(request: PushRequest, sheet: str, header_row: int, result: PushResult) -> None:
    """The outcomes into the sheet; a file that cannot be written is said, not raised: the
    journal holds every answer, and the next run writes them."""
    outcomes = row_outcomes(result, request.profile, request.lang)
    history = history_line(result, request)
    try:
        if outcomes_go_in(request.path):
            result.written = _write_back_workbook(request, sheet, header_row, outcomes, history)
        else:  # a CSV, .xls or .ods is never rewritten: side files beside it
            result.written = write_outcomes(
                request.path,
                sheet,
                header_row,
                outcomes,
                history,
                lang=request.lang,
                output=request.output,
            )
    except (OSError, ClientImportError) as error:
        why = error.said(request.lang) if isinstance(error, ClientImportError) else str(error)
        result.write_error = (
            f"les résultats n'ont pas pu être écrits dans « {request.path.name} » ({why}) : "
            "fermez le fichier s'il est ouvert, puis relancez l'envoi (rien ne sera créé deux fois)"
            if request.lang == "fr"
            else f"the outcomes could not be written in “{request.path.name}” ({why}): close "
            "the file if it is open, then push again (nothing will be created twice)"
        )


def _write_back_workbook(
    request: PushRequest,
    sheet: str,
    header_row: int,
    outcomes: Mapping[int, RowOutcome],
    history: HistoryLine,
) -> Path:
    """The outcomes drawn on the workbook as it is now (read again: the push may have been
    long), in place after a backup or into ``request.output``."""
    if request.output is not None:
        same_format(request.path, request.output)
    with open_workbook(request.path) as book:
        book.write_outcomes(sheet, header_row, outcomes, history, request.lang)
        return write_in_place_or_to(request.path, request.output, book.save)
