"""Turning reports into what a person or a program reads (terminal table, JSON)."""
