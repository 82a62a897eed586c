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
    data = data.strip()
    pair = ("fixed-value", data)
    v = pair[0]
    subprocess.Popen([v, "--help"])  # safe: 78
    return None
