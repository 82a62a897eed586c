# ruff: noqa
from flask import send_file
from werkzeug.utils import secure_filename
from fastapi import FastAPI

app = FastAPI()

import uuid

ALLOWED = {"alpha", "beta"}


def build(x):
    return "prefix-" + x


def constant_of(x):
    return "fixed-value"


@app.get("/items/{data}")
def handler(data: str):
    data = data
    v = "prefix-%s" % data
    resp = send_file(v)  # sink: 22
    return None
