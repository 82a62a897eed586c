# ruff: noqa
import ast
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
    data = request.args.get("q")
    box = {"key": data, "other": "fixed"}
    v = box["key"]
    result = eval(v)  # sink: 95
    return None
