# ruff: noqa
import pymysql
import sys

import uuid

ALLOWED = {"alpha", "beta"}


def build(x):
    return "prefix-" + x


def constant_of(x):
    return "fixed-value"


def main():
    data = sys.argv[1]
    pair = ("fixed", data)
    v = pair[1]
    db = pymysql.connect()
    db.cursor().execute(v)  # sink: 89
    return None
