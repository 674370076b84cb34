"""``client-import addin build``: xlwings' add-in template + ``vba/`` → ``client-import.xlam``.

Why from xlwings' own template (``quickstart_addin_ribbon.xlam``, in the pinned xlwings wheel,
taken from the installed package at build time and never committed): it is an add-in Excel
itself saved, with the ``Dictionary`` class xlwings needs on macOS and a config sheet, so only
text changes are ours. The steps:

1. the template copied; pyOpenVBA writes the ``xlwings`` module from ``vba/xlwings.bas``,
   turns the template's ribbon module into ours (``vba/Ribbon.bas``), writes ``ThisWorkbook``
   (``vba/ThisWorkbook.bas``) and adds the worksheet functions' wrappers, generated from
   ``addin.shells.functions`` (``udf_wrappers``); every text is checked to survive code page
   1252 first (``sources.check_code_page``);
2. the zip's other parts (``package``): the ribbon XML (``customUI/customUI14.xml`` and its
   relationship, the template's 2006 ribbon dropped), the config sheet
   ``client_import.conf`` (interpreter, PYTHONPATH...), the platforms sheet (one row per
   profile, so adding a platform is adding a ``templates/*.toml`` file and building again);
3. written with fixed zip dates, so the same sources and settings give the same bytes.

pyOpenVBA cannot rename the VBA project (it stays "MyAddin", seen only in the VBA editor).
"""

from __future__ import annotations

import re
import shutil
import tempfile
import zipfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from addin.core.catalogue import Lang
from addin.core.profile import Profile
from addin.core.profiles import all_profiles
from addin.errors import AddinBuildError
from addin.files.safe_files import write_replacing
from addin.xlam import package, ribbon, sources, udf_wrappers

#: The xlwings version whose VBA ``vba/xlwings.bas`` is (it names ``xlwings64-0.37.8.dll``).
XLWINGS_VERSION = "0.37.8"
TEMPLATE = "quickstart_addin_ribbon.xlam"
TEMPLATE_RIBBON_MODULE = "RibbonMyAddin"
TEMPLATE_CONFIG_SHEET = "_myaddin.conf"
#: ``PROJECT_NAME`` in ``vba/xlwings.bas``: names the config sheet and the user's config file.
PROJECT_NAME = "client_import"
CONFIG_SHEET = f"{PROJECT_NAME}.conf"
PLATFORMS_SHEET = f"{PROJECT_NAME}.platforms"
DEFAULT_OUTPUT = Path("dist") / "client-import.xlam"
#: The ids the ribbon passes to ``choose_platform('...')`` inside a Python string in VBA.
PLATFORM_ID = re.compile(r"[a-z0-9_-]+")
_ZIP_DATE = (1980, 1, 1, 0, 0, 0)


@dataclass(frozen=True)
class AddinConfig:
    """What the config sheet says. ``addin install`` fills the interpreter of this machine;
    a plain build names the interpreters found on the PATH."""

    interpreter_win: str = "pythonw"
    interpreter_mac: str = "python3"
    pythonpath: str = ""

    def rows(self) -> list[tuple[str, package.ConfigValue]]:
        """The sheet's rows, keys as ``xlwings.bas`` reads them (upper-cased there)."""
        return [
            ("Interpreter_Win", self.interpreter_win),
            ("Interpreter_Mac", self.interpreter_mac),
            ("PYTHONPATH", self.pythonpath),
            # not the workbook's folder on sys.path: a file named addin.py beside the
            # accountant's workbook must not stand in for our package
            ("ADD_WORKBOOK_TO_PYTHONPATH", False),
            ("Conda Path", ""),
            ("Conda Env", ""),
            # the module of the worksheet functions, as xlwings' "Import functions" would read
            # it; their wrappers are already in the add-in (udf_wrappers)
            ("UDF Modules", udf_wrappers.FUNCTIONS_MODULE),
            ("Debug UDFs", False),
            ("Use UDF Server", False),
            ("Show Console", False),
        ]


@dataclass(frozen=True)
class Button:
    """One ribbon control and the Python it runs (for the demo's table and the tests)."""

    control: str
    label: str
    procedure: str
    python: str


@dataclass(frozen=True)
class BuildResult:
    path: Path
    platforms: list[tuple[str, str]]


def template_path() -> Path:
    """xlwings' add-in template, from the installed xlwings of the pinned version."""
    import xlwings  # 0.1 s, only when building

    if xlwings.__version__ != XLWINGS_VERSION:
        raise AddinBuildError(
            f"xlwings {xlwings.__version__} est installé, le complément embarque le VBA de "
            f"xlwings {XLWINGS_VERSION} : `pip install xlwings=={XLWINGS_VERSION}`",
            en=(
                f"xlwings {xlwings.__version__} is installed, the add-in carries the VBA of "
                f"xlwings {XLWINGS_VERSION}: `pip install xlwings=={XLWINGS_VERSION}`"
            ),
        )
    path = Path(xlwings.__file__).parent / TEMPLATE
    if not path.is_file():
        raise AddinBuildError(
            f"le modèle de complément de xlwings est introuvable : {path}",
            en=f"xlwings' add-in template cannot be found: {path}",
        )
    return path


def platform_rows(profiles: Mapping[str, Profile]) -> list[tuple[str, str]]:
    """(id, label) per profile: the id is the file's stem, checked to be safe inside VBA."""
    rows: list[tuple[str, str]] = []
    for name, profile in profiles.items():
        if PLATFORM_ID.fullmatch(name) is None:
            raise AddinBuildError(
                f"profil « {name} » : le ruban ne peut passer que des noms en a-z, 0-9, « - » "
                "et « _ » ; renommez le fichier du profil",
                en=(
                    f"profile “{name}”: the ribbon can only pass names in a-z, 0-9, “-” "
                    "and “_”; rename the profile's file"
                ),
            )
        label = (
            profile.platform if profile.platform.lower() == name else f"{profile.platform} ({name})"
        )
        rows.append((name, label))
    return rows


def build_addin(
    output: Path,
    *,
    lang: Lang = "fr",
    config: AddinConfig | None = None,
    profiles: Mapping[str, Profile] | None = None,
) -> BuildResult:
    """Build the add-in into ``output`` (replaced whole, never half-written)."""
    from pyopenvba import ExcelFile  # only the build needs it

    folder = sources.vba_dir()
    xlwings_module = sources.read_module(folder / sources.XLWINGS_MODULE)
    ribbon_module = sources.read_module(folder / sources.RIBBON_MODULE)
    workbook_module = sources.read_module(folder / sources.WORKBOOK_MODULE)
    functions_module = sources.VbaModule(udf_wrappers.MODULE_NAME, udf_wrappers.wrapper_module())
    sources.check_code_page(functions_module.text, udf_wrappers.MODULE_NAME)
    english = sources.english_labels(folder / sources.ENGLISH_LABELS)
    ribbon_part = ribbon.ribbon_xml((folder / sources.RIBBON_XML).read_bytes(), lang, english)
    platforms = platform_rows(all_profiles() if profiles is None else profiles)
    settings = config or AddinConfig()
    with tempfile.TemporaryDirectory(prefix="client-import-xlam-") as scratch:
        work = Path(scratch) / "addin.xlam"
        shutil.copyfile(template_path(), work)
        with ExcelFile(work) as book:
            if sorted(book.module_names()) != sorted(
                ["ThisWorkbook", "Dictionary", TEMPLATE_RIBBON_MODULE, "Sheet2", "xlwings"]
            ):
                raise AddinBuildError(
                    f"le modèle de xlwings a changé : {book.module_names()}",
                    en=f"xlwings' template has changed: {book.module_names()}",
                )
            book.set_module(xlwings_module.name, xlwings_module.body)
            book.vba_project().rename_module(TEMPLATE_RIBBON_MODULE, ribbon_module.name)
            book.set_module(ribbon_module.name, ribbon_module.body)
            book.set_module(workbook_module.name, workbook_module.body)
            book.vba_project().add_module(functions_module.name, functions_module.body)
            book.save()
        parts = _read_zip(work)
    if package.workbook_content_type(parts) != package.ADDIN_CONTENT_TYPE:
        raise AddinBuildError(
            "le modèle de xlwings n'est plus un complément (.xlam)",
            en="xlwings' template is no longer an add-in (.xlam)",
        )
    package.put_ribbon(
        parts, ribbon.PART, ribbon_part, ribbon.RELATIONSHIP_TYPE, [ribbon.OLD_RELATIONSHIP_TYPE]
    )
    package.write_config_sheet(parts, TEMPLATE_CONFIG_SHEET, CONFIG_SHEET, settings.rows())
    package.add_sheet(parts, PLATFORMS_SHEET, platforms)
    output.parent.mkdir(parents=True, exist_ok=True)
    write_replacing(output, lambda path: _write_zip(path, parts))
    return BuildResult(output, platforms)


def buttons(lang: Lang = "fr") -> list[Button]:
    """Each ribbon control with an action, its label and the Python its procedure runs."""
    folder = sources.vba_dir()
    xml = ribbon.ribbon_xml(
        (folder / sources.RIBBON_XML).read_bytes(),
        lang,
        sources.english_labels(folder / sources.ENGLISH_LABELS),
    )
    code = sources.read_module(folder / sources.RIBBON_MODULE).text
    labels = ribbon.labels(xml)
    return [
        Button(c.control, labels.get(c.control, ""), c.procedure, python_of(code, c.procedure))
        for c in ribbon.callbacks(xml)
        if c.attribute == "onAction"
    ]


def python_of(code: str, procedure: str) -> str:
    """The Python a procedure of ``code`` runs through RunPython ("" if it runs none)."""
    body = re.search(
        rf"^Sub {re.escape(procedure)}\(.*?$(.*?)^End Sub", code, re.MULTILINE | re.DOTALL
    )
    if body is None:
        return ""
    found = re.search(r'RunPython "(.*)"\s*$', body.group(1), re.MULTILINE)
    return found.group(1).replace('" & selectedId & "', "<id>") if found else ""


def _read_zip(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def _write_zip(path: Path, parts: Mapping[str, bytes]) -> None:
    order: Sequence[str] = [
        package.CONTENT_TYPES,
        *(n for n in parts if n != package.CONTENT_TYPES),
    ]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in order:
            info = zipfile.ZipInfo(name, date_time=_ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, parts[name])
