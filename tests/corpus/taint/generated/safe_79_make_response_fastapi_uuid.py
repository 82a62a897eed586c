# ruff: noqa
from flask import make_response
import html
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
    resp = make_response("<h1>" + v + "</h1>")  # safe: 79
    return None
