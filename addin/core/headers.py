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


class Spellings:
    """Every spelling a profile knows, normalised once: its headers, then its aliases.

    An alias also keeps its place in its column's list, where the surest come first ("Given
    name" before "Name" for a first name): the mapping ranks matches with it.
    """

    def __init__(self, profile: Profile) -> None:
        self.headers: dict[str, Column] = {}
        self.aliases: dict[str, Column] = {}
        self.rank: dict[str, int] = {}
        for column in profile.fields:
            self.headers.setdefault(choice_key(column.header), column)
        for column in profile.fields:
            for rank, alias in enumerate(column.aliases):
                key = choice_key(alias)
                if key not in self.aliases:
                    self.aliases[key] = column
                    self.rank[key] = rank
        #: one lookup for both, headers winning over another column's alias
        self.all: dict[str, Column] = {**self.aliases, **self.headers}


def match_headers(headers: list[str], profile: Profile) -> tuple[list[HeaderMatch], list[int]]:
    """The columns that feed a field (first one wins), and the indexes of those that do not."""
    index = Spellings(profile).all
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
