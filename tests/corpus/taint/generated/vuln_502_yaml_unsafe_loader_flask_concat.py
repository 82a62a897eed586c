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
    data = request.headers["X-Q"]
    v = "prefix-" + data
    obj = yaml.load(v, Loader=yaml.Loader)  # sink: 502
    return None
