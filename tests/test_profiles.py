"""The six platform profiles against their seeds, and the loader's messages for broken files."""

from __future__ import annotations

import gettext
import re
import unicodedata
from datetime import datetime
from decimal import Decimal
from pathlib import Path

import phonenumbers
import pycountry
import pytest

from addin.core.profile import (
    AnyRequired,
    Column,
    Fallback,
    Profile,
    RequiredIf,
    SmsNeedsMobile,
    Unique,
)
from addin.core.profiles import DEFAULT_DIR, all_profiles, load_profile_file
from addin.errors import ProfileError

NAMES = ["aptimyz", "evoliz-clients", "evoliz-contacts", "flokon", "hokus", "reveal"]


def load(name: str) -> Profile:
    return load_profile_file(DEFAULT_DIR / f"{name}.toml")


def headers(profile: Profile) -> list[str]:
    return [c.header for c in profile.fields]


def required(profile: Profile) -> set[str]:
    return {c.id for c in profile.fields if c.required}


def key(text: str) -> str:
    """The spelling-blind form headers are matched on: no case, accents or punctuation."""
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
    return " ".join(re.sub(r"[^\w]+", " ", bare).split())


# --- the set of profiles ----------------------------------------------------------------------


def test_templates_folder_holds_exactly_the_six_profiles(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CLIENT_IMPORT_TEMPLATES", raising=False)
    assert sorted(p.stem for p in DEFAULT_DIR.glob("*.toml")) == NAMES
    assert list(all_profiles()) == NAMES
    assert {n: p.platform for n, p in all_profiles().items()} == {
        "aptimyz": "Aptimyz",
        "evoliz-clients": "Evoliz",
        "evoliz-contacts": "Evoliz",
        "flokon": "Flokon",
        "hokus": "Hokus",
        "reveal": "Reveal Field",
    }


def test_each_profile_names_its_seed() -> None:
    assert {n: load(n).source for n in NAMES} == {
        "hokus": "000_feae76ae21a81b58.txt",
        "evoliz-clients": "001_9c0a0856999577aa.txt",
        "evoliz-contacts": "001_9c0a0856999577aa.txt",
        "flokon": "002_4b16f2b9b9df83dc.txt",
        "reveal": "003_3a86bb320ab7c292.txt",
        "aptimyz": "004_eaf63da0b077d2de.txt",
    }


# --- Hokus ------------------------------------------------------------------------------------

HOKUS_HEADERS = [
    "distributorId",
    "civilTitle",
    "Lastname",
    "firstname",
    "birthname",
    "personHomeAddress",
    "personHomeAddress2",
    "nationality",
    "nationality2",
    "birthdate",
    "birthCity",
    "birthCountry",
    "personHomeCity",
    "personHomeCountry",
    "personHomeZip",
    "personEmail",
    "personPhone",
    "personMobilePhone",
    "taxIdNumber",
    "idDocumentExpirationDate",
    "companyDenomination",
    "companyCity",
    "companyCountry",
    "companyZip",
    "companyEmail",
]


def test_hokus_columns_are_the_seeds_25_technical_headers_in_order() -> None:
    hokus = load("hokus")
    assert headers(hokus) == HOKUS_HEADERS
    assert [c.id for c in hokus.fields] == HOKUS_HEADERS
    assert required(hokus) == {"distributorId"}
    assert "distributorld" in hokus.field("distributorId").aliases  # the seed's OCR spelling


def test_hokus_types() -> None:
    hokus = load("hokus")
    by_type: dict[str, list[str]] = {}
    for column in hokus.fields:
        by_type.setdefault(column.type, []).append(column.id)
    assert by_type == {
        "text": [
            "distributorId",
            "Lastname",
            "firstname",
            "birthname",
            "personHomeAddress",
            "personHomeAddress2",
            "birthCity",
            "personHomeCity",
            "taxIdNumber",
            "companyDenomination",
            "companyCity",
        ],
        "choice": ["civilTitle"],
        "country": [
            "nationality",
            "nationality2",
            "birthCountry",
            "personHomeCountry",
            "companyCountry",
        ],
        "date": ["birthdate", "idDocumentExpirationDate"],
        "postal_code": ["personHomeZip", "companyZip"],
        "email": ["personEmail", "companyEmail"],
        "phone": ["personPhone", "personMobilePhone"],
    }
    for name in by_type["country"]:
        column = hokus.field(name)
        assert (column.country_format, column.country_accepts) == ("fr_name", ["fr_name", "alpha2"])
    assert {c: hokus.field(c).country_field for c in by_type["postal_code"]} == {
        "personHomeZip": "personHomeCountry",
        "companyZip": "companyCountry",
    }
    for name in by_type["phone"]:
        assert (hokus.field(name).phone_format, hokus.field(name).phone_region) == ("e164", "FR")


def test_hokus_civil_titles_and_their_other_spellings() -> None:
    title = load("hokus").field("civilTitle")
    assert title.choices == ["Mme", "M.", "M. et Mme", "Société"]
    assert {"Madame", "Mrs", "Mme."} <= set(title.choice_aliases["Mme"])
    assert {"Monsieur", "Mr"} <= set(title.choice_aliases["M."])
    assert {"Monsieur et Madame", "Mr et Mme"} <= set(title.choice_aliases["M. et Mme"])
    assert {"Entreprise", "Societe"} <= set(title.choice_aliases["Société"])


def test_hokus_file_rules() -> None:
    hokus = load("hokus")
    rules = hokus.file
    assert rules.accepted_formats == ["csv"]
    assert (rules.export.format, rules.export.encoding, rules.export.separator) == (
        "csv",
        "utf-8",
        ";",
    )
    assert rules.export.sheet_name == "Data"
    assert (rules.key, rules.key_unique, rules.column_order) == (["distributorId"], True, "error")
    assert rules.characters.forbidden == [";"]
    assert rules.characters.replacements == {";": ","}
    assert (hokus.country, hokus.phone_region) == ("FR", "FR")


def test_hokus_rules_and_push() -> None:
    hokus = load("hokus")
    assert [(type(r).__name__, r.severity) for r in hokus.rules] == [
        ("RequiredIf", "error"),
        ("RequiredIf", "warning"),
    ]
    company, address = hokus.rules
    assert isinstance(company, RequiredIf) and isinstance(address, RequiredIf)
    assert (company.field, company.values, company.then) == (
        "civilTitle",
        ["Société"],
        ["companyDenomination"],
    )
    assert address.then == ["companyCity", "companyCountry", "companyZip"]
    api = hokus.api
    assert (api.connector, api.key_field, api.modes, api.default_mode) == (
        "generic",
        "distributorId",
        ["update_only"],
        "update_only",
    )


# --- Evoliz -----------------------------------------------------------------------------------


def test_evoliz_contacts_columns() -> None:
    contacts = load("evoliz-contacts")
    assert headers(contacts) == [
        "Code client",
        "Civilité",
        "Nom",
        "Prénom",
        "Fonction",
        "Email",
        "Téléphone",
        "Portable",
        "Consentement",
    ]
    assert required(contacts) == {"client_code", "lastname", "consent"}
    email = contacts.field("email")
    assert (email.type, email.recommended) == ("email", True)
    assert email.recommended_reason and email.recommended_reason_en
    assert {"E-mail", "Courriel", "Email address"} <= set(email.aliases)
    assert {"Numéro client", "N° client", "Customer number", "Client ID"} <= set(
        contacts.field("client_code").aliases
    )


def test_evoliz_consent_labels_map_to_the_api_values() -> None:
    contacts = load("evoliz-contacts")
    consent = contacts.field("consent")
    assert consent.type == "choice"
    assert consent.choices == ["Sans consentement", "Autorisé", "Non autorisé"]
    assert contacts.api.value_maps == {
        "consent": {
            "Sans consentement": "without",
            "Autorisé": "authorized",
            "Non autorisé": "unauthorized",
        }
    }


def test_evoliz_contacts_file_rules_and_push() -> None:
    contacts = load("evoliz-contacts")
    assert contacts.file.accepted_formats == ["xlsx", "xls", "csv", "ods"]
    assert contacts.file.column_order is None  # Evoliz matches columns itself
    assert [(type(r).__name__, r.severity) for r in contacts.rules] == [("Unique", "warning")]
    duplicate = contacts.rules[0]
    assert isinstance(duplicate, Unique)
    assert duplicate.fields == ["client_code", "lastname", "firstname", "email"]
    api = contacts.api
    assert (api.connector, api.modes, api.base_url) == (
        "evoliz",
        ["create_only"],
        "https://www.evoliz.io",
    )
    assert set(api.field_names) == {c.id for c in contacts.fields}
    assert api.field_names["client_code"] == "clientid"


def test_evoliz_clients_columns() -> None:
    clients = load("evoliz-clients")
    assert headers(clients) == [
        "Code client",
        "Raison sociale",
        "Type",
        "Forme juridique",
        "Adresse",
        "Complément d'adresse",
        "Code postal",
        "Ville",
        "Pays",
        "SIRET",
        "N° TVA intracommunautaire",
        "Téléphone",
        "Portable",
        "Fax",
        "Email",
        "Site web",
        "Commentaire",
        "IBAN",
        "BIC",
    ]
    assert required(clients) == {"name", "type", "postcode", "town", "country"}
    assert clients.field("type").choices == [
        "Particulier",
        "Professionnel",
        "Administration publique",
    ]
    assert {c.id: c.type for c in clients.fields if c.type != "text"} == {
        "type": "choice",
        "postcode": "postal_code",
        "country": "country",
        "business_number": "siret",
        "vat_number": "vat",
        "phone": "phone",
        "mobile": "phone",
        "fax": "phone",
        "email": "email",
        "iban": "iban",
        "bic": "bic",
    }
    assert clients.field("vat_number").allow_values == ["N/C"]
    assert clients.field("postcode").country_field == "country"
    assert clients.field("country").country_format == "alpha2"


def test_evoliz_clients_key_and_push() -> None:
    clients = load("evoliz-clients")
    assert (clients.file.key, clients.file.key_unique) == (["code"], True)
    assert not clients.field("code").required  # Evoliz generates a code when it is empty
    api = clients.api
    assert (api.connector, api.key_field, api.modes) == ("evoliz", "code", ["create_only"])
    assert api.field_names["country"] == "address.iso2"
    assert set(api.field_names) == {c.id for c in clients.fields} - {"email"}


# --- Flokon -----------------------------------------------------------------------------------


def test_flokon_columns() -> None:
    flokon = load("flokon")
    assert headers(flokon) == [
        "Prénom",
        "Nom",
        "Téléphone",
        "SMS/Appel",
        "Adresse",
        "Adresse Ligne 1",
        "Ville",
        "Code postal",
        "Notes",
        "Identifiant du client",
    ]
    assert required(flokon) == {"phone", "alert_method"}
    phone = flokon.field("phone")
    assert (phone.phone_format, phone.phone_region, flokon.levels_for(phone)) == (
        "nanp_dashes",
        "CA",
        flokon.severity,
    )
    method = flokon.field("alert_method")
    assert method.choices == ["SMS", "appel"]
    assert {"texto", "text"} <= {a.casefold() for a in method.choice_aliases["SMS"]}
    assert {"appeler", "call"} <= {a.casefold() for a in method.choice_aliases["appel"]}
    assert flokon.field("postal_code").type == "postal_code"
    assert (flokon.country, flokon.phone_region) == ("CA", "CA")


def test_flokon_rules_file_and_modes() -> None:
    flokon = load("flokon")
    assert [type(r).__name__ for r in flokon.rules] == [
        "AnyRequired",
        "SmsNeedsMobile",
        "Fallback",
        "Unique",
    ]
    address, sms, fallback, duplicate = flokon.rules
    assert isinstance(address, AnyRequired)
    assert address.groups == [["address"], ["address_line1", "city", "postal_code"]]
    assert isinstance(sms, SmsNeedsMobile)
    assert (sms.method_field, sms.sms_values, sms.phone_field) == ("alert_method", ["SMS"], "phone")
    assert isinstance(fallback, Fallback)
    assert (fallback.field, fallback.source[0]) == ("client_id", "address")
    assert isinstance(duplicate, Unique)
    assert duplicate.severity == "warning"
    assert {"client_id", "address", "phone"} <= set(duplicate.fields)
    assert flokon.file.first_row_is_example
    assert flokon.api.modes == ["replace_all", "upsert_delete_rest", "upsert"]
    assert flokon.api.default_mode == "upsert"


# --- Reveal -----------------------------------------------------------------------------------


def test_reveal_columns_expand_the_repeated_fields() -> None:
    reveal = load("reveal")
    numbered = [
        f"{label} {n}"
        for label in ("Courriel", "Téléphone", "Mobile", "Adresse")
        for n in range(1, 6)
    ]
    assert headers(reveal) == ["Prénom", "Nom de famille", "Entreprise", *numbered]
    assert [c.id for c in reveal.fields][3:8] == ["email1", "email2", "email3", "email4", "email5"]
    assert len(reveal.columns) == 7
    assert required(reveal) == set()
    assert {c.id for c in reveal.fields if c.recommended} == {"mobile1"}
    assert {c.id: c.type for c in reveal.fields if c.id.endswith("3")} == {
        "email3": "email",
        "phone3": "phone",
        "mobile3": "phone",
        "address3": "text",
    }


def test_reveal_aliases_are_numbered_and_bare_ones_go_to_the_first() -> None:
    reveal = load("reveal")
    first, second = reveal.field("email1"), reveal.field("email2")
    assert {"Email 1", "E-mail 1", "Courriel", "Email"} <= set(first.aliases)
    assert "Email 2" in second.aliases
    assert "Courriel" not in second.aliases
    assert all(not re.search(r"\D$", a) for a in second.aliases)  # all end with their number


def test_reveal_file_limits() -> None:
    rules = load("reveal").file
    assert rules.accepted_formats == ["xlsx", "xls", "csv"]
    assert (rules.single_sheet, rules.header_row, rules.unique_headers) == (True, 1, True)
    assert rules.max_rows == 10_000
    assert rules.max_size_bytes == {"csv": 20_000_000, "xls": 10_000_000, "xlsx": 5_000_000}
    assert rules.export.encoding == "utf-8"


def test_reveal_needs_a_name_and_a_phone() -> None:
    reveal = load("reveal")
    assert [(type(r).__name__, r.severity) for r in reveal.rules] == [
        ("AnyRequired", "error"),
        ("AnyRequired", "error"),
    ]
    name, phone = reveal.rules
    assert isinstance(name, AnyRequired) and isinstance(phone, AnyRequired)
    assert name.groups == [["first_name"], ["last_name"]]
    assert phone.groups == [[f"phone{n}"] for n in range(1, 6)] + [
        [f"mobile{n}"] for n in range(1, 6)
    ]
    assert reveal.phone_region == "CA"


# --- Aptimyz ----------------------------------------------------------------------------------

APTIMYZ = [
    ("A", "email", "Email", 0, True),
    ("B", "company_name", "Company Name", 100, False),
    ("C", "account_number", "Account Number", 20, False),
    ("D", "first_name", "First Name", 50, True),
    ("E", "last_name", "Last Name", 50, True),
    ("F", "partner_name", "Partner Name", 50, False),
    ("G", "phone", "Phone", 30, True),
    ("H", "comments", "Comments", 1000, False),
    ("I", "address_label", "Address Label", 255, False),
    ("J", "address_type", "Address Type", 10, False),
    ("K", "address1", "Address 1", 100, False),
    ("L", "address2", "Address 2", 100, False),
    ("M", "city", "City", 100, False),
    ("N", "county", "County/State", 100, False),
    ("O", "postcode", "Postcode/Zip", 10, False),
    ("P", "country", "Country", 0, False),
    ("Q", "account_balance", "Account Balance", 0, False),
    ("R", "discount", "Discount %", 0, False),
    ("S", "loyalty_card", "Loyalty Card", 30, False),
    ("T", "loyalty_points", "Loyalty Points Balance", 0, False),
    ("U", "marketing_allowed", "Marketing Allowed", 0, False),
    ("V", "email_receipt", "Email Receipt", 0, False),
    ("W", "credit_account", "Credit Account", 0, False),
    ("X", "credit_limit", "Credit Limit", 0, False),
    ("Y", "credit_terms", "Credit Terms", 0, False),
]


def test_aptimyz_lettered_columns_a_to_y() -> None:
    aptimyz = load("aptimyz")
    assert [(c.letter, c.id, c.header, c.max_length or 0, c.required) for c in aptimyz.fields] == [
        (letter, id_, header, length or 0, req) for letter, id_, header, length, req in APTIMYZ
    ]
    assert [c.letter for c in aptimyz.fields] == [chr(n) for n in range(ord("A"), ord("Z"))]
    french = {c.letter: c.aliases for c in aptimyz.fields}
    assert "Adresse e-mail" in french["A"]
    assert "Nom de l'entreprise" in french["B"]
    assert "Comté / État" in french["N"]


def test_aptimyz_numbers_flags_and_choices() -> None:
    aptimyz = load("aptimyz")
    decimals = {
        c.id: (c.integer_digits, c.fraction_digits, c.minimum, c.maximum)
        for c in aptimyz.fields
        if c.type == "decimal"
    }
    assert decimals == {
        "account_balance": (9, 2, None, None),  # negative for credit customers
        "discount": (3, 2, 0, 100),
        "credit_limit": (9, 2, 0, None),
    }
    integers = {c.id: (c.minimum, c.maximum) for c in aptimyz.fields if c.type == "integer"}
    assert integers == {"loyalty_points": (None, None), "credit_terms": (0, 999)}
    flags = {c.id: c.default for c in aptimyz.fields if c.type == "flag"}
    assert flags == {"marketing_allowed": "N", "email_receipt": "N", "credit_account": "N"}
    address_type = aptimyz.field("address_type")
    assert address_type.choices == ["Billing", "Shipping"]
    assert "Facturation" in address_type.choice_aliases["Billing"]
    assert "Expédition" in address_type.choice_aliases["Shipping"]
    country = aptimyz.field("country")
    assert (country.type, country.country_format, country.country_accepts) == (
        "country",
        "alpha3",
        ["alpha3"],
    )
    assert aptimyz.field("postcode").country_field == "country"


def test_aptimyz_company_name_is_required_for_credit_accounts() -> None:
    aptimyz = load("aptimyz")
    assert len(aptimyz.rules) == 1
    rule = aptimyz.rules[0]
    assert isinstance(rule, RequiredIf)
    assert (rule.field, rule.values, rule.then, rule.severity) == (
        "credit_account",
        ["Y"],
        ["company_name"],
        "error",
    )


def test_aptimyz_file_and_characters() -> None:
    rules = load("aptimyz").file
    assert rules.accepted_formats == ["csv"]
    assert rules.column_order == "error"
    assert rules.export.format == "csv"
    chars = rules.characters
    assert {"'", '"', "’", "‘", "“", "”", "`"} <= set(chars.forbidden)
    assert set(chars.replacements) == set(chars.forbidden)
    # "tous les autres caractères [...] entraîneront l'échec de l'importation"
    assert (chars.accents, chars.fix_accents, chars.others) == ("error", True, "error")
    assert "," in chars.forbidden and chars.replacements[","] == " "  # unquoted comma CSV
    assert chars.allowed_pattern is not None and chars.allowed_description
    allowed = re.compile(chars.allowed_pattern)
    good = "AZaz09 ()[]-+=&/<>$€£.@_"
    assert [c for c in good if not allowed.fullmatch(c)] == []
    assert [c for c in "#%!?;:*é'\"\\" if allowed.fullmatch(c)] == []


# --- every profile ----------------------------------------------------------------------------


@pytest.mark.parametrize("name", NAMES)
def test_every_column_is_documented_in_both_languages(name: str) -> None:
    profile = load(name)
    assert profile.description and profile.description_en
    assert "\n" not in profile.description
    for column in profile.fields:
        assert column.help and column.help_en, column.id
        assert column.example, column.id
        assert column.aliases, column.id
    for rule in profile.rules:
        if not isinstance(rule, SmsNeedsMobile):
            assert rule.explanation and rule.explanation_en


@pytest.mark.parametrize("name", NAMES)
def test_no_two_columns_share_a_spelling(name: str) -> None:
    owner: dict[str, str] = {}
    clashes = []
    for column in load(name).fields:
        for spelling in [column.header, *column.aliases]:
            first = owner.setdefault(key(spelling), column.id)
            if first != column.id:
                clashes.append((spelling, first, column.id))
    assert clashes == []


@pytest.mark.parametrize("name", NAMES)
def test_choice_spellings_are_unambiguous(name: str) -> None:
    for column in load(name).fields:
        if column.choices is None:
            continue
        owner = {key(c): c for c in column.choices}
        for value, spellings in column.choice_aliases.items():
            for spelling in spellings:
                assert owner.setdefault(key(spelling), value) == value, (column.id, spelling)


FRENCH_COUNTRIES = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["fr"])
PHONE_FORMATS = {
    "e164": phonenumbers.PhoneNumberFormat.E164,
    "international": phonenumbers.PhoneNumberFormat.INTERNATIONAL,
    "national": phonenumbers.PhoneNumberFormat.NATIONAL,
}
POSTAL = {"FR": r"\d{5}", "CA": r"[A-Z]\d[A-Z] \d[A-Z]\d"}


def _country_code(column: Column, value: str) -> str:
    match column.country_format:
        case "alpha2":
            found = pycountry.countries.get(alpha_2=value)
        case "alpha3":
            found = pycountry.countries.get(alpha_3=value)
        case _:
            names = {FRENCH_COUNTRIES.gettext(c.name): c for c in pycountry.countries}
            found = names.get(value)
    assert found is not None, (column.id, value)
    return str(found.alpha_2)


def _check_example(profile: Profile, column: Column, example: str) -> None:
    if column.max_length is not None:
        assert len(example) <= column.max_length
    match column.type:
        case "choice":
            assert example in (column.choices or [])
        case "flag":
            assert example in ("Y", "N")
        case "email":
            assert re.fullmatch(r"[\w.+-]+@[\w-]+(\.[\w-]+)+", example)
        case "date":
            datetime.strptime(example, "%d/%m/%Y")
        case "integer":
            number = int(example)
            assert column.minimum is None or number >= column.minimum
            assert column.maximum is None or number <= column.maximum
        case "decimal":
            digits = rf"-?\d{{1,{column.integer_digits}}}(\.\d{{1,{column.fraction_digits}}})?"
            assert re.fullmatch(digits, example)
            assert column.minimum is None or Decimal(example) >= Decimal(str(column.minimum))
            assert column.maximum is None or Decimal(example) <= Decimal(str(column.maximum))
        case "country":
            _country_code(column, example)
        case "postal_code":
            country = profile.country
            if column.country_field:
                source = profile.field(column.country_field)
                assert source.example is not None
                country = _country_code(source, source.example)
            assert re.fullmatch(POSTAL[country], example)
        case "phone":
            region = column.phone_region or profile.phone_region
            number = phonenumbers.parse(example, region)
            assert phonenumbers.is_valid_number(number)
            if column.phone_format == "nanp_dashes":
                assert re.fullmatch(r"\d{3}-\d{3}-\d{4}", example)
            elif column.phone_format in PHONE_FORMATS:
                wanted = PHONE_FORMATS[column.phone_format]
                assert phonenumbers.format_number(number, wanted) == example


@pytest.mark.parametrize("name", NAMES)
def test_examples_are_what_the_platform_wants(name: str) -> None:
    profile = load(name)
    chars = profile.file.characters
    allowed = re.compile(chars.allowed_pattern) if chars.allowed_pattern else None
    for column in profile.fields:
        example = column.example
        assert example is not None
        _check_example(profile, column, example)
        assert not set(example) & set(chars.forbidden), column.id
        if chars.accents != "allow":
            assert example.isascii(), column.id
        if allowed is not None:
            assert all(allowed.fullmatch(c) for c in example), column.id


@pytest.mark.parametrize("name", NAMES)
def test_every_phone_column_declares_its_format(name: str) -> None:
    phones = [c for c in load(name).fields if c.type == "phone"]
    assert all(c.phone_format is not None for c in phones)


# --- the model's expansion of repeated fields -------------------------------------------------


def test_repeated_column_numbers_its_aliases_and_keeps_bare_ones_for_the_first() -> None:
    column = Column(
        id="mobile{n}",
        header="Mobile {n}",
        type="phone",
        help="Cellulaire",
        aliases=["Cell {n}", "Cellulaire"],
        repeat=3,
        required=True,
        recommended=True,
    )
    expanded = column.expand()
    assert [(c.id, c.header, c.aliases) for c in expanded] == [
        ("mobile1", "Mobile 1", ["Cell 1", "Cellulaire"]),
        ("mobile2", "Mobile 2", ["Cell 2"]),
        ("mobile3", "Mobile 3", ["Cell 3"]),
    ]
    assert [(c.required, c.recommended, c.repeat) for c in expanded] == [
        (True, True, None),
        (False, False, None),
        (False, False, None),
    ]


def test_referenced_fields_lists_every_id_named_outside_its_column() -> None:
    names = load("hokus").referenced_fields()
    assert names.count("distributorId") == 2  # file.key and api.key_field
    assert {"civilTitle", "companyDenomination", "personHomeCountry", "companyCountry"} <= set(
        names
    )


# --- broken profile files ---------------------------------------------------------------------

GOOD = """\
name = "demo"
platform = "Demo"
description = "Démonstration."
description_en = "Demo."
source = "none.txt"

[file]
accepted_formats = ["csv"]

[[columns]]
id = "code"
header = "Code"
help = "Code."

[[columns]]
id = "name"
header = "Nom"
help = "Nom."

[[columns]]
id = "civility"
header = "Civilité"
type = "choice"
choices = ["M.", "Mme"]
help = "Civilité."

[[columns]]
id = "birthdate"
header = "Date de naissance"
type = "date"
help = "Date."

[[rules]]
kind = "required_if"
field = "civility"
values = ["Mme"]
then = ["name"]
explanation = "e"
explanation_en = "e"
"""


def write(tmp_path: Path, text: str, stem: str = "demo") -> Path:
    path = tmp_path / f"{stem}.toml"
    path.write_text(text, encoding="utf-8")
    return path


def fails(path: Path) -> str:
    with pytest.raises(ProfileError) as caught:
        load_profile_file(path)
    message = str(caught.value)
    assert message.startswith(f"{path}: ")
    return message


def test_the_good_demo_loads(tmp_path: Path) -> None:
    profile = load_profile_file(write(tmp_path, GOOD))
    assert [c.id for c in profile.fields] == ["code", "name", "civility", "birthdate"]


def test_invalid_toml_is_reported_with_the_file(tmp_path: Path) -> None:
    message = fails(write(tmp_path, GOOD.replace('header = "Code"', 'header = "Code')))
    assert "not valid TOML" in message
    assert "line 12" in message


def test_missing_file_is_reported(tmp_path: Path) -> None:
    assert "cannot be read" in fails(tmp_path / "absent.toml")


def test_unknown_key_names_the_column(tmp_path: Path) -> None:
    message = fails(write(tmp_path, GOOD.replace('help = "Nom."', 'help = "Nom."\ncolour = 1')))
    assert "columns[1] (name).colour:" in message
    assert "Extra inputs are not permitted" in message


def test_unknown_type_names_the_column_and_key(tmp_path: Path) -> None:
    message = fails(write(tmp_path, GOOD.replace('type = "date"', 'type = "birthday"')))
    assert "columns[3] (birthdate).type:" in message
    assert "'date'" in message  # the allowed values are listed


def test_wrong_value_type_names_the_path(tmp_path: Path) -> None:
    message = fails(
        write(tmp_path, GOOD.replace('help = "Date."', 'help = "Date."\nmax_length = "long"'))
    )
    assert "columns[3] (birthdate).max_length:" in message


def test_choice_without_choices(tmp_path: Path) -> None:
    path = write(tmp_path, GOOD.replace('choices = ["M.", "Mme"]\n', ""))
    assert fails(path) == (
        f"{path}: columns[2] (civility): a 'choice' column needs a non-empty 'choices' list"
    )


def test_choice_alias_for_a_value_that_is_not_a_choice(tmp_path: Path) -> None:
    text = GOOD.replace(
        'help = "Civilité."', 'help = "Civilité."\nchoice_aliases = { Mlle = ["Miss"] }'
    )
    message = fails(write(tmp_path, text))
    assert "columns[2] (civility):" in message
    assert "'Mlle'" in message


def test_rule_naming_an_unknown_column(tmp_path: Path) -> None:
    path = write(tmp_path, GOOD.replace('then = ["name"]', 'then = ["nom"]'))
    assert fails(path) == f"{path}: rules[0] (required_if).then names the unknown column id 'nom'"


def test_rule_with_an_unknown_kind(tmp_path: Path) -> None:
    message = fails(write(tmp_path, GOOD.replace('kind = "required_if"', 'kind = "needed_if"')))
    assert "rules[0]" in message
    assert "needed_if" in message


def test_rule_missing_its_explanation(tmp_path: Path) -> None:
    message = fails(write(tmp_path, GOOD.replace('explanation_en = "e"\n', "")))
    assert "rules[0].explanation_en:" in message
    assert "Field required" in message


def test_country_field_naming_an_unknown_column(tmp_path: Path) -> None:
    text = GOOD.replace(
        'help = "Code."', 'help = "Code."\ntype = "postal_code"\ncountry_field = "pays"'
    )
    message = fails(write(tmp_path, text))
    assert "columns[0] (code).country_field names the unknown column id 'pays'" in message


def test_api_value_map_must_use_the_columns_choices(tmp_path: Path) -> None:
    text = GOOD + '\n[api.value_maps.civility]\n"Madame" = "mrs"\n'
    message = fails(write(tmp_path, text))
    assert "api.value_maps.civility maps 'Madame'" in message


def test_api_names_for_unknown_columns(tmp_path: Path) -> None:
    text = GOOD + '\n[api.field_names]\nemail = "email"\n'
    assert "api.field_names names the unknown column id 'email'" in fails(write(tmp_path, text))


def test_repeated_ids(tmp_path: Path) -> None:
    path = write(tmp_path, GOOD.replace('id = "name"', 'id = "code"'))
    assert fails(path) == f"{path}: column ids are repeated: code"


def test_name_must_match_the_file(tmp_path: Path) -> None:
    message = fails(write(tmp_path, GOOD, stem="other"))
    assert "name: 'demo' must match the file name 'other'" in message


def test_top_level_wrong_type(tmp_path: Path) -> None:
    text = GOOD.replace(
        'accepted_formats = ["csv"]', 'accepted_formats = ["csv"]\nmax_rows = "many"'
    )
    assert "file.max_rows:" in fails(write(tmp_path, text))
