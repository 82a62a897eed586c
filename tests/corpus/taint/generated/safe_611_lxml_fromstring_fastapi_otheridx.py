# ruff: noqa
from lxml import etree
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
    pair = ("fixed-value", data)
    v = pair[0]
    parser = etree.XMLParser(resolve_entities=True)
    doc = etree.fromstring(v, parser)  # safe: 611
    return None
