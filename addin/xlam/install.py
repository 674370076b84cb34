"""``client-import addin install`` / ``uninstall``: the add-in where Excel loads it, and back.

The xlwings way (``xlwings addin install``, ``cli.py`` of 0.37.8): copy the .xlam into Excel's
startup folder, which Excel opens at every start; on macOS also copy xlwings' AppleScript, which
RunPython needs there (``xlwings runpython install``). xlwings asks a running Excel for the
startup folder through COM; we compute it, so no Excel has to run and the computation is a pure
function of the system and its environment (:func:`startup_folder`), tested for each system.

The add-in is built here, on the user's machine, with this Python as its interpreter
(``pythonw.exe`` beside ``python.exe`` on Windows: no console window flashing at each click).
What install put is listed in a small record in the data folder, and ``uninstall`` removes
exactly that: an AppleScript that was there before us stays.

On Linux there is no Excel: both commands say what they would do and write nothing.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path, PurePath, PurePosixPath, PureWindowsPath
from typing import Literal

from addin.core.catalogue import Lang
from addin.errors import UsageError
from addin.xlam.build import XLWINGS_VERSION, AddinConfig, build_addin

System = Literal["windows", "macos", "linux"]
ADDIN_FILE = "client-import.xlam"
APPLESCRIPT = f"xlwings-{XLWINGS_VERSION}.applescript"
RECORD_FILE = "addin-install.json"
#: Microsoft's Office group container on macOS (Excel 2016 and later)
MAC_OFFICE_GROUP = "UBF8T346G9.Office"


@dataclass(frozen=True)
class Placement:
    """Where the add-in goes on one system, and what its config sheet says there."""

    system: System
    #: Excel's startup folder (``None`` on Linux: no Excel)
    folder: PurePath | None
    #: where xlwings' AppleScript goes (macOS only)
    scripts: PurePath | None
    config: AddinConfig

    @property
    def addin(self) -> PurePath | None:
        return None if self.folder is None else self.folder / ADDIN_FILE


@dataclass(frozen=True)
class Installed:
    addin: Path
    written: list[Path] = field(default_factory=list)


def system_of(platform: str) -> System:
    """``sys.platform`` → the system the install knows."""
    if platform.startswith("win"):
        return "windows"
    if platform == "darwin":
        return "macos"
    return "linux"


def startup_folder(system: System, env: Mapping[str, str], home: PurePath) -> PurePath | None:
    """Excel's per-user startup folder (XLSTART), where an add-in file is opened at start."""
    if system == "windows":
        appdata = env.get("APPDATA") or str(PureWindowsPath(home) / "AppData" / "Roaming")
        return PureWindowsPath(appdata) / "Microsoft" / "Excel" / "XLSTART"
    if system == "macos":
        return (
            PurePosixPath(home)
            / "Library"
            / "Group Containers"
            / MAC_OFFICE_GROUP
            / "User Content"
            / "Startup"
            / "Excel"
        )
    return None


def interpreter_for(system: System, executable: PurePath) -> str:
    """The interpreter the add-in runs: this one (``pythonw.exe`` beside it on Windows)."""
    if system == "windows" and executable.name.lower() == "python.exe":
        return str(executable.with_name("pythonw.exe"))
    return str(executable)


def placement(
    system: System, env: Mapping[str, str], home: PurePath, executable: PurePath
) -> Placement:
    """Where and with what config the add-in is installed on ``system``: pure, for each OS."""
    interpreter = interpreter_for(system, executable)
    if system == "windows":
        config = AddinConfig(interpreter_win=interpreter)
        scripts = None
    elif system == "macos":
        config = AddinConfig(interpreter_mac=interpreter)
        scripts = PurePosixPath(home) / "Library" / "Application Scripts" / "com.microsoft.Excel"
    else:
        config = AddinConfig(interpreter_win=interpreter, interpreter_mac=interpreter)
        scripts = None
    return Placement(system, startup_folder(system, env, home), scripts, config)


def install(
    folder: Path,
    config: AddinConfig,
    record_folder: Path,
    *,
    lang: Lang = "fr",
    scripts: Path | None = None,
) -> Installed:
    """Build the add-in into ``folder`` (and xlwings' AppleScript into ``scripts``); record both."""
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / ADDIN_FILE
    build_addin(target, lang=lang, config=config)
    written = [target]
    if scripts is not None:
        script = scripts / APPLESCRIPT
        if not script.exists():
            import xlwings  # only for the macOS install

            scripts.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(Path(xlwings.__file__).parent / APPLESCRIPT, script)
            written.append(script)
    record_folder.mkdir(parents=True, exist_ok=True)
    previous = _recorded(record_folder)
    paths = sorted({str(p) for p in (*previous, *written)})
    (record_folder / RECORD_FILE).write_text(json.dumps({"written": paths}, indent=2) + "\n")
    return Installed(target, written)


def uninstall(record_folder: Path) -> list[Path]:
    """Remove what ``install`` wrote, as its record lists it; the paths removed."""
    record = record_folder / RECORD_FILE
    removed: list[Path] = []
    for path in _recorded(record_folder):
        # only our two file names: a damaged or edited record never deletes anything else
        if path.name in (ADDIN_FILE, APPLESCRIPT) and path.is_file():
            path.unlink()
            removed.append(path)
    record.unlink(missing_ok=True)
    return removed


def _recorded(record_folder: Path) -> list[Path]:
    record = record_folder / RECORD_FILE
    if not record.is_file():
        return []
    try:
        written = json.loads(record.read_text())["written"]
    except (ValueError, KeyError, TypeError):
        raise UsageError(
            f"{record} est illisible : supprimez à la main {ADDIN_FILE} du dossier de démarrage "
            "d'Excel, puis ce fichier",
            en=(
                f"{record} is unreadable: delete {ADDIN_FILE} by hand from Excel's startup "
                "folder, then this file"
            ),
        ) from None
    if not isinstance(written, list) or not all(isinstance(p, str) for p in written):
        raise UsageError(
            f"{record} est illisible : supprimez-le, puis réinstallez",
            en=f"{record} is unreadable: delete it, then install again",
        )
    return [Path(p) for p in written]


def described(where: Placement, *, config: bool = True, lang: Lang = "fr") -> str:
    """What the install (or, without ``config``, the uninstall) does on ``where.system``."""
    fr = lang == "fr"
    addin, script = (
        ("complément : ", "script RunPython de xlwings : ")
        if fr
        else (
            "add-in: ",
            "xlwings' RunPython script: ",
        )
    )
    lines = [f"  {addin}{where.addin}"] if where.addin else []
    if where.scripts is not None:
        lines.append(f"  {script}{where.scripts / APPLESCRIPT}")
    for key, value in where.config.rows()[:3] if config else []:
        empty = "(vide)" if fr else "(empty)"
        lines.append(f"  {'réglage' if fr else 'setting'} {key} = {value or empty}")
    return "\n".join(lines)
