"""The add-in's text sources (``vba/``) and the one check they need before pyOpenVBA sees them.

``vba/`` stays at the top of the repository, their one source; a wheel carries a copy as
``addin/_vba/`` (``setup.py``), so that ``client-import addin build`` and ``addin install`` work
from an installed package, from any folder. Same arrangement as the profiles
(``core/profiles.py``).

VBA source is stored in the project's code page, 1252. pyOpenVBA writes a character that code
page lacks as ``?``, silently (docs/design/xlwings-on-linux.md, §4): a "→" in a message would
reach the accountant as "?". Every module is therefore encoded strictly first, and a character
outside cp1252 stops the build with its place.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

from addin.errors import AddinBuildError

#: ``vba/`` as an installed wheel carries it (``setup.py`` copies it there).
PACKAGED_DIR = Path(__file__).resolve().parents[1] / "_vba"
#: ``vba/`` in a checkout (and in an editable install).
REPOSITORY_DIR = Path(__file__).resolve().parents[2] / "vba"

#: The files of ``vba/`` the build reads, besides the licence and the README.
XLWINGS_MODULE = "xlwings.bas"
RIBBON_MODULE = "Ribbon.bas"
#: The add-in's ``ThisWorkbook`` document module (its ``Workbook_Open``).
WORKBOOK_MODULE = "ThisWorkbook.bas"
RIBBON_XML = "customUI14.xml"
ENGLISH_LABELS = "labels-en.toml"
VBA_FILES = (XLWINGS_MODULE, RIBBON_MODULE, WORKBOOK_MODULE, RIBBON_XML, ENGLISH_LABELS)

VBA_CODE_PAGE = "cp1252"
_NAME_LINE = re.compile(r'^Attribute VB_Name = "(\w+)"\r?\n')


@dataclass(frozen=True)
class VbaModule:
    """One standard module: its name (from its ``Attribute VB_Name`` line) and its code."""

    name: str
    #: the file's text as it is, CRLF line endings (VBA's), ``Attribute VB_Name`` first
    text: str

    @property
    def body(self) -> str:
        """The code without the ``Attribute VB_Name`` line, which pyOpenVBA writes itself."""
        return _NAME_LINE.sub("", self.text, count=1)


def vba_dir() -> Path:
    """The packaged copy when this is an installed wheel, else the checkout's ``vba/``."""
    if (PACKAGED_DIR / RIBBON_XML).is_file():
        return PACKAGED_DIR
    if (REPOSITORY_DIR / RIBBON_XML).is_file():
        return REPOSITORY_DIR
    raise AddinBuildError(
        f"les sources du complément sont introuvables (ni {PACKAGED_DIR} ni {REPOSITORY_DIR}) : "
        "réinstallez client-import",
        en=(
            f"the add-in's sources cannot be found (neither {PACKAGED_DIR} nor {REPOSITORY_DIR}): "
            "install client-import again"
        ),
    )


def read_module(path: Path) -> VbaModule:
    """A ``.bas`` file, with CRLF line endings, refused when VBA could not store its text."""
    text = path.read_bytes().decode("utf-8")
    text = text.replace("\r\n", "\n").replace("\n", "\r\n")
    check_code_page(text, path.name)
    found = _NAME_LINE.match(text)
    if found is None:
        raise AddinBuildError(
            f'{path.name} : la première ligne doit être Attribute VB_Name = "NomDuModule"',
            en=(f'{path.name}: the first line must be Attribute VB_Name = "ModuleName"'),
        )
    return VbaModule(found.group(1), text)


def check_code_page(text: str, where: str) -> None:
    """Refuse ``text`` if a character would become ``?`` in the VBA project (code page 1252)."""
    for number, line in enumerate(text.splitlines(), start=1):
        for column, char in enumerate(line, start=1):
            try:
                char.encode(VBA_CODE_PAGE)
            except UnicodeEncodeError:
                raise AddinBuildError(
                    f"{where}, ligne {number}, colonne {column} : le caractère « {char} » "
                    f"(U+{ord(char):04X}) n'existe pas dans le code VBA (page de code 1252) et "
                    "deviendrait « ? » dans Excel ; remplacez-le",
                    en=(
                        f"{where}, line {number}, column {column}: the character “{char}” "
                        f"(U+{ord(char):04X}) does not exist in VBA code (code page 1252) and "
                        "would become “?” in Excel; replace it"
                    ),
                ) from None


def english_labels(path: Path) -> dict[str, dict[str, str]]:
    """``labels-en.toml``: control id → {"label", "screentip", "supertip"}."""
    with path.open("rb") as handle:
        raw = tomllib.load(handle)
    labels: dict[str, dict[str, str]] = {}
    for control, texts in raw.items():
        if not isinstance(texts, dict) or not all(isinstance(v, str) for v in texts.values()):
            raise AddinBuildError(
                f"{path.name} : [{control}] doit donner des textes",
                en=f"{path.name}: [{control}] must give texts",
            )
        labels[control] = dict(texts)
    return labels
