"""The sandbox as its own process (what the demo and the benchmarks start): it answers on the
address it announces, stops with the ``with`` block, and says why when it cannot start."""

from __future__ import annotations

import secrets
from pathlib import Path

import pytest
import requests

from addin.sandbox.errors import SandboxError
from addin.sandbox.process import sandbox_process


def test_the_process_answers_on_its_address_and_stops_afterwards(tmp_path: Path) -> None:
    token = secrets.token_hex(8)
    with sandbox_process(tmp_path / "p.sqlite", token) as url:
        headers = {"Authorization": f"Bearer {token}"}
        body = {"upsert": [{"key": "K1", "fields": {"name": "Dupont"}}]}
        sent = requests.post(f"{url}/records/clients/batch", json=body, headers=headers, timeout=5)
        listed = requests.get(f"{url}/records/clients?page=1", headers=headers, timeout=5)
    assert sent.status_code == 200 and sent.json()["results"][0]["status"] == "created"
    assert [item["key"] for item in listed.json()["items"]] == ["K1"]
    with pytest.raises(requests.ConnectionError):
        requests.get(f"{url}/records/clients?page=1", headers=headers, timeout=5)


def test_a_sandbox_that_cannot_start_says_why(tmp_path: Path) -> None:
    not_a_folder = tmp_path / "file"
    not_a_folder.write_text("x", encoding="utf-8")
    with (
        pytest.raises(SandboxError, match="n'a pas démarré"),
        sandbox_process(not_a_folder / "p.sqlite", secrets.token_hex(8)),
    ):
        pass
