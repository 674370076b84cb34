"""Sending valid rows to a platform: connectors, modes, journal, resume."""
