"""The workbook file as a drawer: its zip package edited part by part, platform files, safe
writes, locks."""
