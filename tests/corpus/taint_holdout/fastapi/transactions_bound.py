from datetime import date

from fastapi import APIRouter, Depends, Query
from sqlalchemy import text
from sqlalchemy.orm import Session

from bankapi.db import get_session

router = APIRouter()


@router.get("/accounts/{account_id}/transactions")
def transactions(
    account_id: int,
    since: date | None = None,
    direction: str = Query("desc"),
    counterparty: str = "",
    db: Session = Depends(get_session),
):
    order = "DESC" if direction.lower() == "desc" else "ASC"
    sql = text(
        "SELECT id, amount, currency, booked_at FROM transactions "
        "WHERE account_id = :acct AND booked_at >= :since "
        "AND counterparty_name ILIKE :cp "
        f"ORDER BY booked_at {order}"
    )
    params = {"acct": account_id, "since": since or date(1970, 1, 1), "cp": f"%{counterparty}%"}
    rows = db.execute(sql, params).mappings().all()  # safe: 89
    return [dict(r) for r in rows]
