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
    resp = send_file(secure_filename(data))  # safe: 22
    return None
