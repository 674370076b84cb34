"""Which column of someone else's export feeds which field of a profile, and how sure we are.

Files rarely come from our template: Outlook, Google Contacts, an accounting package or a
colleague's sheet each name columns their own way. Each column is tried, from the surest to
the loosest: the platform's own header, the same header spelt differently (case, accents,
punctuation, spaces, ``camelCase``, ``snake_case``, a prefix all headers share), a declared
alias, the same with its qualifier set aside ("Business Phone", "Ville (domicile)",
"email_work"), a numbered repeat ("E-mail 2 Address", "Phone 1 - Value", "Address 1 - City"),
a close spelling (rapidfuzz), and last what the cells hold (a column of e-mails is an e-mail
column; dates and countries say nothing of which field they are).

The file as a whole is read too. A qualifier names a column's group: business first (our
platforms are business ones), then no group, then home and the company's own line, then
"other" and delivery; a field about a person (Hokus' ``personHomeCity``) takes the home group
and its company twin (``companyCity``) the business one. Address parts without a qualifier of
their own ("Ville" after "Adresse privée") belong to the group of the address before them. A
file without a first-name column and with company columns (SIRET, VAT number...) lists
companies: its "Nom" is the company's, never a person's. A street next to city and
postal-code columns is one part of an address: a whole-address field leaves it to be joined
(see ``resolve``); without them an address column is a whole address.

The cells weigh in wherever names are ambiguous or compete, not only when no name matches
(``evidence``): a grouped "code" whose cells are postal codes is that group's postal code, not
a client code (Zoho's "Billing Code"); yes/no cells are never a name, an address or a number
(Wave's ``shipping_address`` = ``False``); an empty column gives way to a filled one claiming
the same field (Zoho's empty "Billing Phone" and its "Phone"), except an address's part, which
follows its group. Each such decision is kept on the column (``ColumnMapping.evidence``), so
the text, the JSON and the mapping sheet can say why.

Conflicts are settled surest first: a field's surest spelling (its header, then its aliases in
the profile's order), an empty column after a filled one, then the preferred group, then
confidence and the file's order. A field
takes one column; a second claim goes to the next free repetition of the field (Reveal's five
e-mails, numbered afterwards by group and in the file's order) or is refused with the reason,
never silently dropped.

Pure: headers and a sample of cells in, a :class:`MappingProposal` out.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace

from rapidfuzz import fuzz, process

from addin.core.checkers import build_checker
from addin.core.evidence import Evidence, evidence_of
from addin.core.fields.base import FieldChecker
from addin.core.fields.choice import choice_key
from addin.core.product_columns import is_product_column
from addin.core.profile import Column, Profile
from addin.core.table import CellValue, FormulaCell, RememberedChoice, Table

#: Confidence of each way of matching, before the conflicts are settled.
CONFIDENCE = {"exact": 1.0, "spelling": 0.95, "alias": 0.9, "numbered": 0.85}
#: Confidence kept when the header's qualifier had to be set aside to find the spelling.
QUALIFIED = 0.9
FUZZY_CUTOFF = 88
#: Share of a column's sampled cells that must be valid for a content-based match.
CONTENT_SHARE = 0.8
SAMPLE = 50
#: Only kinds of values that say which field they are: a column of dates or of countries could
#: feed any of a profile's dates (birth, expiry) or countries (nationality, residence...).
_CONTENT_TYPES = ("email", "phone", "siret", "vat", "iban")
#: Words that describe a value's slot, not the value ("Phone 1 - Value", "Address 1 -
#: Formatted", the old Gmail "Section 1 - Phone"); after the number, "address" too ("E-mail 2
#: Address").
_FILLERS = {"value", "valeur", "formatted", "formatee", "section"}
#: Words that add nothing to a header's meaning: "Email(s)", "Pays (Alpha-2)", "state_abbr",
#: Hokus' "personEmail" and "civilTitle".
_NOISE = {"s", "alpha", "abbr", "abbreviation", "person", "personne", "civil", "to"}
_TRAILING_FILLERS = {*_FILLERS, "address", "adresse", "name", "nom"}
#: Columns that hold the kind of the next value ("Phone 1 - Type", the old Gmail "Section 1 -
#: Description"): never data for a field.
_LABEL_WORDS = {"type", "label", "libelle", "etiquette", "description"}
_NUMBER = re.compile(r"^(.*?)\s*\b(\d{1,2})\b\s*(.*)$")
_REPEAT_ID = re.compile(r"^(.*?)(\d+)$")
#: "Address 2 - City", "Adresse 1 Code postal": one part of a numbered address group
_ADDRESS_GROUP = re.compile(r"^(?:address|adresse) (\d{1,2}) (.+)$")
#: "Address City", "Address Postal Code": one part of the address the qualifier names
_ADDRESS_PART = re.compile(
    r"^(?:address|adresse) ((?:city|town|ville|state|province|region|country|pays|"
    r"postal code|zip|zip code|postcode|code postal))$"
)
#: Words that name a kind of contact detail, the next word saying which ("Phone - Mobile")
_KIND_WORDS = {"phone", "telephone", "tel", "email", "mail"}
#: Words written for one another in people's own sheets ("Tél. portable", "Tél. fixe"):
#: tried last, when the header is not known as it is
_SYNONYMS = {"tel": "telephone", "portable": "mobile", "gsm": "mobile", "cell": "mobile"}
_DROPPED = {"fixe", "landline"}

#: Words that say which group of values a column belongs to, and the group.
_QUALIFIERS = {
    **dict.fromkeys(
        [
            "business",
            "work",
            "travail",
            "bureau",
            "professionnel",
            "professionnelle",
            "pro",
            "office",
        ],
        "work",
    ),
    **dict.fromkeys(["company", "societe", "entreprise"], "company"),
    **dict.fromkeys(["billing", "bill", "facturation"], "billing"),
    **dict.fromkeys(["primary", "main", "principal", "principale"], "main"),
    **dict.fromkeys(
        ["home", "domicile", "prive", "privee", "personnel", "personnelle", "personal"],
        "home",
    ),
    **dict.fromkeys(["other", "autre", "secondary", "secondaire"], "other"),
    **dict.fromkeys(["shipping", "livraison", "delivery", "ship"], "shipping"),
}
#: When two groups are named ("Company Main Phone"), the first of these wins.
_QUALIFIER_ORDER = ("company", "work", "billing", "home", "main", "other", "shipping")
#: Which side of a person/company pair of fields a group feeds.
_SIDE_OF = {"work": "work", "company": "work", "home": "home"}
#: Order of the groups for a field with no side (most fields): business first, home after.
_RANK: dict[str | None, int] = {
    **{"work": 0, "billing": 0, "main": 0, "home": 2, "company": 2, "other": 3, "shipping": 3},
    None: 1,
}
#: ... and for a field about a person's home (Hokus' ``personPhone``).
_HOME_RANK: dict[str | None, int] = {
    **{"home": 0, "main": 1, "work": 2, "billing": 2, "company": 2, "other": 3, "shipping": 3},
    None: 1,
}
#: Headers of a company's name: the same contact details again after one are the company's.
_COMPANY_NAMES = {
    "raison sociale",
    "societe",
    "company",
    "company name",
    "entreprise",
    "organization",
    "organisation",
    "nom de l entreprise",
    "nom d entreprise",
    "denomination",
    "account name",
    "associated company",
    "nom de la societe",
}
#: A bare "reference" in a list of clients, and the spellings of a client code to give it to
_REFERENCES = {"reference", "ref"}
_CLIENT_CODES = ("reference client", "code client", "numero client", "customer code")
#: Words a header may start with to say whose value it is ("contact_first_name" in Wave,
#: "Contact Email"): set aside when the header is not known as it is.
_OWNER_WORDS = {"contact", "customer", "client"}
#: Words of a contact detail other than an address part (phone, e-mail).
_DETAIL_WORDS = {
    "telephone",
    "phone",
    "tel",
    "mobile",
    "portable",
    "fax",
    "email",
    "mail",
    "courriel",
}
#: Words of a field's id or header that put it on a side ("personHomeCity", "companyZip").
_SIDE_WORDS = {
    **dict.fromkeys(["person", "home", "domicile", "personne"], "home"),
    **dict.fromkeys(["company", "business", "entreprise", "societe"], "work"),
}

#: Words of address parts: a part without qualifier takes the group of the address before it.
_STREET_WORDS = {"adresse", "address", "rue", "street", "voie", "ligne", "line", "l"}
_PLACE_WORDS = {"ville", "city", "town", "commune", "localite", "municipalite"}
_POSTAL_WORDS = {"zip", "zipcode", "postcode", "postal", "cp"}
_PART_WORDS = {
    *_STREET_WORDS,
    *_PLACE_WORDS,
    *_POSTAL_WORDS,
    *{"code", "pays", "country", "region", "state", "etat", "province", "county", "dep", "iso"},
}
#: Words that make an address column a whole address, not its street.
_WHOLE_ADDRESS = {"complete", "full", "formatted", "formatee", "entiere", "postale"}
#: Words a file's columns start with when they all belong to one record ("client_name").
_RECORD_PREFIXES = {"client", "customer", "contact", "cust", "tiers", "partner"}
#: Headers of a name that, in a list of companies, is the company's.
_GENERIC_NAMES = {
    "nom",
    "name",
    "nom du client",
    "nom client",
    "client name",
    "customer name",
    "nom du tiers",
}
#: Words and phrases that say the file is about companies.
_COMPANY_WORDS = {
    "siret",
    "siren",
    "tva",
    "vat",
    "capital",
    "naf",
    "ape",
    "sector",
    "secteur",
    "industry",
    "revenue",
    "effectif",
    "juridique",
    "legale",
}
_COMPANY_PHRASES = ("identifiant professionnel", "tax id", "tax code", "tax number")
#: "E-mail" and "Email" are one word: Dolibarr's contact « E-mail » and its company's « Email »
_E_MAIL = re.compile(r"\be mail\b")


def header_key(text: str) -> str:
    """The spelling-blind form of a header: ``"personHomeZip"`` → ``"person home zip"``,
    ``"client_address_1"`` → ``"client address 1"``, ``"Ville (bureau)"`` → ``"ville bureau"``.
    """
    spaced = re.sub(
        r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z]{2})(?=[A-Z][a-z])|(?<=[A-Za-z])(?=\d)", " ", text
    )
    return _E_MAIL.sub("email", choice_key(spaced.replace("_", " ")))


@dataclass(frozen=True, slots=True)
class ColumnMapping:
    """What one column of the file feeds: a field id or ``None``, how sure, and why."""

    position: int
    column: str
    field: str | None
    confidence: float
    #: exact, spelling, alias, numbered, fuzzy, content, taken, label, blank, none, ours (a
    #: column client-import writes), remembered (the user's choice on a file like this one)
    reason: str
    #: for ``taken``: the column that feeds the field instead
    rival: str | None = None
    #: the group the column belongs to ("work", "home", "other"...), when its header or the
    #: address before it says so
    qualifier: str | None = None
    #: what the cells said when they weighed in: ``empty`` (an empty column gave way to a
    #: filled one), ``flags`` (yes/no cells, not the value the header names), ``postal-codes``
    #: (a "Billing Code" of postal codes, not a client code), ``numbers`` (digits only: a
    #: status or a code, never a name)
    evidence: str | None = None
    #: for ``remembered``: the day the user chose it (ISO)
    remembered_on: str | None = None


@dataclass(frozen=True, slots=True)
class MappingProposal:
    profile: Profile
    columns: list[ColumnMapping]
    missing_required: list[str]

    def to_dict(self) -> dict[str, object]:
        """The proposal alone, column by column. ``map --json`` says more (joins, splits, the
        user's choices): ``addin.shells.render.mapping_json``."""
        return {
            "profile": self.profile.name,
            "mapping": [
                {
                    "column": c.column,
                    "field": c.field,
                    "confidence": round(c.confidence, 2),
                    "reason": c.reason,
                    "evidence": c.evidence,
                    **({"remembered_on": c.remembered_on} if c.remembered_on else {}),
                }
                for c in self.columns
            ],
            "missing_required": self.missing_required,
        }

    def field_of(self) -> dict[int, str]:
        """Position of each mapped column → its field id."""
        return {c.position: c.field for c in self.columns if c.field is not None}


#: A claim the cells ruled out with nothing in its place (postal codes, and no postal field).
_UNFED = "unfed"
#: The spelling place of a claim found by a close spelling or by the cells.
_LOOSE = 1000


@dataclass(frozen=True, slots=True)
class _Claim:
    position: int
    field: Column
    confidence: float
    reason: str
    #: 0 by header (exact, spelling, alias, numbered), 1 fuzzy, 2 content: surest first
    tier: int = 0
    #: the place in the field's list of the spelling found, qualifier set aside: -1 for the
    #: platform's own header; "Mobile phone" before "Phone" for Flokon's number to alert
    spelling: int = _LOOSE
    #: the column has no filled cell: it gives way to a filled one for the same field
    empty: bool = False
    #: what the cells said, kept as the decision's reason (see ``ColumnMapping.evidence``)
    evidence: str | None = None


class _Index:
    """The profile's spellings by :func:`header_key`, told apart: its own header, or an alias.

    An alias keeps its place in its column's list, where the surest come first ("Given name"
    before "Name" for a first name). Each field also gets its side (a person's home or a
    company) and the fields on the other side with the same meaning (its twins).
    """

    def __init__(self, profile: Profile) -> None:
        self.headers: dict[str, Column] = {}
        self.aliases: dict[str, Column] = {}
        self.rank: dict[str, int] = {}
        for column in profile.fields:
            self.headers.setdefault(header_key(column.header), column)
        for column in profile.fields:
            for rank, alias in enumerate(column.aliases):
                key = header_key(alias)
                if key not in self.aliases:
                    self.aliases[key] = column
                    self.rank[key] = rank
        self.keys = list({**self.aliases, **self.headers})
        self.by_id = {c.id: c for c in profile.fields}
        #: the id stems of repeated fields ("email" for Reveal's email1..email5)
        self.repeated = {c.id.replace("{n}", "") for c in profile.columns if c.repeat}
        self.side: dict[str, str] = {}
        twins: dict[tuple[str, ...], dict[str, Column]] = {}
        for column in profile.fields:
            words = header_key(column.id).split()
            sides = {_SIDE_WORDS[w] for w in words if w in _SIDE_WORDS}
            if len(sides) == 1:
                side = sides.pop()
                self.side[column.id] = side
                base = tuple(w for w in words if w not in _SIDE_WORDS)
                twins.setdefault(base, {})[side] = column
        self.twin: dict[tuple[str, str], Column] = {}
        for pair in twins.values():
            for column in pair.values():
                for side, other in pair.items():
                    if other is not column:
                        self.twin[column.id, side] = other
        company = (self.get(k) for k in ("raison sociale", "company", "company name", "societe"))
        self.company = next((found[0] for found in company if found is not None), None)
        names = profile.mapping.name
        self.person_names = {names.first, names.last} if names is not None else set()

    def get(self, key: str) -> tuple[Column, str] | None:
        if key in self.headers:
            return self.headers[key], "spelling"
        if key in self.aliases:
            return self.aliases[key], "alias"
        return None

    def place(self, key: str, plain: str, field: Column) -> int:
        """Where the spelling ``key`` (or, naming the same field, ``plain``) comes in the
        field's list: -1 for its own header, after every alias for its header with a
        qualifier ("Téléphone (bureau)"), else its place among the aliases."""
        plain = " ".join(_plain(plain.split()))
        for spelling in (plain, key):
            found = self.get(spelling)
            if found is not None and found[0] is field:
                if found[1] == "spelling":
                    own = spelling == " ".join(_meaningful(key.split()))
                    return -1 if own else len(field.aliases)
                return self.rank.get(spelling, 0)
        return _LOOSE - 1

    def penalty(self, key: str) -> float:
        """Aliases surest first: "Given name" before "Name" when both claim a first name."""
        return 0.001 * min(self.rank.get(key, 0), 50) if key in self.aliases else 0.0

    def order(self, field: Column, qualifier: str | None) -> int:
        """Where a column of this group comes for this field: 0 first."""
        ranks = _HOME_RANK if self.side.get(field.id) == "home" else _RANK
        return ranks[qualifier]


@dataclass(frozen=True, slots=True)
class _Context:
    """What the file's headers say as a whole."""

    keys: list[str]
    #: per position, the group its header (or the address before it) names
    qualifiers: list[str | None]
    #: no first-name column, and company columns: each row is a company
    about_companies: bool
    #: the file has a city or postal-code column: its street columns are parts of an address
    has_place: bool
    #: the file names its address lines ("Adresse Ligne 1", "Address 1"): a bare "Adresse"
    #: beside them is the whole address
    has_lines: bool
    #: per position, whether the header names a part of an address (street, city, postal code)
    parts: list[bool]
    #: the file has a first-name column: its "Nom du client" is a person's last name
    has_first_name: bool = False
    #: ... and a last-name column ("Nom de famille"): a bare "Nom" there is the whole name
    has_last_name: bool = False

    @classmethod
    def of(cls, headers: Sequence[str]) -> _Context:
        keys = _drop_prefix([header_key(h) for h in headers])
        qualifiers: list[str | None] = []
        parts: list[bool] = []
        previous: str | None = None
        previous_part = False
        seen: dict[str, int] = {}
        companies = [p for p, k in enumerate(keys) if k in _COMPANY_NAMES]
        for position, key in enumerate(keys):
            words = key.split()
            qualifier = _qualifier(words)
            group = _ADDRESS_GROUP.match(key)
            if qualifier is None and group is not None and int(group.group(1)) > 1:
                qualifier = "other"  # "Address 2 - City": a second address
            part = bool(words) and all(w in _PART_WORDS or w.isdigit() for w in _plain(words))
            part = part and any(w in _PART_WORDS for w in words)
            if qualifier is None and part and previous_part:
                qualifier = previous
            earlier = seen.setdefault(key, position)
            detail = part or bool(set(words) & _DETAIL_WORDS)
            if qualifier is None and detail and any(earlier < p < position for p in companies):
                qualifier = "company"  # the contact's address, then the company's again
            qualifiers.append(qualifier)
            parts.append(part)
            previous, previous_part = qualifier, part
        words_of = [set(k.split()) for k in keys]
        first_name = any(
            "prenom" in w
            or "firstname" in w
            or "forename" in w
            or ({"name"} <= w and w & {"first", "given"})
            for w in words_of
        )
        company = any(w & _COMPANY_WORDS for w in words_of) or any(
            f" {phrase} " in f" {key} " for key in keys for phrase in _COMPANY_PHRASES
        )
        has_place = any(w & (_PLACE_WORDS | _POSTAL_WORDS) for w in words_of)
        has_lines = any(
            _street_like(k.split()) and {"1", "ligne", "line"} & w
            for k, w in zip(keys, words_of, strict=True)
        )
        last_name = any(
            {"surname", "lastname"} & w or ({"name"} <= w and w & {"last", "family"})
            for w in words_of
        ) or any(" nom de famille" in f" {key}" for key in keys)
        about_companies = not first_name and company
        return cls(
            keys, qualifiers, about_companies, has_place, has_lines, parts, first_name, last_name
        )


def propose_mapping(
    table: Table, profile: Profile, remembered: Mapping[int, RememberedChoice] | None = None
) -> MappingProposal:
    """The best field for each column of ``table``, with the reason and a confidence.

    ``remembered`` (by position) are the user's own choices on a file with the same headers:
    they come first, and the fields they take are taken for the other columns too.
    """
    index = _Index(profile)
    context = _Context.of(table.headers)
    claims: list[_Claim] = []
    outcome = _remembered(table.headers, remembered or {}, index)
    for position, header in enumerate(table.headers):
        qualifier = context.qualifiers[position]
        if position in outcome:
            continue
        if not header.strip():
            outcome[position] = ColumnMapping(position, header, None, 0.0, "blank")
            continue
        if is_product_column(header):
            outcome[position] = ColumnMapping(position, header, None, 0.0, "ours", None, qualifier)
            continue
        if _is_label(header):
            outcome[position] = ColumnMapping(position, header, None, 0.0, "label", None, qualifier)
            continue
        cells = table.columns[position]
        evidence = evidence_of(cells)
        claim = _by_header(position, header, context.keys[position], profile, index)
        claim = _fits(claim, cells, profile)
        claim = _weigh(claim, position, context, evidence, index)
        if claim is not None and claim.evidence == _UNFED:
            outcome[position] = ColumnMapping(
                position, header, None, 0.0, "none", None, qualifier, "postal-codes"
            )
            continue
        if claim is not None and claim.evidence == "numbers":
            outcome[position] = ColumnMapping(
                position, header, None, 0.0, "none", None, qualifier, "numbers"
            )
            continue
        if claim is not None and claim.evidence == "flags":
            # yes/no cells say whether the columns beside are used: the kind of their values
            outcome[position] = ColumnMapping(
                position, header, None, 0.0, "label", None, qualifier, "flags"
            )
            continue
        placed = _in_context(claim, position, context, index, profile)
        if placed is None and claim is not None:
            # the header names a field the file rules out: no second guess from the cells
            outcome[position] = ColumnMapping(
                position, header, None, 0.0, "none", None, qualifier, claim.evidence
            )
            continue
        claim = placed or _by_content(position, cells, profile)
        if claim is None:
            outcome[position] = ColumnMapping(position, header, None, 0.0, "none", None, qualifier)
        else:
            # an empty column gives way to a filled one, except an address's part: its
            # group decides (an empty "Home Street 2" is still the home address's line 2)
            empty = evidence.empty and not context.parts[position]
            claims.append(replace(claim, empty=empty))
    pinned = {m.field: m.position for m in outcome.values() if m.field is not None}
    outcome.update(_settle(claims, table.headers, context.qualifiers, index, pinned))
    columns = [outcome[p] for p in range(len(table.headers))]
    fed = {c.field for c in columns if c.field is not None}
    missing = [c.id for c in profile.fields if c.required and c.id not in fed]
    return MappingProposal(profile, columns, missing)


def _remembered(
    headers: Sequence[str], remembered: Mapping[int, RememberedChoice], index: _Index
) -> dict[int, ColumnMapping]:
    """The user's remembered choices as settled columns: a field of the profile, or no field
    (not imported, or a split: ``resolve`` applies splits); a field the profile no longer has
    is forgotten."""
    settled: dict[int, ColumnMapping] = {}
    for position, chosen in remembered.items():
        field = chosen.choice if chosen.choice in index.by_id else None
        lost = field is None and chosen.choice is not None and not chosen.choice.startswith("=")
        if position < len(headers) and not lost:
            header = headers[position]
            settled[position] = ColumnMapping(
                position, header, field, 1.0, "remembered", remembered_on=chosen.on
            )
    return settled


def _by_header(
    position: int, header: str, key: str, profile: Profile, index: _Index
) -> _Claim | None:
    for column in profile.fields:
        if header.strip() == column.header:
            return _Claim(position, column, CONFIDENCE["exact"], "exact", spelling=-1)
    keys = [key] if key == header_key(header) else [header_key(header), key]
    for candidate in keys:
        claim = _by_spelling(position, candidate, index)
        if claim is not None:
            return claim
    claim = _by_alternatives(position, header, index)
    if claim is not None:
        return claim
    words = key.split()
    plain = [_SYNONYMS.get(w, w) for w in words if w not in _DROPPED]
    if plain != words and plain:
        # "Tél. portable" → "telephone mobile": a colleague's spelling of a known header
        claim = _by_spelling(position, " ".join(plain), index)
        if claim is not None:
            confidence = min(claim.confidence, CONFIDENCE["alias"]) * QUALIFIED
            return replace(claim, reason="alias", confidence=confidence, spelling=_LOOSE - 1)
    if len(words) > 1 and words[0] in _OWNER_WORDS:
        # "contact first name": the contact's first name, less sure than a known spelling
        claim = _by_spelling(position, " ".join(words[1:]), index)
        if claim is not None:
            confidence = min(claim.confidence, CONFIDENCE["alias"]) * QUALIFIED
            return replace(claim, reason="alias", confidence=confidence, spelling=_LOOSE - 1)
    best = process.extractOne(key, index.keys, scorer=fuzz.ratio, score_cutoff=FUZZY_CUTOFF)
    if best is None:
        return None
    close = index.get(best[0])
    assert close is not None
    return _Claim(position, close[0], 0.85 * best[1] / 100, "fuzzy", tier=1)


def _by_spelling(position: int, key: str, index: _Index) -> _Claim | None:
    """The key itself or without its qualifier ("Business Phone" → "Phone"), then a numbered
    repeat of either, or a part of a numbered address ("Address 1 - City")."""
    plain = " ".join(_plain(key.split()))
    candidates = [(key, 1.0)] if plain in (key, "") else [(key, 1.0), (plain, QUALIFIED)]
    for candidate, factor in candidates:
        found = index.get(candidate)
        if found is not None:
            confidence = (CONFIDENCE[found[1]] - index.penalty(candidate)) * factor
            place = index.place(key, plain, found[0])
            return _Claim(position, found[0], confidence, found[1], spelling=place)
    for candidate, factor in candidates:
        numbered = _numbered(candidate, index) or _address_part(candidate, index)
        if numbered is not None:
            field, spelling = numbered
            confidence = (CONFIDENCE["numbered"] - index.penalty(spelling)) * factor
            place = index.place(key, spelling, field)
            return _Claim(position, field, confidence, "numbered", spelling=place)
    words = plain.split()
    if len(words) == 2:
        # "Postcode/Zip", "Town/City": two names of one field
        first, second = index.get(words[0]), index.get(words[1])
        if first is not None and second is not None and first[0] is second[0]:
            confidence = CONFIDENCE["alias"] * QUALIFIED
            return _Claim(position, first[0], confidence, "alias", spelling=_LOOSE - 1)
        if first is not None and second is not None and words[0] in _KIND_WORDS:
            # "Phone - Mobile" (Pipedrive), "Téléphone mobile": the second word says which
            confidence = CONFIDENCE["alias"] * QUALIFIED
            return _Claim(position, second[0], confidence, "alias", spelling=_LOOSE - 1)
    return None


def _by_alternatives(position: int, header: str, index: _Index) -> _Claim | None:
    """``postal_code/zip_code`` (Wave): two names of one field, each known on its own."""
    parts = [header_key(part) for part in header.split("/") if part.strip()]
    if len(parts) < 2:
        return None
    found = [_by_spelling(position, part, index) for part in parts]
    fields = {claim.field.id for claim in found if claim is not None}
    if None in found or len(fields) != 1:
        return None
    confidence = CONFIDENCE["alias"] * QUALIFIED
    return _Claim(position, index.by_id[fields.pop()], confidence, "alias", spelling=_LOOSE - 1)


def _numbered(key: str, index: _Index) -> tuple[Column, str] | None:
    """``e mail 2 address`` → the alias ``e mail address 2``; ``phone 1 value`` → ``phone 1``;
    ``business phone 2`` → the field of ``business phone`` (the settling picks the repetition)."""
    match = _NUMBER.match(key)
    if match is None:
        return None
    before, number, after = match.groups()
    words = [*before.split(), *after.split()]
    kept = [w for w in words if w not in _FILLERS and w not in _NOISE]
    trimmed = [*before.split(), *(w for w in after.split() if w not in _TRAILING_FILLERS)]
    for base in (words, kept, trimmed):
        # "Business Phone 2": the field of "Business Phone", whose next repetition is free
        for candidate in (" ".join([*base, number]), " ".join(base)):
            found = index.get(candidate)
            if found is None:
                continue
            # "Address 2 - Formatted" is a second address, not the line "Address 2" of one
            if after and candidate.endswith(number) and not _repeated_base(found[0].id, index):
                continue
            # "Courriel 6" where the platform takes five: no slot, rather than a neighbour's
            repeated = _repeated_base(found[0].id, index)
            if repeated is not None and f"{repeated}{int(number)}" not in index.by_id:
                return None
            return found[0], candidate
    return None


def _address_part(key: str, index: _Index) -> tuple[Column, str] | None:
    """``address 1 city`` → the field of ``city``: one part of a numbered address; and
    ``address city`` (QuickBooks' "Billing Address City") the same without a number."""
    match = _ADDRESS_GROUP.match(key) or _ADDRESS_PART.match(key)
    if match is None:
        return None
    part = match.group(match.lastindex or 1)
    found = index.get(part)
    return (found[0], part) if found is not None else None


def _plain(words: Iterable[str]) -> list[str]:
    """The words of a header without its qualifier and noise words."""
    return [w for w in _meaningful(words) if w not in _QUALIFIERS]


def _meaningful(words: Iterable[str]) -> list[str]:
    """The words of a header without noise: ``pays alpha 2`` → ``pays``."""
    kept: list[str] = []
    after_alpha = False
    for word in words:
        if word in _NOISE or (after_alpha and word.isdigit()):
            after_alpha = word == "alpha"
            continue
        kept.append(word)
        after_alpha = False
    return kept


def _qualifier(words: list[str]) -> str | None:
    """The group a header names ("Business Phone" → ``work``), if it names anything else."""
    found = {_QUALIFIERS[w] for w in words if w in _QUALIFIERS}
    if not found or not _plain(words):
        return None
    return next(q for q in _QUALIFIER_ORDER if q in found)


def _drop_prefix(keys: list[str]) -> list[str]:
    """``client address 1`` → ``address 1`` when most headers start with ``client``."""
    firsts = [k.split()[0] if k else "" for k in keys]
    common = {w for w in _RECORD_PREFIXES if firsts.count(w) * 2 >= len(keys)}
    return [
        " ".join(k.split()[1:]) if first in common and " " in k else k
        for k, first in zip(keys, firsts, strict=True)
    ]


def _in_context(
    claim: _Claim | None, position: int, context: _Context, index: _Index, profile: Profile
) -> _Claim | None:
    """The claim once the file as a whole is taken into account, or ``None`` when the column
    must feed nothing (a company's name in a person's name field, a street in a whole
    address field)."""
    key = context.keys[position]
    if context.about_companies and key in _GENERIC_NAMES:
        # a list of companies: its "Nom" is the company's name
        if index.company is not None:
            if claim is None:
                return _Claim(position, index.company, CONFIDENCE["alias"] * QUALIFIED, "alias")
            return replace(claim, field=index.company)
        if claim is None or claim.field.id in index.person_names:
            return None
    if (
        context.has_first_name
        and context.has_last_name
        and _meaningful(key.split()) in (["nom"], ["name"])
    ):
        return None  # Pipedrive's « Personne - Nom » beside « Prénom » and « Nom de famille »
    last = profile.mapping.name.last if profile.mapping.name is not None else None
    if claim is None and context.has_first_name and key in _GENERIC_NAMES and last is not None:
        # "Nom du client" beside "Prénom" (a colleague's list): the person's last name
        claim = _Claim(position, index.by_id[last], CONFIDENCE["alias"] * QUALIFIED, "alias")
    if claim is None and key in _REFERENCES:
        # "Référence" alone in a list of clients (Sage, Odoo): the client's reference
        found = next((f for k in _CLIENT_CODES if (f := index.get(k)) is not None), None)
        if found is not None:
            claim = _Claim(position, found[0], CONFIDENCE["alias"] * QUALIFIED, "alias")
    if claim is None and key in _COMPANY_NAMES and index.company is not None:
        # "Account Name" (Zoho CRM): a company's name, whatever the profile calls it
        claim = _Claim(position, index.company, CONFIDENCE["alias"] * QUALIFIED, "alias")
    if claim is None:
        return None
    field = claim.field
    if context.about_companies and field.id in index.person_names:
        return None
    if context.qualifiers[position] == "shipping" and field.id in index.person_names:
        return None  # Wave's "ship-to_contact": who receives the goods, not the customer
    side = _SIDE_OF.get(context.qualifiers[position] or "")
    if side is None and context.about_companies:
        side = "work"
    if side is not None and index.side.get(field.id, side) != side:
        twin = index.twin.get((field.id, side))
        if twin is not None:
            claim = replace(claim, field=twin)
    return _street_or_whole(claim, key, context, index, profile)


def _weigh(
    claim: _Claim | None, position: int, context: _Context, evidence: Evidence, index: _Index
) -> _Claim | None:
    """The cells settle what the header leaves open. Yes/no cells are never a name, an
    address or a number found by another name (Wave's ``shipping_address`` = ``False``); a
    column under the field's own header keeps it, and its cells are then checked as typed
    (``CI_CHECK`` and ``validate`` judge a « TRUE » phone alike); a grouped "code" whose
    cells are postal codes is the group's postal code, not a client code (Zoho's ``Billing
    Code``), and feeds nothing where the profile has no postal code."""
    words = _plain(context.keys[position].split())
    if words == ["code"] and context.qualifiers[position] is not None and evidence.postal_codes:
        postal = next((c for c in index.by_id.values() if c.type == "postal_code"), None)
        if postal is None:
            # no postal code here: the column feeds nothing, and says why
            return None if claim is None else replace(claim, evidence=_UNFED)
        confidence = round(0.7 * evidence.postal / evidence.filled, 2)
        return _Claim(position, postal, confidence, "content", evidence="postal-codes")
    if (
        claim is not None
        and claim.reason not in ("exact", "spelling")  # the field's own header is no guess
        and evidence.flags_only
        and claim.field.type not in ("flag", "choice")
    ):
        return replace(claim, evidence="flags")
    if (
        claim is not None
        and claim.reason not in ("exact", "spelling")
        and evidence.numbers_only
        and (claim.field is index.company or claim.field.id in index.person_names)
    ):
        return replace(claim, evidence="numbers")  # Dolibarr's « Customer » = 1, 3: no name
    return claim


def _fits(
    claim: _Claim | None, cells: Sequence[CellValue | FormulaCell], profile: Profile
) -> _Claim | None:
    """A list's field by another name only when the column holds the list's values: not
    "Categories" for "Catégorie" (close spelling) with the file's tags in it, nor a client
    type column for Aptimyz' address type ("Type"); and a close spelling of a date only
    when the cells hold dates ("Birth Day" holds days)."""
    if claim is None or claim.reason in ("exact", "spelling"):
        return claim
    if claim.field.type != "choice" and (claim.reason != "fuzzy" or claim.field.type != "date"):
        return claim
    sample = [c for c in cells if c not in (None, "") and not isinstance(c, FormulaCell)][:SAMPLE]
    if not sample:
        return None if claim.reason == "fuzzy" and claim.field.type == "choice" else claim
    checker = build_checker(claim.field, profile, sample)
    share = sum(1 for value in sample if _valid(claim.field, checker, value)) / len(sample)
    needed = CONTENT_SHARE if claim.reason == "fuzzy" else 1 - CONTENT_SHARE
    return claim if share >= needed else None


def _street_or_whole(
    claim: _Claim, key: str, context: _Context, index: _Index, profile: Profile
) -> _Claim | None:
    """A street and a whole address told apart. Next to city and postal-code columns, a
    street is one part of an address: not what a whole-address field wants. Without them,
    or beside an explicit "line 1", an address column holds the whole address: what a street
    field takes only for want of better, and a second one is never a street's line 2."""
    words = key.split()
    if not _street_like(words):
        return claim
    street = profile.mapping.address.street if profile.mapping.address is not None else None
    whole = profile.mapping.full_address
    base = _repeated_base(whole, index) if whole is not None else None
    fills_whole = whole is not None and (
        claim.field.id == whole
        or (base is not None and _repeated_base(claim.field.id, index) == base)
    )
    number = next((int(w) for w in words if w.isdigit()), 1)
    bare = not (set(words) & {"ligne", "line", "l"}) and not any(w.isdigit() for w in words)
    if set(words) & _WHOLE_ADDRESS or not context.has_place or (bare and context.has_lines):
        if fills_whole:
            return claim
        if number > 1 and not context.has_place:
            return None  # "Adresse 2" of a list of whole addresses: a second address
        if claim.field.id == street and whole is not None and not context.has_place:
            return replace(claim, field=index.by_id[whole])
        if claim.field.id == street:
            return replace(claim, tier=1)  # any street column first
        return claim
    if not fills_whole:
        return claim
    return replace(claim, field=index.by_id[street]) if street is not None else None


def _street_like(words: list[str]) -> bool:
    """``adresse``, ``address 1``, ``rue bureau``, ``address line 1 formatted``..."""
    plain = set(_plain(words)) - _FILLERS - _WHOLE_ADDRESS
    return bool(plain & _STREET_WORDS) and all(w in _STREET_WORDS or w.isdigit() for w in plain)


def _is_label(header: str) -> bool:
    """``Phone 1 - Type``, ``E-mail 2 - Label``: the kind of a value, not a value."""
    words = choice_key(header).split()
    return bool(words) and words[-1] in _LABEL_WORDS and any(w.isdigit() for w in words)


def _by_content(
    position: int, cells: Sequence[CellValue | FormulaCell], profile: Profile
) -> _Claim | None:
    """A field whose checker accepts most of the column's filled cells."""
    sample = [c for c in cells if c is not None and not isinstance(c, FormulaCell)][:SAMPLE]
    if len(sample) < 2:
        return None
    tried: set[str] = set()
    for column in profile.fields:
        if column.type not in _CONTENT_TYPES or column.type in tried:
            continue
        tried.add(column.type)
        checker = build_checker(column, profile, sample)
        valid = sum(1 for value in sample if _valid(column, checker, value))
        share = valid / len(sample)
        if share >= CONTENT_SHARE:
            return _Claim(position, column, round(0.7 * share, 2), "content", tier=2)
    return None


def _valid(column: Column, checker: FieldChecker, value: CellValue) -> bool:
    """The checker's word, except that a bare number is no evidence of a date (codes, days,
    amounts) nor of a phone number (a SIREN, a code)."""
    if column.type == "date" and (
        isinstance(value, int | float) or (isinstance(value, str) and value.strip().isdigit())
    ):
        return False
    if column.type == "phone" and not _written_like_a_phone(value):
        return False
    return checker.check(value).ok


def _written_like_a_phone(value: CellValue) -> bool:
    """``+33 1 42...``, ``04 74...``, ``(514) 555-0142``; not a bare number (``812345676`` is
    a SIREN, an amount or a code more often than a phone number)."""
    if not isinstance(value, str):
        return False
    text = value.strip()
    return text[:1] in ("+", "0", "(") or any(c in text for c in " .-/")


def _settle(
    claims: list[_Claim],
    headers: Sequence[str],
    qualifiers: Sequence[str | None],
    index: _Index,
    pinned: Mapping[str, int] | None = None,
) -> dict[int, ColumnMapping]:
    """Surest claims first, and for one field the preferred group first; a field feeds from
    one column, repeats go to the next number, numbered afterwards in the file's order.
    ``pinned`` fields (the user's remembered choices) are taken before any claim."""
    taken: dict[str, int] = dict(pinned or {})
    settled: dict[int, ColumnMapping] = {}

    def order(claim: _Claim) -> tuple[int, bool, int, int, int, float, int]:
        group = index.order(claim.field, qualifiers[claim.position])
        # within a group, "Home Phone" before "Home Phone 2"
        repetition = claim.field.id[len(_repeated_base(claim.field.id, index) or claim.field.id) :]
        # the slots of a repeated field are filled by group, whatever the spelling
        spelling = 0 if repetition else claim.spelling
        # an empty column never beats a filled one ("Billing Phone" empty, "Phone" filled)
        return (
            *(claim.tier, claim.empty, spelling, group, int(repetition or 0)),
            *(-claim.confidence, claim.position),
        )

    for claim in sorted(claims, key=order):
        field = claim.field
        if field.id in taken or claim.reason == "content":
            field = _free_sibling(field, taken, index) or field
        header, qualifier = headers[claim.position], qualifiers[claim.position]
        if field.id in taken:
            # every repetition fed ("Courriel 6" for five): the rival holds the last one
            rival = headers[taken[_last_repetition(field, index)]]
            evidence = "empty" if claim.empty else claim.evidence
            settled[claim.position] = ColumnMapping(
                *(claim.position, header, None, claim.confidence, "taken", rival, qualifier),
                evidence,
            )
            continue
        taken[field.id] = claim.position
        settled[claim.position] = ColumnMapping(
            *(claim.position, header, field.id, claim.confidence, claim.reason, None, qualifier),
            claim.evidence,
        )
    return _renumber(settled, index)


def _renumber(settled: dict[int, ColumnMapping], index: _Index) -> dict[int, ColumnMapping]:
    """Repetitions of one field numbered in the file's order, the preferred group first."""
    groups: dict[str, list[ColumnMapping]] = {}
    for mapped in settled.values():
        base = _repeated_base(mapped.field or "", index)
        if base is not None:
            groups.setdefault(base, []).append(mapped)
    for base, members in groups.items():
        slots = sorted(m.field for m in members if m.field is not None)
        slots.sort(key=lambda f: int(f[len(base) :]))
        ranked = sorted(
            members,
            key=lambda m: (index.order(index.by_id[m.field or ""], m.qualifier), m.position),
        )
        for mapped, slot in zip(ranked, slots, strict=True):
            settled[mapped.position] = replace(mapped, field=slot)
    return settled


def _free_sibling(field: Column, taken: dict[str, int], index: _Index) -> Column | None:
    """The first repetition of ``field``'s group nobody feeds yet (``email1`` → ``email2``)."""
    base = _repeated_base(field.id, index)
    if base is None:
        return None if field.id in taken else field
    number = 1
    while f"{base}{number}" in index.by_id:
        if f"{base}{number}" not in taken:
            return index.by_id[f"{base}{number}"]
        number += 1
    return None


def _last_repetition(field: Column, index: _Index) -> str:
    """``email1`` → ``email5`` (the last of its group); a single field is its own."""
    base = _repeated_base(field.id, index)
    if base is None:
        return field.id
    number = 1
    while f"{base}{number + 1}" in index.by_id:
        number += 1
    return f"{base}{number}"


def _repeated_base(field_id: str, index: _Index) -> str | None:
    """``email2`` → ``email`` for a repeated field; ``None`` for a single one (``address2``)."""
    match = _REPEAT_ID.match(field_id)
    return match.group(1) if match is not None and match.group(1) in index.repeated else None
