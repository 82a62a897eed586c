# ruff: noqa
import subprocess
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
    subprocess.run(v, shell=True)  # sink: 78
    return None
