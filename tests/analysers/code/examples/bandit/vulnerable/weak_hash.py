# ruff: noqa
"""Hashes card numbers with MD5 for a security purpose (CWE-327)."""

import hashlib


def card_token(pan: str) -> str:
    return hashlib.md5(pan.encode()).hexdigest()  # vuln: B324
