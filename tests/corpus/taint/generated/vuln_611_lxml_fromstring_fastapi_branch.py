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
    data = data
    v = "fixed"
    if len(data) > 3:
        v = data
    parser = etree.XMLParser(resolve_entities=True)
    doc = etree.fromstring(v, parser)  # sink: 611
    return None
