# ruff: noqa
import sqlite3
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
    cur = sqlite3.connect("app.db").cursor()
    cur.execute(v)  # sink: 89
    return None
