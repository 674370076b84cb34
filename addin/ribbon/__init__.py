"""The ribbon's Python side: one function per button, called by the add-in's VBA.

``vba/`` (the ribbon XML and its callbacks) calls, through xlwings' ``RunPython``, the
functions of :mod:`addin.ribbon.commands` with no argument (``choose_platform`` takes the
platform's id). Each is a thin shell over the same use case the command line runs, on the book
open in Excel (``addin.live``):

- :mod:`addin.ribbon.shell`: one button's run: the calling book, the Excel session (screen
  still, status bar, a second click refused), any error told in a message box;
- :mod:`addin.ribbon.ask`: what the user is asked (a message box's buttons, Excel's input box);
- :mod:`addin.ribbon.words`: what the user reads, in French or English;
- :mod:`addin.ribbon.folders`: where new files go (beside the workbook, else Documents);
- :mod:`addin.ribbon.failures`: the log of an unexpected error (the user reads one sentence);
- :mod:`addin.ribbon.sending`: the send button's preview, confirmation and re-check;
- :mod:`addin.ribbon.setup`: the settings button's questions.
"""
