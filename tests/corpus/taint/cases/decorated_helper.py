# ruff: noqa
import functools

from flask import Flask, request

app = Flask(__name__)


@functools.lru_cache(maxsize=32)
def compute(expr):
    return eval(expr)  # sink: 95


@app.route("/calc")
def calc():
    return str(compute(request.args["e"]))
