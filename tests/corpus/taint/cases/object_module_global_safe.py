# ruff: noqa
from lxml import etree
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route


class Branches:
    def __init__(self, path="/srv/branches.xml"):
        self.doc = etree.parse(path)

    def named(self, town):
        return self.doc.xpath("//branch[town=$town]/code/text()", town=town)  # safe: 643

    def capital(self):
        return self.doc.xpath("//branch[town='" + self.home + "']/code/text()")  # safe: 643

    home = "London"


BRANCHES = Branches()


async def branches(request: Request):
    return JSONResponse({"codes": BRANCHES.named(request.query_params["town"]) + BRANCHES.capital()})


routes = [Route("/branches", branches)]
