"""Nothing the user has is lost: outputs never replace what a command reads, one command at a
time on a workbook, modes and links kept, no temporary file left behind, no backup of a file
that did not change (issue 14, part 3).

Every command runs as the user runs it: ``client-import`` in a child process (a real second
process for the locks, a real ``kill -9`` in the middle of a write), or through typer's runner
where the output is all that is checked. Files are real files on disk, read back byte for byte.
"""

from __future__ import annotations

import os
import re
import secrets
import signal
import stat
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook
from typer.testing import CliRunner

from addin.files.cell_edits import set_cells
from addin.files.changes_sheet import read_changes
from addin.files.safe_files import TEMP_PREFIX
from addin.files.workbook_lock import editing, is_busy
from addin.shells.cli import app
from tests.fault_server import Delay, FaultServer, Rule
from tests.user_workbooks import DATA_PART, read_parts, write_parts, write_user_workbook

runner = CliRunner()
#: made up per run: no key-shaped literal in the repository
TOKEN = secrets.token_hex(16)
HEADERS = ["Prénom", "Nom", "Téléphone", "SMS/Appel", "Adresse", "Adresse Ligne 1", "Ville",
           "Code postal", "Notes", "Identifiant du client"]  # fmt: skip
ADDRESS = "5 Av. des Pins, Québec, QC, G1R 2T3"
CLEAN_ROWS = [
    ["Marie", "Tremblay", "418-555-0134", "appel", ADDRESS, None, None, None, None, 1001],
    ["Anne", "Roy", "418-555-0188", "appel", ADDRESS, None, None, None, "Chien", 1003],
]  # fmt: skip
#: a row with a safe fix (the spaces around Paul, the phone's format) and an error
FIXABLE_ROW = [" Paul ", "Roy", "4185550199", "texto", None, "12 rue du Lac", "Lévis", "g6v 1a1",
               None, 1002]  # fmt: skip
BUSY = "est en cours de modification par une autre commande client-import"


@pytest.fixture(autouse=True)
def data_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The locks (and a push's journal) under tmp_path, for this process and its children."""
    folder = tmp_path / "data"
    monkeypatch.setenv("CLIENT_IMPORT_DATA_DIR", str(folder))
    monkeypatch.setenv("CLIENT_IMPORT_TOKEN", TOKEN)
    monkeypatch.setenv("COLUMNS", "250")
    return folder


def flokon_book(path: Path, *, fixable: bool = True) -> Path:
    rows = [*CLEAN_ROWS, FIXABLE_ROW] if fixable else CLEAN_ROWS
    path.parent.mkdir(parents=True, exist_ok=True)
    return write_user_workbook(path, HEADERS, rows, formulas={})


def flokon_csv(path: Path, *, fixable: bool = True) -> Path:
    lines = [";".join(HEADERS), "Marie;Tremblay;418-555-0134;appel;;12 rue du Lac;Lévis;G6V 1A1;;1"]
    if fixable:
        lines.append(" Paul ;Roy;4185550199;appel;;12 rue du Lac;Lévis;g6v 1a1;;2")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def cli(*args: str | Path, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """``client-import ARGS`` as a process of its own (the environment of this test)."""
    return subprocess.run(
        [sys.executable, "-m", "addin", *map(str, args)],
        capture_output=True,
        text=True,
        check=False,
        cwd=cwd,
    )


def run(*args: str | Path) -> tuple[int, str, str]:
    result = runner.invoke(app, [str(a) for a in args])
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise AssertionError(f"traceback instead of a clean exit: {result.exception!r}")
    return result.exit_code, result.stdout, result.stderr


def one_line(err: str) -> str:
    assert err.count("\n") == 1 and err.startswith("Erreur : "), err
    assert "Traceback" not in err
    return err


def folder_state(folder: Path) -> dict[str, tuple[bytes, int, int]]:
    """Every file of ``folder``: bytes, mode and modification time (ns)."""
    return {
        p.name: (p.read_bytes(), p.stat().st_mode, p.stat().st_mtime_ns)
        for p in sorted(folder.iterdir())
        if p.is_file()
    }


# --- 1. an output is never a file the command reads -----------------------------------------


def test_export_refuses_to_overwrite_its_input_even_with_force(tmp_path: Path) -> None:
    source = flokon_book(tmp_path / "clients.xlsx")
    before = folder_state(tmp_path)
    for args in (
        ["export", source, "-p", "flokon", "-o", source, "--force"],
        ["export", source, "-p", "flokon", "-o", tmp_path / "out.xlsx", "--rejects", source,
         "--force"],
    ):  # fmt: skip
        code, _, err = run(*args)
        assert code == 2
        assert "clients.xlsx" in one_line(err)
        assert "que la commande lit" in err
        assert "--force" not in err
        assert folder_state(tmp_path) == before


def test_export_refuses_an_output_that_is_the_input_under_another_name(tmp_path: Path) -> None:
    source = flokon_book(tmp_path / "clients.xlsx")
    (tmp_path / "hard.xlsx").hardlink_to(source)
    (tmp_path / "link.xlsx").symlink_to(source)
    before = source.read_bytes()
    for other in ("hard.xlsx", "link.xlsx"):
        code, _, err = run("export", source, "-p", "flokon", "-o", tmp_path / other, "--force")
        assert code == 2, err
        assert "--force" not in one_line(err)
        assert source.read_bytes() == before


def test_fix_and_annotate_refuse_an_output_hard_linked_to_the_input(tmp_path: Path) -> None:
    book = flokon_book(tmp_path / "clients.xlsx")
    (tmp_path / "other.xlsx").hardlink_to(book)
    before = book.read_bytes()
    for args in (
        ["fix", book, "-p", "flokon", "-o", tmp_path / "other.xlsx", "--force"],
        ["validate", book, "-p", "flokon", "--annotate", tmp_path / "other.xlsx"],
    ):
        code, _, err = run(*args)
        assert code == 2, err
        assert "--force" not in one_line(err)
        assert book.read_bytes() == before


# --- 2. fix's changes file beside a CSV ------------------------------------------------------


def test_fix_refuses_to_replace_an_existing_corrections_file(tmp_path: Path) -> None:
    source = flokon_csv(tmp_path / "h.csv")
    log = tmp_path / "o.corrections.csv"
    log.write_text("the user's notes\n", encoding="utf-8")

    code, _, err = run("fix", source, "-p", "flokon", "-o", tmp_path / "o.csv")

    assert code == 2
    assert "o.corrections.csv" in one_line(err) and "--force" in err
    assert log.read_text(encoding="utf-8") == "the user's notes\n"
    assert not (tmp_path / "o.csv").exists()

    code, _, err = run("fix", source, "-p", "flokon", "-o", tmp_path / "o.csv", "--force")
    assert code in (0, 1), err
    assert "418-555-0199" in log.read_text(encoding="utf-8-sig")


def test_fix_refuses_a_corrections_file_that_is_its_input(tmp_path: Path) -> None:
    source = flokon_csv(tmp_path / "o.corrections.csv")
    before = source.read_bytes()

    code, _, err = run("fix", source, "-p", "flokon", "-o", tmp_path / "o.csv", "--force")

    assert code == 2
    assert "--force" not in one_line(err)
    assert source.read_bytes() == before
    assert not (tmp_path / "o.csv").exists()


# --- 3. one command at a time on a workbook --------------------------------------------------


def _writing_commands(book: Path, other: Path) -> dict[str, tuple[list[str | Path], Path]]:
    """Each command that writes a workbook, and the workbook it writes."""
    marked = book.with_name("marqué.xlsx")
    return {
        "validate --in-place": (["validate", book, "-p", "flokon", "--in-place"], book),
        "validate --annotate": (
            ["validate", book, "-p", "flokon", "--annotate", marked],
            marked,
        ),
        "clear": (["clear", book], book),
        "fix --in-place": (["fix", book, "-p", "flokon", "--in-place"], book),
        "fix -o": (["fix", other, "-p", "flokon", "-o", book, "--force"], book),
        "undo": (["undo", book], book),
        "map --write": (["map", book, "-p", "flokon", "--write"], book),
        "map --write -o": (["map", other, "-p", "flokon", "--write", "-o", book, "--force"], book),
    }


@pytest.mark.parametrize("command", list(_writing_commands(Path("x"), Path("x"))))
def test_a_command_is_refused_while_another_edits_the_workbook(
    tmp_path: Path, command: str
) -> None:
    book = flokon_book(tmp_path / "clients.xlsx")
    other = flokon_book(tmp_path / "other" / "autre.xlsx")
    assert cli("validate", book, "-p", "flokon", "--in-place").returncode == 1  # marked
    for backup in tmp_path.glob("*.sauvegarde-*"):
        backup.unlink()
    before = folder_state(tmp_path)
    args, target = _writing_commands(book, other)[command]

    with editing(target):  # another command in the middle of its work on the workbook
        assert is_busy(target)
        done = cli(*args)

    assert done.returncode == 2, done.stderr
    assert one_line(done.stderr) == (
        f"Erreur : « {target.name} » {BUSY} ; réessayez quand elle sera finie.\n"
    )
    assert folder_state(tmp_path) == before
    assert not is_busy(target)


def test_a_link_to_the_workbook_shares_its_lock(tmp_path: Path) -> None:
    book = flokon_book(tmp_path / "real" / "clients.xlsx")
    link = tmp_path / "lien.xlsx"
    link.symlink_to(book)
    with editing(book):
        done = cli("validate", link, "-p", "flokon", "--in-place")
    assert done.returncode == 2
    assert BUSY in one_line(done.stderr)


def reveal_book(path: Path) -> Path:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Contacts"
    sheet.append(["Prénom", "Nom de famille", "Téléphone 1"])
    sheet.append(["Marie", "Tremblay", "+1 418-555-0134"])
    sheet.append(["Luc", "Roy", "+1 581-555-0199"])
    book.save(path)
    book.close()
    return path


@pytest.fixture
def slow_platform(tmp_path: Path) -> Iterator[FaultServer]:
    """The sandbox, answering the first batch only after a pause: a push in the middle."""
    with FaultServer(
        tmp_path / "platform.sqlite", TOKEN, Rule(Delay(4, processed=True), path="/batch$")
    ) as server:
        yield server


def test_a_push_holds_the_workbook_from_reading_to_write_back(
    tmp_path: Path, slow_platform: FaultServer
) -> None:
    book = reveal_book(tmp_path / "contacts.xlsx")
    command = [sys.executable, "-m", "addin", "push", str(book), "-p", "reveal"]
    with subprocess.Popen(
        [*command, "--target", slow_platform.url], stdout=subprocess.PIPE, stderr=subprocess.PIPE
    ) as push:
        deadline = time.monotonic() + 30
        while not is_busy(book):  # the push has read the file and waits for the platform
            assert push.poll() is None, push.communicate()
            assert time.monotonic() < deadline
            time.sleep(0.05)

        marking = cli("validate", book, "-p", "reveal", "--in-place")

        _, err = push.communicate(timeout=60)
    assert push.returncode == 0, err
    assert marking.returncode == 2
    assert BUSY in one_line(marking.stderr)
    values = load_workbook(book, read_only=True)
    try:
        header = next(values["Contacts"].iter_rows(values_only=True))
        assert header[3] == "Statut envoi (client-import)"
        assert "CI_Historique" in values.sheetnames
    finally:
        values.close()


# --- 4. modes and links ---------------------------------------------------------------------


@pytest.mark.parametrize("mode", [0o644, 0o640, 0o664])
def test_in_place_commands_keep_the_workbooks_mode(tmp_path: Path, mode: int) -> None:
    book = flokon_book(tmp_path / "clients.xlsx")
    book.chmod(mode)
    for args in (
        ["validate", book, "-p", "flokon", "--in-place"],
        ["fix", book, "-p", "flokon", "--in-place"],
        ["undo", book],
        ["clear", book],
    ):
        before = book.read_bytes()
        code, _, err = run(*args)
        assert code in (0, 1), err
        assert book.read_bytes() != before, args
        assert stat.S_IMODE(book.stat().st_mode) == mode, args


def test_a_new_file_gets_the_usual_mode_not_a_private_one(tmp_path: Path) -> None:
    book = flokon_book(tmp_path / "clients.xlsx")
    umask = os.umask(0o022)
    try:
        code, _, err = run("validate", book, "-p", "flokon", "--annotate", tmp_path / "m.xlsx")
    finally:
        os.umask(umask)
    assert code == 1, err
    assert stat.S_IMODE((tmp_path / "m.xlsx").stat().st_mode) == 0o644


def test_in_place_commands_write_through_a_symbolic_link(tmp_path: Path) -> None:
    book = flokon_book(tmp_path / "partagé" / "clients.xlsx")
    link = tmp_path / "raccourci.xlsx"
    link.symlink_to(book)
    original = book.read_bytes()

    code, _, err = run("validate", link, "-p", "flokon", "--in-place")

    assert code == 1, err
    assert link.is_symlink() and link.resolve() == book.resolve()
    assert book.read_bytes() != original
    [backup] = (tmp_path / "partagé").glob("clients.sauvegarde-*.xlsx")
    assert backup.read_bytes() == original
    code, _, err = run("fix", link, "-p", "flokon", "--in-place")
    assert code in (0, 1), err
    assert link.is_symlink()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data", "partagé", "raccourci.xlsx"]


# --- 5. temporary files ---------------------------------------------------------------------

#: A child that runs ``validate --in-place`` with the package's save stopped half-way: it writes
#: some bytes, says so by creating the signal file, and waits to be killed.
_STOPPED_HALF_WAY = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from addin.files.xlsx_package import XlsxPackage

    def half_save(self, path):
        Path(path).write_bytes(b"PK\\x03\\x04 half a workbook")
        Path(sys.argv[1]).touch()
        time.sleep(120)

    XlsxPackage.save = half_save
    from addin.shells.cli import app
    app(sys.argv[2:])
    """
)


def test_a_write_killed_half_way_leaves_a_named_temporary_that_the_next_run_removes(
    tmp_path: Path,
) -> None:
    book = flokon_book(tmp_path / "clients.xlsx")
    original = book.read_bytes()
    ready = tmp_path / "ready"
    child = subprocess.Popen(
        [
            sys.executable,
            "-c",
            _STOPPED_HALF_WAY,
            str(ready),
            "validate",
            str(book),
            "-p",
            "flokon",
            "--in-place",
        ]
    )
    try:
        deadline = time.monotonic() + 60
        while not ready.exists():
            assert child.poll() is None
            assert time.monotonic() < deadline
            time.sleep(0.05)
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait()
    ready.unlink()

    left = [p.name for p in tmp_path.iterdir() if p.name not in ("clients.xlsx", "data")]
    assert len(left) == 1
    assert re.fullmatch(
        rf"{re.escape(TEMP_PREFIX)}[0-9a-f]+-{child.pid}-[0-9a-f]+\.tmp\.xlsx", left[0]
    )
    assert not left[0].startswith("~$") and not left[0].startswith("tmp")
    assert book.read_bytes() == original

    done = cli("clear", book)  # the next command on the workbook, even one that writes nothing

    assert done.returncode == 0, done.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["clients.xlsx", "data"]
    assert book.read_bytes() == original


def test_a_temporary_of_a_running_command_is_left_alone(tmp_path: Path) -> None:
    from addin.files.safe_files import temporary_path

    book = flokon_book(tmp_path / "clients.xlsx")
    mine = temporary_path(tmp_path, ".xlsx")  # this process is alive: its write is going on
    mine.write_bytes(b"being written")

    done = cli("validate", book, "-p", "flokon", "--in-place")

    assert done.returncode == 1, done.stderr
    assert mine.read_bytes() == b"being written"


def test_another_machines_temporary_is_removed_only_once_it_is_old(tmp_path: Path) -> None:
    """On a shared folder a process of another machine cannot be seen: its file's age decides."""
    book = flokon_book(tmp_path / "clients.xlsx")
    other_host = "0badc0de"  # a hash of another host name than this one
    old = tmp_path / f"{TEMP_PREFIX}{other_host}-4242-aa.tmp.xlsx"
    recent = tmp_path / f"{TEMP_PREFIX}{other_host}-4243-bb.tmp.xlsx"
    stranger = tmp_path / ".~client-import-notes.txt"  # not one of our names: never touched
    for path in (old, recent, stranger):
        path.write_bytes(b"...")
    day_ago = time.time() - 24 * 3600
    os.utime(old, (day_ago, day_ago))

    done = cli("clear", book)

    assert done.returncode == 0, done.stderr
    assert not old.exists()
    assert recent.exists() and stranger.exists()


# --- 6. no backup when nothing changed -------------------------------------------------------


def test_in_place_commands_that_change_nothing_leave_the_file_as_it_was(tmp_path: Path) -> None:
    book = flokon_book(tmp_path / "clients.xlsx", fixable=False)
    source = flokon_csv(tmp_path / "clients.csv", fixable=False)
    time.sleep(0.01)  # so that a rewrite would show in the modification time
    before = folder_state(tmp_path)
    for args, exit_code in (
        (["validate", book, "-p", "flokon", "--in-place"], 0),
        (["fix", book, "-p", "flokon", "--in-place"], 0),
        (["fix", source, "-p", "flokon", "--in-place"], 1),  # Flokon imports Excel files only
        (["clear", book], 0),
        (["undo", book], 0),
    ):
        code, out, err = run(*args)
        assert code == exit_code, (args, out, err)
        assert folder_state(tmp_path) == before, args


def test_undo_when_every_fixed_cell_was_retyped_leaves_the_workbook_as_it_is(
    tmp_path: Path,
) -> None:
    book = flokon_book(tmp_path / "clients.xlsx")
    code, out, _ = run("fix", book, "-p", "flokon", "--in-place")
    assert code in (0, 1) and "Fichier corrigé" in out
    logged = read_changes(book, "CI_Corrections")
    assert logged
    parts = read_parts(book)  # the user retypes every fixed cell, then saves
    parts[DATA_PART] = set_cells(parts[DATA_PART], {c.cell: "retapé" for c in logged}, "Clients")
    write_parts(book, parts)
    for backup in tmp_path.glob("*.sauvegarde-*"):
        backup.unlink()
    before = folder_state(tmp_path)

    code, out, _ = run("undo", book)

    assert code == 0
    assert f"Rien à annuler : les {len(logged)} cellule(s) corrigée(s)" in out
    assert folder_state(tmp_path) == before


def test_the_data_folder_is_private_whichever_command_makes_it(
    tmp_path: Path, data_folder: Path
) -> None:
    """The journal lives there: the first command to make it (here a mark, not a push) makes
    it readable by its owner only, as the push would."""
    book = flokon_book(tmp_path / "clients.xlsx")
    done = cli("validate", book, "--in-place")
    assert done.returncode in (0, 1), done.stderr
    assert stat.S_IMODE(data_folder.stat().st_mode) == 0o700
    assert stat.S_IMODE((data_folder / "locks").stat().st_mode) == 0o700
