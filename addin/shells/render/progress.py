"""The progress bar drawn on stderr while ``validate`` reads and checks a file, or a push sends.

Drawn only on a terminal: in a pipe, a CI log or a test, stderr gets nothing (and stdout, which
may carry ``--json``, never does). The bar disappears once the report is ready.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)

from addin.core.catalogue import Lang

_WORDS = {
    "fr": {"read": "Lecture (lignes)", "check": "Vérification"},
    "en": {"read": "Reading (rows)", "check": "Checking"},
}


class ProgressBar:
    """A :class:`~addin.usecases.validation.ValidationProgress` drawn with rich."""

    def __init__(self, progress: Progress, language: Lang) -> None:
        self._progress = progress
        self._words = _WORDS[language]
        self._read: TaskID = progress.add_task(self._words["read"], total=None)

    def reading(self, done: int, total: int | None) -> None:
        self._progress.update(self._read, completed=done, total=total)

    def checking(self) -> None:
        task = self._progress.tasks[self._read]
        self._progress.update(self._read, total=task.completed or 1, completed=task.completed or 1)
        self._progress.add_task(self._words["check"], total=None)

    def counting(self, description: str) -> Callable[[int, int], None]:
        """A new line of the bar, and the ``done, total`` callback that moves it (a push's
        batches, an undo's deletions)."""
        task = self._progress.add_task(description, total=None)

        def advance(done: int, total: int) -> None:
            self._progress.update(task, completed=done, total=total)

        return advance


@contextmanager
def progress_bar(console: Console, language: Lang) -> Iterator[ProgressBar | None]:
    """A bar on ``console`` (stderr) when it is a terminal, else ``None``: nothing is drawn."""
    if not console.is_terminal:
        yield None
        return
    columns = (
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=console, transient=True) as progress:
        yield ProgressBar(progress, language)
