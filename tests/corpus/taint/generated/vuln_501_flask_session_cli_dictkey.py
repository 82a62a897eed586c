# ruff: noqa
from flask import session
import sys

import uuid

ALLOWED = {"alpha", "beta"}


def build(x):
    return "prefix-" + x


def constant_of(x):
    return "fixed-value"


def main():
    data = sys.argv[1]
    box = {"key": data, "other": "fixed"}
    v = box["key"]
    session["user"] = v  # sink: 501
    return None
