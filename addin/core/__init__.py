"""The pure core: profiles, field types, validation and reports. No I/O happens here."""
