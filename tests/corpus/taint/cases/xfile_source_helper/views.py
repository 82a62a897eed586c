# ruff: noqa
from flask import Flask

from sources import wanted_file

app = Flask(__name__)


@app.route("/dl")
def dl():
    path = wanted_file()
    with open("/srv/" + path) as fh:  # sink: 22
        return fh.read()
