# ruff: noqa
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
    v = ""
    for part in data.split(","):
        v = v + part
    exec(v)  # sink: 94
    return None
