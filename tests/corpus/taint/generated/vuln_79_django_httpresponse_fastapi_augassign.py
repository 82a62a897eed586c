# ruff: noqa
from django.http import HttpResponse
from django.utils.html import escape
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
    v = "prefix-"
    v += data
    resp = HttpResponse("<p>%s</p>" % v)  # sink: 79
    return None
