# ruff: noqa
import os

from flask import Flask, request

app = Flask(__name__)


class Statement:
    def __init__(self, name):
        self.name = os.path.basename(name)
        self.label = name

    def read(self):
        with open(os.path.join("/srv/statements", self.name)) as fh:  # safe: 22
            return fh.read()

    def title(self):
        self.label = "statement"
        return open("/srv/titles/" + self.label).read()  # safe: 22


@app.route("/statement")
def statement():
    doc = Statement(request.args["name"])
    return doc.read() + doc.title()
