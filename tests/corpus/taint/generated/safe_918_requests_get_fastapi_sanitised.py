# ruff: noqa
import requests
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
    resp = requests.get("https://api.bank.example/items", params={"q": data})  # safe: 918
    return None
