"""The workbook the user has open in Excel, through xlwings: the live twin of ``addin.readers``.

The file path reads the saved file; this package reads the open book, so that the ribbon's
buttons check what the user sees, unsaved changes included, and builds the same
:class:`~addin.core.table.Table` from it (the tests prove it fixture by fixture):

- :mod:`addin.live.values`: one cell as Excel hands it to xlwings → the file path's cell value;
- :mod:`addin.live.grid`: a sheet's cells in a few bulk calls into Excel (values, formulas,
  number formats), whatever its number of rows;
- :mod:`addin.live.book`: the sheet to read, its header row, the :class:`Table`.

and draws on it what the file path draws, through the same plans, in a few calls whatever the
rows: :mod:`~addin.live.cell_writes` and :mod:`~addin.live.changes` (fix, undo),
:mod:`~addin.live.marks` and :mod:`~addin.live.report_sheet` (marks, clear),
:mod:`~addin.live.mapping` (the mapping sheet), :mod:`~addin.live.outcomes` (a push's
results); :mod:`~addin.live.own_sheets` knows our sheets, :mod:`~addin.live.sheet_format`
their widths, colours and frozen rows; :mod:`~addin.live.workbook` puts it all behind the
use cases' ``Workbook``.

Only xlwings' open-source API is used (no PRO engine or feature): the same code runs on
Windows, macOS and, in the tests, over an engine of our own (``tests/excel_engine.py``).
"""

from addin.live.book import read_book_table

__all__ = ["read_book_table"]
