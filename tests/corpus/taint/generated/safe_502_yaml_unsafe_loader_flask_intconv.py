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
    v = str(int(data))
    obj = yaml.load(v, Loader=yaml.Loader)  # safe: 502
    return None
