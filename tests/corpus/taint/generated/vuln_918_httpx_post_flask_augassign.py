# ruff: noqa
import httpx
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
    resp = httpx.post(v, json={})  # sink: 918
    return None
