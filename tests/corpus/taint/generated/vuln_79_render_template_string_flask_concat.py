# ruff: noqa
from flask import render_template_string
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
    v = "prefix-" + data
    page = render_template_string("<p>" + v + "</p>")  # sink: 79  # sink: 1336
    return None
