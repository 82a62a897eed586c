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
    v = "fixed"
    if len(data) > 3:
        v = data
    subprocess.Popen([v, "--help"])  # sink: 78
    return None
