# ruff: noqa
from markupsafe import Markup, escape
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
    data = request.headers["X-Q"]
    v = "fixed"
    if len(data) > 3:
        v = data
    html = Markup("<b>" + v + "</b>")  # sink: 79
    return None
