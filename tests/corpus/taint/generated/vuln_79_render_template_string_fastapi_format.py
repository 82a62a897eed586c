# ruff: noqa
from flask import render_template_string
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
    data = data
    v = "prefix-{}".format(data)
    page = render_template_string("<p>" + v + "</p>")  # sink: 79  # sink: 1336
    return None
