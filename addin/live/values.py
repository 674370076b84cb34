"""One cell as Excel hands it to xlwings, turned into the value the file path reads.

Excel gives a cell's *value* (``Range.Value``, cleaned by xlwings with ``err_to_str``), the file
path reads the saved XML; both must end as the same :data:`~addin.readers.common.Cell`
(:mod:`addin.readers.cells` is the one place that decides it, reused here):

- text as typed, ``""`` as an empty cell; booleans as ``"TRUE"``/``"FALSE"``; error values as
  their text (``"#N/A"``, which is what xlwings' ``err_to_str`` gives);
- numbers: Excel holds doubles (``1220.0``) and, under a currency format, COM's currency type
  (``Decimal``): both become the int or float the file path gives, and under a text or
  zero-padding format the text the user sees (``1220`` in ``00000`` → ``"01220"``), from the
  cell's number format;
- dates: Excel gives a ``datetime`` for every cell whose format is a date, a time or a duration,
  counted from its day 0, 1899-12-30. A time of day (on day 0) becomes ``"14:30:00"`` and a
  duration (a ``[h]:mm`` format) ``"25:30:00"``, as openpyxl reads them in the file; any other
  ``datetime`` is a date (a ``date`` at midnight) as in the file, the first two months of 1900
  put back on the day Excel shows (COM's dates run one day early there).

Only numbers, and ``datetime``\\ s early enough to be durations, need their number format
(:func:`needs_format`): every other cell is converted without asking Excel for it.
"""

from __future__ import annotations

import datetime as dt
import decimal

from openpyxl.styles.numbers import is_timedelta_format

from addin.readers.cells import convert, duration, is_special_format, moment, number, with_format
from addin.readers.common import Cell

#: Excel's day 0: COM gives a time of day alone as a ``datetime`` on this day.
DAY_ZERO = dt.datetime(1899, 12, 30)
#: Excel counts a 29 February 1900 that never was (Lotus 1-2-3's error, kept): its dates up to
#: 27 February 1900 reach COM one day early. From 1 March 1900 both count alike.
_LEAP_BUG_END = dt.datetime(1900, 2, 28)
#: Before this, a ``datetime`` may be a duration (``[h]:mm`` counts from day 0): its number
#: format says. Customer dates are later; a duration of more than a year is not customer data.
_DURATIONS_END = dt.datetime(1901, 1, 1)


def needs_format(value: object) -> bool:
    """Whether :func:`live_cell` needs the cell's number format to convert ``value``."""
    if isinstance(value, bool):
        return False
    if isinstance(value, int | float | decimal.Decimal):
        return True
    return isinstance(value, dt.datetime) and DAY_ZERO.date() < value.date() < _DURATIONS_END.date()


def live_cell(value: object, number_format: str | None = None) -> Cell:
    """The file path's value for a cell Excel gives as ``value`` under ``number_format``.

    ``number_format`` is only looked at when :func:`needs_format` says so; ``None`` there means
    the General format.
    """
    if isinstance(value, bool) or value is None:
        return convert(value)
    if isinstance(value, decimal.Decimal):
        value = float(value)
    if isinstance(value, int | float):
        if number_format is not None and _is_special(number_format):
            return with_format(value, number_format)
        return number(value) if isinstance(value, float) else value
    if isinstance(value, dt.datetime):
        return _moment(value, number_format)
    return convert(value)


#: number format → whether it changes how a number reads (a few formats, thousands of cells)
_SPECIAL: dict[str, bool] = {}


def _is_special(number_format: str) -> bool:
    special = _SPECIAL.get(number_format)
    if special is None:
        special = _SPECIAL[number_format] = is_special_format(number_format)
    return special


def _moment(value: dt.datetime, number_format: str | None) -> Cell:
    value = value.replace(tzinfo=None)
    if value.date() == DAY_ZERO.date():
        return convert(value.time())  # a time of day: the file path's "14:30:00"
    if value < _DURATIONS_END and number_format and is_timedelta_format(number_format):
        return duration(value - DAY_ZERO)
    if value < _LEAP_BUG_END:
        value += dt.timedelta(days=1)  # Excel's 01/01/1900 is COM's 1899-12-31
    return moment(value)
