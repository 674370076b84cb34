"""docs/security.md names, for each promise, the tests that prove it: every name it gives must be
a test of the suite, so a renamed or removed test cannot leave a promise without its proof."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "security.md"

#: a test's name as the page writes it: ``test_name``, ``module.py::test_name``, ``::test_name``,
#: or a prefix ending in ``*`` or ``…`` for a family of tests
_NAME = re.compile(r"`(?:[\w/]+\.py)?(?:::)?(test_\w+?)(\*|…)?(?:\[[^\]]*\])?`")


def test_every_test_the_security_page_names_exists() -> None:
    defined = {
        name
        for path in (ROOT / "tests").glob("test_*.py")
        for name in re.findall(r"^def (test_\w+)", path.read_text(encoding="utf-8"), re.M)
    }
    named = _NAME.findall(DOC.read_text(encoding="utf-8"))
    assert len(named) > 40
    missing = [
        name + wildcard
        for name, wildcard in named
        if (name not in defined if not wildcard else not any(d.startswith(name) for d in defined))
    ]
    assert missing == []


def test_every_test_module_the_security_page_names_exists() -> None:
    modules = set(re.findall(r"`?(tests/[\w/]+\.py)", DOC.read_text(encoding="utf-8")))
    assert modules
    assert sorted(m for m in modules if not (ROOT / m).is_file()) == []
