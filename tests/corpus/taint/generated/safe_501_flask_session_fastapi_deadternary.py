# ruff: noqa
from flask import session
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
    data = data.strip()
    v = "fixed-value" if 3 * 7 > 5 else data
    session["user"] = v  # safe: 501
    return None
