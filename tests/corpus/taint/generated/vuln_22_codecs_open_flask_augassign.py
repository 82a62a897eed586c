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
    data = request.args.get("q")
    v = "prefix-"
    v += data
    fh = codecs.open(v, "r")  # sink: 22
    return None
