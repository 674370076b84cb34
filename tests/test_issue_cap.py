"""Past a cap, issues are counted per column and code instead of kept: totals stay true.

A 1,000,000-row file whose every row is wrong made 7.9 million issues, 6.8 GB of memory and
2.9 GB of JSON. The files here are real CSV files written on disk; the cap is lowered for the
library tests, and the default cap is crossed once through a real ``client-import`` process.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from rich.console import Console

from addin.core.context import ISSUE_CAP
from addin.core.engine import validate
from addin.core.fixes import fix_table
from addin.core.marks import plan_marks
from addin.core.profiles import get_profile
from addin.core.report import Report
from addin.readers.reader import read_table
from addin.shells.render.terminal import print_report

HEADER = "Code client;Civilité;Nom;Prénom;Fonction;Email;Téléphone;Portable;Consentement\n"


def clients(path: Path, rows: int) -> Path:
    """Every third row is clean; the others have a wrong title (warning) and e-mail (error)."""
    lines = [HEADER]
    for n in range(rows):
        if n % 3 == 0:
            lines.append(f"C{n};Mme;Nom{n};Anne;;anne{n}@exemple.fr;;;Autorisé\n")
        else:
            lines.append(f"C{n};Xyz;Nom{n};Anne;;pas-un-email-{n};;;Autorisé\n")
    path.write_text("".join(lines), encoding="utf-8")
    return path


def reports(tmp_path: Path, rows: int, cap: int) -> tuple[Report, Report]:
    table = read_table(clients(tmp_path / "clients.csv", rows))
    profile = get_profile("evoliz-contacts")
    return validate(table, profile, issue_cap=None), validate(table, profile, issue_cap=cap)


def test_a_capped_report_keeps_the_first_issues_and_counts_every_one(tmp_path: Path) -> None:
    full, capped = reports(tmp_path, 300, cap=50)
    assert not full.truncated and len(full.issues) == 400
    assert capped.truncated
    assert capped.issues == full.issues[:50]  # the first ones, in the report's order
    assert sum(capped.omitted.values()) == 350
    assert capped.counts() == full.counts()
    assert [(k.code, k.severity, n) for k, n in capped.counts()] == [
        ("invalid-choice", "warning", 200),
        ("invalid-email", "error", 200),
    ]
    assert (capped.error_count, capped.warning_count) == (200, 200)
    assert (capped.rows, capped.valid_rows, capped.valid) == (300, 100, False)
    assert capped.rows_with_errors == full.rows_with_errors


def test_a_report_under_the_cap_is_unchanged(tmp_path: Path) -> None:
    full, capped = reports(tmp_path, 30, cap=50)
    assert capped.issues == full.issues and not capped.truncated
    data = capped.to_dict()
    assert "truncated" not in data and "counts" not in data


def test_only_warnings_past_the_cap_leave_the_file_valid(tmp_path: Path) -> None:
    path = tmp_path / "titres.csv"
    rows = "".join(f"C{n};Xyz;Nom{n};Anne;;a{n}@exemple.fr;;;Autorisé\n" for n in range(40))
    path.write_text(HEADER + rows, encoding="utf-8")
    capped = validate(read_table(path), get_profile("evoliz-contacts"), issue_cap=10)
    assert capped.truncated and capped.valid and capped.valid_rows == 40
    assert (capped.error_count, capped.warning_count) == (0, 40)


def test_the_json_the_text_and_the_marks_say_the_report_is_partial(tmp_path: Path) -> None:
    _, capped = reports(tmp_path, 300, cap=50)
    data = capped.to_dict()
    assert data["truncated"] is True and len(data["issues"]) == 50
    assert {"column": "Email", "field": "email", "code": "invalid-email"}.items() <= data["counts"][
        1
    ].items()
    assert sum(c["count"] for c in data["counts"]) == 400

    console = Console(record=True, width=200)
    print_report(capped, console, "fr")
    lines = console.export_text().splitlines()
    assert "Au-delà des 50 premiers problèmes, le détail n'est pas gardé" in lines[-3]
    assert lines[-1].startswith("Total : 200 à corriger à la main")
    assert lines[-4].startswith("375 problème(s) non listé(s) ici (175 à corriger à la main")
    assert ["F", "«", "Email", "»", "200", "0", "0"] in [line.split() for line in lines]
    assert "300 lignes, 100 valides telles quelles" in lines[4]

    plan = plan_marks(capped, "clients", width=9, last_row=301)
    assert plan.lines[0].code == "issues-truncated"
    assert "350 problèmes de plus" in plan.lines[0].message
    assert [line.message for line in plan.lines[1:3]] == [
        "200 problème(s) « invalid-choice » dans cette colonne, en tout.",
        "200 problème(s) « invalid-email » dans cette colonne, en tout.",
    ]
    assert (plan.errors, plan.warnings) == (200, 200)


def test_the_terminal_lists_the_first_errors_and_counts_the_others(tmp_path: Path) -> None:
    full, _ = reports(tmp_path, 900, cap=50)
    console = Console(record=True, width=200)
    print_report(full, console, "en", shown=30)
    text = console.export_text()
    assert "To fix by hand (600): the first 30, in row order." in text
    assert "1170 problem(s) not listed here (570 to fix by hand, 0 fixed by the product" in text
    assert "the details are not kept" not in text  # every issue is in the JSON
    assert text.count("pas-un-email") == 30


def test_the_command_caps_a_file_with_more_issues_than_the_default(tmp_path: Path) -> None:
    rows = ISSUE_CAP * 3 // 4 + 3  # two issues on two rows of three: past the cap
    path = clients(tmp_path / "gros.csv", rows)
    done = subprocess.run(
        [sys.executable, "-m", "addin", "validate", str(path), "-p", "evoliz-contacts", "--json"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 1, done.stderr
    data = json.loads(done.stdout)
    wrong = rows - (rows + 2) // 3
    assert data["truncated"] is True
    assert len(data["issues"]) == ISSUE_CAP
    assert sum(c["count"] for c in data["counts"]) == 2 * wrong
    assert (data["rows"], data["valid_rows"]) == (rows, rows - wrong)


def test_fix_applies_every_safe_fix_even_given_a_capped_report(tmp_path: Path) -> None:
    path = tmp_path / "titres.csv"
    rows = "".join(f"C{n};Mme;Nom{n};Anne;;a{n}@exemple.fr;;;autorise\n" for n in range(60))
    path.write_text(HEADER + rows, encoding="utf-8")
    table = read_table(path)
    profile = get_profile("evoliz-contacts")
    capped = validate(table, profile, issue_cap=10)
    assert capped.truncated
    result = fix_table(table, profile, report=capped)
    assert len(result.changes) == 60  # "autorise" → "Autorisé" on every row, not on 10 only
    assert result.report.issues == [] and not result.report.truncated
    assert len(result.before.issues) == 60  # the summary counts the issues there were
