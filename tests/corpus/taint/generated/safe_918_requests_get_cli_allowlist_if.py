# ruff: noqa
import requests
import sys

import uuid

ALLOWED = {"alpha", "beta"}


def build(x):
    return "prefix-" + x


def constant_of(x):
    return "fixed-value"


def main():
    data = input()
    v = "fixed-value"
    if data in ALLOWED:
        v = data
    resp = requests.get(v)  # safe: 918
    return None
