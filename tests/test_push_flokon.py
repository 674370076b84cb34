"""Flokon's own model pushed with natural keys (issue 17 §2), from its page's own words.

« Un occupant sera créé par ligne et un Point de service sera créé pour chaque adresse. Si
l'adresse et le client sont identiques pour deux lignes, les occupants seront ajoutés à la
même adresse. » « Identifiant du client : ... Si laissé vide, l'adresse sera utilisée. » Its
three modes merge (« tentative de fusion »): a corrected row must update the occupant it was
sent as, never add a second one to alert.

The client is a real process (``python -m addin push``), the platform the sandbox on 127.0.0.1
(in this process, so the tests read what it holds); the files are real workbooks on disk.
"""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook
from pydantic import ValidationError

from addin.core.export import plan_export
from addin.core.natural_keys import natural_key, normalise_address, normalise_text
from addin.core.product_columns import ID_HEADERS, STATUS_HEADERS
from addin.core.profile import ApiSettings
from addin.core.profiles import all_profiles, get_profile
from addin.core.push_plan import OutgoingRow, fingerprint, is_fingerprint, outgoing_rows
from addin.core.table import SourceInfo, Table
from addin.sandbox.server import SandboxServer, sandbox_in_thread

TOKEN = secrets.token_hex(16)
PROFILE = get_profile("flokon")
COLLECTION = "flokon"
HEADERS = ("Prénom", "Nom", "Téléphone", "SMS/Appel", "Adresse", "Notes", "Identifiant du client")
ADDRESS = "4 Rue des Pins, Québec, QC, G1P 1B1"

MARIE = ("Sophie", "Bouchard", "418-555-0142", "SMS", ADDRESS, "Chat", "IMM-12")
PAUL = ("Paul", "Bouchard", "418-555-0135", "appel", ADDRESS, "", "IMM-12")
LUC = ("Luc", "Gagnon", "514-872-1111", "appel", "12 rue du Lac, Lévis, QC, G6V 1A1", "", "C-7")


@pytest.fixture
def sandbox(tmp_path: Path) -> Iterator[SandboxServer]:
    with sandbox_in_thread(tmp_path / "sandbox.sqlite", TOKEN) as server:
        yield server


def workbook(path: Path, *rows: Sequence[object], headers: Sequence[str] = HEADERS) -> Path:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for values in (headers, *rows):
        sheet.append(list(values))
    book.save(path)
    book.close()
    return path


def push(path: Path, server: SandboxServer, tmp_path: Path, *more: str) -> tuple[int, str]:
    """``client-import push`` as a user runs it; its exit status and its output."""
    env = {k: v for k, v in os.environ.items() if "proxy" not in k.lower()}
    env.update(
        CLIENT_IMPORT_DATA_DIR=str(tmp_path / "data"),
        CLIENT_IMPORT_TOKEN=TOKEN,
        NO_PROXY="127.0.0.1",
        COLUMNS="400",
    )
    command = [sys.executable, "-m", "addin", "push", str(path), "-p", "flokon"]
    done = subprocess.run(
        [*command, "--target", server.url, *more],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert "Traceback" not in done.stderr, done.stderr
    return done.returncode, done.stdout + done.stderr


def held(server: SandboxServer) -> dict[str, tuple[str, dict[str, object]]]:
    """What the platform holds: key → (id, fields)."""
    found: dict[str, tuple[str, dict[str, object]]] = {}
    number: int | None = 1
    while number is not None:
        page = server.api.store.page(COLLECTION, number)
        found.update({item.key: (item.id, dict(item.fields)) for item in page.items})
        number = page.next_page
    return found


def statuses(path: Path) -> list[tuple[object, object]]:
    """Each data row's status and platform id, as the push wrote them into the workbook."""
    sheet = load_workbook(path).worksheets[0]
    header = [c.value for c in sheet[1]]
    status = header.index(STATUS_HEADERS["fr"])
    ident = header.index(ID_HEADERS["fr"])
    return [(r[status], r[ident]) for r in sheet.iter_rows(min_row=2, values_only=True)]


def set_cell(path: Path, cell: str, value: str) -> None:
    book = load_workbook(path)
    book.worksheets[0][cell] = value
    book.save(path)
    book.close()


# --- a corrected row updates its occupant ------------------------------------------------


def test_a_corrected_phone_updates_the_occupant_instead_of_creating_a_second_one(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    path = workbook(tmp_path / "occupants.xlsx", MARIE, LUC)
    code, said = push(path, sandbox, tmp_path)
    assert code == 0, said
    before = held(sandbox)
    assert len(before) == 2
    assert [s for s, _ in statuses(path)] == ["créé", "créé"]
    first_ids = [i for _, i in statuses(path)]

    set_cell(path, "C2", "418-555-0199")  # Sophie's phone, corrected
    code, said = push(path, sandbox, tmp_path)

    assert code == 0, said
    assert "1 mis à jour" in said and "créés" not in said, said
    after = held(sandbox)
    assert after.keys() == before.keys()  # no second occupant
    (key,) = [k for k in after if after[k][1]["first_name"] == "Sophie"]
    assert after[key][0] == before[key][0]  # the same platform id
    assert after[key][1]["phone"] == "418-555-0199"
    assert statuses(path) == [("mis à jour", first_ids[0]), ("inchangé", first_ids[1])]


def test_corrected_notes_and_alert_type_update_the_occupant_too(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    path = workbook(tmp_path / "occupants.xlsx", MARIE)
    assert push(path, sandbox, tmp_path)[0] == 0
    (before,) = held(sandbox).values()
    set_cell(path, "D2", "appel")
    set_cell(path, "F2", "Chien méchant")

    code, said = push(path, sandbox, tmp_path)

    assert code == 0, said
    ((ident, fields),) = held(sandbox).values()
    assert ident == before[0]
    assert (fields["alert_method"], fields["notes"]) == ("appel", "Chien méchant")


# --- Flokon's model: clients, service points, occupants ----------------------------------


def test_two_occupants_at_one_address_share_one_service_point_however_it_is_typed(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    """« Si l'adresse et le client sont identiques pour deux lignes, les occupants seront
    ajoutés à la même adresse »: the same address typed two ways is one service point."""
    paul = list(PAUL)
    paul[4] = "4 rue des pins,  Quebec, qc, g1p1b1"
    path = workbook(tmp_path / "immeuble.xlsx", MARIE, paul)

    code, said = push(path, sandbox, tmp_path)

    assert code == 0, said
    records = [fields for _, fields in held(sandbox).values()]
    assert len(records) == 2  # one occupant per row
    assert {r["service_point_key"] for r in records} == {"4 rue des pins quebec g1p1b1"}
    assert {r["client_key"] for r in records} == {"IMM-12"}


def test_an_empty_client_identifier_keys_the_client_by_its_address(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    """« Si laissé vide, l'adresse sera utilisée »: two occupants of a house with no client
    identifier are one client, known by the address; another address is another client."""
    sophie, paul, luc = ([*r[:6], ""] for r in (MARIE, PAUL, LUC))
    path = workbook(tmp_path / "maisons.xlsx", sophie, paul, luc)

    code, said = push(path, sandbox, tmp_path)

    assert code == 0, said
    records = {str(f["first_name"]): (k, f) for k, (_, f) in held(sandbox).items()}
    assert records["Sophie"][1]["client_key"] == "4 rue des pins quebec g1p1b1"
    assert records["Sophie"][1]["client_key"] == records["Paul"][1]["client_key"]
    assert records["Luc"][1]["client_key"] == "12 rue du lac levis g6v1a1"
    assert records["Sophie"][0] == (
        "4 rue des pins quebec g1p1b1 | 4 rue des pins quebec g1p1b1 | sophie bouchard"
    )


def test_an_occupant_without_a_name_is_known_by_its_phone(tmp_path: Path) -> None:
    nameless = ("", "", "418-555-0142", "SMS", ADDRESS, "", "IMM-12")
    rows = _rows(nameless)
    assert rows[0].key == "IMM-12 | 4 rue des pins quebec g1p1b1 | 418 555 0142"


def test_the_same_occupant_twice_at_one_address_is_sent_once_and_the_other_row_said(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    """Two rows with the same client, address and name: the page's examples give every
    occupant of an address its own name (« Prénom, Nom et Numéro différents sur chaque
    lignes »), so the second row is held back and named, never merged nor sent twice."""
    twice = list(MARIE)
    twice[2] = "418-555-0777"
    path = workbook(tmp_path / "doublon.xlsx", MARIE, twice)

    code, said = push(path, sandbox, tmp_path)

    assert code == 1, said
    assert len(held(sandbox)) == 1
    sheet = load_workbook(path).worksheets[0]
    message = [c.value for c in sheet[3] if isinstance(c.value, str) and "même" in c.value]
    assert message == [
        "non envoyé (erreurs à corriger) : même occupant (Sophie Bouchard · "
        "4 Rue des Pins, Québec, QC, G1P 1B1 · client IMM-12) que la ligne 2, seule envoyée : "
        "donnez à chaque occupant de l'adresse son propre nom (Flokon : « Prénom, Nom et Numéro "
        "différents sur chaque lignes »), ou supprimez la ligne en double"
    ]


# --- the preview names records as the user knows them and says what a move does ------------


def test_a_changed_address_is_said_in_the_preview_with_what_becomes_of_the_old_occupant(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    path = workbook(tmp_path / "occupants.xlsx", MARIE, LUC)
    assert push(path, sandbox, tmp_path)[0] == 0
    set_cell(path, "E2", "14 Rue des Pins, Québec, QC, G1P 1B1")

    code, kept = push(path, sandbox, tmp_path, "--dry-run")
    assert code == 0, kept
    code, deleted = push(path, sandbox, tmp_path, "--mode", "upsert_delete_rest")
    assert code == 1, deleted  # a deleting mode waits for --yes

    move = (
        "1 nouvelle adresse, donc nouveau point de service et nouvel occupant : ligne 2 "
        "(Sophie Bouchard · 14 Rue des Pins, Québec, QC, G1P 1B1 · client IMM-12) "
        "(avant : Sophie Bouchard · 4 Rue des Pins, Québec, QC, G1P 1B1 · client IMM-12)"
    )
    assert f"{move} — l'ancien reste sur la plateforme" in kept
    assert f"{move} — l'ancien est supprimé (compté dans « à supprimer »)" in deleted
    assert (
        "1 à supprimer : Sophie Bouchard · 4 Rue des Pins, Québec, QC, G1P 1B1 · client IMM-12"
        in deleted
    )
    assert len(held(sandbox)) == 2  # nothing was sent


def test_the_preview_names_occupants_by_name_address_and_client(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    path = workbook(tmp_path / "occupants.xlsx", MARIE)

    code, said = push(path, sandbox, tmp_path, "--dry-run")

    assert code == 0, said
    assert "1 à créer : ligne 2 (Sophie Bouchard · 4 Rue des Pins, Québec, QC, G1P 1B1 · " in said
    assert "client IMM-12)" in said
    assert "n'a pas de colonne identifiant" not in said  # the keyless note is not Flokon's now


# --- pushes of earlier versions, under fingerprints ----------------------------------------


def test_a_record_an_earlier_version_sent_under_a_fingerprint_is_updated_not_doubled(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    """Before natural keys, a Flokon row was sent under a fingerprint of its values. The next
    push finds it by its values and updates it under its old key: same id, no second
    occupant; the rows it does not know are created under their natural keys."""
    path = workbook(tmp_path / "occupants.xlsx", MARIE, LUC)
    (old,) = _rows(MARIE, keyless=True)
    assert is_fingerprint(old.key) and old.key == fingerprint(old.fields)
    sandbox.api.store.upsert(COLLECTION, [{"key": old.key, "fields": old.fields}])
    ((old_id, _),) = held(sandbox).values()
    set_cell(path, "C2", "418-555-0199")  # corrected since that push

    code, said = push(path, sandbox, tmp_path)

    assert code == 0, said
    after = held(sandbox)
    assert len(after) == 2
    assert after[old.key][0] == old_id
    assert after[old.key][1]["phone"] == "418-555-0199"
    assert after[old.key][1]["client_key"] == "IMM-12"
    assert [s for s, _ in statuses(path)] == ["mis à jour", "créé"]
    code, said = push(path, sandbox, tmp_path)  # and it stays that record
    assert code == 0 and len(held(sandbox)) == 2
    assert [s for s, _ in statuses(path)] == ["inchangé", "inchangé"]


def test_the_duplicate_an_earlier_version_made_is_deleted_by_merge_and_delete_the_rest(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    """The bug this fixes left two occupants for one person (a corrected phone sent as a new
    record). « Fusionner et supprimer le reste » keeps the first, updated under its old key,
    and deletes the other; « Fusionner et conserver le reste » leaves it, as it leaves any
    record the file lacks."""
    path = workbook(tmp_path / "occupants.xlsx", MARIE)
    corrected = list(MARIE)
    corrected[2] = "418-555-0199"
    (first,) = _rows(MARIE, keyless=True)
    (second,) = _rows(corrected, keyless=True)
    sandbox.api.store.upsert(
        COLLECTION, [{"key": r.key, "fields": r.fields} for r in (first, second)]
    )
    first_id = held(sandbox)[first.key][0]

    code, said = push(path, sandbox, tmp_path)
    assert code == 0, said
    assert held(sandbox).keys() == {first.key, second.key}

    code, said = push(path, sandbox, tmp_path, "--mode", "upsert_delete_rest", "--yes")

    assert code == 0, said
    assert "1 supprimés" in said
    assert list(held(sandbox)) == [first.key]
    assert held(sandbox)[first.key][0] == first_id


def test_replace_all_starts_anew_under_natural_keys(sandbox: SandboxServer, tmp_path: Path) -> None:
    """« Repartir à neuf »: every record is deleted first, the old fingerprints too."""
    path = workbook(tmp_path / "occupants.xlsx", MARIE)
    (old,) = _rows(MARIE, keyless=True)
    sandbox.api.store.upsert(COLLECTION, [{"key": old.key, "fields": old.fields}])

    code, said = push(path, sandbox, tmp_path, "--mode", "replace_all", "--yes")

    assert code == 0, said
    assert list(held(sandbox)) == ["IMM-12 | 4 rue des pins quebec g1p1b1 | sophie bouchard"]


# --- the normalisation and the declaration -------------------------------------------------


@pytest.mark.parametrize(
    "typed",
    [
        "999 Rue exemple, Québec, QC, G1P 0A0",
        "999 rue Exemple, Quebec, g1p0a0",
        "999  RUE EXEMPLE, Québec QC G1P-0A0, Canada",
    ],
)
def test_one_address_typed_many_ways_is_one_service_point(typed: str) -> None:
    assert normalise_address(typed) == "999 rue exemple quebec g1p0a0"


def test_an_address_in_parts_is_the_same_service_point_as_the_whole_address() -> None:
    headers = ("Prénom", "Nom", "Téléphone", "SMS/Appel", "Adresse Ligne 1", "Ville", "Code postal")
    parts = ("Sophie", "Bouchard", "418-555-0142", "SMS", "4 Rue des Pins", "Québec", "G1P 1B1")
    (split,) = _rows(parts, headers=headers)
    (whole,) = _rows(MARIE[:5], headers=HEADERS[:5])
    assert split.parts[1:] == whole.parts[1:]


def test_names_are_compared_without_case_accents_or_punctuation() -> None:
    assert normalise_text(" Marie-Ève  TREMBLAY ") == normalise_text("marie eve tremblay")


def test_a_key_longer_than_the_contract_allows_stays_stable_and_distinct() -> None:
    long_name = "Sophie " + "Bouchard-" * 40
    one = natural_key(["IMM-12", "4 rue des pins", normalise_text(long_name + "A")])
    other = natural_key(["IMM-12", "4 rue des pins", normalise_text(long_name + "B")])
    assert len(one) == len(other) == 255
    assert one != other
    assert one == natural_key(["IMM-12", "4 rue des pins", normalise_text(long_name + "A")])
    assert one.startswith("IMM-12 | 4 rue des pins | sophie bouchard")


def test_a_key_part_standing_in_for_no_part_is_refused_when_the_profile_loads() -> None:
    parts = [p.model_dump() for p in PROFILE.api.key_parts]
    parts[0]["when_empty"] = "code postal"
    with pytest.raises(ValidationError, match="when_empty names no part"):
        ApiSettings.model_validate({"connector": "generic", "key_parts": parts})
    with pytest.raises(ValidationError, match="no key_field beside them"):
        ApiSettings.model_validate({"key_field": "client_id", "key_parts": parts[1:]})


def test_every_key_part_names_a_column_of_its_profile() -> None:
    for profile in all_profiles().values():
        ids = {f.id for f in profile.fields}
        for part in profile.api.key_parts:
            assert {n for group in part.groups for n in group} <= ids, (profile.name, part)


# --- the template shows « Adresse » as the page's star does --------------------------------


def test_the_template_marks_adresse_required_as_the_page_star_does(tmp_path: Path) -> None:
    """« Adresse* » is starred, with « Adresse Ligne 1 », « Ville », « Code postal » beneath
    it: the header is drawn as required, and its note says the other way to give it."""
    out = tmp_path / "modele-flokon.xlsx"
    done = subprocess.run(
        [sys.executable, "-m", "addin", "template", "flokon", "-o", str(out)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    sheet = load_workbook(out).worksheets[0]
    cells = {c.value: c for c in sheet[1]}
    address, phone, notes = cells["Adresse"], cells["Téléphone"], cells["Notes"]
    assert address.fill.fgColor.rgb == phone.fill.fgColor.rgb != notes.fill.fgColor.rgb
    assert address.font.color.rgb == phone.font.color.rgb
    assert address.comment is not None
    assert address.comment.text.startswith(
        "OBLIGATOIRE (ou bien : Adresse Ligne 1, Ville et Code postal)."
    )
    line_1 = cells["Adresse Ligne 1"]
    assert line_1.fill.fgColor.rgb == notes.fill.fgColor.rgb  # one way among two
    guide = load_workbook(out)["Instructions"]
    said = {row[1]: row[2] for row in guide.iter_rows(values_only=True)}
    assert said["Adresse"] == "oui (ou bien : Adresse Ligne 1, Ville et Code postal)"
    assert said["Téléphone"] == "oui"


def _rows(
    *values: Sequence[str], headers: Sequence[str] = HEADERS, keyless: bool = False
) -> list[OutgoingRow]:
    """The records push_plan makes of ``values``; ``keyless``: as a version without natural
    keys made them (a fingerprint of the values)."""
    profile = PROFILE
    if keyless:
        api = PROFILE.api.model_copy(update={"key_parts": []})
        profile = PROFILE.model_copy(update={"api": api})
    source = SourceInfo(path="occupants.xlsx", kind="xlsx", sheet="Feuil1")
    table = Table.from_rows(list(headers), [list(v) for v in values], source)
    return outgoing_rows(plan_export(table, profile, "fr"), profile)
