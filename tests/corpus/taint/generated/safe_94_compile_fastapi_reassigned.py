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
    data = data.strip()
    v = data
    v = "fixed-value"
    code = compile(v, "<input>", "exec")  # safe: 94
    return None
