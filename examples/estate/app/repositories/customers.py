"""Customers and their login credentials."""

from __future__ import annotations

from dataclasses import dataclass

from app.db import connect


@dataclass(frozen=True)
class Customer:
    id: int
    number: str
    name: str
    password_hash: str


def by_number(customer_no: str) -> Customer | None:
    """The customer with this ten-digit customer number."""
    with connect() as conn, conn.cursor() as cur:
        cur.execute(
            "SELECT id, number, name, password_hash FROM customers WHERE number = %s",
            (customer_no.strip(),),
        )
        row = cur.fetchone()
    if row is None:
        return None
    return Customer(row["id"], row["number"], row["name"], row["password_hash"])


def set_password_hash(customer_id: int, password_hash: str) -> None:
    """Replace a customer's stored password hash."""
    with connect() as conn, conn.cursor() as cur:
        cur.execute(
            "UPDATE customers SET password_hash = %s, password_changed_at = now() WHERE id = %s",
            (password_hash, customer_id),
        )
