# ruff: noqa
from sqlalchemy import text
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
    stmt = text("SELECT * FROM t WHERE name = :n").bindparams(n=data)  # safe: 89
    return None
