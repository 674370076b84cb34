"""The contract between field types and the engine: return an outcome, never raise.

Following frictionless' cell readers, a checker turns one non-empty cell into an ``Outcome``:
the value normalised as the platform wants it, plus the problems found. Outcomes are immutable
and shared through the engine's per-column cache, so repeated values cost one dict lookup.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import NamedTuple, Protocol

from addin.core.profile import Level, Severity
from addin.core.table import CellValue

_NO_PARAMS: Mapping[str, str] = MappingProxyType({})


class Problem(NamedTuple):
    """One thing wrong with a value.

    ``code`` is a key of the issue catalogue (``addin.core.catalogue``); ``params`` fill the
    catalogue's message templates (all strings, so rendering never fails). ``suggestion`` is
    what the user should type instead, when there is exactly one sensible answer.

    Named tuples, here and for ``Outcome``: immutable like frozen dataclasses, and built in
    about a third of their time, which counts when a column holds 100,000 distinct values.
    """

    code: str
    severity: Severity
    suggestion: str | None = None
    params: Mapping[str, str] = _NO_PARAMS


class Outcome(NamedTuple):
    """What a checker says of one value.

    ``value`` is the normalised text to send to the platform, or ``None`` when the value cannot
    be understood. A valid, already-normalised value has no problems and ``value`` equal to
    the text of the input.
    """

    value: str | None
    problems: tuple[Problem, ...] = ()

    @property
    def ok(self) -> bool:
        return not any(p.severity == "error" for p in self.problems)


class FieldChecker(Protocol):
    """Checks one non-empty cell of a column. Empty cells never reach a checker."""

    def check(self, value: CellValue) -> Outcome: ...


class CountryAwareChecker(Protocol):
    """A checker whose verdict depends on the row's country (postal codes)."""

    def check_for(self, value: CellValue, country: str | None) -> Outcome: ...


def as_text(value: CellValue) -> str:
    """The text a user sees for a cell, without Excel's scientific notation or trailing ``.0``."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e16:
            return str(int(value))
        return repr(value)
    if value is None:
        return ""
    return value.isoformat()


def leveled(p: Problem, levels: Mapping[str, Level]) -> Problem | None:
    """``p`` at the level its platform gives its code (``Profile.levels_for``); ``None`` when
    the platform accepts it without a word."""
    level = levels.get(p.code)
    if level is None or level == p.severity:
        return p
    return None if level == "silent" else Problem(p.code, level, p.suggestion, p.params)


def problem(
    code: str,
    severity: Severity,
    suggestion: str | None = None,
    **params: str,
) -> Problem:
    """Shorthand used by every field type."""
    return Problem(code, severity, suggestion, MappingProxyType(params) if params else _NO_PARAMS)
