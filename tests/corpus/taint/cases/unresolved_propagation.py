# ruff: noqa
import os

from flask import Flask, request

from somewhere_else import normalise

app = Flask(__name__)


@app.route("/x")
def x():
    name = normalise(request.args["n"])
    os.system("ls " + name)  # sink: 78
    return "ok"
