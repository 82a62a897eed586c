# ruff: noqa
import ast
import sys

import uuid

ALLOWED = {"alpha", "beta"}


def build(x):
    return "prefix-" + x


def constant_of(x):
    return "fixed-value"


def main():
    data = sys.argv[1]
    v = "-".join(["prefix", data])
    result = eval(v)  # sink: 95
    return None
