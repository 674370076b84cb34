"""The worksheet functions' VBA (issue 16, item 3): generated at build time, embedded, read back.

``tests/golden/udf_wrappers.bas`` is the module as xlwings 0.37.8's own generator writes it for
``addin.shells.functions`` (plus ``RegisterHelp``, the help texts xlwings' "Import functions"
would register); the built add-in is made by the real command and read back by olevba.

When a function or its help changes on purpose, write the golden file again with
``python -c "from tests.test_udf_wrappers import regenerate; regenerate()"`` and review the diff.
"""

from __future__ import annotations

import inspect
import re
import warnings
from pathlib import Path

import pytest

with warnings.catch_warnings():
    warnings.filterwarnings("ignore", module="oletools.*")
    warnings.filterwarnings("ignore", message=".*deprecated - use.*")
    from oletools.olevba import VBA_Scanner

from addin.shells import functions
from addin.xlam import build, udf_wrappers
from tests.test_xlam import VBA, as_xlsm, build_with_cli, modules_of, text_of
from tests.user_workbooks import load_macro_book

GOLDEN = Path(__file__).resolve().parent / "golden" / "udf_wrappers.bas"
FUNCTION = re.compile(r"^Function (CI_\w+)\((.*)\)$", re.MULTILINE)


def regenerate() -> None:
    GOLDEN.write_text(udf_wrappers.wrapper_module().replace("\r\n", "\n"), encoding="utf-8")


def decorated() -> dict[str, object]:
    return {n: getattr(functions, n) for n in dir(functions) if n.startswith("CI_")}


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_with_cli(tmp_path_factory.mktemp("xlam-udf") / "client-import.xlam")


def test_the_generated_module_is_the_golden_one() -> None:
    text = udf_wrappers.wrapper_module()
    assert "\n" not in text.replace("\r\n", "")  # CRLF only, as VBA keeps it
    assert text.replace("\r\n", "\n") == GOLDEN.read_text(encoding="utf-8")


def test_every_function_has_its_wrapper_with_its_arguments_in_order() -> None:
    code = GOLDEN.read_text(encoding="utf-8")
    wrappers = dict(FUNCTION.findall(code))
    assert set(wrappers) == set(decorated())
    for name, f in decorated().items():
        assert callable(f)
        parameters = inspect.signature(f).parameters.values()
        expected = ", ".join(
            ("Optional " if p.default is not inspect.Parameter.empty else "") + p.name
            for p in parameters
        )
        assert wrappers[name] == expected
        call = f'XLPy.CallUDF("addin.shells.functions", "{name}", '
        assert code.count(call) == 2  # Excel's branch and the other one
        # an add-in hands Python the user's workbook, not itself
        assert f"Array({', '.join(p.name for p in parameters)}), ActiveWorkbook," in code
    assert "Application.Volatile" not in code


def test_register_help_carries_each_description_as_xlwings_would() -> None:
    code = GOLDEN.read_text(encoding="utf-8")
    body = code[code.index(f"Public Sub {udf_wrappers.REGISTER_HELP}()") :]
    for name, f in decorated().items():
        meta = f.__xlfunc__  # type: ignore[attr-defined]
        macro = f'"\'" & ThisWorkbook.Name & "\'!{name}", Description:='
        description = meta["ret"]["doc"].replace('"', '""')
        assert f'{macro}"{description}"' in body
        for argument in meta["args"]:
            assert argument["doc"].replace('"', '""') in body
    assert body.count('Category:="Import clients"') == len(decorated())
    assert max(len(line) for line in code.splitlines()) < 1024  # VBA's limit for a line


def test_the_built_addin_carries_the_wrappers_and_registers_their_help(built: Path) -> None:
    modules = modules_of(built)
    assert modules[udf_wrappers.MODULE_NAME] == GOLDEN.read_text(encoding="utf-8")
    assert "ClientImportFunctions.RegisterHelp" in modules["ThisWorkbook"]
    assert "Private Sub Workbook_Open()" in modules["ThisWorkbook"]


def test_olevba_finds_nothing_suspicious_in_the_functions(built: Path) -> None:
    """olevba's scan flags what runs on open, shells out, writes files or downloads: the
    wrappers have none of it, and our ``ThisWorkbook`` code only its ``Workbook_Open`` (the
    template's attribute lines, GUIDs olevba calls hex strings, are left out)."""
    modules = modules_of(built)
    assert VBA_Scanner(modules[udf_wrappers.MODULE_NAME]).scan() == []
    assert VBA_Scanner(text_of(VBA / "ThisWorkbook.bas")).scan() == [
        ("AutoExec", "Workbook_Open", "Runs when the Excel Workbook is opened")
    ]


def test_the_config_sheet_names_the_functions_module(built: Path) -> None:
    book = load_macro_book(as_xlsm(built))
    try:
        rows = {row[0]: row[1] for row in book[build.CONFIG_SHEET].iter_rows(values_only=True)}
    finally:
        book.close()
    assert rows["UDF Modules"] == "addin.shells.functions"
