# ruff: noqa
import requests
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
    v = str(uuid.UUID(data))
    resp = requests.get(v)  # safe: 918
    return None
