# ruff: noqa
from xml.dom import minidom
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
    v = str(int(data))
    doc = minidom.parseString(v)  # safe: 611
    return None
