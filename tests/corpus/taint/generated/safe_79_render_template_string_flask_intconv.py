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
    data = request.cookies.get("q")
    v = str(int(data))
    page = render_template_string("<p>" + v + "</p>")  # safe: 79  # safe: 1336
    return None
