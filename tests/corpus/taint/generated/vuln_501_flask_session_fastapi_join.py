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
    data = data
    v = "-".join(["prefix", data])
    session["user"] = v  # sink: 501
    return None
