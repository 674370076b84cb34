"""The template use case: plan a profile's blank workbook and write it. Shared by CLI and ribbon."""

from __future__ import annotations

from functools import partial
from pathlib import Path

from addin.core.catalogue import Lang
from addin.core.profile import Profile
from addin.core.template import plan_template
from addin.errors import UsageError
from addin.files.safe_files import ensure_folder, write_replacing
from addin.files.template_writer import write_template


def make_template(
    profile: Profile,
    output: Path | None = None,
    *,
    lang: Lang = "fr",
    rows: int | None = None,
    overwrite: bool = False,
) -> Path:
    """Write the template of ``profile`` and return where.

    ``output`` may be a file or a folder (the platform's usual file name is used inside it).
    An existing file is never replaced unless ``overwrite``: it may be a template the user has
    started filling in.
    """
    if rows is not None and not 1 <= rows <= 1_048_575:
        raise UsageError(
            f"--rows doit être entre 1 et 1 048 575, pas {rows}",
            en=f"--rows must be between 1 and 1,048,575, not {rows}",
        )
    spec = plan_template(profile, lang, rows)
    path = output or Path(spec.file_name)
    if path.is_dir():
        path = path / spec.file_name
    if path.suffix == "" and output is not None:  # "-o clients/" where the folder is missing
        raise UsageError(
            f"le dossier « {path} » n'existe pas : créez-le, ou donnez un nom de fichier en .xlsx",
            en=(
                f"the folder “{path}” does not exist: create it, or give a file name "
                "ending in .xlsx"
            ),
        )
    if path.suffix.lower() != ".xlsx":
        raise UsageError(
            f"le modèle est un classeur .xlsx : « {path.name} » n'en est pas un",
            en=f"the template is an .xlsx workbook: “{path.name}” is not one",
        )
    if path.exists() and not overwrite:
        raise UsageError(
            f"« {path} » existe déjà : choisissez un autre nom avec -o, ou ajoutez --force "
            "pour le remplacer",
            en=(
                f"“{path}” already exists: choose another name with -o, or add --force "
                "to replace it"
            ),
        )
    ensure_folder(path)
    write_replacing(path, partial(write_template, spec))  # never half a template
    return path
