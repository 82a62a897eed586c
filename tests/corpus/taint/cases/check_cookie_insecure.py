# ruff: noqa
from flask import Flask, make_response

app = Flask(__name__)


@app.route("/login")
def login():
    resp = make_response("ok")
    resp.set_cookie("sid", "abc", httponly=True)  # sink: 614
    resp.set_cookie("theme", "dark")  # sink: 614
    return resp
