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
    v = f"prefix-{data}"
    code = compile(v, "<input>", "exec")  # sink: 94
    return None
