# ruff: noqa
import sqlite3
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
    cur = sqlite3.connect("app.db").cursor()
    cur.execute("SELECT * FROM t WHERE name = ?", (data,))  # safe: 89
    return None
