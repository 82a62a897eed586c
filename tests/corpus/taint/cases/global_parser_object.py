# ruff: noqa
from flask import Flask, request
from lxml import etree

app = Flask(__name__)
PARSER = etree.XMLParser(resolve_entities=True, load_dtd=True)


@app.post("/statements")
def statements():
    doc = etree.fromstring(request.get_data(), parser=PARSER)  # sink: 611
    return {"entries": len(doc)}
