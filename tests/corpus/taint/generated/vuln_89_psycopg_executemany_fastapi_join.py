# ruff: noqa
import psycopg2
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
    conn = psycopg2.connect("")
    conn.cursor().executemany(v, [])  # sink: 89
    return None
