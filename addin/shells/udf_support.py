"""xlwings' worksheet-function decorators, importable on every system.

Why not ``xw.func``: outside Windows, ``xlwings.func``/``arg``/``ret`` are decorators that do
nothing (xlwings 0.37.8, ``__init__.py``), so the functions would carry none of the metadata
the add-in build needs to generate their VBA wrappers. ``xlwings.udfs.xlfunc``/``xlarg``/
``xlret`` are the real ones (on Windows, ``xw.func`` *is* ``xlfunc``), but ``xlwings.udfs``
imports ``pythoncom``, ``pywintypes`` and ``win32com.client`` (pywin32, Windows only) at its
top. Outside Windows those names are stubbed for the time of that one import
(docs/design/xlwings-on-linux.md §3): the decorators and the VBA generator only fill and read
``f.__xlfunc__``, and nothing that would call COM runs without Excel.

The typed wrappers below keep mypy's strict mode meaningful for the decorated functions.
"""

from __future__ import annotations

import importlib
import sys
import types
from collections.abc import Callable
from functools import cache
from typing import Any, TypeVar, cast

F = TypeVar("F", bound=Callable[..., Any])

_WINDOWS_ONLY = ("pythoncom", "pywintypes", "win32com", "win32com.client")


@cache
def xlwings_udfs() -> types.ModuleType:
    """``xlwings.udfs``, imported for real on Windows, with pywin32 stubbed elsewhere."""
    if sys.platform.startswith("win"):
        return importlib.import_module("xlwings.udfs")
    importlib.import_module("xlwings")  # first, unstubbed: it decides its engines from pywin32
    made = {name: types.ModuleType(name) for name in _WINDOWS_ONLY if name not in sys.modules}
    stub: Any = made  # plain modules given the few names xlwings.udfs takes from them
    if "pywintypes" in made:
        stub["pywintypes"].com_error = Exception
    if "pythoncom" in made:
        stub["pythoncom"].CoInitialize = lambda: None
    if "win32com.client" in made:
        stub["win32com.client"].Dispatch = None
        if "win32com" in made:
            stub["win32com"].client = made["win32com.client"]
    sys.modules.update(made)
    try:
        return importlib.import_module("xlwings.udfs")
    finally:
        # the stubs stay referenced by xlwings.udfs only: nothing else may take them for pywin32
        for name in made:
            del sys.modules[name]


def func(**options: Any) -> Callable[[F], F]:
    """``@xw.func(...)``: category, volatile (never, here), call_in_wizard."""
    return cast(Callable[[F], F], xlwings_udfs().xlfunc(**options))


def arg(name: str, **options: Any) -> Callable[[F], F]:
    """``@xw.arg(name, doc=..., ndim=...)``: the argument's help text and conversion."""
    return cast(Callable[[F], F], xlwings_udfs().xlarg(name, **options))


def ret(**options: Any) -> Callable[[F], F]:
    """``@xw.ret(...)``: how the result is written back."""
    return cast(Callable[[F], F], xlwings_udfs().xlret(**options))
