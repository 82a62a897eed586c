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
    data = input()
    mode = "debug" * 0
    v = data if mode else "fixed-value"
    obj = jsonpickle.decode(v)  # safe: 502
    return None
