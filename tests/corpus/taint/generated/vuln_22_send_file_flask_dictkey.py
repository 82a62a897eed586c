# ruff: noqa
from flask import send_file
from werkzeug.utils import secure_filename
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
    box = {"key": data, "other": "fixed"}
    v = box["key"]
    resp = send_file(v)  # sink: 22
    return None
