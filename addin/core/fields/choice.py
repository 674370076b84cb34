"""Closed lists (civil titles, SMS/appel, address types...) and Y/N flags.

Input is matched without case, accents or punctuation, because "madame", "MME" and "Mme."
all mean the same thing to the person typing; output is the platform's exact spelling.
"""

from __future__ import annotations

import re

from rapidfuzz import fuzz, process

from addin.core.fields.base import Outcome, as_text, problem
from addin.core.fields.text import strip_accents, tidy_spaces
from addin.core.table import CellValue

_PUNCTUATION = re.compile(r"[^\w]+")


def choice_key(text: str) -> str:
    """The spelling-blind form used to recognise a choice: ``"M. et Mme"`` → ``"m et mme"``."""
    return " ".join(_PUNCTUATION.sub(" ", strip_accents(text).casefold()).split())


def _quoted(values: list[str]) -> str:
    return ", ".join(f"« {v} »" for v in values)


class ChoiceChecker:
    """One of the platform's values, written exactly as the platform spells it."""

    def __init__(self, choices: list[str], aliases: dict[str, list[str]] | None = None) -> None:
        self.choices = list(choices)
        self._exact = set(choices)
        self._by_key: dict[str, str] = {}
        for value in choices:
            self._by_key.setdefault(choice_key(value), value)
        for value, spellings in (aliases or {}).items():
            for spelling in spellings:
                self._by_key.setdefault(choice_key(spelling), value)
        self._listing = _quoted(self.choices)

    def check(self, value: CellValue) -> Outcome:
        text = as_text(value)
        if text in self._exact:
            return Outcome(text)
        found = self._by_key.get(choice_key(text))
        if found is not None:
            return Outcome(
                found,
                (
                    problem(
                        "choice-format", "warning", found, expected=found, choices=self._listing
                    ),
                ),
            )
        return Outcome(
            None,
            (problem("invalid-choice", "error", self._closest(text), choices=self._listing),),
        )

    def _closest(self, text: str) -> str | None:
        """A suggestion only when one known spelling is clearly the one meant."""
        key = choice_key(text)
        if not key:
            return None
        matches = process.extract(key, list(self._by_key), scorer=fuzz.ratio, limit=2)
        if not matches or matches[0][1] < 80:
            return None
        best = self._by_key[matches[0][0]]
        if len(matches) > 1 and matches[1][1] >= 80 and self._by_key[matches[1][0]] != best:
            return None
        return best


_YES = {"y", "yes", "o", "oui", "true", "vrai", "1", "x", "ok"}
_NO = {"n", "no", "non", "false", "faux", "0"}
#: marks that say "ticked" in a list but not, on their own, that a person consented
_TICKS = {"x", "ok"}


class FlagChecker:
    """A Y/N answer, understood in French and English, written ``Y`` or ``N``.

    On a consent column (``consent``), a tick mark (``x``, ``ok``) is not taken for a yes: it
    stays an error for a person to decide, since a consent changed on a guess is a consent the
    customer never gave.
    """

    def __init__(self, default: str = "N", *, consent: bool = False) -> None:
        self.default = default
        self._yes = _YES - _TICKS if consent else _YES

    def check(self, value: CellValue) -> Outcome:
        text = as_text(value)
        if text in ("Y", "N"):
            return Outcome(text)
        key = choice_key(tidy_spaces(text))
        answer = "Y" if key in self._yes else "N" if key in _NO else None
        if answer is None:
            return Outcome(None, (problem("invalid-flag", "error", None, default=self.default),))
        return Outcome(answer, (problem("flag-format", "warning", answer, default=self.default),))
