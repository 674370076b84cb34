"""The likely-duplicate warning: which fields identify a customer, and what each row is told.

The grouping itself is ``core.duplicates`` (pure lists in, groups out); this module reads the
profile (its ``[duplicates]`` table, else the fields' types and its ``mapping`` table) to know
which columns hold e-mails, phones, names, postal codes, cities and addresses, gathers them
from the checked table as typed (an e-mail refused for its spelling is still the same
customer's), and puts one warning on each row of a group naming the rows it repeats.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field

from addin.core.catalogue import Lang
from addin.core.context import Context
from addin.core.duplicates import REASON_WORDS, Customers, DuplicateGroup, Reason, find_duplicates
from addin.core.fields.base import Problem
from addin.core.profile import Column, Profile
from addin.core.table import CellValue, FormulaCell

#: How many rows a warning names before « et 3 autres »: the duplicates sheet lists them all.
_NAMED = 5

#: Text fields told apart by their id when the profile's ``mapping`` table does not say.
_CITY = re.compile(r"city|town|ville|commune", re.I)
_ADDRESS = re.compile(r"address|adresse|street|^rue", re.I)
_COMPANY = re.compile(
    r"^(company(_?name)?|name|companydenomination|raison_?sociale|societe)$", re.I
)


@dataclass(frozen=True, slots=True)
class CustomerFields:
    """The column ids that identify a customer on a platform, by what they hold."""

    emails: list[str] = field(default_factory=list)
    phones: list[str] = field(default_factory=list)
    names: list[str] = field(default_factory=list)
    postal_codes: list[str] = field(default_factory=list)
    cities: list[str] = field(default_factory=list)
    addresses: list[str] = field(default_factory=list)


def customer_fields(profile: Profile) -> CustomerFields:
    """The profile's ``[duplicates] fields``, each given its part by type and id, or, when the
    profile does not say, the parts every customer file has."""
    declared = profile.duplicates.fields
    columns = profile.fields
    street, postal, city = _mapped_address(profile)
    if declared is not None:
        chosen = [c for c in columns if c.id in declared]
        return CustomerFields(
            emails=[c.id for c in chosen if c.type == "email"],
            phones=[c.id for c in chosen if c.type == "phone"],
            names=[c.id for c in chosen if c.type == "text" and _role(c, street, city) == "name"],
            postal_codes=[c.id for c in chosen if c.type == "postal_code"],
            cities=[c.id for c in chosen if c.type == "text" and _role(c, street, city) == "city"],
            addresses=[
                c.id for c in chosen if c.type == "text" and _role(c, street, city) == "address"
            ],
        )
    person = profile.mapping.name
    names = [person.last, person.first] if person else []
    names += [c.id for c in columns if c.type == "text" and _COMPANY.match(c.id)]
    first_postal = next((c.id for c in columns if c.type == "postal_code"), None)
    first_city = next((c.id for c in columns if c.type == "text" and _CITY.search(c.id)), None)
    first_street = next(
        (c.id for c in columns if c.type == "text" and re.fullmatch(r"address1?|street", c.id)),
        None,
    )
    return CustomerFields(
        emails=[c.id for c in columns if c.type == "email"],
        phones=[c.id for c in columns if c.type == "phone" and "fax" not in c.id.casefold()],
        names=names,
        postal_codes=[p for p in [postal or first_postal] if p],
        cities=[c for c in [city or first_city] if c],
        addresses=[a for a in [street or first_street] if a],
    )


def _mapped_address(profile: Profile) -> tuple[str | None, str | None, str | None]:
    """The street, postal code and city fields the profile's ``mapping`` table names."""
    parts = profile.mapping
    if parts.address is not None:
        return parts.address.street, parts.address.postal_code, parts.address.city
    return parts.full_address, None, None


def _role(column: Column, street: str | None, city: str | None) -> str:
    if column.id == city or _CITY.search(column.id):
        return "city"
    if column.id == street or _ADDRESS.search(column.id):
        return "address"
    return "name"


def _text(cell: CellValue | FormulaCell) -> str | None:
    """A cell as typed: a postal code or phone typed as a number is its digits."""
    if isinstance(cell, str):
        return cell.strip() or None
    if isinstance(cell, bool):
        return None
    if isinstance(cell, int):
        return str(cell)
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return None


def _cells(ctx: Context, field_id: str) -> list[str | None] | None:
    match = ctx.positions.get(field_id)
    if match is None:
        return None
    return [_text(cell) for cell in ctx.table.columns[match.index]]


def _columns(ctx: Context, ids: list[str]) -> list[list[str | None]]:
    return [cells for cells in (_cells(ctx, f) for f in ids) if cells is not None]


def _first(columns: list[list[str | None]], size: int) -> list[str | None]:
    """Per row, the first of ``columns`` that holds a value."""
    if not columns:
        return []
    if len(columns) == 1:
        return columns[0]
    return [next((c[i] for c in columns if c[i]), None) for i in range(size)]


def _joined(columns: list[list[str | None]]) -> list[str | None]:
    """Per row, the values of ``columns`` joined by a space (a company and a person's name)."""
    if not columns:
        return []
    if len(columns) == 1:
        return columns[0]
    return [" ".join(v for v in values if v) or None for values in zip(*columns, strict=True)]


def check_duplicates(ctx: Context) -> list[DuplicateGroup]:
    """Warn on each row of each group of likely duplicates; returns the groups."""
    wanted = customer_fields(ctx.profile)
    size = ctx.table.row_count
    if size < 2:
        return []
    emails = _columns(ctx, wanted.emails)
    phones = _columns(ctx, wanted.phones)
    names = _joined(_columns(ctx, wanted.names))
    if not (emails or phones or names):
        return []
    key = ctx.profile.file.key if ctx.profile.file.key_unique else []
    keys: list[tuple[str | None, ...] | None] = []
    if key and all(f in ctx.values for f in key):
        keys = [k if any(k) else None for k in zip(*(ctx.values[f] for f in key), strict=True)]
    labels = _labels(names, emails, phones, size)
    customers = Customers(
        emails=emails,
        phones=phones,
        names=names,
        postal_codes=_first(_columns(ctx, wanted.postal_codes), size),
        cities=_first(_columns(ctx, wanted.cities), size),
        addresses=_first(_columns(ctx, wanted.addresses), size),
        keys=keys,
        labels=labels,
    )
    groups = find_duplicates(customers, ctx.table.row_numbers)
    for group in groups:
        partners: dict[int, list[tuple[int, Reason]]] = {row: [] for row in group.rows}
        for pair in group.pairs:
            partners[pair.first].append((pair.second, pair.reason))
            partners[pair.second].append((pair.first, pair.reason))
        for row in group.rows:
            words = _Words(group, row, sorted(partners[row]))
            ctx.add(Problem("likely-duplicate", "warning", None, words), row, None, None)
    return groups


class _Words(Mapping[str, str]):
    """A warning's parameters, written when its message is first shown: a file of 100,000
    rows may hold tens of thousands of likely duplicates, and most messages are never read
    (the text report and the notes show a few hundred)."""

    __slots__ = ("_built", "_group", "_partners", "_row")
    _KEYS = ("partners", "group", "partners_en", "group_en")

    def __init__(self, group: DuplicateGroup, row: int, partners: list[tuple[int, Reason]]) -> None:
        self._group, self._row, self._partners = group, row, partners
        self._built: dict[str, str] | None = None

    def __getitem__(self, key: str) -> str:
        if self._built is None:
            self._built = warning_params(self._group, self._row, self._partners)
        return self._built[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._KEYS)

    def __len__(self) -> int:
        return len(self._KEYS)


def _labels(
    names: list[str | None],
    emails: list[list[str | None]],
    phones: list[list[str | None]],
    size: int,
) -> list[str]:
    """Who each row is, for the duplicates sheet: its name, else its e-mail, else its phone."""
    shown = [names, *emails, *phones]
    return [next((c[i] for c in shown if c and c[i]), "") or "" for i in range(size)]


def warning_params(
    group: DuplicateGroup, row: int, partners: list[tuple[int, Reason]] | None = None
) -> dict[str, str]:
    """The message's parameters for ``row``, in French and English (``partners``, ``group``);
    ``partners``: the rows ``row`` is linked to, when already known."""
    partners = group.partners(row) if partners is None else partners
    params: dict[str, str] = {}
    for lang, suffix in _SUFFIXES:
        params["partners" + suffix] = _partners_text(partners, lang)
        params["group" + suffix] = _group_text(group, row, len(partners), lang)
    return params


#: French in the plain parameters, English in the ``_en`` ones (``catalogue.render``).
_SUFFIXES: tuple[tuple[Lang, str], ...] = (("fr", ""), ("en", "_en"))


_WORDS = {
    "fr": {
        "one": "de la ligne {rows}",
        "many": "des lignes {rows}",
        "and": " et ",
        "more": " et {count} autres",
        "sep": " : ",
        "group": " Groupe de {count} lignes : {rows}.",
    },
    "en": {
        "one": "of row {rows}",
        "many": "of rows {rows}",
        "and": " and ",
        "more": " and {count} more",
        "sep": ": ",
        "group": " Group of {count} rows: {rows}.",
    },
}


def _listed(rows: list[int], lang: Lang) -> str:
    words = _WORDS[lang]
    shown = [str(r) for r in rows[:_NAMED]]
    if len(rows) > _NAMED:
        return ", ".join(shown) + words["more"].format(count=len(rows) - _NAMED)
    if len(shown) == 1:
        return shown[0]
    return ", ".join(shown[:-1]) + words["and"] + shown[-1]


def _partners_text(partners: list[tuple[int, Reason]], lang: Lang) -> str:
    """« de la ligne 48 : même e-mail », « des lignes 48 et 112 : même e-mail », or each row
    with its own reason: « de la ligne 48 (même e-mail) et de la ligne 112 (même téléphone) »."""
    words = _WORDS[lang]
    reasons = {reason for _row, reason in partners}
    rows = [row for row, _reason in partners]
    if len(reasons) == 1:
        which = words["one" if len(rows) == 1 else "many"].format(rows=_listed(rows, lang))
        return which + words["sep"] + REASON_WORDS[lang][reasons.pop()]
    each = [
        words["one"].format(rows=row) + f" ({REASON_WORDS[lang][reason]})"
        for row, reason in partners[:_NAMED]
    ]
    text = ", ".join(each[:-1]) + words["and"] + each[-1]
    if len(partners) > _NAMED:
        text += words["more"].format(count=len(partners) - _NAMED)
    return text


def _group_text(group: DuplicateGroup, row: int, direct: int, lang: Lang) -> str:
    """The whole group, when it holds rows ``row`` is not linked to directly."""
    if len(group.rows) <= direct + 1:
        return ""
    others = [r for r in group.rows if r != row]
    return _WORDS[lang]["group"].format(count=len(group.rows), rows=_listed(others, lang))
