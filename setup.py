"""The one build step pyproject.toml cannot say: the wheel carries the repository's profiles
and the Excel add-in's sources.

``templates/`` stays at the top of the repository, their one source (adding a platform is adding
a file there). An installed package has no repository around it, so the build copies the
profiles into the package as ``addin/_profiles/``, where ``addin.core.profiles`` looks first.
Editable installs do not need the copy: they read ``templates/`` in the checkout.
``vba/`` (the add-in's VBA, ribbon XML and labels) goes the same way into ``addin/_vba/``, where
``addin.xlam.sources`` looks first, so that ``client-import addin build`` and ``addin install``
work from an installed wheel.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent


class BuildPyWithProfiles(build_py):
    """``build_py`` plus the profiles and the add-in's sources copied into the built package."""

    def run(self) -> None:
        super().run()
        target = Path(self.build_lib) / "addin" / "_profiles"
        target.mkdir(parents=True, exist_ok=True)
        for profile in sorted((ROOT / "templates").glob("*.toml")):
            shutil.copy2(profile, target / profile.name)
        vba = Path(self.build_lib) / "addin" / "_vba"
        vba.mkdir(parents=True, exist_ok=True)
        for source in sorted((ROOT / "vba").iterdir()):
            if source.is_file():
                shutil.copy2(source, vba / source.name)


setup(cmdclass={"build_py": BuildPyWithProfiles})
