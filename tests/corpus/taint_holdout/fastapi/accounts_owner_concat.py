from fastapi import APIRouter, Depends, Query
from sqlalchemy import text
from sqlalchemy.orm import Session

from bankapi.db import get_session

router = APIRouter(prefix="/accounts", tags=["accounts"])


@router.get("/")
def list_accounts(
    owner: str = Query(..., description="customer reference"),
    status: str = "active",
    db: Session = Depends(get_session),
):
    rows = db.execute(
        text(
            "SELECT id, iban, balance FROM accounts WHERE owner_ref = '"  # sink: 89
            + owner
            + "' AND status = '"
            + status
            + "'"
        )
    ).mappings().all()
    return {"accounts": [dict(r) for r in rows]}
