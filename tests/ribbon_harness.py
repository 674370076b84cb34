"""What the ribbon tests share: Excel (the test engine) with a user in front of it, a private
data folder and Documents folder, the keyring in memory, and ``client-import`` as a process to
compare the buttons with the commands."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import keyring
import pytest
import xlwings as xw

from tests import excel_engine
from tests.memory_keyring import MemoryKeyring

#: a process that hangs fails the test instead of hanging it
PATIENCE = 120.0


@dataclass
class Excel:
    """The test engine, the user in front of it, and the folders of this test."""

    engine: excel_engine.Engine
    user: excel_engine.User
    home: Path
    data: Path

    @property
    def documents(self) -> Path:
        return self.home / "Documents"

    def open(self, path: Path) -> xw.Book:
        """Open ``path`` and make it the book that calls the ribbon's functions."""
        book = xw.Book(str(path))
        book.set_mock_caller()
        return book

    @property
    def app(self) -> excel_engine.App:
        return self.engine.apps[0]

    def prompts(self) -> list[str]:
        return [prompt for _, prompt, _, _ in self.engine.alerts]

    def last(self) -> tuple[str, str, str | None, str | None]:
        """The last message box: title, text, buttons, mode."""
        assert self.engine.alerts, "no message box was shown"
        return self.engine.alerts[-1]

    def told(self) -> str:
        """The text of the last message box, which must be an information."""
        title, prompt, buttons, mode = self.last()
        assert (title, buttons, mode) == ("Import clients", "ok", "info"), (prompt, mode)
        return prompt

    def refused(self) -> str:
        """The text of the last message box, which must be a problem, never a traceback."""
        title, prompt, buttons, mode = self.last()
        assert (title, buttons, mode) == ("Import clients", "ok", "critical"), prompt
        assert "Traceback" not in prompt and 'File "' not in prompt
        return prompt


@pytest.fixture(name="excel")
def excel_fixture(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Excel]:
    home, data = tmp_path / "home", tmp_path / "data"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    monkeypatch.setenv("CLIENT_IMPORT_DATA_DIR", str(data))
    monkeypatch.delenv("CLIENT_IMPORT_TOKEN", raising=False)
    engine = excel_engine.activate()
    engine.reset()
    excel_engine.USER.reset()
    try:
        yield Excel(engine, excel_engine.USER, home, data)
    finally:
        engine.reset()
        excel_engine.USER.reset()
        if hasattr(xw.Book, "_mock_caller"):
            del xw.Book._mock_caller


@pytest.fixture(name="memory_keyring")
def memory_keyring_fixture() -> Iterator[MemoryKeyring]:
    previous = keyring.get_keyring()
    ring = MemoryKeyring()
    keyring.set_keyring(ring)
    try:
        yield ring
    finally:
        keyring.set_keyring(previous)


def cli(args: Sequence[str], excel: Excel, **env: str) -> subprocess.CompletedProcess[str]:
    """``client-import ARGS`` as a process with the test's data folder (and ``env``)."""
    proxies = {"http_proxy", "https_proxy", "all_proxy", "no_proxy"}
    environ = {k: v for k, v in os.environ.items() if k.lower() not in proxies}
    environ.update(
        {
            "CLIENT_IMPORT_DATA_DIR": str(excel.data / "cli"),
            "NO_PROXY": "127.0.0.1,localhost",
            "no_proxy": "127.0.0.1,localhost",
            **env,
        }
    )
    return subprocess.run(
        [sys.executable, "-m", "addin", *args],
        env=environ,
        capture_output=True,
        text=True,
        timeout=PATIENCE,
        check=False,
    )
