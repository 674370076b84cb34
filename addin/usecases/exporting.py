"""The export use case: the platform's import file(s) from the valid rows, and the rejects.

Files over the platform's limits are split: by row count first (Reveal: 10,000 contacts per
import), then, if a part is still over the size limit for its format, in halves until each
part fits. Parts are named ``OUT-1.xlsx``, ``OUT-2.xlsx``... so they sort in import order.

``export_book`` works on any ``core.workbook.Workbook`` (the file's, or the book open in Excel);
``export_file`` opens the file's workbook for it.

Nothing is lost: no output (nor a part, nor the rejects) may be the file the export reads, even
with ``--force`` (it would be replaced by its valid rows only); parts are written in a
temporary folder of ours beside the output and moved into place at the end.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from addin.core.catalogue import Lang
from addin.core.export import ExportPlan, plan_export, split_rows
from addin.core.profile import Profile
from addin.core.workbook import Workbook
from addin.errors import UsageError
from addin.files.file_workbook import open_workbook
from addin.files.platform_files import write_held_back, write_platform_file
from addin.files.safe_files import (
    check_output,
    same_file,
    temporary_folder,
    through_links,
    write_replacing,
    writing_errors,
)
from addin.usecases.validation import read_book

_EXTENSIONS = {"csv": {".csv"}, "xlsx": {".xlsx"}, "xls": {".xlsx"}, "ods": {".xlsx", ".ods"}}


@dataclass(frozen=True, slots=True)
class ExportResult:
    plan: ExportPlan
    files: list[Path]
    rejects: Path | None


def _check_output(
    source: Path | None, profile: Profile, output: Path, rejects: Path | None, overwrite: bool
) -> None:
    wanted = profile.file.export.format
    if output.suffix.lower() not in _EXTENSIONS[wanted]:
        raise UsageError(
            f"{profile.platform} importe des fichiers {wanted.upper()} : donnez au fichier "
            f"d'export l'extension {sorted(_EXTENSIONS[wanted])[0]} (pas « {output.name} »)",
            en=(
                f"{profile.platform} imports {wanted.upper()} files: give the export file "
                f"the extension {sorted(_EXTENSIONS[wanted])[0]} (not “{output.name}”)"
            ),
        )
    if rejects is not None and rejects.suffix.lower() not in {".xlsx", ".csv"}:
        raise UsageError(
            "le fichier des rejets doit être un .xlsx ou un .csv",
            en="the rejects file must be an .xlsx or a .csv",
        )
    if rejects is not None and same_file(rejects, output):
        raise UsageError(
            "le fichier des rejets doit être distinct du fichier d'export",
            en="the rejects file must be different from the export file",
        )
    for path in (output, rejects):
        if path is not None:
            check_output(path, reads=[] if source is None else [source], overwrite=overwrite)
    if (
        rejects is not None
        and rejects.suffix.lower() == output.suffix.lower()
        and re.fullmatch(rf"{re.escape(output.stem)}-\d+", rejects.stem)
    ):
        raise UsageError(
            f"« {rejects.name} » est le nom d'une partie de l'export quand il est découpé : "
            "choisissez un autre nom pour les rejets",
            en=(
                f"“{rejects.name}” is the name of a part of the export when it is split: "
                "choose another name for the rejects"
            ),
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
    _check_output(path, profile, output, rejects, overwrite)
    with open_workbook(path) as book:
        return export_book(
            book,
            profile,
            output,
            rejects=rejects,
            sheet=sheet,
            lang=lang,
            overwrite=overwrite,
            source=path,
        )


def export_book(
    book: Workbook,
    profile: Profile,
    output: Path,
    *,
    rejects: Path | None = None,
    sheet: str | None = None,
    lang: Lang = "fr",
    overwrite: bool = False,
    source: Path | None = None,
) -> ExportResult:
    """Write the platform file(s) for ``book``'s data sheet and, if asked, the rejected rows.

    ``source`` is the file the workbook was read from, if any (a live book never saved has
    none): no output may be it, since the export would replace the user's rows by the valid
    ones only.
    """
    _check_output(source, profile, output, rejects, overwrite)
    table = read_book(book, sheet, profile)
    plan = plan_export(table, profile, lang)
    if rejects is None:
        return ExportResult(plan, _write_parts(plan, profile, output, overwrite, source), None)
    files: list[Path] = []

    def rejects_then_parts(temporary: Path) -> None:
        # the rejects are written first and put in place last: a failure of either leaves
        # neither (an export without its rejects would lose the rows held back)
        write_held_back(
            temporary, plan.source_headers, plan.held_back, lang, profile.file.export.separator
        )
        files.extend(_write_parts(plan, profile, output, overwrite, source))

    write_replacing(rejects, rejects_then_parts)
    return ExportResult(plan, files, rejects)


def _write_parts(
    plan: ExportPlan, profile: Profile, output: Path, overwrite: bool, source: Path | None
) -> list[Path]:
    """One file, or numbered parts when the platform's row or size limit requires it."""
    settings = profile.file.export
    limit = profile.file.max_size_bytes.get(output.suffix.lower().lstrip("."))
    parts = split_rows(len(plan.rows), profile.file.max_rows)
    with temporary_folder(output) as folder, writing_errors(output):
        written: list[Path] = []
        while parts:
            part = parts.pop(0)
            candidate = folder / f"part{len(written)}{output.suffix}"
            rows = plan.rows[part.start : part.stop]
            write_platform_file(candidate, plan.headers, rows, settings)
            if limit is not None and candidate.stat().st_size > limit and len(part) > 1:
                middle = part.start + len(part) // 2
                parts[:0] = [range(part.start, middle), range(middle, part.stop)]
                continue
            written.append(candidate)
        if len(written) == 1:
            written[0].replace(through_links(output))
            return [output]
        names = [
            output.with_name(f"{output.stem}-{n}{output.suffix}")
            for n in range(1, len(written) + 1)
        ]
        for name in names:
            if source is not None and same_file(name, source):
                raise UsageError(
                    f"l'export est découpé en {len(names)} fichiers et « {name.name} » serait "
                    "le fichier lu : choisissez un autre nom pour l'export",
                    en=(
                        f"the export is split into {len(names)} files and “{name.name}” would be "
                        "the file being read: choose another name for the export"
                    ),
                )
        existing = [name for name in names if name.exists()]
        if existing and not overwrite:
            raise UsageError(
                f"« {existing[0]} » existe déjà (l'export est découpé en {len(names)} "
                "fichiers) : choisissez un autre nom ou ajoutez --force",
                en=(
                    f"“{existing[0]}” already exists (the export is split into {len(names)} "
                    "files): choose another name or add --force"
                ),
            )
        for part_file, target in zip(written, names, strict=True):
            part_file.replace(through_links(target))
        return names
