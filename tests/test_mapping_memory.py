"""Matching that learns: a mapping the user corrects is remembered on this machine for files
with the same headers and profile, proposed first next time « choisi par vous le … », and
forgotten with one command.

Each way of correcting is tried as the user does it: ``map --set`` / ``--ignore`` (the command
as a process), the mapping sheet edited then read back by map, validate, fix and export (a
real workbook on disk, the commands as processes), and the ribbon's « Correspondance des
colonnes » pressed again after the sheet was corrected (the test Excel engine). Then another
export of the same tool, its columns in another order and spelt in another case, is mapped:
the choice comes first, with its reason, in the text and the JSON. The data folder is the
test's own (``tests/conftest.py``).
"""

from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import Sequence
from pathlib import Path

import openpyxl
import pytest

from addin.core.choices import SPLIT_NAME
from addin.core.profiles import get_profile
from addin.core.resolve import resolve
from addin.core.table import RememberedChoice, SourceInfo, Table
from addin.files.data_folder import DATA_DIR_ENV
from addin.files.remembered_mappings import FILE_NAME, SET_ASIDE, column_keys
from addin.shells.ribbon import commands
from addin.usecases.mapping_file import map_file
from tests.commands import client_import
from tests.ribbon_harness import Excel, excel_fixture  # noqa: F401 (the fixture)

PROFILE = "evoliz-clients"
#: a customer list as Zoho Books exports it, "Billing Code" holding a billing reference that
#: the automatic matching takes for the client code ("Customer ID" then loses it): the user
#: keeps it as a comment instead
HEADERS = ["Display Name", "Billing Code", "Customer ID", "Phone", "EmailID"]
ROWS = [
    ["ACME SARL", "FAC-0012", "C-0012", "+33 1 42 00 00 00", "compta@acme.fr"],
    ["Beta SAS", "FAC-0013", "C-0013", "+33 4 72 00 00 00", "contact@beta.fr"],
]
#: the same tool's next export: other order, other case and spacing
AGAIN = ["customer id", "EmailID", "PHONE", "billing  code", "Display Name"]
TODAY = dt.date.today()
FRENCH_DAY = TODAY.strftime("%d/%m/%Y")


def ok(*args: str | Path) -> str:
    done = client_import(*args)
    assert done.returncode == 0, done.stderr
    return done.stdout


def write_csv(path: Path, headers: Sequence[str], rows: Sequence[Sequence[str]] = ROWS) -> Path:
    order = [HEADERS.index(_canonical(h)) for h in headers]
    lines = [",".join(headers), *(",".join(row[i] for i in order) for row in rows)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _canonical(header: str) -> str:
    return next(h for h in HEADERS if h.casefold() == " ".join(header.split()).casefold())


def write_xlsx(path: Path) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Clients"
    sheet.append(HEADERS)
    for row in ROWS:
        sheet.append(row)
    book.save(path)
    return path


def lines_of(text: str) -> dict[str, str]:
    """``map``'s listing: column → the rest of its line."""
    found: dict[str, str] = {}
    for line in text.splitlines():
        column, arrow, rest = line.partition(" → ")
        if arrow:
            found[column.strip()] = rest
    return found


def json_of(path: Path, lang: str = "fr") -> dict[str, dict[str, object]]:
    answer = json.loads(ok("map", path, "-p", PROFILE, "--json", "--lang", lang))
    return {entry["column"]: entry for entry in answer["mapping"]}


def store() -> Path:
    return Path(os.environ[DATA_DIR_ENV]) / FILE_NAME


def assert_learnt(tmp_path: Path) -> None:
    """Another export with the same headers, in another order: the corrections come first,
    with their reason and day, in text (French and English) and JSON."""
    again = write_csv(tmp_path / "zoho-janvier.csv", AGAIN)
    text = lines_of(ok("map", again, "-p", PROFILE))
    assert text["billing  code"].startswith("« Commentaire »"), text
    assert text["billing  code"].endswith(f"100% (choisi par vous le {FRENCH_DAY})")
    assert text["customer id"].startswith("« Code client »"), text
    assert f"choisi par vous le {FRENCH_DAY}" in text["customer id"]
    english = lines_of(ok("map", again, "-p", PROFILE, "--lang", "en"))
    assert english["billing  code"].endswith(f"(chosen by you on {TODAY.isoformat()})")
    answer = json_of(again)
    entry = answer["billing  code"]
    assert {
        key: entry[key] for key in ("column", "field", "confidence", "reason", "remembered_on")
    } == {
        "column": "billing  code",
        "field": "comment",
        "confidence": 1.0,
        "reason": "remembered",
        "remembered_on": TODAY.isoformat(),
    }
    assert answer["customer id"]["field"] == "code"
    assert answer["customer id"]["reason"] == "remembered"
    # the columns nobody corrected are matched as before
    assert answer["PHONE"]["field"] == "phone"
    assert answer["PHONE"]["reason"] != "remembered"


def test_before_any_correction_the_billing_code_is_taken_for_the_client_code(
    tmp_path: Path,
) -> None:
    """What the user corrects below: the automatic matching on this export."""
    answer = json_of(write_csv(tmp_path / "zoho.csv", HEADERS))
    assert answer["Billing Code"]["field"] == "code"
    assert answer["Customer ID"]["reason"] == "taken"
    assert not store().exists()


def test_map_set_is_remembered_for_the_same_headers_in_another_order(tmp_path: Path) -> None:
    source = write_csv(tmp_path / "zoho.csv", HEADERS)

    said = ok(
        "map", source, "-p", PROFILE,
        "--set", "Billing Code=Commentaire", "--set", "customer id=code",
    )  # fmt: skip

    listed = lines_of(said)
    assert listed["Billing Code"].startswith("« Commentaire »")
    assert listed["Customer ID"].startswith("« Code client »")  # the field it lost, back
    assert "2 choix retenu(s) pour les fichiers aux mêmes en-têtes" in said
    assert_learnt(tmp_path)


def test_ignore_is_remembered_as_do_not_import_and_frees_the_field(tmp_path: Path) -> None:
    source = write_csv(tmp_path / "zoho.csv", HEADERS)

    ok("map", source, "-p", PROFILE, "--ignore", "Billing Code")

    again = json_of(write_csv(tmp_path / "zoho-janvier.csv", AGAIN))
    assert again["billing  code"]["field"] is None
    assert again["billing  code"]["reason"] == "remembered"
    assert again["customer id"]["field"] == "code"  # no longer taken by the billing code
    assert lines_of(ok("map", tmp_path / "zoho-janvier.csv", "-p", PROFILE))[
        "billing  code"
    ].startswith(f"—{' ' * 32}100% (choisi par vous le {FRENCH_DAY})")


def test_a_column_remembered_as_not_imported_is_no_longer_warned_about(tmp_path: Path) -> None:
    source = write_csv(tmp_path / "zoho.csv", HEADERS)

    def warned() -> set[tuple[str, str]]:
        done = client_import("validate", source, "-p", PROFILE, "--json")
        assert done.returncode in (0, 1), done.stderr
        issues = json.loads(done.stdout)["issues"]
        return {(i["code"], i["column"]) for i in issues if i.get("column") == "Phone"}

    assert warned() == set()  # it feeds the phone
    ok("map", source, "-p", PROFILE, "--ignore", "Phone")
    assert warned() == set()  # left out on the user's word, as in the mapping sheet


def test_a_file_with_other_headers_or_another_profile_is_not_affected(tmp_path: Path) -> None:
    ok("map", write_csv(tmp_path / "zoho.csv", HEADERS), "-p", PROFILE,
       "--set", "Billing Code=Commentaire")  # fmt: skip
    other = tmp_path / "autre.csv"
    other.write_text(",".join([*HEADERS, "Notes"]) + "\n" + ",".join([*ROWS[0], "x"]) + "\n")

    assert json_of(other)["Billing Code"]["field"] == "code"
    contacts = json.loads(ok("map", tmp_path / "zoho.csv", "-p", "evoliz-contacts", "--json"))
    assert all(entry["reason"] != "remembered" for entry in contacts["mapping"])


@pytest.mark.parametrize(
    "command",
    [
        ["map"],
        ["validate"],
        ["fix", "-o", "{out}/corrigé.xlsx"],
        ["export", "-o", "{out}/evoliz.xlsx"],
    ],
    ids=["map", "validate", "fix", "export"],
)
def test_a_correction_in_the_mapping_sheet_is_remembered_when_a_command_reads_it(
    command: list[str], tmp_path: Path
) -> None:
    book = write_xlsx(tmp_path / "clients.xlsx")
    ok("map", book, "-p", PROFILE, "--write")
    assert not store().exists()  # writing the automatic mapping is no correction
    _choose_in_sheet(book, {"Billing Code": "Commentaire", "Customer ID": "Code client"})

    name, *options = command
    done = client_import(name, book, "-p", PROFILE, *(o.format(out=tmp_path) for o in options))

    assert done.returncode in (0, 1), done.stderr
    assert "Traceback" not in done.stderr
    assert_learnt(tmp_path)


def test_a_sheet_that_says_what_client_import_says_remembers_nothing(tmp_path: Path) -> None:
    book = write_xlsx(tmp_path / "clients.xlsx")
    ok("map", book, "-p", PROFILE, "--write")
    _choose_in_sheet(book, {"Phone": "Téléphone"})  # retyped, the same choice

    client_import("validate", book, "-p", PROFILE)

    assert not store().exists()


def test_set_on_a_workbook_with_its_sheet_changes_the_sheet_too(tmp_path: Path) -> None:
    book = write_xlsx(tmp_path / "clients.xlsx")
    ok("map", book, "-p", PROFILE, "--write")

    said = ok("map", book, "-p", PROFILE, "--write", "--set", "Billing Code=Commentaire")

    assert lines_of(said)["Billing Code"].startswith("« Commentaire »")
    assert _sheet_labels(book)["Billing Code"] == "Commentaire"
    assert json_of(write_csv(tmp_path / "z.csv", AGAIN))["billing  code"]["field"] == "comment"


def test_the_ribbons_match_columns_remembers_the_sheets_corrections(
    excel: Excel, tmp_path: Path
) -> None:
    book = write_xlsx(tmp_path / "clients.xlsx")
    live = excel.open(book)
    commands.choose_platform(PROFILE)
    commands.match_columns()
    assert "retenues" not in excel.told()
    sheet = live.sheets["CI_Correspondance"]
    rows = {sheet.range(f"A{r}").value: r for r in range(7, 7 + len(HEADERS))}
    sheet.range(f"C{rows['Billing Code']}").value = "Commentaire"

    commands.match_columns()

    said = excel.told()
    assert "Vos corrections sont retenues sur cet ordinateur pour les fichiers aux mêmes " in said
    assert "en-têtes : 1 colonne(s)." in said
    assert "Billing Code → Commentaire" in said
    again = map_file(write_csv(tmp_path / "z.csv", AGAIN), get_profile(PROFILE))
    line = next(line for line in again.lines if line.column == "billing  code")
    assert (line.choice, line.reason) == ("comment", f"choisi par vous le {FRENCH_DAY}")


def test_forget_all_a_profile_or_one_header_set(tmp_path: Path) -> None:
    zoho = write_csv(tmp_path / "zoho.csv", HEADERS)
    other = write_csv(tmp_path / "court.csv", HEADERS[:3], [r[:3] for r in ROWS])
    ok("map", zoho, "-p", PROFILE, "--set", "Billing Code=Commentaire", "--ignore", "Phone")
    ok("map", other, "-p", PROFILE, "--set", "Billing Code=Commentaire")
    ok("map", zoho, "-p", "evoliz-contacts", "--ignore", "Phone")

    assert ok("forget", "-p", "evoliz-contacts") == "1 choix oublié(s), pour 1 jeu(x) d'en-têtes.\n"
    again = write_csv(tmp_path / "zoho-janvier.csv", AGAIN)
    assert ok("forget", again, "--lang", "en") == "2 choice(s) forgotten, for 1 header set(s).\n"
    assert json_of(again)["billing  code"]["field"] == "code"  # back to the automatic one
    assert json_of(other)["Billing Code"]["reason"] == "remembered"  # another header set
    assert ok("forget") == "1 choix oublié(s), pour 1 jeu(x) d'en-têtes.\n"
    assert not store().exists()
    assert ok("forget") == "0 choix oublié(s), pour 0 jeu(x) d'en-têtes.\n"


@pytest.mark.parametrize(
    "content",
    [b"{ pas du json", b'{"format": "autre chose", "files": []}', b"\xff\xfe\x00garbage", b"[]"],
    ids=["broken", "foreign", "binary", "list"],
)
def test_a_damaged_or_foreign_memory_is_one_line_then_set_aside(
    content: bytes, tmp_path: Path
) -> None:
    store().parent.mkdir(parents=True, exist_ok=True)
    store().write_bytes(content)
    source = write_csv(tmp_path / "zoho.csv", HEADERS)

    done = client_import("map", source, "-p", PROFILE, "--json")

    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["mapping"][1]["field"] == "code"
    assert len(done.stderr.splitlines()) == 1, done.stderr
    assert "n'est pas lisible par client-import" in done.stderr
    assert "Traceback" not in done.stderr
    assert store().read_bytes() == content  # reading never touches it

    kept = client_import("map", source, "-p", PROFILE, "--set", "Billing Code=Commentaire")

    assert kept.returncode == 0, kept.stderr
    assert "Traceback" not in kept.stderr
    assert (store().parent / SET_ASIDE).read_bytes() == content  # kept, not lost
    assert json_of(source)["Billing Code"]["field"] == "comment"


def test_the_memory_holds_header_names_and_fields_never_a_cells_value(tmp_path: Path) -> None:
    source = write_csv(tmp_path / "zoho.csv", HEADERS)
    ok("map", source, "-p", PROFILE, "--set", "Billing Code=Commentaire", "--ignore", "EmailID")

    text = store().read_text(encoding="utf-8")

    assert not [value for row in ROWS for value in row if value in text]
    assert json.loads(text)["files"] == [
        {
            "profile": PROFILE,
            "headers": sorted(column_keys(HEADERS).values()),
            "columns": {
                "billing code": {"choice": "comment", "on": TODAY.isoformat()},
                "emailid": {"choice": None, "on": TODAY.isoformat()},
            },
        }
    ]


@pytest.mark.parametrize(
    ("option", "said"),
    [
        (["--set", "Code=Commentaire"], "le fichier n'a pas de colonne « Code » ; ses colonnes"),
        (
            ["--set", "Billing Code=Code barre"],
            "« Code barre » n'est pas un champ du profil evoliz-clients",
        ),
        (["--set", "Billing Code"], "--set attend « Colonne=Champ », pas « Billing Code »"),
        (["--ignore", "Nulle part"], "le fichier n'a pas de colonne « Nulle part »"),
    ],
    ids=["unknown-column", "unknown-field", "no-equals", "ignore-unknown"],
)
def test_a_wrong_correction_is_one_line_and_remembers_nothing(
    option: list[str], said: str, tmp_path: Path
) -> None:
    done = client_import("map", write_csv(tmp_path / "z.csv", HEADERS), "-p", PROFILE, *option)

    assert done.returncode == 2
    assert len(done.stderr.splitlines()) == 1, done.stderr
    assert said in done.stderr
    assert not store().exists()


def test_the_core_puts_remembered_choices_first_and_settles_the_others_around_them() -> None:
    """Pure: a remembered repetition pushes the other e-mail to the free one, a remembered
    split is applied, a field the profile no longer has is forgotten, and a remembered « do
    not import » keeps its column out of the address it would have been joined into."""
    reveal = get_profile("reveal")
    headers = ["Nom complet", "E-mail", "E-mail 2", "Rue", "Ville", "Code postal", "Ancien"]
    rows = [["Marie Tremblay", "a@b.fr", "c@d.fr", "1 rue X", "Paris", "75001", "z"]] * 3
    table = Table.from_rows(headers, rows, SourceInfo(path="export.csv", kind="csv"))
    day = "2026-12-07"
    table.remembered["reveal"] = {
        0: RememberedChoice(SPLIT_NAME, day),
        1: RememberedChoice("email2", day),
        4: RememberedChoice(None, day),
        6: RememberedChoice("fax9", day),  # no such field (any more)
    }

    resolved = resolve(table, reveal)

    assert resolved.choices == [SPLIT_NAME, "email2", "email1", "address1", None, "address1", None]
    reasons = [(c.reason, c.remembered_on) for c in resolved.proposal.columns]
    assert reasons[:2] == [("remembered", day)] * 2
    assert reasons[4] == ("remembered", day)
    assert reasons[6] == ("none", None)
    assert resolve(table, get_profile("flokon")).proposal.columns[1].reason != "remembered"


def _choose_in_sheet(book: Path, labels: dict[str, str]) -> None:
    """Pick a label in the sheet's Champ column, as the user does in Excel's dropdown."""
    workbook = openpyxl.load_workbook(book)
    sheet = workbook["CI_Correspondance"]
    for row in range(7, 7 + len(HEADERS)):
        header = sheet.cell(row, 1).value
        if header in labels:
            sheet.cell(row, 3).value = labels[header]
    workbook.save(book)
    workbook.close()


def _sheet_labels(book: Path) -> dict[str, str]:
    workbook = openpyxl.load_workbook(book, read_only=True)
    sheet = workbook["CI_Correspondance"]
    rows = sheet.iter_rows(min_row=7, max_row=6 + len(HEADERS), max_col=3, values_only=True)
    found = {str(header): str(label) for header, _, label in rows}
    workbook.close()
    return found
