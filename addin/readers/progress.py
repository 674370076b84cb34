"""How a reader tells the caller how far it has got, without knowing who is listening.

A reader calls ``progress(done, total)`` with the lines or rows read so far and their total
(``None`` while unknown), never going backwards, and always last with ``done == total``. The
command line draws a bar from it; the ribbon may draw its own. Readers call it every
:data:`STEP` rows, not every row: a call per row would cost more than the bar is worth.
"""

from __future__ import annotations

from collections.abc import Callable

#: ``progress(done, total)``: rows (CSV: lines) read so far, and how many there are if known.
ReadProgress = Callable[[int, int | None], None]

#: Rows between two calls.
STEP = 2048


def no_progress(done: int, total: int | None) -> None:
    """The callback used when nobody listens."""
