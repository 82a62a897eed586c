# ruff: noqa
import os

from flask import Flask, request

app = Flask(__name__)


def ping(name, n):
    if n <= 0:
        os.system("echo done")  # safe: 78
        return name
    return pong(name, n - 1)


def pong(name, n):
    return ping(name, n - 1)


@app.route("/p")
def p():
    ping(request.args["n"], 5)
    return "ok"
