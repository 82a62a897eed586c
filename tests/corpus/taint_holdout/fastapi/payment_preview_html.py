from decimal import Decimal

from fastapi import APIRouter
from fastapi.responses import HTMLResponse

router = APIRouter()


@router.get("/payments/preview")
def preview(payee: str, amount: Decimal, memo: str = ""):
    page = (
        "<html><body>"
        f"<h1>Pay {amount:.2f} EUR to {payee}</h1>"
        f"<p class='memo'>{memo}</p>"
        "</body></html>"
    )
    return HTMLResponse(content=page)  # sink: 79
