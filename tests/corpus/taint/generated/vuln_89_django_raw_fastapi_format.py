# ruff: noqa
from shop.models import Order
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
    rows = Order.objects.raw(v)  # sink: 89
    return None
