"""The map use case: which field each column of a file feeds, shown or stored in the workbook.

Stored, the mapping is a sheet the user corrects in Excel; every later command reads the file
with it (``validation.read_book``). Writing it again keeps the choices already made there.

The user's corrections are remembered for files with the same headers and profile
(``files.remembered_mappings``): those made in the sheet (``usecases.remembering``) and those
given to ``map`` itself (``--set "Colonne=Champ"``, ``--ignore "Colonne"``), which also change
the workbook's own sheet when it has one, so that the two never disagree.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from addin.core.catalogue import Lang
from addin.core.choices import (
    SPLIT_ADDRESS,
    SPLIT_NAME,
    Choice,
    choice_labels,
    known_labels,
    label_of,
)
from addin.core.fields.choice import choice_key
from addin.core.profile import Profile
from addin.core.report import column_letter
from addin.core.resolve import Resolved, resolve
from addin.core.table import FormulaCell, StoredMapping, Table
from addin.core.workbook import MappingSheetRow, Workbook
from addin.errors import UsageError
from addin.files.csv_workbook import is_csv, write_csv_copy
from addin.files.file_workbook import open_workbook
from addin.files.mapping_sheet import cannot_keep_mapping, check_mapping_output
from addin.files.remembered_mappings import Forgotten, forget, recall, remember
from addin.files.safe_files import (
    check_output,
    check_replaceable,
    same_file,
    write_in_place_or_to,
    write_replacing,
)
from addin.files.workbook_lock import editing
from addin.readers.reader import read_table
from addin.usecases.remembering import recall_choices
from addin.usecases.validation import read_sheet

#: why a column got its field, for people (the ``map`` listing and the mapping sheet)
REASONS: dict[Lang, dict[str, str]] = {
    "fr": {
        "exact": "même en-tête",
        "spelling": "même en-tête, autre écriture",
        "alias": "autre nom connu du champ",
        "numbered": "champ répété, numéroté",
        "fuzzy": "orthographe proche",
        "content": "d'après le contenu des cellules",
        "taken": "champ déjà alimenté par « {rival} »",
        "label": "type de la valeur voisine, pas une valeur",
        "ours": "colonne écrite par client-import (résultat d'un envoi)",
        "blank": "colonne sans en-tête",
        "none": "aucun champ ne correspond",
        "joined": "partie d'adresse, réunie avec les autres colonnes de la même adresse",
        "split": "adresse complète, découpée en rue, code postal et ville",
        "split-name": "nom complet : choisissez « {split} » pour le découper",
        "stored": "votre choix dans la feuille de correspondance",
        "remembered": "choisi par vous le {on}",
        "evidence-empty": "colonne vide : une colonne remplie passe avant",
        "evidence-flags": "cellules oui/non : elles disent si les colonnes voisines servent",
        "evidence-postal-codes": "les cellules sont des codes postaux, pas un code client",
        "evidence-numbers": "cellules faites de chiffres : un code ou un statut, pas un nom",
    },
    "en": {
        "exact": "same header",
        "spelling": "same header, spelt differently",
        "alias": "another known name of the field",
        "numbered": "repeated field, numbered",
        "fuzzy": "close spelling",
        "content": "from what the cells hold",
        "taken": "field already fed by “{rival}”",
        "label": "the kind of the next value, not a value",
        "ours": "column written by client-import (outcome of a push)",
        "blank": "column without a header",
        "none": "no field matches",
        "joined": "address part, joined with the other columns of the same address",
        "split": "whole address, split into street, postal code and city",
        "split-name": "whole name: choose “{split}” to split it",
        "stored": "your choice in the mapping sheet",
        "remembered": "chosen by you on {on}",
        "evidence-empty": "empty column: a filled one comes first",
        "evidence-flags": "yes/no cells: they say whether the columns beside are used",
        "evidence-postal-codes": "the cells are postal codes, not a client code",
        "evidence-numbers": "cells of digits only: a code or a status, not a name",
    },
}
_JOINED_CONFIDENCE = 0.75

#: one correction given to ``map``: a column's header, and the field's label (or id), ``None``
#: for "do not import"
Correction = tuple[str, str | None]


@dataclass(frozen=True, slots=True)
class ColumnLine:
    """One column of the file as the user is shown it: where it goes, how sure, why."""

    position: int
    column: str
    choice: Choice
    confidence: float
    reason: str
    #: the reason's code (``alias``, ``joined``, ``stored``...): what ``map --json`` says
    code: str = ""


@dataclass(frozen=True, slots=True)
class FileMapping:
    table: Table
    profile: Profile
    resolved: Resolved
    lines: list[ColumnLine]
    missing_required: list[str]
    #: how many columns got a new remembered choice while this mapping was made
    remembered: int = 0


def map_file(
    path: Path,
    profile: Profile,
    sheet: str | None = None,
    lang: Lang = "fr",
    corrections: Sequence[Correction] = (),
) -> FileMapping:
    """The mapping the checks would use for ``path``: the stored one, or the automatic one;
    ``corrections`` are remembered first."""
    with open_workbook(path) as book:
        return map_book(book, profile, sheet, lang, corrections)


def map_book(
    book: Workbook,
    profile: Profile,
    sheet: str | None = None,
    lang: Lang = "fr",
    corrections: Sequence[Correction] = (),
) -> FileMapping:
    """The mapping the checks would use for ``book``: the stored one, or the automatic one;
    ``corrections`` are remembered first."""
    table = read_sheet(book, sheet, profile)
    kept = recall_choices(table, profile)
    if corrections:
        chosen = understood(corrections, table.headers, profile)
        kept += remember(profile.name, table.headers, chosen)
        table.remembered[profile.name] = recall(profile.name, table.headers)
        if table.mapping is not None and table.mapping.profile == profile.name:
            table.mapping = _with_choices(table.mapping, table.headers, chosen, profile)
    return replace(describe(table, profile, lang), remembered=kept)


def understood(
    corrections: Sequence[Correction], headers: Sequence[str], profile: Profile
) -> dict[int, Choice]:
    """Each correction's column (by position) and choice; a :class:`UsageError` names the
    first column the file does not have, or the first label that is no field of ``profile``."""
    known = known_labels(profile)
    chosen: dict[int, Choice] = {}
    for header, label in corrections:
        position = _column_named(header, headers)
        if label is None:
            chosen[position] = None
            continue
        choice = known.get(choice_key(label), "")
        if choice == "" or not choice_key(label):
            fields = ", ".join(f"« {text} »" for text in choice_labels(profile, "fr"))
            fields_en = ", ".join(f"“{text}”" for text in choice_labels(profile, "en"))
            raise UsageError(
                f"« {label} » n'est pas un champ du profil {profile.name} (pour « {header} ») ; "
                f"les choix sont : {fields}",
                en=(
                    f"“{label}” is not a field of profile {profile.name} (for “{header}”); "
                    f"the choices are: {fields_en}"
                ),
            )
        chosen[position] = choice
    return chosen


def _column_named(header: str, headers: Sequence[str]) -> int:
    """The position of the column ``header`` names: as written, else spelt differently."""
    for same in (str.strip, choice_key):
        wanted = same(header)
        for position, candidate in enumerate(headers):
            if wanted and same(candidate) == wanted:
                return position
    listed = ", ".join(f"« {h} »" for h in headers if h.strip())
    listed_en = ", ".join(f"“{h}”" for h in headers if h.strip())
    raise UsageError(
        f"le fichier n'a pas de colonne « {header} » ; ses colonnes : {listed}",
        en=f"the file has no column “{header}”; its columns: {listed_en}",
    )


def _with_choices(
    stored: StoredMapping, headers: Sequence[str], chosen: dict[int, Choice], profile: Profile
) -> StoredMapping:
    """The workbook's mapping sheet with the columns corrected through ``map`` changed too."""
    labels = {headers[p].strip(): label_of(c, profile) for p, c in chosen.items()}
    entries = tuple(
        replace(entry, label=labels[entry.column.strip()])
        if entry.column.strip() in labels
        else entry
        for entry in stored.entries
    )
    return replace(stored, entries=entries)


def describe(table: Table, profile: Profile, lang: Lang = "fr") -> FileMapping:
    resolved = resolve(table, profile)
    words = REASONS[lang]
    split = _split_name_label(profile, lang)
    lines: list[ColumnLine] = []
    for proposed, choice in zip(resolved.proposal.columns, resolved.choices, strict=True):
        position = proposed.position
        note = resolved.notes.get(position)
        confidence = proposed.confidence
        if proposed.reason == "ours":
            code = "ours"
        elif resolved.origin == "stored" and position not in (
            resolved.stored.unlisted if resolved.stored else []
        ):
            code, confidence = "stored", 1.0
        elif note in ("joined", "split"):
            code, confidence = note, _JOINED_CONFIDENCE
        else:
            code = proposed.reason
        on = _day(proposed.remembered_on, lang)
        reason = words[code].format(rival=proposed.rival or "", split=split, on=on)
        if proposed.evidence is not None and code not in ("stored", "joined", "split"):
            reason = f"{reason} ; {words['evidence-' + proposed.evidence]}"
        if note == "split-name" and choice != SPLIT_NAME:
            reason = f"{reason} ; {words['split-name'].format(split=split)}"
        lines.append(ColumnLine(position, proposed.column, choice, confidence, reason, code))
    fed = {c for c in resolved.choices if c is not None}
    for token, parts in (
        (SPLIT_NAME, profile.mapping.name),
        (SPLIT_ADDRESS, profile.mapping.address),
    ):
        if token in fed and parts is not None:
            fed |= {field_id for _, field_id in parts}
    missing = [c.id for c in profile.fields if c.required and c.id not in fed]
    return FileMapping(table, profile, resolved, lines, missing)


def _day(iso: str | None, lang: Lang) -> str:
    """« 07/12/2026 » in French; ISO (2026-12-07) in English, read alike everywhere."""
    if iso is None:
        return ""
    return dt.date.fromisoformat(iso).strftime("%d/%m/%Y") if lang == "fr" else iso


def _split_name_label(profile: Profile, lang: Lang) -> str:
    return label_of(SPLIT_NAME, profile, lang) if profile.mapping.name is not None else ""


def write_mapping(
    path: Path,
    profile: Profile,
    sheet: str | None = None,
    lang: Lang = "fr",
    output: Path | None = None,
    *,
    overwrite: bool = False,
    corrections: Sequence[Correction] = (),
) -> tuple[Path, FileMapping]:
    """Store the mapping (the user's choices kept, the rest automatic) as a sheet of the
    workbook, with a dropdown per column; in place with a backup, or into ``output`` (an
    existing one only with ``overwrite``), locked from reading to writing."""
    if output is not None and not same_file(output, path):
        check_output(output, reads=[path], overwrite=overwrite)
    else:
        output = None
        check_replaceable(path)
    with editing(output or path):
        if output is not None and is_csv(path) and output.suffix.lower() == ".xlsx":
            return _write_mapping_into_workbook(path, profile, lang, output, corrections)
        return _write_mapping(path, profile, sheet, lang, output, corrections=corrections)


def _write_mapping_into_workbook(
    path: Path,
    profile: Profile,
    lang: Lang,
    output: Path,
    corrections: Sequence[Correction],
) -> tuple[Path, FileMapping]:
    """A CSV (the only format Hokus and Aptimyz take, and what Outlook, Google and Zoho export)
    copied as text into the workbook ``output``, with the mapping sheet beside its data: the
    accountant goes on in Excel, leading zeros kept."""
    table = read_table(path)
    name = write_csv_copy(table, path, output)
    with open_workbook(output) as book:
        mapped = write_mapping_book(book, profile, name, lang, corrections)
        write_replacing(output, book.save)
    return output, mapped


def _write_mapping(
    path: Path,
    profile: Profile,
    sheet: str | None,
    lang: Lang,
    output: Path | None,
    *,
    corrections: Sequence[Correction],
) -> tuple[Path, FileMapping]:
    with open_workbook(path) as book:
        mapped = write_mapping_book(book, profile, sheet, lang, corrections)
        check_mapping_output(path, output)
        return write_in_place_or_to(path, output, book.save), mapped


def write_mapping_book(
    book: Workbook,
    profile: Profile,
    sheet: str | None = None,
    lang: Lang = "fr",
    corrections: Sequence[Correction] = (),
) -> FileMapping:
    """Store the mapping in ``book`` (the user's choices kept, the rest automatic): a sheet
    with a dropdown per column."""
    mapped = map_book(book, profile, sheet, lang, corrections)
    if not book.can_carry_marks():
        raise cannot_keep_mapping(book.name)
    table = mapped.table
    rows = [
        MappingSheetRow(
            column=line.column,
            letter=column_letter(line.position),
            label=label_of(line.choice, profile, lang),
            confidence=line.confidence,
            reason=line.reason,
            example=_example(table, line.position),
        )
        for line in mapped.lines
    ]
    book.write_mapping_sheet(
        rows,
        list(choice_labels(profile, lang)),
        profile=profile.name,
        platform=profile.platform,
        data_sheet=table.source.sheet or "",
        lang=lang,
    )
    return mapped


def _example(table: Table, position: int) -> str:
    for cell in table.columns[position]:
        if cell is not None and not isinstance(cell, FormulaCell) and str(cell).strip():
            return str(cell)
    return ""


@dataclass(frozen=True, slots=True)
class RememberedHere:
    """The choices remembered for one sheet's headers and one profile: counted first, so the
    ribbon can ask before it forgets them, then forgotten as ``forget FILE -p P`` does."""

    profile: Profile
    headers: tuple[str, ...]
    #: how many of the sheet's columns have a remembered choice
    choices: int

    def forget(self) -> Forgotten:
        return forget(self.profile.name, self.headers)


def remembered_in_book(
    book: Workbook, profile: Profile, sheet: str | None = None
) -> RememberedHere:
    """The choices remembered for the headers of ``book``'s sheet (the ribbon's « Oublier les
    choix »: the sheet the user is on) and ``profile``."""
    headers = tuple(read_sheet(book, sheet, profile).headers)
    return RememberedHere(profile, headers, len(recall(profile.name, headers)))


def forget_choices(
    path: Path | None, profile: Profile | None, sheet: str | None = None
) -> Forgotten:
    """``client-import forget``: every remembered choice, or a profile's, or those made for
    files with ``path``'s headers."""
    name = profile.name if profile is not None else None
    if path is None:
        return forget(name)
    with open_workbook(path) as book:
        headers = read_sheet(book, sheet, profile).headers
    return forget(name, headers)
