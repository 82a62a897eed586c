"""Clients for partner systems: FX rate feed, SWIFT/ISO 20022 files, partner settings."""
