"""The ribbon's Python side: one function per button, called by the add-in's VBA.

``vba/`` (the ribbon XML and its callbacks) calls, through xlwings' ``RunPython``, the
functions of :mod:`addin.shells.ribbon.commands` with no argument (``choose_platform`` takes the
platform's id). Each is a thin shell over the same use case the command line runs, on the book
open in Excel (``addin.live``):

- :mod:`addin.shells.ribbon.shell`: one button's run: the calling book, the Excel session (screen
  still, status bar, a second click refused), any error told in a message box;
- :mod:`addin.shells.ribbon.ask`: what the user is asked (a message box's buttons, Excel's
  input box);
- :mod:`addin.shells.ribbon.words`: what the user reads, in French or English;
- :mod:`addin.shells.ribbon.folders`: where new files go (beside the workbook, else Documents);
- :mod:`addin.shells.ribbon.failures`: the log of an unexpected error (the user reads one sentence);
- :mod:`addin.shells.ribbon.sending`: the send button's preview, confirmation and re-check;
- :mod:`addin.shells.ribbon.setup`: the settings button's questions.
"""
