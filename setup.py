"""The one build step pyproject.toml cannot say: the wheel carries the repository's profiles.

``templates/`` stays at the top of the repository, their one source (adding a platform is adding
a file there). An installed package has no repository around it, so the build copies the
profiles into the package as ``addin/_profiles/``, where ``addin.core.profiles`` looks first.
Editable installs do not need the copy: they read ``templates/`` in the checkout.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent


class BuildPyWithProfiles(build_py):
    """``build_py`` plus the profiles copied into the built package."""

    def run(self) -> None:
        super().run()
        target = Path(self.build_lib) / "addin" / "_profiles"
        target.mkdir(parents=True, exist_ok=True)
        for profile in sorted((ROOT / "templates").glob("*.toml")):
            shutil.copy2(profile, target / profile.name)


setup(cmdclass={"build_py": BuildPyWithProfiles})
