"""One ribbon button's run: the calling book, one Excel session, the result or the error told.

Every button goes through :func:`run_button`: the workbook that called (``xw.Book.caller()``),
the settings, :func:`~addin.live.session.excel_session` (screen updating off, the status bar
saying what runs, both restored whatever happens, a second click refused), then the button's
work, whose sentence is shown in a message box. Errors never reach the user as a traceback: our
own (:class:`~addin.errors.ClientImportError`) are one sentence in a message box; anything else
is logged (:mod:`addin.shells.ribbon.failures`) and the message box says where.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import xlwings as xw

from addin.core.catalogue import Lang
from addin.core.profile import Profile
from addin.core.profiles import get_profile
from addin.errors import ClientImportError, UsageError
from addin.live.session import Say, excel_session
from addin.live.workbook import LiveWorkbook
from addin.settings import Settings, load_settings
from addin.shells.ribbon.ask import tell
from addin.shells.ribbon.failures import log_failure
from addin.shells.ribbon.words import say


@dataclass(frozen=True, slots=True)
class Button:
    """What a button's work is given."""

    book: xw.Book
    #: the book as the use cases see it; a sheet not named is the one the user is on
    live: LiveWorkbook
    settings: Settings
    #: shows progress in Excel's status bar
    status: Say

    @property
    def lang(self) -> Lang:
        return self.settings.lang

    @property
    def app(self) -> xw.App:
        return self.book.app

    def words(self, key: str, **values: object) -> str:
        return say(self.lang, key, **values)

    def chosen_profile(self) -> Profile | None:
        """The platform chosen in the ribbon, with the default phone region of the settings;
        ``None`` when none is chosen (check and fix then recognise it, as the command line
        does without ``--profile``)."""
        if self.settings.platform is None:
            return None
        return get_profile(self.settings.platform).with_phone_region(self.settings.phone_region)

    def profile(self) -> Profile:
        """The platform chosen, or the sentence saying to choose one."""
        profile = self.chosen_profile()
        if profile is None:
            raise UsageError(self.words("no_platform"))
        return profile

    def target(self, profile: Profile) -> str:
        """The platform's address: the settings', else the profile's own."""
        address = self.settings.target_of(profile.name) or profile.api.base_url
        if not address:
            raise UsageError(self.words("no_target", platform=profile.platform))
        return address


#: A button's work: the sentence to show, or ``None`` when it has said everything already.
Work = Callable[[Button], str | None]


def run_button(name: str, work: Work) -> None:
    """Run ``work`` for the button ``name`` on the calling book and tell the user."""
    book = xw.Book.caller()
    settings = load_settings()
    lang = settings.lang
    try:
        with excel_session(book, say(lang, name)) as status:
            message = work(Button(book, LiveWorkbook(book), settings, status))
    except ClientImportError as error:
        tell(book.app, say(lang, "error", message=_sentence(error.said(lang))), problem=True)
        return
    except Exception as error:  # the user gets a sentence, never a traceback
        log = log_failure(error, name)
        text = (
            say(lang, "unexpected", log=log)
            if log is not None
            else say(lang, "unexpected_no_log", kind=type(error).__name__)
        )
        tell(book.app, text, problem=True)
        return
    if message:
        tell(book.app, message)


def _sentence(text: str) -> str:
    """Our errors are written to follow « Erreur : »: the box starts them with a capital."""
    text = " ".join(text.split())
    return text[:1].upper() + text[1:]
