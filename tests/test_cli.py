"""The command-line contract: exit codes, JSON shape, one-line errors, profile detection."""

from __future__ import annotations

import json
import os
import re
import secrets
import signal
import subprocess
import sys
from pathlib import Path

import pytest
import requests
from openpyxl import Workbook, load_workbook
from typer.testing import CliRunner

from addin.core.profiles import get_profile
from addin.shells.cli import app

SAMPLES = Path(__file__).resolve().parents[1] / "demo" / "samples"
runner = CliRunner()


def run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def write_csv(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


HOKUS = [c.header for c in get_profile("hokus").fields]


def hokus_text(*rows: dict[str, str]) -> str:
    """A Hokus CSV with every column of its template in order, as its page asks."""
    lines = [";".join(HOKUS)] + [";".join(row.get(h, "") for h in HOKUS) for row in rows]
    return "\n".join(lines) + "\n"


def test_profiles_lists_the_six_platforms() -> None:
    code, out, _ = run("profiles")
    assert code == 0
    assert [line.split()[0] for line in out.splitlines()] == [
        "aptimyz",
        "evoliz-clients",
        "evoliz-contacts",
        "flokon",
        "hokus",
        "reveal",
    ]


def test_valid_file_exits_0(tmp_path: Path) -> None:
    csv = write_csv(
        tmp_path / "ok.csv",
        hokus_text({"distributorId": "C1", "civilTitle": "Mme", "Lastname": "Martin"}),
    )
    code, out, _ = run("validate", str(csv), "--profile", "hokus", "--json")
    assert code == 0
    data = json.loads(out)
    assert data == {
        "profile": "hokus",
        "file": str(csv),
        "rows": 1,
        "valid_rows": 1,
        "sendable_rows": 1,
        "issues": [],
    }


def test_errors_exit_1_with_the_json_contract(tmp_path: Path) -> None:
    csv = write_csv(
        tmp_path / "bad.csv",
        hokus_text(
            {"distributorId": "C1", "civilTitle": "Docteur", "personEmail": "a@b.fr"},
            {"civilTitle": "Mme", "personEmail": "x"},
        ),
    )
    code, out, _ = run("validate", str(csv), "--profile", "hokus", "--json")
    assert code == 1
    data = json.loads(out)
    assert (data["rows"], data["valid_rows"], data["sendable_rows"]) == (2, 0, 0)
    assert [
        (i["row"], i["column"], i["field"], i["severity"], i["code"], i["value"])
        for i in data["issues"]
    ] == [
        (2, "civilTitle", "civilTitle", "error", "invalid-choice", "Docteur"),
        (3, "distributorId", "distributorId", "error", "required-value", None),
        (3, "personEmail", "personEmail", "error", "invalid-email", "x"),
    ]
    assert set(data["issues"][0]) == {
        "row",
        "column",
        "field",
        "severity",
        "code",
        "message",
        "value",
        "suggestion",
        "fixable",
    }
    assert [i["fixable"] for i in data["issues"]] == [False, False, False]


def test_an_error_the_product_fixes_is_marked_fixable_and_its_row_sendable(tmp_path: Path) -> None:
    """Hokus refuses « ; » in a field, and `fix`/`export` write the comma that reads the same:
    an error (the file is refused as typed: exit 1, no valid row), fixable, and the row is one
    the export will send."""
    csv = write_csv(
        tmp_path / "h.csv",
        hokus_text({"distributorId": "C1", "personHomeAddress": '"5 av. Foch; Bât. B"'}),
    )
    code, out, _ = run("validate", str(csv), "--profile", "hokus", "--json")
    assert code == 1
    data = json.loads(out)
    assert (data["rows"], data["valid_rows"], data["sendable_rows"]) == (1, 0, 1)
    [issue] = [i for i in data["issues"] if i["severity"] == "error"]
    assert (issue["code"], issue["fixable"]) == ("forbidden-character", True)


def test_warnings_only_exit_0_and_english(tmp_path: Path) -> None:
    """A company without its city, country and postal code: Hokus takes it, probably wrong."""
    company = {"distributorId": "C1", "civilTitle": "Société", "companyDenomination": "ACME"}
    csv = write_csv(tmp_path / "w.csv", hokus_text(company))
    code, out, _ = run("validate", str(csv), "--profile", "hokus", "--json", "--lang", "en")
    assert code == 0
    issues = json.loads(out)["issues"]
    assert {(i["code"], i["severity"], i["fixable"]) for i in issues} == {
        ("required-if", "warning", False)
    }
    assert all("is required here" in i["message"] for i in issues)


def test_profile_is_detected_from_headers(tmp_path: Path) -> None:
    csv = write_csv(
        tmp_path / "f.csv",
        "Prénom,Nom,Téléphone,SMS/Appel,Adresse\nMarie,Roy,418-692-2121,appel,1 rue A\n",
    )
    code, out, _ = run("validate", str(csv), "--json")
    assert json.loads(out)["profile"] == "flokon"
    assert code in (0, 1)


def test_text_report_groups_by_row_with_totals() -> None:
    code, out, _ = run("validate", str(SAMPLES / "hokus.csv"), "--profile", "hokus")
    assert code == 1
    assert "séparateur « ; »" in out
    assert "lignes" in out and "erreur(s)" in out


@pytest.mark.parametrize(
    ("name", "content", "needle"),
    [
        ("empty.csv", b"", "vide"),
        ("junk.xlsx", bytes(range(256)) * 20, ""),
        ("missing.csv", None, ""),
    ],
)
def test_unreadable_files_exit_2_with_one_line(
    tmp_path: Path, name: str, content: bytes | None, needle: str
) -> None:
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)
    code, out, err = run("validate", str(path), "--profile", "hokus")
    assert code == 2
    assert out == ""
    assert err.startswith("Erreur : ") and len(err.strip().splitlines()) == 1
    assert needle in err
    assert "Traceback" not in err


def test_wrong_arguments_exit_2(tmp_path: Path) -> None:
    csv = write_csv(tmp_path / "x.csv", "a;b\n1;2\n")
    assert run("validate", str(csv), "--profile", "nope")[0] == 2
    assert run("validate", str(csv), "--lang", "de", "--profile", "hokus")[0] == 2
    assert run("validate", str(csv))[0] == 2  # no profile recognises "a;b"
    assert run("validate")[0] == 2


def test_console_script_runs_as_a_process(tmp_path: Path) -> None:
    csv = write_csv(tmp_path / "ok.csv", hokus_text({"distributorId": "C1"}))
    done = subprocess.run(
        [sys.executable, "-m", "addin", "validate", str(csv), "--profile", "hokus", "--json"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["valid_rows"] == 1


def test_workbook_json_is_clean_and_no_bar_off_a_terminal(tmp_path: Path) -> None:
    """Off a terminal (a pipe, as here) no progress bar is drawn, and stdout is only JSON."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["Prénom", "Nom de famille", "Téléphone 1", "Mobile 1"])
    sheet.append(["Émilie", "Lavoie", "418-692-2121", "581 300 1234"])
    path = tmp_path / "ok.xlsx"
    book.save(path)
    done = subprocess.run(
        [sys.executable, "-m", "addin", "validate", str(path), "--profile", "reveal", "--json"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["rows"] == 1
    assert done.stderr == ""


def test_the_sandbox_command_serves_the_contract_until_stopped(tmp_path: Path) -> None:
    command = [
        str(Path(sys.executable).parent / "client-import"),
        "sandbox",
        "--port",
        "0",
        "--db",
        str(tmp_path / "s.sqlite"),
        "--quiet",
    ]
    token = secrets.token_hex(8)
    env = {**os.environ, "CLIENT_IMPORT_SANDBOX_TOKEN": token}
    with subprocess.Popen(command, stdout=subprocess.PIPE, text=True, env=env) as server:
        try:
            assert server.stdout is not None
            line = server.stdout.readline()
            assert line.startswith("listening on http://127.0.0.1:")
            base = line.split()[-1]
            with requests.Session() as http:
                assert http.get(f"{base}/records/clients?page=1").status_code == 401
                reply = http.post(
                    f"{base}/records/clients/batch",
                    json={"upsert": [{"key": "C1", "fields": {"name": "Alpha"}}]},
                    headers={"Authorization": f"Bearer {token}"},
                )
                assert [r["status"] for r in reply.json()["results"]] == ["created"]
        finally:
            server.send_signal(signal.SIGTERM)
            assert server.wait(timeout=10) == 0


@pytest.mark.parametrize(
    "name", ["dolibarr-tiers.csv", "indy-clients.csv", "outlook-en.csv", "google-contacts.csv"]
)
def test_another_tools_export_is_not_given_a_platform_silently(name: str) -> None:
    """A Dolibarr or Outlook export is no platform's file: without --profile the command asks
    instead of checking it against the platform whose names happen to fit best."""
    path = Path(__file__).parent / "fixtures" / "exports" / name
    result = runner.invoke(app, ["validate", str(path)])
    assert result.exit_code == 2
    assert result.stderr.startswith("Erreur : ces en-têtes ne sont pas ceux d'une plateforme")
    assert "précisez --profile" in result.stderr


@pytest.mark.parametrize("name", sorted(p.name for p in SAMPLES.iterdir()))
def test_each_platforms_own_file_is_recognised_without_profile(name: str) -> None:
    result = runner.invoke(app, ["validate", str(SAMPLES / name), "--json"])
    assert result.exit_code in (0, 1), result.stderr
    assert json.loads(result.stdout)["profile"] == Path(name).stem


FRENCH_WORDS = re.compile(r"[éèàùç]|\b(le|la|les|des|une|pour|est|avec|valeur|ou|à)\b")


@pytest.mark.parametrize("name", sorted(p.name for p in SAMPLES.iterdir()))
def test_an_english_report_has_no_french_outside_values_and_headers(name: str) -> None:
    """With --lang en, the help texts, reasons and ranges inside messages are English too; only
    the file's own values and the platform's (French) column names stay as written."""
    path = SAMPLES / name
    result = runner.invoke(app, ["validate", str(path), "-p", path.stem, "--lang", "en", "--json"])
    headers = [c.header for c in get_profile(path.stem).fields]
    french = []
    for issue in json.loads(result.stdout)["issues"]:
        text = issue["message"]
        for written in [str(issue["value"]), str(issue["suggestion"]), *headers]:
            text = text.replace(written, "")
        text = re.sub(r'"[^"]*"|\(.\)', "", text)  # quoted values, the character shown: (è)
        if FRENCH_WORDS.search(text):
            french.append(issue["message"])
    assert french == []


def test_a_sixth_numbered_column_of_five_is_the_one_left_out(tmp_path: Path) -> None:
    """Reveal takes five e-mails: with « Courriel 1 » … « Courriel 6 », the first five go to
    the platform as they are numbered, the sixth is the one not imported, and the warning
    names the column that holds the last place."""
    path = tmp_path / "contacts.csv"
    emails = [f"a{n}@exemple.ca" for n in range(1, 7)]
    path.write_text(
        "Prénom;Nom de famille;Téléphone 1;"
        + ";".join(f"Courriel {n}" for n in range(1, 7))
        + "\nMarie;Tremblay;+1 418-692-2121;"
        + ";".join(emails)
        + "\n",
        encoding="utf-8",
    )
    out = tmp_path / "reveal.xlsx"
    result = runner.invoke(app, ["export", str(path), "-p", "reveal", "-o", str(out)])
    assert result.exit_code == 0, result.stderr
    sheet = load_workbook(out).active
    assert sheet is not None
    rows = list(sheet.iter_rows(values_only=True))
    exported = dict(zip(rows[0], rows[1], strict=True))
    assert [exported[f"Courriel {n}"] for n in range(1, 6)] == emails[:5]
    checked = runner.invoke(app, ["validate", str(path), "-p", "reveal", "--json"])
    [warning] = [i for i in json.loads(checked.stdout)["issues"] if i["column"] == "Courriel 6"]
    assert "« Courriel 5 » alimente déjà" in warning["message"]
