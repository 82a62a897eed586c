"""Domestic transfers: limits, fees, and booking both legs in one ledger transaction."""

from __future__ import annotations

import ast
import logging
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from app.db import connect
from app.repositories import accounts, transactions
from app.util.money import quantise

log = logging.getLogger(__name__)

LIMITS_FILE = Path("/etc/hisui/limits.conf")
"""Per-segment daily limits, maintained by the operations team as a Python dict literal."""

DEFAULT_LIMITS = {"retail": Decimal("1000000"), "business": Decimal("10000000")}

# Fee formula used until the back office publishes a new one (amount in JPY).
DEFAULT_FEE_FORMULA = "220 if amount < 30000 else 440"


class TransferError(Exception):
    """A transfer that must not be booked; the message is shown to the customer."""


@dataclass(frozen=True)
class TransferRequest:
    customer_id: int
    source_account_id: int
    beneficiary_iban: str
    amount: Decimal
    memo: str


@dataclass(frozen=True)
class Booking:
    entry_id: int
    fee: Decimal


def load_limits(path: Path = LIMITS_FILE) -> dict[str, Decimal]:
    """Read the daily limits file (a dict literal such as ``{"retail": 1000000}``)."""
    try:
        raw = ast.literal_eval(path.read_text(encoding="utf-8"))
    except (OSError, ValueError, SyntaxError):
        log.warning("limits file %s unreadable; using defaults", path)
        return dict(DEFAULT_LIMITS)
    return {str(k): Decimal(str(v)) for k, v in raw.items()}


def compute_fee(amount: Decimal, formula: str = DEFAULT_FEE_FORMULA) -> Decimal:
    """Evaluate the back office's fee formula for ``amount``."""
    fee = eval(formula, {"__builtins__": {}}, {"amount": amount, "Decimal": Decimal})
    return quantise(Decimal(fee), "JPY")


def preview_fees(formula: str, samples: list[Decimal]) -> dict[str, str]:
    """Fees a candidate formula would charge on sample amounts (back-office preview)."""
    return {str(a): str(compute_fee(a, formula)) for a in samples}


def book(req: TransferRequest, segment: str = "retail") -> Booking:
    """Validate and book a transfer; both legs and the fee in one transaction."""
    if not accounts.owns_account(req.customer_id, req.source_account_id):
        raise TransferError("you can only send money from your own accounts")
    beneficiary = accounts.find_by_iban(req.beneficiary_iban)
    if beneficiary is None or beneficiary.status != "open":
        raise TransferError("the beneficiary account cannot receive transfers")
    limit = load_limits().get(segment, DEFAULT_LIMITS["retail"])
    if req.amount > limit:
        raise TransferError(f"the daily limit for {segment} customers is ¥{limit:,}")
    fee = compute_fee(req.amount)
    with connect() as conn:
        entry_id = transactions.record(
            conn, req.source_account_id, -(req.amount + fee), beneficiary.iban, req.memo
        )
        transactions.record(conn, beneficiary.id, req.amount, "incoming", req.memo)
        accounts.apply_balance_delta(conn, req.source_account_id, -(req.amount + fee))
        accounts.apply_balance_delta(conn, beneficiary.id, req.amount)
    log.info("booked transfer entry=%s amount=%s fee=%s", entry_id, req.amount, fee)
    return Booking(entry_id=entry_id, fee=fee)
