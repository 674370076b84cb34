"""The validate use case: read a workbook, choose its profile, check it. Shared by CLI and
ribbon: the use case takes any ``core.workbook.Workbook``; the ``*_file`` and path-taking
functions open the file's workbook for it."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Protocol

from addin.core.engine import validate
from addin.core.gc_pause import cyclic_gc_paused
from addin.core.headers import match_headers, score
from addin.core.profile import Profile
from addin.core.profiles import all_profiles
from addin.core.report import Report
from addin.core.table import Table
from addin.core.workbook import Workbook
from addin.errors import UsageError
from addin.files.file_workbook import open_workbook
from addin.readers.progress import ReadProgress, no_progress
from addin.usecases.remembering import recall_choices

#: Share of a file's headers a profile must recognise to be chosen without ``--profile``. A
#: platform's own file has them all; other tools' exports reach 58 % at most on our corpus
#: (tests/fixtures/exports), and guessing their platform would check them against the wrong one.
AUTO_PICK_SHARE = 0.8


def pick_profile(headers: list[str]) -> Profile:
    """The platform whose file this is: among the profiles that recognise most of its headers
    (:data:`AUTO_PICK_SHARE`), the best fit; an error when none does or two fit equally."""
    named = len([h for h in headers if h.strip()])
    shares: dict[str, int] = {}
    ranked = []
    for profile in all_profiles().values():
        shares[profile.name] = len({m.index for m in match_headers(headers, profile)[0]})
        if named and shares[profile.name] >= AUTO_PICK_SHARE * named:
            ranked.append((score(headers, profile), profile.name, profile))
    ranked.sort(key=lambda t: (-t[0], t[1]))
    if not ranked:
        closest = max(shares, key=lambda name: (shares[name], name), default=None)
        if closest is None or shares[closest] == 0:
            raise UsageError(
                "aucun profil ne reconnaît les en-têtes de ce fichier : précisez --profile "
                "(voir `client-import profiles`)",
                "no profile recognises this file's headers: give --profile (see "
                "`client-import profiles`)",
            )
        raise UsageError(
            f"ces en-têtes ne sont pas ceux d'une plateforme : le profil le plus proche, "
            f"{closest}, n'en reconnaît que {shares[closest]} sur {named} ; précisez --profile "
            "(voir `client-import profiles`), les autres colonnes seront reconnues d'après leur "
            "nom et leur contenu",
            f"these headers are not a platform's: the closest profile, {closest}, recognises "
            f"only {shares[closest]} of {named}; give --profile (see `client-import "
            "profiles`), the other columns will be recognised by their name and content",
        )
    if len(ranked) > 1 and ranked[1][0] == ranked[0][0]:
        raise UsageError(
            f"les profils {ranked[0][1]} et {ranked[1][1]} conviennent autant l'un que l'autre : "
            "précisez --profile",
            f"the profiles {ranked[0][1]} and {ranked[1][1]} fit equally well: give --profile",
        )
    return ranked[0][2]


class ValidationProgress(Protocol):
    """What a display is told while a file is read, then checked (the CLI draws a bar)."""

    def reading(self, done: int, total: int | None) -> None:
        """Rows (CSV: lines) read so far; see :mod:`addin.readers.progress`."""

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
    """:func:`read_book` of the workbook file at ``path``."""
    with open_workbook(path) as book:
        return read_book(book, sheet, profile, progress)


def read_book(
    book: Workbook,
    sheet: str | None,
    profile: Profile | None,
    progress: ReadProgress = no_progress,
) -> Table:
    """The workbook's table, with the mapping the user stored in it when it is for this
    sheet and the choices remembered for ``profile``: every command that checks or sends rows
    reads the workbook through here."""
    table = read_sheet(book, sheet, profile, progress)
    if profile is not None:
        recall_choices(table, profile)
    return table


def read_sheet(
    book: Workbook,
    sheet: str | None,
    profile: Profile | None,
    progress: ReadProgress = no_progress,
) -> Table:
    """:func:`read_book` without the remembered choices."""
    preferred = profile.file.export.sheet_name if profile else None
    table = book.read_table(
        sheet,
        preferred_sheet=preferred,
        progress=progress,
        header_score=_header_score(profile),
    )
    stored = book.stored_mapping()
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
            "soient reconnues d'après leur contenu",
            "the file has no header row: give --profile so that its columns are recognised by "
            "their content",
        )
    return pick_profile(table.headers)


def read_and_validate(
    path: Path,
    profile: Profile | None,
    sheet: str | None = None,
    progress: ValidationProgress | None = None,
) -> tuple[Table, Report]:
    """:func:`check_book` of the workbook file at ``path``."""
    with open_workbook(path) as book:
        return check_book(book, profile, sheet, progress)


def check_book(
    book: Workbook,
    profile: Profile | None,
    sheet: str | None = None,
    progress: ValidationProgress | None = None,
) -> tuple[Table, Report]:
    """The table read and its report, for callers that draw on the sheet (marks)."""
    with cyclic_gc_paused():
        table = read_book(book, sheet, profile, progress.reading if progress else no_progress)
    chosen = profile_for(table, profile)
    if profile is None:
        recall_choices(table, chosen)
    if progress is not None:
        progress.checking()
    return table, validate(table, chosen)
