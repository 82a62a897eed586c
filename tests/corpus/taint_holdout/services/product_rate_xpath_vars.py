from flask import Blueprint, jsonify, request
from lxml import etree

products = Blueprint("products", __name__)


class ProductCatalogue:
    def __init__(self, path="/srv/reference/products.xml"):
        self.tree = etree.parse(path)

    def rate_for(self, code, tenor):
        found = self.tree.xpath(  # safe: 643
            "//product[@code=$code]/rate[@tenor=$tenor]/text()", code=code, tenor=tenor
        )
        return found[0] if found else None


catalogue = ProductCatalogue()


@products.get("/products/rate")
def product_rate():
    code = request.args.get("code", "")
    tenor = request.args.get("tenor", "12M")
    return jsonify(code=code, tenor=tenor, rate=catalogue.rate_for(code, tenor))
