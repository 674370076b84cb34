"""Shared fixtures: LibreOffice headless, the real spreadsheet engine (see tests/libreoffice.py).

Without LibreOffice the tests that need it are skipped with the reason, except under CI
(CI=true), where a missing LibreOffice fails them: CI installs it (scripts/system-deps.sh).
"""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from addin.files.data_folder import DATA_DIR_ENV
from tests import excel_engine
from tests.libreoffice import LibreOfficeServer, find_soffice, unavailable, uno_problem


@pytest.fixture(autouse=True)
def own_data_folder(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every test (and every command it runs as a process) gets its own data folder: the
    mapping corrections one test makes are remembered there, and must reach neither another
    test nor the user's own folder. A test may set its own."""
    monkeypatch.setenv(DATA_DIR_ENV, str(tmp_path_factory.mktemp("data")))


@pytest.fixture(autouse=True)
def collected_after_file_work(request: pytest.FixtureRequest) -> Iterator[None]:
    """A test that wrote files has its garbage collected before the next test starts.

    Why: an object a test leaves in a reference cycle (a zip writer kept alive by an error's
    traceback, say) is otherwise finalised whenever the collector next runs, in whatever test
    that is. Twice in about a dozen full runs such a late finaliser found its file closed
    already ("ZipFile.__del__ ... I/O operation on closed file") and failed an unrelated test;
    collected here, it is finalised while its own test's files are still there. The cause
    found since: openpyxl's ``keep_vba`` zip opened for appending on a buffer
    (``user_workbooks.settled_macros`` settles it, ``tests/test_user_workbooks.py``); the
    collection stays so that any other late finaliser fails the test that made it.
    """
    yield
    if "tmp_path" in request.fixturenames:
        gc.collect()


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


@pytest.fixture
def excel() -> Iterator[excel_engine.Engine]:
    """The tests' Excel (an xlwings engine over openpyxl), active, with no open book and no
    call counted, for one test."""
    engine = excel_engine.activate()
    engine.reset()
    yield engine
    engine.reset()
