"""The Excel add-in built on Linux from ``vba/`` (issue 15, items 4-6), read back as Excel would.

The .xlam is built by the real command (``client-import addin build``) into a temporary folder;
olevba (oletools) reads its VBA back, openpyxl and LibreOffice open it, and the ribbon XML is
checked against the VBA it calls and the Python the VBA runs. Install and uninstall run for real
on temporary folders given as Excel's startup folder, and on Linux through the command line.
"""

from __future__ import annotations

import importlib
import importlib.util
import inspect
import io
import json
import os
import re
import shutil
import subprocess
import sys
import warnings
import zipfile
from pathlib import Path, PurePosixPath, PureWindowsPath
from xml.etree import ElementTree

import pytest
import xlwings

with warnings.catch_warnings():
    # oletools 0.60.2 calls pyparsing's old names at import (enablePackrat...): not ours to fix
    warnings.filterwarnings("ignore", module="oletools.*")
    warnings.filterwarnings("ignore", message=".*deprecated - use.*")
    from oletools.olevba import VBA_Parser
from addin.core.profiles import all_profiles, get_profile
from addin.errors import AddinBuildError
from addin.xlam import build, install, package, ribbon, sources
from tests.libreoffice import convert, ods_sheets
from tests.user_workbooks import load_macro_book

VBA = Path(__file__).resolve().parents[1] / "vba"
XLWINGS_DIR = Path(xlwings.__file__).parent
PACKAGE_RELS_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
COMMANDS = "addin.shells.ribbon.commands"
#: The contract with the ribbon's Python side (addin/shells/ribbon/commands.py): one function per
#: button, without argument, plus the platform chooser, called with the profile's id.
BUTTON_FUNCTIONS = {
    "new_template",
    "match_columns",
    "forget_choices",
    "check",
    "fix",
    "undo_fixes",
    "clear_marks",
    "explain_cell",
    "export_file",
    "send",
    "history",
    "undo_send",
    "settings",
}
RUN_PYTHON = re.compile(r'RunPython "(.*)"\s*$', re.MULTILINE)
CALL = re.compile(r"^import " + re.escape(COMMANDS) + r" as c; c\.(\w+)\((.*)\)$")
PROCEDURE = re.compile(
    r"^\s*(?:Public\s+)?Sub\s+(\w+)\s*\((.*)\)\s*$", re.MULTILINE | re.IGNORECASE
)


def cli(*args: str | Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "addin", *map(str, args)],
        capture_output=True,
        text=True,
        check=False,
        env=env,
    )


def build_with_cli(output: Path, *args: str, env: dict[str, str] | None = None) -> Path:
    done = cli("addin", "build", "-o", output, *args, env=env)
    assert done.returncode == 0, done.stderr
    assert str(output) in done.stdout
    assert "Traceback" not in done.stderr
    return output


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_with_cli(tmp_path_factory.mktemp("xlam") / "client-import.xlam")


def modules_of(path: Path) -> dict[str, str]:
    """Every VBA module olevba finds in ``path``: name → code with "\\n" line endings."""
    parser = VBA_Parser(str(path))
    try:
        return {
            name.rsplit(".", 1)[0]: code.replace("\r\n", "\n")
            for _, _, name, code in parser.extract_macros()
        }
    finally:
        parser.close()


def text_of(path: Path) -> str:
    return path.read_bytes().decode("utf-8").replace("\r\n", "\n")


def part(path: Path, name: str) -> bytes:
    with zipfile.ZipFile(path) as archive:
        return archive.read(name)


def as_xlsm(path: Path) -> io.BytesIO:
    """The add-in with the .xlsm workbook content type, the one difference between the two.

    openpyxl 3.1 refuses the add-in content type ("no valid workbook part"): every other part
    is read by it as Excel would have to.
    """
    data = path.read_bytes()
    with zipfile.ZipFile(io.BytesIO(data)) as source:
        parts = {name: source.read(name) for name in source.namelist()}
    types = parts[package.CONTENT_TYPES]
    assert types.count(package.ADDIN_CONTENT_TYPE.encode()) == 1
    parts[package.CONTENT_TYPES] = types.replace(
        package.ADDIN_CONTENT_TYPE.encode(),
        b"application/vnd.ms-excel.sheet.macroEnabled.main+xml",
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for name, body in parts.items():
            target.writestr(name, body)
    out.seek(0)
    return out


def sheet_rows(path: Path, title: str) -> list[tuple[object, ...]]:
    book = load_macro_book(as_xlsm(path))
    try:
        return [tuple(row) for row in book[title].iter_rows(values_only=True)]
    finally:
        book.close()


# -- the VBA, read back ---------------------------------------------------------------------


def test_olevba_reads_back_every_module_as_vba_holds_it(built: Path) -> None:
    modules = modules_of(built)
    assert set(modules) == {
        "ThisWorkbook",
        "Dictionary",
        "Sheet2",
        "xlwings",
        "RibbonClientImport",
        "ClientImportFunctions",  # the worksheet functions' wrappers: tests/test_udf_wrappers.py
    }
    assert modules["xlwings"] == text_of(VBA / "xlwings.bas")
    assert modules["RibbonClientImport"] == text_of(VBA / "Ribbon.bas")
    # a document module keeps the template's attribute lines before our code
    assert modules["ThisWorkbook"].endswith(text_of(VBA / "ThisWorkbook.bas").split("\n", 1)[1])


def test_the_xlwings_module_is_the_pinned_wheels_but_for_the_project_name() -> None:
    """Upgrading xlwings means re-embedding its module: this fails until it is done."""
    assert xlwings.__version__ == build.XLWINGS_VERSION
    ours = text_of(VBA / "xlwings.bas").splitlines()
    theirs = text_of(XLWINGS_DIR / "xlwings_custom_addin.bas").splitlines()
    assert len(ours) == len(theirs)
    changed = [(a, b) for a, b in zip(theirs, ours, strict=True) if a != b]
    assert changed == [
        (
            'Public Const PROJECT_NAME As String = "myaddin"',
            f'Public Const PROJECT_NAME As String = "{build.PROJECT_NAME}"',
        )
    ]


def test_the_xlwings_licence_travels_with_its_vba() -> None:
    licence = XLWINGS_DIR.parent / f"xlwings-{build.XLWINGS_VERSION}.dist-info/licenses/LICENSE.txt"
    assert (VBA / "LICENSE-xlwings.txt").read_bytes() == licence.read_bytes()
    assert "BSD 3-clause" in text_of(VBA / "xlwings.bas")


def test_each_button_is_one_line_that_runs_python() -> None:
    code = text_of(VBA / "Ribbon.bas")
    bodies = re.findall(r"^Sub (On\w+)\(.*?\)\n(.*?)^End Sub", code, re.MULTILINE | re.DOTALL)
    assert len(bodies) == len(BUTTON_FUNCTIONS) + 1  # the buttons and the platform chooser
    for name, body in bodies:
        lines = body.strip().splitlines()
        assert len(lines) == 1, name
        assert RUN_PYTHON.search(lines[0]), name


# -- the ribbon -----------------------------------------------------------------------------


def test_the_ribbon_part_is_the_2010_one_with_its_relationship(built: Path) -> None:
    xml = part(built, ribbon.PART)
    assert ribbon.PART == "customUI/customUI14.xml"
    assert xml == (VBA / "customUI14.xml").read_bytes()  # French: the source as it is
    assert (
        ElementTree.fromstring(xml).tag
        == "{http://schemas.microsoft.com/office/2009/07/customui}customUI"
    )
    rels = ElementTree.fromstring(part(built, package.PACKAGE_RELS))
    ribbons = [
        (r.get("Type"), r.get("Target"))
        for r in rels.iter(f"{{{PACKAGE_RELS_NS}}}Relationship")
        if r.get("Type", "").endswith("/ui/extensibility")
    ]
    assert ribbons == [
        ("http://schemas.microsoft.com/office/2007/relationships/ui/extensibility", ribbon.PART)
    ]
    with zipfile.ZipFile(built) as archive:
        assert "customUI/customUI.xml" not in archive.namelist()  # the template's ribbon is gone


def test_the_tab_has_every_group_and_button_in_french(built: Path) -> None:
    root = ElementTree.fromstring(part(built, ribbon.PART))
    ns = "{http://schemas.microsoft.com/office/2009/07/customui}"
    (tab,) = root.iter(f"{ns}tab")
    assert tab.get("label") == "Import clients"
    groups = {
        g.get("label"): [c.get("label") for c in g if c.get("label")]
        for g in tab.iter(f"{ns}group")
    }
    assert groups == {
        "Modèle": ["Plateforme", "Nouveau modèle", "Associer les colonnes", "Oublier les choix"],
        "Vérifier": [
            "Vérifier",
            "Corriger",
            "Annuler les corrections",
            "Effacer les marques",
            "Expliquer cette cellule",
        ],
        "Envoyer": [
            "Fichier pour la plateforme",
            "Envoyer à la plateforme",
            "Historique",
            "Annuler un envoi",
        ],
        "Réglages": ["Réglages"],
    }
    for control in root.iter():
        if control.tag in (f"{ns}button", f"{ns}dropDown"):
            assert control.get("supertip"), control.get("id")
        if control.tag == f"{ns}button":
            assert control.get("imageMso"), control.get("id")


def test_every_ribbon_callback_has_its_procedure_with_the_right_signature(built: Path) -> None:
    modules = modules_of(built)
    calls = ribbon.callbacks(part(built, ribbon.PART))
    assert {c.attribute for c in calls} == {"onAction", "getItemCount", "getItemLabel", "getItemID"}
    for call in calls:
        procedures = {
            name: [p.strip() for p in params.split(",")]
            for name, params in PROCEDURE.findall(modules[call.module])
        }
        assert call.procedure in procedures, call
        params = procedures[call.procedure]
        assert params[0] == "control As IRibbonControl", call
        assert len(params) == call.parameters, call


def test_every_runpython_target_is_a_function_of_the_ribbon_commands(built: Path) -> None:
    code = modules_of(built)["RibbonClientImport"]
    targets = {}
    for command in RUN_PYTHON.findall(code):
        found = CALL.match(command)
        assert found, f"RunPython runs something else than {COMMANDS}: {command}"
        targets[found.group(1)] = found.group(2)
    assert targets == {
        **dict.fromkeys(BUTTON_FUNCTIONS, ""),
        "choose_platform": "'\" & selectedId & \"'",
    }
    try:
        spec = importlib.util.find_spec(COMMANDS)
    except ModuleNotFoundError:
        spec = None
    if spec is None:
        pytest.skip(f"{COMMANDS} not merged yet")
    commands = importlib.import_module(COMMANDS)
    for name, argument in targets.items():
        function = getattr(commands, name, None)
        assert callable(function), f"{COMMANDS}.{name} is missing"
        inspect.signature(function).bind(*(["hokus"] if argument else []))


def test_the_english_build_takes_every_label_from_labels_en(tmp_path: Path) -> None:
    built = build_with_cli(tmp_path / "en.xlam", "--lang", "en")
    labels = ribbon.labels(part(built, ribbon.PART))
    english = sources.english_labels(VBA / "labels-en.toml")
    assert labels == {control: texts["label"] for control, texts in english.items()}
    assert labels["ciCheck"] == "Check" and labels["ciUndoSend"] == "Undo a send"
    root = ElementTree.fromstring(part(built, ribbon.PART))
    for control in root.iter():
        if control.get("supertip"):
            assert control.get("supertip") == english[control.get("id", "")]["supertip"]


def test_an_english_label_missing_stops_the_build() -> None:
    english = sources.english_labels(VBA / "labels-en.toml")
    del english["ciFix"]
    with pytest.raises(AddinBuildError, match="sans anglais : ciFix"):
        ribbon.ribbon_xml((VBA / "customUI14.xml").read_bytes(), "fr", english)


# -- the sheets and the package ------------------------------------------------------------


def test_the_config_sheet_holds_the_keys_the_xlwings_module_reads(built: Path) -> None:
    rows = sheet_rows(built, "client_import.conf")
    config = {key: value for key, value, *_ in rows}
    assert config["Interpreter_Win"] == "pythonw"
    assert config["Interpreter_Mac"] == "python3"
    assert config["ADD_WORKBOOK_TO_PYTHONPATH"] is False
    xlwings_code = text_of(VBA / "xlwings.bas")
    assert f'PROJECT_NAME As String = "{build.PROJECT_NAME}"' in xlwings_code
    for key in config:
        assert f'GetConfig("{str(key).upper()}"' in xlwings_code, key  # VBA upper-cases keys
    with zipfile.ZipFile(built) as archive:
        assert b'codeName="Sheet2"' in archive.read("xl/worksheets/sheet1.xml")


def test_the_platforms_sheet_lists_exactly_the_profiles(built: Path) -> None:
    rows = sheet_rows(built, build.PLATFORMS_SHEET)
    profiles = all_profiles()
    assert [row[0] for row in rows] == list(profiles)
    assert dict(rows)["evoliz-contacts"] == "Evoliz (evoliz-contacts)"
    assert dict(rows)["hokus"] == "Hokus"


def test_adding_a_profile_file_adds_a_platform_without_a_ribbon_edit(tmp_path: Path) -> None:
    templates = tmp_path / "templates"
    shutil.copytree(Path(__file__).resolve().parents[1] / "templates", templates)
    text = (templates / "hokus.toml").read_text(encoding="utf-8")
    (templates / "hokus-test.toml").write_text(
        text.replace('name = "hokus"', 'name = "hokus-test"', 1), encoding="utf-8"
    )
    env = {**os.environ, "CLIENT_IMPORT_TEMPLATES": str(templates)}
    built = build_with_cli(tmp_path / "more.xlam", env=env)
    ids = [row[0] for row in sheet_rows(built, build.PLATFORMS_SHEET)]
    assert "hokus-test" in ids and len(ids) == len(all_profiles()) + 1


def test_a_profile_id_unsafe_inside_vba_is_refused() -> None:
    with pytest.raises(AddinBuildError, match="a-z, 0-9"):
        build.platform_rows({"x');evil('": get_profile("hokus")})


def test_the_package_is_an_addin(built: Path) -> None:
    with zipfile.ZipFile(built) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    assert package.workbook_content_type(parts) == package.ADDIN_CONTENT_TYPE
    assert package.ADDIN_CONTENT_TYPE == "application/vnd.ms-excel.addin.macroEnabled.main+xml"


def test_the_same_sources_build_the_same_bytes(built: Path, tmp_path: Path) -> None:
    again = build_with_cli(tmp_path / "again.xlam")
    assert again.read_bytes() == built.read_bytes()


def test_openpyxl_opens_it_keeping_its_vba(built: Path) -> None:
    book = load_macro_book(as_xlsm(built))
    try:
        assert book.sheetnames == ["client_import.conf", build.PLATFORMS_SHEET]
        assert book.vba_archive is not None
    finally:
        book.close()


@pytest.mark.libreoffice
def test_libreoffice_opens_it(built: Path, tmp_path: Path, soffice: str) -> None:
    # LibreOffice knows no filter for the add-in content type by itself: it is told the one of
    # macro-enabled workbooks, and must then load every part of the real .xlam
    ods = convert(built, "ods", tmp_path, soffice=soffice, infilter="Calc MS Excel 2007 VBA XML")
    assert [s.name for s in ods_sheets(ods)] == ["client_import.conf", build.PLATFORMS_SHEET]


# -- the code page -------------------------------------------------------------------------


def test_french_text_passes_and_a_character_vba_would_lose_stops_the_build(tmp_path: Path) -> None:
    sources.check_code_page('MsgBox "Vérifiez l\'élément ç œ € à"', "Ribbon.bas")
    module = tmp_path / "Bad.bas"
    module.write_text('Attribute VB_Name = "Bad"\nSub A()\n    MsgBox "Vérifier → ok"\nEnd Sub\n')
    with pytest.raises(
        AddinBuildError, match=r"Bad\.bas, ligne 3, colonne 22 : le caractère « → »"
    ):
        sources.read_module(module)


# -- install and uninstall ------------------------------------------------------------------


def test_excels_startup_folder_on_each_system() -> None:
    home = PureWindowsPath(r"C:\Users\Hélène")
    env = {"APPDATA": r"D:\Profils\Hélène\Roaming"}
    assert install.startup_folder("windows", env, home) == PureWindowsPath(
        r"D:\Profils\Hélène\Roaming\Microsoft\Excel\XLSTART"
    )
    assert install.startup_folder("windows", {}, home) == PureWindowsPath(
        r"C:\Users\Hélène\AppData\Roaming\Microsoft\Excel\XLSTART"
    )
    assert install.startup_folder("macos", {}, PurePosixPath("/Users/helene")) == PurePosixPath(
        "/Users/helene/Library/Group Containers/UBF8T346G9.Office/User Content/Startup/Excel"
    )
    assert install.startup_folder("linux", {}, PurePosixPath("/home/helene")) is None
    assert [install.system_of(p) for p in ("win32", "darwin", "linux")] == [
        "windows",
        "macos",
        "linux",
    ]


def test_the_config_names_this_python_on_each_system() -> None:
    windows = install.placement(
        "windows",
        {},
        PureWindowsPath(r"C:\Users\h"),
        PureWindowsPath(r"C:\venv\Scripts\python.exe"),
    )
    assert windows.config.interpreter_win == r"C:\venv\Scripts\pythonw.exe"
    assert windows.scripts is None
    mac = install.placement(
        "macos", {}, PurePosixPath("/Users/h"), PurePosixPath("/Users/h/venv/bin/python")
    )
    assert mac.config.interpreter_mac == "/Users/h/venv/bin/python"
    assert mac.scripts == PurePosixPath("/Users/h/Library/Application Scripts/com.microsoft.Excel")
    assert mac.addin == mac.folder / "client-import.xlam" if mac.folder else False


def tree(folder: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()
    }


def test_install_then_uninstall_on_windows_leaves_the_folder_as_it_was(tmp_path: Path) -> None:
    xlstart = tmp_path / "XLSTART"
    xlstart.mkdir()
    (xlstart / "Perso.xlsb").write_bytes(b"the user's own startup workbook")
    before = tree(tmp_path)
    where = install.placement(
        "windows", {}, PureWindowsPath(r"C:\Users\h"), PureWindowsPath(r"C:\venv\python.exe")
    )
    done = install.install(xlstart, where.config, tmp_path / "data")
    assert done.addin == xlstart / "client-import.xlam"
    config = dict(row[:2] for row in sheet_rows(done.addin, "client_import.conf"))
    assert config["Interpreter_Win"] == r"C:\venv\pythonw.exe"
    assert install.uninstall(tmp_path / "data") == [done.addin]
    assert tree(tmp_path) == before


def test_install_on_macos_adds_xlwings_applescript_and_uninstall_keeps_one_found_there(
    tmp_path: Path,
) -> None:
    startup, scripts, data = tmp_path / "Startup", tmp_path / "Scripts", tmp_path / "data"
    config = build.AddinConfig(interpreter_mac="/Users/h/venv/bin/python")
    done = install.install(startup, config, data, scripts=scripts, lang="en")
    script = scripts / install.APPLESCRIPT
    assert done.written == [startup / "client-import.xlam", script]
    assert script.read_bytes() == (XLWINGS_DIR / install.APPLESCRIPT).read_bytes()
    assert ribbon.labels(part(done.addin, ribbon.PART))["ciSend"] == "Send to platform"
    install.uninstall(data)
    assert tree(tmp_path) == {}
    # an AppleScript that was there before (xlwings' own install) is not ours to remove
    scripts.mkdir(exist_ok=True)
    script.write_bytes(b"installed by xlwings runpython install")
    install.install(startup, config, data, scripts=scripts)
    install.uninstall(data)
    assert tree(tmp_path) == {
        "Scripts/" + install.APPLESCRIPT: b"installed by xlwings runpython install"
    }


def test_uninstall_removes_nothing_but_our_two_files(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    precious = tmp_path / "comptes.xlsx"
    precious.write_bytes(b"not ours")
    (data / install.RECORD_FILE).write_text(json.dumps({"written": [str(precious)]}))
    assert install.uninstall(data) == []
    assert precious.read_bytes() == b"not ours"


def test_on_linux_install_and_uninstall_say_what_they_would_do_and_write_nothing(
    tmp_path: Path,
) -> None:
    home, data = tmp_path / "home", tmp_path / "data"
    home.mkdir()
    env = {**os.environ, "HOME": str(home), "CLIENT_IMPORT_DATA_DIR": str(data)}
    env.pop("APPDATA", None)
    done = cli("addin", "install", env=env)
    assert done.returncode == 0, done.stderr
    assert "rien n'est écrit" in done.stdout
    assert r"%APPDATA%\Microsoft\Excel\XLSTART\client-import.xlam" in done.stdout
    assert f"Interpreter_Win = {sys.executable} (ce Python)" in done.stdout
    assert "Group Containers/UBF8T346G9.Office/User Content/Startup/Excel" in done.stdout
    undone = cli("addin", "uninstall", env=env)
    assert undone.returncode == 0, undone.stderr
    assert "rien n'est écrit" in undone.stdout
    assert list(tmp_path.rglob("*")) == [home]


def test_a_build_into_a_missing_folder_is_one_line_not_a_traceback(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("a file, not a folder")
    done = cli("addin", "build", "-o", tmp_path / "file" / "x.xlam")
    assert done.returncode == 2
    assert done.stderr.startswith("Erreur : ") and done.stderr.count("\n") == 1, done.stderr


def test_the_demo_step_builds_the_addin_and_lists_each_button_with_its_python(
    tmp_path: Path,
) -> None:
    from rich.console import Console

    from demo.addin_step import show_addin

    console = Console(record=True, width=80)  # a terminal's usual width: nothing cut
    path = show_addin(console, tmp_path / "dist" / "client-import.xlam")
    assert set(modules_of(path)) >= {"xlwings", "RibbonClientImport"}
    shown = console.export_text()
    assert "fonctions de addin.shells.ribbon.commands" in shown
    for function in BUTTON_FUNCTIONS:
        assert f"{function}()" in shown
    assert "choose_platform('<id>')" in shown
    assert "Expliquer cette cellule" in shown and "OnExplainCell" in shown
