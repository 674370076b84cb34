"""client-import: check, fix and send customer data from Excel to business platforms."""

__version__ = "0.1.0"
