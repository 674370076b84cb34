"""The ribbon's buttons: what the add-in's VBA calls, one function per button.

``vba/Ribbon.bas`` calls ``RunPython "import addin.shells.ribbon.commands as c; c.<name>()"``:
the names below are that contract (``choose_platform`` takes the id of a profile, a
``templates/*.toml`` stem). Each is a thin shell, as the command line's commands are: the
calling book open in Excel (:class:`~addin.live.workbook.LiveWorkbook`), the *same* use case as
the matching command, and what it did told in a message box (:mod:`addin.shells.ribbon.shell`
does the rest: the Excel session, errors as sentences, the language).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from addin.core.choices import label_of
from addin.core.kinds import kind_of, with_kind
from addin.core.product_sheets import CHANGES_SHEETS, MAPPING_SHEETS, REPORT_SHEETS
from addin.core.profiles import get_profile
from addin.core.push_plan import PUSH_STATUS_LABELS, is_fingerprint, mode_label
from addin.core.report import column_letter
from addin.core.template import plan_template
from addin.live.workbook import LiveWorkbook
from addin.settings import check_platform, load_settings, save_settings, updated
from addin.shells.ribbon import sending, setup
from addin.shells.ribbon.ask import confirm
from addin.shells.ribbon.folders import beside, documents, free_name, saved_path, stem
from addin.shells.ribbon.shell import Button, run_button
from addin.shells.ribbon.words import listed
from addin.usecases.exporting import export_book
from addin.usecases.fixing import fix_book, undo_book
from addin.usecases.mapping_file import remembered_in_book, write_mapping_book
from addin.usecases.marking import clear_book, mark_book
from addin.usecases.template_file import make_template
from addin.usecases.validation import check_book

#: the file each export format is written as
_EXPORT_SUFFIX = {"csv": ".csv", "xlsx": ".xlsx", "xls": ".xlsx", "ods": ".xlsx"}
_SHOWN = 10


# --- the buttons (the VBA contract) --------------------------------------------------------------


def choose_platform(profile_id: str) -> None:
    """The platform list: keep the choice; check, fix, export and send use it."""
    run_button("choose_platform", lambda button: _choose_platform(button, profile_id))


def new_template() -> None:
    run_button("new_template", _new_template)


def match_columns() -> None:
    run_button("match_columns", _match_columns)


def forget_choices() -> None:
    run_button("forget_choices", _forget_choices)


def check() -> None:
    run_button("check", _check)


def fix() -> None:
    run_button("fix", _fix)


def undo_fixes() -> None:
    run_button("undo_fixes", _undo_fixes)


def clear_marks() -> None:
    run_button("clear_marks", _clear_marks)


def explain_cell() -> None:
    run_button("explain_cell", _explain_cell)


def export_file() -> None:
    run_button("export_file", _export_file)


def send() -> None:
    run_button("send", sending.send)


def history() -> None:
    run_button("history", _history)


def undo_send() -> None:
    run_button("undo_send", _undo_send)


def settings() -> None:
    run_button("settings", setup.change_settings)


# --- what each one does -------------------------------------------------------------------------


def _choose_platform(button: Button, profile_id: str) -> str:
    chosen = updated(load_settings(), platform=check_platform(profile_id))
    save_settings(chosen)
    return button.words("platform_chosen", platform=get_profile(profile_id).platform)


def _new_template(button: Button) -> str:
    """``client-import template P``, into Documents under a name no file has, then opened."""
    profile = button.profile()
    name = plan_template(profile, button.lang, None).file_name
    path = make_template(profile, free_name(documents() / name), lang=button.lang)
    button.app.books.open(str(path))
    return button.words("template", platform=profile.platform, path=path)


def _match_columns(button: Button) -> str:
    """``client-import map FILE -p P --write`` on the open book: pressed again after the user
    corrected the sheet, it remembers the corrections (``usecases.remembering``)."""
    profile = button.profile()
    mapped = write_mapping_book(button.live, profile, None, button.lang)
    lines = [
        f"{line.column[:30]} → "
        + (label_of(line.choice, profile, button.lang) if line.choice else "—")
        for line in mapped.lines
    ]
    text = button.words("mapping", sheet=MAPPING_SHEETS[button.lang], lines="\n".join(lines[:20]))
    if mapped.missing_required:
        headers = {column.id: column.header for column in profile.fields}
        missing = ", ".join(f"« {headers[f]} »" for f in mapped.missing_required)
        text += "\n\n" + button.words("mapping_missing", fields=missing)
    if mapped.remembered:
        text += "\n\n" + button.words("mapping_remembered", count=mapped.remembered)
    return text


def _forget_choices(button: Button) -> str:
    """``client-import forget FILE -p P`` for the sheet the user is on, after a yes: the column
    choices remembered for files with these headers and this platform, nothing else."""
    profile = button.profile()
    here = remembered_in_book(button.live, profile)
    if not here.choices:
        return button.words("forget_none", platform=profile.platform)
    question = button.words("forget_ask", count=here.choices, platform=profile.platform)
    if not confirm(button.app, question):
        return button.words("cancelled")
    gone = here.forget()
    return button.words("forget_done", count=gone.choices, platform=profile.platform)


def _check(button: Button) -> str:
    """``client-import validate FILE --in-place`` on the sheet the user is on."""
    marked = mark_book(button.live, button.chosen_profile(), lang=button.lang)
    report = marked.report
    platform = report.profile.platform
    if not report.issues:
        return button.words("checked_clean", rows=report.rows, platform=platform)
    # the accountant's two questions: will the platform refuse it as it is, and what is mine
    # (the text report's totals: issues past the cap counted by kind too)
    totals = report.totals()
    person, fixable = sum(t.to_fix for t in totals), sum(t.fixed for t in totals)
    refused = report.error_count > 0
    verdict = button.words("verdict_refused" if refused else "verdict_accepted", platform=platform)
    return button.words(
        "checked",
        rows=report.rows,
        platform=platform,
        verdict=verdict,
        person=person,
        person_rows=len(report.unfixable_rows),
        product=fixable,
        warnings=report.warning_count,
        sendable=report.sendable_rows,
        report=REPORT_SHEETS[button.lang],
    )


def _fix(button: Button) -> str:
    """``client-import fix FILE --in-place`` on the sheet the user is on."""
    fixed = fix_book(button.live, button.chosen_profile(), lang=button.lang)
    result = fixed.fixes
    after = result.report
    if not result.changes:
        text = button.words("fixed_none", errors=after.error_count, warnings=after.warning_count)
    else:
        text = button.words(
            "fixed",
            fixed=len(result.changes),
            before=len(result.before.issues),
            errors=after.error_count,
            warnings=after.warning_count,
            sheet=CHANGES_SHEETS[button.lang],
        )
    if fixed.formulas_kept:
        text += "\n" + button.words("formulas_kept", count=fixed.formulas_kept)
    return text


def _undo_fixes(button: Button) -> str:
    """``client-import undo FILE`` on the open book."""
    undone = undo_book(button.live)
    if not undone.restored and not undone.kept:
        return button.words("undo_none")
    if not undone.restored:
        return button.words("undo_all_changed", count=len(undone.kept))
    text = button.words("undone", count=undone.restored)
    if undone.kept:
        cells = listed(button.lang, undone.kept, _SHOWN)
        text += "\n" + button.words("undone_kept", count=len(undone.kept), cells=cells)
    return text


def _clear_marks(button: Button) -> str:
    """``client-import clear FILE`` on the open book."""
    return button.words("cleared" if clear_book(button.live) else "clear_none")


def _explain_cell(button: Button) -> str:
    """Every issue of the selected cell, with its proposal and its kind in the marks' words,
    what needs the user first: the selected cell's sheet checked."""
    selected = button.app.selection
    if selected is None:
        return button.words("select_cell")
    ref = f"{column_letter(selected.column - 1)}{selected.row}"  # a range: its first cell
    live = LiveWorkbook(button.book, active=False)
    _, report = check_book(live, button.chosen_profile(), selected.sheet.name)
    kinds = [(kind_of(report, issue), issue) for issue in report.issues if issue.cell == ref]
    if not kinds:
        return button.words("cell_clean", cell=ref)
    kinds.sort(key=lambda pair: -pair[0])  # stable: each kind in the report's order
    said = [button.words("cell_issues", cell=ref)]
    said += [
        f"• {with_kind(kind, issue.message(button.lang), button.lang)}" for kind, issue in kinds
    ]
    return "\n".join(said)


def _export_file(button: Button) -> str:
    """``client-import export FILE -p P -o OUT``, OUT beside the workbook (or in Documents)."""
    profile = button.profile()
    book = button.book
    suffix = _EXPORT_SUFFIX[profile.file.export.format]
    output = free_name(beside(book) / f"{stem(book)}.{profile.name}{suffix}")
    result = export_book(button.live, profile, output, lang=button.lang, source=saved_path(book))
    return button.words(
        "exported",
        kept=len(result.plan.rows),
        held=len(result.plan.held_back),
        platform=profile.platform,
        files="\n".join(str(path) for path in result.files),
    )


def _history(button: Button) -> str:
    """``client-import history FILE``: the pushes of this workbook, newest first."""
    from addin.connectors.journal import Journal  # noqa: PLC0415 (the push machinery, only here)
    from addin.connectors.run_lock import is_busy  # noqa: PLC0415

    with Journal.open() as journal:
        pushes = journal.pushes_of(_journal_name(button), _SHOWN)
        folder = journal.path.parent
    if not pushes:
        return button.words("history_none")
    lines = []
    for push in pushes:
        status = push.status
        if status == "running" and not is_busy(folder, push.file):  # a crash stopped it
            status = "interrupted"
        counts = push.counts
        lines.append(
            button.words(
                "history_line",
                id=push.id,
                date=_local_date(push.started_at),
                platform=_platform(push.profile),
                target=push.target,
                mode=mode_label(push.mode, button.lang),
                status=PUSH_STATUS_LABELS[button.lang].get(status, status),
                counts=button.words(
                    "history_counts",
                    created=counts.created,
                    updated=counts.updated,
                    unchanged=counts.unchanged,
                    error=counts.error,
                    not_sent=counts.not_sent,
                    deleted=counts.deleted,
                    undone=counts.undone,
                ),
            )
        )
    return "\n".join(lines)


def _undo_send(button: Button) -> str:
    """``client-import undo-push N`` for the last push of this workbook, after a yes."""
    from addin.connectors.journal import Journal  # noqa: PLC0415 (the push machinery, only here)
    from addin.usecases.push_undo import UndoConfirmationNeeded, undo_push  # noqa: PLC0415
    from addin.usecases.pushing import open_connector  # noqa: PLC0415

    with Journal.open() as journal:
        found = journal.pushes_of(_journal_name(button), 1)
        if not found:
            return button.words("undo_send_none")
        push = found[0]
        connector = open_connector(get_profile(push.profile), push.target)
        try:
            try:
                result = undo_push(journal, push, connector, confirmed=False, lang=button.lang)
            except UndoConfirmationNeeded as needed:
                natural = bool(get_profile(push.profile).api.key_parts)
                keys = [
                    _created(created.key, created.row, button, natural) for created in needed.doomed
                ]
                question = button.words(
                    "undo_send_ask",
                    id=push.id,
                    date=_local_date(push.started_at),
                    target=push.target,
                    count=len(needed.doomed),
                    keys=listed(button.lang, keys, _SHOWN),
                )
                if not confirm(button.app, question):
                    return button.words("cancelled")
                result = undo_push(journal, push, connector, confirmed=True, lang=button.lang)
        finally:
            connector.close()
    if not result.deleted and not result.absent and not result.stopped:
        text = button.words("undo_send_nothing", id=push.id)
    else:
        text = button.words("undo_send_done", id=push.id, deleted=len(result.deleted))
    for key, items in (
        ("undo_send_absent", result.absent),
        ("undo_send_replaced", result.replaced),
        ("undo_send_unsure", result.unsure),
    ):
        if items:
            text += "\n" + button.words(key, count=len(items))
    if result.stopped:
        text += "\n" + button.words("undo_send_stopped", why=result.stopped)
    return text


# --- small helpers ------------------------------------------------------------------------------


def _journal_name(button: Button) -> Path:
    """How the journal names this workbook: its file, as the command line's push names it."""
    return saved_path(button.book) or Path(str(button.book.fullname))


def _created(key: str, row: int, button: Button, natural: bool = False) -> str:
    """A created record as the user knows it: its row, and its key when it is the user's (a
    fingerprint of the values says nothing to anyone; a natural key, lower case and without
    accents, is the row's own name, address and client: the row says it better)."""
    line = button.words("row", row=row)
    return line if natural or is_fingerprint(key) else f"{key} ({line})"


def _local_date(stamp: str) -> str:
    """``2026-12-07T06:40:00.125Z`` as the user's clock shows it: ``07/12/2026 07:40``."""
    moment = dt.datetime.fromisoformat(stamp.replace("Z", "+00:00")).astimezone()
    return moment.strftime("%d/%m/%Y %H:%M")


def _platform(profile_id: str) -> str:
    try:
        return get_profile(profile_id).platform
    except Exception:  # a profile removed since the push: its id says enough
        return profile_id
