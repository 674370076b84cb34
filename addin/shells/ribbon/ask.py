"""What the ribbon asks the user, through Excel's own boxes.

A message box is xlwings' ``App.alert`` (VBA's ``MsgBox``); a text is typed in Excel's own
``Application.InputBox`` through COM (``Type:=2``, a text): xlwings has no input box of its own,
and a box of ours (tkinter) would open behind Excel on Windows. Excel's input box returns
``False`` when the user presses Cancel: here that is ``None``, "keep what you had".
"""

from __future__ import annotations

import xlwings as xw

#: The title of every box the add-in shows: the ribbon tab's name.
TITLE = "Import clients"
#: A message box holds about 1,024 characters; longer texts are cut with a final "…".
MAX_MESSAGE = 1000


def fit(text: str) -> str:
    return text if len(text) <= MAX_MESSAGE else text[: MAX_MESSAGE - 1] + "…"


def tell(app: xw.App, text: str, *, problem: bool = False) -> None:
    """A message box with an OK button; ``problem``: Excel's critical icon."""
    app.alert(fit(text), title=TITLE, buttons="ok", mode="critical" if problem else "info")


def confirm(app: xw.App, text: str) -> bool:
    """A yes/no question; ``True`` for yes."""
    return app.alert(fit(text), title=TITLE, buttons="yes_no", mode="info") == "yes"


def type_text(app: xw.App, prompt: str, default: str = "") -> str | None:
    """What the user typed in Excel's input box, or ``None`` for Cancel."""
    answer = app.api.InputBox(fit(prompt), TITLE, default, Type=2)
    if answer is False:
        return None
    return str(answer)
