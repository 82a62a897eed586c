# ruff: noqa
import urllib.request
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
    resp = urllib.request.urlopen("https://api.bank.example/?q=" + str(int(data)))  # safe: 918
    return None
