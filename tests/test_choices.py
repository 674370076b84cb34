"""Joins, splits and stored choices: what the checks see when columns do not match one to one.

The end-to-end tests write the mapping sheet with the real command, edit it as a user would
in Excel (openpyxl), and check that validation and export follow the edit.
"""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from addin.core.choices import SPLIT_ADDRESS, SPLIT_NAME, choice_labels, label_of, plan_feeds
from addin.core.engine import validate, validate_values
from addin.core.profiles import get_profile
from addin.core.resolve import automatic_choices, resolve
from addin.core.splits import split_address, split_name
from addin.core.table import SourceInfo, StoredEntry, StoredMapping, Table
from addin.shells.cli import app
from addin.usecases.exporting import export_file
from addin.usecases.validation import validate_file
from tests.user_workbooks import write_rows

runner = CliRunner()


def table(
    headers: list[str], rows: list[list[object]], mapping: StoredMapping | None = None
) -> Table:
    built = Table.from_rows(headers, rows, SourceInfo(path="t.xlsx", kind="xlsx", sheet="Feuil1"))  # type: ignore[arg-type]
    built.mapping = mapping
    return built


def stored(profile: str, **labels: str) -> StoredMapping:
    entries = tuple(
        StoredEntry(column, chr(65 + n), label) for n, (column, label) in enumerate(labels.items())
    )
    return StoredMapping(profile, "Feuil1", entries)


# --- splitting one cell -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "first", "last"),
    [
        ("Marie Tremblay", "Marie", "Tremblay"),
        ("DUPONT Jean", "Jean", "DUPONT"),
        ("Jean-Pierre DE LA FONTAINE", "Jean-Pierre", "DE LA FONTAINE"),
        ("Tremblay, Marie", "Marie", "Tremblay"),
        ("Jean-Pierre de la Fontaine", "Jean-Pierre", "de la Fontaine"),
        ("  Marie   Tremblay ", "Marie", "Tremblay"),
        ("Cher", None, "Cher"),
    ],
)
def test_a_whole_name_splits_the_way_french_forms_write_it(
    text: str, first: str | None, last: str | None
) -> None:
    assert split_name(text) == {"first": first, "last": last}


@pytest.mark.parametrize(
    ("text", "street", "postal", "city"),
    [
        ("12 rue de la Paix, 75002 Paris", "12 rue de la Paix", "75002", "Paris"),
        ("5 av. Foch 69006 Lyon", "5 av. Foch", "69006", "Lyon"),
        ("999 Rue exemple, Québec, QC, G1P 0A0", "999 Rue exemple", "G1P 0A0", "Québec"),
        (
            "350 boul. Charest Est, Québec (Québec) G1K 3H5",
            "350 boul. Charest Est",
            "G1K 3H5",
            "Québec",
        ),
        ("Rue Neuve 1, 1000 Bruxelles", "Rue Neuve 1", "1000", "Bruxelles"),
        ("1 place Y, 92000 Nanterre Cedex", "1 place Y", "92000", "Nanterre"),
        ("12 rue X\n75001 Paris", "12 rue X", "75001", "Paris"),
        ("1234 Main Street", "1234 Main Street", None, None),
        ("12 rue X", "12 rue X", None, None),
    ],
)
def test_a_whole_address_splits_around_its_postal_code(
    text: str, street: str, postal: str | None, city: str | None
) -> None:
    assert split_address(text) == {"street": street, "postal_code": postal, "city": city}


# --- from choices to feeds ------------------------------------------------------------------


def test_typed_fields_chosen_twice_are_a_conflict_and_texts_are_joined() -> None:
    reveal = get_profile("reveal")
    plan = plan_feeds(["email1", "email1", "address1", "address1", None], reveal)
    assert [(f.field.id, f.sources, f.separator) for f in plan.feeds] == [
        ("address1", (2, 3), ", ")
    ]
    assert [(c.field.id, c.sources) for c in plan.conflicts] == [("email1", (0, 1))]
    assert plan.unused == [0, 1]
    assert plan.skipped == [4]


def test_a_column_chosen_for_a_field_wins_over_a_split_part_of_it() -> None:
    contacts = get_profile("evoliz-contacts")
    plan = plan_feeds([SPLIT_NAME, "firstname"], contacts)
    assert [(f.field.id, f.sources, f.part) for f in plan.feeds] == [
        ("lastname", (0,), "last"),
        ("firstname", (1,), None),
    ]


def test_the_dropdown_offers_skip_every_field_and_the_splits_the_profile_has() -> None:
    flokon = get_profile("flokon")
    labels = choice_labels(flokon, "fr")
    assert next(iter(labels)) == "(ne pas importer)"
    assert labels["Prénom + Nom (découper le nom complet)"] == SPLIT_NAME
    assert labels["Adresse Ligne 1 + Code postal + Ville (découper l'adresse)"] == SPLIT_ADDRESS
    assert [c for c in labels.values() if c not in (None, SPLIT_NAME, SPLIT_ADDRESS)] == [
        c.id for c in flokon.fields
    ]
    assert SPLIT_ADDRESS not in choice_labels(get_profile("reveal"), "en").values()
    assert label_of(None, flokon, "en") == "(do not import)"


# --- the automatic mapping: joins, splits, hints ---------------------------------------------


def test_address_parts_of_each_address_are_joined_into_the_next_free_reveal_address() -> None:
    t = table(
        [
            "Name",
            "Business Street",
            "Business City",
            "Business Postal Code",
            "Home Street",
            "Home City",
            "Other City",
            "Mobile Phone",
        ],
        [
            [
                "Marie Tremblay",
                "999 Rue exemple",
                "Québec",
                "G1P 0A0",
                "1 rue B",
                "Lévis",
                "X",
                "+1 581-555-0199",
            ]
        ],
    )
    reveal = get_profile("reveal")
    _, choices, notes = automatic_choices(t, reveal)
    assert choices == [
        "first_name",
        "address1",
        "address1",
        "address1",
        "address2",
        "address2",
        None,
        "mobile1",
    ]
    # Reveal takes a whole name as a first name; splitting it is offered, not done
    assert notes == {
        0: "split-name",
        1: "joined",
        2: "joined",
        3: "joined",
        4: "joined",
        5: "joined",
    }
    report, values = validate_values(t, reveal)
    assert values["address1"] == ["999 Rue exemple, Québec, G1P 0A0"]
    assert values["address2"] == ["1 rue B, Lévis"]
    # the lone "Other City" (no street) is not an address: it is reported as unused
    assert [(i.code, i.column) for i in report.issues] == [("unknown-column", "Other City")]


def test_whole_addresses_are_split_when_the_profile_keeps_their_parts_apart() -> None:
    t = table(
        ["Code client", "Raison sociale", "Adresse"],
        [
            ["C1", "Alpha", "12 rue de la Paix, 75002 Paris"],
            ["C2", "Beta", "5 av. Foch 69006 Lyon"],
            ["C3", "Gamma", "3 quai Ouest, 3100 Gand"],
        ],
    )
    clients = get_profile("evoliz-clients")
    _, choices, notes = automatic_choices(t, clients)
    assert choices == ["code", "name", SPLIT_ADDRESS]
    assert notes == {2: "split"}
    report, values = validate_values(t, clients)
    assert values["address"] == ["12 rue de la Paix", "5 av. Foch", "3 quai Ouest"]
    assert values["postcode"] == ["75002", "69006", None]  # 3100 is no French postal code
    assert values["town"] == ["Paris", "Lyon", "Gand"]
    # the invalid postal code is reported in the user's column C, without a fix to write there
    [bad] = [i for i in report.issues if i.field == "postcode"]
    assert (bad.row, bad.position, bad.column, bad.suggestion) == (4, 2, "Adresse", None)


def test_whole_names_are_pointed_out_but_split_only_on_the_users_word() -> None:
    contacts = get_profile("evoliz-contacts")
    headers = ["Code client", "Nom complet", "Email", "Consentement"]
    rows: list[list[object]] = [
        ["C1", "Marie Tremblay", "marie@exemple.fr", "Autorisé"],
        ["C2", "DUPONT Jean", None, "Autorisé"],
    ]
    _, choices, notes = automatic_choices(table(headers, rows), contacts)
    assert SPLIT_NAME not in choices
    assert notes[1] == "split-name"

    confirmed = stored(
        "evoliz-contacts",
        **{
            "Code client": "Code client",
            "Nom complet": label_of(SPLIT_NAME, contacts),
            "Email": "Email",
        },
    )
    report, values = validate_values(table(headers, rows, confirmed), contacts)
    assert values["firstname"] == ["Marie", "Jean"]
    assert values["lastname"] == ["Tremblay", "DUPONT"]
    assert not [i for i in report.issues if i.severity == "error"]


# --- the stored mapping ------------------------------------------------------------------------


def test_the_stored_mapping_replaces_the_automatic_one_and_says_what_it_cannot_follow() -> None:
    reveal = get_profile("reveal")
    headers = ["Prénom", "Nom de famille", "Tél. perso", "Courriel", "Courriel bis", "Note"]
    rows: list[list[object]] = [["Marie", "Tremblay", "418 555 0134", "a@b.ca", "c@d.ca", "x"]]
    assert resolve(table(headers, rows), reveal).choices[2] is None

    mapping = stored(
        "reveal",
        **{
            "Prénom": "Prénom",
            "Nom de famille": "(ne pas importer)",
            "Tél. perso": "mobile 1",  # typed by hand, other case: still a field
            "Courriel": "Courriel 1",
            "Courriel bis": "Courriel 1",
        },
    )
    t = table([*headers, "Ajoutée après"], [[*rows[0], "y"]], mapping)
    t_report, values = validate_values(t, reveal)
    assert values["mobile1"] == ["+1 418-555-0134"]
    assert values["last_name"] == [None]
    codes = [(i.code, i.severity) for i in t_report.issues]
    assert ("mapping-conflict", "error") in codes  # two columns for one e-mail: none is read
    assert values["email1"] == [None]
    assert ("mapping-unlisted-ignored", "warning") in codes  # "Note" and "Ajoutée après"
    # a column left out on purpose is not reported as unknown
    assert "Nom de famille" not in [i.column for i in t_report.issues if i.code == "unknown-column"]
    messages = [i.message("fr") for i in t_report.issues if i.code == "mapping-conflict"]
    assert messages == [
        "Les colonnes D (« Courriel »), E (« Courriel bis ») sont toutes associées à "
        "« Courriel 1 », qui ne prend qu'une valeur : aucune n'est lue. Dans la feuille de "
        "correspondance, gardez « Courriel 1 » pour une seule colonne et choisissez "
        "« (ne pas importer) » ou un autre champ pour les autres."
    ]


def test_a_label_that_is_no_field_is_reported_and_the_column_left_out() -> None:
    reveal = get_profile("reveal")
    mapping = stored("reveal", **{"Prénom": "Prénom", "Tel": "Fax"})
    report = validate(table(["Prénom", "Tel"], [["Marie", "418 555 0134"]], mapping), reveal)
    [unknown] = [i for i in report.issues if i.code == "mapping-unknown-label"]
    assert unknown.message("fr").startswith(
        "Dans la feuille de correspondance, « Fax » (colonne « Tel ») n'est pas un champ de "
        "Reveal Field"
    )


def test_a_mapping_made_for_another_profile_is_not_used() -> None:
    reveal = get_profile("reveal")
    mapping = stored("flokon", **{"Prénom": "(ne pas importer)"})
    resolved = resolve(table(["Prénom"], [["Marie"]], mapping), reveal)
    assert (resolved.origin, resolved.choices, resolved.other_profile) == (
        "automatic",
        ["first_name"],
        "flokon",
    )


def test_a_renamed_column_keeps_the_choice_made_at_its_letter() -> None:
    reveal = get_profile("reveal")
    mapping = stored("reveal", **{"Prénom": "Prénom", "Cell": "Mobile 1"})
    resolved = resolve(
        table(["Prénom", "Cellulaire perso"], [["Marie", "418 555 0134"]], mapping), reveal
    )
    assert resolved.choices == ["first_name", "mobile1"]
    assert resolved.stored is not None and resolved.stored.unlisted == []


# --- end to end: the real command, the sheet edited as in Excel -----------------------------


def _choose(path: Path, column: str, label: str) -> None:
    """What a user does in Excel: pick another label in the mapping sheet's dropdown."""
    book = openpyxl.load_workbook(path)
    sheet = book["CI_Correspondance"]
    for row in sheet.iter_rows(min_row=7):
        if row[0].value == column:
            row[2].value = label
            break
    else:
        raise AssertionError(f"{column} is not in the mapping sheet")
    book.save(path)


def test_validation_and_export_follow_an_edit_of_the_mapping_sheet(tmp_path: Path) -> None:
    path = write_rows(
        tmp_path / "contacts.xlsx",
        ["Prénom", "Nom", "Perso", "Adresse e-mail"],
        [
            ["Marie", "Tremblay", "581 555 0199", "marie@exemple.ca"],
            ["Luc", "Roy", "pas de numéro", "luc@exemple.ca"],
        ],
        sheet="Contacts",
    )
    result = runner.invoke(app, ["map", str(path), "-p", "reveal", "--write"])
    assert result.exit_code == 0, result.output
    assert "Feuille de correspondance écrite" in result.output

    before = validate_file(path, get_profile("reveal"))
    # nothing matched "Perso": the sheet says "(ne pas importer)", so it is neither read nor
    # reported as unknown (the user has seen it in the sheet)
    assert not [i for i in before.issues if i.column == "Perso"]

    _choose(path, "Perso", "Mobile 1")
    after = validate_file(path, get_profile("reveal"))
    # a national number is taken by Reveal (its head office's country): only the non-number
    assert [(i.code, i.row, i.position) for i in after.issues if i.column == "Perso"] == [
        ("invalid-phone", 3, 2),
    ]
    # the profile is the mapping's when none is given
    assert validate_file(path, None).profile.name == "reveal"

    out = tmp_path / "reveal.xlsx"
    export_file(path, get_profile("reveal"), out)
    sent = openpyxl.load_workbook(out).active
    assert sent is not None
    rows = list(sent.iter_rows(values_only=True))
    mobile = rows[0].index("Mobile 1")
    assert [r[mobile] for r in rows[1:]] == ["+1 581-555-0199"]  # Luc's row is held back

    listing = runner.invoke(app, ["map", str(path), "-p", "reveal"])
    assert "Correspondance enregistrée dans le classeur" in listing.output
    assert "votre choix dans la feuille de correspondance" in listing.output


def test_writing_the_sheet_again_keeps_the_users_choices(tmp_path: Path) -> None:
    path = write_rows(
        tmp_path / "c.xlsx", ["Prénom", "Perso"], [["Marie", "581 555 0199"]], sheet="Contacts"
    )
    assert runner.invoke(app, ["map", str(path), "-p", "reveal", "--write"]).exit_code == 0
    _choose(path, "Perso", "Mobile 2")
    assert runner.invoke(app, ["map", str(path), "-p", "reveal", "--write"]).exit_code == 0
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["Contacts", "CI_Correspondance"]
    labels = {
        r[0]: r[2] for r in book["CI_Correspondance"].iter_rows(min_row=7, values_only=True) if r[0]
    }
    assert labels == {"Prénom": "Prénom", "Perso": "Mobile 2"}


def test_a_whole_name_split_chosen_in_the_sheet_reaches_the_export(tmp_path: Path) -> None:
    contacts = get_profile("evoliz-contacts")
    path = write_rows(
        tmp_path / "contacts.xlsx",
        ["Code client", "Nom complet", "Email", "Consentement"],
        [
            ["C1", "Marie Tremblay", "marie@exemple.fr", "Autorisé"],
            ["C2", "DUPONT Jean", "jean@exemple.fr", "Non autorisé"],
        ],
        sheet="Contacts",
    )
    assert runner.invoke(app, ["map", str(path), "-p", "evoliz-contacts", "--write"]).exit_code == 0
    listing = runner.invoke(app, ["map", str(path), "-p", "evoliz-contacts"]).output
    assert "nom complet : choisissez « Prénom + Nom (découper le nom complet) »" in listing
    _choose(path, "Nom complet", label_of(SPLIT_NAME, contacts))
    out = tmp_path / "evoliz.xlsx"
    export_file(path, contacts, out)
    sent = openpyxl.load_workbook(out).active
    assert sent is not None
    rows = list(sent.iter_rows(values_only=True))
    first, last = rows[0].index("Prénom"), rows[0].index("Nom")
    assert [(r[first], r[last]) for r in rows[1:]] == [("Marie", "Tremblay"), ("Jean", "DUPONT")]


def test_a_file_for_one_platform_is_exported_for_another_through_the_mapping(
    tmp_path: Path,
) -> None:
    """An Evoliz contacts file (its own template's headers) becomes a Reveal import."""
    path = write_rows(
        tmp_path / "evoliz-contacts.xlsx",
        ["Code client", "Civilité", "Nom", "Prénom", "Fonction", "Email", "Téléphone", "Portable"],
        [
            [
                "C1",
                "Mme",
                "Tremblay",
                "Marie",
                "Gérante",
                "marie@exemple.ca",
                "418 555 0134",
                "581 555 0199",
            ]
        ],
        sheet="Contacts",
    )
    out = tmp_path / "reveal.xlsx"
    result = export_file(path, get_profile("reveal"), out)
    assert not result.plan.held_back
    sent = openpyxl.load_workbook(out).active
    assert sent is not None
    header, row = list(sent.iter_rows(values_only=True))
    got = {h: v for h, v in zip(header, row, strict=True) if v}
    assert got == {
        "Prénom": "Marie",
        "Nom de famille": "Tremblay",
        "Courriel 1": "marie@exemple.ca",
        "Téléphone 1": "+1 418-555-0134",
        "Mobile 1": "+1 581-555-0199",
    }


def test_parts_of_an_address_already_given_whole_are_not_joined_again() -> None:
    """Google Contacts: "Address 1 - Formatted" feeds Reveal's address 1 as it is; its street
    and city columns are not glued into another address, while address 2's parts are."""
    t = table(
        [
            "Address 1 - Formatted",
            "Address 1 - Street",
            "Address 1 - City",
            "Address 2 - Street",
            "Address 2 - City",
            "Address 2 - Postal Code",
            "Adresse de messagerie",
            "Rue (bureau)",
            "Rue (bureau) 2",
            "Dép/Région (bureau)",
        ],
        [
            [
                "1 rue A, Québec",
                "1 rue A",
                "Québec",
                "2 rue B",
                "Lévis",
                "G6V 4Z2",
                "a@b.ca",
                "3 rue C",
                "bureau 4",
                "QC",
            ]
        ],
    )
    _, choices, _ = automatic_choices(t, get_profile("reveal"))
    # the e-mail column (an alias or not, depending on the profile) is never an address part
    assert choices[6] is None or choices[6].startswith("email")
    assert choices[:6] + choices[7:] == [
        "address1",
        None,
        None,
        "address2",
        "address2",
        "address2",
        "address3",
        "address3",
        "address3",
    ]


def test_the_mapping_sheet_is_written_to_an_existing_copy_only_with_force(tmp_path: Path) -> None:
    path = write_rows(tmp_path / "c.xlsx", ["Prénom"], [["Marie"]], sheet="Contacts")
    copy = tmp_path / "copie.xlsx"
    copy.write_bytes(b"keep")
    refused = runner.invoke(app, ["map", str(path), "-p", "reveal", "--write", "-o", str(copy)])
    assert refused.exit_code == 2
    assert "existe déjà" in refused.output
    assert copy.read_bytes() == b"keep"
    forced = ["map", str(path), "-p", "reveal", "--write", "-o", str(copy), "--force"]
    assert runner.invoke(app, forced).exit_code == 0
    assert openpyxl.load_workbook(copy).sheetnames == ["Contacts", "CI_Correspondance"]


SHAPE = Path(__file__).parent / "fixtures" / "shape"


def test_commands_find_the_header_under_a_title_and_say_so() -> None:
    report = validate_file(SHAPE / "export-clients-cp1252.csv", None)
    assert report.source.header_row == 3
    assert report.source.preamble == ["Export des clients — 12/03/2025"]
    shown = runner.invoke(app, ["validate", str(SHAPE / "export-clients-cp1252.csv")]).output
    assert "Les en-têtes sont sur la ligne 3" in " ".join(shown.split())


def test_a_file_without_headers_needs_a_profile_and_is_mapped_by_content() -> None:
    refused = runner.invoke(app, ["validate", str(SHAPE / "contacts-sans-entetes.csv")])
    assert refused.exit_code == 2
    assert "n'a pas de ligne d'en-têtes : précisez --profile" in refused.output
    listing = runner.invoke(
        app, ["map", str(SHAPE / "contacts-sans-entetes.csv"), "-p", "evoliz-contacts"]
    ).output
    assert "Colonne C" in listing
    assert "« Email »" in listing
    assert "d'après le contenu des cellules" in listing


def test_a_profile_with_one_address_given_by_its_parts_gets_no_second_joined_address() -> None:
    t = table(
        ["Business Street", "Business City", "Business Postal Code", "Home Street", "Home City"],
        [["999 Rue exemple", "Québec", "G1P 0A0", "1 rue B", "Lévis"]],
    )
    _, choices, _ = automatic_choices(t, get_profile("flokon"))
    assert choices == ["address_line1", "city", "postal_code", None, None]
