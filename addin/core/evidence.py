"""What a column's cells say about it, whatever its header.

A header can mislead: Zoho's ``Billing Code`` is a postal code though "Code" names a client
code, Wave's ``shipping_address`` holds ``False`` (whether a shipping address is given), and an
export often carries a column that is empty in every row next to a filled one of the same
meaning (``Billing Phone`` beside ``Phone``). The mapping reads this evidence once per column,
from a sample, and lets it settle what the names leave open.

Pure: cells in, counts out.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from addin.core.table import CellValue, FormulaCell

#: cells read per column: enough to see what a column holds, cheap on 100,000 rows
SAMPLE = 50
#: share of the filled cells that must agree for the cells to decide
DECISIVE = 0.8
#: the words of a yes/no column, as tools write them (Wave, Odoo: True/False; French sheets)
FLAG_WORDS = frozenset({"true", "false", "yes", "no", "vrai", "faux", "oui", "non"})
#: "75011", "1000" (Belgium, Switzerland), "H3Z 2Y7" (Canada), "94105-1234" (US ZIP+4)
_POSTAL = re.compile(r"^(?:\d{4,5}(?:-\d{4})?|[A-Za-z]\d[A-Za-z] ?\d[A-Za-z]\d)$")


@dataclass(frozen=True, slots=True)
class Evidence:
    """Counts over the sampled filled cells of one column."""

    filled: int
    flags: int
    postal: int
    #: cells of digits only ("1", "3": Dolibarr's « Customer » status, a code)
    numbers: int = 0

    @property
    def empty(self) -> bool:
        """No filled cell: the column gives way to a filled one of the same meaning."""
        return self.filled == 0

    @property
    def flags_only(self) -> bool:
        """Every filled cell is a yes/no word: a flag, never a name, an address or a number."""
        return self.filled > 0 and self.flags == self.filled

    @property
    def numbers_only(self) -> bool:
        """Every filled cell is digits only: a status or a code, never a name."""
        return self.filled > 0 and self.numbers == self.filled

    @property
    def postal_codes(self) -> bool:
        """Most filled cells are shaped like postal codes."""
        return self.filled > 0 and self.postal >= DECISIVE * self.filled


def evidence_of(cells: Sequence[CellValue | FormulaCell]) -> Evidence:
    """The evidence of the first :data:`SAMPLE` filled cells of a column."""
    filled = flags = postal = numbers = 0
    for cell in cells:
        if cell is None or isinstance(cell, FormulaCell):
            continue
        text = _text(cell)
        if not text:
            continue
        filled += 1
        numbers += text.isdigit()
        if text.lower() in FLAG_WORDS:
            flags += 1
        elif _POSTAL.match(text):
            postal += 1
        if filled == SAMPLE:
            break
    return Evidence(filled, flags, postal, numbers)


def _text(cell: CellValue) -> str:
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return str(cell).strip()
