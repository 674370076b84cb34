"""``client-import`` run as the user runs it: a process of its own, its output captured.

One runner for the tests that only need the command (the environment of the test, its data
folder included: ``tests/conftest.py``); tests that shape the environment (language, keyring)
build on :func:`client_import`'s ``env``.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable, Mapping
from pathlib import Path


def client_import(
    *args: str | Path,
    env: Mapping[str, str] | None = None,
    timeout: float = 300,
    before: Callable[[], None] | None = None,
) -> subprocess.CompletedProcess[str]:
    """``client-import ARGS``, with ``env`` instead of this process's environment if given;
    ``before`` runs in the child before the command (a limit set on it, say)."""
    return subprocess.run(
        [sys.executable, "-m", "addin", *map(str, args)],
        capture_output=True,
        text=True,
        check=False,
        timeout=timeout,
        env=dict(env) if env is not None else dict(os.environ),
        preexec_fn=before,
    )
