# ruff: noqa
from flask import Flask, request
from lxml import etree

app = Flask(__name__)
PARSER = etree.XMLParser(resolve_entities=False, no_network=True)


@app.post("/statements")
def statements():
    doc = etree.fromstring(request.get_data(), parser=PARSER)  # safe: 611
    return {"entries": len(doc)}
