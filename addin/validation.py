"""The validate use case: read a file, choose its profile, check it. Shared by CLI and ribbon."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Protocol

from addin.core.engine import validate
from addin.core.gc_pause import cyclic_gc_paused
from addin.core.headers import score
from addin.core.profile import Profile
from addin.core.profiles import all_profiles
from addin.core.report import Report
from addin.core.table import Table
from addin.errors import UsageError
from addin.io.mapping_sheet import read_mapping_sheet
from addin.io.progress import ReadProgress, no_progress
from addin.io.reader import read_table


def pick_profile(headers: list[str]) -> Profile:
    """The profile whose headers fit best; an error when none fits or two fit equally."""
    ranked = sorted(
        ((score(headers, p), p.name, p) for p in all_profiles().values()),
        key=lambda t: (-t[0], t[1]),
    )
    if not ranked or ranked[0][0] == 0:
        raise UsageError(
            "aucun profil ne reconnaît les en-têtes de ce fichier : précisez --profile "
            "(voir `client-import profiles`)"
        )
    if len(ranked) > 1 and ranked[1][0] == ranked[0][0]:
        raise UsageError(
            f"les profils {ranked[0][1]} et {ranked[1][1]} conviennent autant l'un que l'autre : "
            "précisez --profile"
        )
    return ranked[0][2]


class ValidationProgress(Protocol):
    """What a display is told while a file is read, then checked (the CLI draws a bar)."""

    def reading(self, done: int, total: int | None) -> None:
        """Rows (CSV: lines) read so far; see :mod:`addin.io.progress`."""

    def checking(self) -> None:
        """Reading is over; the cells are being checked (no finer steps: the engine is fast)."""


def validate_file(
    path: Path,
    profile: Profile | None,
    sheet: str | None = None,
    progress: ValidationProgress | None = None,
) -> Report:
    return read_and_validate(path, profile, sheet, progress)[1]


def load_table(
    path: Path,
    sheet: str | None,
    profile: Profile | None,
    progress: ReadProgress = no_progress,
) -> Table:
    """The file's table, with the mapping the user stored in the workbook when it is for this
    sheet: every command that checks or sends rows reads the file through here."""
    preferred = profile.file.export.sheet_name if profile else None
    table = read_table(
        path,
        sheet=sheet,
        preferred_sheet=preferred,
        progress=progress,
        header_score=_header_score(profile),
    )
    stored = read_mapping_sheet(path)
    if stored is not None and stored.sheet in (None, "", table.source.sheet):
        table.mapping = stored
    return table


def _header_score(profile: Profile | None) -> Callable[[Sequence[str]], float]:
    """How well a row of headers fits: the profile's, or the best of all when none is given
    (to find the header row under a title, and the sheet that holds the data)."""
    if profile is not None:
        return lambda headers: score(list(headers), profile)
    profiles = list(all_profiles().values())
    return lambda headers: max(score(list(headers), p) for p in profiles)


def profile_for(table: Table, profile: Profile | None) -> Profile:
    """The profile asked for; else the one the stored mapping was made for; else the best fit."""
    if profile is not None:
        return profile
    if table.mapping is not None:
        known = all_profiles().get(table.mapping.profile)
        if known is not None:
            return known
    if table.source.headerless:
        raise UsageError(
            "le fichier n'a pas de ligne d'en-têtes : précisez --profile pour que ses colonnes "
            "soient reconnues d'après leur contenu"
        )
    return pick_profile(table.headers)


def read_and_validate(
    path: Path,
    profile: Profile | None,
    sheet: str | None = None,
    progress: ValidationProgress | None = None,
) -> tuple[Table, Report]:
    """The table read and its report, for callers that draw on the sheet (marks)."""
    with cyclic_gc_paused():
        table = load_table(path, sheet, profile, progress.reading if progress else no_progress)
    chosen = profile_for(table, profile)
    if progress is not None:
        progress.checking()
    return table, validate(table, chosen)
