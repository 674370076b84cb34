"""One command at a time on an open book, with Excel's screen still and the status bar speaking.

A command that writes many cells redraws the sheet at each call unless screen updating is off
(``docs/design/xlwings-on-linux.md``), and the user wants to see that something is happening:
:func:`excel_session` turns screen updating off, shows progress in the status bar, and puts
both back as they were *whatever happens* (an error included), so Excel is never left frozen.
A second command on the same book while one runs (a double click on a ribbon button) is
refused politely instead of writing into the same cells at the same time.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import xlwings as xw

from addin.errors import UsageError

#: The books a command is running on, by full name; the lock guards the set.
_RUNNING: set[str] = set()
_LOCK = threading.Lock()

#: ``say(text)``: show ``text`` in Excel's status bar.
Say = Callable[[str], None]


@contextmanager
def excel_session(book: xw.Book, title: str) -> Iterator[Say]:
    """Run one command on ``book``: screen updating off, ``title`` in the status bar; yields
    a function that shows progress there. Both are restored on the way out."""
    key = str(book.fullname)
    with _LOCK:
        if key in _RUNNING:
            raise UsageError(
                f"une commande client-import est déjà en cours sur « {book.name} » : "
                "attendez qu'elle se termine (la barre d'état l'indique), puis recommencez",
                en=(
                    f"a client-import command is already running on “{book.name}”: "
                    "wait for it to finish (the status bar shows it), then try again"
                ),
            )
        _RUNNING.add(key)
    try:
        app = book.app
        updating = app.screen_updating
        status = app.status_bar
        try:
            app.screen_updating = False

            def say(text: str) -> None:
                app.status_bar = f"client-import : {text}"

            say(title)
            yield say
        finally:
            try:
                app.status_bar = status
            finally:
                app.screen_updating = updating
    finally:
        with _LOCK:
            _RUNNING.discard(key)
