# ruff: noqa
import jsonpickle
import json
import sys

import uuid

ALLOWED = {"alpha", "beta"}


def build(x):
    return "prefix-" + x


def constant_of(x):
    return "fixed-value"


def main():
    data = sys.argv[1]
    v = "fixed"
    if len(data) > 3:
        v = data
    obj = jsonpickle.decode(v)  # sink: 502
    return None
