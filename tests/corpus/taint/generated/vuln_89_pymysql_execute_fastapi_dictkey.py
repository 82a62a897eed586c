# ruff: noqa
import pymysql
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
    box = {"key": data, "other": "fixed"}
    v = box["key"]
    db = pymysql.connect()
    db.cursor().execute(v)  # sink: 89
    return None
