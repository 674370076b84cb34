"""Which column of the file feeds which field of the profile, by header text.

Exact headers and declared aliases only, compared without case, accents or punctuation
(``"Code postal "`` = ``"code-postal"``). Fuzzy and content-based matching come on top of this.
"""

from __future__ import annotations

from dataclasses import dataclass

from addin.core.fields.choice import choice_key
from addin.core.profile import Column, Profile


@dataclass(frozen=True, slots=True)
class HeaderMatch:
    """``index`` is the 0-based position of the column in the file."""

    index: int
    header: str
    field: Column


def header_index(profile: Profile) -> dict[str, Column]:
    """Every spelling the profile knows, keyed by its normalised form; headers win over aliases."""
    index: dict[str, Column] = {}
    for column in profile.fields:
        index.setdefault(choice_key(column.header), column)
    for column in profile.fields:
        for alias in column.aliases:
            index.setdefault(choice_key(alias), column)
    return index


def match_headers(headers: list[str], profile: Profile) -> tuple[list[HeaderMatch], list[int]]:
    """The columns that feed a field (first one wins), and the indexes of those that do not."""
    index = header_index(profile)
    matches: list[HeaderMatch] = []
    unmatched: list[int] = []
    for position, header in enumerate(headers):
        column = index.get(choice_key(header)) if header.strip() else None
        if column is None:
            unmatched.append(position)
        else:
            matches.append(HeaderMatch(position, header, column))
    return matches, unmatched


def score(headers: list[str], profile: Profile) -> float:
    """How well a file's headers fit a profile: 1.0 when every header and field match."""
    matches, _ = match_headers(headers, profile)
    found = len({m.field.id for m in matches})
    total = len([h for h in headers if h.strip()]) + len(profile.fields)
    return 2 * found / total if total else 0.0
