from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from crm.directory import CustomerDirectory

directory = CustomerDirectory()


async def lookup(request: Request):
    iban = request.path_params["iban"].replace(" ", "")
    customer = directory.by_iban(iban)
    if customer is None:
        return JSONResponse({"error": "not found"}, status_code=404)
    return JSONResponse({"name": customer.findtext("name"), "segment": customer.get("segment")})


routes = [Route("/customers/by-iban/{iban}", lookup)]
