# ruff: noqa
import sqlite3
import sys

import uuid

ALLOWED = {"alpha", "beta"}


def build(x):
    return "prefix-" + x


def constant_of(x):
    return "fixed-value"


def main():
    data = sys.argv[1]
    v = "prefix-{}".format(data)
    cur = sqlite3.connect("app.db").cursor()
    cur.execute(v)  # sink: 89
    return None
