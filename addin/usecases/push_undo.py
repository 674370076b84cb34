"""Undo an import: delete from the platform what one push created, as Reveal's "delete an import".

Only what the journal knows the push **created** is deleted, by key, and each deletion is
recorded (``mark_undone``) as soon as the platform confirms it: an undo interrupted halfway is
finished by running it again. Rows that existed before the push (updated, unchanged) are never
touched. Rows the push may have created without an answer saying so (see
``Journal.maybe_created``) are listed and left alone unless the user includes them.

The platform is read first: a record whose id is no longer the one the push got (deleted and
created again since, by a later "replace everything" for instance) belongs to someone else now
and is left alone, as are records already gone.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial

from addin.connectors.connector import AuthFailed, Connector, ConnectorError
from addin.connectors.journal import Created, Journal, Push
from addin.connectors.retry import GaveUp, RetryPolicy, retry
from addin.connectors.run_lock import is_busy
from addin.core.catalogue import Lang
from addin.errors import UsageError


class UndoConfirmationNeeded(UsageError):
    """Deleting needs ``--yes``: the records that would go are listed, nothing is deleted."""

    def __init__(self, message: str, doomed: list[Created]) -> None:
        super().__init__(message)
        self.doomed = doomed


@dataclass(slots=True)
class UndoResult:
    push: Push
    #: deleted by this run
    deleted: list[Created] = field(default_factory=list)
    #: already gone from the platform (deleted there by hand, or by an earlier undo's request)
    absent: list[Created] = field(default_factory=list)
    #: left alone: may have been on the platform before the push
    unsure: list[Created] = field(default_factory=list)
    #: left alone: the key now holds another record (another id) than the one the push made
    replaced: list[Created] = field(default_factory=list)
    #: why the run stopped before the end
    stopped: str | None = None


def find_push(journal: Journal, push_id: int, lang: Lang = "fr") -> Push:
    """The push of that number, or a clear error naming the command that lists them."""
    push = journal.get(push_id)
    if push is None:
        raise UsageError(
            f"aucun envoi n° {push_id} dans le journal : `client-import history` les liste"
            if lang == "fr"
            else f"no push no. {push_id} in the journal: `client-import history` lists them"
        )
    return push


def undo_push(
    journal: Journal,
    push: Push,
    connector: Connector,
    *,
    confirmed: bool,
    include_unsure: bool = False,
    policy: RetryPolicy | None = None,
    progress: Callable[[int, int], None] | None = None,
    lang: Lang = "fr",
) -> UndoResult:
    """Delete the records ``push`` created (and, if asked, those it may have created)."""
    unsure = journal.maybe_created(push)
    doomed = journal.created_ids(push) + (unsure if include_unsure else [])
    if is_busy(journal.path.parent, push.file):  # "running" alone may be a crashed run
        raise UsageError(
            f"l'envoi n° {push.id} est en cours : attendez sa fin pour l'annuler"
            if lang == "fr"
            else f"push no. {push.id} is running: wait for its end to undo it"
        )
    if doomed and not confirmed:
        raise UndoConfirmationNeeded(
            f"annuler l'envoi n° {push.id} supprime {len(doomed)} enregistrement(s) de la "
            "plateforme : relisez la liste, puis relancez avec --yes pour confirmer"
            if lang == "fr"
            else f"undoing push no. {push.id} deletes {len(doomed)} record(s) from the "
            "platform: read the list, then run again with --yes to confirm",
            doomed,
        )
    result = UndoResult(push, unsure=[] if include_unsure else unsure)
    policy = policy or RetryPolicy()
    try:
        held = {r.key: r.id for r in retry(lambda: list(connector.existing()), policy)}
    except (GaveUp, AuthFailed, ConnectorError) as error:
        result.stopped = error.said(lang)
        return result
    for done, created in enumerate(doomed, start=1):
        if created.key not in held:
            journal.mark_undone(push, [created.key])
            result.absent.append(created)
            continue
        if created.id is not None and held[created.key] not in (None, created.id):
            result.replaced.append(created)
            continue
        try:
            found = retry(partial(connector.delete, created.key), policy)
        except (GaveUp, AuthFailed, ConnectorError) as error:
            result.stopped = error.said(lang)
            break
        journal.mark_undone(push, [created.key])
        (result.deleted if found else result.absent).append(created)
        if progress is not None:
            progress(done, len(doomed))
    refreshed = journal.get(push.id)
    assert refreshed is not None
    result.push = refreshed
    return result
