"""The export use case: the platform's import file(s) from the valid rows, and the rejects.

Files over the platform's limits are split: by row count first (Reveal: 10,000 contacts per
import), then, if a part is still over the size limit for its format, in halves until each
part fits. Parts are named ``OUT-1.xlsx``, ``OUT-2.xlsx``... so they sort in import order.
"""

from __future__ import annotations

import re
import tempfile
from dataclasses import dataclass
from pathlib import Path

from addin.core.catalogue import Lang
from addin.core.export import ExportPlan, plan_export, split_rows
from addin.core.profile import Profile
from addin.errors import UsageError
from addin.io.platform_files import write_held_back, write_platform_file
from addin.io.safe_files import refuse_existing
from addin.validation import load_table

_EXTENSIONS = {"csv": {".csv"}, "xlsx": {".xlsx"}, "xls": {".xlsx"}, "ods": {".xlsx", ".ods"}}


@dataclass(frozen=True, slots=True)
class ExportResult:
    plan: ExportPlan
    files: list[Path]
    rejects: Path | None


def _check_output(profile: Profile, output: Path, rejects: Path | None, overwrite: bool) -> None:
    wanted = profile.file.export.format
    if output.suffix.lower() not in _EXTENSIONS[wanted]:
        raise UsageError(
            f"{profile.platform} importe des fichiers {wanted.upper()} : donnez au fichier "
            f"d'export l'extension {sorted(_EXTENSIONS[wanted])[0]} (pas « {output.name} »)"
        )
    if rejects is not None and rejects.suffix.lower() not in {".xlsx", ".csv"}:
        raise UsageError("le fichier des rejets doit être un .xlsx ou un .csv")
    if rejects is not None and rejects.resolve() == output.resolve():
        raise UsageError("le fichier des rejets doit être distinct du fichier d'export")
    for path in (output, rejects):
        if path is None:
            continue
        if not path.parent.is_dir():
            raise UsageError(f"le dossier « {path.parent} » n'existe pas : créez-le d'abord")
        refuse_existing(path, overwrite)
    if (
        rejects is not None
        and rejects.suffix.lower() == output.suffix.lower()
        and re.fullmatch(rf"{re.escape(output.stem)}-\d+", rejects.stem)
    ):
        raise UsageError(
            f"« {rejects.name} » est le nom d'une partie de l'export quand il est découpé : "
            "choisissez un autre nom pour les rejets"
        )


def export_file(
    path: Path,
    profile: Profile,
    output: Path,
    *,
    rejects: Path | None = None,
    sheet: str | None = None,
    lang: Lang = "fr",
    overwrite: bool = False,
) -> ExportResult:
    """Write the platform file(s) for ``path`` and, if asked, the rejected rows."""
    _check_output(profile, output, rejects, overwrite)
    table = load_table(path, sheet, profile)
    plan = plan_export(table, profile, lang)
    files = _write_parts(plan, profile, output, overwrite)
    if rejects is not None:
        separator = profile.file.export.separator
        write_held_back(rejects, plan.source_headers, plan.held_back, lang, separator)
    return ExportResult(plan, files, rejects)


def _write_parts(plan: ExportPlan, profile: Profile, output: Path, overwrite: bool) -> list[Path]:
    """One file, or numbered parts when the platform's row or size limit requires it."""
    settings = profile.file.export
    limit = profile.file.max_size_bytes.get(output.suffix.lower().lstrip("."))
    parts = split_rows(len(plan.rows), profile.file.max_rows)
    with tempfile.TemporaryDirectory(dir=output.parent) as folder:
        written: list[Path] = []
        while parts:
            part = parts.pop(0)
            candidate = Path(folder) / f"part{len(written)}{output.suffix}"
            rows = plan.rows[part.start : part.stop]
            write_platform_file(candidate, plan.headers, rows, settings)
            if limit is not None and candidate.stat().st_size > limit and len(part) > 1:
                middle = part.start + len(part) // 2
                parts[:0] = [range(part.start, middle), range(middle, part.stop)]
                continue
            written.append(candidate)
        if len(written) == 1:
            written[0].replace(output)
            return [output]
        names = [
            output.with_name(f"{output.stem}-{n}{output.suffix}")
            for n in range(1, len(written) + 1)
        ]
        existing = [name for name in names if name.exists()]
        if existing and not overwrite:
            raise UsageError(
                f"« {existing[0]} » existe déjà (l'export est découpé en {len(names)} "
                "fichiers) : choisissez un autre nom ou ajoutez --force"
            )
        for source, target in zip(written, names, strict=True):
            source.replace(target)
        return names
