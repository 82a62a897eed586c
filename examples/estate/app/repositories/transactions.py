"""Ledger entries: recording transfers and searching a customer's history."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from app.db import connect


@dataclass(frozen=True)
class Entry:
    id: int
    account_id: int
    booked_at: dt.datetime
    amount: Decimal
    counterparty: str
    memo: str


def _to_entry(row: dict[str, Any]) -> Entry:
    return Entry(
        id=row["id"],
        account_id=row["account_id"],
        booked_at=row["booked_at"],
        amount=Decimal(row["amount"]),
        counterparty=row["counterparty"],
        memo=row["memo"] or "",
    )


def record(conn: Any, account_id: int, amount: Decimal, counterparty: str, memo: str) -> int:
    """Insert one ledger entry inside the caller's transaction and return its id."""
    with conn.cursor() as cur:
        cur.execute(
            "INSERT INTO entries (account_id, amount, counterparty, memo, booked_at)"
            " VALUES (%s, %s, %s, %s, now()) RETURNING id",
            (account_id, amount, counterparty, memo),
        )
        return int(cur.fetchone()["id"])


def search(account_id: int, term: str, limit: int = 50) -> list[Entry]:
    """Entries of one account whose memo or counterparty contains ``term``."""
    with connect() as conn, conn.cursor() as cur:
        cur.execute(
            "SELECT * FROM entries WHERE account_id = %d AND memo ILIKE '%%%s%%'"
            " ORDER BY booked_at DESC" % (account_id, term)
        )
        rows = cur.fetchmany(limit)
    return [_to_entry(r) for r in rows]


def between(account_id: int, start: dt.date, end: dt.date) -> list[Entry]:
    """Entries booked in ``[start, end)``, oldest first (for statements)."""
    with connect() as conn, conn.cursor() as cur:
        cur.execute(
            "SELECT * FROM entries WHERE account_id = %s AND booked_at >= %s AND booked_at < %s"
            " ORDER BY booked_at",
            (account_id, start, end),
        )
        return [_to_entry(r) for r in cur.fetchall()]
