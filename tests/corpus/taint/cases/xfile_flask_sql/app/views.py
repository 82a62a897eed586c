# ruff: noqa
from flask import Flask, request

from .repo import find_user

app = Flask(__name__)


@app.route("/user")
def user():
    return find_user(request.args["name"])
