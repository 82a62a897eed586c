# ruff: noqa
from markupsafe import Markup, escape
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
    html = Markup("<b>" + escape(data) + "</b>")  # safe: 79
    return None
