"""Shared fixtures: LibreOffice headless, the real spreadsheet engine (see tests/libreoffice.py).

Without LibreOffice the tests that need it are skipped with the reason, except under CI
(CI=true), where a missing LibreOffice fails them: CI installs it (scripts/system-deps.sh).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.libreoffice import LibreOfficeServer, find_soffice, unavailable, uno_problem


@pytest.fixture(scope="session")
def soffice() -> str:
    """Path of the soffice binary."""
    path = find_soffice()
    if path is None:
        unavailable(
            "LibreOffice (soffice) is not installed: run scripts/system-deps.sh as root "
            "(Debian: apt-get install libreoffice-calc-nogui python3-uno)"
        )
    return path


@pytest.fixture(scope="session")
def lo_server(soffice: str) -> Iterator[LibreOfficeServer]:
    """One headless LibreOffice for the whole session, driven through UNO; killed at the end."""
    problem = uno_problem()
    if problem is not None:
        unavailable(f"LibreOffice's UNO bridge is not usable: {problem}")
    with LibreOfficeServer(soffice) as server:
        yield server
