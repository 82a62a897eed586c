# ruff: noqa
from django.http import HttpResponse
from django.utils.html import escape
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
    v = ""
    for part in data.split(","):
        v = v + part
    resp = HttpResponse("<p>%s</p>" % v)  # sink: 79
    return None
