# ruff: noqa
from lxml import etree
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route


class Branches:
    def __init__(self, path="/srv/branches.xml"):
        self.doc = etree.parse(path)

    def named(self, town):
        return self.doc.xpath("//branch[town='" + town + "']/code/text()")  # sink: 643


BRANCHES = Branches()


async def branches(request: Request):
    return JSONResponse({"codes": BRANCHES.named(request.query_params["town"])})


routes = [Route("/branches", branches)]
