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
    pair = ("fixed", data)
    v = pair[1]
    tree = etree.parse("accounts.xml")
    nodes = tree.xpath("//user[@name='" + v + "']")  # sink: 643
    return None
