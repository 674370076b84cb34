"""A command that cannot write ends in one line and exit status 2, the original untouched and
nothing half-written left (issue 14, part 5).

Exit 1 means "issues found": a folder that does not exist, a path through a file, a read-only
workbook or a full disk must never end there with a traceback. The tests run as root in CI,
where permissions stop nothing, so every failure here is one root meets too: a missing folder
(ENOENT), a "folder" that is a file (ENOTDIR), a workbook whose read-only attribute is set
(the product refuses it, as Excel does), and a full disk, made real for the child process by
a limit on the size of the files it writes (``RLIMIT_FSIZE``: EFBIG, as ENOSPC would).
"""

from __future__ import annotations

import resource
import secrets
import signal
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from openpyxl import Workbook

from tests.commands import client_import as cli
from tests.user_workbooks import write_user_workbook

#: made up per run: no key-shaped literal in the repository
TOKEN = secrets.token_hex(16)
HEADERS = ["Prénom", "Nom", "Téléphone", "SMS/Appel", "Adresse", "Adresse Ligne 1", "Ville",
           "Code postal", "Notes", "Identifiant du client"]  # fmt: skip
ROWS = [
    ["Marie", "Tremblay", "418-555-0134", "appel", "5 Av. des Pins, Québec, QC, G1R 2T3", None,
     None, None, None, 1001],
    [" Paul ", "Roy", "4185550199", "texto", None, "12 rue du Lac", "Lévis", "g6v 1a1", None, 1002],
    ["Luc", "Côté", "12", "appel", None, "3 rue Haute", "Lévis", "G6V 1A1", None, 1003],
]  # fmt: skip
#: a file size no workbook of these tests fits in: the "disk" is full at the first write
FULL_AT = 2048


@pytest.fixture(autouse=True)
def environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CLIENT_IMPORT_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("CLIENT_IMPORT_TOKEN", TOKEN)
    monkeypatch.setenv("PYTHONDONTWRITEBYTECODE", "1")
    monkeypatch.setenv("COLUMNS", "250")


def _full_disk() -> None:
    """In the child: files it writes stop at FULL_AT bytes (the write fails, no signal)."""
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (FULL_AT, FULL_AT))


def assert_clean_failure(done: subprocess.CompletedProcess[str]) -> str:
    assert done.returncode == 2, (done.returncode, done.stdout, done.stderr)
    assert done.stderr.startswith("Erreur : ") and done.stderr.count("\n") == 1, done.stderr
    assert "Traceback" not in done.stderr + done.stdout
    return done.stderr


def state(folder: Path) -> dict[str, bytes | None]:
    """Every file under ``folder`` (our data folder aside) with its bytes; folders as None."""
    return {
        str(p.relative_to(folder)): (p.read_bytes() if p.is_file() else None)
        for p in sorted(folder.rglob("*"))
        if "data" not in p.relative_to(folder).parts
    }


def flokon_book(path: Path) -> Path:
    return write_user_workbook(path, HEADERS, ROWS, formulas={})


def reveal_book(path: Path) -> Path:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["Prénom", "Nom de famille", "Téléphone 1"])
    sheet.append(["Marie", "Tremblay", "+1 418-555-0134"])
    book.save(path)
    book.close()
    return path


def _files(tmp_path: Path) -> dict[str, Path]:
    csv = tmp_path / "clients.csv"
    csv.write_text(
        ";".join(HEADERS) + "\n Paul ;Roy;4185550199;appel;;12 rue du Lac;Lévis;g6v 1a1;;2\n",
        encoding="utf-8",
    )
    return {
        "book": flokon_book(tmp_path / "clients.xlsx"),
        "csv": csv,
        "reveal": reveal_book(tmp_path / "contacts.xlsx"),
    }


def _output_commands(files: dict[str, Path], out: Path) -> dict[str, list[str | Path]]:
    """Each command that writes a new file, writing it into the folder ``out``."""
    book, csv = files["book"], files["csv"]
    return {
        "validate --annotate": ["validate", book, "-p", "flokon", "--annotate", out / "m.xlsx"],
        "fix -o (xlsx)": ["fix", book, "-p", "flokon", "-o", out / "f.xlsx"],
        "fix -o (csv)": ["fix", csv, "-p", "flokon", "-o", out / "f.csv"],
        "export -o": ["export", csv, "-p", "flokon", "-o", out / "e.xlsx"],
        "export --rejects": [
            "export",
            csv,
            "-p",
            "flokon",
            "-o",
            csv.with_name("e.xlsx"),
            "--rejects",
            out / "r.csv",
        ],
        "map --write -o": ["map", book, "-p", "flokon", "--write", "-o", out / "c.xlsx"],
        "template -o": ["template", "flokon", "-o", out / "t.xlsx"],
        "push -o": [
            "push",
            files["reveal"],
            "-p",
            "reveal",
            "--target",
            "http://127.0.0.1:9",
            "-o",
            out / "p.xlsx",
        ],
    }


OUTPUT_COMMANDS = list(
    _output_commands(dict.fromkeys(("book", "csv", "reveal"), Path("x")), Path())
)


@pytest.mark.parametrize("command", OUTPUT_COMMANDS)
def test_writing_into_a_folder_that_does_not_exist_is_one_line(
    tmp_path: Path, command: str
) -> None:
    files = _files(tmp_path)
    before = state(tmp_path)
    done = cli(*_output_commands(files, tmp_path / "absent" / "dossier")[command])
    if command == "template -o":  # a template's folder is made for it
        assert done.returncode == 0, done.stderr
        return
    err = assert_clean_failure(done)
    assert "n'existe pas" in err
    assert state(tmp_path) == before


@pytest.mark.parametrize("command", OUTPUT_COMMANDS)
def test_writing_under_a_file_as_if_it_were_a_folder_is_one_line(
    tmp_path: Path, command: str
) -> None:
    files = _files(tmp_path)
    (tmp_path / "notes.txt").write_text("pas un dossier", encoding="utf-8")
    before = state(tmp_path)
    done = cli(*_output_commands(files, tmp_path / "notes.txt")[command])
    err = assert_clean_failure(done)
    assert "notes.txt" in err
    assert state(tmp_path) == before


@pytest.mark.parametrize(
    "command",
    [
        "validate --annotate",
        "fix -o (xlsx)",
        "fix -o (csv)",
        "export -o",
        "map --write -o",
        "template -o",
    ],
)
def test_a_full_disk_while_writing_a_new_file_is_one_line_and_leaves_nothing(
    tmp_path: Path, command: str
) -> None:
    files = _files(tmp_path)
    files["csv"].write_text(  # a CSV output big enough to fill the "disk"
        files["csv"].read_text(encoding="utf-8")
        + "".join(
            f"Marie;Tremblay;418-555-0134;appel;;12 rue du Lac;Lévis;G6V 1A1;;{n}\n"
            for n in range(3, 200)
        ),
        encoding="utf-8",
    )
    (tmp_path / "out").mkdir()
    before = state(tmp_path)
    done = cli(*_output_commands(files, tmp_path / "out")[command], before=_full_disk)
    err = assert_clean_failure(done)
    assert "disque" in err
    assert state(tmp_path) == before


def _in_place_commands(book: Path) -> dict[str, list[str | Path]]:
    return {
        "validate --in-place": ["validate", book, "-p", "flokon", "--in-place"],
        "clear": ["clear", book],
        "fix --in-place": ["fix", book, "-p", "flokon", "--in-place"],
        "undo": ["undo", book],
        "map --write": ["map", book, "-p", "flokon", "--write"],
    }


IN_PLACE = list(_in_place_commands(Path("x")))


def _prepared(tmp_path: Path) -> Path:
    """The user's workbook marked and fixed already, so that clear and undo have work."""
    book = flokon_book(tmp_path / "clients.xlsx")
    assert cli("fix", book, "-p", "flokon", "--in-place").returncode == 1  # Luc's phone is left
    assert cli("validate", book, "-p", "flokon", "--in-place").returncode == 1
    for backup in tmp_path.glob("*.sauvegarde-*"):
        backup.unlink()
    return book


@pytest.mark.parametrize("command", IN_PLACE)
def test_a_full_disk_during_an_in_place_write_leaves_the_workbook_and_nothing_else(
    tmp_path: Path, command: str
) -> None:
    book = _prepared(tmp_path)
    before = state(tmp_path)
    done = cli(*_in_place_commands(book)[command], before=_full_disk)
    err = assert_clean_failure(done)
    assert "disque" in err and "clients.xlsx" in err
    assert state(tmp_path) == before


@pytest.mark.parametrize("command", IN_PLACE)
def test_a_read_only_workbook_is_not_replaced(tmp_path: Path, command: str) -> None:
    book = _prepared(tmp_path)
    book.chmod(0o444)
    before = state(tmp_path)
    done = cli(*_in_place_commands(book)[command])
    err = assert_clean_failure(done)
    assert "lecture seule" in err and "clients.xlsx" in err
    assert state(tmp_path) == before
    assert book.stat().st_mode & 0o777 == 0o444


def test_a_push_into_a_read_only_workbook_is_refused_before_anything_is_sent(
    tmp_path: Path,
) -> None:
    book = reveal_book(tmp_path / "contacts.xlsx")
    book.chmod(0o444)
    before = state(tmp_path)
    # nothing listens on port 9: the refusal must come before any request
    done = cli("push", book, "-p", "reveal", "--target", "http://127.0.0.1:9")
    err = assert_clean_failure(done)
    assert "lecture seule" in err
    assert state(tmp_path) == before


def test_an_export_whose_rejects_fill_the_disk_leaves_no_export_either(tmp_path: Path) -> None:
    source = tmp_path / "clients.csv"
    lines = [";".join(HEADERS), "Marie;Tremblay;418-555-0134;appel;;12 rue du Lac;Lévis;G6V 1A1;;1"]
    lines += [f"Luc;Côté;12;appel;;3 rue Haute;Lévis;G6V 1A1;;{n}" for n in range(2, 400)]
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    (tmp_path / "out").mkdir()
    before = state(tmp_path)
    room = 16384  # the one-row export fits, the rejects do not

    def full_after_the_export() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (room, room))

    done = cli(
        *("export", source, "-p", "flokon", "-o", tmp_path / "out" / "e.xlsx"),
        *("--rejects", tmp_path / "out" / "r.csv"),
        before=full_after_the_export,
    )

    err = assert_clean_failure(done)
    assert "r.csv" in err and "disque" in err
    assert state(tmp_path) == before


def _memory_of(limit: int) -> Callable[[], None]:
    def before() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))

    return before


def test_a_file_needing_more_memory_than_the_machine_lends_is_one_line(tmp_path: Path) -> None:
    """300,000 rows inside every bound, checked with 400 MB of address space: the work fails
    for want of memory, and the user reads one sentence saying so, not a MemoryError."""
    headers = ["Prénom", "Nom", "Entreprise", "Courriel 1", *(f"X{j}" for j in range(16))]
    rows = (
        ",".join(["Marie", f"Curie{i}", "ACME", f"m{i}@ex", *(f"x{j}" for j in range(16))])
        for i in range(1, 300_001)
    )
    source = tmp_path / "contacts.csv"
    source.write_text("\n".join([",".join(headers), *rows]) + "\n", encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "addin", "validate", str(source), "-p", "reveal", "--json"],
        capture_output=True,
        text=True,
        check=False,
        preexec_fn=_memory_of(400 * 2**20),
        timeout=120,  # work starved of memory must end, not crawl
    )
    assert "mémoire" in assert_clean_failure(done)


FILES = Path(__file__).parent / "fixtures" / "files"


@pytest.mark.parametrize("command", [("validate", "--in-place"), ("clear",), ("fix", "--in-place")])
@pytest.mark.parametrize("kind", ["protected", "csv-named-xlsx", "missing"])
def test_editing_commands_say_what_the_file_is_in_the_users_words(
    tmp_path: Path, command: tuple[str, ...], kind: str
) -> None:
    """The commands that edit a workbook name a protected, renamed or missing file as validate
    does, never with the zip library's English nor an errno."""
    path = tmp_path / "clients.xlsx"
    if kind == "protected":
        path.write_bytes((FILES / "encrypted.xlsx").read_bytes())
    elif kind == "csv-named-xlsx":
        path.write_text("Prénom,Nom\nMarie,Curie\n", encoding="utf-8")
    name, *options = command
    message = assert_clean_failure(cli(name, path, *options))
    expected = {"protected": "mot de passe", "csv-named-xlsx": "un CSV", "missing": "introuvable"}
    assert expected[kind] in message
    assert "zip" not in message and "Errno" not in message
