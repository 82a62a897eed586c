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
    data = input()
    v = "fixed-value"
    if False:
        v = data
    conn = psycopg2.connect("")
    conn.cursor().executemany(v, [])  # safe: 89
    return None
