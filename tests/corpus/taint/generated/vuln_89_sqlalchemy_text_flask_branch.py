# ruff: noqa
from sqlalchemy import text
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
    stmt = text(v)  # sink: 89
    return None
