"""The map use case: which field each column of a file feeds, shown or stored in the workbook.

Stored, the mapping is a sheet the user corrects in Excel; every later command reads the file
with it (``validation.read_book``). Writing it again keeps the choices already made there.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from addin.core.catalogue import Lang
from addin.core.choices import SPLIT_ADDRESS, SPLIT_NAME, Choice, choice_labels, label_of
from addin.core.profile import Profile
from addin.core.report import column_letter
from addin.core.resolve import Resolved, resolve
from addin.core.table import FormulaCell, Table
from addin.core.workbook import MappingSheetRow, Workbook
from addin.files.file_workbook import open_workbook
from addin.files.mapping_sheet import cannot_keep_mapping, check_mapping_output
from addin.files.safe_files import (
    check_output,
    check_replaceable,
    same_file,
    write_in_place_or_to,
)
from addin.files.workbook_lock import editing
from addin.usecases.validation import read_book

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
        "evidence-empty": "colonne vide : une colonne remplie passe avant",
        "evidence-flags": "cellules oui/non : elles disent si les colonnes voisines servent",
        "evidence-postal-codes": "les cellules sont des codes postaux, pas un code client",
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
        "evidence-empty": "empty column: a filled one comes first",
        "evidence-flags": "yes/no cells: they say whether the columns beside are used",
        "evidence-postal-codes": "the cells are postal codes, not a client code",
    },
}
_JOINED_CONFIDENCE = 0.75


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


def map_file(
    path: Path, profile: Profile, sheet: str | None = None, lang: Lang = "fr"
) -> FileMapping:
    """The mapping the checks would use for ``path``: the stored one, or the automatic one."""
    with open_workbook(path) as book:
        return map_book(book, profile, sheet, lang)


def map_book(
    book: Workbook, profile: Profile, sheet: str | None = None, lang: Lang = "fr"
) -> FileMapping:
    """The mapping the checks would use for ``book``: the stored one, or the automatic one."""
    return describe(read_book(book, sheet, profile), profile, lang)


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
        reason = words[code].format(rival=proposed.rival or "", split=split)
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
        return _write_mapping(path, profile, sheet, lang, output)


def _write_mapping(
    path: Path, profile: Profile, sheet: str | None, lang: Lang, output: Path | None
) -> tuple[Path, FileMapping]:
    with open_workbook(path) as book:
        mapped = write_mapping_book(book, profile, sheet, lang)
        check_mapping_output(path, output)
        return write_in_place_or_to(path, output, book.save), mapped


def write_mapping_book(
    book: Workbook, profile: Profile, sheet: str | None = None, lang: Lang = "fr"
) -> FileMapping:
    """Store the mapping in ``book`` (the user's choices kept, the rest automatic): a sheet
    with a dropdown per column."""
    mapped = map_book(book, profile, sheet, lang)
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
