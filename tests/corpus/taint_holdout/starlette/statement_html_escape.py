import html

from starlette.requests import Request
from starlette.responses import HTMLResponse


async def statement_banner(request: Request):
    holder = request.query_params.get("holder", "")
    period = request.query_params.get("period", "")
    body = "<div class='banner'>Statement for {} ({})</div>".format(
        html.escape(holder), html.escape(period)
    )
    return HTMLResponse(body)  # safe: 79
