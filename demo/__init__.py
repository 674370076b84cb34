"""The bundled demonstration run by ``make demo``."""
