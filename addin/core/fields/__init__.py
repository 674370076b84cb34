"""Field types: one module per kind of value, each checking and normalising one cell at a time.

Every checker is built once per column (``build_checker``) and then called per distinct value;
the engine caches outcomes per column, so a checker must be a pure function of its input.
"""
