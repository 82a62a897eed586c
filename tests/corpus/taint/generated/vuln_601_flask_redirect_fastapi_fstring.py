# ruff: noqa
from flask import redirect
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
    v = f"prefix-{data}"
    resp = redirect(v)  # sink: 601
    return None
