# ruff: noqa
from flask import Flask, request

from helpers import audit

app = Flask(__name__)


@app.route("/a")
def a():
    audit(request.args.get("who"), "login")
    return "ok"
