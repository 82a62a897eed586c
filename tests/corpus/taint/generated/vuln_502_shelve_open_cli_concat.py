# ruff: noqa
import shelve
import sys

import uuid

ALLOWED = {"alpha", "beta"}


def build(x):
    return "prefix-" + x


def constant_of(x):
    return "fixed-value"


def main():
    data = sys.argv[1]
    v = "prefix-" + data
    db = shelve.open(v)  # sink: 502
    return None
