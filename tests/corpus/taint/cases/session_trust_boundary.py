# ruff: noqa
from flask import Flask, request, session

app = Flask(__name__)


@app.route("/set")
def set_role():
    session["role"] = request.args.get("role")  # sink: 501
    session["theme"] = "dark"  # safe: 501
    return "ok"
