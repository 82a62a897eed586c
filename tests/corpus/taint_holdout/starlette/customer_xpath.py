from lxml import etree
from starlette.requests import Request
from starlette.responses import JSONResponse

CUSTOMERS = etree.parse("/srv/crm/customers.xml")


async def find_customer(request: Request):
    last_name = request.query_params.get("name", "")
    nodes = CUSTOMERS.xpath(f"//customer[lastName='{last_name}']/accountNumber/text()")  # sink: 643
    return JSONResponse({"accounts": [str(n) for n in nodes]})
