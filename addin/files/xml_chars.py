"""The one rule for text written into a workbook part: only characters XML 1.0 allows.

Why: a single forbidden character makes the whole part unreadable, so the workbook does not
open at all (Excel offers a repair, openpyxl and LibreOffice refuse it). Such characters do
reach us: a CSV holding U+FFFF, a cell of another tool's workbook written ``_xFFFF_``, a
platform's message with a lone surrogate. Every writer (our sheets, notes, cell edits, push
outcomes and history, exported workbooks) passes its texts through :func:`xml_safe`.

What happens to them, and why differently:

- C0 control characters (U+0000-U+001F except tab, line feed, carriage return) are dropped:
  they are invisible remnants of copy and paste (a vertical tab from a word processor), and a
  cell shows nothing for them anyway.
- U+FFFE, U+FFFF and lone surrogates (U+D800-U+DFFF) become U+FFFD, the replacement
  character: they usually stand for a character lost in a bad conversion, and the reader must
  see that something was there rather than get a silently shortened value.
"""

from __future__ import annotations

import re
from xml.sax.saxutils import escape

REPLACEMENT = "\ufffd"
_DROPPED = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")
_REPLACED = re.compile("[\ud800-\udfff\ufffe\uffff]")


def xml_safe(text: str) -> str:
    """``text`` with only characters XML 1.0 allows (see the module's docstring)."""
    return _REPLACED.sub(REPLACEMENT, _DROPPED.sub("", text))


def xml_text(text: str) -> str:
    """Text for an XML element: made safe, then escaped (attributes: ``quoteattr``)."""
    return escape(xml_safe(text))
