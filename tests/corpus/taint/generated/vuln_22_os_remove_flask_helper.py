# ruff: noqa
import os
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
    v = build(data)
    os.remove(v)  # sink: 22
    return None
