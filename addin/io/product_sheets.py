"""The sheets client-import adds to a user's workbook, known by name so they are never data.

Readers skip them when choosing the sheet to check and when counting a workbook's sheets (a
platform that wants a single sheet does not see our report), and ``clear``/``undo`` find them.
The mapping sheet is the user's choice of a field per column, read back by the use cases.
The history sheet has one line per push to a platform (``io.outcome_writer``).
"""

from __future__ import annotations

MARKS_SHEET = "CI_Marques"
REPORT_SHEETS = {"fr": "CI_Rapport", "en": "CI_Report"}
CHANGES_SHEETS = {"fr": "CI_Corrections", "en": "CI_Changes"}
#: which column of the file feeds which field, as the user chose it (``io.mapping_sheet``)
MAPPING_SHEETS = {"fr": "CI_Correspondance", "en": "CI_Mapping"}
#: one line per push to a platform: when, profile, target, mode, counts (``io.outcome_writer``)
HISTORY_SHEETS = {"fr": "CI_Historique", "en": "CI_History"}

PRODUCT_SHEETS = frozenset(
    {
        MARKS_SHEET,
        *REPORT_SHEETS.values(),
        *CHANGES_SHEETS.values(),
        *MAPPING_SHEETS.values(),
        *HISTORY_SHEETS.values(),
    }
)


def is_product_sheet(name: str) -> bool:
    return name in PRODUCT_SHEETS
