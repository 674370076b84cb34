"""The use cases: each takes a Workbook (a file or the live book) and the core decides."""
