"""The sheets client-import adds to a user's workbook, known by name so they are never data.

Readers skip them when choosing the sheet to check and when counting a workbook's sheets (a
platform that wants a single sheet does not see our report), and ``clear``/``undo`` find them.
The mapping sheet is the user's choice of a field per column, read back by the use cases.
The history sheet has one line per push to a platform (``files.outcome_writer``).
"""

from __future__ import annotations

MARKS_SHEET = "CI_Marques"
REPORT_SHEETS = {"fr": "CI_Rapport", "en": "CI_Report"}
CHANGES_SHEETS = {"fr": "CI_Corrections", "en": "CI_Changes"}
#: which column of the file feeds which field, as the user chose it (``files.mapping_sheet``)
MAPPING_SHEETS = {"fr": "CI_Correspondance", "en": "CI_Mapping"}
#: one line per push to a platform: when, profile, target, mode, counts (``files.outcome_writer``)
HISTORY_SHEETS = {"fr": "CI_Historique", "en": "CI_History"}
#: the groups of rows that are probably one customer, drawn with the marks
#: (``files.duplicates_sheet``), removed with them
DUPLICATES_SHEETS = {"fr": "CI_Doublons", "en": "CI_Duplicates"}

PRODUCT_SHEETS = frozenset(
    {
        MARKS_SHEET,
        *REPORT_SHEETS.values(),
        *CHANGES_SHEETS.values(),
        *MAPPING_SHEETS.values(),
        *HISTORY_SHEETS.values(),
        *DUPLICATES_SHEETS.values(),
    }
)


def is_product_sheet(name: str) -> bool:
    return name in PRODUCT_SHEETS


#: Every sheet client-import adds is named, in the workbook's defined names, by a hidden name
#: ``ClientImport_Sheet<n>`` that refers to it (``'CI_Rapport'!$A$1``): so a user's own sheet
#: that happens to have one of our names is never taken for ours (never rewritten, never
#: removed). A reference follows the sheet when Excel or LibreOffice renames it and turns into
#: ``#REF!`` when the sheet is deleted; names survive a re-save (a sheet's code name does not
#: survive LibreOffice), and no cell is added to our sheets' tables.
OWN_SHEET_NAME = "ClientImport_Sheet"

#: How the sheets written before the owner names existed begin (cell → accepted beginnings):
#: such a sheet is still taken as ours, but only in a workbook that has none of our names yet.
#: A sheet not listed (the duplicates sheet) was always written with its owner name.
LEGACY_CELLS: dict[str, dict[str, tuple[str, ...]]] = {
    MARKS_SHEET: {"A1": ('{"dxfs_before"',)},
    REPORT_SHEETS["fr"]: {"A1": ("Rapport de contrôle client-import",)},
    REPORT_SHEETS["en"]: {"A1": ("client-import check report",)},
    CHANGES_SHEETS["fr"]: {"A1": ("Corrections faites par client-import",)},
    CHANGES_SHEETS["en"]: {"A1": ("Fixes made by client-import",)},
    MAPPING_SHEETS["fr"]: {"A1": ("Correspondance des colonnes de",)},
    MAPPING_SHEETS["en"]: {"A1": ("Columns of",)},
    HISTORY_SHEETS["fr"]: {"A1": ("Date",), "B1": ("Profil",), "D1": ("Mode",)},
    HISTORY_SHEETS["en"]: {"A1": ("Date",), "B1": ("Profile",), "D1": ("Mode",)},
}
