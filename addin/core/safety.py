"""Which problems the product can put right on its own: the one rule behind ``fix``, the
``"fixable"`` key of the JSON report, the rows an export or push will send
(``sendable_rows``), and the file-level problems an export resolves by writing the file itself.

Kept apart from ``core.fixes`` (which applies the rule) so the engine can count the rows only a
person can fix while it checks, without importing what fixes tables.
"""

from __future__ import annotations

from collections.abc import Mapping

from addin.core.profile import Profile

#: Issue codes whose suggestion is the same value in the platform's form.
SAFE_CODES = frozenset(
    {
        "extra-spaces",
        "line-break",
        "choice-format",
        "flag-format",
        "phone-format",
        "phone-stored-as-number",
        "country-format",
        "date-format",
        "postal-code-format",
        "postal-code-leading-zero",
        "email-format",
        "identifier-format",
        "number-format",
    }
)

#: File-level issues an export file does not have, since the export writes the file itself.
RESOLVED_BY_EXPORT = frozenset(
    {
        "column-order",
        "template-columns-missing",
        "headers-not-first-row",
        "no-header-row",
        "too-many-rows",
        "file-too-large",
        "format-not-accepted",
        "wrong-encoding",
        "wrong-separator",
        "several-sheets",
        "unknown-column",
    }
)


def is_safe_problem(
    code: str, suggestion: str | None, params: Mapping[str, str], profile: Profile
) -> bool:
    """Whether a cell's problem has a suggestion that keeps the cell's meaning."""
    if suggestion is None:
        return False
    if code == "forbidden-character":
        return profile.file.characters.fix_forbidden
    if code == "accented-character":
        return profile.file.characters.fix_accents
    if code == "date-format" and "guess" in params:
        return False
    return code in SAFE_CODES


def is_fixable(
    code: str,
    suggestion: str | None,
    params: Mapping[str, str],
    profile: Profile,
    *,
    row: int | None,
    position: int | None,
) -> bool:
    """Whether the product writes the platform's form on its own: a cell's safe suggestion
    (``fix``, ``export``, ``push``), or a file-level problem the export's own file does not
    have (order of the columns, encoding, size...)."""
    if row is None:
        return code in RESOLVED_BY_EXPORT
    return position is not None and is_safe_problem(code, suggestion, params, profile)
