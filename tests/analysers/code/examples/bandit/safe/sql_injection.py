# ruff: noqa
# safe: B608
"""Passes the account id as a bound parameter, so it is never parsed as SQL."""


def balance(cursor, account_id: str) -> float:
    cursor.execute("SELECT balance FROM accounts WHERE id = %s", (account_id,))
    return cursor.fetchone()[0]
