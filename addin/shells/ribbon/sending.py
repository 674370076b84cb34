"""The « Envoyer » button: the preview, the user's yes, a re-check, then the push.

The preview is what the push would do (``push_book`` with ``dry_run``: counts to create,
update, leave, refuse, and for a deleting mode the records that will be *deleted*), asked as a
yes/no question every time. Excel stays usable while the box is up: the user may edit the sheet
before answering. So the sheet is read again after the yes and compared with what the preview
was made from (:func:`cells_digest`); if anything changed it is checked again and the new
preview asked instead of sending rows nobody saw. The push then sends exactly the table of the
last preview, and its outcomes are drawn on the sheet (``Workbook.write_outcomes``).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from addin.connectors.journal import Journal
from addin.core.push_plan import Mode, mode_label
from addin.core.table import Table
from addin.shells.ribbon.ask import confirm
from addin.shells.ribbon.folders import beside, saved_path
from addin.shells.ribbon.shell import Button
from addin.shells.ribbon.words import listed
from addin.usecases.pushing import PushRequest, PushResult, choose_mode, open_connector, push_book
from addin.usecases.validation import read_book

_KEYS_SHOWN = 10


def cells_digest(table: Table) -> str:
    """A digest of what the sheet holds: headers, row numbers and every cell (value and type),
    so any edit, insertion or deletion changes it."""
    digest = hashlib.sha256()
    digest.update(repr((table.source.sheet, table.headers, table.row_numbers)).encode())
    for column in table.columns:
        digest.update(repr([(type(cell).__name__, cell) for cell in column]).encode())
    return digest.hexdigest()


def send(button: Button) -> str | None:
    """Preview, confirmation, re-check, push; the summary to show (``None``: cancelled)."""
    profile = button.profile()
    target = button.target(profile)
    mode = choose_mode(profile, button.settings.mode_of(profile.name))
    book = button.book
    request = PushRequest(
        Path(saved_path(book) or book.fullname),
        profile,
        target,
        mode,
        lang=button.lang,
        backup_dir=beside(book),
    )
    connector = open_connector(profile, target)
    try:
        with Journal.open() as journal:
            table = read_book(button.live, None, profile)
            changed = False
            while True:
                ahead = push_book(
                    button.live, replace(request, dry_run=True), connector, journal, table=table
                )
                if not confirm(button.app, _preview_text(button, request, ahead, changed)):
                    return button.words("cancelled")
                # Excel's boxes have no checkbox: its honest equivalent is a second question
                allow = bool(ahead.duplicates) and confirm(
                    button.app,
                    button.words(
                        "ask_duplicates",
                        count=len(ahead.duplicates),
                        rows=_duplicate_rows(button, ahead),
                    ),
                )
                again = read_book(button.live, None, profile)
                if cells_digest(again) == cells_digest(table):
                    break
                table, changed = again, True
            result = push_book(
                button.live,
                replace(request, confirmed=True, allow_duplicates=allow),
                connector,
                journal,
                table=table,
                progress=_tenths(button),
            )
    finally:
        connector.close()
    return _summary(button, request, result)


def _tenths(button: Button) -> Callable[[int, int], None]:
    """Progress in the status bar at each tenth of the rows only: one call into Excel per
    batch would make a push of 100,000 rows cost 1,000 calls (about 10 s in Excel)."""
    shown = -1

    def progress(done: int, total: int) -> None:
        nonlocal shown
        tenth = done * 10 // max(total, 1)
        if tenth != shown:
            shown = tenth
            button.status(button.words("sending", done=done, total=total))

    return progress


def _preview_text(button: Button, request: PushRequest, ahead: PushResult, changed: bool) -> str:
    lang = button.lang
    lines: list[str] = []
    shown = ahead.preview
    if shown is not None:
        for key, keys in (
            ("p_create", shown.create),
            ("p_update", shown.update),
            ("p_unchanged", shown.unchanged),
            ("p_refused", shown.refused),
            ("p_repeated", shown.repeated),
        ):
            if keys:
                lines.append(button.words(key, count=len(keys)))
        lines += _moved(button, request, ahead)
        if shown.delete:
            labels = [ahead.labels.get(key, key) for key in shown.delete]
            lines.append(
                button.words(
                    "preview_deleting",
                    count=len(shown.delete),
                    keys=listed(lang, labels, _KEYS_SHOWN),
                )
            )
    if ahead.invalid:
        lines.append(button.words("p_invalid", count=len(ahead.invalid)))
    if ahead.duplicates:
        rows = _duplicate_rows(button, ahead)
        lines.append(button.words("p_duplicates", count=len(ahead.duplicates), rows=rows))
    if ahead.unchecked:
        lines.append(ahead.unchecked)
    text = button.words(
        "preview",
        target=request.target,
        platform=request.profile.platform,
        mode=_mode_label(request.mode, button),
        counts="\n".join(lines),
    )
    return (button.words("preview_changed") if changed else "") + text


def _duplicate_rows(button: Button, ahead: PushResult) -> str:
    """The rows held back as likely duplicates, each with its reason, the first ten."""
    row = "ligne" if button.lang == "fr" else "row"
    colon = " : " if button.lang == "fr" else ": "
    said = [f"{row} {n}{colon}{why}" for n, why in sorted(ahead.duplicates.items())]
    return listed(button.lang, said, _KEYS_SHOWN)


def _moved(button: Button, request: PushRequest, ahead: PushResult) -> list[str]:
    """Records created because one part of their natural key changed (Flokon: a new address,
    so a new service point): what it means, each with the old one and what becomes of it."""
    shown, lang = ahead.preview, button.lang
    if shown is None:
        return []
    lines: list[str] = []
    for index, part in enumerate(request.profile.api.key_parts):
        moves = [m for m in shown.moved if m.part == index]
        if not moves:
            continue
        changed = (part.changed if lang == "fr" else part.changed_en) or part.name
        said = [
            f"{ahead.labels.get(m.key, m.key)} ← {ahead.labels.get(m.old_key, m.old_key)}, "
            + button.words("p_old_deleted" if m.old_key in shown.delete else "p_old_kept")
            for m in moves
        ]
        keys = listed(lang, said, _KEYS_SHOWN)
        lines.append(button.words("p_moved", count=len(moves), changed=changed, keys=keys))
    return lines


def _mode_label(mode: Mode, button: Button) -> str:
    return mode_label(mode, button.lang)


def _summary(button: Button, request: PushRequest, result: PushResult) -> str:
    push = result.push
    assert push is not None
    counts = push.counts
    said = [
        button.words(
            "sent",
            id=push.id,
            target=push.target,
            counts=button.words(
                "sent_counts",
                created=counts.created,
                updated=counts.updated,
                unchanged=counts.unchanged,
                error=counts.error,
                not_sent=counts.not_sent,
                deleted=result.deleted,
            ),
        )
    ]
    if result.invalid:
        said.append(button.words("p_invalid", count=len(result.invalid)))
    if result.duplicates:
        rows = _duplicate_rows(button, result)
        said.append(button.words("p_duplicates", count=len(result.duplicates), rows=rows))
    if result.backup is not None:
        said.append(button.words("sent_backup", path=result.backup))
    if result.stopped:
        said.append(button.words("sent_stopped", why=result.stopped))
    if result.write_error:
        said.append(button.words("sent_warning", what=result.write_error))
    else:
        said.append(button.words("sent_written"))
    return "\n".join(said)
