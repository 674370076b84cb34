"""The sheets client-import adds to a user's workbook, known by name so they are never data.

Readers skip them when choosing the sheet to check and when counting a workbook's sheets (a
platform that wants a single sheet does not see our report), and ``clear``/``undo`` find them.
"""

from __future__ import annotations

MARKS_SHEET = "CI_Marques"
REPORT_SHEETS = {"fr": "CI_Rapport", "en": "CI_Report"}
CHANGES_SHEETS = {"fr": "CI_Corrections", "en": "CI_Changes"}

PRODUCT_SHEETS = frozenset({MARKS_SHEET, *REPORT_SHEETS.values(), *CHANGES_SHEETS.values()})


def is_product_sheet(name: str) -> bool:
    return name in PRODUCT_SHEETS
