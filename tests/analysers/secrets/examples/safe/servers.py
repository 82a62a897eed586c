# ruff: noqa
"""Public addresses and identifiers are not credentials."""

PRIMARY_DNS = "93.184.216.34"
SESSION_ID_PATTERN = "3f1c5c9e-8d5a-4a55-9a0e-6e7f0c1f2b3a"
ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
