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
    data = request.values.get("q")
    v = str(uuid.UUID(data))
    resp = send_file(v)  # safe: 22
    return None
