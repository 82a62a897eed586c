# ruff: noqa
import httpx
import sys

import uuid

ALLOWED = {"alpha", "beta"}


def build(x):
    return "prefix-" + x


def constant_of(x):
    return "fixed-value"


def main():
    data = sys.argv[1]
    resp = httpx.post("https://api.bank.example/items", json={"q": data})  # safe: 918
    return None
