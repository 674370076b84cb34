"""Cross-field rules (required-if, any-of, unique, SMS needs a mobile) and the example row.

They read the normalised values the column checks left in the context, a whole column at a
time: 100,000 rows of a rule cost a few passes at C speed plus one issue per row concerned.
"""

from __future__ import annotations

import operator
from collections.abc import Iterable
from itertools import compress, count
from types import MappingProxyType
from typing import Any

from addin.core.context import Context
from addin.core.fields.base import Problem, problem
from addin.core.fields.phone import PhoneChecker
from addin.core.profile import (
    AnyRequired,
    Fallback,
    RequiredIf,
    Severity,
    SmsNeedsMobile,
    Unique,
)


def _field_label(ctx: Context, field_id: str) -> str:
    match = ctx.positions.get(field_id)
    return match.header.strip() if match else ctx.profile.field(field_id).header


def _rows_where(flags: Iterable[bool]) -> list[int]:
    """Indices of the true flags, found at C speed."""
    return list(compress(count(), flags))


def _rows_lacking(ctx: Context, groups: list[list[str]]) -> list[int]:
    """Rows where no group of fields is filled entirely, one C-speed pass per field."""
    rows = range(ctx.table.row_count)
    if not groups or any(not group for group in groups):
        return [] if groups else list(rows)  # an empty group is always complete
    complete = [map(all, zip(*(ctx.filled[f] for f in group), strict=True)) for group in groups]
    return _rows_where(map(operator.not_, map(any, zip(*complete, strict=True))))


def check_rules(ctx: Context) -> None:
    for rule in ctx.profile.rules:
        match rule:
            case RequiredIf():
                wanted = set(rule.values)
                rows = _rows_where(map(wanted.__contains__, ctx.values[rule.field]))
                for target in rule.then:  # rows in order per target: the final sort interleaves
                    filled = ctx.filled[target]
                    missing = [i for i in rows if not filled[i]]
                    label = _field_label(ctx, target)
                    needed = problem(
                        "required-if",
                        rule.severity,
                        None,
                        explanation=rule.explanation,
                        explanation_en=rule.explanation_en,
                        column=label,
                    )
                    ctx.add_rows(needed, missing, ctx.positions.get(target))
            case AnyRequired():
                labels = " / ".join(
                    " + ".join(_field_label(ctx, f) for f in group) for group in rule.groups
                )
                lacking = _rows_lacking(ctx, rule.groups)
                needed = problem(
                    "required-any",
                    rule.severity,
                    None,
                    explanation=rule.explanation,
                    explanation_en=rule.explanation_en,
                    fields=labels,
                )
                # the first of the fields that the file has: the empty cell to fill in
                first = (ctx.positions.get(f) for group in rule.groups for f in group)
                ctx.add_rows(needed, lacking, next((p for p in first if p is not None), None))
            case Unique():
                _check_unique(
                    ctx,
                    fields=rule.fields,
                    code="duplicate-row",
                    severity=rule.severity,
                    explanation=rule.explanation,
                    explanation_en=rule.explanation_en,
                )
            case SmsNeedsMobile():
                _check_sms(ctx, rule)
            case Fallback():
                continue  # informs the push and export; an empty identifier is not a problem
    if ctx.profile.file.key and ctx.profile.file.key_unique:
        _check_unique(
            ctx,
            fields=ctx.profile.file.key,
            code="duplicate-key",
            severity="error",
            explanation="",
            explanation_en="",
        )


def _check_unique(
    ctx: Context,
    *,
    fields: list[str],
    code: str,
    severity: Severity,
    explanation: str,
    explanation_en: str,
) -> None:
    numbers = ctx.table.row_numbers
    seen: dict[tuple[str | None, ...], int] = {}
    columns = [ctx.values[f] for f in fields]
    if not _has_duplicates(columns):  # the usual case, decided at C speed
        return
    labels = ", ".join(_field_label(ctx, f) for f in fields)
    first_match = ctx.positions.get(fields[0])
    for i in range(ctx.table.row_count):
        key = tuple(c[i] for c in columns)
        if all(k is None for k in key):
            continue
        if key in seen:
            extra = {
                "first_row": str(seen[key]),
                "fields": labels,
                "explanation": explanation,
                "explanation_en": explanation_en,
            }
            where = first_match if code == "duplicate-key" else None
            ctx.add(
                Problem(code, severity, None, MappingProxyType(extra)),
                numbers[i],
                where,
                key[0] if code == "duplicate-key" else None,
            )
        else:
            seen[key] = numbers[i]


def _has_duplicates(columns: list[list[str | None]]) -> bool:
    """Whether two rows share a key that is not wholly empty."""
    keys: list[Any] = columns[0] if len(columns) == 1 else list(zip(*columns, strict=True))
    empty = None if len(columns) == 1 else (None,) * len(columns)
    distinct = set(keys)
    distinct.discard(empty)
    return len(distinct) != len(keys) - keys.count(empty)


def _check_sms(ctx: Context, rule: SmsNeedsMobile) -> None:
    phone_match = ctx.positions.get(rule.phone_field)
    if phone_match is None:
        return
    checker = ctx.checkers[rule.phone_field]
    assert isinstance(checker, PhoneChecker)  # the profile declares the field a phone
    methods = ctx.values[rule.method_field]
    phones = ctx.values[rule.phone_field]
    sms = set(rule.sms_values)
    for i, method in enumerate(methods):
        phone = phones[i]
        if method not in sms or phone is None:
            continue
        kind = checker.line_type(phone)
        code = {"fixed": "sms-not-mobile", "fixed_or_mobile": "sms-unknown-line"}.get(kind or "")
        if code:
            severity: Severity = "error" if code == "sms-not-mobile" else "warning"
            ctx.add(
                problem(code, severity, None, method=method, call="appel"),
                ctx.table.row_numbers[i],
                phone_match,
                phone,
            )


def check_example_row(ctx: Context) -> None:
    if not ctx.profile.file.first_row_is_example or ctx.table.row_count == 0:
        return
    examples = {c.id: c.example for c in ctx.profile.fields if c.example}
    compared = [(f, e) for f, e in examples.items() if f in ctx.positions]
    if not compared:
        return
    same = sum(1 for f, e in compared if ctx.values.at(f, 0) == e)
    if same * 2 > len(compared):
        ctx.add(problem("example-row", "warning"), ctx.table.row_numbers[0], None, None)
