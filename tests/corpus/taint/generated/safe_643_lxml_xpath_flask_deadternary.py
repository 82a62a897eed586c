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
    data = request.form["q"]
    v = "fixed-value" if 3 * 7 > 5 else data
    tree = etree.parse("accounts.xml")
    nodes = tree.xpath("//user[@name='" + v + "']")  # safe: 643
    return None
