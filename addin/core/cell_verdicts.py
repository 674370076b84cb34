"""One value judged as ``validate`` and ``fix`` judge that cell of a one-row file.

Why this module: the worksheet functions (``addin.shells.functions``) must say of one cell
exactly what the command line says of it, or an accountant would get two answers for the same
value. So nothing here checks anything itself: the field's checker comes from
``checkers.build_checker`` and the cell's full check (length, characters, placeholders,
severity overrides) from ``columns.cell_judge``, the issues are the engine's ``Issue`` rendered
by the catalogue, and the fix applies ``fixes.safe_edits`` round after round like
``fixes.fix_table``.

"A one-row file" is the reference: the field's column headed by its header, the value on line
2, no other column. So a date's day/month order is learned from that value alone, a postal code
follows the profile's country unless one is given, and cross-field rules (which need other
columns) say nothing. Blank values are the caller's business: a formula filled down past the
data must stay blank, so they never reach a verdict (see ``is_blank``).

Verdicts are cached per distinct value: a column of 10,000 cells holds far fewer distinct
values, and Excel recalculates the same cells again and again.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from functools import partial
from types import MappingProxyType
from typing import NamedTuple, cast

from addin.core.catalogue import Lang
from addin.core.checkers import build_checker
from addin.core.clean_shapes import column_shape
from addin.core.columns import cell_judge
from addin.core.fields.base import FieldChecker, Outcome, Problem, as_text
from addin.core.fields.country import resolve_country
from addin.core.fields.postal import UNKNOWN_COUNTRY, PostalCodeChecker
from addin.core.fields.text import CharacterRules
from addin.core.fixes import MAX_ROUNDS, safe_edits
from addin.core.profile import Column, Profile
from addin.core.report import Issue
from addin.core.table import CellValue

#: Where the value sits in the one-row file: line 2 (the header is line 1), first column.
ROW = 2
POSITION = 0
#: Distinct values kept per field before the cache starts again (bounds the memory of a
#: workbook recalculated all day; 100,000 verdicts are a few tens of megabytes at most).
CACHE_LIMIT = 100_000
_UNSEEN = object()


class Verdict(NamedTuple):
    """What ``validate`` says of one cell."""

    #: the issues ``validate`` reports for the cell, in the report's order
    issues: tuple[Issue, ...]
    #: the value in the platform's form, ``None`` when it cannot be understood
    normalised: str | None

    @property
    def ok(self) -> bool:
        """Whether the platform accepts the value (warnings do not stop an import)."""
        return not any(issue.severity == "error" for issue in self.issues)

    def text(self, lang: Lang = "fr") -> str:
        """Every message ``validate`` gives for the cell, one sentence after the other;
        ``""`` when it says nothing."""
        return " ".join(issue.message(lang) for issue in self.issues)


def is_blank(value: object) -> bool:
    """An empty cell, or one holding only spaces: the functions leave it blank."""
    return value is None or (isinstance(value, str) and not value.strip())


def country_code(text: str | None) -> str | None:
    """The ISO code of a country as a user writes it ("France", "fr", "Belgique"); ``None``
    for none given, ``UNKNOWN_COUNTRY`` for one not recognised (then no country's rules
    apply, as in a file whose country column holds that text)."""
    if text is None or not text.strip():
        return None
    return resolve_country(text) or UNKNOWN_COUNTRY


class FieldVerdicts:
    """The verdicts of one field of one profile, value by value, cached.

    ``country`` (postal codes only): the ISO code of the row's country, as
    :func:`country_code` gives it; ``None`` is the profile's own country. ``context``: the
    parameters every message may name (the engine's: the platform's name).
    """

    def __init__(
        self,
        profile: Profile,
        column: Column,
        country: str | None = None,
        *,
        context: Mapping[str, str] | None = None,
    ) -> None:
        self.profile = profile
        self.column = column
        self._country = country
        self._characters = CharacterRules.from_profile(profile.file.characters)
        self._context = MappingProxyType(dict(context or {"platform": profile.platform}))
        # A date column learns its day/month order from its values: in a one-row file, from
        # the value alone, so its checker is built per value; every other one is built once.
        self._per_value = column.type == "date"
        self._judge = None
        self._shape: re.Pattern[str] | None = None
        if not self._per_value:
            checker = self._checker([])
            self._judge = self._judge_with(checker)
            if column.type != "postal_code":  # as the engine: a row's country may change it
                self._shape = column_shape(column, checker, self._characters)
        self._verdicts: dict[tuple[type, CellValue], Verdict] = {}
        self._fixes: dict[tuple[type, CellValue], CellValue] = {}

    def verdict(self, value: CellValue) -> Verdict:
        """What ``validate`` says of ``value`` (not blank: see :func:`is_blank`)."""
        key = (type(value), value)  # 1 and "1" are different cells; 1 and 1.0 are not
        found = self._verdicts.get(key)
        if found is None:
            if len(self._verdicts) >= CACHE_LIMIT:
                self._verdicts.clear()
            found = self._verdicts[key] = self._verdict(value)
        return found

    def fixed(self, value: CellValue) -> CellValue:
        """What ``fix`` writes in the cell: ``value`` itself when no safe fix exists.

        ``fixes.fix_table`` on the one-row file: safe suggestions applied, then the cell judged
        again, until nothing safe is left or ``MAX_ROUNDS`` is reached.
        """
        key = (type(value), value)
        found = self._fixes.get(key, _UNSEEN)
        if found is not _UNSEEN:
            return cast(CellValue, found)
        if len(self._fixes) >= CACHE_LIMIT:
            self._fixes.clear()
        current, issues = value, self.verdict(value).issues
        for _ in range(MAX_ROUNDS):
            edit = safe_edits(issues, self.profile, ()).get((ROW, POSITION))
            if edit is None or edit[0] == current:
                break
            current = edit[0]
            issues = self.verdict(current).issues
        self._fixes[key] = current
        return current

    def _verdict(self, value: CellValue) -> Verdict:
        if self._shape is not None and isinstance(value, str) and self._shape.fullmatch(value):
            return Verdict((), value)  # the engine's fast path: a clean text is its own value
        judge = self._judge or self._judge_with(self._checker([value]))
        normalised, problems = judge(value)
        shown = value if type(value) is str else as_text(value)
        return Verdict(tuple(self._issue(p, shown) for p in problems), normalised)

    def _issue(self, p: Problem, shown: str) -> Issue:
        column = self.column
        return Issue(
            p.code,
            p.severity,
            ROW,
            column.header,
            column.id,
            shown,
            p.suggestion,
            p.params,
            POSITION,
            self._context,
        )

    def _checker(self, values: list[CellValue]) -> FieldChecker:
        return build_checker(self.column, self.profile, list(values))

    def _judge_with(
        self, checker: FieldChecker
    ) -> Callable[[CellValue], tuple[str | None, tuple[Problem, ...]]]:
        check: Callable[[CellValue], Outcome] = checker.check
        if isinstance(checker, PostalCodeChecker):
            check = partial(checker.check_for, country=self._country)
        return cell_judge(
            self.column, check, self._characters, self.profile.levels_for(self.column)
        )
