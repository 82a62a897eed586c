# ruff: noqa
from django.http import HttpResponseRedirect
from django.utils.http import url_has_allowed_host_and_scheme
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
    pair = ("fixed", data)
    v = pair[1]
    resp = HttpResponseRedirect(v)  # sink: 601
    return None
