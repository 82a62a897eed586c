# ruff: noqa
"""Builds SQL by string formatting: SQL injection (CWE-89)."""


def balance(cursor, account_id: str) -> float:
    cursor.execute("SELECT balance FROM accounts WHERE id = '%s'" % account_id)  # vuln: B608
    return cursor.fetchone()[0]
