"""Every error the product raises on purpose has its English sentence (issue 17 §3: one language
per run, everywhere), so a ``--lang en`` run never shows a French error.

Two guards: a walk of ``addin/`` with :mod:`ast` that fails on any call building a
:class:`~addin.errors.ClientImportError` (or a subclass) with one message and no English one;
and real ``client-import --lang en`` processes on bad input from different layers (the CSV
reader, the sheet chooser, the push's credentials, an output that exists), whose one line must
be the English sentence, with no French in it.
"""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from openpyxl import Workbook

from tests.test_one_language import french_in

ROOT = Path(__file__).resolve().parents[1]
ADDIN = ROOT / "addin"
SAMPLES = ROOT / "demo" / "samples"

#: (file, function) whose errors are allowed a single message, because the sentence is built
#: elsewhere in the run's language or is English already. Keep it short.
ALLOWED = {
    # profile files are written by the people who add a platform: their errors are English only
    ("addin/core/profiles.py", "load_profile_file"),
    ("addin/core/profiles.py", "_load_all"),
    # the ribbon's own words (``self.words``) are already in the ribbon's language
    ("addin/shells/ribbon/shell.py", "profile"),
    ("addin/shells/ribbon/shell.py", "target"),
}


def _error_classes(trees: dict[Path, ast.Module], root: str = "ClientImportError") -> set[str]:
    """The names of ``root`` and of every class that derives from it, in addin/."""
    bases: dict[str, list[str]] = {}
    for tree in trees.values():
        for node in ast.walk(tree):
            if isinstance(node, ast.ClassDef):
                bases[node.name] = [
                    b.id
                    if isinstance(b, ast.Name)
                    else b.attr
                    if isinstance(b, ast.Attribute)
                    else ""
                    for b in node.bases
                ]
    found = {root}
    grew = True
    while grew:
        grew = False
        for name, parents in bases.items():
            if name not in found and found.intersection(parents):
                found.add(name)
                grew = True
    return found


def _calls(tree: ast.AST) -> Iterator[tuple[ast.Call, str]]:
    """Every call of ``tree`` with the name of the function (or method) that encloses it."""

    def visit(node: ast.AST, function: str) -> Iterator[tuple[ast.Call, str]]:
        for child in ast.iter_child_nodes(node):
            inside = function
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef):
                inside = child.name
            if isinstance(child, ast.Call):
                yield child, inside
            yield from visit(child, inside)

    yield from visit(tree, "<module>")


def _name(call: ast.Call) -> str | None:
    if isinstance(call.func, ast.Name):
        return call.func.id
    if isinstance(call.func, ast.Attribute):
        return call.func.attr
    return None


def french_only_errors() -> list[str]:
    """``file:line: Class (function)`` for each error built with one sentence and no English.

    An error is fine when it gets a second positional argument or ``en=``, or when its one
    message is chosen by language at the call (``fr_text if lang == "fr" else en_text``).
    """
    trees = {path: ast.parse(path.read_text(encoding="utf-8")) for path in ADDIN.rglob("*.py")}
    errors = _error_classes(trees)
    found = french_only_connector_errors(trees)
    for path, tree in sorted(trees.items()):
        where = path.relative_to(ROOT).as_posix()
        for call, function in _calls(tree):
            name = _name(call)
            if name not in errors or (where, function) in ALLOWED:
                continue
            if not _english_given(call, second_argument=True):
                found.append(f"{where}:{call.lineno}: {name} ({function})")
    return found


def french_only_connector_errors(trees: dict[Path, ast.Module]) -> list[str]:
    """``file:line: Class (function)`` for each connector error (``ConnectorError`` and its
    subclasses: ``Transient``, ``AuthFailed``, ``Refused``...) raised without ``en=``.

    Stricter than for the product's own errors: a second positional argument of ``Transient``
    is its ``retry_after``, not an English sentence, so only ``en=`` counts (or a message
    chosen by language at the call).
    """
    errors = _error_classes(trees, "ConnectorError") - _worded_inside(trees)
    found = []
    for path, tree in sorted(trees.items()):
        where = path.relative_to(ROOT).as_posix()
        for node in ast.walk(tree):
            if not isinstance(node, ast.Raise) or not isinstance(node.exc, ast.Call):
                continue
            call = node.exc
            if _name(call) in errors and not _english_given(call, second_argument=False):
                found.append(f"{where}:{call.lineno}: {_name(call)}")
    return found


def _english_given(call: ast.Call, *, second_argument: bool) -> bool:
    """Whether the error gets its English: ``en=`` (or ``**``), a message chosen by language
    at the call, or (``second_argument``) a second positional argument."""
    if second_argument and len(call.args) >= 2:
        return True
    if any(k.arg in ("en", None) for k in call.keywords):
        return True
    return bool(call.args) and isinstance(call.args[0], ast.IfExp)


def _worded_inside(trees: dict[Path, ast.Module]) -> set[str]:
    """Classes whose ``__init__`` takes no ``message``: they word both sentences themselves
    from their data (``GaveUp``), so a raise gives no sentence to check."""
    worded = set()
    for tree in trees.values():
        for node in ast.walk(tree):
            if isinstance(node, ast.ClassDef):
                for item in node.body:
                    if isinstance(item, ast.FunctionDef) and item.name == "__init__":
                        names = [a.arg for a in item.args.args + item.args.kwonlyargs]
                        if "message" not in names:
                            worded.add(node.name)
    return worded


def test_a_french_only_connector_error_is_found() -> None:
    """The guard itself: a ``raise Refused("...")`` or ``raise Transient("...", 3)`` without
    ``en=`` is reported, one with ``en=`` is not."""
    source = (
        "class ConnectorError(Exception): ...\n"
        "class Transient(ConnectorError): ...\n"
        "class Refused(ConnectorError): ...\n"
        "def f():\n"
        "    raise Refused('refusée')\n"
        "def g():\n"
        "    raise Transient('plus tard', 3)\n"
        "def h():\n"
        "    raise Refused('refusée', en='refused')\n"
    )
    found = french_only_connector_errors({ADDIN / "x.py": ast.parse(source)})
    assert found == ["addin/x.py:5: Refused", "addin/x.py:7: Transient"]


def test_every_connector_error_has_its_english_sentence() -> None:
    trees = {path: ast.parse(path.read_text(encoding="utf-8")) for path in ADDIN.rglob("*.py")}
    assert french_only_connector_errors(trees) == []


def test_every_error_of_the_product_has_its_english_sentence() -> None:
    assert french_only_errors() == []


def test_the_allowlist_names_only_places_that_still_exist() -> None:
    """An entry whose function was renamed or fixed must go, so the list stays short."""
    errors = _error_classes(
        {path: ast.parse(path.read_text(encoding="utf-8")) for path in ADDIN.rglob("*.py")}
    )
    for where, function in ALLOWED:
        tree = ast.parse((ROOT / where).read_text(encoding="utf-8"))
        single = [
            call
            for call, inside in _calls(tree)
            if inside == function
            and _name(call) in errors
            and len(call.args) < 2
            and not any(k.arg == "en" for k in call.keywords)
        ]
        assert single, f"{where}:{function} has no error left to allow"


def client_import(*args: str, cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
    """A real ``client-import`` process in English, with no keyring and its own data folder."""
    environ = {k: v for k, v in os.environ.items() if not k.startswith("CLIENT_IMPORT_")}
    environ.update(
        PYTHON_KEYRING_BACKEND="keyring.backends.fail.Keyring",
        CLIENT_IMPORT_DATA_DIR=str(cwd / "data"),
        COLUMNS="250",
        **env,
    )
    return subprocess.run(
        [sys.executable, "-m", "addin", *args, "--lang", "en"],
        capture_output=True,
        text=True,
        check=False,
        env=environ,
        cwd=cwd,
    )


def one_english_line(result: subprocess.CompletedProcess[str], *known: str) -> str:
    """The run's error: exit 2, one line, no traceback, no French once ``known`` is set aside."""
    assert result.returncode == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert french_in(lines[0], *known) == []
    return lines[0]


def test_a_web_page_saved_as_csv_is_refused_in_english(tmp_path: Path) -> None:
    (tmp_path / "clients.csv").write_text("<html><body><table></table></body></html>\n")
    line = one_english_line(client_import("validate", "clients.csv", "-p", "reveal", cwd=tmp_path))
    assert "File “clients.csv” is in fact a web page (HTML), not an ordinary CSV" in line


def test_a_wrong_sheet_is_named_in_english_with_the_sheets_there_are(tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Clients"
    sheet.append(["Code client", "Nom"])
    sheet.append(["C1", "Dupont"])
    book.save(tmp_path / "clients.xlsx")
    result = client_import(
        "validate", "clients.xlsx", "-p", "reveal", "--sheet", "Nope", cwd=tmp_path
    )
    line = one_english_line(result)
    assert "Sheet “Nope” does not exist in workbook “clients.xlsx”. Sheets available:" in line


def test_a_push_without_a_token_says_where_to_put_one_in_english(tmp_path: Path) -> None:
    (tmp_path / "reveal.csv").write_bytes((SAMPLES / "reveal.csv").read_bytes())
    result = client_import(
        "push", "reveal.csv", "-p", "reveal", "--target", "http://127.0.0.1:9", cwd=tmp_path
    )
    line = one_english_line(result)
    assert "The access token for http://127.0.0.1:9 is missing" in line
    assert "Set the CLIENT_IMPORT_TOKEN environment variable." in line


def test_an_existing_output_is_kept_and_said_in_english(tmp_path: Path) -> None:
    (tmp_path / "model.xlsx").write_bytes(b"not to be overwritten")
    result = client_import("template", "reveal", "-o", "model.xlsx", cwd=tmp_path)
    line = one_english_line(result)
    assert "“model.xlsx” already exists: choose another name with -o, or add --force" in line
    assert (tmp_path / "model.xlsx").read_bytes() == b"not to be overwritten"


@pytest.mark.parametrize(
    ("size", "french", "english"),
    [(1, "1 octet", "1 byte"), (2048, "2 Ko", "2 KB"), (3 * 1024**2 // 2, "1,5 Mo", "1.5 MB")],
)
def test_sizes_are_written_the_way_of_each_language(size: int, french: str, english: str) -> None:
    from addin.readers.common import format_size

    assert (format_size(size), format_size(size, "en")) == (french, english)
