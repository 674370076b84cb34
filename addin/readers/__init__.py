"""Readers: every supported file (CSV, .xlsx, .xlsm, .xls, .ods) becomes one :class:`Table`.

Use :func:`addin.readers.reader.read_table` and :func:`addin.readers.reader.list_sheets`; the
modules beside it are the format-specific parts (``csv_reader``; for .xlsx/.xlsm
``xlsx_hybrid``, with calamine plus ``sheet_scan`` and ``ooxml``, falling back to
``xlsx_reader`` with openpyxl; ``calamine_reader`` for .xls/.ods), what they share (``common``,
``cells``, ``progress``) and the bounds checked before any of them reads (``zip_bounds``,
``sheet_bounds``, ``ole``).
"""

from addin.readers.reader import CSV_MAX_BYTES, WORKBOOK_MAX_BYTES, list_sheets, read_table

__all__ = ["CSV_MAX_BYTES", "WORKBOOK_MAX_BYTES", "list_sheets", "read_table"]
