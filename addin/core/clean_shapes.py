"""The shape of values a column accepts exactly as written, to skip their full check in bulk.

Most cells of a real file are already right: a distributor number, an address in lower case,
a mobile in E.164. Checking each of them fully costs 1-10 µs; matching one compiled regular
expression costs a fraction of that and runs in C. A checker may therefore declare a
``clean_shape``: a regular expression that matches only texts its ``check`` returns unchanged
with no problem. The engine adds the column's own rules (length limit, forbidden characters,
accents) and sends only the texts that do not match through the full check.

The shape is a promise in one direction only: a text it matches must be clean; a clean text it
does not match merely takes the slow path. ``tests/test_clean_shapes.py`` checks the promise
against the full check of every checker that makes it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Protocol, TypeVar, runtime_checkable

from addin.core.fields.text import CharacterRules
from addin.core.profile import Column

T = TypeVar("T")

#: Column types whose texts the profile's character rules apply to (``columns`` too).
CHARACTER_TYPES = frozenset({"text", "email", "choice"})


@runtime_checkable
class HasCleanShape(Protocol):
    """A checker that can say, as a regular expression, which texts it accepts unchanged."""

    def clean_shape(self) -> str | None:
        """A pattern (for ``fullmatch``) of texts ``check`` returns as they are, without problems.

        It must only match texts that are not blank.
        """
        ...


def column_shape(
    column: Column, checker: object, characters: CharacterRules | None
) -> re.Pattern[str] | None:
    """The checker's clean shape narrowed by the column's rules, or ``None`` for no fast path.

    ``None`` when the checker has no shape or the column has a rule the shape cannot express
    (a set of allowed characters, checked one character at a time).
    """
    if not isinstance(checker, HasCleanShape):
        return None
    shape = checker.clean_shape()
    if shape is None:
        return None
    guards = []
    if column.max_length is not None:
        guards.append(f"(?=.{{0,{column.max_length}}}\\Z)")
    if characters is not None and column.type in CHARACTER_TYPES:
        if characters.allowed is not None:
            return None
        if characters.forbidden:
            forbidden = "".join(re.escape(c) for c in sorted(characters.forbidden))
            guards.append(f"(?!.*[{forbidden}])")
        if characters.accents != "allow":
            guards.append("(?!.*[^\\x00-\\x7f])")  # ASCII has no accent to strip
    # DOTALL: "." in the guards must see every character, line breaks included; the shape
    # keeps the usual meaning of "." whatever it contains.
    return re.compile("".join(guards) + f"(?-s:{shape})", re.DOTALL)


def needing_check(values: Iterable[T], shape: re.Pattern[str]) -> list[T]:
    """The values that are not texts fitting ``shape``, in order: only they need the full check.

    One ``fullmatch`` per distinct text measured as fast as one regex pass over the texts
    joined by line breaks, and needs no care for texts that hold a line break themselves.
    """
    fits = shape.fullmatch
    return [v for v in values if not isinstance(v, str) or fits(v) is None]
