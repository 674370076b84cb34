"""A stand-in for Excel in the tests: real xlwings ``Book``/``Sheet``/``Range`` over openpyxl.

xlwings runs one API over interchangeable engines (Windows COM, macOS AppleScript); on Linux it
has none. This module is one more engine, registered with ``xw.engines``, so that the product's
live-workbook code runs unchanged through real xlwings objects in the tests. Its interface is
xlwings' internal ``base_classes``, which changes between versions: it is written for the exact
version ``pyproject.toml`` pins (:data:`XLWINGS_VERSION`, checked on import).

Where it matters for reading, it answers as Excel does through COM (``_xlwindows.py``):

- ``Range.raw_value``: a scalar for one cell, a tuple of tuples otherwise; numbers as floats
  (Excel stores doubles), date-formatted cells as ``datetime`` (a time of day on 1899-12-30, a
  duration counted from it: COM's ``VT_DATE``, one day early in January and February 1900),
  numbers under a currency format as ``Decimal``
  (COM's ``VT_CY``), text as ``str``, booleans as ``bool``, an empty cell as ``None``, a formula
  whose result is an empty text as ``""``, an error as COM's integer code (``#N/A`` is
  ``-2146826246``), which :meth:`Engine.clean_value_data` turns into ``"#N/A"`` or ``None`` as
  xlwings does on Windows;
- ``Range.formula``: the formula or the constant as text, ``""`` for an empty cell;
- ``Range.number_format``: the format of the range, ``None`` when its cells differ (COM's Null).

What openpyxl cannot do, it cannot: it calculates nothing, so the result of a formula is the
one the file stored (``data_only``), and a formula stored without a result has none (``None``,
as if Excel's calculation were manual and never run). Tests that rely on a formula's result use
workbooks LibreOffice saved.

Every call that would cross into Excel (one COM call) adds one to :attr:`Engine.calls`, by name,
so that tests can assert that the number of calls does not grow with the number of rows. The
chunking budgets are xlwings' own (``max_cells_per_read/write``), so the counts are Excel's.
"""

from __future__ import annotations

import collections
import copy
import datetime as dt
import decimal
import re
import warnings
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, ClassVar

import openpyxl
import xlwings as xw
from openpyxl.comments import Comment
from openpyxl.formatting.rule import Rule
from openpyxl.formula.translate import Translator
from openpyxl.styles import Border, Font, PatternFill, Side
from openpyxl.styles.differential import DifferentialStyle
from openpyxl.utils import column_index_from_string, get_column_letter, range_boundaries
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.table import Table as SheetTable
from openpyxl.worksheet.table import TableStyleInfo
from xlwings import base_classes, utils

from tests.user_workbooks import load_macro_book

#: The xlwings version whose internal engine interface this module implements.
XLWINGS_VERSION = "0.37.8"
if xw.__version__ != XLWINGS_VERSION:  # pragma: no cover - a version bump must revisit this file
    raise ImportError(f"tests/excel_engine.py is written for xlwings {XLWINGS_VERSION}")

NAME = "openpyxl"
#: ``Application.UserName``: the author Excel gives the notes added through COM.
EXCEL_USER = "Utilisateur Excel"

#: COM's error codes for the cell errors (``_xlwindows.cell_errors``, Windows only).
CELL_ERRORS = {
    "#DIV/0!": -2146826281,
    "#N/A": -2146826246,
    "#NAME?": -2146826259,
    "#NULL!": -2146826288,
    "#NUM!": -2146826252,
    "#REF!": -2146826265,
    "#VALUE!": -2146826273,
}
_ERROR_TEXTS = {code: text for text, code in CELL_ERRORS.items()}
#: Excel's day 0: a time of day alone is a date on this day for COM.
COM_EPOCH = dt.datetime(1899, 12, 30)
#: Excel counts a 29 February 1900 that never was: its serials 1 to 59 (1900-01-01 to
#: 1900-02-28, as openpyxl reads them) are one day later than the same numbers as COM dates.
_LEAP_BUG_START, _LEAP_BUG_END = dt.datetime(1900, 1, 1), dt.datetime(1900, 3, 1)
#: openpyxl's sheet states as COM's ``XlSheetVisibility``.
_SHEET_STATES = {"visible": -1, "hidden": 0, "veryHidden": 2}
#: Symbols that make a number format a currency one (COM then returns ``VT_CY``).
_CURRENCY = ("€", "$", "£", "¥", "[$")


class Engine:
    """The engine object xlwings' ``main.Engine(impl=...)`` wraps."""

    name = NAME
    type = "desktop"  # behave like Excel: a scalar written fills the range in one call

    def __init__(self) -> None:
        self.apps = Apps(self)
        self.calls: collections.Counter[str] = collections.Counter()
        self.alerts: list[tuple[str, str, str | None, str | None]] = []

    def call(self, name: str) -> None:
        """One call into Excel."""
        self.calls[name] += 1

    def reset(self) -> None:
        """Close every book and forget the calls and alerts (between tests)."""
        for app in self.apps:
            app.books.books.clear()
            app.books.active_book = None
        self.calls.clear()
        self.alerts.clear()

    @staticmethod
    def clean_value_data(
        data: Any, datetime_builder: Any, empty_as: Any, number_builder: Any, err_to_str: bool
    ) -> list[list[Any]]:
        """What xlwings' Windows engine does to COM's values (``_xlwindows.clean_value_data``)."""

        def clean(value: Any) -> Any:
            if value is None or (isinstance(value, str) and value == ""):
                return empty_as
            if isinstance(value, dt.datetime):
                return datetime_builder(
                    year=value.year,
                    month=value.month,
                    day=value.day,
                    hour=value.hour,
                    minute=value.minute,
                    second=value.second,
                    microsecond=value.microsecond,
                    tzinfo=None,
                )
            if number_builder is not None and isinstance(value, float):
                return number_builder(value)
            if type(value) is int and value in _ERROR_TEXTS:
                return _ERROR_TEXTS[value] if err_to_str else None
            return value

        return [[clean(value) for value in row] for row in data]

    @staticmethod
    def prepare_xl_data_element(x: Any, options: Any) -> Any:
        return "" if x is None else x


class Apps(base_classes.Apps):
    def __init__(self, engine: Engine) -> None:
        self._apps = [App(engine)]

    def __iter__(self) -> Iterator[App]:
        return iter(self._apps)

    def __len__(self) -> int:
        return len(self._apps)

    def __getitem__(self, index: int) -> App:
        return self._apps[index]

    def keys(self) -> list[int]:
        return [app.pid for app in self._apps]

    def add(self, **kwargs: Any) -> App:
        return self._apps[0]


class App(base_classes.App):
    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._books = Books(self)
        self._status_bar: str | bool = False
        self._screen_updating = True

    engine = property(lambda self: self._engine)
    books = property(lambda self: self._books)
    pid = property(lambda self: -1)
    visible = property(lambda self: True)
    api = property(lambda self: self)

    def activate(self, steal_focus: bool | None = None) -> None:
        pass

    @property
    def status_bar(self) -> str | bool:
        self._engine.call("App.StatusBar.get")
        return self._status_bar

    @status_bar.setter
    def status_bar(self, value: str | bool) -> None:
        self._engine.call("App.StatusBar.set")
        self._status_bar = value

    @property
    def screen_updating(self) -> bool:
        self._engine.call("App.ScreenUpdating.get")
        return self._screen_updating

    @screen_updating.setter
    def screen_updating(self, value: bool) -> None:
        self._engine.call("App.ScreenUpdating.set")
        self._screen_updating = value

    # Book.save wraps itself in app.properties(display_alerts=False)
    display_alerts = property(lambda self: True, lambda self, value: None)

    def alert(
        self, prompt: str, title: str, buttons: str | None, mode: str | None, callback: Any
    ) -> str:
        """VBA's ``MsgBox``: recorded, and answered by the next of :attr:`answers` (a button's
        word, or a function of the prompt, run *before* answering: the user doing something in
        Excel while the box is up), else by the box's first button."""
        self._engine.call("MessageBox")
        self._engine.alerts.append((title, prompt, buttons, mode))
        if self.user.answers:
            answer = self.user.answers.popleft()
            return answer(prompt) if callable(answer) else answer
        return "ok" if buttons in (None, "ok", "ok_cancel") else "yes"

    @property
    def selection(self) -> Range | None:
        """``Application.Selection``: the range the test selected, if any."""
        self._engine.call("App.Selection")
        return self.user.selection

    def InputBox(  # noqa: PLR0917 (COM's name and arguments)
        self,
        Prompt: str,
        Title: str = "",
        Default: str = "",
        Left: Any = None,
        Top: Any = None,
        HelpFile: Any = None,
        HelpContextID: Any = None,
        Type: int = 2,
    ) -> str | bool:
        """COM's ``Application.InputBox``: recorded, and answered by the next of
        :attr:`User.typed` (a text, or ``False`` for Cancel as Excel returns it); without one,
        Cancel."""
        self._engine.call("App.InputBox")
        self.user.asked.append((Title, Prompt, Default))
        return self.user.typed.popleft() if self.user.typed else False

    @property
    def user(self) -> User:
        return USER


#: An answer to a message box: a button's word, or a function of the prompt giving one.
Answer = str | Callable[[str], str]


class User:
    """The person in front of Excel, as the tests script them: the buttons they will press, the
    texts they will type, the cells they selected, and what they were asked."""

    def __init__(self) -> None:
        self.answers: collections.deque[Answer] = collections.deque()
        self.typed: collections.deque[str | bool] = collections.deque()
        self.asked: list[tuple[str, str, str]] = []
        self.selection: Range | None = None

    def reset(self) -> None:
        self.__init__()  # type: ignore[misc]


USER = User()


class Books(base_classes.Books):
    def __init__(self, app: App) -> None:
        self.app = app
        self.books: list[Book] = []
        self.active_book: Book | None = None

    @property
    def active(self) -> Book | None:
        return self.active_book

    def open(self, fullname: str, *args: Any, **kwargs: Any) -> Book:
        """Open a saved workbook as Excel would: formulas, and the results the file stored."""
        self.app.engine.call("Workbooks.Open")
        path = Path(fullname).resolve()
        with warnings.catch_warnings():  # data validation extensions and the like
            warnings.simplefilter("ignore", UserWarning)
            book = Book(self, str(path), load_macro_book(path))
            book.cached = openpyxl.load_workbook(path, data_only=True)
        self.books.append(book)
        self.active_book = book
        return book

    def add(self) -> Book:
        self.app.engine.call("Workbooks.Add")
        book = Book(self, f"Classeur{len(self.books) + 1}", openpyxl.Workbook())
        self.books.append(book)
        self.active_book = book
        return book

    def __len__(self) -> int:
        return len(self.books)

    def __iter__(self) -> Iterator[Book]:
        return iter(self.books)

    def __call__(self, name_or_index: int | str) -> Book:
        if isinstance(name_or_index, int):
            return self.books[name_or_index - 1]
        for book in self.books:
            if name_or_index in (book.name, book.fullname):
                return book
        raise KeyError(name_or_index)  # main.Books.open relies on KeyError


class Book(base_classes.Book):
    def __init__(self, books: Books, fullname: str, wb: Any) -> None:
        self.books = books
        self._fullname = fullname
        self.wb = wb
        #: the same workbook loaded with ``data_only``: the results the file stored
        self.cached: Any = None

    fullname = property(lambda self: self._fullname)
    name = property(lambda self: Path(self._fullname).name)
    app = property(lambda self: self.books.app)

    @property
    def api(self) -> BookApi:
        return BookApi(self)

    @property
    def sheets(self) -> Sheets:
        return Sheets(self)

    @property
    def names(self) -> Names:
        return Names(self)

    def save(self, path: str | None = None, password: str | None = None) -> None:
        self.app.engine.call("Workbook.Save")
        self.wb.save(path or self.fullname)

    def close(self) -> None:
        self.books.books.remove(self)
        if self.books.active_book is self:
            self.books.active_book = self.books.books[-1] if self.books.books else None

    def activate(self) -> None:
        self.books.active_book = self


class Sheets(base_classes.Sheets):
    def __init__(self, book: Book) -> None:
        self.book = book

    api = property(lambda self: self.book.wb.worksheets)

    @property
    def active(self) -> Sheet:
        self.book.app.engine.call("Workbook.ActiveSheet")
        return Sheet(self.book, self.book.wb.active)

    def __call__(self, name_or_index: int | str) -> Sheet:
        wb = self.book.wb
        if isinstance(name_or_index, int):
            return Sheet(self.book, wb.worksheets[name_or_index - 1])
        return Sheet(self.book, wb[name_or_index])

    def __len__(self) -> int:
        return len(self.book.wb.worksheets)

    def __iter__(self) -> Iterator[Sheet]:
        self.book.app.engine.call("Workbook.Worksheets")
        return (Sheet(self.book, ws) for ws in self.book.wb.worksheets)

    def add(
        self, before: Sheet | None = None, after: Sheet | None = None, name: str | None = None
    ) -> Sheet:
        self.book.app.engine.call("Sheets.Add")
        wb = self.book.wb
        index = None
        if before is not None:
            index = wb.worksheets.index(before.ws)
        elif after is not None:
            index = wb.worksheets.index(after.ws) + 1
        ws = wb.create_sheet(title=name, index=index)
        wb.active = ws
        return Sheet(self.book, ws)


class Sheet(base_classes.Sheet):
    def __init__(self, book: Book, ws: Any) -> None:
        self._book = book
        self.ws = ws

    book = property(lambda self: self._book)
    index = property(lambda self: self._book.wb.worksheets.index(self.ws) + 1)

    @property
    def api(self) -> SheetApi:
        return SheetApi(self)

    @property
    def charts(self) -> Charts:
        return Charts(self)

    @property
    def tables(self) -> Tables:
        """COM's ``Worksheet.ListObjects`` (see :class:`Tables`)."""
        return Tables(self)

    @property
    def notes(self) -> list[Note]:
        """COM's ``Worksheet.Comments``, walked (one call, and one per note read)."""
        self._call("Sheet.Comments")
        cells = [cell for row in self.ws.iter_rows() for cell in row if cell.comment]
        return [Note(cell, self) for cell in cells]

    def _call(self, name: str) -> None:
        self._book.app.engine.call(name)

    @property
    def name(self) -> str:
        self._call("Sheet.Name.get")
        return str(self.ws.title)

    @name.setter
    def name(self, value: str) -> None:
        self._call("Sheet.Name.set")
        self.ws.title = value

    @property
    def visible(self) -> int:
        """COM's ``XlSheetVisibility``, which xlwings hands on as it is on Windows: -1
        visible, 0 hidden, 2 very hidden (truthy, yet hidden)."""
        self._call("Sheet.Visible.get")
        return _SHEET_STATES[self.ws.sheet_state]

    @visible.setter
    def visible(self, value: int | bool) -> None:
        self._call("Sheet.Visible.set")
        if value is True or value == -1:
            self.ws.sheet_state = "visible"
        else:
            self.ws.sheet_state = "veryHidden" if value == 2 else "hidden"

    def range(self, arg1: Any, arg2: Any = None) -> Range:
        if isinstance(arg1, str):
            arg1, arg2 = utils.a1_to_tuples(arg1)
        if isinstance(arg1, Range):
            arg1 = (arg1.row, arg1.column) if arg2 is not None else arg1.corners()
        if isinstance(arg2, Range):
            arg2 = (arg2.row, arg2.column)
        if isinstance(arg1, tuple) and len(arg1) == 4:  # (row, column, rows, columns)
            row, column, rows, columns = arg1
            return Range(self, (row, column), (row + rows - 1, column + columns - 1))
        if isinstance(arg1, tuple) and len(arg1) == 2 and isinstance(arg1[0], tuple):
            arg1, arg2 = arg1
        arg2 = arg2 or arg1
        top_left = min(arg1[0], arg2[0]), min(arg1[1], arg2[1])
        return Range(self, top_left, (max(arg1[0], arg2[0]), max(arg1[1], arg2[1])))

    @property
    def cells(self) -> Range:
        return Range(self, (1, 1), (1_048_576, 16_384))

    @property
    def used_range(self) -> Range:
        """Excel's ``UsedRange``: from the first to the last cell holding a value or a format."""
        self._call("Sheet.UsedRange")
        ws = self.ws
        return Range(self, (ws.min_row, ws.min_column), (ws.max_row, ws.max_column))

    def activate(self) -> None:
        self._call("Sheet.Activate")
        self._book.wb.active = self.ws

    def delete(self) -> None:
        """COM's ``Worksheet.Delete``: the active sheet stays active, unless it is the one
        deleted (then its neighbour is)."""
        self._call("Sheet.Delete")
        wb = self._book.wb
        index = wb.worksheets.index(self.ws)
        active = wb.active
        wb.remove(self.ws)
        if active is not None and active is not self.ws:
            wb.active = active
        elif wb.worksheets:
            wb.active = min(index, len(wb.worksheets) - 1)


class Range(base_classes.Range):
    def __init__(self, sheet: Sheet, first: tuple[int, int], last: tuple[int, int]) -> None:
        self.sheet = sheet
        self.options: dict[str, Any] = {}
        (self._row, self._column), (last_row, last_column) = first, last
        self._shape = (max(last_row - self._row + 1, 0), max(last_column - self._column + 1, 0))

    row = property(lambda self: self._row)
    column = property(lambda self: self._column)
    shape = property(lambda self: self._shape)
    api = property(lambda self: self)  # truthy: the write stage tests `rng.api`
    coords = property(lambda self: (self.sheet.ws.title, self.row, self.column, *self.shape))
    has_array = property(lambda self: False)
    max_cells_per_read = base_classes.Range.max_cells_per_read  # Excel's budgets
    max_cells_per_write = base_classes.Range.max_cells_per_write

    def corners(self) -> tuple[tuple[int, int], tuple[int, int]]:
        rows, columns = self.shape
        return (self.row, self.column), (self.row + rows - 1, self.column + columns - 1)

    def _call(self, name: str) -> None:
        self.sheet.book.app.engine.call(name)

    def __len__(self) -> int:
        return self.shape[0] * self.shape[1]

    def _cells(self) -> Any:
        (row, column), (rows, columns) = (self.row, self.column), self.shape
        return self.sheet.ws.iter_rows(
            min_row=row, max_row=row + rows - 1, min_col=column, max_col=column + columns - 1
        )

    def _com(self, cells: Any, convert: Any) -> Any:
        """COM's shape: a scalar for one cell, a tuple of tuples otherwise."""
        grid = tuple(tuple(convert(cell) for cell in row) for row in cells)
        return grid[0][0] if len(self) == 1 else grid

    @property
    def address(self) -> str:
        first = f"${get_column_letter(self.column)}${self.row}"
        if len(self) == 1:
            return first
        (_, _), (last_row, last_column) = self.corners()
        return f"{first}:${get_column_letter(last_column)}${last_row}"

    @property
    def raw_value(self) -> Any:
        self._call("Range.Value.get")
        twins = self.sheet.book.cached
        title = self.sheet.ws.title
        twin = twins[title] if twins is not None and title in twins.sheetnames else None
        return self._com(self._cells(), lambda cell: com_value(cell, twin))

    @raw_value.setter
    def raw_value(self, data: Any) -> None:
        self._call("Range.Value.set")
        if not isinstance(data, (list, tuple)):
            data = [[data] * self.shape[1]] * self.shape[0]
        if data and not isinstance(data[0], (list, tuple)):  # one row, as COM takes it
            data = [data]
        for row, values in zip(self._cells(), data, strict=False):
            for cell, value in zip(row, values, strict=False):
                com_write(cell, value)

    @property
    def formula(self) -> Any:
        self._call("Range.Formula.get")
        return self._com(self._cells(), com_formula)

    @property
    def number_format(self) -> str | None:
        self._call("Range.NumberFormat.get")
        formats = {cell.number_format for row in self._cells() for cell in row}
        return formats.pop() if len(formats) == 1 else None  # Excel: Null when mixed

    @number_format.setter
    def number_format(self, value: str) -> None:
        self._call("Range.NumberFormat.set")
        for row in self._cells():
            for cell in row:
                cell.number_format = value

    @property
    def color(self) -> tuple[int, int, int] | None:
        self._call("Range.Interior.Color.get")
        fill = self.sheet.ws.cell(self.row, self.column).fill
        if fill.fill_type != "solid":
            return None
        return utils.hex_to_rgb("#" + fill.fgColor.rgb[-6:])  # type: ignore[no-any-return]

    @color.setter
    def color(self, color_or_rgb: Any) -> None:
        self._call("Range.Interior.Color.set")
        if color_or_rgb is None:
            fill = PatternFill(fill_type=None)
        else:
            if isinstance(color_or_rgb, int):
                color_or_rgb = utils.int_to_rgb(color_or_rgb)
            if isinstance(color_or_rgb, tuple):
                color_or_rgb = utils.rgb_to_hex(*color_or_rgb)
            fill = PatternFill("solid", fgColor=color_or_rgb.lstrip("#").upper())
        for row in self._cells():
            for cell in row:
                cell.fill = fill

    @property
    def note(self) -> Note | None:
        self._call("Range.Comment.get")
        cell = self.sheet.ws.cell(self.row, self.column)
        return Note(cell, self.sheet) if cell.comment else None

    def add_note(self, text: str) -> Note:
        """COM's ``Range.AddComment(Text)``: the note's author is the name Excel's user gave
        in its options (``Application.UserName``), never one the caller chooses."""
        self._call("Range.AddComment")
        cell = self.sheet.ws.cell(self.row, self.column)
        cell.comment = Comment(text, EXCEL_USER)
        return Note(cell, self.sheet)

    def end(self, direction: str) -> Range:
        self._call("Range.End")
        ws, row, column = self.sheet.ws, self.row, self.column
        step_row, step_column = {"down": (1, 0), "up": (-1, 0), "right": (0, 1), "left": (0, -1)}[
            direction
        ]
        while 1 <= row + step_row <= max(ws.max_row, 1) and 1 <= column + step_column <= max(
            ws.max_column, 1
        ):
            if ws.cell(row + step_row, column + step_column).value in (None, ""):
                break
            row, column = row + step_row, column + step_column
        return Range(self.sheet, (row, column), (row, column))

    def __call__(self, arg1: int, arg2: int | None = None) -> Range:
        if arg2 is None:
            arg1, arg2 = (arg1 - 1) // self.shape[1] + 1, (arg1 - 1) % self.shape[1] + 1
        cell = (self.row + arg1 - 1, self.column + arg2 - 1)
        return Range(self.sheet, cell, cell)

    @property
    def EntireColumn(self) -> Columns:  # COM's name: Range.EntireColumn
        """COM's ``Range.EntireColumn``, for ``.Hidden`` (xlwings has no API for it)."""
        return Columns(self)

    def clear_contents(self) -> None:
        self._call("Range.ClearContents")
        for row in self._cells():
            for cell in row:
                cell.value = None

    def select(self) -> None:
        """COM's ``Range.Select``: only on the active sheet (else Excel raises); the range
        becomes the selection and its first cell the active cell."""
        self._call("Range.Select")
        ws = self.sheet.ws
        if self.sheet.book.wb.active is not ws:
            raise RuntimeError("Select method of Range class failed (the sheet is not active)")
        selection = ws.sheet_view.selection[0]
        selection.activeCell = f"{get_column_letter(self.column)}{self.row}"
        selection.sqref = self.address.replace("$", "")

    @property
    def column_width(self) -> float | None:
        self._call("Range.ColumnWidth.get")
        widths = {
            self.sheet.ws.column_dimensions[get_column_letter(c)].width
            for c in range(self.column, self.column + self.shape[1])
        }
        return widths.pop() if len(widths) == 1 else None

    @column_width.setter
    def column_width(self, value: float) -> None:
        self._call("Range.ColumnWidth.set")
        for column in range(self.column, self.column + self.shape[1]):
            self.sheet.ws.column_dimensions[get_column_letter(column)].width = value

    @property
    def left(self) -> float:
        """COM's ``Range.Left``: points from the sheet's left edge (the widths before it)."""
        self._call("Range.Left")
        return sum(_column_points(self.sheet.ws, c) for c in range(1, self.column))

    @property
    def top(self) -> float:
        self._call("Range.Top")
        return sum(_row_points(self.sheet.ws, r) for r in range(1, self.row))

    # --- what only COM offers (``range.api.X``: ``api`` is the range itself here) -------------

    @property
    def FormatConditions(self) -> FormatConditions:  # COM's name: Range.FormatConditions
        return FormatConditions(self)

    @property
    def Validation(self) -> Validation:  # COM's name: Range.Validation
        return Validation(self)

    @property
    def WrapText(self) -> bool:  # COM's name: Range.WrapText
        return _CellLook(self).WrapText

    @WrapText.setter
    def WrapText(self, value: bool) -> None:
        _CellLook(self).WrapText = value

    @property
    def Font(self) -> _CellLook:  # COM's name: Range.Font (for .Bold)
        return _CellLook(self)

    def AutoFilter(self) -> None:  # COM's Range.AutoFilter(): filter buttons on the headers
        self._call("Range.AutoFilter")
        self.sheet.ws.auto_filter.ref = self.address.replace("$", "")

    def _contains(self, sqref: str) -> bool:
        """Whether a block of ``sqref`` (``"A2:J9 L2"``) meets this range."""
        (top, left), (bottom, right) = self.corners()
        for block in str(sqref).split():
            first_col, first_row, last_col, last_row = range_boundaries(block)
            if first_row <= bottom and last_row >= top and first_col <= right and last_col >= left:
                return True
        return False


class Tables(base_classes.Tables):
    """COM's ``Worksheet.ListObjects``: the sheet's tables, each a real openpyxl ``Table`` so
    that a saved book can be checked. ``add`` (xlwings' ``sheet.tables.add``) makes one over a
    range whose first row holds its headers, as Excel does: the column names are the header
    cells' texts, the name must be new in the workbook (Excel raises otherwise), and a filter
    of the sheet's own on those cells goes (a table brings its own)."""

    def __init__(self, sheet: Sheet) -> None:
        self.sheet = sheet

    def _call(self, name: str) -> None:
        self.sheet._call(name)

    def __iter__(self) -> Iterator[Table]:
        self._call("Sheet.ListObjects")
        return iter([Table(self.sheet, table) for table in self.sheet.ws.tables.values()])

    def __len__(self) -> int:
        self._call("ListObjects.Count")
        return len(self.sheet.ws.tables)

    def __call__(self, name_or_index: int | str) -> Table:
        self._call("ListObjects.Item")
        tables = list(self.sheet.ws.tables.values())
        if isinstance(name_or_index, int):
            return Table(self.sheet, tables[name_or_index - 1])
        return Table(self.sheet, next(t for t in tables if t.name == name_or_index))

    def __contains__(self, name: str) -> bool:
        return name in self.sheet.ws.tables

    def add(  # noqa: PLR0917 (xlwings' signature)
        self,
        source_type: Any = None,
        source: Any = None,
        link_source: Any = None,
        has_headers: Any = None,
        destination: Any = None,
        table_style_name: str | None = None,
        name: str | None = None,
    ) -> Table:
        self._call("ListObjects.Add")
        rng = source.impl
        ws = self.sheet.ws
        taken = {
            t.name.casefold() for each in ws.parent.worksheets for t in each.tables.values()
        } | {n.casefold() for n in ws.parent.defined_names}
        name = name or f"Tableau{len(taken) + 1}"
        if name.casefold() in taken:
            raise RuntimeError(f"A table cannot overlap or be named like another: {name}")
        ref = rng.address.replace("$", "")
        table = SheetTable(displayName=name, ref=ref)
        table.tableStyleInfo = TableStyleInfo(
            name=table_style_name or "TableStyleMedium2", showRowStripes=True
        )
        table._initialise_columns()
        for column, cell in zip(table.tableColumns, next(iter(rng._cells())), strict=True):
            column.name = "" if cell.value is None else str(cell.value)
        if ws.auto_filter.ref and rng._contains(ws.auto_filter.ref):
            ws.auto_filter.ref = None
        ws.add_table(table)
        return Table(self.sheet, table)


class Table(base_classes.Table):
    """COM's ``ListObject``: its name, its range, ``Resize`` (a table that grows)."""

    def __init__(self, sheet: Sheet, table: Any) -> None:
        self.sheet = sheet
        self.table = table

    api = property(lambda self: self)

    @property
    def name(self) -> str:
        self.sheet._call("ListObject.Name.get")
        return str(self.table.displayName)

    @property
    def range(self) -> Range:
        self.sheet._call("ListObject.Range")
        first_col, first_row, last_col, last_row = range_boundaries(self.table.ref)
        return Range(self.sheet, (first_row, first_col), (last_row, last_col))

    def resize(self, range: Any) -> None:
        """COM's ``ListObject.Resize``: the same headers' row, the range given; the column
        names follow the header cells."""
        self.sheet._call("ListObject.Resize")
        rng = range.impl
        self.table.ref = rng.address.replace("$", "")
        self.table.autoFilter.ref = self.table.ref
        for column, cell in zip(self.table.tableColumns, next(iter(rng._cells())), strict=False):
            column.name = "" if cell.value is None else str(cell.value)


class _CellLook:
    """COM's ``Range.WrapText`` and ``Range.Font.Bold``, set on every cell of the range in
    one call."""

    def __init__(self, rng: Range) -> None:
        self.__dict__["rng"] = rng

    @property
    def WrapText(self) -> bool:
        self.rng._call("Range.WrapText.get")
        return all(cell.alignment.wrap_text for row in self.rng._cells() for cell in row)

    @property
    def Bold(self) -> bool:
        self.rng._call("Range.Font.Bold.get")
        return all(cell.font.b for row in self.rng._cells() for cell in row)

    def __setattr__(self, name: str, value: bool) -> None:
        self.rng._call(f"Range.{'Font.' if name == 'Bold' else ''}{name}.set")
        for row in self.rng._cells():
            for cell in row:
                if name == "WrapText":
                    alignment = copy.copy(cell.alignment)
                    alignment.wrap_text = bool(value)
                    cell.alignment = alignment
                elif name == "Bold":
                    font = copy.copy(cell.font)
                    font.b = bool(value)
                    cell.font = font
                else:
                    raise AttributeError(name)


class Columns:
    """COM's ``Range.EntireColumn``: the columns of a range, hidden or not."""

    def __init__(self, rng: Range) -> None:
        self.rng = rng

    @property
    def Hidden(self) -> bool:
        self.rng._call("Range.EntireColumn.Hidden.get")
        return bool(self.rng.sheet.ws.column_dimensions[get_column_letter(self.rng.column)].hidden)

    @Hidden.setter
    def Hidden(self, value: bool) -> None:
        self.rng._call("Range.EntireColumn.Hidden.set")
        for column in range(self.rng.column, self.rng.column + self.rng.shape[1]):
            self.rng.sheet.ws.column_dimensions[get_column_letter(column)].hidden = bool(value)


#: Excel's last row and column, where relative references wrap around.
_LAST_ROW, _LAST_COLUMN = 1_048_576, 16_384


class _Wrapping(Translator):
    """openpyxl's formula translation, with Excel's wrap-around past the sheet's edges."""

    @staticmethod
    def translate_row(row_str: str, rdelta: int) -> str:
        if row_str.startswith("$"):
            return row_str
        return str((int(row_str) - 1 + rdelta) % _LAST_ROW + 1)

    @staticmethod
    def translate_col(col_str: str, cdelta: int) -> str:
        if col_str.startswith("$"):
            return col_str
        return get_column_letter(
            (column_index_from_string(col_str) - 1 + cdelta) % _LAST_COLUMN + 1
        )


def _renumber(ws: Any) -> None:
    """Priorities 1, 2, 3… in the rules' order, as Excel keeps them."""
    rules = sorted(
        (rule for cf in ws.conditional_formatting for rule in cf.rules),
        key=lambda rule: rule.priority or 0,
    )
    for number, rule in enumerate(rules, start=1):
        rule.priority = number


def bgr_to_argb(color: int) -> str:
    """COM's colour (``R + G*256 + B*65536``) as openpyxl's ``FFRRGGBB``."""
    red, green, blue = color & 0xFF, (color >> 8) & 0xFF, (color >> 16) & 0xFF
    return f"FF{red:02X}{green:02X}{blue:02X}"


class FormatConditions:
    """COM's ``Range.FormatConditions``: the sheet's conditional formats that meet the range.

    A rule added comes first (before the others, as a new rule does in Excel), and
    ``SetLastPriority`` sends it after them; priorities are counted 1, 2, 3… again after each
    change, as Excel keeps them.

    ``Add(Type=2, Formula1=...)`` (``xlExpression``) adds a rule for the whole range. As in
    Excel, relative references in ``Formula1`` are read *from the active cell* of the sheet,
    not from the range's first cell: ``A2`` given while the active cell is A1 means the cell
    below, and the rule stored for A2:J9 reads ``A3``. ``Add(Type=1, Operator=3,
    Formula1='="text"')`` (``xlCellValue``, ``xlEqual``) adds a rule for cells equal to a
    value; no other kind of rule is made.
    """

    def __init__(self, rng: Range) -> None:
        self.rng = rng

    def _call(self, name: str) -> None:
        self.rng._call(name)

    def _rules(self) -> list[tuple[Any, Any]]:
        found = []
        for cf in self.rng.sheet.ws.conditional_formatting:
            if self.rng._contains(str(cf.sqref)):
                found += [(cf, rule) for rule in cf.rules]
        return sorted(found, key=lambda pair: pair[1].priority or 0)

    @property
    def Count(self) -> int:
        self._call("FormatConditions.Count")
        return len(self._rules())

    def Item(self, index: int) -> FormatCondition:
        self._call("FormatConditions.Item")
        cf, rule = self._rules()[index - 1]
        return FormatCondition(self.rng, cf, rule)

    def Add(
        self, Type: int, Operator: Any = None, Formula1: str = "", Formula2: Any = None
    ) -> FormatCondition:
        self._call("FormatConditions.Add")
        ws = self.rng.sheet.ws
        active = ws.active_cell or "A1"
        first = f"{get_column_letter(self.rng.column)}{self.rng.row}"
        stored = _Wrapping(Formula1, origin=active).translate_formula(first)
        if Type == 2:
            rule = Rule(type="expression", formula=[stored.lstrip("=")], dxf=DifferentialStyle())
        elif Type == 1 and Operator == 3:
            rule = Rule(
                type="cellIs", operator="equal", formula=[stored[1:]], dxf=DifferentialStyle()
            )
        else:
            raise NotImplementedError("the test engine makes xlExpression and xlEqual rules only")
        sqref = self.rng.address.replace("$", "")
        ws.conditional_formatting.add(sqref, rule)
        rule.priority = 0  # before every other rule, then all counted from 1 again
        _renumber(ws)
        cf = next(cf for cf in ws.conditional_formatting if rule in cf.rules)
        return FormatCondition(self.rng, cf, rule)


class FormatCondition:
    """One rule: ``Formula1`` (read from the rule's first cell, as Excel does when the active
    cell is that cell), ``Interior.Color``, ``Font.Color``, ``Font.Bold``, ``Borders``
    (``LineStyle``, ``Color``, ``Weight`` of the four sides at once), ``StopIfTrue``,
    ``Delete()``."""

    def __init__(self, rng: Range, cf: Any, rule: Any) -> None:
        self.rng, self.cf, self.rule = rng, cf, rule

    def _call(self, name: str) -> None:
        self.rng._call(name)

    @property
    def Formula1(self) -> str:
        self._call("FormatCondition.Formula1")
        return "=" + str(self.rule.formula[0]) if self.rule.formula else ""

    @property
    def AppliesTo(self) -> str:
        self._call("FormatCondition.AppliesTo")
        return str(self.cf.sqref)

    @property
    def StopIfTrue(self) -> bool:
        self._call("FormatCondition.StopIfTrue.get")
        return bool(self.rule.stopIfTrue)

    @StopIfTrue.setter
    def StopIfTrue(self, value: bool) -> None:
        self._call("FormatCondition.StopIfTrue.set")
        self.rule.stopIfTrue = bool(value)

    @property
    def Interior(self) -> _Colour:
        return _Colour(self, "fill")

    @property
    def Font(self) -> _Colour:
        return _Colour(self, "font")

    @property
    def Borders(self) -> _Borders:
        return _Borders(self)

    def SetLastPriority(self) -> None:
        """Evaluated after every other rule of the sheet."""
        self._call("FormatCondition.SetLastPriority")
        ws = self.rng.sheet.ws
        self.rule.priority = (
            max(r.priority or 0 for cf in ws.conditional_formatting for r in cf.rules) + 1
        )
        _renumber(ws)

    def Delete(self) -> None:
        self._call("FormatCondition.Delete")
        rules = self.rng.sheet.ws.conditional_formatting._cf_rules
        for cf, kept in list(rules.items()):
            if self.rule in kept:
                kept.remove(self.rule)
                if not kept:
                    del rules[cf]
        _renumber(self.rng.sheet.ws)


class _Colour:
    """``FormatCondition.Interior`` or ``.Font``: ``Color`` as COM's BGR integer."""

    def __init__(self, condition: FormatCondition, part: str) -> None:
        self.condition, self.part = condition, part

    @property
    def Color(self) -> int:
        self.condition._call(f"FormatCondition.{self.part}.Color.get")
        dxf = self.condition.rule.dxf
        rgb = (dxf.fill.bgColor.rgb if self.part == "fill" else dxf.font.color.rgb)[-6:]
        return int(rgb[4:6], 16) << 16 | int(rgb[2:4], 16) << 8 | int(rgb[0:2], 16)

    @Color.setter
    def Color(self, value: int) -> None:
        self.condition._call(f"FormatCondition.{self.part}.Color.set")
        dxf = self.condition.rule.dxf
        if self.part == "fill":
            dxf.fill = PatternFill(patternType="solid", bgColor=bgr_to_argb(value))
        else:
            dxf.font = Font(b=dxf.font.b if dxf.font else None, color=bgr_to_argb(value))

    @property
    def Bold(self) -> bool:
        self.condition._call(f"FormatCondition.{self.part}.Bold.get")
        font = self.condition.rule.dxf.font
        return bool(font is not None and font.b)

    @Bold.setter
    def Bold(self, value: bool) -> None:
        self.condition._call(f"FormatCondition.{self.part}.Bold.set")
        dxf = self.condition.rule.dxf
        colour = dxf.font.color if dxf.font is not None else None
        dxf.font = Font(b=bool(value), color=colour)


#: COM's ``XlLineStyle`` (xlContinuous, xlDash) and ``XlBorderWeight.xlThin``, with the border
#: style a conditional format's ``dxf`` stores for each (thin lines only, as in Excel).
_LINE_STYLES = {1: "thin", -4115: "dashed"}
_THIN = 2


class _Borders:
    """``FormatCondition.Borders``: the four sides set at once, as COM's collection does."""

    def __init__(self, condition: FormatCondition) -> None:
        self.condition = condition

    def _sides(self, style: str | None, color: str | None) -> None:
        side = Side(style=style, color=color)
        self.condition.rule.dxf.border = Border(left=side, right=side, top=side, bottom=side)

    def _current(self) -> Side:
        border = self.condition.rule.dxf.border
        return border.left if border is not None else Side()

    @property
    def LineStyle(self) -> int:
        self.condition._call("FormatCondition.Borders.LineStyle.get")
        style = self._current().style
        return next((number for number, name in _LINE_STYLES.items() if name == style), -4142)

    @LineStyle.setter
    def LineStyle(self, value: int) -> None:
        self.condition._call("FormatCondition.Borders.LineStyle.set")
        if value not in _LINE_STYLES:
            raise NotImplementedError("the test engine draws xlContinuous and xlDash borders")
        self._sides(_LINE_STYLES[value], self._current().color)

    @property
    def Color(self) -> int:
        self.condition._call("FormatCondition.Borders.Color.get")
        rgb = self._current().color.rgb[-6:]
        return int(rgb[4:6], 16) << 16 | int(rgb[2:4], 16) << 8 | int(rgb[0:2], 16)

    @Color.setter
    def Color(self, value: int) -> None:
        self.condition._call("FormatCondition.Borders.Color.set")
        self._sides(self._current().style, bgr_to_argb(value))

    @property
    def Weight(self) -> int:
        self.condition._call("FormatCondition.Borders.Weight.get")
        return _THIN

    @Weight.setter
    def Weight(self, value: int) -> None:
        self.condition._call("FormatCondition.Borders.Weight.set")
        if value != _THIN:
            raise RuntimeError("Unable to set the Weight property of the Borders class")


class Validation:
    """COM's ``Range.Validation``: ``Add`` a list validation, its messages, ``Delete``.

    ``InCellDropdown`` is the opposite of the file's ``showDropDown`` (which *hides* it)."""

    def __init__(self, rng: Range) -> None:
        self.__dict__["rng"] = rng

    def _call(self, name: str) -> None:
        self.rng._call(name)

    def _mine(self) -> list[Any]:
        return [
            dv
            for dv in self.rng.sheet.ws.data_validations.dataValidation
            if self.rng._contains(str(dv.sqref))
        ]

    def Add(
        self,
        Type: int,
        AlertStyle: int = 1,
        Operator: int = 1,
        Formula1: str = "",
        Formula2: Any = None,
    ) -> None:
        self._call("Validation.Add")
        if Type != 3:
            raise NotImplementedError("the test engine makes list validations (3) only")
        if self._mine():
            raise RuntimeError("Add method of Validation class failed (the range has one)")
        styles = {1: "stop", 2: "warning", 3: "information"}
        dv = DataValidation(
            type="list", formula1=Formula1.lstrip("="), errorStyle=styles[AlertStyle]
        )
        dv.sqref = self.rng.address.replace("$", "")
        self.rng.sheet.ws.add_data_validation(dv)

    def Delete(self) -> None:
        self._call("Validation.Delete")
        for dv in self._mine():
            self.rng.sheet.ws.data_validations.dataValidation.remove(dv)

    _PROPERTIES: ClassVar[dict[str, str]] = {
        "IgnoreBlank": "allow_blank",
        "ShowInput": "showInputMessage",
        "ShowError": "showErrorMessage",
        "InputTitle": "promptTitle",
        "InputMessage": "prompt",
        "ErrorTitle": "errorTitle",
        "ErrorMessage": "error",
    }

    def __setattr__(self, name: str, value: Any) -> None:
        self._call(f"Validation.{name}.set")
        for dv in self._mine():
            if name == "InCellDropdown":
                dv.showDropDown = not value
            elif name in self._PROPERTIES:
                setattr(dv, self._PROPERTIES[name], value)
            else:
                raise AttributeError(name)


class BookApi:
    """COM's ``Workbook`` for what xlwings does not offer: ``Windows(1)``, the book's window."""

    def __init__(self, book: Book) -> None:
        self.book = book

    def Windows(self, index: int) -> Window:
        self.book.app.engine.call("Workbook.Windows")
        return Window(self.book)


class Window:
    """COM's ``Window``: ``SplitRow``, ``SplitColumn`` and ``FreezePanes`` act on the sheet the
    window shows, the active one (so a sheet is activated before its panes are frozen)."""

    def __init__(self, book: Book) -> None:
        self.__dict__["book"] = book

    def __setattr__(self, name: str, value: Any) -> None:
        self.book.app.engine.call(f"Window.{name}.set")
        ws = self.book.wb.active
        split = self.__dict__.setdefault("split", [0, 0])
        if name == "SplitRow":
            split[0] = int(value)
        elif name == "SplitColumn":
            split[1] = int(value)
        elif name == "FreezePanes":
            frozen = bool(value) and split != [0, 0]
            ws.freeze_panes = f"{get_column_letter(split[1] + 1)}{split[0] + 1}" if frozen else None
        else:
            raise AttributeError(name)


class SheetApi:
    """COM's ``Worksheet`` for what xlwings does not offer: ``Protect``, ``Tab.Color``."""

    def __init__(self, sheet: Sheet) -> None:
        self.sheet = sheet

    def Protect(self) -> None:
        self.sheet._call("Sheet.Protect")
        self.sheet.ws.protection.sheet = True

    @property
    def Tab(self) -> _Tab:
        return _Tab(self.sheet)


class _Tab:
    def __init__(self, sheet: Sheet) -> None:
        self.sheet = sheet

    @property
    def Color(self) -> int | bool:
        self.sheet._call("Sheet.Tab.Color.get")
        colour = self.sheet.ws.sheet_properties.tabColor
        if colour is None:
            return False  # COM: xlNone... as False here
        rgb = colour.rgb[-6:]
        return int(rgb[4:6], 16) << 16 | int(rgb[2:4], 16) << 8 | int(rgb[0:2], 16)

    @Color.setter
    def Color(self, value: int) -> None:
        self.sheet._call("Sheet.Tab.Color.set")
        self.sheet.ws.sheet_properties.tabColor = bgr_to_argb(value)


class Names(base_classes.Names):
    """A workbook's defined names, as COM's ``Workbook.Names``."""

    def __init__(self, book: Book) -> None:
        self.book = book

    api = property(lambda self: self)

    def _call(self, name: str) -> None:
        self.book.app.engine.call(name)

    def _all(self) -> list[str]:
        return list(self.book.wb.defined_names)

    def __call__(self, name_or_index: int | str) -> Name:
        self._call("Names.Item")
        names = self._all()
        if isinstance(name_or_index, int):
            return Name(self.book, names[name_or_index - 1])
        for name in names:
            if name.lower() == name_or_index.lower():
                return Name(self.book, name)
        raise KeyError(name_or_index)

    def snapshot(self) -> list[tuple[str, Name]]:
        self._call("Names.Snapshot")
        return [(name, Name(self.book, name)) for name in self._all()]

    def contains(self, name_or_index: int | str) -> bool:
        if isinstance(name_or_index, int):
            return 1 <= name_or_index <= len(self)
        return name_or_index.lower() in {name.lower() for name in self._all()}

    def __len__(self) -> int:
        self._call("Names.Count")
        return len(self._all())

    def add(self, name: str, refers_to: str) -> Name:
        """COM's ``Names.Add(Name, RefersTo)``: a visible, workbook-wide name."""
        self._call("Names.Add")
        self.book.wb.defined_names[name] = DefinedName(name, attr_text=refers_to.lstrip("="))
        return Name(self.book, name)


class Name(base_classes.Name):
    def __init__(self, book: Book, name: str) -> None:
        self.book = book
        self._name = name

    api = property(lambda self: self)

    def _call(self, name: str) -> None:
        self.book.app.engine.call(name)

    @property
    def _defined(self) -> Any:
        return self.book.wb.defined_names[self._name]

    def delete(self) -> None:
        self._call("Name.Delete")
        del self.book.wb.defined_names[self._name]

    @property
    def name(self) -> str:
        self._call("Name.Name.get")
        return self._name

    @property
    def refers_to(self) -> str:
        """COM's ``RefersTo``: the reference as a formula, ``='CI_Corrections'!$A$1``."""
        self._call("Name.RefersTo.get")
        return "=" + str(self._defined.attr_text)

    @property
    def Visible(self) -> bool:  # COM's name: Name.Visible
        self._call("Name.Visible.get")
        return not self._defined.hidden

    @Visible.setter
    def Visible(self, value: bool) -> None:
        self._call("Name.Visible.set")
        self._defined.hidden = not value


class Note(base_classes.Note):
    def __init__(self, cell: Any, sheet: Sheet) -> None:
        self.cell = cell
        self.sheet = sheet

    api = property(lambda self: self)

    def _call(self, name: str) -> None:
        self.sheet.book.app.engine.call(name)

    @property
    def text(self) -> str:
        self._call("Comment.Text.get")
        return str(self.cell.comment.text)

    @text.setter
    def text(self, value: str) -> None:
        self._call("Comment.Text.set")
        self.cell.comment = Comment(value, self.cell.comment.author)

    @property
    def author(self) -> str:
        self._call("Comment.Author")
        return str(self.cell.comment.author)

    @property
    def location(self) -> Range:
        self._call("Comment.Parent")
        return Range(
            self.sheet, (self.cell.row, self.cell.column), (self.cell.row, self.cell.column)
        )

    def delete(self) -> None:
        self._call("Comment.Delete")
        self.cell.comment = None


# --- charts (xlwings' ``sheet.charts``), drawn as openpyxl charts so a saved book holds them ---

#: COM's ``XlPlacement``, as Excel writes it in the file: the ``editAs`` of the chart's anchor.
_PLACEMENTS = {1: "twoCell", 2: "oneCell", 3: "absolute"}
#: xlwings' chart types the engine draws, as openpyxl's bar chart (direction, grouping).
_BAR_TYPES = {
    "bar_clustered": ("bar", "clustered"),
    "bar_stacked": ("bar", "stacked"),
    "column_clustered": ("col", "clustered"),
    "column_stacked": ("col", "stacked"),
}
#: xlwings' legend positions as openpyxl's.
_LEGEND_POSITIONS = {"bottom": "b", "top": "t", "left": "l", "right": "r", "corner": "tr"}
#: Excel's default column width (characters) and row height (points).
_DEFAULT_WIDTH, _DEFAULT_HEIGHT = 8.43, 15.0
_EMU_PER_POINT = 12_700


def _column_points(ws: Any, column: int) -> float:
    """A column's width in points, as Excel turns characters into pixels (Calibri 11)."""
    dimension = ws.column_dimensions.get(get_column_letter(column))
    width = dimension.width if dimension is not None and dimension.customWidth else None
    return ((width or _DEFAULT_WIDTH) * 7 + 5) * 0.75


def _row_points(ws: Any, row: int) -> float:
    dimension = ws.row_dimensions.get(row)
    height = dimension.ht if dimension is not None else None
    return float(height or _DEFAULT_HEIGHT)


def _marker(ws: Any, x: float, y: float) -> Any:
    """The cell and the offsets (EMU) at ``x``, ``y`` points from the sheet's top left."""
    from openpyxl.drawing.spreadsheet_drawing import AnchorMarker

    column, row = 1, 1
    # in whole EMUs: a point on a cell's edge belongs to the next cell, whatever the rounding
    x_emu, y_emu = round(x * _EMU_PER_POINT), round(y * _EMU_PER_POINT)
    while x_emu >= round(_column_points(ws, column) * _EMU_PER_POINT):
        x_emu -= round(_column_points(ws, column) * _EMU_PER_POINT)
        column += 1
    while y_emu >= round(_row_points(ws, row) * _EMU_PER_POINT):
        y_emu -= round(_row_points(ws, row) * _EMU_PER_POINT)
        row += 1
    return AnchorMarker(col=column - 1, colOff=x_emu, row=row - 1, rowOff=y_emu)


class Charts(base_classes.Charts):
    """COM's ``Worksheet.ChartObjects()``: the sheet's charts, in the order they were added."""

    def __init__(self, sheet: Sheet) -> None:
        self.sheet = sheet

    api = property(lambda self: self)

    def _all(self) -> list[Any]:
        self.sheet._call("Sheet.ChartObjects")
        return list(self.sheet.ws._charts)

    def __len__(self) -> int:
        return len(self._all())

    def __iter__(self) -> Iterator[Chart]:
        return (Chart(self.sheet, chart) for chart in self._all())

    def __call__(self, name_or_index: int | str) -> Chart:
        charts = self._all()
        if isinstance(name_or_index, int):
            return Chart(self.sheet, charts[name_or_index - 1])
        for chart in charts:
            if getattr(chart, "xl_name", None) == name_or_index:
                return Chart(self.sheet, chart)
        raise KeyError(name_or_index)

    def __contains__(self, name: str) -> bool:
        return any(getattr(chart, "xl_name", None) == name for chart in self._all())

    def add(  # noqa: PLR0917 (xlwings' signature)
        self,
        left: float,
        top: float,
        width: float,
        height: float,
        chart_type: str | None = None,
        source: Range | None = None,
        plot_by: str | None = None,
        name: str | None = None,
        anchor: Any = None,
        style: int | None = 227,
    ) -> Chart:
        """``ChartObjects().Add`` then what xlwings' Windows engine does after it: the data, the
        type, the style, the name (one call each)."""
        from openpyxl.chart import BarChart

        self.sheet._call("ChartObjects.Add")
        if anchor is not None:
            top, left = anchor.top, anchor.left
        chart = BarChart()
        chart.type, chart.grouping = "col", "clustered"
        chart.width, chart.height = width / 72 * 2.54, height / 72 * 2.54  # points → cm
        self.sheet.ws.add_chart(chart)
        made = Chart(self.sheet, chart)
        chart.xl_place = (left, top, width, height, 1)  # Excel's default placement
        chart.xl_name = f"Chart {len(self.sheet.ws._charts)}"
        made._place()
        if source is not None:
            made.set_source_data(source, plot_by)
        if chart_type is not None:
            made.chart_type = chart_type
        if style is not None:
            made.style = style
        if name is not None:
            made.name = name
        return made


class Chart(base_classes.Chart):
    """COM's ``ChartObject`` and its ``Chart``, over one openpyxl bar chart. What openpyxl's
    chart does not hold is kept on it: ``xl_name``, and ``xl_place`` (left, top, width and
    height in points, COM's placement)."""

    def __init__(self, sheet: Sheet, chart: Any) -> None:
        self.sheet = sheet
        self.chart = chart

    def _call(self, name: str) -> None:
        self.sheet._call(name)

    @property
    def api(self) -> tuple[ChartObjectApi, Chart]:
        """As on Windows: the ``ChartObject`` and the ``Chart``."""
        return ChartObjectApi(self), self

    def _place(self) -> None:
        """The chart's anchor as Excel writes it: from and to cells, ``editAs`` the placement."""
        from openpyxl.drawing.spreadsheet_drawing import TwoCellAnchor

        left, top, width, height, placement = self.chart.xl_place
        ws = self.sheet.ws
        self.chart.anchor = TwoCellAnchor(
            editAs=_PLACEMENTS[placement],
            _from=_marker(ws, left, top),
            to=_marker(ws, left + width, top + height),
        )

    @property
    def name(self) -> str:
        self._call("ChartObject.Name.get")
        return self.chart.xl_name

    @name.setter
    def name(self, value: str) -> None:
        self._call("ChartObject.Name.set")
        self.chart.xl_name = value

    @property
    def parent(self) -> Sheet:
        return self.sheet

    def set_source_data(self, rng: Range, plot_by: str | None = None) -> None:
        """``Chart.SetSourceData``: the first row names the series and the first column gives
        the categories, when they hold text (as Excel guesses them); by columns when the
        range is at least as tall as it is wide, unless ``plot_by`` says."""
        from openpyxl.chart import Reference
        from openpyxl.chart.data_source import AxDataSource, StrRef

        self._call("Chart.SetSourceData")
        (top, left), (bottom, right) = rng.corners()
        ws = self.sheet.ws
        by_rows = plot_by == "rows" or (plot_by is None and bottom - top < right - left)
        self.chart.series = []
        data = Reference(ws, min_col=left + 1, min_row=top, max_col=right, max_row=bottom)
        if by_rows:
            data = Reference(ws, min_col=left, min_row=top + 1, max_col=right, max_row=bottom)
            categories = Reference(ws, min_col=left + 1, max_col=right, min_row=top)
        else:
            categories = Reference(ws, min_col=left, min_row=top + 1, max_row=bottom)
        self.chart.add_data(data, titles_from_data=True, from_rows=by_rows)
        # text categories, as Excel refers to them (openpyxl would take them for numbers)
        for series in self.chart.series:
            series.cat = AxDataSource(strRef=StrRef(f=str(categories)))
            # the name's cell as an absolute reference, as Excel writes it
            label = series.tx.strRef
            label.f = re.sub(r"!\$?([A-Z]+)\$?(\d+)$", r"!$\1$\2", label.f)

    @property
    def chart_type(self) -> str:
        self._call("Chart.ChartType.get")
        direction = {"bar": "bar", "col": "column"}[self.chart.type]
        return f"{direction}_{self.chart.grouping}"

    @chart_type.setter
    def chart_type(self, value: str) -> None:
        self._call("Chart.ChartType.set")
        if value not in _BAR_TYPES:
            raise ValueError(f"the test engine draws bar and column charts only, not {value}")
        self.chart.type, self.chart.grouping = _BAR_TYPES[value]
        self.chart.overlap = 100 if self.chart.grouping == "stacked" else None

    @property
    def style(self) -> int:
        self._call("Chart.ChartStyle.get")
        return int(self.chart.style or 2)

    @style.setter
    def style(self, value: int) -> None:
        self._call("Chart.ChartStyle.set")
        self.chart.style = value if value <= 48 else None  # openpyxl keeps Excel 2007's 1-48

    @property
    def title(self) -> str | None:
        self._call("Chart.ChartTitle.get")
        title = self.chart.title
        if title is None:
            return None
        return "".join(run.t for p in title.tx.rich.p for run in (p.r or []))

    @title.setter
    def title(self, value: str | None) -> None:
        self._call("Chart.ChartTitle.set")
        self.chart.title = value

    @property
    def legend(self) -> ChartLegend:
        return ChartLegend(self)

    @property
    def category_axis(self) -> ChartAxis:
        return ChartAxis(self, self.chart.x_axis)

    @property
    def value_axis(self) -> ChartAxis:
        return ChartAxis(self, self.chart.y_axis)

    @property
    def series(self) -> ChartSeriesCollection:
        self._call("Chart.SeriesCollection")
        return ChartSeriesCollection(self)

    @property
    def left(self) -> float:
        self._call("ChartObject.Left.get")
        return self.chart.xl_place[0]

    @property
    def top(self) -> float:
        self._call("ChartObject.Top.get")
        return self.chart.xl_place[1]

    @property
    def width(self) -> float:
        self._call("ChartObject.Width.get")
        return self.chart.xl_place[2]

    @property
    def height(self) -> float:
        self._call("ChartObject.Height.get")
        return self.chart.xl_place[3]

    def delete(self) -> None:
        self._call("ChartObject.Delete")
        self.sheet.ws._charts.remove(self.chart)


class ChartObjectApi:
    """COM's ``ChartObject`` for what xlwings does not offer: ``Placement``."""

    def __init__(self, chart: Chart) -> None:
        self.chart = chart

    @property
    def Placement(self) -> int:
        self.chart._call("ChartObject.Placement.get")
        return self.chart.chart.xl_place[4]

    @Placement.setter
    def Placement(self, value: int) -> None:
        self.chart._call("ChartObject.Placement.set")
        if value not in _PLACEMENTS:
            raise ValueError(f"no such XlPlacement: {value}")
        places = self.chart.chart.xl_place
        self.chart.chart.xl_place = (*places[:4], value)
        self.chart._place()


class ChartLegend(base_classes.ChartLegend):
    def __init__(self, chart: Chart) -> None:
        self.chart = chart

    @property
    def visible(self) -> bool:
        self.chart._call("Chart.HasLegend.get")
        return self.chart.chart.legend is not None

    @visible.setter
    def visible(self, value: bool) -> None:
        from openpyxl.chart.legend import Legend

        self.chart._call("Chart.HasLegend.set")
        self.chart.chart.legend = Legend() if value else None

    @property
    def position(self) -> str | None:
        self.chart._call("Chart.Legend.Position.get")
        legend = self.chart.chart.legend
        names = {short: name for name, short in _LEGEND_POSITIONS.items()}
        return None if legend is None else names[legend.position]

    @position.setter
    def position(self, value: str) -> None:
        from openpyxl.chart.legend import Legend

        self.chart._call("Chart.Legend.Position.set")
        if self.chart.chart.legend is None:
            self.chart.chart.legend = Legend()
        self.chart.chart.legend.position = _LEGEND_POSITIONS[value]


class ChartAxis(base_classes.ChartAxis):
    def __init__(self, chart: Chart, axis: Any) -> None:
        self.chart = chart
        self.axis = axis

    @property
    def reverse_order(self) -> bool:
        self.chart._call("Axis.ReversePlotOrder.get")
        return self.axis.scaling.orientation == "maxMin"

    @reverse_order.setter
    def reverse_order(self, value: bool) -> None:
        self.chart._call("Axis.ReversePlotOrder.set")
        self.axis.scaling.orientation = "maxMin" if value else "minMax"

    def set(self, **values: Any) -> None:
        """xlwings' bulk setter (what ``axis.reverse_order = True`` calls): the order only."""
        for key, value in values.items():
            if value is base_classes._UNSET:
                continue
            if key != "reverse_order":
                raise ValueError(f"the test engine sets an axis' order only, not {key}")
            self.reverse_order = value


class ChartSeriesCollection(base_classes.ChartSeriesCollection):
    def __init__(self, chart: Chart) -> None:
        self.chart = chart

    def __len__(self) -> int:
        return len(self.chart.chart.series)

    def __iter__(self) -> Iterator[ChartSeries]:
        return (ChartSeries(self.chart, series) for series in self.chart.chart.series)

    def __call__(self, index: int) -> ChartSeries:
        if not isinstance(index, int) or isinstance(index, bool):
            raise KeyError(index)
        return ChartSeries(self.chart, self.chart.chart.series[index - 1])


def _rgb(value: tuple[int, int, int]) -> str:
    return "".join(f"{part:02X}" for part in value)


def _tuple(rgb: str | None) -> tuple[int, int, int] | None:
    if rgb is None:
        return None
    rgb = rgb[-6:]
    return int(rgb[0:2], 16), int(rgb[2:4], 16), int(rgb[4:6], 16)


class ChartSeries(base_classes.ChartSeries):
    """One series: its name (the text of the cell it refers to), fill and line colours."""

    def __init__(self, chart: Chart, series: Any) -> None:
        self.chart = chart
        self.series = series

    api = property(lambda self: self)

    def _call(self, name: str) -> None:
        self.chart._call(name)

    @property
    def name(self) -> str:
        self._call("Series.Name.get")
        ref = self.series.tx.strRef.f
        sheet, _bang, cell = ref.rpartition("!")
        ws = self.chart.sheet.book.wb[sheet.strip("'").replace("''", "'")]
        return str(ws[cell.replace("$", "")].value)

    def _properties(self) -> Any:
        from openpyxl.chart.shapes import GraphicalProperties

        if self.series.graphicalProperties is None:
            self.series.graphicalProperties = GraphicalProperties()
        return self.series.graphicalProperties

    @property
    def fill_color(self) -> tuple[int, int, int] | None:
        self._call("Series.Format.Fill.get")
        properties = self.series.graphicalProperties
        fill = None if properties is None else properties.solidFill
        return None if fill is None else _tuple(fill.srgbClr.val)

    @property
    def line_color(self) -> tuple[int, int, int] | None:
        self._call("Series.Format.Line.get")
        properties = self.series.graphicalProperties
        line = None if properties is None or properties.line is None else properties.line
        fill = None if line is None else line.solidFill
        return None if fill is None else _tuple(fill.srgbClr.val)

    def set(self, **values: Any) -> None:
        """xlwings' bulk setter: the colours it is given (one COM call each), the rest unset."""
        for key, value in values.items():
            if value is base_classes._UNSET:
                continue
            if key == "fill_color":
                self._call("Series.Format.Fill.set")
                self._properties().solidFill = _rgb(value)
            elif key == "line_color":
                self._call("Series.Format.Line.set")
                self._properties().line.solidFill = _rgb(value)
            else:
                raise ValueError(f"the test engine sets a series' colours only, not {key}")


# --- what COM returns for one cell ------------------------------------------------------------


def com_value(cell: Any, twin: Any) -> Any:
    """``Range.Value`` of one cell as COM gives it (see the module's docstring)."""
    value = cell.value
    data_type = cell.data_type
    if data_type == "f" or _is_formula_object(value):
        if twin is None:
            return None  # written live: openpyxl computes nothing
        cached = twin[cell.coordinate]
        if cached.value is None:
            return "" if cached.data_type == "str" else None  # "" result / never computed
        value, data_type = cached.value, cached.data_type
    if value is None:
        return None
    if data_type == "e":
        return CELL_ERRORS.get(value, CELL_ERRORS["#VALUE!"])
    if isinstance(value, bool | str):
        return value
    if isinstance(value, int | float):
        if any(symbol in cell.number_format for symbol in _CURRENCY):
            return decimal.Decimal(repr(float(value)))
        return float(value)
    if isinstance(value, dt.date):
        if not isinstance(value, dt.datetime):
            value = dt.datetime(value.year, value.month, value.day)
        if _LEAP_BUG_START <= value < _LEAP_BUG_END:
            return value - dt.timedelta(days=1)  # COM's date for serials 1 to 59
        return value
    if isinstance(value, dt.time):
        return dt.datetime.combine(COM_EPOCH.date(), value)
    if isinstance(value, dt.timedelta):
        return COM_EPOCH + value
    return str(value)


#: What Excel takes for a number when a text is written to a cell with ``Range.Value``.
_NUMBER = re.compile(r"[+-]?(\d+([.,]\d*)?|[.,]\d+)([eE][+-]?\d+)?")


def com_write(cell: Any, value: Any) -> None:
    """``Range.Value = value`` for one cell, as Excel takes it: a text is *parsed* as if typed
    (``"01220"`` becomes the number 1220, ``"TRUE"`` a boolean, ``"=A1"`` a formula) unless it
    starts with an apostrophe, which makes the rest text (and sets the cell's quote prefix);
    other values are stored as given; ``None`` and ``""`` empty the cell. Dates typed as text
    are not recognised here (Excel's depend on the locale): the product never relies on it."""
    if value is None or value == "":
        cell.value = None
        return
    if not isinstance(value, str):
        cell.value = float(value) if isinstance(value, decimal.Decimal) else value
        return
    if value.startswith("'"):
        cell.value = value[1:] or None
        cell.data_type = "s"  # not a formula even when it starts with "="
        cell.quotePrefix = True
        return
    if value.startswith("=") and len(value) > 1:
        cell.value = value
        return
    if value.strip().upper() in ("TRUE", "FALSE", "VRAI", "FAUX"):
        cell.value = value.strip().upper() in ("TRUE", "VRAI")
        return
    if _NUMBER.fullmatch(value.strip()):
        cell.value = float(value.strip().replace(",", "."))
        return
    cell.value = value


def com_formula(cell: Any) -> str:
    """``Range.Formula`` of one cell: the formula, or the constant as text, ``""`` if empty."""
    value = cell.value
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if _is_formula_object(value):
        text = getattr(value, "text", None)
        return text if isinstance(text, str) and text else "=TABLE()"
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    return str(value)


def _is_formula_object(value: object) -> bool:
    return type(value).__name__ in ("ArrayFormula", "DataTableFormula")


# --- registration -----------------------------------------------------------------------------

engine = Engine()


def activate() -> Engine:
    """Register the engine with xlwings (once) and make it the active one."""
    if NAME not in [registered.name for registered in xw.engines]:
        xw.engines.add(xw.main.Engine(impl=engine))
    xw.engines[NAME].activate()
    return engine
