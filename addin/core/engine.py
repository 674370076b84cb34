"""Validation of a whole table against a profile, in one pass, column by column.

Why column by column: each column's checker is built once and its outcomes cached by value,
so 100,000 rows of "France" or "Mme" cost one check each plus dictionary lookups. Rows are
only touched again for the cross-field rules, which read the normalised values kept here.
"""

from __future__ import annotations

import operator
import re
from collections import Counter
from collections.abc import Callable, Collection, Hashable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import partial
from itertools import compress, count, repeat
from types import MappingProxyType
from typing import Any, Generic, TypeVar, cast

from addin.core.checkers import build_checker
from addin.core.clean_shapes import column_shape, needing_check
from addin.core.fields.base import FieldChecker, Outcome, Problem, as_text, problem
from addin.core.fields.country import resolve_country
from addin.core.fields.phone import PhoneChecker
from addin.core.fields.postal import PostalCodeChecker
from addin.core.fields.text import CharacterRules
from addin.core.gc_pause import cyclic_gc_paused
from addin.core.headers import HeaderMatch, match_headers
from addin.core.profile import (
    AnyRequired,
    Column,
    Fallback,
    Profile,
    RequiredIf,
    Severity,
    SmsNeedsMobile,
    Unique,
)
from addin.core.report import Issue, Report, column_letter
from addin.core.table import CellValue, FormulaCell, Table

T = TypeVar("T")
_EMPTY = Outcome(None)
_TEXT_TYPES = {"text", "email"}


def _human_size(size: int) -> str:
    return f"{size / 1_000_000:.1f} Mo"


class _Judged(dict[Hashable, T]):
    """Verdicts by distinct cell of a column; cells left unjudged fit its clean shape.

    Clean texts are not stored at all (``__missing__`` answers for them), which spares two
    dictionaries of 100,000 entries for a column of distinct clean values.
    """

    def spread(self, keys: Sequence[Hashable]) -> list[T]:
        """``[self[k] for k in keys]`` at C speed (``__missing__`` is a Python call a row)."""
        raise NotImplementedError


class _ValueOf(_Judged[str | None]):
    """Normalised values: a clean text is its own."""

    def __missing__(self, key: Hashable) -> str | None:
        return cast(str, key)  # only texts are ever left unjudged

    def spread(self, keys: Sequence[Hashable]) -> list[str | None]:
        return cast(list[str | None], list(map(self.get, keys, keys)))


class _FilledOf(_Judged[bool]):
    """Whether a cell counts as filled for the rules: a clean text does."""

    def __missing__(self, key: Hashable) -> bool:
        return True

    def spread(self, keys: Sequence[Hashable]) -> list[bool]:
        return list(map(self.get, keys, repeat(True)))


class _RowLists(Generic[T]):
    """One list per field with a value per row, spread from the distinct cells' verdicts.

    Spreading costs one pass over the rows (about 5 ms per 100,000 cells, memory bound), and
    only the fields that cross-field rules read need it: it happens on first use.
    """

    __slots__ = ("_built", "_sources")

    def __init__(self) -> None:
        self._built: dict[str, list[T]] = {}
        self._sources: dict[str, tuple[Sequence[Hashable], _Judged[T]]] = {}

    def spread(self, field_id: str, keys: Sequence[Hashable], verdict: _Judged[T]) -> None:
        """Row ``i`` of the field will be ``verdict[keys[i]]``."""
        self._sources[field_id] = (keys, verdict)
        self._built.pop(field_id, None)

    def __contains__(self, field_id: str) -> bool:
        return field_id in self._sources

    def __getitem__(self, field_id: str) -> list[T]:
        built = self._built.get(field_id)
        if built is None:
            keys, verdict = self._sources[field_id]
            built = self._built[field_id] = verdict.spread(keys)
        return built

    def at(self, field_id: str, row: int) -> T:
        """Row ``row`` alone, without spreading the whole field."""
        keys, verdict = self._sources[field_id]
        return verdict[keys[row]]


@dataclass(slots=True)
class _Context:
    """What the engine accumulates while walking a table."""

    profile: Profile
    table: Table
    lang_params: dict[str, str]
    issues: list[Issue] = field(default_factory=list)
    error_rows: set[int] = field(default_factory=set)
    file_errors: bool = False
    #: normalised value of each row, by field id; ``None`` for empty or invalid cells
    values: _RowLists[str | None] = field(default_factory=_RowLists)
    filled: _RowLists[bool] = field(default_factory=_RowLists)
    positions: dict[str, HeaderMatch] = field(default_factory=dict)
    #: the checker built for each checked column, reused by the cross-field rules
    checkers: dict[str, FieldChecker] = field(default_factory=dict)

    def add_rows(self, p: Problem, indices: list[int], match: HeaderMatch | None) -> None:
        """``add`` for the same problem on many rows (given by index), without a call per row."""
        rows = list(map(self.table.row_numbers.__getitem__, indices))
        header, field_id, position = (
            (match.header, match.field.id, match.index) if match else (None, None, None)
        )
        code, severity, suggestion, params, context = (
            p.code,
            p.severity,
            p.suggestion,
            p.params,
            self.lang_params,
        )
        self.issues.extend(
            [
                Issue(
                    code,
                    severity,
                    row,
                    header,
                    field_id,
                    None,
                    suggestion,
                    params,
                    position,
                    context,
                )
                for row in rows
            ]
        )
        if severity == "error":
            self.error_rows.update(rows)

    def add(
        self,
        p: Problem,
        row: int | None,
        match: HeaderMatch | None,
        value: str | None,
        **extra: str,
    ) -> None:
        self.issues.append(
            Issue(
                code=p.code,
                severity=p.severity,
                row=row,
                column=match.header if match else None,
                field=match.field.id if match else None,
                value=value,
                suggestion=p.suggestion,
                params={**p.params, **extra} if extra else p.params,
                position=match.index if match else None,
                context=self.lang_params,
            )
        )
        if p.severity == "error":
            if row is None:
                self.file_errors = True
            else:
                self.error_rows.add(row)


def validate(table: Table, profile: Profile) -> Report:
    """Every problem of ``table`` for ``profile``: file, columns, cells, then cross-field rules."""
    with cyclic_gc_paused():
        return _validate(table, profile)


def _validate(table: Table, profile: Profile) -> Report:
    ctx = _Context(profile, table, {"platform": profile.platform})
    matches, unmatched = match_headers(table.headers, profile)
    _check_headers(ctx, matches, unmatched)
    _check_file(ctx)
    characters = CharacterRules.from_profile(profile.file.characters)
    for match in matches:
        if match.field.id in ctx.positions and ctx.positions[match.field.id] is not match:
            continue
        _check_column(ctx, match, characters)
    for column in profile.fields:
        if column.id not in ctx.positions:
            nothing = [None] * table.row_count
            ctx.values.spread(column.id, nothing, _ValueOf({None: None}))
            ctx.filled.spread(column.id, nothing, _FilledOf({None: False}))
    _check_rules(ctx)
    _check_example_row(ctx)
    # file-level issues keep the order they were found in; cell issues follow the columns
    ctx.issues.sort(
        key=lambda i: (
            i.row or 0,
            i.position if i.row is not None and i.position is not None else -1,
        )
    )
    return Report(
        profile=profile,
        source=table.source,
        rows=table.row_count,
        issues=ctx.issues,
        rows_with_errors=ctx.error_rows,
        file_errors=ctx.file_errors,
    )


def _check_headers(ctx: _Context, matches: list[HeaderMatch], unmatched: list[int]) -> None:
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
                ctx.add(
                    problem("blank-header", "warning", None, letter=column_letter(position)),
                    None,
                    None,
                    None,
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
            ctx.add(
                problem("missing-column", "error", None, header=column.header), None, None, None
            )
    if profile.file.column_order is not None:
        _check_order(ctx, profile.file.column_order)


def _check_order(ctx: _Context, severity: Severity) -> None:
    order = {c.id: n for n, c in enumerate(ctx.profile.fields)}
    present = sorted(ctx.positions.values(), key=lambda m: m.index)
    expected = sorted(present, key=lambda m: order[m.field.id])
    for n, (got, want) in enumerate(zip(present, expected, strict=True)):
        if got is not want:
            ctx.add(
                problem(
                    "column-order", severity, None, header=want.field.header, expected=str(n + 1)
                ),
                None,
                None,
                None,
            )
            return


def _check_file(ctx: _Context) -> None:
    rules, source = ctx.profile.file, ctx.table.source
    if ctx.table.row_count == 0:
        ctx.add(problem("no-data", "error"), None, None, None)
    if rules.max_rows is not None and ctx.table.row_count > rules.max_rows:
        ctx.add(
            problem(
                "too-many-rows",
                "error",
                None,
                count=str(ctx.table.row_count),
                limit=str(rules.max_rows),
            ),
            None,
            None,
            None,
        )
    limit = rules.max_size_bytes.get(source.kind)
    if limit is not None and source.size_bytes > limit:
        ctx.add(
            problem(
                "file-too-large",
                "error",
                None,
                size=_human_size(source.size_bytes),
                limit=_human_size(limit),
                kind=source.kind.upper(),
            ),
            None,
            None,
            None,
        )
    if source.kind not in rules.accepted_formats:
        accepted = ", ".join(f.upper() for f in rules.accepted_formats)
        ctx.add(
            problem(
                "format-not-accepted", "warning", None, kind=source.kind.upper(), accepted=accepted
            ),
            None,
            None,
            None,
        )
    if source.kind == "csv" and rules.export.format == "csv":
        wanted = rules.export.encoding.lower().replace("_", "-")
        got = (source.encoding or "").lower().replace("_", "-").removesuffix("-sig")
        if got and got != wanted and not (wanted == "utf-8" and got == "ascii"):
            ctx.add(
                problem(
                    "wrong-encoding",
                    "warning",
                    None,
                    encoding=source.encoding or "?",
                    expected=rules.export.encoding.upper(),
                ),
                None,
                None,
                None,
            )
        if source.separator and source.separator != rules.export.separator:
            ctx.add(
                problem(
                    "wrong-separator",
                    "warning",
                    None,
                    separator=source.separator,
                    expected=rules.export.separator,
                ),
                None,
                None,
                None,
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


def _outcome_for(
    check: Callable[[CellValue], Outcome],
    column: Column,
    characters: CharacterRules | None,
) -> Callable[[CellValue], Outcome]:
    """The column's full cell check: type, allowed placeholders, length, characters, severity."""
    allowed = set(column.allow_values)
    overrides = column.severity
    limit = column.max_length
    apply_chars = characters is not None and column.type in _TEXT_TYPES | {"choice"}
    # Nothing to add on top of the checker: its outcome stands (a phone column, 100,000
    # distinct numbers: this saves rebuilding each outcome).
    plain = limit is None and not apply_chars and not overrides

    def run(value: CellValue) -> Outcome:
        if isinstance(value, str) and not value.strip():
            return _EMPTY
        if allowed and as_text(value) in allowed:
            return Outcome(as_text(value))
        outcome = check(value)
        if plain:
            if not outcome.problems:
                return outcome if outcome.value is not None else Outcome(as_text(value))
            if outcome.value is not None:
                for p in outcome.problems:
                    if p.severity == "error":
                        return Outcome(None, outcome.problems)
            return outcome
        problems = list(outcome.problems)
        final = outcome.value
        if final is not None and limit is not None and len(final) > limit:
            problems.append(
                problem("text-too-long", "error", None, limit=str(limit), length=str(len(final)))
            )
        if apply_chars and characters is not None:
            extra = characters.problems(final if final is not None else as_text(value))
            problems += extra
            for p in extra:
                if p.severity == "error" and final is not None:
                    final = p.suggestion if p.suggestion is not None else final
        if overrides:
            problems = [
                Problem(p.code, overrides[p.code], p.suggestion, p.params)
                if p.code in overrides
                else p
                for p in problems
            ]
        if not problems:
            return outcome if outcome.value is not None else Outcome(as_text(value))
        if any(p.severity == "error" for p in problems):
            final = None
        return Outcome(final, tuple(problems))

    return run


def _empty_problem(column: Column) -> Problem | None:
    """What an empty cell of this column means: an error, a reminder, or nothing."""
    if column.required:
        return problem("required-value", "error", None, help=column.help)
    if column.recommended:
        reason = column.recommended_reason or column.help
        return problem("recommended-value", "warning", None, reason=reason)
    return None


#: What one distinct cell of a column comes to: its normalised value (``None`` when empty or
#: invalid), whether it counts as filled for the cross-field rules, and the problems to report.
_Verdict = tuple[str | None, bool, tuple[Problem, ...]]


def _shown(cell: CellValue | FormulaCell) -> str | None:
    """The text an issue quotes for a cell: what the user typed, or the formula."""
    if isinstance(cell, FormulaCell):
        return cell.formula
    return None if cell is None else as_text(cell)


def _judge(
    cell: CellValue | FormulaCell,
    run: Callable[[CellValue], Outcome],
    on_empty: Problem | None,
) -> _Verdict:
    """The verdict on one distinct cell, by the column's full check."""
    if cell is None:
        return None, False, (on_empty,) if on_empty is not None else ()
    if isinstance(cell, FormulaCell):
        return None, True, (problem("formula-no-value", "error", None, formula=cell.formula),)
    outcome = run(cell)
    if outcome is _EMPTY:
        return None, False, (on_empty,) if on_empty is not None else ()
    return outcome.value, True, outcome.problems


def _check_column(ctx: _Context, match: HeaderMatch, characters: CharacterRules | None) -> None:
    """Judge each distinct cell once, then spread the verdicts over the rows in bulk.

    Values that fit the column's clean shape (``clean_shapes``) are judged together by one
    regular expression each; the others go through the full check. Rows are then only walked
    at C speed (``map``), except those that have something to report.
    """
    column = match.field
    cells = ctx.table.columns[match.index]
    distinct_cells = dict.fromkeys(cells)
    distinct: Collection[Hashable] = distinct_cells
    checker = build_checker(column, ctx.profile, list(distinct_cells))
    ctx.checkers[column.id] = checker
    on_empty = _empty_problem(column)
    countries = _row_countries(ctx, column)
    runs: dict[str | None, Callable[[CellValue], Outcome]] = {}

    def run_for(country: str | None) -> Callable[[CellValue], Outcome]:
        """One full cell check per country met in the column, not one per cell."""
        if country not in runs:
            assert isinstance(checker, PostalCodeChecker)
            check = partial(checker.check_for, country=country)
            runs[country] = _outcome_for(check, column, characters)
        return runs[country]

    keys: Sequence[Hashable] = cells
    judge: Callable[[Any], _Verdict]
    shape = None
    if countries is None:
        run = _outcome_for(checker.check, column, characters)
        shape = column_shape(column, checker, characters)
    elif len(set(countries)) == 1:  # one country for the whole file: the cell is the key
        run = run_for(countries[0])
    else:
        keys = list(zip(cells, countries, strict=True))
        distinct = dict.fromkeys(keys)

        def judge(key: tuple[CellValue | FormulaCell, str | None]) -> _Verdict:
            return _judge(key[0], run_for(key[1]), on_empty)

    if keys is cells:
        judge = partial(_judge, run=run, on_empty=on_empty)  # one Python frame less per value

    value_of, filled_of, findings, with_errors = _verdicts(distinct, judge, shape)
    ctx.values.spread(column.id, keys, value_of)
    ctx.filled.spread(column.id, keys, filled_of)
    if findings:
        _report(ctx, match, cells, keys, findings)
    if with_errors:
        flags = map(with_errors.__contains__, keys)
        ctx.error_rows.update(compress(ctx.table.row_numbers, flags))


def _verdicts(
    distinct: Collection[Hashable],
    judge: Callable[[Any], _Verdict],
    shape: re.Pattern[str] | None,
) -> tuple[
    _ValueOf,
    _FilledOf,
    dict[Hashable, tuple[Problem, ...]],
    set[Hashable],
]:
    """Normalised value, filled flag, problems (if any) of each distinct cell; those in error.

    Texts that fit the clean shape are not judged nor stored (``_Judged``).
    """
    value_of = _ValueOf()
    filled_of = _FilledOf()
    todo = distinct if shape is None else needing_check(distinct, shape)
    findings: dict[Hashable, tuple[Problem, ...]] = {}
    with_errors: set[Hashable] = set()
    for key in todo:
        value_of[key], filled_of[key], found = judge(key)
        if found:
            findings[key] = found
            for p in found:
                if p.severity == "error":
                    with_errors.add(key)
    return value_of, filled_of, findings, with_errors


def _report(
    ctx: _Context,
    match: HeaderMatch,
    cells: Sequence[CellValue | FormulaCell],
    keys: Sequence[Hashable],
    findings: dict[Hashable, tuple[Problem, ...]],
) -> None:
    """One issue per problem of each cell that has some, in row order."""
    numbers = ctx.table.row_numbers
    make = Issue._make
    append = ctx.issues.append
    header, field_id, position, context = match.header, match.field.id, match.index, ctx.lang_params
    for i in compress(range(len(keys)), map(findings.__contains__, keys)):
        cell = cells[i]
        shown = cell if type(cell) is str else _shown(cell)
        row = numbers[i]
        for p in findings[keys[i]]:
            code, severity, suggestion, params = p
            append(
                make(
                    (
                        code,
                        severity,
                        row,
                        header,
                        field_id,
                        shown,
                        suggestion,
                        params,
                        position,
                        context,
                    )
                )
            )


def _row_countries(ctx: _Context, column: Column) -> list[str | None] | None:
    """ISO codes of each row's country, for fields whose rules depend on it (postal codes)."""
    if column.type != "postal_code":
        return None
    source = ctx.positions.get(column.country_field) if column.country_field else None
    if source is None:
        return [None] * ctx.table.row_count
    cells = ctx.table.columns[source.index]
    code_of = {
        cell: resolve_country(as_text(cell))
        if cell is not None and not isinstance(cell, FormulaCell)
        else None
        for cell in dict.fromkeys(cells)
    }
    return list(map(code_of.__getitem__, cells))


def _field_label(ctx: _Context, field_id: str) -> str:
    match = ctx.positions.get(field_id)
    return match.header.strip() if match else ctx.profile.field(field_id).header


def _rows_where(flags: Iterable[bool]) -> list[int]:
    """Indices of the true flags, found at C speed."""
    return list(compress(count(), flags))


def _rows_lacking(ctx: _Context, groups: list[list[str]]) -> list[int]:
    """Rows where no group of fields is filled entirely, one C-speed pass per field."""
    rows = range(ctx.table.row_count)
    if not groups or any(not group for group in groups):
        return [] if groups else list(rows)  # an empty group is always complete
    complete = [map(all, zip(*(ctx.filled[f] for f in group), strict=True)) for group in groups]
    return _rows_where(map(operator.not_, map(any, zip(*complete, strict=True))))


def _check_rules(ctx: _Context) -> None:
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
                ctx.add_rows(needed, lacking, None)
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
    ctx: _Context,
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


def _check_sms(ctx: _Context, rule: SmsNeedsMobile) -> None:
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


def _check_example_row(ctx: _Context) -> None:
    if not ctx.profile.file.first_row_is_example or ctx.table.row_count == 0:
        return
    examples = {c.id: c.example for c in ctx.profile.fields if c.example}
    compared = [(f, e) for f, e in examples.items() if f in ctx.positions]
    if not compared:
        return
    same = sum(1 for f, e in compared if ctx.values.at(f, 0) == e)
    if same * 2 > len(compared):
        ctx.add(problem("example-row", "warning"), ctx.table.row_numbers[0], None, None)
