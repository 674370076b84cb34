"""The user's mapping corrections, remembered and recalled for every command that reads a
table for a profile (``validation.read_book``).

Recalled: the choices kept for a file with the same headers and profile go on the table
(``Table.remembered``), so the pure core puts them first. Kept: a mapping sheet whose choice
for a column is not the one client-import would make (``Resolved.corrections``) is the user
correcting it, wherever the sheet is read back (map, validate, fix, export, push, the ribbon).
A memory that cannot be written never stops the command: one line says so.
"""

from __future__ import annotations

import logging

from addin.core.profile import Profile
from addin.core.resolve import resolve
from addin.core.table import Table
from addin.errors import ClientImportError
from addin.files.remembered_mappings import recall, remember

logger = logging.getLogger(__name__)


def recall_choices(table: Table, profile: Profile) -> int:
    """Put the remembered choices for ``profile`` on ``table``, and keep the corrections its
    mapping sheet makes; returns how many columns got a new remembered choice."""
    table.remembered[profile.name] = recall(profile.name, table.headers)
    stored = table.mapping
    if stored is None or stored.profile != profile.name:
        return 0
    corrections = resolve(table, profile).corrections
    if not corrections:
        return 0
    try:
        kept = remember(profile.name, table.headers, corrections)
    except ClientImportError as error:
        logger.warning("Vos corrections de correspondance n'ont pas été retenues : %s", error)
        return 0
    table.remembered[profile.name] = recall(profile.name, table.headers)
    return kept
