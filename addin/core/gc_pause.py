"""Pausing Python's cyclic garbage collector during bulk work.

Validating 100,000 rows allocates millions of small containers that never form cycles; the
collector still walks them over and over as they survive, which measured about 1.5 s of a
5.5 s validation (bench/README.md). Reference counting frees everything as usual meanwhile.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def cyclic_gc_paused() -> Iterator[None]:
    """Disable the cyclic collector for the block, restoring whatever state it had."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
