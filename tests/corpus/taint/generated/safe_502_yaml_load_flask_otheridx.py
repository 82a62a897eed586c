# ruff: noqa
import yaml
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
    pair = ("fixed-value", data)
    v = pair[0]
    obj = yaml.load(v)  # safe: 502
    return None
