"""One severity model, from each platform's own words (issue 17 §1 and the « Prêt » cases).

error: the platform refuses the value or the file as typed (``fixable`` says whether the product
writes its form); warning: accepted but probably wrong; nothing at all for a form the page
accepts or does not rule on. ``validate`` exits 0 only when the file would be accepted as it is.
"""

from __future__ import annotations

import json
from pathlib import Path

from openpyxl import Workbook
from typer.testing import CliRunner

from addin.core.profiles import get_profile
from addin.shells.cli import app

runner = CliRunner()
HOKUS = [c.header for c in get_profile("hokus").fields]
APTIMYZ = [c.header for c in get_profile("aptimyz").fields]


def validate(path: Path, profile: str, *extra: str) -> tuple[int, dict]:  # type: ignore[type-arg]
    result = runner.invoke(app, ["validate", str(path), "-p", profile, "--json", *extra])
    assert result.exit_code in (0, 1), result.output
    return result.exit_code, json.loads(result.stdout)


def accepted(path: Path, profile: str) -> bool:
    """The file goes as it is: exit 0 and no issue at all."""
    code, report = validate(path, profile)
    return code == 0 and report["issues"] == []


def hokus_csv(path: Path, **cells: str) -> Path:
    """A Hokus file with every column of its template, in order (its page asks for both)."""
    row = {"distributorId": "C1", "civilTitle": "Mme", "Lastname": "Martin", **cells}
    lines = [";".join(HOKUS), ";".join(row.get(h, "") for h in HOKUS)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def aptimyz_csv(path: Path, **cells: str) -> Path:
    row = {
        "Email": "anne.roy@example.ca",
        "First Name": "Anne",
        "Last Name": "Roy",
        "Phone": "+1 418 692 2121",
        **cells,
    }
    lines = [",".join(APTIMYZ), ",".join(row.get(h, "") for h in APTIMYZ)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def kinds(report: dict) -> list[tuple[str, str, bool]]:  # type: ignore[type-arg]
    return [(i["code"], i["severity"], i["fixable"]) for i in report["issues"]]


# --- Hokus: "Date de naissance format JJ/MM/AAAA"; "Valeurs possibles : « Mme » ; « M. »..." --


def test_a_hokus_file_complete_and_in_order_is_accepted_as_it_is(tmp_path: Path) -> None:
    code, report = validate(hokus_csv(tmp_path / "ok.csv"), "hokus")
    assert (code, report["issues"], report["valid_rows"], report["sendable_rows"]) == (0, [], 1, 1)


def test_hokus_refuses_an_iso_date_and_the_product_fixes_it(tmp_path: Path) -> None:
    code, report = validate(hokus_csv(tmp_path / "d.csv", birthdate="1985-07-02"), "hokus")
    assert code == 1
    assert kinds(report) == [("date-format", "error", True)]
    assert report["issues"][0]["suggestion"] == "02/07/1985"
    assert (report["valid_rows"], report["sendable_rows"]) == (0, 1)


def test_hokus_refuses_a_title_outside_its_list_and_the_product_fixes_it(tmp_path: Path) -> None:
    code, report = validate(hokus_csv(tmp_path / "t.csv", civilTitle="Madame"), "hokus")
    assert (code, kinds(report)) == (1, [("choice-format", "error", True)])
    assert report["issues"][0]["suggestion"] == "Mme"


def test_hokus_asks_no_form_of_phone_number_so_none_is_remarked(tmp_path: Path) -> None:
    """The page says « Numéro de téléphone », nothing of E.164: national forms are silence."""
    path = hokus_csv(
        tmp_path / "p.csv", personPhone="04 78 12 34 56", personMobilePhone="0612345678"
    )
    assert accepted(path, "hokus")


def test_hokus_country_as_french_name_or_iso2_but_not_iso3(tmp_path: Path) -> None:
    """« Nom ISO français (ou code ISO 2) »: both taken, anything else refused and fixed."""
    ok = hokus_csv(tmp_path / "ok.csv", nationality="France", birthCountry="FR")
    assert accepted(ok, "hokus")
    code, report = validate(hokus_csv(tmp_path / "iso3.csv", nationality="FRA"), "hokus")
    assert (code, kinds(report)) == (1, [("country-format", "error", True)])


def test_a_space_inside_an_email_is_refused_a_capital_domain_is_not(tmp_path: Path) -> None:
    spaced = hokus_csv(tmp_path / "s.csv", personEmail="paul@ exemple.fr")
    code, report = validate(spaced, "hokus")
    assert (code, kinds(report)) == (1, [("email-format", "error", True)])
    assert report["issues"][0]["suggestion"] == "paul@exemple.fr"
    capital = hokus_csv(tmp_path / "c.csv", personEmail="Paul.Martin@Exemple.FR")
    assert accepted(capital, "hokus")


def test_hokus_wants_its_columns_all_there_and_in_order(tmp_path: Path) -> None:
    """« en suivant le format et l'ordre des données indiquées dans l'onglet csv format »."""
    two = tmp_path / "two.csv"
    two.write_text("distributorId;Lastname\nC1;Martin\n", encoding="utf-8")
    code, report = validate(two, "hokus")
    assert code == 1 and report["valid_rows"] == 0 and report["sendable_rows"] == 1
    [missing] = report["issues"]
    assert (missing["code"], missing["severity"], missing["fixable"]) == (
        "template-columns-missing",
        "error",
        True,
    )
    assert "23" in missing["message"] and "civilTitle" in missing["message"]

    swapped = HOKUS[:]
    swapped[1], swapped[2] = swapped[2], swapped[1]
    other = tmp_path / "order.csv"
    other.write_text(";".join(swapped) + "\nC1;Martin;Mme" + ";" * 22 + "\n", encoding="utf-8")
    code, report = validate(other, "hokus")
    assert (code, kinds(report)) == (1, [("column-order", "error", True)])


def test_an_export_of_a_refused_hokus_file_is_accepted_as_it_is(tmp_path: Path) -> None:
    """What the product fixes, it writes: the export of such a file validates with exit 0."""
    two = tmp_path / "two.csv"
    two.write_text(
        "Lastname;distributorId;birthdate;civilTitle\nMartin;C1;1985-07-02;Madame\n",
        encoding="utf-8",
    )
    out = tmp_path / "export.csv"
    result = runner.invoke(app, ["export", str(two), "-p", "hokus", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert accepted(out, "hokus")


# --- Reveal: "CSV (UTF-8)"; "Les titres des colonnes doivent se trouver dans la première rangée
# seulement"; "le champ utilisera automatiquement le code du pays [du] siège social" ------------


def test_reveal_refuses_a_windows_1252_csv(tmp_path: Path) -> None:
    path = tmp_path / "ansi.csv"
    path.write_bytes(
        "Prénom,Nom de famille,Téléphone 1\nÉmilie,Lavoie,418-692-2121\n".encode("cp1252")
    )
    code, report = validate(path, "reveal")
    assert code == 1 and report["valid_rows"] == 0 and report["sendable_rows"] == 1
    assert kinds(report) == [("wrong-encoding", "error", True)]


def test_reveal_refuses_a_title_row_above_the_headers(tmp_path: Path) -> None:
    path = tmp_path / "title.csv"
    path.write_text(
        "Liste des clients au 01/12/2026\nPrénom,Nom de famille,Téléphone 1\n"
        "Émilie,Lavoie,418-692-2121\n",
        encoding="utf-8",
    )
    code, report = validate(path, "reveal")
    assert (code, kinds(report)) == (1, [("headers-not-first-row", "error", True)])
    assert "ligne 2" in report["issues"][0]["message"]


def test_reveal_takes_numbers_without_their_country_code(tmp_path: Path) -> None:
    path = tmp_path / "national.csv"
    path.write_text(
        "Prénom,Nom de famille,Téléphone 1,Mobile 1\nÉmilie,Lavoie,418 692-2121,(581) 555-0134\n",
        encoding="utf-8",
    )
    assert accepted(path, "reveal")


# --- Aptimyz: "3 caractères, utilisez le code ISO"; "format 9.2"; "soit « Y » ou « N »" ------


def test_aptimyz_refuses_what_its_page_rules_and_the_product_fixes_it(tmp_path: Path) -> None:
    path = aptimyz_csv(
        tmp_path / "a.csv", Country="FR", **{"Account Balance": "1 250.50", "Email Receipt": "oui"}
    )
    code, report = validate(path, "aptimyz")
    assert code == 1
    assert sorted(kinds(report)) == [
        ("country-format", "error", True),
        ("flag-format", "error", True),
        ("number-format", "error", True),
    ]
    assert (report["valid_rows"], report["sendable_rows"]) == (0, 1)
    fixed = tmp_path / "fixed.csv"
    result = runner.invoke(app, ["fix", str(path), "-p", "aptimyz", "-o", str(fixed)])
    assert result.exit_code == 0, result.output
    assert accepted(fixed, "aptimyz")


def test_aptimyz_takes_any_phone_text_up_to_30_characters(tmp_path: Path) -> None:
    path = aptimyz_csv(tmp_path / "p.csv", Phone="06 12 34 56 78")
    assert accepted(path, "aptimyz")


# --- Flokon: "`SMS` ou `appel`"; "Uniquement 10 chiffres (ex : 000-000-0000)" ---------------


def test_flokon_refuses_other_spellings_and_phone_forms_and_the_product_fixes_them(
    tmp_path: Path,
) -> None:
    path = tmp_path / "f.xlsx"
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append([c.header for c in get_profile("flokon").fields])
    sheet.append(
        ["Marie", "Tremblay", "(418) 692-2121", "sms", "999 Rue exemple, Québec, QC, G1P 0A0"]
    )
    book.save(path)
    code, report = validate(path, "flokon")
    assert code == 1
    assert sorted(kinds(report)) == [
        ("choice-format", "error", True),
        ("phone-format", "error", True),
    ]
    assert report["sendable_rows"] == 1


# --- the unfixable and the probably wrong ----------------------------------------------------


def test_a_warning_alone_does_not_make_the_file_refused(tmp_path: Path) -> None:
    """A Reveal contact with no mobile is accepted (a warning: no reminders by SMS)."""
    path = tmp_path / "w.csv"
    path.write_text(
        "Prénom,Nom de famille,Téléphone 1\nÉmilie,Lavoie,418-692-2121\n", encoding="utf-8"
    )
    code, report = validate(path, "reveal")
    assert code == 0
    assert {(i["severity"], i["fixable"]) for i in report["issues"]} <= {("warning", False)}


def test_an_unfixable_error_holds_the_row_back(tmp_path: Path) -> None:
    code, report = validate(hokus_csv(tmp_path / "e.csv", personEmail="paul.exemple.fr"), "hokus")
    assert (code, kinds(report)) == (1, [("invalid-email", "error", False)])
    assert (report["valid_rows"], report["sendable_rows"]) == (0, 0)


def test_ready_is_never_said_of_a_file_the_platform_refuses(tmp_path: Path) -> None:
    """The three « Prêt » cases of the issue: the text report says no « prêt » and exits 1."""
    ansi = tmp_path / "ansi.csv"
    text = "Prénom,Nom de famille,Téléphone 1,Mobile 1\nÉmilie,Lavoie,418-692-2121,581 300 1234\n"
    ansi.write_bytes(text.encode("cp1252"))
    titled = tmp_path / "titled.csv"
    titled.write_text(
        "Clients\nPrénom,Nom de famille,Téléphone 1,Mobile 1\nÉmilie,Lavoie,418-692-2121,"
        "581 300 1234\n",
        encoding="utf-8",
    )
    two = tmp_path / "two.csv"
    two.write_text("distributorId;Lastname\nC1;Martin\n", encoding="utf-8")
    for path, profile in ((ansi, "reveal"), (titled, "reveal"), (two, "hokus")):
        result = runner.invoke(app, ["validate", str(path), "-p", profile])
        assert result.exit_code == 1, (path.name, result.output)
        assert "prêt" not in result.output.lower(), path.name


# --- the head office's country: a setting (Reveal's page) -------------------------------------


def test_the_phone_region_setting_decides_numbers_without_country_code() -> None:
    """Reveal: « le champ utilisera automatiquement le code du pays dans lequel votre siège
    social est basé ». A French head office: 06 12 34 56 78 is a French mobile, not an error."""
    from addin.core.engine import validate as check
    from addin.core.table import SourceInfo, Table

    headers = ["Prénom", "Nom de famille", "Téléphone 1", "Mobile 1"]
    row = ["Anne", "Roy", "01 42 00 00 00", "06 12 34 56 78"]
    table = Table(headers, [[v] for v in row], [2], SourceInfo("t.csv", "csv", encoding="utf-8"))
    reveal = get_profile("reveal")
    quebec = check(table, reveal)
    assert {(i.code, i.severity) for i in quebec.issues} == {("invalid-phone", "error")}
    paris = check(table, reveal.with_phone_region("FR"))
    assert paris.issues == []
    # Flokon's 000-000-0000 is North American whatever the head office
    flokon = get_profile("flokon").with_phone_region("FR")
    assert flokon.field("phone").phone_region == "CA"


def test_the_command_line_takes_the_head_offices_country(tmp_path: Path) -> None:
    path = tmp_path / "paris.csv"
    path.write_text(
        "Prénom,Nom de famille,Téléphone 1,Mobile 1\nAnne,Roy,01 42 00 00 00,06 12 34 56 78\n",
        encoding="utf-8",
    )
    code, report = validate(path, "reveal")
    assert code == 1 and {i["code"] for i in report["issues"]} == {"invalid-phone"}
    code, again = validate(path, "reveal", "--phone-region", "fr")
    assert (code, again["issues"], again["valid_rows"]) == (0, [], 1)
    out = tmp_path / "export.xlsx"
    args = ["export", str(path), "-p", "reveal", "-o", str(out), "--phone-region", "FR"]
    assert runner.invoke(app, args).exit_code == 0
    without = runner.invoke(app, ["validate", str(path), "--phone-region", "FR"])
    assert without.exit_code == 2 and "--profile" in without.stderr
    wrong = runner.invoke(app, ["validate", str(path), "-p", "reveal", "--phone-region", "France"])
    assert wrong.exit_code == 2 and "deux lettres" in wrong.stderr
