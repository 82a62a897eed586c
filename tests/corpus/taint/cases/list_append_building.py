# ruff: noqa
import os

from flask import Flask, request

app = Flask(__name__)


@app.route("/ls")
def ls():
    parts = ["ls", "-l"]
    parts.append(request.args["dir"])
    os.system(" ".join(parts))  # sink: 78
    return "ok"
