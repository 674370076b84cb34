"""The cells of one column: each distinct value judged once, verdicts spread over the rows.

Why by distinct value: each column's checker is built once and its outcomes kept by value, so
100,000 rows of "France" or "Mme" cost one check plus C-speed passes over the rows; texts that
fit the column's clean shape (``clean_shapes``) are not even checked one by one.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Collection, Hashable, Mapping, Sequence
from functools import partial
from itertools import compress
from typing import Any

from addin.core.checkers import build_checker
from addin.core.clean_shapes import CHARACTER_TYPES, column_shape, needing_check
from addin.core.context import Context, FilledOf, ValueOf
from addin.core.fields.base import Outcome, Problem, as_text, leveled, problem
from addin.core.fields.country import resolve_country
from addin.core.fields.phone import PhoneChecker
from addin.core.fields.postal import UNKNOWN_COUNTRY, PostalCodeChecker
from addin.core.fields.text import CharacterRules, tidy_spaces
from addin.core.headers import HeaderMatch
from addin.core.profile import Column, Level
from addin.core.report import Issue, IssueKind
from addin.core.safety import is_safe_problem
from addin.core.table import CellValue, FormulaCell

_EMPTY = Outcome(None)


def _outcome_for(
    check: Callable[[CellValue], Outcome],
    column: Column,
    characters: CharacterRules | None,
    levels: Mapping[str, Level],
) -> Callable[[CellValue], Outcome]:
    """The column's full cell check: type, allowed placeholders, length, characters, and the
    level the profile gives each problem on this platform (``Profile.levels_for``)."""
    allowed = set(column.allow_values)
    overrides = levels
    limit = column.max_length
    chars = characters if column.type in CHARACTER_TYPES else None
    # Nothing to add on top of the checker: its outcome stands (a phone column, 100,000
    # distinct numbers: this saves rebuilding each outcome).
    plain = limit is None and chars is None and not overrides

    def run(value: CellValue) -> Outcome:
        if isinstance(value, str) and not value.strip():
            return _EMPTY
        if allowed and as_text(value) in allowed:
            return Outcome(as_text(value))
        outcome = check(value)
        problems, final = outcome.problems, outcome.value
        if not plain:
            problems, final = _column_rules(
                value, problems, final, limit=limit, characters=chars, overrides=overrides
            )
        if not problems and not outcome.problems:
            return outcome if outcome.value is not None else Outcome(as_text(value))
        if not problems:  # only silent problems: the platform's form, without a word
            return Outcome(final if final is not None else tidy_spaces(as_text(value)))
        for p in problems:
            if p.severity == "error":
                return Outcome(None, problems)
        if final is None:  # only warnings (a severity the profile lowered): sent as typed
            return Outcome(tidy_spaces(as_text(value)), problems)
        if problems is outcome.problems and final is outcome.value:
            return outcome  # nothing added: the checker's outcome stands, not rebuilt
        return Outcome(final, problems)

    return run


def _column_rules(
    value: CellValue,
    problems: tuple[Problem, ...],
    final: str | None,
    *,
    limit: int | None,
    characters: CharacterRules | None,
    overrides: Mapping[str, Level],
) -> tuple[tuple[Problem, ...], str | None]:
    """The column's rules on top of its checker: length, characters, the profile's levels (a
    silent problem is dropped; the value keeps the platform's form it suggests)."""
    found = list(problems)
    # a value no checker could normalise is sent as typed (tidied): its length counts then
    sent = final if final is not None else tidy_spaces(as_text(value))
    if limit is not None and len(sent) > limit:
        found.append(
            problem("text-too-long", "error", None, limit=str(limit), length=str(len(sent)))
        )
    if characters is not None:
        extra = characters.problems(final if final is not None else as_text(value))
        found += extra
        for p in extra:
            if p.severity == "error" and final is not None:
                final = p.suggestion if p.suggestion is not None else final
    if overrides:
        found = [q for q in (leveled(p, overrides) for p in found) if q is not None]
    return tuple(found), final


def _empty_problem(column: Column, levels: Mapping[str, Level]) -> Problem | None:
    """What an empty cell of this column means: an error, a reminder, or nothing."""
    found = _empty_problem_by_kind(column)
    return None if found is None else leveled(found, levels)


def _empty_problem_by_kind(column: Column) -> Problem | None:
    if column.required:
        return problem(
            "required-value", "error", None, help=column.help, help_en=column.help_en or column.help
        )
    if column.recommended:
        reason = column.recommended_reason or column.help
        reason_en = column.recommended_reason_en or column.help_en or reason
        return problem("recommended-value", "warning", None, reason=reason, reason_en=reason_en)
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


def cell_judge(
    column: Column,
    check: Callable[[CellValue], Outcome],
    characters: CharacterRules | None,
    levels: Mapping[str, Level],
) -> Callable[[CellValue], tuple[str | None, tuple[Problem, ...]]]:
    """One cell's normalised value and problems, exactly as :func:`check_column` judges it.

    For the worksheet functions (``addin.core.cell_verdicts``), which judge one value at a
    time and must say what ``validate`` says of that cell: same full check (type, allowed
    placeholders, length, characters, severity overrides), same verdict on an empty cell.
    """
    run = _outcome_for(check, column, characters, levels)
    on_empty = _empty_problem(column, levels)

    def judge(cell: CellValue) -> tuple[str | None, tuple[Problem, ...]]:
        value, _, found = _judge(cell, run, on_empty)
        return value, found

    return judge


def check_column(ctx: Context, match: HeaderMatch, characters: CharacterRules | None) -> None:
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
    levels = ctx.profile.levels_for(column)
    on_empty = _empty_problem(column, levels)
    countries = _row_countries(ctx, column)
    runs: dict[str | None, Callable[[CellValue], Outcome]] = {}

    def run_for(country: str | None) -> Callable[[CellValue], Outcome]:
        """One full cell check per country met in the column, not one per cell."""
        if country not in runs:
            assert isinstance(checker, PostalCodeChecker | PhoneChecker)
            check = partial(checker.check_for, country=country)
            runs[country] = _outcome_for(check, column, characters, levels)
        return runs[country]

    keys: Sequence[Hashable] = cells
    judge: Callable[[Any], _Verdict]
    shape = None
    if countries is None:
        run = _outcome_for(checker.check, column, characters, levels)
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
        profile = ctx.profile
        unfixable = {
            key
            for key in with_errors
            if any(
                p.severity == "error"
                and not is_safe_problem(p.code, p.suggestion, p.params, profile)
                for p in findings[key]
            )
        }
        if unfixable:
            flags = map(unfixable.__contains__, keys)
            ctx.unfixable_rows.update(compress(ctx.table.row_numbers, flags))


def _verdicts(
    distinct: Collection[Hashable],
    judge: Callable[[Any], _Verdict],
    shape: re.Pattern[str] | None,
) -> tuple[
    ValueOf,
    FilledOf,
    dict[Hashable, tuple[Problem, ...]],
    set[Hashable],
]:
    """Normalised value, filled flag, problems (if any) of each distinct cell; those in error.

    Texts that fit the clean shape are not judged nor stored (``Judged``).
    """
    value_of = ValueOf()
    filled_of = FilledOf()
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
    ctx: Context,
    match: HeaderMatch,
    cells: Sequence[CellValue | FormulaCell],
    keys: Sequence[Hashable],
    findings: dict[Hashable, tuple[Problem, ...]],
) -> None:
    """One issue per problem of each cell that has some, in row order.

    Past the context's cap, the rows beyond its horizon are only counted, per distinct cell
    first (one dictionary update a row), then per problem.
    """
    numbers = ctx.table.row_numbers
    make = Issue._make
    issues = ctx.issues
    append = issues.append
    header, field_id, position, context = match.header, match.field.id, match.index, ctx.lang_params
    room = _room(ctx)
    beyond: Counter[Hashable] = Counter()
    for i in compress(range(len(keys)), map(findings.__contains__, keys)):
        row = numbers[i]
        if len(issues) > room:
            ctx.trim(slack=2)
            room = _room(ctx)
        if ctx.horizon is not None and row > ctx.horizon:
            beyond[keys[i]] += 1
            continue
        cell = cells[i]
        shown = cell if type(cell) is str else _shown(cell)
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
    for key, count in beyond.items():
        for p in findings[key]:
            kind = IssueKind(header, field_id, p.code, p.severity, position)
            ctx.omitted[kind] += count
            if p.severity == "error":  # the totals split errors by who fixes them, exactly
                safe = is_safe_problem(p.code, p.suggestion, p.params, ctx.profile)
                ctx.judged(kind, count, safe)
    ctx.trim(slack=2)


def _room(ctx: Context) -> float:
    """Issues the context may hold before it must be trimmed."""
    return float("inf") if ctx.cap is None else 2 * ctx.cap


def _row_countries(ctx: Context, column: Column) -> list[str | None] | None:
    """ISO codes of each row's country, for fields whose rules depend on it (postal codes,
    and phone numbers typed without their country code)."""
    if column.type not in ("postal_code", "phone"):
        return None
    source = ctx.positions.get(column.country_field) if column.country_field else None
    if source is None:
        # a phone without a country column: the profile's region, and the clean-shape path
        return None if column.type == "phone" else [None] * ctx.table.row_count
    cells = ctx.table.columns[source.index]
    code_of = {cell: _country_code(cell) for cell in dict.fromkeys(cells)}
    return list(map(code_of.__getitem__, cells))


def _country_code(cell: CellValue | FormulaCell) -> str | None:
    """The row's country for its postal code: ``None`` when empty (the profile's default
    applies), ``UNKNOWN_COUNTRY`` when filled but not recognised (no country's rules apply)."""
    if cell is None or isinstance(cell, FormulaCell) or not as_text(cell).strip():
        return None
    return resolve_country(as_text(cell)) or UNKNOWN_COUNTRY
