"""Customer accounts: lookups by id, by IBAN, and the account list on the dashboard."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from psycopg2 import sql

from app.db import connect

_ACCOUNT_COLUMNS = "id, customer_id, iban, currency, balance, status, opened_on"

# Columns the dashboard may sort by; the key comes from the query string.
_SORT_COLUMNS = {
    "opened": "opened_on",
    "balance": "balance",
    "currency": "currency",
}


@dataclass(frozen=True)
class Account:
    id: int
    customer_id: int
    iban: str
    currency: str
    balance: Decimal
    status: str


def _to_account(row: dict[str, Any]) -> Account:
    return Account(
        id=row["id"],
        customer_id=row["customer_id"],
        iban=row["iban"],
        currency=row["currency"],
        balance=Decimal(row["balance"]),
        status=row["status"],
    )


def get_account(account_id: int) -> Account | None:
    """One account by primary key."""
    with connect() as conn, conn.cursor() as cur:
        cur.execute(
            "SELECT id, customer_id, iban, currency, balance, status FROM accounts WHERE id = %s",
            (account_id,),
        )
        row = cur.fetchone()
    return _to_account(row) if row else None


def find_by_iban(iban: str) -> Account | None:
    """Look up a beneficiary account by IBAN (used by the transfer form's name check)."""
    normalised = iban.replace(" ", "").upper()
    with connect() as conn, conn.cursor() as cur:
        cur.execute(f"SELECT {_ACCOUNT_COLUMNS} FROM accounts WHERE iban = '{normalised}'")
        row = cur.fetchone()
    return _to_account(row) if row else None


def list_for_customer(customer_id: int, sort: str = "opened") -> list[Account]:
    """The customer's accounts, sorted by an allow-listed column."""
    column = _SORT_COLUMNS.get(sort, "opened_on")
    query = sql.SQL("SELECT {} FROM accounts WHERE customer_id = %s ORDER BY {}").format(
        sql.SQL(_ACCOUNT_COLUMNS), sql.Identifier(column)
    )
    with connect() as conn, conn.cursor() as cur:
        cur.execute(query, (customer_id,))
        rows = cur.fetchall()
    return [_to_account(r) for r in rows]


def owns_account(customer_id: int, account_id: int) -> bool:
    """Whether ``account_id`` belongs to ``customer_id``."""
    with connect() as conn, conn.cursor() as cur:
        cur.execute(
            "SELECT 1 FROM accounts WHERE id = %s AND customer_id = %s",
            (account_id, customer_id),
        )
        return cur.fetchone() is not None


def apply_balance_delta(conn: Any, account_id: int, delta: Decimal) -> None:
    """Add ``delta`` to an account's balance inside the caller's transaction."""
    with conn.cursor() as cur:
        cur.execute(
            "UPDATE accounts SET balance = balance + %s WHERE id = %s",
            (delta, account_id),
        )
