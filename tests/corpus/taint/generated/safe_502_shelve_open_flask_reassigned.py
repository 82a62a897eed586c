# ruff: noqa
import shelve
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
    data = request.form["q"]
    v = data
    v = "fixed-value"
    db = shelve.open(v)  # safe: 502
    return None
