# ruff: noqa
import os
import shlex
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
    v = constant_of(data)
    os.system(v)  # safe: 78
    return None
