# ruff: noqa
import pymysql
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
    db = pymysql.connect()
    db.cursor().execute("SELECT 1 WHERE a = %s", (data,))  # safe: 89
    return None
