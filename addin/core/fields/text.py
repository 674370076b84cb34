"""Plain text: length limits, the platform's forbidden characters, stray spaces.

Every other field type is text first, so the character rules live in ``CharacterRules`` and
the engine applies them to every column of a profile that declares them.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from addin.core.fields.base import Outcome, Problem, as_text, problem
from addin.core.profile import Characters, Severity
from addin.core.table import CellValue

_SPACES = re.compile(r"[ \t\u00a0\u202f]{2,}|^[ \t\u00a0\u202f]+|[ \t\u00a0\u202f]+$")
_LINE_BREAK = re.compile(r"[\r\n]+")


def tidy_spaces(text: str) -> str:
    """Trim and collapse spaces (including non-breaking ones pasted from web pages)."""
    text = text.replace("\u00a0", " ").replace("\u202f", " ").replace("\t", " ")
    return " ".join(part for part in text.split(" ") if part)


def strip_accents(text: str) -> str:
    """``é`` → ``e``, ``ç`` → ``c``: what the user would type on a keyboard without accents."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _quote_chars(chars: list[str]) -> str:
    return ", ".join(f"« {c} »" for c in chars)


@dataclass(frozen=True, slots=True)
class CharacterRules:
    """A profile's character rules compiled once: forbidden, accented, outside the allowed set."""

    forbidden: frozenset[str]
    replacements: dict[str, str]
    accents: str
    allowed: re.Pattern[str] | None
    allowed_description: str
    others: Severity = "warning"

    @classmethod
    def from_profile(cls, rules: Characters) -> CharacterRules | None:
        if not rules.forbidden and rules.accents == "allow" and rules.allowed_pattern is None:
            return None
        return cls(
            forbidden=frozenset(rules.forbidden),
            replacements=dict(rules.replacements),
            accents=rules.accents,
            allowed=re.compile(rules.allowed_pattern) if rules.allowed_pattern else None,
            allowed_description=rules.allowed_description or "",
            others=rules.others,
        )

    def problems(self, text: str) -> list[Problem]:
        """Problems with the characters of ``text`` (already the normalised value)."""
        found: list[Problem] = []
        bad = sorted({c for c in text if c in self.forbidden})
        if bad:
            fixed = text
            for c in bad:
                fixed = fixed.replace(c, self.replacements.get(c, ""))
            fixed = tidy_spaces(fixed)
            found.append(
                problem("forbidden-character", "error", fixed or None, characters=_quote_chars(bad))
            )
            text = fixed
        if self.accents != "allow":
            accented = sorted({c for c in text if strip_accents(c) != c})
            if accented:
                severity: Severity = "error" if self.accents == "error" else "warning"
                found.append(
                    problem(
                        "accented-character",
                        severity,
                        strip_accents(text),
                        characters=" ".join(accented),
                    )
                )
                text = strip_accents(text)
        if self.allowed is not None:
            unusual = sorted({c for c in text if not self.allowed.fullmatch(c)})
            if unusual:
                found.append(
                    problem(
                        "unusual-character",
                        self.others,
                        None,
                        characters=_quote_chars(unusual),
                        allowed=self.allowed_description,
                    )
                )
        return found


#: Words of non-space characters parted by single plain spaces: text ``TextChecker`` keeps as it
#: is (``\S`` excludes every character ``str.strip`` removes, tabs and line breaks included).
_CLEAN_TEXT = r"\S+(?: \S+)*"


class TextChecker:
    """Free text: trimmed, single-spaced, within the platform's length limit."""

    def __init__(self, max_length: int | None) -> None:
        self.max_length = max_length

    def clean_shape(self) -> str:
        """Texts returned unchanged without problem (``addin.core.clean_shapes``)."""
        if self.max_length is None:
            return _CLEAN_TEXT
        return f"(?=.{{0,{self.max_length}}}\\Z){_CLEAN_TEXT}"

    def check(self, value: CellValue) -> Outcome:
        text = as_text(value)
        problems: list[Problem] = []
        if "\n" in text or "\r" in text:
            text = _LINE_BREAK.sub(" ", text)
            problems.append(problem("line-break", "warning", tidy_spaces(text)))
        if _SPACES.search(text) or "\u00a0" in text or "\t" in text:
            text = tidy_spaces(text)
            if not problems:
                problems.append(problem("extra-spaces", "warning", text))
        else:
            text = tidy_spaces(text) if problems else text
        if self.max_length is not None and len(text) > self.max_length:
            problems.append(
                problem(
                    "text-too-long",
                    "error",
                    None,
                    limit=str(self.max_length),
                    length=str(len(text)),
                )
            )
        return Outcome(text, tuple(problems))
