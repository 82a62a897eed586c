# ruff: noqa
import shutil
import os
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
    shutil.rmtree(v)  # safe: 22
    return None
