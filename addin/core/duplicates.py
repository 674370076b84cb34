"""Rows that are probably the same customer, typed twice: found by blocking keys, not all pairs.

Pure: lists of values in, groups of rows out; which fields hold a customer's e-mail, name or
city is decided by ``core.duplicate_rule`` from the profile, and how each is compared by
``core.customer_keys``. Two rows are linked when they share an e-mail or a phone number, a
name and a postal code, or a near-identical name (a letter or two apart) at the same address
or in the same city; linked rows form a group.

Why blocking: 100,000 rows make five billion pairs. Each rule only compares rows that already
share a key (an e-mail, a phone, a place and a word of a name in it), so the work grows with
the rows, not their square. Two rows that both give an address, and different ones, are never
linked by their name alone: homonyms at two addresses are two customers.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import chain, compress, count, islice
from typing import Literal, TypeVar

from rapidfuzz.distance import Levenshtein

from addin.core.customer_keys import address_key, email_key, name_key, phone_key, place_key

T = TypeVar("T")

Reason = Literal[
    "email",
    "phone",
    "name-postcode",
    "name-address",
    "near-name-address",
    "name-city",
    "near-name-city",
]

#: Each reason in words, as a warning and the duplicates sheet say it.
REASON_WORDS: dict[str, dict[Reason, str]] = {
    "fr": {
        "email": "même e-mail",
        "phone": "même téléphone",
        "name-postcode": "même nom et même code postal",
        "name-address": "même nom à la même adresse",
        "near-name-address": "nom presque identique à la même adresse",
        "name-city": "même nom dans la même ville",
        "near-name-city": "nom presque identique dans la même ville",
    },
    "en": {
        "email": "same e-mail",
        "phone": "same phone number",
        "name-postcode": "same name and postal code",
        "name-address": "same name at the same address",
        "near-name-address": "near-identical name at the same address",
        "name-city": "same name in the same city",
        "near-name-city": "near-identical name in the same city",
    },
}


@dataclass(frozen=True, slots=True)
class DuplicatePair:
    """Two rows (as the user numbers them) found to be the same customer, and why."""

    first: int
    second: int
    reason: Reason


@dataclass(frozen=True, slots=True)
class DuplicateGroup:
    """Rows that are probably one customer: each linked to the group by at least one pair.

    ``pairs`` are the links that made the group (one fewer than its rows); ``labels`` say who
    each row is (its name, else its e-mail or phone), for the duplicates sheet.
    """

    rows: tuple[int, ...]
    pairs: tuple[DuplicatePair, ...]
    labels: tuple[str, ...] = ()

    def partners(self, row: int) -> list[tuple[int, Reason]]:
        """The rows ``row`` is linked to directly, with the reason of each link."""
        found = [(p.second, p.reason) for p in self.pairs if p.first == row]
        found += [(p.first, p.reason) for p in self.pairs if p.second == row]
        return sorted(found)

    def renumbered(self, rows: Mapping[int, int]) -> DuplicateGroup:
        """The same group with each row renumbered (a CSV's lines copied into a workbook)."""
        return DuplicateGroup(
            tuple(rows[r] for r in self.rows),
            tuple(DuplicatePair(rows[p.first], rows[p.second], p.reason) for p in self.pairs),
            self.labels,
        )


@dataclass(frozen=True, slots=True)
class Customers:
    """What identifies the customer of each row: one list per facet, a value per row.

    Values are as typed (``None`` or ``""`` when empty); each facet is normalised here.
    ``keys``: the row's platform key when the profile has unique keys: two rows with the same
    key are already a ``duplicate-key`` error and are not linked again.
    """

    emails: Sequence[Sequence[str | None]] = ()
    phones: Sequence[Sequence[str | None]] = ()
    names: Sequence[str | None] = ()
    postal_codes: Sequence[str | None] = ()
    cities: Sequence[str | None] = ()
    addresses: Sequence[str | None] = ()
    keys: Sequence[Hashable | None] = ()
    labels: Sequence[str] = field(default_factory=list)


# --- grouping ---------------------------------------------------------------------------------

#: Words shorter than this are compared letter for letter only (« Roy » and « Ray » are two).
_SHORTEST_FUZZY = 5
#: Sub-blocks of a place larger than this are compared through rapidfuzz's C loop.
_SMALL_BLOCK = 40


class _Links:
    """Union-find over row indices, keeping the pairs that joined two groups."""

    def __init__(self, size: int, keys: Sequence[Hashable | None]) -> None:
        self.parent = list(range(size))
        self.pairs: list[tuple[int, int, Reason]] = []
        self.keys = keys

    def find(self, i: int) -> int:
        parent = self.parent
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def same_key(self, i: int, j: int) -> bool:
        keys = self.keys
        return bool(keys) and keys[i] is not None and keys[i] == keys[j]

    def link(self, i: int, j: int, reason: Reason) -> None:
        a, b = self.find(i), self.find(j)
        if a == b or self.same_key(i, j):
            return
        self.parent[b] = a
        self.pairs.append((min(i, j), max(i, j), reason))


def _blocks(values: Sequence[Hashable | None]) -> list[list[int]]:
    """Indices sharing a value (``None`` shares nothing), blocks of two or more only. The
    values that repeat are counted at C speed first: most values of a column do not."""
    repeated = {v for v, n in Counter(values).items() if n > 1 and v is not None}
    if not repeated:
        return []
    found: dict[Hashable, list[int]] = {}
    for i in compress(count(), map(repeated.__contains__, values)):
        found.setdefault(values[i], []).append(i)
    return list(found.values())


def _normalised(values: Sequence[str | None], how: Callable[[str | None], T]) -> list[T]:
    """``how`` applied once per distinct value (a column holds many repeats), spread over the
    rows at C speed."""
    memo = {value: how(value) for value in set(values)}
    return list(map(memo.__getitem__, values))


def find_duplicates(customers: Customers, rows: Sequence[int]) -> list[DuplicateGroup]:
    """Groups of rows that are probably the same customer, in the order of their first row.

    ``rows``: the row number the user sees for each index of the facets' lists.
    """
    size = len(rows)
    links = _Links(size, customers.keys)
    # one pool per kind: a number under « Portable » on one row and « Téléphone » on another
    # is still one number
    _link_equal(links, [_normalised(c, email_key) for c in customers.emails], "email")
    _link_equal(links, [_normalised(c, phone_key) for c in customers.phones], "phone")
    names = _normalised(customers.names, name_key) if customers.names else []
    if names:
        postal = _normalised(customers.postal_codes, place_key) if customers.postal_codes else []
        cities = _normalised(customers.cities, place_key) if customers.cities else []
        addresses = _normalised(customers.addresses, address_key) if customers.addresses else []
        apart = _Apart(addresses)
        if postal:
            named_at = [
                None if n is None or p is None else (n, p)
                for n, p in zip(names, postal, strict=True)
            ]
            for block in _blocks(named_at):
                _link_block(links, block, "name-postcode", apart)
        # one pass over each town's names: two rows of one town at one address are linked
        # « at the same address », others « in the same town » unless their addresses differ
        places: Sequence[Hashable | None] = [
            c or p for c, p in zip(cities or postal, postal or cities, strict=True)
        ]
        if not places:  # a file of whole addresses only: the address is the place
            places = addresses
        if places:
            _link_near_names(links, names, places, apart)
    return _groups(links, rows, customers.labels)


def _link_equal(links: _Links, columns: list[list[str | None]], reason: Reason) -> None:
    """Rows sharing a value in any of ``columns`` (a row counted once per value)."""
    if len(columns) == 1:
        blocks = _blocks(columns[0])
    else:
        pooled = [v for i, values in enumerate(zip(*columns, strict=True))
                  for v in set(values) if v is not None]  # fmt: skip
        owners = [i for i, values in enumerate(zip(*columns, strict=True))
                  for v in set(values) if v is not None]  # fmt: skip
        blocks = [sorted({owners[k] for k in block}) for block in _blocks(pooled)]
    for block in blocks:
        if len(block) > 1:
            _link_block(links, block, reason, None)


class _Apart:
    """Whether two rows both give an address and the addresses differ: two customers."""

    def __init__(self, addresses: Sequence[str | None]) -> None:
        self.addresses = addresses
        #: the house numbers of each row's address (``None``: no address, apart from none)
        self.numbers: Sequence[tuple[str, ...] | None] = (
            _normalised(addresses, _house_numbers) if addresses else ()
        )

    def same(self, i: int, j: int) -> bool:
        """Whether both rows give an address, and the same one, or nearly."""
        if not self.addresses:
            return False
        a, b = self.addresses[i], self.addresses[j]
        return a is not None and b is not None and (a == b or not other_address(a, b))

    def __call__(self, i: int, j: int) -> bool:
        if not self.addresses:
            return False
        a, b = self.addresses[i], self.addresses[j]
        return a is not None and b is not None and a != b and other_address(a, b)


def _house_numbers(address: str | None) -> tuple[str, ...] | None:
    return None if address is None else tuple(w for w in address.split() if w.isdigit())


def other_address(a: str, b: str) -> bool:
    """Two addresses of two places: another house number, or a street more than two letters
    apart (« 4 rue Oberkampf » and « 9 rue Oberkampf » are two doors)."""
    numbers_a = [w for w in a.split() if w.isdigit()]
    numbers_b = [w for w in b.split() if w.isdigit()]
    if numbers_a and numbers_b and numbers_a != numbers_b:
        return True
    street_a = " ".join(w for w in a.split() if not w.isdigit())
    street_b = " ".join(w for w in b.split() if not w.isdigit())
    return Levenshtein.distance(street_a, street_b, score_cutoff=2) > 2


#: Earlier rows a row is tried against before it is left alone: enough for any real group,
#: and a bound on the work when thousands of rows share a value but not an address.
_TRIES = 20


#: A link's reason, or the two reasons of a pair of towns' rows: « in the same town », and
#: « at the same address » when both rows give it.
Reasons = Reason | tuple[Reason, Reason]


def _link_block(links: _Links, block: list[int], reason: Reasons, apart: _Apart | None) -> None:
    """Link each row of ``block`` to an earlier one it may be the same customer as.

    Only rows that may be at the same address are tried: those without an address, and those
    with the same house numbers; so a block of 1,000 homonyms at 1,000 addresses costs 1,000
    tries, not half a million. A row gets one link a block, to the first row it may be: a
    namesake without an address joins the first namesake's group, and does not bridge two
    namesakes at two addresses into one.
    """
    earlier: list[int] = []
    anywhere: list[int] = []  # rows without an address: the same customer as any other
    by_number: dict[tuple[str, ...], list[int]] = {}
    numbers_of = apart.numbers if apart is not None else ()
    for j in block:
        numbers = numbers_of[j] if numbers_of else None
        tried: Iterable[int] = earlier
        if numbers is not None:
            tried = chain(anywhere, by_number.get(numbers, ()))
        for i in islice(tried, _TRIES):
            if not links.same_key(i, j) and (apart is None or not apart(i, j)):
                if isinstance(reason, tuple):
                    links.link(i, j, reason[1] if apart and apart.same(i, j) else reason[0])
                else:
                    links.link(i, j, reason)
                break
        earlier.append(j)
        if numbers is None:
            anywhere.append(j)
        else:
            by_number.setdefault(numbers, []).append(j)


def _near(a: str, b: str) -> bool:
    """Whether two names differ by a typo: the same words but one, and that one a letter
    apart (two for words of ten letters or more). A short word differing is another person
    (« Paul Roy » and « Paul Ray »), and so is a word more or less."""
    if abs(len(a) - len(b)) > 2:  # most pairs stop here
        return False
    words_a, words_b = a.split(), b.split()
    if len(words_a) != len(words_b):
        return False
    only_a = sorted(set(words_a) - set(words_b))
    only_b = sorted(set(words_b) - set(words_a))
    if len(only_a) != 1 or len(only_b) != 1:
        return False
    x, y = only_a[0], only_b[0]
    shortest = min(len(x), len(y))
    if shortest < _SHORTEST_FUZZY:
        return False
    allowed = 1 if shortest < 10 else 2
    return Levenshtein.distance(x, y, score_cutoff=allowed) <= allowed


def _link_near_names(
    links: _Links,
    names: list[str | None],
    places: Sequence[Hashable | None],
    apart: _Apart,
) -> None:
    """Rows of one place whose names are equal or a letter or two apart.

    Equal names are linked block by block; then each place's distinct names are compared, only
    when they share a word (or, for names of one word, their first or last three letters): a
    typo in one word keeps the others, and a city of 10,000 rows is not 50 million comparisons.
    """
    same: Reasons = ("name-city", "name-address")
    near: Reasons = ("near-name-city", "near-name-address")
    rows_of: dict[tuple[Hashable, str], list[int]] = {}
    for i, (name, place) in enumerate(zip(names, places, strict=True)):
        if name is not None and place is not None:
            rows_of.setdefault((place, name), []).append(i)
    blocks: dict[tuple[Hashable, str], list[str]] = {}
    for (place, name), block in rows_of.items():
        if len(block) > 1:
            _link_block(links, block, same, apart)
        for key in _name_blocks(name):
            blocks.setdefault((place, key), []).append(name)
    done: set[tuple[Hashable, str, str]] = set()
    for (place, _key), texts in blocks.items():
        if len(texts) < 2:
            continue
        for a, b in _close_pairs(texts):
            if (place, a, b) in done or not _near(a, b):
                continue
            done.add((place, a, b))
            both = sorted(rows_of[place, a] + rows_of[place, b])
            _link_block(links, both, near, apart)


def _name_blocks(name: str) -> set[str]:
    """The keys a name is compared under within its place: each of its words whole (a typo in
    one word leaves the others), and the first and last three letters of its single word."""
    words = name.split()
    if len(words) > 1:
        return set(words)
    return {"<" + name[:3], name[-3:] + ">"}


def _close_pairs(texts: list[str]) -> list[tuple[str, str]]:
    """Pairs of distinct ``texts`` that may be a typo apart: each pair of a small list; in a
    large one, only texts at most two letters longer or shorter (a typo changes a length by
    one at most, and the words of a name may come in another order)."""
    if len(texts) <= _SMALL_BLOCK:
        return [(texts[x], texts[y]) for y in range(1, len(texts)) for x in range(y)]
    ordered = sorted(texts, key=len)
    found: list[tuple[str, str]] = []
    for x, text in enumerate(ordered):
        for other in ordered[x + 1 :]:
            if len(other) - len(text) > 2:
                break
            found.append((text, other))
    return found


def _groups(links: _Links, rows: Sequence[int], labels: Sequence[str]) -> list[DuplicateGroup]:
    """The linked rows by group, each group's rows and pairs in the file's order."""
    members: dict[int, list[int]] = {}
    for i in sorted({i for pair in links.pairs for i in pair[:2]}):
        members.setdefault(links.find(i), []).append(i)
    pairs: dict[int, list[DuplicatePair]] = {}
    for i, j, reason in sorted(links.pairs):
        pairs.setdefault(links.find(i), []).append(DuplicatePair(rows[i], rows[j], reason))
    groups = [
        DuplicateGroup(
            tuple(rows[i] for i in indices),
            tuple(pairs[root]),
            tuple(labels[i] for i in indices) if labels else (),
        )
        for root, indices in members.items()
    ]
    return sorted(groups, key=lambda g: g.rows[0])
