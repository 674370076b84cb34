"""What a platform expects, declared apart from how it is checked (see ``templates/*.toml``).

A profile knows nothing of openpyxl, xlwings or HTTP: the engine turns it into checkers,
the template builder into a workbook, the connectors into requests. Models forbid unknown keys
so that a typo in a profile file is reported instead of silently ignored.
"""

from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

Severity = Literal["error", "warning"]
#: What a profile may declare of a problem on its platform: refused as typed ("error"),
#: accepted but probably wrong ("warning"), or accepted and not worth a word ("silent"; the
#: export still writes the platform's form). See ``Profile.levels_for``.
Level = Literal["error", "warning", "silent"]

FieldKind = Literal[
    "text",
    "email",
    "phone",
    "country",
    "date",
    "postal_code",
    "choice",
    "flag",
    "decimal",
    "integer",
    "siret",
    "siren",
    "vat",
    "iban",
    "bic",
]

PhoneFormat = Literal["e164", "international", "national", "nanp_dashes", "digits"]
CountryFormat = Literal["fr_name", "en_name", "alpha2", "alpha3"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Column(_Strict):
    """One column of the platform's file.

    ``repeat`` declares Reveal-style repeated fields: ``id = "email{n}"`` with
    ``header = "Courriel {n}"`` and ``repeat = 5`` expands into five columns at load time.
    Aliases written with ``{n}`` are numbered like the header; aliases without it ("Courriel")
    name the first repetition only, as do ``required`` and ``recommended``.
    """

    id: str = Field(min_length=1)
    header: str = Field(min_length=1)
    type: FieldKind = "text"
    required: bool = False
    recommended: bool = False
    #: what the platform needs a recommended value for ("créer le contact par l'API")
    recommended_reason: str | None = None
    recommended_reason_en: str | None = None
    max_length: int | None = Field(default=None, gt=0)
    help: str = Field(min_length=1)
    help_en: str | None = None
    example: str | None = None
    aliases: list[str] = Field(default_factory=list)
    letter: str | None = Field(default=None, pattern=r"^[A-Z]{1,3}$")
    processed: bool = True
    repeat: int | None = Field(default=None, ge=2, le=20)
    #: an identifier whose leading zeros or digits matter (account or card numbers): the
    #: template formats it as text so Excel does not turn "00042" into 42
    keep_as_text: bool = False

    # type-specific settings
    choices: list[str] | None = None
    choice_aliases: dict[str, list[str]] = Field(default_factory=dict)
    phone_format: PhoneFormat | None = None
    phone_region: str | None = Field(default=None, pattern=r"^[A-Z]{2}$")
    country_format: CountryFormat | None = None
    country_accepts: list[CountryFormat] | None = None
    country_field: str | None = None
    integer_digits: int | None = Field(default=None, gt=0)
    fraction_digits: int | None = Field(default=None, ge=0)
    minimum: float | None = None
    maximum: float | None = None
    default: str | None = None
    #: a person's consent (marketing, GDPR): its value is never changed on a guess; only an
    #: explicit yes or no is rewritten in the platform's spelling
    consent: bool = False
    allow_values: list[str] = Field(default_factory=list)
    #: this column's own levels, over the profile's ``severity`` table
    severity: dict[str, Level] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _type_settings(self) -> Column:
        if self.type == "choice" and not self.choices:
            raise ValueError("a 'choice' column needs a non-empty 'choices' list")
        if self.type != "choice" and self.choices:
            raise ValueError(f"'choices' only applies to 'choice' columns, not '{self.type}'")
        if self.type == "decimal" and (self.integer_digits is None or self.fraction_digits is None):
            raise ValueError("a 'decimal' column needs 'integer_digits' and 'fraction_digits'")
        if self.repeat is not None and ("{n}" not in self.id or "{n}" not in self.header):
            raise ValueError("a repeated column needs '{n}' in both 'id' and 'header'")
        for value in self.choice_aliases:
            if not self.choices or value not in self.choices:
                raise ValueError(f"'choice_aliases' names '{value}', which is not in 'choices'")
        return self

    def expand(self) -> list[Column]:
        """The concrete columns: itself, or one per repetition for repeated fields."""
        if self.repeat is None:
            return [self]
        return [
            self.model_copy(
                update={
                    "id": self.id.replace("{n}", str(n)),
                    "header": self.header.replace("{n}", str(n)),
                    "aliases": [
                        a.replace("{n}", str(n)) for a in self.aliases if "{n}" in a or n == 1
                    ],
                    "repeat": None,
                    "required": self.required and n == 1,
                    "recommended": self.recommended and n == 1,
                }
            )
            for n in range(1, self.repeat + 1)
        ]


class Characters(_Strict):
    """Character rules the platform applies to every text cell."""

    forbidden: list[str] = Field(default_factory=list)
    replacements: dict[str, str] = Field(default_factory=dict)
    #: whether ``client-import fix`` may apply ``replacements`` on its own: only when the
    #: replacement keeps the meaning (Hokus: ";" → ","), never where it could change a name
    fix_forbidden: bool = False
    accents: Literal["allow", "warning", "error"] = "allow"
    #: whether ``fix`` may write accented letters without their accent (``é`` → ``e``): only
    #: where the platform refuses accents, so the name is kept as the platform can hold it
    fix_accents: bool = False
    allowed_pattern: str | None = None
    allowed_description: str | None = None
    #: a character outside ``allowed_pattern``: "error" where the page says the import fails
    others: Literal["warning", "error"] = "warning"

    @model_validator(mode="after")
    def _pattern_compiles(self) -> Characters:
        if self.allowed_pattern is not None:
            try:
                re.compile(self.allowed_pattern)
            except re.error as exc:
                raise ValueError(
                    f"'allowed_pattern' is not a valid regular expression: {exc}"
                ) from exc
        return self


class ExportFormat(_Strict):
    """How the platform wants the file it imports."""

    format: Literal["csv", "xlsx", "xls", "ods"] = "csv"
    encoding: str = "utf-8"
    separator: str = ";"
    sheet_name: str | None = None
    bom: bool = False
    #: how a CSV value that a spreadsheet would run as a formula ("=...", "-x", "@...") is
    #: neutralised: a leading apostrophe (OWASP), or a leading space where the platform refuses
    #: apostrophes (Aptimyz)
    formula_guard: Literal["apostrophe", "space"] = "apostrophe"


class FileRules(_Strict):
    """File-level rules from the platform's import page."""

    accepted_formats: list[Literal["csv", "xlsx", "xlsm", "xls", "ods"]]
    export: ExportFormat = Field(default_factory=ExportFormat)
    single_sheet: bool = False
    header_row: int = 1
    unique_headers: bool = True
    column_order: Severity | None = None
    #: the page wants every column of its template, in order: an absent one is an error
    all_columns: bool = False
    #: the encoding a CSV must have where the page says it (Reveal: "CSV (UTF-8)"); otherwise
    #: the export's own encoding when the export is a CSV
    csv_encoding: str | None = None
    max_rows: int | None = Field(default=None, gt=0)
    max_size_bytes: dict[str, int] = Field(default_factory=dict)
    key: list[str] = Field(default_factory=list)
    key_unique: bool = False
    first_row_is_example: bool = False
    characters: Characters = Field(default_factory=Characters)


class RequiredIf(_Strict):
    """``then`` fields become required when ``field`` holds one of ``values``."""

    kind: Literal["required_if"]
    field: str
    values: list[str]
    then: list[str]
    severity: Severity = "error"
    explanation: str
    explanation_en: str


class AnyRequired(_Strict):
    """At least one group of fields must be entirely filled (Reveal: a name and a phone)."""

    kind: Literal["any_required"]
    groups: list[list[str]] = Field(min_length=1)
    severity: Severity = "error"
    explanation: str
    explanation_en: str


class Fallback(_Strict):
    """An empty ``field`` is replaced by the platform with the value of ``source`` fields."""

    kind: Literal["fallback"]
    field: str
    source: list[str]
    explanation: str
    explanation_en: str


class SmsNeedsMobile(_Strict):
    """A contact method that sends text messages needs a mobile number."""

    kind: Literal["sms_needs_mobile"]
    method_field: str
    sms_values: list[str]
    phone_field: str


class Unique(_Strict):
    """Rows should not repeat these fields together (duplicate contacts, occupants...)."""

    kind: Literal["unique"]
    fields: list[str] = Field(min_length=1)
    severity: Severity = "warning"
    explanation: str
    explanation_en: str


Rule = Annotated[
    RequiredIf | AnyRequired | Fallback | SmsNeedsMobile | Unique, Field(discriminator="kind")
]


class ApiSettings(_Strict):
    """How a push reaches the platform; used by the connectors, declared here."""

    class KeyPart(_Strict):
        """One part of a record's natural key (``core.natural_keys``), for a platform that
        merges records on values rather than on a key column (Flokon: client, address,
        occupant)."""

        #: how the user calls the part, in French and English (« adresse »)
        name: str = Field(min_length=1)
        name_en: str = Field(min_length=1)
        #: column ids; the first group holding a value gives the part
        groups: list[list[str]] = Field(min_length=1)
        normalise: Literal["exact", "text", "address"] = "text"
        #: the name of the part whose value stands in when this one is empty
        when_empty: str | None = None
        #: said before the part's value in a record's label (« client C-1042 »)
        label_prefix: str = ""
        #: the platform field the normalised part is sent in, for the platform to merge on
        field: str | None = None
        #: what a changed value of this part means on the platform, for the preview
        changed: str | None = None
        changed_en: str | None = None
        #: what to do when two rows are the same record by this part (the last one)
        repeated: str | None = None
        repeated_en: str | None = None

    connector: Literal["generic", "evoliz", "none"] = "none"
    collection: str | None = None
    #: the field (or fields, joined with "|") that identify a record on the platform
    key_field: str | list[str] | None = None
    #: the platform compares keys without case (Evoliz's codes and e-mails): so does the
    #: push's preview
    keys_ignore_case: bool = False
    batch_size: int = Field(default=100, gt=0, le=1000)
    modes: list[
        Literal["update_only", "create_only", "upsert", "upsert_delete_rest", "replace_all"]
    ] = Field(default_factory=list)
    default_mode: str | None = None
    base_url: str | None = None
    paths: dict[str, str] = Field(default_factory=dict)
    field_names: dict[str, str] = Field(default_factory=dict)
    #: per column id, the value the API wants for each of the column's choices
    #: (Evoliz consent: "Autorisé" -> "authorized")
    value_maps: dict[str, dict[str, str]] = Field(default_factory=dict)
    requests_per_minute: int | None = None
    #: the record's natural key, part by part (no key column: Flokon)
    key_parts: list[ApiSettings.KeyPart] = Field(default_factory=list)

    @model_validator(mode="after")
    def _parts_known(self) -> ApiSettings:
        names = [part.name for part in self.key_parts]
        for part in self.key_parts:
            if part.when_empty is not None and part.when_empty not in names:
                raise ValueError(f"api.key_parts '{part.name}'.when_empty names no part")
        if len(set(names)) != len(names) or (self.key_parts and self.key_field):
            raise ValueError("api.key_parts: one name per part, and no key_field beside them")
        return self

    @property
    def key_fields(self) -> list[str]:
        """``key_field`` as a list (empty when the profile declares none)."""
        if self.key_field is None:
            return []
        return [self.key_field] if isinstance(self.key_field, str) else list(self.key_field)


class TemplateSettings(_Strict):
    """How the blank workbook we generate for the platform is named and laid out."""

    #: the file name the platform's own template has (without it: ``modele-<profile>.xlsx``)
    file_name: str | None = Field(default=None, pattern=r"^[^/\\]+\.xlsx$")
    #: the name of the instructions sheet in the platform's template (Hokus: "csv format")
    instructions_sheet: str | None = Field(default=None, min_length=1, max_length=31)
    #: body rows that get dropdowns and checks when the user does not say (``--rows``)
    rows: int = Field(default=1000, gt=0, le=1_048_575)


class NameParts(_Strict):
    """The two fields a full name ("Marie Tremblay") is split into, when the user confirms."""

    first: str
    last: str


class AddressParts(_Strict):
    """The fields a full address ("12 rue X, 75001 Paris") is split into."""

    street: str
    postal_code: str
    city: str


class MappingSettings(_Strict):
    """How columns of someone else's file are combined or divided to feed this profile."""

    #: a column holding whole names can be split into these, never without the user's word
    name: NameParts | None = None
    #: a column holding whole addresses can be split into these
    address: AddressParts | None = None
    #: a file's address parts (street, city, postal code...) are joined into this field; for a
    #: repeated field, its first repetition ("address1"), the next free one being taken
    full_address: str | None = None


class DuplicateSettings(_Strict):
    """Which fields identify a customer on this platform, for the likely-duplicate warning
    (``core.duplicate_rule``): e-mails and phones are compared alone, text fields as the
    customer's name, postal code, city or street address (told apart by type and id)."""

    #: column ids; absent: chosen from the fields' types and the ``mapping`` table (e-mails,
    #: phones, name parts, company, postal code, city, address); empty: no such warning
    fields: list[str] | None = None


class Profile(_Strict):
    """A platform's import file, complete: columns in order, file rules, cross-field rules."""

    name: str = Field(pattern=r"^[a-z][a-z0-9-]*$")
    platform: str
    description: str
    description_en: str
    source: str
    phone_region: str = Field(default="FR", pattern=r"^[A-Z]{2}$")
    country: str = Field(default="FR", pattern=r"^[A-Z]{2}$")
    file: FileRules
    columns: list[Column] = Field(min_length=1)
    rules: list[Rule] = Field(default_factory=list)
    api: ApiSettings = Field(default_factory=ApiSettings)
    template: TemplateSettings = Field(default_factory=TemplateSettings)
    mapping: MappingSettings = Field(default_factory=MappingSettings)
    duplicates: DuplicateSettings = Field(default_factory=DuplicateSettings)
    #: the level of a problem code on this platform, for every column and the whole file: what
    #: its page says it refuses, accepts without a word, or does not rule on (each entry cites
    #: the page in the profile file); a column's own ``severity`` wins
    severity: dict[str, Level] = Field(default_factory=dict)

    def with_phone_region(self, region: str | None) -> Profile:
        """This profile for a user whose numbers without country code are from ``region`` (the
        head office's country, Reveal's page says): the default region of the profile and of
        its phone columns, except a column whose written form belongs to one numbering plan
        (Flokon's 000-000-0000 is North American whatever the setting)."""
        if region is None or region == self.phone_region:
            return self
        columns = [
            c.model_copy(update={"phone_region": region})
            if c.type == "phone" and c.phone_format != "nanp_dashes" and c.phone_region is not None
            else c
            for c in self.columns
        ]
        return self.model_copy(update={"phone_region": region, "columns": columns})

    def levels_for(self, column: Column | None) -> dict[str, Level]:
        """The levels that apply to a problem of ``column`` (``None``: the file or a row)."""
        if column is None or not column.severity:
            return self.severity
        return {**self.severity, **column.severity}

    @model_validator(mode="after")
    def _consistent(self) -> Profile:
        expanded = [c for col in self.columns for c in col.expand()]
        ids = [c.id for c in expanded]
        dupes = sorted({i for i in ids if ids.count(i) > 1})
        if dupes:
            raise ValueError(f"column ids are repeated: {', '.join(dupes)}")
        known = {c.id: c for c in expanded}
        for where, name in self._references():
            if name not in known:
                raise ValueError(f"{where} names the unknown column id '{name}'")
        for name in self.duplicates.fields or []:
            if known[name].type not in ("text", "email", "phone", "postal_code"):
                raise ValueError(
                    f"duplicates.fields names '{name}', a '{known[name].type}' column: only "
                    "text, email, phone and postal_code columns identify a customer"
                )
        for name, mapping in self.api.value_maps.items():
            choices = known[name].choices or []
            strays = [label for label in mapping if label not in choices]
            if strays:
                raise ValueError(
                    f"api.value_maps.{name} maps '{strays[0]}', which is not one of the "
                    f"column's choices"
                )
        return self

    def _references(self) -> list[tuple[str, str]]:
        """Every column id named outside its own column, with where it is named."""
        refs: list[tuple[str, str]] = [(f"file.key[{i}]", k) for i, k in enumerate(self.file.key)]
        for n, rule in enumerate(self.rules):
            at = f"rules[{n}] ({rule.kind})"
            match rule:
                case RequiredIf():
                    refs.append((f"{at}.field", rule.field))
                    refs += [(f"{at}.then", f) for f in rule.then]
                case AnyRequired():
                    refs += [(f"{at}.groups", f) for group in rule.groups for f in group]
                case Fallback():
                    refs.append((f"{at}.field", rule.field))
                    refs += [(f"{at}.source", f) for f in rule.source]
                case SmsNeedsMobile():
                    refs += [(f"{at}.method_field", rule.method_field)]
                    refs += [(f"{at}.phone_field", rule.phone_field)]
                case Unique():
                    refs += [(f"{at}.fields", f) for f in rule.fields]
        refs += [
            (f"columns[{n}] ({c.id}).country_field", c.country_field)
            for n, c in enumerate(self.columns)
            if c.country_field
        ]
        refs += [("api.key_field", f) for f in self.api.key_fields]
        parts = self.mapping
        if parts.name is not None:
            refs += [("mapping.name", parts.name.first), ("mapping.name", parts.name.last)]
        if parts.address is not None:
            refs += [
                ("mapping.address", f)
                for f in (parts.address.street, parts.address.postal_code, parts.address.city)
            ]
        if parts.full_address is not None:
            refs.append(("mapping.full_address", parts.full_address))
        refs += [("api.field_names", name) for name in self.api.field_names]
        refs += [("api.value_maps", name) for name in self.api.value_maps]
        refs += [("duplicates.fields", name) for name in self.duplicates.fields or []]
        return refs

    def referenced_fields(self) -> list[str]:
        """Every column id named outside its own column, for the consistency check."""
        return [name for _, name in self._references()]

    @property
    def fields(self) -> list[Column]:
        """The concrete columns in the platform's order, repeated fields expanded."""
        return [c for col in self.columns for c in col.expand()]

    def field(self, field_id: str) -> Column:
        for column in self.fields:
            if column.id == field_id:
                return column
        raise KeyError(field_id)
