# ruff: noqa
from sqlalchemy import text
import sys

import uuid

ALLOWED = {"alpha", "beta"}


def build(x):
    return "prefix-" + x


def constant_of(x):
    return "fixed-value"


def main():
    data = sys.argv[1]
    v = "prefix-"
    v += data
    stmt = text(v)  # sink: 89
    return None
