"""Safe fixes: the issues whose suggestion is the value itself, written as the platform wants.

A fix never guesses. It applies a suggestion only for the codes below, where the suggestion
says the same thing in the platform's spelling (spaces, case, separators, a format); fuzzy
matches ("Frnace" → "France"), rounded amounts, a second e-mail dropped, a century chosen for a
two-digit year or a day/month order picked for an ambiguous date stay issues for the user.

Why iterate: one fix can reveal another (a country written "france" becomes "France", then the
row's postal code is checked against France and may lack its leading zero). The table is fixed
and validated again until nothing safe is left, at most ``MAX_ROUNDS`` times; fixing the
result once more therefore changes nothing.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass, replace
from typing import NamedTuple

from addin.core.catalogue import Lang
from addin.core.context import RowLists
from addin.core.engine import validate, validate_values
from addin.core.profile import Profile
from addin.core.report import Issue, Report, column_letter
from addin.core.safety import is_safe_problem
from addin.core.table import CellValue, FormulaCell, Table

MAX_ROUNDS = 4

#: What each fix did, for the changes sheet: French, English.
FIX_LABELS: dict[str, tuple[str, str]] = {
    "extra-spaces": ("espaces en trop retirées", "extra spaces removed"),
    "line-break": ("retour à la ligne remplacé par une espace", "line break replaced by a space"),
    "choice-format": ("valeur écrite comme la liste l'attend", "value spelled as the list has it"),
    "flag-format": ("réponse écrite Y ou N", "answer written Y or N"),
    "phone-format": ("téléphone au format de la plateforme", "phone in the platform's format"),
    "phone-stored-as-number": ("téléphone remis en texte", "phone turned back into text"),
    "country-format": ("pays sous la forme attendue", "country in the expected form"),
    "date-format": ("date écrite JJ/MM/AAAA", "date written DD/MM/YYYY"),
    "postal-code-format": ("code postal mis en forme", "postal code formatted"),
    "postal-code-leading-zero": ("zéro initial du code postal rétabli", "leading zero restored"),
    "email-format": ("adresse e-mail nettoyée", "email address tidied"),
    "identifier-format": ("espaces et points retirés", "spaces and dots removed"),
    "number-format": ("nombre écrit sans séparateur", "number written plainly"),
    "forbidden-character": ("caractère interdit remplacé", "forbidden character replaced"),
    "accented-character": ("accent retiré", "accent removed"),
}


def fix_label(codes: Iterable[str], lang: Lang) -> str:
    """``"espaces en trop retirées ; date écrite JJ/MM/AAAA"``: why a cell changed."""
    index = 0 if lang == "fr" else 1
    return " ; ".join(FIX_LABELS[code][index] for code in codes if code in FIX_LABELS)


class Change(NamedTuple):
    """One cell rewritten: where, what it held, what it holds now, and why."""

    row: int
    position: int
    column: str
    before: CellValue
    after: str
    codes: tuple[str, ...]

    @property
    def cell(self) -> str:
        return f"{column_letter(self.position)}{self.row}"


@dataclass(frozen=True, slots=True)
class FixResult:
    changes: list[Change]
    #: the table as fixed, and its report: what is left for the user
    table: Table
    report: Report
    #: the report before any fix, to show the progress
    before: Report
    #: each field's normalised value per row of the fixed table (``validate_values``), when a
    #: fix was made: the export writes them without checking the table once more
    values: RowLists[str | None] | None = None


def is_safe(issue: Issue, profile: Profile) -> bool:
    """Whether applying ``issue.suggestion`` keeps the meaning of the cell (``core.safety``)."""
    if issue.row is None or issue.position is None:
        return False
    return is_safe_problem(issue.code, issue.suggestion, issue.params, profile)


def fix_table(
    table: Table,
    profile: Profile,
    locked: Collection[tuple[int, int]] = (),
    report: Report | None = None,
) -> FixResult:
    """``table`` with every safe fix applied, and each change it took.

    ``locked`` holds ``(row, position)`` of cells that must not be written (formulas: the
    value is computed, the formula is what the user typed). ``report`` spares a validation
    when the caller already has the table's, unless it is capped (``truncated``): a fix needs
    every suggestion, so its validations keep every issue.
    """
    first = report
    if first is None or first.truncated:
        first = validate(table, profile, issue_cap=None)
    current, found = table, first
    values: RowLists[str | None] | None = None
    original: dict[tuple[int, int], CellValue] = {}
    reasons: dict[tuple[int, int], tuple[str, ...]] = {}
    for _ in range(MAX_ROUNDS):
        edits = safe_edits(found.issues, profile, locked)
        index = {number: i for i, number in enumerate(current.row_numbers)}
        columns = list(current.columns)  # a column is copied only when one of its cells changes
        copied: set[int] = set()
        for (row, position), (value, codes) in edits.items():
            i = index[row]
            cell = columns[position][i]
            if isinstance(cell, FormulaCell) or cell == value:
                continue
            if position not in copied:
                columns[position] = list(columns[position])
                copied.add(position)
            original.setdefault((row, position), cell)
            reasons[row, position] = _merge(reasons.get((row, position), ()), codes)
            columns[position][i] = value
        if not copied:
            break
        current = replace(current, columns=columns)
        found, values = validate_values(current, profile)  # every issue kept, as a fix needs
    return FixResult(_changes(current, original, reasons), current, found, first, values)


def safe_edits(
    issues: Iterable[Issue], profile: Profile, locked: Collection[tuple[int, int]]
) -> dict[tuple[int, int], tuple[str, tuple[str, ...]]]:
    """Per cell, the value its last safe issue suggests and the codes that led there.

    A cell's issues come in the order its checks ran, and each suggestion builds on the ones
    before it (spaces, then the format, then the characters), so the last one is the whole fix.
    """
    edits: dict[tuple[int, int], tuple[str, tuple[str, ...]]] = {}
    issues = list(issues)
    # The month/day dates of a column are its evidence that "03/04/2024" is ambiguous: while an
    # ambiguity is open, rewriting them would make the next check read it day/month, unseen.
    ambiguous = {i.position for i in issues if i.code == "date-ambiguous"}
    for issue in issues:
        if not is_safe(issue, profile):
            continue
        if issue.code == "date-format" and issue.position in ambiguous:
            continue
        assert issue.row is not None and issue.position is not None
        key = (issue.row, issue.position)
        if key in locked:
            continue
        codes = edits[key][1] if key in edits else ()
        edits[key] = (issue.suggestion or "", (*codes, issue.code))
    return edits


def _merge(first: tuple[str, ...], then: tuple[str, ...]) -> tuple[str, ...]:
    return first + tuple(code for code in then if code not in first)


def _changes(
    table: Table,
    original: dict[tuple[int, int], CellValue],
    reasons: dict[tuple[int, int], tuple[str, ...]],
) -> list[Change]:
    """The net change of each cell, in row then column order; cells back to where they began
    (a fix undone by a later round) are not changes."""
    index = {number: i for i, number in enumerate(table.row_numbers)}
    changes = []
    for (row, position), before in sorted(original.items()):
        after = table.columns[position][index[row]]
        if after == before or not isinstance(after, str):
            continue
        changes.append(
            Change(row, position, table.headers[position], before, after, reasons[row, position])
        )
    return changes
