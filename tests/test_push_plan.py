"""Records built from the valid rows, and what each import mode will do with them."""

from __future__ import annotations

from addin.core.export import plan_export
from addin.core.profiles import get_profile
from addin.core.push_plan import OutgoingRow, fingerprint, key_labels, outgoing_rows, preview
from addin.core.table import SourceInfo, Table


def _table(headers: list[str], rows: list[list[object]]) -> Table:
    return Table.from_rows(headers, rows, SourceInfo(path="t.csv", kind="csv"))  # type: ignore[arg-type]


def test_records_carry_the_platforms_names_mapped_values_and_the_key() -> None:
    contacts = get_profile("evoliz-contacts")
    table = _table(
        ["Code client", "Nom", "Prénom", "Email", "Consentement", "Portable"],
        [
            ["C1", "Tremblay", "Marie", "marie@exemple.fr", "Autorisé", ""],
            ["C2", "", "Luc", "pas-un-email", "Autorisé", ""],  # errors: never a record
        ],
    )
    plan = plan_export(table, contacts)
    [row] = outgoing_rows(plan, contacts)
    assert row.row == 2
    assert row.fields == {
        "clientid": "C1",
        "lastname": "Tremblay",
        "firstname": "Marie",
        "email": "marie@exemple.fr",
        "consent": "authorized",
    }
    assert row.key == "C1|marie@exemple.fr"  # a contact is its client's code and its e-mail


def test_a_key_with_a_blank_part_becomes_the_rows_fingerprint() -> None:
    """A contact without e-mail is no "C1|" record: its own values identify it (and the
    connector refuses it for the missing e-mail)."""
    contacts = get_profile("evoliz-contacts")
    table = _table(
        ["Code client", "Nom", "Prénom", "Email", "Consentement", "Profil"],
        [["C1", "Tremblay", "Marie", "", "Autorisé", ""]],
    )
    [row] = outgoing_rows(plan_export(table, contacts), contacts)
    assert row.key.startswith("empreinte-")


def test_the_key_is_the_profiles_key_field() -> None:
    hokus = get_profile("hokus")
    plan = plan_export(_table(["distributorId", "personEmail"], [["D-1", "a@b.fr"]]), hokus)
    assert [(r.key, r.fields) for r in outgoing_rows(plan, hokus)] == [
        ("D-1", {"distributorId": "D-1", "personEmail": "a@b.fr"})
    ]


def test_a_fingerprint_depends_on_the_values_not_their_order() -> None:
    assert fingerprint({"a": "1", "b": "2"}) == fingerprint({"b": "2", "a": "1"})
    assert fingerprint({"a": "1"}) != fingerprint({"a": "2"})


ROWS = [
    OutgoingRow(2, "K1", {"name": "Alpha"}),
    OutgoingRow(3, "K2", {"name": "Beta"}),
    OutgoingRow(4, "K3", {"name": "Gamma"}),
    OutgoingRow(5, "K1", {"name": "Alpha bis"}),
]
REMOTE = {"K1": {"name": "Alpha", "id": "9"}, "K2": {"name": "Old"}, "K9": {"name": "Z"}}


def test_each_mode_previews_what_it_will_do() -> None:
    upsert = preview(ROWS, REMOTE, "upsert")
    assert (upsert.create, upsert.update, upsert.unchanged, upsert.delete, upsert.repeated) == (
        ["K3"],
        ["K2"],
        ["K1"],
        [],
        ["K1"],
    )
    rest = preview(ROWS, REMOTE, "upsert_delete_rest")
    assert rest.delete == ["K9"]
    only_update = preview(ROWS, REMOTE, "update_only")
    assert (only_update.refused, only_update.update, only_update.create) == (["K3"], ["K2"], [])
    only_create = preview(ROWS, REMOTE, "create_only")
    assert (only_create.create, only_create.unchanged) == (["K3"], ["K1", "K2"])
    replace = preview(ROWS, REMOTE, "replace_all")
    assert (replace.create, replace.delete) == (["K1", "K2", "K3"], ["K1", "K2", "K9"])


def test_fingerprint_keys_are_shown_by_row_and_values_real_keys_as_they_are() -> None:
    rows = [
        OutgoingRow(
            2, fingerprint({"a": "Marie", "b": "Tremblay"}), {"a": "Marie", "b": "Tremblay"}
        ),
        OutgoingRow(3, "CLI-1", {"a": "Luc"}),
    ]
    remote = {
        fingerprint({"a": "Ancien"}): {"a": "Ancien", "b": "", "__id": "rec_1"},
        "CLI-9": {"a": "Autre"},
    }
    assert key_labels(rows, remote) == {
        rows[0].key: "ligne 2 (Marie Tremblay)",
        fingerprint({"a": "Ancien"}): "Ancien",
    }


def test_a_record_is_named_as_the_user_knows_it_in_the_preview() -> None:
    """Flokon's records have no key: a record to delete is shown by the person's name, not by
    its first values (its address and alert mode)."""
    from addin.core.profiles import get_profile
    from addin.core.push_plan import name_fields

    profile = get_profile("flokon")
    names = name_fields(profile)
    fields = {"address": "999 Rue exemple", "alert_method": "SMS"}
    person = {**fields, names[0]: "Marie", names[1]: "Tremblay"}
    remote = {fingerprint(person): {**person, "__id": "rec_1"}, fingerprint(fields): fields}
    row = OutgoingRow(2, fingerprint({"x": "1"}), {**fields, names[1]: "Roy"})

    labels = key_labels([row], remote, names)

    assert labels[fingerprint(person)] == "Marie Tremblay"
    assert labels[row.key] == "ligne 2 (Roy)"
    assert labels[fingerprint(fields)] == "999 Rue exemple SMS"  # no name: its first values
