"""Validation of a whole table against a profile, in one pass, column by column.

This module holds the order of the walk and the file-level checks (headers, size, format);
the cells of each column are judged in ``columns``, the cross-field rules in ``rules``, and
what they accumulate lives in ``context``. Rows are only touched again for the cross-field
rules, which read the normalised values the column checks left.
"""

from __future__ import annotations

from collections import Counter
from types import MappingProxyType

from addin.core.columns import check_column
from addin.core.context import Context, FilledOf, RowLists, ValueOf
from addin.core.fields.base import problem
from addin.core.fields.text import CharacterRules
from addin.core.gc_pause import cyclic_gc_paused
from addin.core.headers import HeaderMatch, match_headers
from addin.core.profile import Column, Profile, Severity
from addin.core.report import Issue, Report, column_letter
from addin.core.rules import check_example_row, check_rules
from addin.core.table import Table


def _human_size(size: int) -> str:
    return f"{size / 1_000_000:.1f} Mo"


def validate(table: Table, profile: Profile) -> Report:
    """Every problem of ``table`` for ``profile``: file, columns, cells, then cross-field rules."""
    with cyclic_gc_paused():
        return _validate(table, profile)[0]


def validate_values(table: Table, profile: Profile) -> tuple[Report, RowLists[str | None]]:
    """``validate``, plus each field's normalised value per row: what an export writes.

    Values are ``None`` for empty or invalid cells; fields missing from the file are all
    ``None``. Lists are spread on first use only.
    """
    with cyclic_gc_paused():
        return _validate(table, profile)


def _validate(table: Table, profile: Profile) -> tuple[Report, RowLists[str | None]]:
    ctx = Context(profile, table, {"platform": profile.platform})
    matches, unmatched = match_headers(table.headers, profile)
    _check_headers(ctx, matches, unmatched)
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
    check_example_row(ctx)
    # file-level issues keep the order they were found in; cell issues follow the columns
    ctx.issues.sort(
        key=lambda i: (
            i.row or 0,
            i.position if i.row is not None and i.position is not None else -1,
        )
    )
    report = Report(
        profile=profile,
        source=table.source,
        rows=table.row_count,
        issues=ctx.issues,
        rows_with_errors=ctx.error_rows,
        file_errors=ctx.file_errors,
    )
    return report, ctx.values


def _check_headers(ctx: Context, matches: list[HeaderMatch], unmatched: list[int]) -> None:
    profile, table = ctx.profile, ctx.table
    by_field: dict[str, list[HeaderMatch]] = {}
    for match in matches:
        by_field.setdefault(match.field.id, []).append(match)
    for found in by_field.values():
        ctx.positions[found[0].field.id] = found[0]
        if len(found) > 1 and profile.file.unique_headers:
            ctx.add(
                problem("duplicate-header", "error", None, count=str(len(found))),
                None,
                found[1],
                None,
            )
    counts = Counter(h.strip() for h in table.headers if h.strip())
    for position in unmatched:
        header = table.headers[position]
        if not header.strip():
            if any(v not in (None, "") for v in table.columns[position]):
                ctx.add_file(
                    problem("blank-header", "warning", None, letter=column_letter(position))
                )
            continue
        if counts[header.strip()] > 1 and profile.file.unique_headers:
            first = table.headers.index(header)
            if first != position:
                dup = HeaderMatch(position, header, Column(id=header, header=header, help="-"))
                ctx.add(
                    problem("duplicate-header", "error", None, count=str(counts[header.strip()])),
                    None,
                    dup,
                    None,
                )
                continue
        ctx.issues.append(
            Issue(
                "unknown-column",
                "warning",
                None,
                header,
                None,
                None,
                None,
                MappingProxyType({}),
                position,
                ctx.lang_params,
            )
        )
    for column in profile.fields:
        if column.required and column.id not in ctx.positions:
            ctx.add_file(problem("missing-column", "error", None, header=column.header))
    if profile.file.column_order is not None:
        _check_order(ctx, profile.file.column_order)


def _check_order(ctx: Context, severity: Severity) -> None:
    order = {c.id: n for n, c in enumerate(ctx.profile.fields)}
    present = sorted(ctx.positions.values(), key=lambda m: m.index)
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
    if source.kind not in rules.accepted_formats:
        accepted = ", ".join(f.upper() for f in rules.accepted_formats)
        ctx.add_file(
            problem(
                "format-not-accepted", "warning", None, kind=source.kind.upper(), accepted=accepted
            )
        )
    if source.kind == "csv" and rules.export.format == "csv":
        wanted = rules.export.encoding.lower().replace("_", "-")
        got = (source.encoding or "").lower().replace("_", "-").removesuffix("-sig")
        if got and got != wanted and not (wanted == "utf-8" and got == "ascii"):
            ctx.add_file(
                problem(
                    "wrong-encoding",
                    "warning",
                    None,
                    encoding=source.encoding or "?",
                    expected=rules.export.encoding.upper(),
                )
            )
        if source.separator and source.separator != rules.export.separator:
            ctx.add_file(
                problem(
                    "wrong-separator",
                    "warning",
                    None,
                    separator=source.separator,
                    expected=rules.export.separator,
                )
            )
    if rules.single_sheet and len(source.sheets) > 1:
        ctx.add(
            problem(
                "several-sheets",
                "warning",
                None,
                count=str(len(source.sheets)),
                sheet=source.sheet or "",
            ),
            None,
            None,
            None,
        )
