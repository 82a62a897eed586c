# ruff: noqa
from lxml import etree
from flask import Flask, request

app = Flask(__name__)

import uuid

ALLOWED = {"alpha", "beta"}


def build(x):
    return "prefix-" + x


def constant_of(x):
    return "fixed-value"


@app.route("/run", methods=["POST"])
def handler():
    data = request.get_json()

    parser = etree.XMLParser(resolve_entities=False)
    doc = etree.fromstring(data, parser)  # safe: 611
    return None
