# ruff: noqa
import os
import shlex
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
    out = os.popen(v)  # safe: 78
    return None
