# ruff: noqa
import os

from flask import Flask, request

app = Flask(__name__)


def walk(path, depth):
    if depth == 0:
        return os.remove(path)  # sink: 22
    return walk(path, depth - 1)


@app.route("/rm")
def rm():
    walk(request.args["p"], 3)
    return "ok"
