# ruff: noqa
import codecs
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
    data = request.values.get("q")
    v = constant_of(data)
    fh = codecs.open(v, "r")  # safe: 22
    return None
