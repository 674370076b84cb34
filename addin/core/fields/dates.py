"""Dates, written DD/MM/YYYY, however they reached the sheet.

Files arrive with real date cells, Excel serial numbers (45678), ISO dates with or without a
time, two-digit years, month names in French or English, and American month/day order. Each
is read into a date and written back in the platform's format; the ``reading`` parameter of
every warning says how the text was read, so nothing is guessed silently.

The month/day order is a property of the column, not of a cell: "03/04/2024" alone is the
French 3 April, but in a column that also holds "12/25/2024" it is probably 4 March. The engine
therefore builds the checker with the column's evidence (``DateChecker.for_column``): in a
month/day column, dates that read both ways are errors (``date-ambiguous``) instead of being
taken in either order.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from addin.core.fields.base import Outcome, as_text, problem
from addin.core.fields.text import strip_accents, tidy_spaces
from addin.core.table import CellValue

Order = Literal["dmy", "mdy", "unknown"]

_TIME = r"(?:[ T](\d{1,2})[:h](\d{2})(?::(\d{2})(?:[.,]\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?"
#: 3/4/2024, 03-04-2024, 03.04.24, 03 04 2024, optionally followed by a time.
_NUMERIC = re.compile(r"(\d{1,2})([/\-. ])(\d{1,2})\2(\d{4}|\d{2})" + _TIME)
#: 2024-04-03, 2024/04/03, 2024-04-03T10:30:00, 2024-04-03 10:30:00+02:00.
_ISO = re.compile(r"(\d{4})([/\-.])(\d{1,2})\2(\d{1,2})" + _TIME)
_DEFAULT_EXACT = re.compile(r"(\d{2})/(\d{2})/(\d{4})")
_SERIAL = re.compile(r"\d{1,7}(?:[.,]\d+)?")
_DAY = re.compile(r"(\d{1,2})(?:er|e|st|nd|rd|th)?")
_WORD_SEPARATORS = re.compile(r"[\s,./-]+")

#: Excel's 1900 date system: serial 1 is 01/01/1900, 60 is the 29/02/1900 that never was
#: (kept for Lotus 1-2-3 compatibility), 2958465 is 31/12/9999.
_EXCEL_EPOCH = dt.date(1899, 12, 30)
_EXCEL_FAKE_LEAP_DAY = 60
_EXCEL_MAX = 2958465

_MONTHS_FR = (
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
)
_MONTHS_EN = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
#: Every spelling of a month, accents removed, lower case: full names and the abbreviations
#: of French and English Excel ("janv.", "févr.", "juil.", "Sept").
_MONTH_WORDS: dict[str, int] = {}
for _number, _names in enumerate(
    (
        ("janvier", "janv", "jan", "january"),
        ("fevrier", "fevr", "fev", "feb", "february"),
        ("mars", "mar", "march"),
        ("avril", "avr", "apr", "april"),
        ("mai", "may"),
        ("juin", "jun", "june"),
        ("juillet", "juil", "jul", "july"),
        ("aout", "aug", "august"),
        ("septembre", "sept", "sep", "september"),
        ("octobre", "oct", "october"),
        ("novembre", "nov", "november"),
        ("decembre", "dec", "december"),
    ),
    start=1,
):
    for _name in _names:
        _MONTH_WORDS[_name] = _number
_WEEKDAYS: dict[str, int] = {}
for _number, _names in enumerate(
    (
        ("lundi", "lun", "monday", "mon"),
        ("mardi", "tuesday", "tue", "tues"),
        ("mercredi", "mer", "wednesday", "wed"),
        ("jeudi", "jeu", "thursday", "thu", "thurs"),
        ("vendredi", "ven", "friday", "fri"),
        ("samedi", "sam", "saturday", "sat"),
        ("dimanche", "dim", "sunday", "sun"),
    )
):
    for _name in _names:
        _WEEKDAYS[_name] = _number
_FILLER_WORDS = frozenset({"le", "de", "du", "of", "the"})


def _spelled(date: dt.date) -> tuple[str, str]:
    """``3 avril 2024`` and ``3 April 2024``: a reading nobody can take the wrong way round."""
    day = "1er" if date.day == 1 else str(date.day)
    return (
        f"{day} {_MONTHS_FR[date.month - 1]} {date.year}",
        f"{date.day} {_MONTHS_EN[date.month - 1]} {date.year}",
    )


def _make_date(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


#: DD/MM/ of every real date but 29 February (left to the full check, which knows leap years).
_CLEAN_DAY_MONTH = (
    r"(?:(?:0[1-9]|1\d|2[0-8])/(?:0[1-9]|1[0-2])"
    r"|(?:29|30)/(?:0[13-9]|1[0-2])"
    r"|31/(?:0[13578]|1[02]))/"
)


def _years_pattern(first: int, last: int) -> str | None:
    """Four-digit years from ``first`` to ``last`` as one alternation, a decade per branch."""
    years = range(max(first, 1000), min(last, 9999) + 1)
    if not years:
        return None
    parts = []
    for decade in range(years[0] // 10, years[-1] // 10 + 1):
        inside = [y for y in range(decade * 10, decade * 10 + 10) if y in years]
        if len(inside) == 10:
            parts.append(f"{decade}\\d")
        else:
            parts.extend(str(y) for y in inside)
    return "(?:" + "|".join(parts) + ")"


def _time_ok(hour: str | None, minute: str | None, second: str | None) -> tuple[bool, bool]:
    """Whether the time part is a real time, and whether it holds more than midnight."""
    if hour is None or minute is None:
        return True, False
    h, m, s = int(hour), int(minute), int(second or 0)
    return h <= 23 and m <= 59 and s <= 59, (h, m, s) != (0, 0, 0)


@dataclass(frozen=True, slots=True)
class _Reading:
    """A date read from text, with what had to be assumed (French and English notes)."""

    date: dt.date
    notes: tuple[str, ...] = ()
    notes_en: tuple[str, ...] = ()
    swapped: dt.date | None = None  # the month/day reading, when the text allows both
    year_note: tuple[str, str] | None = None


#: DD/MM/YYYY with a month of 12 or less: never month/day evidence (the second number would
#: have to be over 12). Lets a column of 25,000 birth dates skip most of them.
_MONTH_SECOND = re.compile(r"[0-9]{2}/(?:0[0-9]|1[0-2])/[0-9]{4}")


def column_order(values: Iterable[CellValue]) -> Order:
    """The day/month order a column's numeric dates show.

    ``"mdy"`` when some dates can only be month/day (12/25/2024) and none can only be
    day/month (25/12/2024); ``"dmy"`` for the opposite; ``"unknown"`` when there is no evidence
    either way, or evidence both ways (then each date is read day/month, the French order).
    """
    dmy = mdy = False
    for value in {v for v in values if isinstance(v, str)}:
        if dmy and _MONTH_SECOND.fullmatch(value):
            continue  # can only be day/month evidence, which the column already has
        match = _NUMERIC.fullmatch(tidy_spaces(value))
        if match is None:
            continue
        first, second = int(match[1]), int(match[3])
        year = int(match[4]) if len(match[4]) == 4 else 2000  # a leap year: 29/02 counts
        if first > 12 >= second and _make_date(year, second, first):
            dmy = True
        elif second > 12 >= first and _make_date(year, first, second):
            mdy = True
        if dmy and mdy:
            return "unknown"
    return "mdy" if mdy else "dmy" if dmy else "unknown"


class DateChecker:
    """A calendar date between ``min_year`` and ``max_year``, written ``output_format``.

    ``order`` is the column's day/month evidence (see ``column_order``). Two-digit years up to
    ``two_digit_pivot`` are read 20xx and the others 19xx; the pivot defaults to the current
    year's last two digits (in 2025: "25" → 2025, "26" → 1926), and the warning says so.
    """

    def __init__(
        self,
        output_format: str = "%d/%m/%Y",
        min_year: int = 1900,
        max_year: int = 2100,
        order: Order = "unknown",
        two_digit_pivot: int | None = None,
    ) -> None:
        self.output_format = output_format
        self.min_year = min_year
        self.max_year = max_year
        self.order: Order = order
        self.pivot = dt.date.today().year % 100 if two_digit_pivot is None else two_digit_pivot
        self._default_format = output_format == "%d/%m/%Y"

    @classmethod
    def for_column(
        cls,
        values: Iterable[CellValue],
        output_format: str = "%d/%m/%Y",
        min_year: int = 1900,
        max_year: int = 2100,
        two_digit_pivot: int | None = None,
    ) -> DateChecker:
        """A checker that knows the column's day/month order, as the engine should build it."""
        return cls(output_format, min_year, max_year, column_order(values), two_digit_pivot)

    def format(self, date: dt.date) -> str:
        """The date as the platform wants it written."""
        if self._default_format:
            return f"{date.day:02d}/{date.month:02d}/{date.year:04d}"
        return date.strftime(self.output_format)

    def clean_shape(self) -> str | None:
        """Dates already written DD/MM/YYYY in range (``addin.core.clean_shapes``).

        ``None`` in a month/day column, where "03/04/2024" is not taken as it reads, and for
        other output formats.
        """
        years = _years_pattern(self.min_year, self.max_year)
        if not self._default_format or self.order == "mdy" or years is None:
            return None
        return _CLEAN_DAY_MONTH + years

    # --- checking ------------------------------------------------------------------------

    def check(self, value: CellValue) -> Outcome:
        if isinstance(value, dt.datetime):
            value = value.date()
        if isinstance(value, dt.date):
            out_of_range = self._out_of_range(value)
            return out_of_range or Outcome(self.format(value))
        if isinstance(value, bool):
            return _INVALID
        if isinstance(value, int | float):
            return self._serial(float(value), as_text(value))
        text = value if isinstance(value, str) else as_text(value)
        if self._default_format:
            exact = _DEFAULT_EXACT.fullmatch(text)
            if exact is not None and self.order != "mdy":
                date = _make_date(int(exact[3]), int(exact[2]), int(exact[1]))
                if date is not None and self.min_year <= date.year <= self.max_year:
                    return Outcome(text)
        cleaned = tidy_spaces(text)
        if _SERIAL.fullmatch(cleaned):
            return self._serial(float(cleaned.replace(",", ".")), cleaned)
        reading = self._read(cleaned)
        if reading is None:
            return _INVALID
        return self._judge(text, reading)

    def _judge(self, text: str, reading: _Reading) -> Outcome:
        out_of_range = self._out_of_range(reading.date)
        if out_of_range is not None:
            return out_of_range
        if reading.swapped is not None and self.order == "mdy":
            first, first_en = _spelled(reading.date)
            other, other_en = _spelled(reading.swapped)
            both = f"{first.rsplit(' ', 1)[0]} ou {other.rsplit(' ', 1)[0]}"
            both_en = f"{first_en.rsplit(' ', 1)[0]} or {other_en.rsplit(' ', 1)[0]}"
            if reading.year_note is not None:
                both += f" ; {reading.year_note[0]}"
                both_en += f"; {reading.year_note[1]}"
            return Outcome(
                None,
                (
                    problem(
                        "date-ambiguous",
                        "error",
                        self.format(reading.swapped),
                        reading=both,
                        reading_en=both_en,
                    ),
                ),
            )
        formatted = self.format(reading.date)
        if formatted == text:
            return Outcome(text)
        spelled, spelled_en = _spelled(reading.date)
        notes = reading.notes + ((reading.year_note[0],) if reading.year_note else ())
        notes_en = reading.notes_en + ((reading.year_note[1],) if reading.year_note else ())
        return _format_warning(
            formatted,
            ", ".join((spelled, *notes)),
            ", ".join((spelled_en, *notes_en)),
            guessed=reading.year_note is not None,
        )

    def _out_of_range(self, date: dt.date) -> Outcome | None:
        if date.year < self.min_year:
            reason = f"année antérieure à {self.min_year}"
            reason_en = f"year before {self.min_year}"
        elif date.year > self.max_year:
            reason = f"année postérieure à {self.max_year}"
            reason_en = f"year after {self.max_year}"
        else:
            return None
        return Outcome(
            None, (problem("date-out-of-range", "error", None, reason=reason, reason_en=reason_en),)
        )

    def _serial(self, number: float, shown: str) -> Outcome:
        """An Excel serial number: days since 30/12/1899, with Lotus' fake 29/02/1900."""
        if not math.isfinite(number) or number < 1 or number >= _EXCEL_MAX + 1:
            return _INVALID
        whole = int(number)
        if whole == _EXCEL_FAKE_LEAP_DAY:
            return _INVALID
        if number == whole and self.min_year <= whole <= self.max_year:
            return _INVALID  # "1985" is a year alone, not 07/06/1905
        date = _EXCEL_EPOCH + dt.timedelta(days=whole + (1 if whole < _EXCEL_FAKE_LEAP_DAY else 0))
        out_of_range = self._out_of_range(date)
        if out_of_range is not None:
            return out_of_range
        formatted = self.format(date)
        reading = f"numéro de série Excel {shown} = {formatted}"
        reading_en = f"Excel serial number {shown} = {formatted}"
        if number != whole:
            reading += ", heure ignorée"
            reading_en += ", time ignored"
        return _format_warning(formatted, reading, reading_en)

    # --- reading text ----------------------------------------------------------------------

    def _year(self, text: str) -> tuple[int, tuple[str, str] | None]:
        year = int(text)
        if len(text) != 2:
            return year, None
        full = (2000 if year <= self.pivot else 1900) + year
        return full, (f"année {text} lue {full}", f"year {text} read as {full}")

    def _read(self, text: str) -> _Reading | None:
        match = _NUMERIC.fullmatch(text)
        if match is not None:
            return self._read_numeric(match)
        match = _ISO.fullmatch(text)
        if match is not None:
            valid_time, has_time = _time_ok(match[5], match[6], match[7])
            date = _make_date(int(match[1]), int(match[3]), int(match[4]))
            if date is None or not valid_time:
                return None
            return _Reading(date, *_time_notes(has_time))
        if any(c.isalpha() for c in text):
            return self._read_words(text)
        return None

    def _read_numeric(self, match: re.Match[str]) -> _Reading | None:
        first, second = int(match[1]), int(match[3])
        year, year_note = self._year(match[4])
        valid_time, has_time = _time_ok(match[5], match[6], match[7])
        if not valid_time:
            return None
        notes, notes_en = _time_notes(has_time)
        day_month = _make_date(year, second, first)
        month_day = _make_date(year, first, second)
        if day_month is not None:
            if month_day is not None and month_day != day_month:
                return _Reading(
                    day_month,
                    ("lue jour/mois", *notes),
                    ("read day/month", *notes_en),
                    swapped=month_day,
                    year_note=year_note,
                )
            return _Reading(day_month, notes, notes_en, year_note=year_note)
        if month_day is not None:
            return _Reading(
                month_day,
                ("écrite mois/jour", *notes),
                ("written month/day", *notes_en),
                year_note=year_note,
            )
        return None

    def _read_words(self, text: str) -> _Reading | None:
        """``3 avril 2024``, ``mercredi 3 avr. 2024``, ``1er mai 24``, ``April 3, 2024``."""
        words = [
            w
            for w in _WORD_SEPARATORS.split(strip_accents(text).casefold())
            if w and w not in _FILLER_WORDS
        ]
        weekday = _WEEKDAYS.get(words[0]) if words else None
        if weekday is not None:
            words = words[1:]
        if len(words) != 3 or not (words[2].isdigit() and len(words[2]) in (2, 4)):
            return None
        day_word, month_word = words[0], words[1]
        if words[0] in _MONTH_WORDS:  # English order: April 3, 2024
            day_word, month_word = words[1], words[0]
        month = _MONTH_WORDS.get(month_word)
        day = _DAY.fullmatch(day_word)
        if month is None or day is None:
            return None
        year, year_note = self._year(words[2])
        date = _make_date(year, month, int(day[1]))
        if date is None or (weekday is not None and date.weekday() != weekday):
            return None
        return _Reading(date, year_note=year_note)


def _time_notes(has_time: bool) -> tuple[tuple[str, ...], tuple[str, ...]]:
    return (("heure ignorée",), ("time ignored",)) if has_time else ((), ())


def _format_warning(
    formatted: str, reading: str, reading_en: str, *, guessed: bool = False
) -> Outcome:
    """``guessed``: the reading chose a century for a two-digit year, so a fix must not apply
    it without the user (``addin.core.fixes``)."""
    if guessed:
        found = problem(
            "date-format", "warning", formatted, reading=reading, reading_en=reading_en, guess="1"
        )
    else:
        found = problem("date-format", "warning", formatted, reading=reading, reading_en=reading_en)
    return Outcome(formatted, (found,))


_INVALID = Outcome(None, (problem("invalid-date", "error"),))
