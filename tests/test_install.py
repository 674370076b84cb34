"""The package as a user installs it: a wheel built from the checkout, installed (not editable)
into a fresh virtual environment outside the checkout, used from another folder.

Why a real build and install: the profiles live at the top of the repository (``templates/``),
outside the ``addin`` package; an editable install finds them there, an installed wheel must
carry them. That break was only visible this way (``.../site-packages/templates: the profiles
folder does not exist``).
"""

from __future__ import annotations

import os
import subprocess
import sys
import venv
import zipfile
from pathlib import Path

import pytest

REPOSITORY = Path(__file__).resolve().parents[1]
PROFILES = sorted(path.name for path in (REPOSITORY / "templates").glob("*.toml"))

pytestmark = pytest.mark.slow

#: The environment of a user's shell: no PYTHONPATH pointing into a checkout, which would make
#: the fresh environment's pip see client-import as installed already and Python import the
#: checkout instead of the wheel.
CLEAN_ENV = {k: v for k, v in os.environ.items() if k not in {"PYTHONPATH", "PYTHONHOME"}}


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The wheel and the sdist, built from the checkout as ``python -m build`` builds them."""
    out = tmp_path_factory.mktemp("dist")
    subprocess.run(
        [sys.executable, "-m", "build", "--outdir", str(out), str(REPOSITORY)],
        check=True,
        capture_output=True,
        env=CLEAN_ENV,
    )
    return {
        "wheel": next(out.glob("*.whl")),
        "sdist": next(out.glob("*.tar.gz")),
    }


@pytest.fixture(scope="module")
def installed(built: dict[str, Path], tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh virtual environment, outside the checkout, with the wheel installed in it."""
    environment = tmp_path_factory.mktemp("fresh-venv")
    venv.EnvBuilder(with_pip=True).create(environment)
    subprocess.run(
        [str(environment / "bin" / "python"), "-m", "pip", "install", "--quiet", built["wheel"]],
        check=True,
        capture_output=True,
        env=CLEAN_ENV,
    )
    return environment / "bin" / "client-import"


def test_the_wheel_carries_every_profile(built: dict[str, Path]) -> None:
    with zipfile.ZipFile(built["wheel"]) as wheel:
        packaged = sorted(
            name.removeprefix("addin/_profiles/")
            for name in wheel.namelist()
            if name.startswith("addin/_profiles/")
        )
    assert packaged == PROFILES


def test_the_sdist_carries_the_profiles_and_the_build_step(built: dict[str, Path]) -> None:
    import tarfile

    with tarfile.open(built["sdist"]) as sdist:
        names = {name.split("/", 1)[1] for name in sdist.getnames() if "/" in name}
    assert {f"templates/{name}" for name in PROFILES} <= names
    assert "setup.py" in names


def test_an_installed_wheel_lists_the_profiles_from_any_folder(
    installed: Path, tmp_path: Path
) -> None:
    result = subprocess.run(
        [str(installed), "profiles"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
        env=CLEAN_ENV,
    )
    assert result.returncode == 0, result.stderr
    for name in PROFILES:
        assert name.removesuffix(".toml") in result.stdout
    assert "site-packages" not in result.stdout + result.stderr


def test_an_installed_wheel_makes_a_template_and_validates_a_file(
    installed: Path, tmp_path: Path
) -> None:
    made = subprocess.run(
        [str(installed), "template", "hokus", "-o", str(tmp_path)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
        env=CLEAN_ENV,
    )
    assert made.returncode == 0, made.stderr
    template = next(tmp_path.glob("*.xlsx"))
    with zipfile.ZipFile(template) as workbook:
        assert "xl/workbook.xml" in workbook.namelist()

    sample = REPOSITORY / "demo" / "samples" / "hokus.csv"
    checked = subprocess.run(
        [str(installed), "validate", str(sample), "--profile", "hokus", "--json"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
        env=CLEAN_ENV,
    )
    assert checked.returncode in (0, 1), checked.stderr
    assert '"profile": "hokus"' in checked.stdout


VBA_SOURCES = sorted(path.name for path in (REPOSITORY / "vba").iterdir() if path.is_file())


def test_the_wheel_and_the_sdist_carry_the_addin_sources(built: dict[str, Path]) -> None:
    import tarfile

    with zipfile.ZipFile(built["wheel"]) as wheel:
        packaged = sorted(
            name.removeprefix("addin/_vba/")
            for name in wheel.namelist()
            if name.startswith("addin/_vba/")
        )
    assert packaged == VBA_SOURCES
    with tarfile.open(built["sdist"]) as sdist:
        names = {name.split("/", 1)[1] for name in sdist.getnames() if "/" in name}
    assert {f"vba/{name}" for name in VBA_SOURCES} <= names


def test_an_installed_wheel_builds_the_addin_from_any_folder(
    installed: Path, tmp_path: Path
) -> None:
    done = subprocess.run(
        [str(installed), "addin", "build", "-o", "client-import.xlam"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
        env=CLEAN_ENV,
    )
    assert done.returncode == 0, done.stderr
    with zipfile.ZipFile(tmp_path / "client-import.xlam") as addin:
        names = addin.namelist()
        ribbon = addin.read("customUI/customUI14.xml")
    assert {"xl/vbaProject.bin", "customUI/customUI14.xml"} <= set(names)
    assert ribbon == (REPOSITORY / "vba" / "customUI14.xml").read_bytes()
