# ruff: noqa
from flask import request


def wanted_file():
    return request.args["file"]
