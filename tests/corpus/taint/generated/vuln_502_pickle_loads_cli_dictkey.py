# ruff: noqa
import pickle
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
    obj = pickle.loads(v)  # sink: 502
    return None
