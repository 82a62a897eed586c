# ruff: noqa
import marshal
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
    v = str(uuid.UUID(data))
    obj = marshal.loads(v)  # safe: 502
    return None
