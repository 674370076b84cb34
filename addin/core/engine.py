"""Validation of a whole table against a profile, in one pass, column by column.

This module holds the order of the walk and the file-level checks (headers, size, format);
the cells of each column are judged in ``columns``, the cross-field rules in ``rules``, and
what they accumulate lives in ``context``. Rows are only touched again for the cross-field
rules, which read the normalised values the column checks left.
"""

from __future__ import annotations

from collections import Counter
from types import MappingProxyType

from addin.core.choices import DerivedTable, FeedPlan, derived_table, plan_feeds
from addin.core.columns import check_column
from addin.core.context import ISSUE_CAP, Context, FilledOf, RowLists, ValueOf, report_order
from addin.core.duplicate_rule import check_duplicates
from addin.core.fields.base import problem
from addin.core.fields.text import CharacterRules
from addin.core.gc_pause import cyclic_gc_paused
from addin.core.headers import HeaderMatch
from addin.core.product_columns import is_product_column
from addin.core.profile import Column, Profile, Severity
from addin.core.report import Issue, IssueKind, Report, column_letter
from addin.core.resolve import Resolved, resolve
from addin.core.rules import check_example_row, check_rules
from addin.core.table import Table


def _human_size(size: int) -> str:
    return f"{size / 1_000_000:.1f} Mo"


def validate(table: Table, profile: Profile, *, issue_cap: int | None = ISSUE_CAP) -> Report:
    """Every problem of ``table`` for ``profile``: file, columns, cells, then cross-field rules.

    Past ``issue_cap`` issues, those of the last rows are only counted per column and code
    (``Report.omitted``); ``None`` keeps them all.
    """
    with cyclic_gc_paused():
        return _validate(table, profile, issue_cap)[0]


def validate_values(table: Table, profile: Profile) -> tuple[Report, RowLists[str | None]]:
    """``validate``, plus each field's normalised value per row: what an export writes.

    Values are ``None`` for empty or invalid cells; fields missing from the file are all
    ``None``. Lists are spread on first use only. Every issue is kept (no cap): an export's
    rejects say why each row is held back.
    """
    with cyclic_gc_paused():
        return _validate(table, profile, None)


def _validate(
    table: Table, profile: Profile, issue_cap: int | None
) -> tuple[Report, RowLists[str | None]]:
    resolved = resolve(table, profile)
    plan = plan_feeds(resolved.choices, profile)
    derived = derived_table(table, plan)
    ctx = Context(profile, derived.table, {"platform": profile.platform}, cap=issue_cap)
    matches = [
        HeaderMatch(j, derived.table.headers[j], column)
        for j, column in enumerate(derived.fields)
        if column is not None
    ]
    width = len(table.headers)
    taken = {
        c.position: c.rival or ""
        for c in resolved.proposal.columns
        if c.reason == "taken" and resolved.choices[c.position] is None
    }
    read = {p for feed in plan.feeds for p in feed.sources}
    left_out = _left_out(resolved, plan, width)
    _check_headers(ctx, matches, left_out=left_out, width=width, taken=taken, read=read)
    _check_mapping(ctx, resolved, plan)
    _check_file(ctx)
    characters = CharacterRules.from_profile(profile.file.characters)
    for match in matches:
        if match.field.id in ctx.positions and ctx.positions[match.field.id] is not match:
            continue
        check_column(ctx, match, characters)
    for column in profile.fields:
        if column.id not in ctx.positions:
            nothing = [None] * table.row_count
            ctx.values.spread(column.id, nothing, ValueOf({None: None}))
            ctx.filled.spread(column.id, nothing, FilledOf({None: False}))
    check_rules(ctx)
    duplicates = check_duplicates(ctx)
    check_example_row(ctx)
    ctx.trim()
    if len(derived.origin) > len(table.headers):
        ctx.issues = _to_user_columns(ctx.issues, derived)
        ctx.omitted = _kinds_to_user_columns(ctx.omitted, derived)
        ctx.omitted_judged = _kinds_to_user_columns(ctx.omitted_judged, derived)
        # an issue moved to the user's column loses its suggestion: a person fixes it
        ctx.omitted_fixable = _kinds_to_user_columns(
            Counter({k: n for k, n in ctx.omitted_fixable.items() if _own(k, derived)}), derived
        )
    # file-level issues keep the order they were found in; cell issues follow the columns
    ctx.issues.sort(key=report_order)
    report = Report(
        profile=profile,
        source=table.source,
        rows=table.row_count,
        issues=ctx.issues,
        rows_with_errors=ctx.error_rows,
        file_errors=ctx.file_errors,
        omitted=ctx.omitted,
        unfixable_rows=ctx.unfixable_rows,
        blocking_file_errors=ctx.blocking_file_errors,
        omitted_judged=ctx.omitted_judged,
        omitted_fixable=ctx.omitted_fixable,
        duplicates=tuple(duplicates),
    )
    return report, ctx.values


def _left_out(resolved: Resolved, plan: FeedPlan, width: int) -> list[int]:
    """The file's columns that feed nothing and were not left out on the user's word.

    Columns the mapping sheet says not to import, or the user's remembered choice leaves out,
    and those a join or split uses, are not worth a warning; a column whose field another
    column feeds is (``column-taken``).
    """
    used = {p for feed in plan.feeds for p in feed.sources}
    on_purpose = {c.position for c in resolved.proposal.columns if c.reason == "remembered"}
    if resolved.stored is not None:
        on_purpose |= set(range(width)) - set(resolved.stored.unlisted)
    return [p for p in range(width) if p not in used and p not in on_purpose]


def _check_headers(
    ctx: Context,
    matches: list[HeaderMatch],
    *,
    left_out: list[int],
    width: int,
    taken: dict[int, str],
    read: set[int],
) -> None:
    """Repeated titles, columns that feed nothing, required fields without a column.

    ``width``: the file's own columns (those after it are joined or split fields);
    ``taken``: columns whose field another column feeds, with that column's header;
    ``read``: the file's columns a field is read from (as they are, joined or split).
    """
    profile, table = ctx.profile, ctx.table
    for match in matches:
        ctx.positions[match.field.id] = match
    own = [h.strip() for h in table.headers[:width]]
    counts = Counter(h for h in own if h)
    repeated: set[int] = set()
    if profile.file.unique_headers:
        feeding = {own[p] for p in read}
        seen: set[str] = set()
        for position, header in enumerate(own):
            if not header or counts[header] < 2:
                continue
            if header in seen:
                repeated.add(position)
                # a repeated title nothing reads is left out of our export: only a warning
                severity: Severity = "error" if header in feeding else "warning"
                dup = HeaderMatch(position, header, Column(id=header, header=header, help="-"))
                ctx.add(
                    problem("duplicate-header", severity, None, count=str(counts[header])),
                    None,
                    dup,
                    None,
                )
            seen.add(header)
    for position in left_out:
        header = table.headers[position]
        if not header.strip():
            if any(v not in (None, "") for v in table.columns[position]):
                ctx.add_file(
                    problem("blank-header", "warning", None, letter=column_letter(position))
                )
            continue
        if position in repeated or is_product_column(header):
            continue
        rival = taken.get(position)
        ctx.issues.append(
            Issue(
                "unknown-column" if rival is None else "column-taken",
                "warning",
                None,
                header,
                None,
                None,
                None,
                MappingProxyType({} if rival is None else {"rival": rival}),
                position,
                ctx.lang_params,
            )
        )
    for column in profile.fields:
        if column.required and column.id not in ctx.positions:
            ctx.add_file(problem("missing-column", "error", None, header=column.header))
    if profile.file.all_columns:
        absent = [c.header for c in profile.fields if not c.required and c.id not in ctx.positions]
        if absent:
            shown = ", ".join(absent[:8]) + (" …" if len(absent) > 8 else "")
            ctx.add_file(
                problem(
                    "template-columns-missing", "error", None, count=str(len(absent)), headers=shown
                )
            )
    if profile.file.column_order is not None:
        _check_order(ctx, profile.file.column_order, width)


def _check_mapping(ctx: Context, resolved: Resolved, plan: FeedPlan) -> None:
    """What the mapping sheet says that cannot be followed, or that the checks do not use."""
    headers = ctx.table.headers
    for conflict in plan.conflicts:
        named = ", ".join(f"{column_letter(p)} (« {headers[p]} »)" for p in conflict.sources)
        ctx.add_file(
            problem("mapping-conflict", "error", None, columns=named, header=conflict.field.header)
        )
    if resolved.other_profile is not None:
        ctx.add_file(
            problem("mapping-other-profile", "warning", None, other=resolved.other_profile)
        )
    if resolved.stored is None:
        return
    for column, label in resolved.stored.unknown_labels:
        ctx.add_file(problem("mapping-unknown-label", "warning", None, column=column, label=label))
    for position in resolved.stored.unlisted:
        choice = resolved.choices[position]
        field = ctx.profile.field(choice).header if choice and choice[0] != "=" else None
        ctx.add_file(
            problem(
                "mapping-unlisted" if field else "mapping-unlisted-ignored",
                "warning",
                None,
                column=headers[position],
                header=field or "",
            )
        )


def _to_user_columns(issues: list[Issue], derived: DerivedTable) -> list[Issue]:
    """Issues of a joined or split field, moved to the user's column it is built from.

    Their suggestion is dropped: it fits the built value, not the user's cell, so ``fix``
    must not write it there.
    """
    width = derived.width
    headers = derived.table.headers
    moved: list[Issue] = []
    for issue in issues:
        if issue.position is None or issue.position < width:
            moved.append(issue)
            continue
        origin = derived.origin[issue.position]
        moved.append(issue._replace(position=origin, column=headers[origin], suggestion=None))
    return moved


def _kinds_to_user_columns(
    omitted: Counter[IssueKind], derived: DerivedTable
) -> Counter[IssueKind]:
    """The counts of :func:`_to_user_columns`' issues, moved the same way."""
    moved: Counter[IssueKind] = Counter()
    for kind, count in omitted.items():
        if kind.position is None or kind.position < derived.width:
            moved[kind] += count
            continue
        origin = derived.origin[kind.position]
        moved[kind._replace(position=origin, column=derived.table.headers[origin])] += count
    return moved


def _own(kind: IssueKind, derived: DerivedTable) -> bool:
    """Whether ``kind`` is about the file itself or one of its own columns (not a derived one)."""
    return kind.position is None or kind.position < derived.width


def _check_order(ctx: Context, severity: Severity, width: int) -> None:
    """Only the file's own columns have an order; joined or split fields follow it."""
    order = {c.id: n for n, c in enumerate(ctx.profile.fields)}
    present = sorted((m for m in ctx.positions.values() if m.index < width), key=lambda m: m.index)
    expected = sorted(present, key=lambda m: order[m.field.id])
    for n, (got, want) in enumerate(zip(present, expected, strict=True)):
        if got is not want:
            ctx.add_file(
                problem(
                    "column-order", severity, None, header=want.field.header, expected=str(n + 1)
                )
            )
            return


def _check_file(ctx: Context) -> None:
    rules, source = ctx.profile.file, ctx.table.source
    if ctx.table.row_count == 0:
        ctx.add_file(problem("no-data", "error"))
    if rules.max_rows is not None and ctx.table.row_count > rules.max_rows:
        ctx.add_file(
            problem(
                "too-many-rows",
                "error",
                None,
                count=str(ctx.table.row_count),
                limit=str(rules.max_rows),
            )
        )
    limit = rules.max_size_bytes.get(source.kind)
    if limit is not None and source.size_bytes > limit:
        ctx.add_file(
            problem(
                "file-too-large",
                "error",
                None,
                size=_human_size(source.size_bytes),
                limit=_human_size(limit),
                kind=source.kind.upper(),
            )
        )
    # Each of these is refused as the file stands (the page names the formats, the encoding,
    # the separator, one sheet, the titles on the first row) and gone from the export's file.
    if source.kind not in rules.accepted_formats:
        accepted = ", ".join(f.upper() for f in rules.accepted_formats)
        ctx.add_file(
            problem(
                "format-not-accepted", "error", None, kind=source.kind.upper(), accepted=accepted
            )
        )
    if source.headerless:
        ctx.add_file(problem("no-header-row", "error"))
    elif source.header_row > rules.header_row:
        ctx.add_file(problem("headers-not-first-row", "error", None, row=str(source.header_row)))
    csv_export = rules.export.format == "csv"
    encoding = rules.csv_encoding or (rules.export.encoding if csv_export else None)
    if source.kind == "csv" and encoding is not None:
        wanted = encoding.lower().replace("_", "-")
        got = (source.encoding or "").lower().replace("_", "-").removesuffix("-sig")
        if got and got != wanted and not (wanted == "utf-8" and got == "ascii"):
            ctx.add_file(
                problem(
                    "wrong-encoding",
                    "error",
                    None,
                    encoding=source.encoding or "?",
                    expected=encoding.upper(),
                )
            )
    if (
        source.kind == "csv"
        and csv_export
        and source.separator
        and source.separator != rules.export.separator
    ):
        ctx.add_file(
            problem(
                "wrong-separator",
                "error",
                None,
                separator=source.separator,
                expected=rules.export.separator,
            )
        )
    if rules.single_sheet and len(source.sheets) > 1:
        ctx.add(
            problem(
                "several-sheets",
                "error",
                None,
                count=str(len(source.sheets)),
                sheet=source.sheet or "",
            ),
            None,
            None,
            None,
        )
