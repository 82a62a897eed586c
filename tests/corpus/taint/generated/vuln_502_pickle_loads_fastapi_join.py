# ruff: noqa
import pickle
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
    obj = pickle.loads(v)  # sink: 502
    return None
