"""Thin shells over the use cases: the command line, the ribbon, the terminal rendering."""
