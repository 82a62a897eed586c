from decimal import Decimal, InvalidOperation

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

RULES = {
    "flat": "fee = Decimal('0.50')",
    "percent": "fee = amount * Decimal('0.015')",
    "capped": "fee = min(amount * Decimal('0.01'), Decimal('25'))",
}


async def quote_fee(request: Request):
    params = request.query_params
    code = RULES.get(params.get("rule", "flat"))
    if code is None:
        return JSONResponse({"error": "unknown rule"}, status_code=400)
    try:
        scope = {"amount": Decimal(params.get("amount", "0"))}
    except InvalidOperation:
        return JSONResponse({"error": "bad amount"}, status_code=400)
    exec(code, {"Decimal": Decimal, "min": min}, scope)  # safe: 94
    return JSONResponse({"fee": str(scope["fee"])})


app = Starlette(routes=[Route("/fees/quote", quote_fee)])
