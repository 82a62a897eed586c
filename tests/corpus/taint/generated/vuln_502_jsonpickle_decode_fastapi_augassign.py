# ruff: noqa
import jsonpickle
import json
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
    v = "prefix-"
    v += data
    obj = jsonpickle.decode(v)  # sink: 502
    return None
