"""Rows that are probably the same customer: found, named on each row, listed in CI_Doublons.

The files are real ones on disk, checked through the command line (a process of its own where
the words the user reads are the point) or the same use cases; the groups are whole lists, so a
group too many (homonyms at two addresses) fails as surely as one too few.
"""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from pydantic import ValidationError

from addin.core.customer_keys import name_key
from addin.core.duplicate_rule import customer_fields
from addin.core.duplicates import Customers, find_duplicates
from addin.core.profile import Profile
from addin.core.profiles import get_profile
from addin.errors import UsageError
from addin.files.duplicates_sheet import DUPLICATES_HEADER_ROW
from addin.files.xlsx_package import XlsxPackage
from addin.usecases.marking import clear_book, clear_file, mark_book, mark_file
from addin.usecases.validation import validate_file
from tests import excel_engine
from tests.commands import client_import as cli
from tests.test_live_marks import assert_marks_alike, open_live, read
from tests.user_workbooks import write_rows

EVOLIZ = get_profile("evoliz-clients")
HEADERS = ["Code client", "Raison sociale", "Type", "Adresse", "Code postal", "Ville", "Pays",
           "Téléphone", "Portable", "Email"]  # fmt: skip
PRO, ONE = "Professionnel", "Particulier"
ROWS: list[list[Any]] = [
    # 2, 3: one company, its legal form written two ways, at one postal code
    ["C01", "Dupont SARL", PRO, "12 rue de la Paix", "75002", "Paris", "France", None, None,
     "contact@dupont.fr"],
    ["C02", "DUPONT S.A.R.L.", PRO, "12 rue de la Paix", "75002", "Paris", "France", None, None,
     "compta@dupont.fr"],
    # 4, 5: one e-mail, in two cases, under two names in two cities
    ["C03", "Martin Conseil", PRO, "5 avenue Foch", "69006", "Lyon", "France", None, None,
     "Info@Martin-Conseil.fr"],
    ["C04", "MC Audit", PRO, "9 quai Perrache", "69002", "Lyon", "France", None, None,
     "info@martin-conseil.fr"],
    # 6, 7, 8: one mobile written three ways
    ["C05", "Alice Bernard", ONE, "3 rue Nationale", "59000", "Lille", "France", None,
     "06 12 34 56 78", None],
    ["C06", "Bernard Alice", ONE, None, "59800", "Lille", "France", None, "+33 6 12 34 56 78",
     None],
    ["C07", "A. Bernard", ONE, None, "59000", "Lille", "France", "0612345678", None, None],
    # 9, 10: a one-letter typo, in one city
    ["C08", "Boulangerie Lefebvre", PRO, "8 place du Marché", "44000", "Nantes", "France",
     None, None, None],
    ["C09", "Boulangerie Lefebre", PRO, None, "44000", "Nantes", "France", None, None, None],
    # 11, 12: a one-letter typo at one address, the street written two ways
    ["C10", "Garage Moreau", PRO, "3 bd Victor Hugo", "13001", "Marseille", "France", None,
     None, None],
    ["C11", "Garage Moreax", PRO, "3 boulevard Victor-Hugo", "13001", "Marseille", "France",
     None, None, None],
    # 13, 14: homonyms in two cities; 15, 16: homonyms at two addresses of one city
    ["C12", "Jean Martin", ONE, "4 rue Oberkampf", "75011", "Paris", "France", None, None, None],
    ["C13", "Jean Martin", ONE, "8 cours Lafayette", "69003", "Lyon", "France", None, None, None],
    ["C14", "Pierre Durand", ONE, "1 rue de Bretagne", "75003", "Paris", "France", None, None,
     None],
    ["C15", "Pierre Durand", ONE, "40 rue de Turenne", "75003", "Paris", "France", None, None,
     None],
    # 17, 18: one key twice: the duplicate-key error, not a likely duplicate as well
    ["C16", "Sophie Petit", ONE, "2 rue Haute", "67000", "Strasbourg", "France", None, None,
     "sophie@petit.fr"],
    ["C16", "Sophie Petit", ONE, "2 rue Haute", "67000", "Strasbourg", "France", None, None,
     "sophie@petit.fr"],
]  # fmt: skip
GROUPS = [
    [(2, 3, "name-postcode")],
    [(4, 5, "email")],
    [(6, 7, "phone"), (6, 8, "phone")],
    [(9, 10, "near-name-city")],
    [(11, 12, "near-name-address")],
]


def clients(path: Path) -> Path:
    return write_rows(path, HEADERS, ROWS, sheet="Clients")


def groups_of(report: Any) -> list[list[tuple[int, int, str]]]:
    return [[(p.first, p.second, p.reason) for p in g.pairs] for g in report.duplicates]


def test_the_groups_of_a_crafted_file(tmp_path: Path) -> None:
    report = validate_file(clients(tmp_path / "clients.xlsx"), EVOLIZ)
    assert groups_of(report) == GROUPS
    # each row of a group has its warning, and no other row has one
    warned = [row for row, code in report.flatten(["row", "code"]) if code == "likely-duplicate"]
    assert warned == [2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]
    # the same key twice stays the error it is, and is not a likely duplicate as well
    assert [(i.row, i.severity) for i in report.issues if i.code == "duplicate-key"] == [
        (18, "error")
    ]
    assert {i.severity for i in report.issues if i.code == "likely-duplicate"} == {"warning"}
    assert report.duplicates[0].labels == ("Dupont SARL", "DUPONT S.A.R.L.")


def test_the_warning_names_the_other_rows_in_french_and_english(tmp_path: Path) -> None:
    source = clients(tmp_path / "clients.xlsx")
    french = cli("validate", source, "-p", "evoliz-clients", "--json")
    english = cli("validate", source, "-p", "evoliz-clients", "--json", "--lang", "en")
    assert french.returncode == english.returncode == 1, french.stderr  # the key repeated

    def messages(done: subprocess.CompletedProcess[str]) -> dict[int, str]:
        import json

        issues = json.loads(done.stdout)["issues"]
        return {i["row"]: i["message"] for i in issues if i["code"] == "likely-duplicate"}

    fr, en = messages(french), messages(english)
    assert fr[3].startswith("Doublon probable de la ligne 2 : même nom et même code postal.")
    assert fr[4].startswith("Doublon probable de la ligne 5 : même e-mail.")
    assert fr[6].startswith("Doublon probable des lignes 7 et 8 : même téléphone.")
    # row 7 is linked to row 6 only; the group says the rest
    assert fr[7].startswith(
        "Doublon probable de la ligne 6 : même téléphone. Groupe de 3 lignes : 6 et 8."
    )
    assert fr[10].startswith("Doublon probable de la ligne 9 : nom presque identique dans la")
    assert en[4].startswith("Probable duplicate of row 5: same e-mail.")
    assert en[7].startswith("Probable duplicate of row 6: same phone number. Group of 3 rows")


def test_the_duplicates_sheet_links_each_pair_and_clear_removes_it(tmp_path: Path) -> None:
    source = clients(tmp_path / "clients.xlsx")
    marked = tmp_path / "marked.xlsx"
    done = cli("validate", source, "-p", "evoliz-clients", "--annotate", marked)
    assert done.returncode == 1, done.stderr
    book = load_workbook(marked)
    assert book.sheetnames == ["Clients", "CI_Marques", "CI_Rapport", "CI_Doublons"]
    sheet = book["CI_Doublons"]
    lines = list(sheet.iter_rows(min_row=DUPLICATES_HEADER_ROW + 1, values_only=True))
    shown = [(g, first, second, reason) for g, first, _a, _b, second, _c, _d, reason in lines]
    assert shown == [
        (1, 2, 3, "même nom et même code postal"),
        (2, 4, 5, "même e-mail"),
        (3, 6, 7, "même téléphone"),
        (3, 6, 8, "même téléphone"),
        (4, 9, 10, "nom presque identique dans la même ville"),
        (5, 11, 12, "nom presque identique à la même adresse"),
    ]
    assert lines[0][2:4] == ('=HYPERLINK("#\'Clients\'!A2","A2")', "Dupont SARL")
    assert lines[0][5:7] == ('=HYPERLINK("#\'Clients\'!A3","A3")', "DUPONT S.A.R.L.")
    assert sheet.freeze_panes == f"A{DUPLICATES_HEADER_ROW + 1}"
    # an Excel table over the headers and the lines (its own filter), the reasons wrapped
    (table,) = sheet.tables.values()
    assert (table.name, table.ref) == (
        "ClientImport_Duplicates",
        f"A{DUPLICATES_HEADER_ROW}:H{DUPLICATES_HEADER_ROW + 6}",
    )
    assert [c.name for c in table.tableColumns] == [c.value for c in sheet[DUPLICATES_HEADER_ROW]]
    assert table.tableStyleInfo.name == "TableStyleMedium2"
    assert sheet.auto_filter.ref is None  # the table's filter, not the sheet's
    assert sheet[f"H{DUPLICATES_HEADER_ROW + 1}"].alignment.wrap_text
    assert sheet[f"A{DUPLICATES_HEADER_ROW}"].font.b
    # in English, the sheet has its English name
    english = tmp_path / "english.xlsx"
    assert cli("validate", source, "-p", "evoliz-clients", "--lang", "en", "--annotate",
               english).returncode == 1  # fmt: skip
    assert load_workbook(english).sheetnames[-1] == "CI_Duplicates"
    # clear takes it out with the rest of our marks
    done = cli("clear", marked)
    assert done.returncode == 0, done.stderr
    assert load_workbook(marked).sheetnames == ["Clients"]


def test_a_users_own_sheet_of_that_name_is_left_alone(tmp_path: Path) -> None:
    source = clients(tmp_path / "clients.xlsx")
    book = load_workbook(source)
    book.create_sheet("CI_Doublons")["A1"] = "mes doublons à moi"
    book.save(source)
    before = source.read_bytes()
    done = cli("validate", source, "-p", "evoliz-clients", "--in-place")
    assert done.returncode == 2
    assert "déjà une feuille « CI_Doublons » qui n'a pas été ajoutée par client-import" in (
        done.stderr + done.stdout
    )
    assert "Traceback" not in done.stderr
    assert source.read_bytes() == before  # nothing drawn, nothing written
    # a file without duplicates is marked beside it, and clear leaves the user's sheet
    alone = ROWS[11:13]
    book = load_workbook(write_rows(tmp_path / "alone.xlsx", HEADERS, alone, sheet="Clients"))
    book.create_sheet("CI_Doublons")["A1"] = "mes doublons à moi"
    book.save(tmp_path / "alone.xlsx")
    mark_file(tmp_path / "alone.xlsx", EVOLIZ, output=tmp_path / "alone-marked.xlsx")
    assert clear_file(tmp_path / "alone-marked.xlsx") is not None
    kept = load_workbook(tmp_path / "alone-marked.xlsx")
    assert kept.sheetnames == ["Clients", "CI_Doublons"]
    assert kept["CI_Doublons"]["A1"].value == "mes doublons à moi"
    package = XlsxPackage.open(tmp_path / "alone-marked.xlsx")
    assert not package.is_own(next(e for e in package.sheets() if e.name == "CI_Doublons"))


def test_a_csv_copied_into_a_workbook_lists_its_duplicates_at_their_rows(tmp_path: Path) -> None:
    """The CSV's lines become the workbook's rows; the groups follow them (``on_rows``)."""
    csv = tmp_path / "clients.csv"
    lines = [";".join(HEADERS)] + [";".join(str(v or "") for v in row) for row in ROWS[:4]]
    csv.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = tmp_path / "clients-marked.xlsx"
    assert cli("validate", csv, "-p", "evoliz-clients", "--annotate", out).returncode in (0, 1)
    sheet = load_workbook(out)["CI_Doublons"]
    rows = list(sheet.iter_rows(min_row=DUPLICATES_HEADER_ROW + 1, values_only=True))
    assert [(r[1], r[4]) for r in rows] == [(2, 3), (4, 5)]


# --- the rules, on lists ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Dupont SARL", "DUPONT S.A.R.L."),
        ("Sté Dupont", "dupont"),
        ("Société  Dupont", "DUPONT SAS"),
        ("Émile Zoé", "ZOE emile"),
    ],
)
def test_legal_forms_accents_case_and_spaces_make_one_name(a: str, b: str) -> None:
    assert name_key(a) == name_key(b) is not None


def test_short_names_and_homonyms_elsewhere_are_not_grouped() -> None:
    customers = Customers(
        names=["Paul Roy", "Paul Ray", "Jean Martin", "Jean Martin", "Jean Martin"],
        cities=["Lévis", "Lévis", "Paris", "Paris", "Lyon"],
        addresses=[None, None, "4 rue Oberkampf", "9 rue Oberkampf", "4 rue Oberkampf"],
    )
    # « Paul Roy » and « Paul Ray »: short names, one letter apart, two people
    assert find_duplicates(customers, [2, 3, 4, 5, 6]) == []


def test_a_profile_says_which_fields_identify_a_customer() -> None:
    defaults = customer_fields(EVOLIZ)
    assert (defaults.emails, defaults.phones, defaults.names) == (
        ["email"],
        ["phone", "mobile"],
        ["name"],
    )
    assert (defaults.postal_codes, defaults.cities, defaults.addresses) == (
        ["postcode"],
        ["town"],
        ["address"],
    )
    data = EVOLIZ.model_dump()
    only_email = Profile.model_validate({**data, "duplicates": {"fields": ["email"]}})
    fields = customer_fields(only_email)
    assert (fields.emails, fields.phones, fields.names, fields.cities) == (["email"], [], [], [])
    with pytest.raises(ValidationError, match=r"duplicates\.fields names the unknown column"):
        Profile.model_validate({**data, "duplicates": {"fields": ["nowhere"]}})
    with pytest.raises(ValidationError, match="a 'choice' column"):
        Profile.model_validate({**data, "duplicates": {"fields": ["type"]}})


def test_a_profile_that_names_only_the_email_groups_by_email_only(tmp_path: Path) -> None:
    only_email = Profile.model_validate(
        {**EVOLIZ.model_dump(), "duplicates": {"fields": ["email"]}}
    )
    report = validate_file(clients(tmp_path / "clients.xlsx"), only_email)
    assert groups_of(report) == [[(4, 5, "email")]]


# --- in the open book ---------------------------------------------------------------------------


def test_the_duplicates_sheet_is_drawn_and_cleared_live_as_on_file(
    excel: excel_engine.Engine, tmp_path: Path
) -> None:
    (tmp_path / "source").mkdir()
    source = clients(tmp_path / "source" / "clients.xlsx")
    assert_marks_alike(source, EVOLIZ, tmp_path / "compared")
    marked = read(tmp_path / "compared" / "live-marked-clients.xlsx")
    assert marked.sheetnames[-1] == "CI_Doublons"
    assert marked["CI_Doublons"].freeze_panes == f"A{DUPLICATES_HEADER_ROW + 1}"


def test_a_users_own_duplicates_sheet_is_refused_live_before_anything_is_drawn(
    excel: excel_engine.Engine, tmp_path: Path
) -> None:
    book, live = open_live(clients(tmp_path / "clients.xlsx"))
    book.sheets.add(name="CI_Doublons", after=book.sheets[-1]).range("A1").raw_value = "à moi"
    with pytest.raises(UsageError, match="déjà une feuille « CI_Doublons »"):
        mark_book(live, EVOLIZ)
    assert live.sheet_names() == ["Clients", "CI_Doublons"]
    assert clear_book(live) is False
    assert book.sheets["CI_Doublons"].range("A1").raw_value == "à moi"


def test_rows_with_no_name_and_no_postal_code_are_not_one_customer() -> None:
    customers = Customers(emails=[["a@b.fr", None]], names=[None, None], postal_codes=[None, None])
    assert find_duplicates(customers, [2, 3]) == []


def test_a_typo_that_changes_the_order_of_the_words_is_still_found() -> None:
    """« masson mathis » and « mafhis masson » once their words are sorted; and the same pair
    of names in two towns is compared in each."""
    customers = Customers(
        names=["Mathis Masson", "Mafhis Masson", "Mathis Masson", "Mafhis Masson"],
        cities=["Beaubeau", "Beaubeau", "Lyon", "Lyon"],
    )
    assert [[(p.first, p.second, p.reason) for p in g.pairs]
            for g in find_duplicates(customers, [2, 3, 4, 5])] == [
        [(2, 3, "near-name-city")],
        [(4, 5, "near-name-city")],
    ]  # fmt: skip


def test_flokon_declares_the_whole_address_beside_its_first_line() -> None:
    fields = customer_fields(get_profile("flokon"))
    assert (fields.names, fields.phones, fields.addresses, fields.cities) == (
        ["first_name", "last_name"],
        ["phone"],
        ["address", "address_line1"],
        ["city"],
    )


def test_namesakes_at_two_whole_addresses_are_two_flokon_occupants(tmp_path: Path) -> None:
    csv = tmp_path / "occupants.csv"
    csv.write_text(
        "Prénom,Nom,Téléphone,SMS/Appel,Adresse,Adresse Ligne 1,Ville,Code postal,Notes,"
        "Identifiant du client\n"
        'Marie,Tremblay,418-692-2121,SMS,"999 Rue exemple, Québec, QC, G1P 0A0",,Québec,,,\n'
        'Marie,Tremblay,418-692-3434,SMS,"12 rue des Érables, Québec, QC, G1P 0A0",,Québec,,,\n'
        "Marie,Tremblay,418 692 2121,SMS,,,Québec,,,\n",
        encoding="utf-8",
    )
    report = validate_file(csv, get_profile("flokon"))
    # the third row: the first's phone; the second is another Marie Tremblay, elsewhere
    assert groups_of(report) == [[(2, 4, "phone")]]


def test_validate_json_lists_every_group_with_its_pairs_and_reasons(tmp_path: Path) -> None:
    import json

    source = clients(tmp_path / "clients.xlsx")
    french = json.loads(cli("validate", source, "-p", "evoliz-clients", "--json").stdout)
    english = json.loads(
        cli("validate", source, "-p", "evoliz-clients", "--json", "--lang", "en").stdout
    )
    assert [[(*p["rows"], p["reason"]) for p in g["pairs"]] for g in french["duplicates"]] == [
        [tuple(pair) for pair in group] for group in GROUPS
    ]
    assert french["duplicates"][0] == {
        "rows": [2, 3],
        "labels": ["Dupont SARL", "DUPONT S.A.R.L."],
        "pairs": [
            {"rows": [2, 3], "reason": "name-postcode", "said": "même nom et même code postal"}
        ],
    }
    assert english["duplicates"][1]["pairs"][0]["said"] == "same e-mail"


def test_a_file_without_duplicates_has_no_duplicates_key(tmp_path: Path) -> None:
    import json

    source = write_rows(tmp_path / "one.xlsx", HEADERS, ROWS[:1], sheet="Clients")
    done = json.loads(cli("validate", source, "-p", "evoliz-clients", "--json").stdout)
    assert "duplicates" not in done
