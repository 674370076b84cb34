"""Column matching: which column of another tool's export feeds which field, and why."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from addin.core.mapping import MappingProposal, propose_mapping
from addin.core.profiles import get_profile
from addin.core.resolve import automatic_choices
from addin.core.table import CellValue, FormulaCell, SourceInfo, Table
from addin.shells.cli import app


def _propose(
    headers: list[str], profile: str, rows: list[list[CellValue | FormulaCell]] | None = None
) -> MappingProposal:
    rows = rows or [["x"] * len(headers)]
    table = Table.from_rows(headers, rows, SourceInfo(path="export.csv", kind="csv"))
    return propose_mapping(table, get_profile(profile))


def _fields(proposal: MappingProposal) -> dict[str, tuple[str | None, str]]:
    return {c.column: (c.field, c.reason) for c in proposal.columns}


def test_exact_spelling_and_alias_matches_are_told_apart() -> None:
    found = _fields(_propose(["Prénom", "NOM DE FAMILLE ", "Company"], "reveal"))
    assert found == {
        "Prénom": ("first_name", "exact"),
        "NOM DE FAMILLE ": ("last_name", "spelling"),
        "Company": ("company", "alias"),
    }


def test_google_contacts_numbered_values_feed_reveal_repeats_and_labels_feed_nothing() -> None:
    headers = ["Given Name", "Family Name", "E-mail 1 - Type", "E-mail 1 - Value",
               "E-mail 2 - Type", "E-mail 2 - Value", "Phone 1 - Type", "Phone 1 - Value",
               "Address 1 - Formatted", "Organization 1 - Name"]  # fmt: skip
    found = _fields(_propose(headers, "reveal"))
    assert found["E-mail 1 - Value"] == ("email1", "numbered")
    assert found["E-mail 2 - Value"] == ("email2", "numbered")
    assert found["Phone 1 - Value"] == ("phone1", "numbered")
    assert found["Address 1 - Formatted"] == ("address1", "numbered")
    assert found["Organization 1 - Name"] == ("company", "numbered")
    assert found["E-mail 1 - Type"] == (None, "label")
    assert found["Phone 1 - Type"] == (None, "label")


def test_the_surest_alias_wins_and_the_other_column_says_which_one_took_the_field() -> None:
    proposal = _propose(["Name", "Given Name"], "reveal")
    by_column = {c.column: c for c in proposal.columns}
    assert by_column["Given Name"].field == "first_name"
    assert (by_column["Name"].field, by_column["Name"].reason) == (None, "taken")
    assert by_column["Name"].rival == "Given Name"


def test_several_email_columns_go_to_the_next_free_repeat() -> None:
    found = _fields(_propose(["E-mail Address", "E-mail 2 Address", "E-mail 3 Address"], "reveal"))
    assert [found[h][0] for h in found] == ["email1", "email2", "email3"]


def test_two_columns_never_feed_one_single_field_silently() -> None:
    proposal = _propose(["E-mail Address", "E-mail 2 Address"], "hokus")
    by_column = {c.column: c for c in proposal.columns}
    assert by_column["E-mail Address"].field == "personEmail"
    assert by_column["E-mail 2 Address"].field is None
    assert by_column["E-mail 2 Address"].reason == "taken"


def test_a_close_spelling_is_a_fuzzy_match_with_lower_confidence() -> None:
    proposal = _propose(["Raison socialle"], "evoliz-clients")
    (column,) = proposal.columns
    assert (column.field, column.reason) == ("name", "fuzzy")
    assert 0.5 < column.confidence < 0.9


def test_a_column_of_emails_is_recognised_by_its_content() -> None:
    rows: list[list[CellValue | FormulaCell]] = [
        ["a", f"client{n}@exemple.fr", 1000 + n] for n in range(10)
    ]
    proposal = _propose(["Qui", "Contact principal xyz", "Numéro"], "hokus", rows)
    by_column = {c.column: c for c in proposal.columns}
    assert (
        by_column["Contact principal xyz"].field,
        by_column["Contact principal xyz"].reason,
    ) == (
        "personEmail",
        "content",
    )
    # numbers are not read as Excel date serials by the content match
    assert by_column["Numéro"].field is None


def test_required_fields_without_a_column_are_listed() -> None:
    proposal = _propose(["Prénom"], "evoliz-contacts")
    assert "client_code" in proposal.missing_required


def test_map_json_contract(tmp_path: Path) -> None:
    path = tmp_path / "outlook.csv"
    path.write_text(
        "First Name,Last Name,E-mail Address,Mobile Phone,Business Fax\n"
        "Anne,Roy,anne@exemple.fr,06 12 34 56 78,\n",
        encoding="utf-8",
    )
    result = CliRunner().invoke(app, ["map", str(path), "-p", "reveal", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["profile"] == "reveal"
    assert data["missing_required"] == []
    assert [(m["column"], m["field"], m["reason"]) for m in data["mapping"]] == [
        ("First Name", "first_name", "alias"),
        ("Last Name", "last_name", "alias"),
        ("E-mail Address", "email1", "alias"),
        ("Mobile Phone", "mobile1", "alias"),
        ("Business Fax", None, "none"),
    ]
    assert all(isinstance(m["confidence"], float) for m in data["mapping"])


def test_map_text_output_and_bad_input(tmp_path: Path) -> None:
    path = tmp_path / "contacts.csv"
    path.write_text("Prénom;Courriel\nAnne;anne@exemple.fr\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["map", str(path), "-p", "reveal"])
    assert result.exit_code == 0
    assert "« Courriel 1 »" in result.stdout
    missing = CliRunner().invoke(app, ["map", str(tmp_path / "absent.csv"), "-p", "reveal"])
    assert missing.exit_code == 2


def _field_list(
    headers: list[str], profile: str, rows: list[list[CellValue | FormulaCell]] | None = None
) -> list[str | None]:
    return [c.field for c in _propose(headers, profile, rows).columns]


def test_a_qualifier_is_set_aside_to_find_the_field_and_the_business_group_comes_first() -> None:
    headers = ["Home City", "Business City", "Ville (domicile)", "Ville (bureau)"]
    assert _field_list(headers[:2], "evoliz-clients") == [None, "town"]
    assert _field_list(headers[2:], "evoliz-clients") == [None, "town"]
    # Hokus is about persons: the home group feeds the person, the business one the company
    assert _field_list(headers[:2], "hokus") == ["personHomeCity", "companyCity"]


def test_address_parts_without_a_group_take_the_group_of_the_address_before_them() -> None:
    headers = [
        "Adresse privée",
        "Ville",
        "Code postal",
        "Adresse professionnelle",
        "Ville",
        "Code postal",
    ]
    assert _field_list(headers, "evoliz-clients") == [
        None,
        None,
        None,
        "address",
        "town",
        "postcode",
    ]
    proposal = _propose(headers, "evoliz-clients")
    assert [c.qualifier for c in proposal.columns] == ["home"] * 3 + ["work"] * 3


def test_a_list_of_companies_feeds_its_name_to_the_company_never_to_a_person() -> None:
    headers = ["Nom", "SIRET", "Ville"]
    assert _field_list(headers, "reveal")[0] == "company"
    assert _field_list(headers, "hokus")[0] == "companyDenomination"
    assert _field_list(headers, "evoliz-contacts")[0] is None
    # with a first name, the same "Nom" is a person's
    assert _field_list(["Nom", "Prénom", "SIRET"], "reveal")[:2] == ["last_name", "first_name"]


def test_a_street_next_to_a_city_is_a_part_and_alone_a_whole_address() -> None:
    parts = ["Adresse", "Code postal", "Ville"]
    assert _field_list(parts, "reveal") == [None, None, None]  # joined later (resolve)
    assert _field_list(parts, "flokon") == ["address_line1", "postal_code", "city"]
    assert _field_list(["Adresse"], "flokon") == ["address"]
    assert _field_list(["Adresse 1", "Adresse 2"], "evoliz-clients") == ["address", None]


def test_camel_case_snake_case_and_a_prefix_shared_by_the_headers() -> None:
    hokus_row: list[list[CellValue | FormulaCell]] = [["claire@exemple.fr", "Mme"]]
    assert _field_list(["personEmail", "civilTitle"], "evoliz-contacts", hokus_row) == [
        "email",
        "civility",
    ]
    headers = ["client_first_name", "client_zip", "client_email"]
    assert _field_list(headers, "aptimyz") == ["first_name", "postcode", "email"]


def test_flokon_takes_a_mobile_as_the_number_to_alert() -> None:
    headers = ["Business Phone", "Mobile Phone", "Home Phone"]
    assert _field_list(headers, "flokon") == [None, "phone", None]
    assert _field_list(headers, "evoliz-clients") == ["phone", "mobile", None]


def test_a_bare_number_is_not_a_phone_by_its_cells() -> None:
    rows: list[list[CellValue | FormulaCell]] = [["812345676"], ["798654323"], ["552100554"]]
    assert _field_list(["Identifiant"], "reveal", rows) == [None]
    written: list[list[CellValue | FormulaCell]] = [["418-555-0134"], ["+1 514 555 0142"]]
    assert _field_list(["Joindre"], "reveal", written) == ["phone1"]


def _mapped(
    headers: list[str], profile: str, rows: list[list[CellValue | FormulaCell]]
) -> dict[str, tuple[str | None, str, str | None]]:
    proposal = _propose(headers, profile, rows)
    return {c.column: (c.field, c.reason, c.evidence) for c in proposal.columns}


def test_an_empty_column_gives_way_to_a_filled_one_for_the_same_field() -> None:
    """Zoho: the billing group comes first, but its « Billing Phone » is empty everywhere."""
    rows: list[list[CellValue | FormulaCell]] = [
        ["+33 1 42 68 53 00", None],
        ["04 74 21 33 10", ""],
    ]
    found = _mapped(["Phone", "Billing Phone"], "evoliz-clients", rows)
    assert found == {
        "Phone": ("phone", "alias", None),
        "Billing Phone": (None, "taken", "empty"),
    }
    # both filled: the business group first, as before
    full = _mapped(["Phone", "Billing Phone"], "evoliz-clients", [["01 42 68 53 00"] * 2])
    assert full["Billing Phone"][0] == "phone"


def test_a_grouped_code_of_postal_codes_is_the_postal_code_not_the_client_code() -> None:
    headers = ["Customer ID", "Billing Street", "Billing City", "Billing Code"]
    rows: list[list[CellValue | FormulaCell]] = [
        ["2341870000000071001", "12 rue de la Roquette", "Paris", "75011"],
        ["2341870000000071019", "999 rue Exemple", "Montréal", "H3Z 2Y7"],
    ]
    clients = _mapped(headers, "evoliz-clients", rows)
    assert clients["Customer ID"] == ("code", "alias", None)
    assert clients["Billing Code"] == ("postcode", "content", "postal-codes")
    # a profile without a postal code: the column feeds nothing, and says why
    contacts = _mapped(headers, "evoliz-contacts", rows)
    assert contacts["Billing Code"] == (None, "none", "postal-codes")
    # the cells decide: client codes under the same header stay a client code
    codes = [[None, "12 rue X", "Paris", "C-0042"], [None, "3 place Y", "Lyon", "C-0043"]]
    assert _mapped(headers[1:], "evoliz-clients", [r[1:] for r in codes])["Billing Code"][0] == (
        "code"
    )


def test_a_column_of_yes_no_cells_is_never_an_address() -> None:
    """Wave's ``shipping_address`` says whether a shipping address is given."""
    headers = ["customer_name", "shipping_address", "shipping_city"]
    rows: list[list[CellValue | FormulaCell]] = [
        ["Atelier Durand", "False", ""],
        ["Boulangerie Lefèvre", "True", "Bourg-en-Bresse"],
    ]
    found = _mapped(headers, "reveal", rows)
    assert found["shipping_address"] == (None, "label", "flags")
    _, choices, _ = automatic_choices(
        Table.from_rows(headers, rows, SourceInfo(path="wave.csv", kind="csv")),
        get_profile("reveal"),
    )
    assert choices[1] is None, "never joined into an address"


def test_other_tools_own_words_for_known_fields() -> None:
    wave = _field_list(["contact_first_name", "contact_last_name", "email"], "reveal")
    assert wave == ["first_name", "last_name", "email1"]
    gmail = _field_list(["Name", "Section 1 - Phone", "Section 1 - Mobile"], "evoliz-clients")
    assert gmail[1:] == ["phone", "mobile"]
    colleague = _field_list(
        ["Nom du client", "Prénom", "Tél. portable", "Tél. fixe", "CP", "Ville"], "reveal"
    )
    assert colleague == ["last_name", "first_name", "mobile1", "phone1", None, None]
    crm = _field_list(
        ["Account Name", "Référence", "Billing Address City", "Person - Phone - Mobile"],
        "evoliz-clients",
    )
    assert crm == ["name", "code", "town", "mobile"]
    assert _field_list(["Associated Company", "Email"], "hokus")[0] == "companyDenomination"


def test_the_fields_own_header_keeps_its_column_whatever_the_cells() -> None:
    """« Téléphone » holding TRUE is a phone column with a wrong value, which validate then
    reports (as CI_CHECK does); only a header found by another name gives way to its cells."""
    rows: list[list[CellValue | FormulaCell]] = [["TRUE"], ["FALSE"]]
    assert _mapped(["Téléphone"], "flokon", rows)["Téléphone"] == ("phone", "exact", None)


def _fed_by(export: str | Path, profile: str) -> dict[str, list[str]]:
    """``map --json`` on an export (a fixture's name, or a path): column → the fields it feeds."""
    path = (
        Path(__file__).parent / "fixtures" / "exports" / export
        if isinstance(export, str)
        else export
    )
    done = CliRunner().invoke(app, ["map", str(path), "-p", profile, "--json"])
    assert done.exit_code == 0, done.output
    return {entry["column"]: entry["fields"] for entry in json.loads(done.stdout)["mapping"]}


def test_thunderbirds_home_and_work_postal_codes_join_their_addresses() -> None:
    """Thunderbird writes « Home ZipCode »: one word, a postal code all the same (issue 18)."""
    fed = _fed_by("thunderbird.csv", "reveal")
    assert fed["Home ZipCode"] == fed["Home Address"] == fed["Home City"] == ["address1"]
    assert fed["Work ZipCode"] == fed["Work Address"] == fed["Work Address 2"] == ["address2"]


def test_a_second_street_line_stays_in_its_address(tmp_path: Path) -> None:
    """« Street 2 » and FreshBooks' « Address Line 2 » are the street's second line, not a second
    address; « Address 2 - City » still numbers an address."""
    fed = _fed_by("freshbooks-clients.csv", "reveal")
    parts = ["Address Line 1", "Address Line 2", "Postal Code", "City", "Country"]
    assert [fed[part] for part in parts] == [["address1"]] * len(parts)
    streets = tmp_path / "streets.csv"
    streets.write_text(
        "Organization,Street,Street 2,City,Postal Code\nAtelier,1 rue A,Bât. B,Lyon,69001\n",
        encoding="utf-8",
    )
    fed = _fed_by(streets, "reveal")
    assert fed["Street"] == fed["Street 2"] == fed["Postal Code"] == fed["City"] == ["address1"]
    numbered = tmp_path / "numbered.csv"
    numbered.write_text(
        "First Name,Address 1 - Street,Address 1 - City,Address 2 - Street,Address 2 - City\n"
        "Anne,1 rue A,Lyon,2 rue B,Paris\n",
        encoding="utf-8",
    )
    fed = _fed_by(numbered, "reveal")
    assert fed["Address 1 - City"] == ["address1"] and fed["Address 2 - City"] == ["address2"]
