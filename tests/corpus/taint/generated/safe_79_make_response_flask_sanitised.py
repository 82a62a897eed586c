# ruff: noqa
from flask import make_response
import html
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
    resp = make_response("<h1>" + html.escape(data) + "</h1>")  # safe: 79
    return None
