# ruff: noqa
import os
import sys

import uuid

ALLOWED = {"alpha", "beta"}


def build(x):
    return "prefix-" + x


def constant_of(x):
    return "fixed-value"


def main():
    data = sys.argv[1]
    v = ""
    for part in data.split(","):
        v = v + part
    os.remove(v)  # sink: 22
    return None
