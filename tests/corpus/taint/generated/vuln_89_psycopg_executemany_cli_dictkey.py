# ruff: noqa
import psycopg2
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
    conn = psycopg2.connect("")
    conn.cursor().executemany(v, [])  # sink: 89
    return None
