# ruff: noqa
import subprocess
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
    subprocess.Popen([v, "--help"])  # sink: 78
    return None
