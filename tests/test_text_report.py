"""The text report of ``validate``: totals by column and kind first, then what needs a person,
capped, then one line saying how many more and how to get them all, and the totals' sum last.

Files are real CSV files on disk, run through a real ``client-import`` process (the layout) or
the library (the totals beyond the issue cap). The kinds used: an e-mail without @ (an error only
a person can fix), an unknown title (a warning), and, for the product's own fixes, a report
built from issues whose code's suggestion is the platform's form (``core.safety``), so that no
test depends on which format codes a profile currently counts as errors.
"""

from __future__ import annotations

import csv
import json
from collections import Counter
from pathlib import Path

from openpyxl import Workbook
from rich.console import Console

from addin.core.engine import validate
from addin.core.profiles import get_profile
from addin.core.report import Issue, Report
from addin.core.table import SourceInfo
from addin.readers.reader import read_table
from addin.shells.render.report_out import report_json
from addin.shells.render.terminal import SHOWN_ISSUES, print_report
from tests.commands import client_import as cli
from tests.test_issue_cap import HEADER, clients


def test_a_large_file_shows_totals_first_then_the_capped_list_and_the_way_to_get_all(
    tmp_path: Path,
) -> None:
    path = clients(tmp_path / "clients.csv", 300)  # 200 errors, 200 warnings
    done = cli("validate", str(path), "-p", "evoliz-contacts")
    assert done.returncode == 1, done.stderr
    lines = done.stdout.splitlines()
    summary = lines.index(
        "300 lignes, 100 valides telles quelles, 100 envoyables par export et push ; "
        "200 erreur(s), 200 avertissement(s)."
    )
    totals = lines.index("Totaux par colonne :")
    assert summary < totals
    table = lines[totals + 1 : totals + 5]
    assert " ".join(table[0].split()) == (
        "Colonne À corriger à la main Corrigées par le produit Avertissements"
    )
    assert table[1].split() == ["B", "«", "Civilité", "»", "0", "0", "200"]
    assert table[2].split() == ["F", "«", "Email", "»", "200", "0", "0"]
    assert table[3].split() == ["Total", "200", "0", "200"]
    heading = lines.index("À corriger à la main (200) : les 50 premières, dans l'ordre des lignes.")
    assert heading > totals
    assert lines[heading + 1].split() == ["Ligne", "Cellule", "Problème", "et", "correction"]
    listed = lines[heading + 2 : heading + 2 + SHOWN_ISSUES]
    assert [line.split()[:2] for line in listed[:2]] == [["3", "F3"], ["4", "F4"]]
    assert all("« pas-un-email-" in line for line in listed)
    assert "Xyz" not in done.stdout  # warnings are counted, not listed, in a large file
    more = lines[heading + 2 + SHOWN_ISSUES + 1]
    assert more.startswith(
        "350 problème(s) non listé(s) ici (150 à corriger à la main, 0 corrigé(s) par le "
        "produit, 200 avertissement(s)). Pour tout obtenir : --all"
    )
    assert "--json" in more and "--annotate COPIE.xlsx" in more and "--report" in more
    # then only the totals' sum in short: the Total row of the table above, in words
    assert lines[-3:] == [
        more,
        "",
        "Total : 200 à corriger à la main, 0 corrigé(s) par le produit, 200 avertissement(s), "
        "400 problème(s) en tout.",
    ]


def test_a_small_file_is_listed_whole_warnings_included(tmp_path: Path) -> None:
    path = clients(tmp_path / "petit.csv", 6)  # 4 errors, 4 warnings: 8 under the cap
    done = cli("validate", str(path), "-p", "evoliz-contacts", "--lang", "en")
    assert done.returncode == 1
    out = done.stdout
    assert out.index("Totals per column:") < out.index("To fix by hand (4):")
    assert out.index("To fix by hand (4):") < out.index("Warnings (4):")
    assert out.count("pas-un-email-") == 4 and out.count('"Xyz"') == 4
    assert "not listed" not in out
    assert out.splitlines()[-1] == (
        "Total: 4 to fix by hand, 0 fixed by the product, 4 warning(s), 8 problem(s) in all."
    )


def test_max_and_all_change_the_cap(tmp_path: Path) -> None:
    path = clients(tmp_path / "clients.csv", 30)  # 20 errors, 20 warnings
    capped = cli("validate", str(path), "-p", "evoliz-contacts", "--max", "3", "--lang", "en")
    assert capped.stdout.count("pas-un-email-") == 3
    assert "To fix by hand (20): the first 3, in row order." in capped.stdout
    assert "37 problem(s) not listed here (17 to fix by hand, 0 fixed by the product, 20 " in (
        capped.stdout
    )
    every = cli("validate", str(path), "-p", "evoliz-contacts", "--all")
    assert every.stdout.count("pas-un-email-") == 20 and every.stdout.count("« Xyz »") == 20
    assert "non listé" not in every.stdout
    wrong = cli("validate", str(path), "-p", "evoliz-contacts", "--max", "-1")
    assert wrong.returncode == 2 and "Traceback" not in wrong.stderr


def test_nothing_the_text_lists_is_missing_from_the_json(tmp_path: Path) -> None:
    path = clients(tmp_path / "clients.csv", 90)
    text = cli("validate", str(path), "-p", "evoliz-contacts", "--all", "--lang", "en").stdout
    data = json.loads(cli("validate", str(path), "-p", "evoliz-contacts", "--json").stdout)
    cells = {f"F{i['row']}" for i in data["issues"] if i["code"] == "invalid-email"}
    listed = {line.split()[1] for line in text.splitlines() if "pas-un-email-" in line}
    assert listed == cells and len(cells) == 60
    kinds = Counter(
        (i["column"], i["severity"], i["fixable"]) for i in data["issues"]
    )  # the text's totals, from the JSON
    assert kinds == {("Civilité", "warning", False): 60, ("Email", "error", False): 60}
    rows = [line.split() for line in text.splitlines()]
    assert ["B", "“Civilité”", "0", "0", "60"] in rows
    assert ["F", "“Email”", "60", "0", "0"] in rows


def test_totals_past_the_issue_cap_count_every_issue_by_kind(tmp_path: Path) -> None:
    table = read_table(clients(tmp_path / "clients.csv", 300))
    profile = get_profile("evoliz-contacts")
    full = validate(table, profile, issue_cap=None)
    capped = validate(table, profile, issue_cap=50)
    assert capped.truncated and capped.totals() == full.totals()
    console = Console(record=True, width=300)
    print_report(capped, console, "en", shown=10)
    text = console.export_text()
    assert "Past the first 50 problems, the details are not kept" in text
    assert "390 problem(s) not listed here (190 to fix by hand, 0 fixed by the product, 200" in (
        text
    )


def _source() -> SourceInfo:
    return SourceInfo(path="clients.csv", kind="csv", encoding="utf-8", separator=";")


def test_errors_the_product_fixes_are_counted_apart_and_not_listed_as_work() -> None:
    """``postal-code-leading-zero`` carries the same value in the platform's form (safety's
    rule), ``invalid-email`` no suggestion: the first is the product's, the second a person's."""
    profile = get_profile("hokus")

    def issue(code: str, row: int, position: int, suggestion: str | None) -> Issue:
        params = {"reason": "il manque le « @ »"}
        return Issue(code, "error", row, f"col{position}", None, "x", suggestion, params, position)

    issues = [issue("postal-code-leading-zero", n, 14, "01000") for n in range(2, 62)]
    issues += [issue("invalid-email", n, 15, None) for n in range(2, 5)]
    issues.sort(key=lambda i: (i.row, i.position))
    report = Report(
        profile,
        _source(),
        rows=61,
        issues=issues,
        rows_with_errors=set(range(2, 62)),
        unfixable_rows={2, 3, 4},
    )
    assert [tuple(t) for t in report.totals()] == [("col14", 14, 0, 60, 0), ("col15", 15, 3, 0, 0)]
    console = Console(record=True, width=300)
    print_report(report, console, "fr")
    lines = console.export_text().splitlines()
    assert (
        "61 lignes, 1 valides telles quelles, 58 envoyables par export et push ; 63 erreur(s), "
        "0 avertissement(s)." in lines
    )
    assert "À corriger à la main (3) :" in lines
    work = [
        line.split()[1] for line in lines if line.startswith("  ") and line.split()[0].isdigit()
    ]
    assert work[:3] == ["P2", "P3", "P4"] and len(work) == 3
    assert any(
        line.startswith("60 problème(s) non listé(s) ici (0 à corriger à la main, 60 corrigé(s)")
        for line in lines
    )


def test_the_json_has_one_issue_a_line_even_when_a_value_looks_like_the_cut(
    tmp_path: Path,
) -> None:
    """Issues are written one a line by cutting the encoded list between items: a value that
    spells the cut (``}, {"row": ``), quotes or backslashes must stay inside its issue."""
    tricky = ['x}, {"row": 9, ', 'a\\\\"}, {"row": 1', "}, {", "é « ; »"]
    path = tmp_path / "clients.csv"
    lines = [HEADER] + [
        f'C{n};Mme;Nom;Anne;;"{v.replace(chr(34), chr(34) * 2)}";;;Autorisé\n'
        for n, v in enumerate(tricky)
    ]
    path.write_text("".join(lines), encoding="utf-8")
    done = cli("validate", str(path), "-p", "evoliz-contacts", "--json")
    data = json.loads(done.stdout)
    assert [i["value"] for i in data["issues"] if i["code"] == "invalid-email"] == tricky
    issue_lines = [line for line in done.stdout.splitlines() if line.startswith('    {"row"')]
    assert len(issue_lines) == len(data["issues"])
    assert [json.loads(line.rstrip(","))["value"] for line in issue_lines] == [
        i["value"] for i in data["issues"]
    ]


def test_report_file_gets_every_issue_as_csv_or_text(tmp_path: Path) -> None:
    path = clients(tmp_path / "clients.csv", 300)
    with_formula = path.read_text(encoding="utf-8").replace("pas-un-email-1;", "=1+1;", 1)
    path.write_text(with_formula, encoding="utf-8")
    table = tmp_path / "rapport.csv"
    done = cli("validate", str(path), "-p", "evoliz-contacts", "--report", str(table))
    assert done.returncode == 1, done.stderr
    with table.open(encoding="utf-8-sig", newline="") as written_csv:
        rows = list(csv.reader(written_csv, delimiter=";"))
    assert rows[0] == [
        "Ligne",
        "Cellule",
        "Colonne",
        "Type",
        "Code",
        "Problème et correction",
        "Valeur",
    ]
    assert len(rows) == 1 + 400
    assert Counter(r[3] for r in rows[1:]) == {"à corriger à la main": 200, "avertissement": 200}
    assert rows[2][:5] == ["3", "F3", "Email", "à corriger à la main", "invalid-email"]
    assert "'=1+1" in {r[6] for r in rows[1:]}  # a formula in the user's file stays text
    text = tmp_path / "rapport.txt"
    cli("validate", str(path), "-p", "evoliz-contacts", "--report", str(text), "--lang", "en")
    written = text.read_text(encoding="utf-8")
    assert written.count("pas-un-email-") == 199 and written.count('"Xyz"') == 200
    assert "not listed" not in written
    again = cli("validate", str(path), "-p", "evoliz-contacts", "--report", str(text))
    assert again.returncode == 2 and "--force" in again.stderr and again.stdout == ""
    for wrong in (tmp_path / "rapport.xlsx", path):
        refused = cli("validate", str(path), "-p", "evoliz-contacts", "--report", str(wrong))
        assert refused.returncode == 2 and len(refused.stderr.splitlines()) == 1
    assert path.read_text(encoding="utf-8") == with_formula


def test_the_json_text_reads_back_as_the_reports_dictionary(tmp_path: Path) -> None:
    """``--json`` is written from pieces encoded once; read back, it is ``to_dict`` exactly:
    capped or not, file-level issues (no row, no column), quotes, backslashes, accents."""
    path = clients(tmp_path / "clients.csv", 60)
    text = path.read_text(encoding="utf-8")
    text = text.replace("pas-un-email-1;", '"a\\"b « c »";', 1).replace("Nom5;", "Nom\\5;")
    path.write_text(text + "C9;Mme;;;;;;;;colonne en trop\n", encoding="utf-8")
    table = read_table(path)
    profile = get_profile("evoliz-contacts")
    for report in (validate(table, profile), validate(table, profile, issue_cap=7)):
        assert any(i.row is None for i in report.issues) or report.truncated
        for lang in ("fr", "en"):
            assert json.loads(report_json(report, lang)) == report.to_dict(lang)


def test_force_replaces_a_marked_copy_and_a_report_file(tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for line in clients(tmp_path / "clients.csv", 6).read_text(encoding="utf-8").splitlines():
        sheet.append(line.split(";"))
    path = tmp_path / "clients.xlsx"
    book.save(path)
    marked, written = tmp_path / "marque.xlsx", tmp_path / "rapport.txt"
    args = ["validate", str(path), "-p", "evoliz-contacts", "--annotate", str(marked)]
    first = cli(*args, "--report", str(written))
    assert first.returncode == 1, first.stderr
    refused = cli(*args)
    assert refused.returncode == 2 and "existe déjà" in refused.stderr
    written.write_text("ancien", encoding="utf-8")
    again = cli(*args, "--report", str(written), "--force")
    assert again.returncode == 1, again.stderr
    assert "Totaux par colonne :" in written.read_text(encoding="utf-8")
    assert marked.stat().st_size > 0
