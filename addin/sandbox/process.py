"""The sandbox as a separate process, as a user runs it: for the demo and the benchmarks.

``python -m addin.sandbox --port 0`` binds a free port and prints one line with its address;
this waits for that line, hands the address over, and stops the process (SIGTERM, then kill)
when the ``with`` block ends. The token goes through the environment, never the command line.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from addin.sandbox.__main__ import TOKEN_ENV
from addin.sandbox.errors import SandboxError

_ANNOUNCE = "listening on "
_START_SECONDS = 30.0
_STOP_SECONDS = 10.0


@contextmanager
def sandbox_process(db: Path, token: str, *, max_batch: int | None = None) -> Iterator[str]:
    """A sandbox process storing into ``db``, accepting ``token``; yields its base URL."""
    command = [sys.executable, "-m", "addin.sandbox", "--port", "0", "--db", str(db), "--quiet"]
    if max_batch is not None:
        command += ["--max-batch", str(max_batch)]
    process = subprocess.Popen(
        command,
        env={**os.environ, TOKEN_ENV: token},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        yield _address(process)
    finally:
        process.terminate()
        try:
            process.wait(_STOP_SECONDS)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        for stream in (process.stdout, process.stderr):
            if stream is not None:
                stream.close()


def _address(process: subprocess.Popen[str]) -> str:
    """The URL the process announces; its error output if it stops or stays silent."""
    line: list[str] = []
    assert process.stdout is not None and process.stderr is not None
    stdout = process.stdout
    reader = threading.Thread(target=lambda: line.append(stdout.readline()), daemon=True)
    reader.start()
    reader.join(_START_SECONDS)
    if line and line[0].startswith(_ANNOUNCE):
        return line[0][len(_ANNOUNCE) :].strip()
    process.kill()
    process.wait()
    said = process.stderr.read().strip()
    why, why_en = said or "aucun message", said or "no message"
    raise SandboxError(
        f"la plateforme d'essai n'a pas démarré : {why}",
        en=f"the test platform did not start: {why_en}",
    )
