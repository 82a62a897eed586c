from decimal import Decimal

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route


async def dry_run_rule(request: Request):
    body = await request.json()
    scope = {"amount": Decimal(str(body.get("amount", 0))), "fee": Decimal("0")}
    exec(body["rule"], {"Decimal": Decimal}, scope)  # sink: 94
    return JSONResponse({"fee": str(scope["fee"])})


app = Starlette(routes=[Route("/rules/dry-run", dry_run_rule, methods=["POST"])])
