from starlette.requests import Request
from starlette.responses import RedirectResponse

from bankportal.oidc import exchange_code


async def sso_complete(request: Request):
    session_id = await exchange_code(request.query_params["code"])
    return_to = request.query_params.get("return_to", "/")
    response = RedirectResponse(url=return_to, status_code=302)  # sink: 601
    response.set_cookie("sid", session_id, httponly=True, secure=True, samesite="lax")
    return response
